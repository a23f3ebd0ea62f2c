// Pure date helpers for local days in an IANA time zone, with Intl only (no date library).
import { intlLocale } from './i18n';

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is a time zone this browser knows. */
export function isValidZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone, `UTC` when it cannot tell. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every zone the browser knows (for a select), with the given zone included even if unknown. */
export function zoneList(include?: string): string[] {
  let zones: string[] = [];
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  if (typeof intl.supportedValuesOf === 'function') {
    try {
      zones = intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  if (include && !zones.includes(include)) zones = [include, ...zones];
  return zones;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `zone` at instant `ms`. */
export function wallClock(ms: number, zone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out['year'] ?? 1970,
    month: out['month'] ?? 1,
    day: out['day'] ?? 1,
    hour: (out['hour'] ?? 0) % 24,
    minute: out['minute'] ?? 0,
    second: out['second'] ?? 0,
  };
}

/** The zone's offset from UTC at instant `ms`, in minutes (east positive: Berlin summer = 120). */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((asUtc - whole) / 60000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DDTHH:MM` of an instant in `zone`, as an `<input type="datetime-local">` takes it. */
export function localInput(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The zone's offset, in minutes, at a local `YYYY-MM-DDTHH:MM` (the later one in a repeated hour). */
export function offsetAt(local: string, zone: string): number {
  const [date, time = '00:00'] = local.split('T');
  const { year, month, day } = parseDate(date);
  const [h, m] = time.split(':').map(Number);
  const guess = Date.UTC(year, month - 1, day, h, m);
  const first = zoneOffsetMinutes(guess, zone);
  return zoneOffsetMinutes(guess - first * 60_000, zone);
}

/** RFC 3339 of a local `YYYY-MM-DDTHH:MM` with an offset in minutes (east positive). */
export function withOffset(local: string, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 3339, with the zone's offset there and then, of a wall-clock `YYYY-MM-DDTHH:MM` in `zone`. */
export function localToRfc3339(local: string, zone: string): string {
  return withOffset(local, offsetAt(local, zone));
}

/** The local date in `zone` at instant `ms`. */
export function localDate(ms: number, zone: string): LocalDate {
  const w = wallClock(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** Today's date in `zone`. */
export function today(zone: string, now: number = Date.now()): LocalDate {
  return localDate(now, zone);
}

export function parseDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function isDate(date: string | null | undefined): date is LocalDate {
  if (!date || !DATE_RE.test(date)) return false;
  const { year, month, day } = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Whole days from `a` to `b` (`b - a`). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const pa = parseDate(a);
  const pb = parseDate(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86_400_000);
}

/**
 * The instant (ms) of local midnight starting `date` in `zone`. Where midnight does not exist (a DST
 * gap at 00:00), the first instant of the day.
 */
export function startOfDay(date: LocalDate, zone: string): number {
  const { year, month, day } = parseDate(date);
  const guess = Date.UTC(year, month - 1, day);
  // Two passes settle the offset on either side of a transition.
  let t = guess - zoneOffsetMinutes(guess, zone) * 60000;
  t = guess - zoneOffsetMinutes(t, zone) * 60000;
  if (localDate(t, zone) !== date) {
    // In a gap, the computed instant lands on the previous day: move to the first instant of `date`.
    while (localDate(t, zone) !== date) t += 15 * 60000;
  }
  return t;
}

/** `[start, end)` of a local day in ms. Days are 23–25 hours long around DST changes. */
export function dayRange(date: LocalDate, zone: string): { start: number; end: number } {
  return { start: startOfDay(date, zone), end: startOfDay(addDays(date, 1), zone) };
}

/** An instant as RFC 3339 in UTC without fractions: `2025-06-14T22:00:00Z`. */
export function rfc3339Utc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A local date for humans: `Saturday, 14 June 2025`. */
export function longDate(date: LocalDate, locale = intlLocale()): string {
  const { year, month, day } = parseDate(date);
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** An instant in `zone` for humans: `14 Jun 2025, 08:46`. */
export function dateTime(iso: string | null | undefined, zone: string, locale = intlLocale()): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: isValidZone(zone) ? zone : 'UTC',
  }).format(new Date(ms));
}

/** A clock time in `zone`: `08:46`. */
export function clock(ms: number, zone: string, locale = intlLocale()): string {
  return new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: isValidZone(zone) ? zone : 'UTC',
  }).format(new Date(ms));
}
