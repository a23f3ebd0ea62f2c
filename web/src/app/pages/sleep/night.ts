import type { SleepSessionView } from '../../api/types';
import { wallClock } from '../../core/time';

/** The rows of a hypnogram, top to bottom. `asleep` (stage unknown) shares the core row. */
export const STAGE_ROWS = ['awake', 'rem', 'core', 'deep'] as const;
export type StageRow = (typeof STAGE_ROWS)[number];

export const STAGE_LABEL: Record<string, string> = {
  awake: $localize`:@@sleep.awake:Awake`,
  rem: $localize`:@@sleep.stage.rem:REM`,
  core: $localize`:@@sleep.stage.core:Core (light)`,
  deep: $localize`:@@sleep.stage.deep:Deep`,
  asleep: $localize`:@@sleep.asleep:Asleep`,
};

export function rowOf(stage: string): StageRow {
  return stage === 'asleep' ? 'core' : ((STAGE_ROWS as readonly string[]).includes(stage) ? stage : 'core') as StageRow;
}

/** A block of the hypnogram: 0–1 across the night, in its stage's row. */
export interface Block {
  x: number;
  width: number;
  row: number;
  stage: string;
}

export function blocks(session: SleepSessionView): Block[] {
  const start = Date.parse(session.start);
  const span = Date.parse(session.end) - start;
  if (!(span > 0)) return [];
  return (session.hypnogram ?? []).map((p) => {
    const a = (Date.parse(p.start) - start) / span;
    const b = (Date.parse(p.end) - start) / span;
    return { x: a, width: Math.max(b - a, 0.001), row: STAGE_ROWS.indexOf(rowOf(p.stage)), stage: p.stage };
  });
}

/** The main sleep of a day: its longest session (naps are the others). */
export function mainSession(sessions: SleepSessionView[], date: string): SleepSessionView | null {
  return sessions.filter((s) => s.date === date).reduce<SleepSessionView | null>((best, s) => (!best || s.asleep > best.asleep ? s : best), null);
}

/**
 * Minutes after the evening's 18:00 of an instant in `zone`: bedtimes and wake times on one scale
 * (18:00 is 0, midnight 360, noon the next day 1080), so nights compare whichever side of midnight.
 */
export function minutesFromEvening(iso: string, zone: string): number {
  const c = wallClock(Date.parse(iso), zone);
  const m = c.hour * 60 + c.minute;
  return m >= 18 * 60 ? m - 18 * 60 : m + 6 * 60;
}

/** Standard deviation in minutes; null with fewer than two values. */
export function spread(values: number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}

/** `22:45` of minutes after 18:00. */
export function clockOf(minutesFromSix: number): string {
  const m = Math.round(minutesFromSix + 18 * 60) % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
