/** The chart colours of the current theme, read once per theme: reading computed styles forces the
 * browser to lay out the page, and five charts drawn one after another each did it. */
export interface ChartColors {
  line: string;
  accent: string;
  axis: string;
  grid: string;
}

let cached: { dark: boolean; colors: ChartColors } | null = null;

export function chartColors(dark: boolean): ChartColors {
  if (cached?.dark === dark) return cached.colors;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const colors = {
    line: read('--chart-line', '#d92d6b'),
    accent: read('--accent', '#1a5fd0'),
    axis: read('--chart-axis', '#4a5260'),
    grid: read('--chart-grid', 'rgba(0,0,0,.1)'),
  };
  cached = { dark, colors };
  return colors;
}
