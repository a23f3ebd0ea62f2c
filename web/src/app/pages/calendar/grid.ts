import { addDays, daysBetween, parseDate, type LocalDate } from '../../core/time';

/** The weekday of a date, 0 = Monday … 6 = Sunday. */
export function weekday(date: LocalDate): number {
  const { year, month, day } = parseDate(date);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The first weekday as 0 = Monday … 6 = Sunday. */
export function firstDayIndex(first: 'monday' | 'sunday' | 'saturday'): number {
  return first === 'monday' ? 0 : first === 'sunday' ? 6 : 5;
}

/**
 * The weeks of a month as rows of seven cells (null outside the month), weeks starting on `first`.
 */
export function monthWeeks(year: number, month: number, first: number): (LocalDate | null)[][] {
  const start = `${year}-${String(month).padStart(2, '0')}-01`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (weekday(start) - first + 7) % 7;
  const cells: (LocalDate | null)[] = [...Array(lead).fill(null), ...Array.from({ length: days }, (_, i) => addDays(start, i))];
  while (cells.length % 7) cells.push(null);
  const weeks: (LocalDate | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The level 0–4 of a value among the day values: 0 without data, then quartiles of the days with data. */
export function levels(values: (number | null)[]): number[] {
  const present = values.filter((v): v is number => v !== null && v > 0).sort((a, b) => a - b);
  if (!present.length) return values.map(() => 0);
  const q = (p: number) => present[Math.min(present.length - 1, Math.floor(p * present.length))];
  const cuts = [q(0.25), q(0.5), q(0.75)];
  return values.map((v) => (v === null || v <= 0 ? 0 : v <= cuts[0] ? 1 : v <= cuts[1] ? 2 : v <= cuts[2] ? 3 : 4));
}

/** The day's index in a range starting at `from`. */
export function indexIn(from: LocalDate, date: LocalDate): number {
  return daysBetween(from, date);
}

/** Relative change from `before` to `now`, or null when there is nothing to compare. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return (now - before) / Math.abs(before);
}
