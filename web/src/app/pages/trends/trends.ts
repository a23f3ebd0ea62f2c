import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import type { DailySummariesView, FigureName } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { addDays, daysBetween, isDate, longDate, today, type LocalDate } from '../../core/time';
import { DEFAULT_FIGURES, RANGE_DAYS, TREND_FIGURES, previousYear, xOf, type RangeKey, type Resolution, type TrendFigure } from './figures';
import { TrendChart, type TrendSeries } from './trend-chart';

/** At most this many figures are drawn at once. */
const MAX_FIGURES = 5;
/** The longest range the summaries give in one answer. */
const MAX_DAYS = 1000;

/** The periods of an answer as x values, with each figure's column. */
interface Periods {
  xs: number[];
  columns: Partial<Record<FigureName, (number | null)[]>>;
}

type Load = { state: 'loading' } | { state: 'ok'; current: Periods; previous: Periods | null } | { state: 'error'; problem: ApiProblem };

function periodsOfDays(view: DailySummariesView): Periods {
  const n = daysBetween(view.from, view.to) + 1;
  const first = xOf(view.from);
  return { xs: Array.from({ length: n }, (_, i) => first + i * 86_400), columns: view.figures as Periods['columns'] };
}

/**
 * Trends: chosen figures by day, week or month over 7 days to a year (or any range), each on its own
 * chart sharing one time axis and cursor, with totals and averages and the same period a year before
 * beside them. Drag across a chart to zoom, double-click to go back; Earlier and Later move the range.
 */
