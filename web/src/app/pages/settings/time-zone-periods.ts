// The time-zone history editor's pure side: stored periods as editable rows, the rows back as the
// `PUT /me/time-zones` body, and the checks the server would make that the browser can make first
// (so an obvious slip is named at once, in the same words, next to the same row).
import type { components } from '../../api/types';
import type { ApiProblem } from '../../core/problem';
import { localInput, localToRfc3339 } from '../../core/time';

export type PeriodView = components['schemas']['PeriodView'];
export type TimeZonesBody = components['schemas']['TimeZonesBody'];
export type TimeZonesView = components['schemas']['TimeZonesView'];

/** One period as the form edits it. */
export interface PeriodRow {
  /** Stable for the page's life, so a row keeps its inputs (and focus) when others come and go. */
  key: number;
  zone: string;
  /** When the user arrived: `YYYY-MM-DDTHH:MM` on the clock of `zone`; ignored for the first row. */
  from: string;
  /**
   * The start as the server sent it, while the row still shows it: sent back as it came, so saving
   * an untouched row does not round its start down to the minute (and move days for nothing).
   */
  stored: { zone: string; from: string; local: string } | null;
}

let nextKey = 1;

export function row(zone: string, from = '', stored: PeriodRow['stored'] = null): PeriodRow {
  return { key: nextKey++, zone, from, stored };
}

/** The stored history as rows, oldest first; an account without a zone starts from `zone`. */
export function rowsOf(periods: readonly PeriodView[], zone: string): PeriodRow[] {
  if (!periods.length) return [row(zone)];
  return periods.map((p) => {
    const ms = p.from ? Date.parse(p.from) : NaN;
    if (!p.from || Number.isNaN(ms)) return row(p.zone);
    const local = localInput(ms, p.zone);
    return row(p.zone, local, { zone: p.zone, from: p.from, local });
  });
}

/** A new last period: in `zone`, from the current minute there (the user moves it back). */
export function newRow(zone: string, now: number = Date.now()): PeriodRow {
  return row(zone, localInput(now, zone));
}

/** What a row sends as its `from`: the stored instant while untouched, else the wall-clock time. */
function fromOf(r: PeriodRow): string {
  return r.stored && r.stored.local === r.from && r.stored.zone === r.zone ? r.stored.from : r.from;
}

/** The instant a row's period starts (ms), `null` without a usable time. */
export function startOf(r: PeriodRow): number | null {
  if (!r.from) return null;
  const sent = fromOf(r);
  const ms = Date.parse(sent === r.from ? localToRfc3339(r.from, r.zone) : sent);
  return Number.isNaN(ms) ? null : ms;
}

/** The request body: the first period without `from`, the others with theirs. */
export function bodyOf(rows: readonly PeriodRow[]): TimeZonesBody {
  return { periods: rows.map((r, i) => (i === 0 ? { zone: r.zone } : { zone: r.zone, from: fromOf(r) })) };
}

/**
 * The mistakes the server would refuse that are plain from here (a missing time, periods not in
 * order, the same zone twice in a row, a start still to come), as a problem with the server's field
 * paths (`periods[1].from`); `null` when there are none.
 */
export function checkRows(rows: readonly PeriodRow[], now: number = Date.now()): ApiProblem | null {
  const fieldErrors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (fieldErrors[field] ??= []).push(message);
  // As the server does: a row refused for its time is skipped, so the next is compared with the one before it.
  let previous: { start: number; zone: string } | null = null;
  rows.forEach((r, i) => {
    if (i === 0) {
      previous = { start: -Infinity, zone: r.zone };
      return;
    }
    const field = `periods[${i}].from`;
    const start = startOf(r);
    if (start === null) {
      add(field, $localize`:@@settings.tz.missingFrom:Every period after the first says when it starts.`);
      return;
    }
    if (start > now) add(field, $localize`:@@settings.tz.fromInFuture:A period cannot start in the future.`);
    const before: { start: number; zone: string } | null = previous;
    if (before && start <= before.start) {
      add(field, $localize`:@@settings.tz.outOfOrder:Each period must start after the one before it.`);
    } else if (before && before.zone === r.zone) {
      add(`periods[${i}].zone`, $localize`:@@settings.tz.sameZoneTwice:The period before is in ${r.zone}:zone: too: leave this one out.`);
    }
    previous = { start, zone: r.zone };
  });
  if (!Object.keys(fieldErrors).length) return null;
  return {
    status: 422,
    title: $localize`:@@problem.title.unprocessable:Unprocessable Entity`,
    detail: $localize`:@@settings.tz.checkRows:Some periods need a look: see the notes beside them.`,
    code: 'validation_failed',
    fieldErrors,
  };
}
