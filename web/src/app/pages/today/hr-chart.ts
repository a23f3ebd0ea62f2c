import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import uPlot from 'uplot';
import { bridgeGaps, seriesStats, type SeriesData } from '../../core/chart-data';
import { clock } from '../../core/time';
import { ThemeService } from '../../core/theme.service';

const HEIGHT = 260;

/** The longest run of empty minutes the line is drawn across. */
const MAX_BRIDGED_MINUTES = 15;

/** Heart rate through a day, one point a minute, drawn with uPlot (gaps where nothing was recorded). */
@Component({
  selector: 'wh-hr-chart',
  template: `
    <div class="hr-readout" aria-hidden="true">{{ readout() }}</div>
    <div #host class="hr-host" role="img" [attr.aria-label]="summary()" data-testid="hr-chart-canvas"></div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HrChart {
  readonly data = input.required<SeriesData>();
  readonly zone = input.required<string>();

  private readonly theme = inject(ThemeService);
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private plot: uPlot | null = null;
  private readonly width = signal(0);
  protected readonly hover = signal<number | null>(null);

  protected readonly stats = computed(() => seriesStats(this.data()));
  protected readonly summary = computed(() => {
    const s = this.stats();
    if (!s.filled) return $localize`:@@hrChart.summaryEmpty:Heart rate chart: no readings`;
    return $localize`:@@hrChart.summary:Heart rate chart: ${Math.round(s.min ?? 0)}:min: to ${Math.round(s.max ?? 0)}:max: beats per minute, average ${Math.round(s.avg ?? 0)}:avg:, ${s.filled}:minutes: minutes with readings`;
  });
  protected readonly readout = computed(() => {
    const i = this.hover();
    const [xs, ys, mins, maxs] = this.data();
    if (i === null || i < 0 || i >= xs.length) {
      const s = this.stats();
      return s.filled
        ? $localize`:@@hrChart.readoutDay:avg ${Math.round(s.avg ?? 0)}:avg: bpm · range ${Math.round(s.min ?? 0)}:min:–${Math.round(s.max ?? 0)}:max:`
        : '';
    }
    const t = clock(xs[i] * 1000, this.zone());
    const y = ys[i];
    if (y === null) return $localize`:@@hrChart.readoutNone:${t}:time: · no reading`;
    const lo = mins[i];
    const hi = maxs[i];
    const range = lo !== null && hi !== null && hi - lo >= 1 ? ` (${Math.round(lo)}–${Math.round(hi)})` : '';
    return `${t} · ${Math.round(y)} bpm${range}`;
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    effect(() => {
      const el = this.host().nativeElement;
      const ro = new ResizeObserver((entries) => {
        const w = Math.floor(entries[0]?.contentRect.width ?? 0);
        if (w > 0 && w !== this.width()) this.width.set(w);
      });
      ro.observe(el);
      destroyRef.onDestroy(() => ro.disconnect());
    });
    // (Re)build when the data, zone or theme change; resize in place when only the width does.
    effect(() => {
      const data = this.data();
      const zone = this.zone();
      this.theme.dark();
      this.build(data, zone);
    });
    effect(() => {
      const w = this.width();
      // The first measurement usually finds the width the chart was built with: no second drawing then.
      if (this.plot && w > 0 && w !== this.plot.width) this.plot.setSize({ width: w, height: HEIGHT });
    });
    destroyRef.onDestroy(() => this.plot?.destroy());
  }

  private css(name: string, fallback: string): string {
    const v = getComputedStyle(this.host().nativeElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  private build(data: SeriesData, zone: string): void {
    this.plot?.destroy();
    this.plot = null;
    const el = this.host().nativeElement;
    const width = untracked(() => this.width()) || el.clientWidth || 600;
    const line = this.css('--chart-line', '#d92d6b');
    const band = this.css('--chart-band', 'rgba(217,45,107,.14)');
    const grid = this.css('--chart-grid', 'rgba(0,0,0,.1)');
    const axis = this.css('--chart-axis', '#4a5260');
    const axisStyle = { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
      scales: {
        x: { time: true, range: (_u, min, max) => [data[0][0] ?? min, (data[0].at(-1) ?? max) + 60] },
        y: {
          range: (_u, min, max) => {
            const lo = Number.isFinite(min) ? min : 50;
            const hi = Number.isFinite(max) ? max : 120;
            return [Math.max(0, Math.floor((lo - 5) / 10) * 10), Math.ceil((hi + 5) / 10) * 10];
          },
        },
      },
      axes: [
        { ...axisStyle, space: 60, values: (_u, splits) => splits.map((s) => clock(s * 1000, zone)) },
        { ...axisStyle, size: 44, label: 'bpm', labelSize: 18, labelGap: 0 },
      ],
      series: [
        {},
        { label: $localize`:@@today.heartRate:Heart rate`, stroke: line, width: 1.5, spanGaps: false, points: { show: false } },
        { label: 'Min', stroke: 'transparent', width: 0, spanGaps: false, points: { show: false } },
        { label: 'Max', stroke: 'transparent', width: 0, spanGaps: false, points: { show: false } },
      ],
      bands: [{ series: [3, 2], fill: band }],
      hooks: {
        setCursor: [(u) => this.hover.set(u.cursor.idx ?? null)],
      },
    };
    // Readings up to 15 minutes apart are joined by the line (and the band); longer gaps show as gaps.
    const [xs, ys, mins, maxs] = data;
    const drawn = [xs, bridgeGaps(ys, MAX_BRIDGED_MINUTES), bridgeGaps(mins, MAX_BRIDGED_MINUTES), bridgeGaps(maxs, MAX_BRIDGED_MINUTES)];
    this.plot = new uPlot(opts, drawn as unknown as uPlot.AlignedData, el);
  }
}
