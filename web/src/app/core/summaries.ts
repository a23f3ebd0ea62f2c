// Helpers for the columnar daily summaries (`GET /api/v1/summaries/daily`): one array per figure, one
// entry per local day from `from`, `null` for a day without data, a figure left out when it has none.
import type { DailySummariesView, FigureName } from '../api/types';
import { addDays, daysBetween, type LocalDate } from './time';

export type Column = (number | null)[];

/** The column of `figure` (an empty array when the figure is left out). */
export function column(view: DailySummariesView | null | undefined, figure: FigureName): Column {
  const col = view?.figures[figure];
  return Array.isArray(col) ? col : [];
}

/** Number of days the view covers. */
export function dayCount(view: DailySummariesView): number {
  return daysBetween(view.from, view.to) + 1;
}

/** The date of the i-th entry. */
export function dateAt(view: DailySummariesView, index: number): LocalDate {
  return addDays(view.from, index);
}

/** The index of `date` in the view's columns, or -1 outside it. */
export function indexOf(view: DailySummariesView, date: LocalDate): number {
  const i = daysBetween(view.from, date);
  return i >= 0 && i < dayCount(view) ? i : -1;
}

/** The value of `figure` on `date`; `null` when there is none. */
export function valueOn(view: DailySummariesView | null | undefined, figure: FigureName, date: LocalDate): number | null {
  if (!view) return null;
  const i = indexOf(view, date);
  if (i < 0) return null;
  const v = column(view, figure)[i];
  return typeof v === 'number' ? v : null;
}

/** The latest non-null value of `figure` on or before `date`, with its date. */
export function latestOnOrBefore(
  view: DailySummariesView | null | undefined,
  figure: FigureName,
  date: LocalDate,
): { date: LocalDate; value: number } | null {
  if (!view) return null;
  const col = column(view, figure);
  let i = Math.min(daysBetween(view.from, date), col.length - 1);
  for (; i >= 0; i--) {
    const v = col[i];
    if (typeof v === 'number') return { date: dateAt(view, i), value: v };
  }
  return null;
}

/** Pairs of (date, value) for the days that have a value. */
export function points(view: DailySummariesView | null | undefined, figure: FigureName): { date: LocalDate; value: number }[] {
  if (!view) return [];
  const out: { date: LocalDate; value: number }[] = [];
  column(view, figure).forEach((v, i) => {
    if (typeof v === 'number') out.push({ date: dateAt(view, i), value: v });
  });
  return out;
}

/** Average of the non-null entries of a column, `null` when there are none. */
export function average(col: Column): number | null {
  let sum = 0;
  let n = 0;
  for (const v of col) {
    if (typeof v === 'number') {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : null;
}

/** The figures present in the view (those with at least one non-null entry). */
export function presentFigures(view: DailySummariesView | null | undefined): FigureName[] {
  if (!view) return [];
  return (Object.keys(view.figures) as FigureName[]).filter((k) => column(view, k).some((v) => typeof v === 'number'));
}
