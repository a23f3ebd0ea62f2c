import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import uPlot from 'uplot';
import type { UnitSystem } from '../../api/types';
import { chartColors } from '../../core/chart-colors';
import { intlLocale } from '../../core/i18n';
import { ThemeService } from '../../core/theme.service';
import { stats, type Resolution, type TrendFigure } from './figures';

const HEIGHT = 180;

/** "per day" and the like, after an average. */
const PER_PERIOD: Record<Resolution, string> = {
  day: $localize`:@@trendChart.perDay:per day`,
  week: $localize`:@@trendChart.perWeek:per week`,
  month: $localize`:@@trendChart.perMonth:per month`,
};

/** "/day" and the like, after an average in the readout. */
const SLASH_PERIOD: Record<Resolution, string> = {
  day: $localize`:@@trendChart.slashDay:/day`,
  week: $localize`:@@trendChart.slashWeek:/week`,
  month: $localize`:@@trendChart.slashMonth:/month`,
};

function yearBefore(value: string): string {
  return $localize`:@@trendChart.yearBefore: · a year before ${value}:value:`;
}

/**
 * Bars as whole-pixel rectangles, 70 % of a period wide (at most 40 px). Drawn here rather than with
 * uPlot's bar paths: a year of days as one anti-aliased path took the browser about 30 ms a chart to
 * rasterise, rectangles on whole pixels a small fraction of that.
 */
function drawBars(u: uPlot, color: string): void {
  const xs = u.data[0];
  const ys = u.data[1];
  if (xs.length === 0) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const gap = xs.length > 1 ? Math.abs(u.valToPos(xs[1], 'x', true) - u.valToPos(xs[0], 'x', true)) : width;
  const barWidth = Math.max(1, Math.round(Math.min(gap * 0.7, 40 * uPlot.pxRatio)));
  const base = Math.round(u.valToPos(0, 'y', true));
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = color;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined) continue;
    const x = Math.round(u.valToPos(xs[i], 'x', true) - barWidth / 2);
    const top = Math.round(u.valToPos(y, 'y', true));
    if (x + barWidth < left || x > left + width) continue;
    ctx.fillRect(x, Math.min(top, base), barWidth, Math.abs(base - top));
  }
  ctx.restore();
}

/** What one chart draws: the periods' x (Unix seconds), the figure's values, and last year's. */
export interface TrendSeries {
  xs: number[];
  ys: (number | null)[];
  previous: (number | null)[] | null;
}

/**
 * One figure over the chosen periods: bars for amounts, a line for readings, last year as a dashed
 * line. Charts of one page share their cursor and zoom (drag across a chart to zoom, double-click to
 * go back).
 */