@Component({
  selector: 'wh-trends',
  imports: [TrendChart],
  templateUrl: './trends.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TrendsPage {
  private readonly api = inject(ApiService);
  protected readonly prefs = inject(PrefsService);

  protected readonly options = TREND_FIGURES;
  protected readonly ranges: { key: RangeKey; label: string }[] = [
    { key: '7d', label: $localize`:@@trends.range7d:7 days` },
    { key: '30d', label: $localize`:@@trends.range30d:30 days` },
    { key: '90d', label: $localize`:@@trends.range90d:90 days` },
    { key: '1y', label: $localize`:@@trends.range1y:1 year` },
    { key: 'custom', label: $localize`:@@trends.rangeCustom:Custom` },
  ];
  protected readonly resolutions: { key: Resolution; label: string }[] = [
    { key: 'day', label: $localize`:@@trends.days:Days` },
    { key: 'week', label: $localize`:@@trends.weeks:Weeks` },
    { key: 'month', label: $localize`:@@trends.months:Months` },
  ];

  protected readonly chosen = signal<FigureName[]>([...DEFAULT_FIGURES]);
  protected readonly range = signal<RangeKey>('30d');
  protected readonly resolution = signal<Resolution>('day');
  protected readonly compare = signal(true);
  /** The last day shown; today unless moved. */
  protected readonly end = signal<LocalDate | null>(null);
  protected readonly customFrom = signal<LocalDate | null>(null);
  protected readonly customTo = signal<LocalDate | null>(null);
  protected readonly data = signal<Load>({ state: 'loading' });
  /** Milliseconds from the data's arrival to every chart drawn. */
  protected readonly renderMs = signal<number | null>(null);
  /** Of those, the milliseconds the charts spent building themselves (the rest is the page's own work and the frame). */
  protected readonly drawMs = signal<number | null>(null);
  private drawing = 0;
  private arrivedAt = 0;
  private pendingCharts = 0;
  private seq = 0;
  protected readonly syncKey = `trends-${Math.random().toString(36).slice(2)}`;
  private readonly section = viewChild<ElementRef<HTMLElement>>('chartsSection');
  /** The charts' width, measured once when data arrives (one layout for all of them). */
  protected readonly chartWidth = signal(0);

  protected readonly today = computed(() => today(this.prefs.zone()));
  protected readonly window = computed<{ from: LocalDate; to: LocalDate }>(() => {
    const key = this.range();
    if (key === 'custom') {
      const to = this.customTo() ?? this.today();
      const from = this.customFrom() ?? addDays(to, -29);
      return daysBetween(from, to) >= 0 ? { from, to } : { from: to, to: from };
    }
    const to = this.end() ?? this.today();
    return { from: addDays(to, -(RANGE_DAYS[key] - 1)), to };
  });
  protected readonly windowLabel = computed(() => `${longDate(this.window().from)} – ${longDate(this.window().to)}`);
  protected readonly atToday = computed(() => this.window().to === this.today());

  protected readonly charts = computed<{ figure: TrendFigure; series: TrendSeries }[]>(() => {
    const d = this.data();
    if (d.state !== 'ok') return [];
    return this.chosen().flatMap((name) => {
      const figure = TREND_FIGURES.find((f) => f.name === name);
      if (!figure) return [];
      const ys = d.current.columns[name] ?? d.current.xs.map(() => null);
      const prev = d.previous ? (d.previous.columns[name] ?? null) : null;
      // Last year's periods, aligned by position with this range's.
      const previous = prev ? d.current.xs.map((_, i) => prev[i] ?? null) : null;
      return [{ figure, series: { xs: d.current.xs, ys, previous } }];
    });
  });
  protected readonly error = computed(() => {
    const d = this.data();
    return d.state === 'error' ? d.problem : null;
  });

  constructor() {
    effect(() => {
      const { from, to } = this.window();
      const resolution = this.resolution();
      const compare = this.compare();
      untracked(() => void this.load(from, to, resolution, compare));
    });
  }

  private async fetch(from: LocalDate, to: LocalDate, resolution: Resolution): Promise<Periods> {
    if (resolution === 'day') return periodsOfDays(await this.api.get('/api/v1/summaries/daily', { query: { from, to } }));
    const path = resolution === 'week' ? '/api/v1/summaries/weekly' : '/api/v1/summaries/monthly';
    const view = await this.api.get(path, { query: { from, to } });
    return { xs: view.start.map(xOf), columns: view.figures as Periods['columns'] };
  }

  protected async load(from: LocalDate, to: LocalDate, resolution: Resolution, compare: boolean): Promise<void> {
    const seq = ++this.seq;
    this.data.set({ state: 'loading' });
    this.renderMs.set(null);
    try {
      const prevRange = previousYear(from, to, resolution);
      const [current, previous] = await Promise.all([
        this.fetch(from, to, resolution),
        compare ? this.fetch(prevRange.from, prevRange.to, resolution) : Promise.resolve(null),
      ]);
      if (seq !== this.seq) return;
      this.arrivedAt = performance.now();
      this.pendingCharts = this.chosen().length;
      this.drawing = 0;
      const section = this.section()?.nativeElement;
      if (section) {
        const style = getComputedStyle(section);
        this.chartWidth.set(Math.max(section.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight), 0));
      }
      this.data.set({ state: 'ok', current, previous });
    } catch (err) {
      if (seq === this.seq) this.data.set({ state: 'error', problem: problemOf(err) });
    }
  }

  /** A chart finished drawing; when the last of a load has, the time since the data arrived is kept. */
  protected chartRendered(ms: number): void {
    if (this.pendingCharts <= 0) return;
    this.pendingCharts--;
    this.drawing += ms;
    if (this.pendingCharts === 0) this.drawMs.set(Math.round(this.drawing * 10) / 10);
    // Counted to the next frame, by when the browser has painted what the charts drew.
    if (this.pendingCharts === 0) requestAnimationFrame(() => this.renderMs.set(Math.round((performance.now() - this.arrivedAt) * 10) / 10));
  }

  protected toggleFigure(name: FigureName): void {
    const now = this.chosen();
    if (now.includes(name)) this.chosen.set(now.filter((n) => n !== name));
    else if (now.length < MAX_FIGURES) this.chosen.set(TREND_FIGURES.map((f) => f.name).filter((n) => n === name || now.includes(n)));
    this.pendingCharts = 0;
  }

  protected isChosen(name: FigureName): boolean {
    return this.chosen().includes(name);
  }

  protected canChoose(name: FigureName): boolean {
    return this.isChosen(name) || this.chosen().length < MAX_FIGURES;
  }

  protected pickRange(key: string): void {
    const found = this.ranges.find((r) => r.key === key);
    if (!found) return;
    if (found.key === 'custom') {
      this.customFrom.set(this.window().from);
      this.customTo.set(this.window().to);
    }
    this.range.set(found.key);
    if (found.key === '1y' && this.resolution() === 'day') this.resolution.set('week');
  }

  protected pickResolution(key: string): void {
    const found = this.resolutions.find((r) => r.key === key);
    if (found) this.resolution.set(found.key);
  }

  /**
   * Sets one end of the custom range. When that leaves the other end on the wrong side, or the range
   * longer than the summaries give at once, the other end moves to keep the range's length.
   */
  protected pickCustom(which: 'from' | 'to', value: string): void {
    if (!isDate(value) || daysBetween(value, this.today()) < 0) return;
    const { from, to } = this.window();
    const length = daysBetween(from, to) + 1;
    const fits = (a: LocalDate, b: LocalDate) => daysBetween(a, b) >= 0 && daysBetween(a, b) + 1 <= MAX_DAYS;
    if (which === 'from') {
      const end = fits(value, to) ? to : addDays(value, length - 1);
      this.customFrom.set(value);
      this.customTo.set(daysBetween(end, this.today()) < 0 ? this.today() : end);
    } else {
      this.customTo.set(value);
      this.customFrom.set(fits(from, value) ? from : addDays(value, -(length - 1)));
    }
  }

  /** Moves the range by its own length, earlier (-1) or later (1), never past today. */
  protected shift(direction: -1 | 1): void {
    const { from, to } = this.window();
    const days = (daysBetween(from, to) + 1) * direction;
    if (this.range() === 'custom') {
      const newTo = addDays(to, days);
      if (daysBetween(newTo, this.today()) < 0) return;
      this.customFrom.set(addDays(from, days));
      this.customTo.set(newTo);
      return;
    }
    const target = addDays(to, days);
    this.end.set(daysBetween(target, this.today()) <= 0 ? null : target);
  }
}
