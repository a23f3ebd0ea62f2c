import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import uPlot from 'uplot';
import { chartColors } from '../../core/chart-colors';
import { intlLocale } from '../../core/i18n';
import { ThemeService } from '../../core/theme.service';
import { elapsedText, paceText, type Channel } from './streams';

const HEIGHT = 150;

/** A value to a tenth, in the page's language (`1234.5`, German `1234,5`), without grouping. */
function tenths(v: number): string {
  return (Math.round(v * 10) / 10).toLocaleString(intlLocale() ?? 'en-US', { maximumFractionDigits: 1, useGrouping: false });
}

/** An axis value in the page's language (`2.5`, German `2,5`), without grouping. */
function axisValue(v: number): string {
  const locale = intlLocale();
  return locale ? v.toLocaleString(locale, { maximumFractionDigits: 20, useGrouping: false }) : String(v);
}

/** One stream of an activity against elapsed time; the charts of one activity share their cursor. */
@Component({
  selector: 'wh-stream-chart',
  template: `
    <div class="trend-head">
      <h3 class="trend-title">{{ channel().label }}</h3>
      <p class="trend-stats small" data-testid="stream-readout">{{ readout() }}</p>
    </div>
    <div #host class="trend-host" role="img" [attr.aria-label]="summary()" data-testid="stream-canvas"></div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StreamChart {
  readonly channel = input.required<Channel>();
  /** Elapsed seconds of each point. */
  readonly time = input.required<number[]>();
  readonly syncKey = input.required<string>();
  /** The point under the cursor (null when none). */
  readonly hovered = output<number | null>();
  readonly rendered = output<number>();

  private readonly theme = inject(ThemeService);
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private plot: uPlot | null = null;
  private readonly width = signal(0);
  private readonly hover = signal<number | null>(null);

  private text(v: number | null | undefined): string {
    if (v === null || v === undefined) return '—';
    const c = this.channel();
    return c.key === 'pace' ? `${paceText(v)} ${c.unit}` : `${tenths(v)} ${c.unit}`;
  }

  private readonly range = computed(() => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let n = 0;
    for (const v of this.channel().values) {
      if (v === null) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      n++;
    }
    return n ? { min, max, avg: sum / n } : null;
  });

  protected readonly summary = computed(() => {
    const r = this.range();
    const channel = this.channel().label;
    return r
      ? $localize`:@@streamChart.summary:${channel}:channel:: from ${this.text(r.min)}:min: to ${this.text(r.max)}:max:, average ${this.text(r.avg)}:avg:`
      : $localize`:@@streamChart.summaryEmpty:${channel}:channel:: no data`;
  });

  protected readonly readout = computed(() => {
    const i = this.hover();
    if (i === null) {
      const r = this.range();
      return r ? $localize`:@@streamChart.readout:avg ${this.text(r.avg)}:avg: · ${this.text(r.min)}:min:–${this.text(r.max)}:max:` : '';
    }
    return `${elapsedText(this.time()[i] ?? 0)} · ${this.text(this.channel().values[i])}`;
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
      const channel = this.channel();
      const time = this.time();
      const key = this.syncKey();
      this.theme.dark();
      untracked(() => this.build(channel, time, key));
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

  private build(channel: Channel, time: number[], key: string): void {
    const t0 = performance.now();
    this.plot?.destroy();
    const el = this.host().nativeElement;
    const colors = chartColors(this.theme.dark());
    const axis = colors.axis;
    const grid = colors.grid;
    const color = channel.key === 'heart_rate' ? colors.line : colors.accent;
    const axisStyle = { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: this.width() || this.initialWidth() || el.clientWidth || 600,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, sync: { key, scales: ['x', null] }, points: { size: 6 } },
      scales: {
        x: { time: false },
        y: { dir: channel.inverted ? -1 : 1 },
      },
      axes: [
        // Ticks at whole minutes and hours of elapsed time.
        { ...axisStyle, space: 70, incrs: [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200], values: (_u, splits) => splits.map(elapsedText) },
        {
          ...axisStyle,
          size: 56,
          label: channel.unit,
          labelSize: 16,
          labelGap: 0,
          values: (_u, splits) => splits.map((s) => (channel.key === 'pace' ? paceText(s) : axisValue(s))),
        },
      ],
      series: [{}, { label: channel.label, stroke: color, width: 1.25, spanGaps: false, points: { show: false } }],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx ?? null;
            this.hover.set(i);
            this.hovered.emit(i);
          },
        ],
      },
    };
    this.plot = new uPlot(opts, [time, channel.values] as unknown as uPlot.AlignedData, el);
    this.rendered.emit(performance.now() - t0);
  }
}