@Component({
  selector: 'wh-trend-chart',
  template: `
    <div class="trend-head">
      <h3 class="trend-title">{{ figure().label }}</h3>
      <p class="trend-stats small" data-testid="trend-stats">{{ readout() }}</p>
    </div>
    <div #host class="trend-host" role="img" [attr.aria-label]="summary()" data-testid="trend-canvas"></div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TrendChart {
  readonly figure = input.required<TrendFigure>();
  readonly series = input.required<TrendSeries>();
  readonly system = input.required<UnitSystem>();
  readonly resolution = input.required<Resolution>();
  readonly syncKey = input.required<string>();
  /** Milliseconds the chart took to build, after each build. */
  readonly rendered = output<number>();

  private readonly theme = inject(ThemeService);
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private plot: uPlot | null = null;
  private readonly width = signal(0);
  protected readonly hover = signal<number | null>(null);

  private readonly shown = computed(() => {
    const f = this.figure();
    const system = this.system();
    const conv = (vs: (number | null)[]) => vs.map((v) => (v === null ? null : f.show(v, system)));
    const s = this.series();
    return { xs: s.xs, ys: conv(s.ys), previous: s.previous ? conv(s.previous) : null };
  });

  private format(v: number | null): string {
    if (v === null) return '—';
    const f = this.figure();
    const unit = f.unit(this.system());
    const n = v.toLocaleString(intlLocale(), { maximumFractionDigits: f.decimals, minimumFractionDigits: 0 });
    return unit ? `${n} ${unit}` : n;
  }

  protected readonly summary = computed(() => {
    const f = this.figure();
    const st = stats(this.shown().ys, f.kind);
    if (!st.count) return $localize`:@@trendChart.summaryEmpty:${f.label}:figure:: no data in this period`;
    const per = PER_PERIOD[this.resolution()];
    const average = this.format(st.average);
    const min = this.format(st.min);
    const max = this.format(st.max);
    return st.total !== null
      ? $localize`:@@trendChart.summaryAmount:${f.label}:figure:: total ${this.format(st.total)}:total:, average ${average}:average: ${per}:per:, from ${min}:min: to ${max}:max:`
      : $localize`:@@trendChart.summaryReading:${f.label}:figure:: average ${average}:average: ${per}:per:, from ${min}:min: to ${max}:max:`;
  });

  protected readonly readout = computed(() => {
    const i = this.hover();
    const { xs, ys, previous } = this.shown();
    if (i === null || i < 0 || i >= xs.length) {
      const f = this.figure();
      const st = stats(ys, f.kind);
      const prev = previous ? stats(previous, f.kind) : null;
      const main =
        f.kind === 'amount'
          ? $localize`:@@trendChart.readoutAmount:Total ${this.format(st.total)}:total: · avg ${this.format(st.average)}:average:${SLASH_PERIOD[this.resolution()]}:per:`
          : $localize`:@@trendChart.readoutReading:Avg ${this.format(st.average)}:average:`;
      const then = prev && prev.count ? yearBefore(this.format(f.kind === 'amount' ? prev.total : prev.average)) : '';
      return main + then;
    }
    const date = new Date(xs[i] * 1000).toISOString().slice(0, 10);
    const prev = previous && previous[i] !== null ? yearBefore(this.format(previous[i])) : '';
    return `${date} · ${this.format(ys[i])}${prev}`;
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    effect(() => {
      const el = this.host().nativeElement;
      const ro = new ResizeObserver((entries) => {
        const w = Math.floor(entries[0]?.contentRect.width ?? 0);
        if (w > 0 && w !== untracked(() => this.width())) this.width.set(w);
      });
      ro.observe(el);
      destroyRef.onDestroy(() => ro.disconnect());
    });
    effect(() => {
      const data = this.shown();
      const figure = this.figure();
      const key = this.syncKey();
      this.theme.dark();
      untracked(() => this.build(data, figure, key));
    });
    effect(() => {
      const w = this.width();
      // The first measurement usually finds the width the chart was built with: no second drawing then.
      if (this.plot && w > 0 && w !== this.plot.width) this.plot.setSize({ width: w, height: HEIGHT });
    });
    destroyRef.onDestroy(() => this.plot?.destroy());
  }

  /** The chart's width before it was first measured: the page measures once for all its charts. */
  readonly initialWidth = input(0);

  private build(data: { xs: number[]; ys: (number | null)[]; previous: (number | null)[] | null }, figure: TrendFigure, key: string): void {
    const t0 = performance.now();
    this.plot?.destroy();
    this.plot = null;
    const el = this.host().nativeElement;
    const width = this.width() || this.initialWidth() || el.clientWidth || 600;
    const colors = chartColors(this.theme.dark());
    const color = colors.accent;
    const faint = colors.axis;
    const grid = colors.grid;
    const axisStyle = { stroke: faint, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const amount = figure.kind === 'amount';
    const step = data.xs.length > 1 ? data.xs[1] - data.xs[0] : 86_400;
    const series: uPlot.Series[] = [
      {},
      amount
        ? { label: figure.label, stroke: color, fill: color, width: 0, paths: () => null, points: { show: false } }
        : { label: figure.label, stroke: color, width: 2, spanGaps: true, points: { show: data.xs.length <= 120, size: 5 } },
    ];
    const aligned: (number | null)[][] = [data.xs, data.ys];
    if (data.previous) {
      series.push({ label: $localize`:@@trends.yearBefore:A year before`, stroke: faint, width: 1.5, dash: [5, 4], spanGaps: true, points: { show: false } });
      aligned.push(data.previous);
    }
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, sync: { key, scales: ['x', null] }, points: { size: 6 } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        x: { time: true, range: (_u, min, max) => [(data.xs[0] ?? min) - step / 2, (data.xs.at(-1) ?? max) + step / 2] },
        y: { range: (_u, min, max) => [amount ? 0 : Math.floor(Number.isFinite(min) ? min * 0.95 : 0), Math.ceil(Number.isFinite(max) ? max * 1.05 : 1) || 1] },
      },
      axes: [
        { ...axisStyle, space: 70 },
        { ...axisStyle, size: 56, label: figure.unit(this.system()) || undefined, labelSize: 16, labelGap: 0 },
      ],
      series,
      hooks: {
        setCursor: [(u) => this.hover.set(u.cursor.idx ?? null)],
        ...(amount ? { drawSeries: [(u: uPlot, i: number) => i === 1 && drawBars(u, color)] } : {}),
      },
    };
    this.plot = new uPlot(opts, aligned as unknown as uPlot.AlignedData, el);
    this.rendered.emit(performance.now() - t0);
  }
}
