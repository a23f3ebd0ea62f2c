import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import type { DailySummariesView, FigureName } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { intlLocale } from '../../core/i18n';
import { column } from '../../core/summaries';
import { addDays, today, type LocalDate } from '../../core/time';
import { TREND_FIGURES, figure as figureOf, yearEarlier } from '../trends/figures';
import { change, firstDayIndex, indexIn, levels, monthWeeks } from './grid';

type Period = 'week' | 'month' | 'year';

interface Comparison {
  label: string;
  now: number | null;
  previous: number | null;
  lastYear: number | null;
}

/** Names from `Intl` in the page's language (English by default): `January`…, `Mon`… (2024-01-01 was a Monday). */
const NAMES_LOCALE = intlLocale() ?? 'en';
const MONTHS = Array.from({ length: 12 }, (_, m) =>
  new Intl.DateTimeFormat(NAMES_LOCALE, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, m, 1))),
);
const WEEKDAYS = Array.from({ length: 7 }, (_, d) =>
  new Intl.DateTimeFormat(NAMES_LOCALE, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + d))),
);
const NO_DATA = $localize`:@@calendar.noData:no data`;
// Figures named as the catalogue's metrics, which `GET /summaries/totals` sums.
const COMPARED: FigureName[] = ['steps', 'distance', 'active_energy', 'exercise_minutes', 'floors'];

/**
 * A year of days coloured by a chosen figure, month by month, and this week, month or year against the
 * one before and the same one a year earlier, per figure and per activity type.
 */
@Component({
  selector: 'wh-calendar',
  templateUrl: './calendar.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CalendarPage {
  private readonly api = inject(ApiService);
  protected readonly prefs = inject(PrefsService);

  protected readonly options = TREND_FIGURES;
  protected readonly periods: { value: Period; label: string }[] = [
    { value: 'week', label: $localize`:@@calendar.week:week` },
    { value: 'month', label: $localize`:@@calendar.month:month` },
    { value: 'year', label: $localize`:@@calendar.yearPeriod:year` },
  ];
  protected readonly figure = signal<FigureName>('steps');
  protected readonly year = signal(Number(today(this.prefs.zone()).slice(0, 4)));
  protected readonly period = signal<Period>('month');
  protected readonly days = signal<DailySummariesView | null>(null);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly comparisons = signal<Comparison[] | null>(null);
  protected readonly types = signal<{ type: string; now: number; previous: number; lastYear: number }[]>([]);
  protected readonly weekdayNames = computed(() => {
    const names = WEEKDAYS;
    const first = firstDayIndex(this.prefs.firstWeekday());
    return [...names.slice(first), ...names.slice(0, first)];
  });

  protected readonly months = computed(() => {
    const view = this.days();
    const name = this.figure();
    const f = figureOf(name);
    const col = view ? column(view, name) : [];
    const lv = levels(col.map((v) => (typeof v === 'number' ? v : null)));
    const first = firstDayIndex(this.prefs.firstWeekday());
    const system = this.prefs.units();
    return MONTHS.map((label, m) => ({
      label,
      weeks: monthWeeks(this.year(), m + 1, first).map((week) =>
        week.map((date) => {
          if (!date || !view) return { date, level: 0, title: date ?? '' };
          const i = indexIn(view.from, date);
          const v = col[i];
          const shown = typeof v === 'number' && f ? `${Math.round(f.show(v, system) * 10 ** f.decimals) / 10 ** f.decimals} ${f.unit(system)}`.trim() : NO_DATA;
          return { date, level: lv[i] ?? 0, title: `${date}: ${shown}` };
        }),
      ),
    }));
  });

  constructor() {
    effect(() => {
      const year = this.year();
      untracked(() => void this.loadYear(year));
    });
    effect(() => {
      const period = this.period();
      untracked(() => void this.loadComparison(period));
    });
  }

  private async loadYear(year: number): Promise<void> {
    this.problem.set(null);
    try {
      this.days.set(await this.api.get('/api/v1/summaries/daily', { query: { from: `${year}-01-01`, to: `${year}-12-31` } }));
    } catch (err) {
      this.problem.set(problemOf(err));
    }
  }

  /** Totals of this period, the one before and the same one a year earlier. */
  private async loadComparison(period: Period): Promise<void> {
    this.comparisons.set(null);
    const now = today(this.prefs.zone());
    const before = period === 'week' ? addDays(now, -7) : period === 'month' ? monthEarlier(now) : yearEarlier(now);
    const lastYear = yearEarlier(now);
    const total = (metric: string, date: LocalDate) =>
      this.api
        .get('/api/v1/summaries/totals', { query: { metric, period, date } })
        .then((t) => t.total ?? null)
        .catch(() => null);
    try {
      const rows = await Promise.all(
        COMPARED.map(async (name) => {
          const [a, b, c] = await Promise.all([total(name, now), total(name, before), total(name, lastYear)]);
          return { label: figureOf(name)?.label ?? name, now: a, previous: b, lastYear: c, name };
        }),
      );
      if (this.period() !== period) return;
      this.comparisons.set(rows);
      const byType = (date: LocalDate) =>
        this.api
          .get('/api/v1/summaries/totals', { query: { metric: 'duration', period, date, group_by: 'activity_type' } })
          .then((t) => t.groups ?? [])
          .catch(() => []);
      const [a, b, c] = await Promise.all([byType(now), byType(before), byType(lastYear)]);
      const types = new Set([...a, ...b, ...c].map((g) => g.type));
      const of = (list: { type: string; total: number }[], type: string) => list.find((g) => g.type === type)?.total ?? 0;
      if (this.period() === period) this.types.set([...types].map((type) => ({ type, now: of(a, type), previous: of(b, type), lastYear: of(c, type) })));
    } catch {
      this.comparisons.set([]);
    }
  }

  protected format(name: string, v: number | null): string {
    const f = figureOf(name);
    if (v === null || !f) return '—';
    const shown = f.show(v, this.prefs.units());
    const n = shown.toLocaleString(intlLocale(), { maximumFractionDigits: f.decimals });
    return `${n} ${f.unit(this.prefs.units())}`.trim();
  }

  protected hours(seconds: number): string {
    return seconds ? `${(seconds / 3600).toLocaleString(intlLocale(), { maximumFractionDigits: 1 })} h` : '—';
  }

  protected delta(now: number | null, before: number | null): string {
    const c = change(now, before);
    return c === null ? '' : `${c >= 0 ? '+' : '−'}${Math.round(Math.abs(c) * 100)} %`;
  }

  protected pickFigure(value: string): void {
    if (figureOf(value)) this.figure.set(value as FigureName);
  }

  protected pickPeriod(value: string): void {
    if (value === 'week' || value === 'month' || value === 'year') this.period.set(value);
  }
}

/** The same day a month earlier (the month's last day when it has fewer days). */
function monthEarlier(date: LocalDate): LocalDate {
  const [y, m, d] = date.split('-').map(Number);
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
