// Splits per kilometre or mile from an activity's streams: the time of each whole unit of distance,
// its pace, its elevation change and its mean heart rate, the last (partial) one included.
import type { UnitSystem } from '../../api/types';
import { METRES_PER_MILE } from '../../core/units';

type Raw = Record<string, (number | null)[] | undefined>;

export interface Split {
  /** 1-based. */
  n: number;
  /** Metres in this split (the unit's length, less for the last). */
  metres: number;
  seconds: number;
  /** Seconds per unit of distance. */
  pace: number;
  /** Metres up (positive) or down from the split's start to its end; null without altitude. */
  climb: number | null;
  /** Mean heart rate over the split's points; null without any. */
  heartRate: number | null;
}

const EARTH_RADIUS_M = 6_371_008.8;
/** A last split shorter than this share of the unit is left out (a few metres after the line). */
const SHORTEST_LAST = 0.05;

function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Cumulative metres at each point: the recorded distance stream when there is one, else the sum of
 * great-circle steps between fixes, else speed integrated over time. Null when none of them is there.
 */
export function cumulativeDistance(streams: Raw, time: readonly number[]): (number | null)[] | null {
  const recorded = streams['distance'];
  if (recorded?.some(num)) return time.map((_, i) => (num(recorded[i]) ? recorded[i] : null));
  const lat = streams['lat'];
  const lon = streams['lon'];
  if (lat?.some(num) && lon?.some(num)) {
    let total = 0;
    let prev: [number, number] | null = null;
    return time.map((_, i) => {
      const a = lat[i];
      const b = lon[i];
      if (!num(a) || !num(b) || (a === 0 && b === 0)) return prev ? total : null;
      if (prev) total += haversine(prev[0], prev[1], a, b);
      prev = [a, b];
      return total;
    });
  }
  const speed = streams['speed'];
  if (speed?.some(num)) {
    let total = 0;
    return time.map((t, i) => {
      if (i > 0 && num(speed[i]) && num(speed[i - 1])) total += ((speed[i]! + speed[i - 1]!) / 2) * (t - time[i - 1]);
      return total;
    });
  }
  return null;
}

/** The splits of one km (metric) or one mile (imperial); empty when the streams hold no distance. */
export function splits(streams: Raw, time: readonly number[], system: UnitSystem): Split[] {
  const unit = system === 'imperial' ? METRES_PER_MILE : 1000;
  const dist = cumulativeDistance(streams, time);
  if (!dist) return [];
  const alt = streams['altitude'];
  const hr = streams['heart_rate'];
  const out: Split[] = [];
  // Each split runs from a (time, metres, altitude) mark to the next, found by interpolating between points.
  let mark = { t: time[0] ?? 0, d: 0, alt: null as number | null };
  let next = unit;
  let hrSum = 0;
  let hrCount = 0;
  let prevT = time[0] ?? 0;
  let prevD: number | null = null;
  let prevAlt: number | null = null;
  const close = (t: number, d: number, altitude: number | null) => {
    const metres = d - mark.d;
    const seconds = t - mark.t;
    out.push({
      n: out.length + 1,
      metres,
      seconds,
      pace: metres > 0 ? (seconds / metres) * unit : 0,
      climb: altitude !== null && mark.alt !== null ? altitude - mark.alt : null,
      heartRate: hrCount ? hrSum / hrCount : null,
    });
    mark = { t, d, alt: altitude };
    hrSum = 0;
    hrCount = 0;
  };
  for (let i = 0; i < time.length; i++) {
    const t = time[i];
    const d = dist[i];
    const a: number | null = alt && num(alt[i]) ? alt[i]! : prevAlt;
    if (i === 0 || mark.alt === null) mark.alt = mark.alt ?? a;
    if (num(d)) {
      while (prevD !== null && d >= next && d > prevD) {
        const f = (next - prevD) / (d - prevD);
        const at = prevT + f * (t - prevT);
        const altAt = a !== null && prevAlt !== null ? prevAlt + f * (a - prevAlt) : a;
        close(at, next, altAt);
        next += unit;
      }
      prevD = d;
    }
    if (hr && num(hr[i])) {
      hrSum += hr[i]!;
      hrCount++;
    }
    prevT = t;
    prevAlt = a;
  }
  if (prevD !== null && prevD - mark.d >= unit * SHORTEST_LAST) close(prevT, prevD, prevAlt);
  return out;
}
