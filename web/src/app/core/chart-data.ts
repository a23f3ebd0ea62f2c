// Shapes samples from `GET /api/v1/samples` into uPlot's columnar data: x in Unix seconds on a fixed
// grid, y with `null` where nothing was recorded (uPlot draws those as gaps).
import type { BucketView, SampleListView, SampleView } from '../api/types';

/** `[xs, ys, mins, maxs]`: the shape uPlot's `AlignedData` takes. */
export type SeriesData = [number[], (number | null)[], (number | null)[], (number | null)[]];

export interface SeriesStats {
  min: number | null;
  max: number | null;
  avg: number | null;
  /** Grid slots with a value. */
  filled: number;
}

function grid(startMs: number, endMs: number, stepSeconds: number): number[] {
  const start = Math.floor(startMs / 1000);
  const end = Math.floor(endMs / 1000);
  const n = Math.max(0, Math.ceil((end - start) / stepSeconds));
  const xs = new Array<number>(n);
  for (let i = 0; i < n; i++) xs[i] = start + i * stepSeconds;
  return xs;
}

/** Whether the list is the bucketed form (`resolution=minute|hour|day`). */
export function isBuckets(view: SampleListView): view is Extract<SampleListView, { buckets: BucketView[] }> {
  return 'buckets' in view && Array.isArray((view as { buckets?: unknown }).buckets);
}

/**
 * Buckets → a series on a grid of `stepSeconds` from `startMs` to `endMs` (end exclusive). Buckets outside
 * the range are ignored; grid slots without a bucket are `null`. Several buckets in one slot (unmerged
 * sources) are averaged, their extremes kept.
 */
export function bucketsToSeries(buckets: readonly BucketView[], startMs: number, endMs: number, stepSeconds = 60): SeriesData {
  const xs = grid(startMs, endMs, stepSeconds);
  const n = xs.length;
  const sums = new Array<number>(n).fill(0);
  const counts = new Array<number>(n).fill(0);
  const mins: (number | null)[] = new Array<number | null>(n).fill(null);
  const maxs: (number | null)[] = new Array<number | null>(n).fill(null);
  const start = xs.length ? xs[0] : Math.floor(startMs / 1000);
  for (const b of buckets) {
    const t = Date.parse(b.start);
    if (Number.isNaN(t) || !Number.isFinite(b.value)) continue;
    const i = Math.floor((Math.floor(t / 1000) - start) / stepSeconds);
    if (i < 0 || i >= n) continue;
    sums[i] += b.value;
    counts[i]++;
    const lo = Number.isFinite(b.min) ? b.min : b.value;
    const hi = Number.isFinite(b.max) ? b.max : b.value;
    mins[i] = mins[i] === null ? lo : Math.min(mins[i] as number, lo);
    maxs[i] = maxs[i] === null ? hi : Math.max(maxs[i] as number, hi);
  }
  const ys = sums.map((s, i) => (counts[i] ? s / counts[i] : null));
  return [xs, ys, mins, maxs];
}

/** Raw samples → the same grid, each slot the average of the readings starting in it. */
export function samplesToSeries(items: readonly SampleView[], startMs: number, endMs: number, stepSeconds = 60): SeriesData {
  return bucketsToSeries(
    items.map((s) => ({ start: s.start, end: s.end, value: s.value, min: s.value, max: s.value, count: 1 })),
    startMs,
    endMs,
    stepSeconds,
  );
}

/** Either form of `GET /api/v1/samples` → a series. */
export function toSeries(view: SampleListView, startMs: number, endMs: number, stepSeconds = 60): SeriesData {
  return isBuckets(view)
    ? bucketsToSeries(view.buckets, startMs, endMs, stepSeconds)
    : samplesToSeries(view.items, startMs, endMs, stepSeconds);
}

/** Min (of the slot minimums), max and average of a series. */
export function seriesStats(data: SeriesData): SeriesStats {
  const [, ys, mins, maxs] = data;
  let min: number | null = null;
  let max: number | null = null;
  let sum = 0;
  let filled = 0;
  ys.forEach((y, i) => {
    if (y === null) return;
    filled++;
    sum += y;
    const lo = mins[i] ?? y;
    const hi = maxs[i] ?? y;
    min = min === null ? lo : Math.min(min, lo);
    max = max === null ? hi : Math.max(max, hi);
  });
  return { min, max, avg: filled ? sum / filled : null, filled };
}

/**
 * For drawing: short gaps (at most `maxGap` empty slots between two values) become `undefined`, which
 * uPlot draws a line across, so readings a few minutes apart (a phone-paired watch samples every few
 * minutes) make a line rather than scattered dots; longer gaps stay `null` and break the line. No value
 * is invented: the stats and the readout use the unbridged series. Returns a new array.
 */
export function bridgeGaps(ys: readonly (number | null)[], maxGap: number): (number | null | undefined)[] {
  const out: (number | null | undefined)[] = ys.slice();
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === null) continue;
    const gap = i - last - 1;
    if (last >= 0 && gap > 0 && gap <= maxGap) {
      for (let k = 1; k <= gap; k++) out[last + k] = undefined;
    }
    last = i;
  }
  return out;
}

/**
 * Adds a workout's heart-rate stream (`time`: seconds from `startMs`; `values`: bpm or `null`) to a
 * per-slot series, in the slots where the series has no reading: a watch that keeps heart rate only
 * in its workout files (FIT, GPX, TCX) still shows on the day's chart, and a minute that both recorded
 * counts once, from the samples. Returns a new series.
 */
export function mergeStream(
  data: SeriesData,
  startMs: number,
  time: readonly number[],
  values: readonly (number | null)[],
): SeriesData {
  const [xs, ys, mins, maxs] = data;
  const n = xs.length;
  if (!n) return data;
  const step = n > 1 ? xs[1] - xs[0] : 60;
  const sums = new Array<number>(n).fill(0);
  const counts = new Array<number>(n).fill(0);
  const lo: (number | null)[] = new Array<number | null>(n).fill(null);
  const hi: (number | null)[] = new Array<number | null>(n).fill(null);
  const start = startMs / 1000;
  for (let k = 0; k < time.length && k < values.length; k++) {
    const v = values[k];
    if (v === null || !Number.isFinite(v) || !Number.isFinite(time[k])) continue;
    const i = Math.floor((start + time[k] - xs[0]) / step);
    if (i < 0 || i >= n || ys[i] !== null) continue;
    sums[i] += v;
    counts[i]++;
    lo[i] = lo[i] === null ? v : Math.min(lo[i] as number, v);
    hi[i] = hi[i] === null ? v : Math.max(hi[i] as number, v);
  }
  return [
    xs,
    ys.map((y, i) => (y !== null ? y : counts[i] ? sums[i] / counts[i] : null)),
    mins.map((m, i) => (ys[i] !== null ? m : lo[i])),
    maxs.map((m, i) => (ys[i] !== null ? m : hi[i])),
  ];
}
