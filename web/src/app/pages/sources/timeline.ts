import type { AttributionView, RunView } from '../../api/types';

/** One run drawn on the day's timeline: where it lies (0–1 of the day) and how the merge treated it. */
export interface Bar {
  x: number;
  width: number;
  treatment: RunView['treatment'];
  /** A run of readings (instants) is drawn as a tick. */
  tick: boolean;
  title: string;
}

/** The smallest width a bar is drawn with, as a share of the day, so a one-minute interval shows. */
const MIN_WIDTH = 0.002;

const TREATMENT_LABEL: Record<RunView['treatment'], string> = {
  counted: $localize`:@@sources.treatment.counted:counted`,
  partly_counted: $localize`:@@sources.treatment.partlyCounted:partly counted`,
  set_aside: $localize`:@@sources.treatment.setAside:set aside`,
};

export function treatmentLabel(t: RunView['treatment']): string {
  return TREATMENT_LABEL[t];
}

/**
 * The runs of one source as bars on a day running from `start` to `end` (epoch ms). `describe` writes a
 * run's value for its tooltip, `clock` a time of day.
 */
export function bars(runs: RunView[], start: number, end: number, describe: (r: RunView) => string, clock: (ms: number) => string): Bar[] {
  const span = end - start;
  if (span <= 0) return [];
  return runs.map((r) => {
    const a = Date.parse(r.start);
    const b = Date.parse(r.end);
    const x = Math.min(Math.max((a - start) / span, 0), 1);
    const right = Math.min(Math.max((b - start) / span, 0), 1);
    const tick = a === b;
    const times = tick && r.samples === 1 ? clock(a) : `${clock(a)}–${clock(b)}`;
    const samples = r.samples === 1 ? $localize`:@@sources.oneSample:1 sample` : $localize`:@@sources.samples:${r.samples}:count: samples`;
    return {
      x: tick ? x : Math.min(x, 1 - MIN_WIDTH),
      width: tick ? 0 : Math.max(right - x, MIN_WIDTH),
      treatment: r.treatment,
      tick,
      title: `${times} · ${describe(r)} · ${samples} · ${TREATMENT_LABEL[r.treatment]}`,
    };
  });
}

/** The sources' ids in the order shown, after moving the one at `from` to `to`. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length || to < 0 || to >= out.length || from === to) return out;
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

/** Whether the answer has nothing to show. */
export function isEmpty(view: AttributionView | null): boolean {
  return !view || view.sources.length === 0;
}
