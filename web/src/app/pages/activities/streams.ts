import type { UnitSystem } from '../../api/types';
import { METRES_PER_FOOT, METRES_PER_MILE } from '../../core/units';

/** A stream as drawn: its values in the unit shown. */
export interface Channel {
  key: string;
  label: string;
  unit: string;
  values: (number | null)[];
  /** Lower values are better drawn at the top (pace). */
  inverted: boolean;
}

/** Types whose speed reads better as a pace (minutes per km or mile). */
const PACED = new Set(['running', 'trail_running', 'walking', 'hiking', 'treadmill_running', 'swimming']);

type Raw = Record<string, (number | null)[] | undefined>;

/**
 * The activity's streams as charts show them, in this order: heart rate, pace or speed, elevation,
 * cadence, power. Pace is minutes per km (or mile); slower than an hour per unit is left out as a stop.
 */
export function channels(streams: Raw, type: string, system: UnitSystem): Channel[] {
  const out: Channel[] = [];
  const has = (k: string) => (streams[k] ?? []).some((v) => v !== null && v !== undefined);
  const map = (k: string, f: (v: number) => number | null) => (streams[k] ?? []).map((v) => (v === null || v === undefined ? null : f(v)));
  if (has('heart_rate')) out.push({ key: 'heart_rate', label: $localize`:@@streams.heartRate:Heart rate`, unit: 'bpm', values: map('heart_rate', (v) => v), inverted: false });
  if (has('speed')) {
    const unitLength = system === 'imperial' ? METRES_PER_MILE : 1000;
    if (PACED.has(type)) {
      out.push({
        key: 'pace',
        label: $localize`:@@streams.pace:Pace`,
        unit: system === 'imperial' ? 'min/mi' : 'min/km',
        values: map('speed', (v) => (v > unitLength / 3600 ? unitLength / v / 60 : null)),
        inverted: true,
      });
    } else {
      out.push({ key: 'speed', label: $localize`:@@streams.speed:Speed`, unit: system === 'imperial' ? 'mph' : 'km/h', values: map('speed', (v) => (v * 3600) / unitLength), inverted: false });
    }
  }
  if (has('altitude')) {
    out.push({
      key: 'altitude',
      label: $localize`:@@streams.elevation:Elevation`,
      unit: system === 'imperial' ? 'ft' : 'm',
      values: map('altitude', (v) => (system === 'imperial' ? v / METRES_PER_FOOT : v)),
      inverted: false,
    });
  }
  if (has('cadence')) out.push({ key: 'cadence', label: $localize`:@@streams.cadence:Cadence`, unit: 'rpm', values: map('cadence', (v) => v), inverted: false });
  if (has('power')) out.push({ key: 'power', label: $localize`:@@streams.power:Power`, unit: 'W', values: map('power', (v) => v), inverted: false });
  return out;
}

/** `m:ss` of a pace in minutes. */
export function paceText(minutes: number): string {
  const whole = Math.floor(minutes);
  const seconds = Math.round((minutes - whole) * 60);
  return seconds === 60 ? `${whole + 1}:00` : `${whole}:${String(seconds).padStart(2, '0')}`;
}

/** `h:mm:ss` (or `m:ss`) of elapsed seconds. */
export function elapsedText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

