import type { FigureName, UnitSystem } from '../../api/types';
import { KG_PER_POUND, METRES_PER_MILE } from '../../core/units';
import { addDays, parseDate, type LocalDate } from '../../core/time';

/** How a figure adds up over time: amounts sum, readings average. */
export type FigureKind = 'amount' | 'reading';

export interface TrendFigure {
  name: FigureName;
  label: string;
  kind: FigureKind;
  /** The stored value in the unit shown, for the user's unit system. */
  show: (v: number, system: UnitSystem) => number;
  unit: (system: UnitSystem) => string;
  /** Decimals shown. */
  decimals: number;
}

const same = (v: number) => v;

/** The figures the trends page offers, in the order of its picker. */
export const TREND_FIGURES: TrendFigure[] = [
  { name: 'steps', label: $localize`:@@card.steps:Steps`, kind: 'amount', show: same, unit: () => '', decimals: 0 },
  {
    name: 'distance',
    label: $localize`:@@card.distance:Distance`,
    kind: 'amount',
    show: (m, s) => (s === 'imperial' ? m / METRES_PER_MILE : m / 1000),
    unit: (s) => (s === 'imperial' ? 'mi' : 'km'),
    decimals: 2,
  },
  { name: 'active_energy', label: $localize`:@@card.activeEnergy:Active energy`, kind: 'amount', show: same, unit: () => 'kcal', decimals: 0 },
  { name: 'basal_energy', label: $localize`:@@card.restingEnergy:Resting energy`, kind: 'amount', show: same, unit: () => 'kcal', decimals: 0 },
  { name: 'exercise_minutes', label: $localize`:@@card.exercise:Exercise`, kind: 'amount', show: same, unit: () => 'min', decimals: 0 },
  { name: 'floors', label: $localize`:@@figure.floors:Floors climbed`, kind: 'amount', show: same, unit: () => '', decimals: 0 },
  { name: 'heart_points', label: $localize`:@@figure.heartPoints:Heart Points`, kind: 'amount', show: same, unit: () => '', decimals: 0 },
  { name: 'sleep_asleep', label: $localize`:@@figure.sleep:Sleep`, kind: 'amount', show: (s) => s / 3600, unit: () => 'h', decimals: 1 },
  { name: 'resting_heart_rate', label: $localize`:@@card.restingHeartRate:Resting heart rate`, kind: 'reading', show: same, unit: () => 'bpm', decimals: 0 },
  { name: 'heart_rate_avg', label: $localize`:@@figure.heartRateAvg:Average heart rate`, kind: 'reading', show: same, unit: () => 'bpm', decimals: 0 },
  { name: 'hrv_sdnn', label: $localize`:@@figure.hrvSdnn:HRV (SDNN)`, kind: 'reading', show: same, unit: () => 'ms', decimals: 0 },
  { name: 'hrv_rmssd', label: $localize`:@@figure.hrvRmssd:HRV (RMSSD)`, kind: 'reading', show: same, unit: () => 'ms', decimals: 0 },
  { name: 'recovery_score', label: $localize`:@@figure.recoveryScore:Recovery`, kind: 'reading', show: same, unit: () => '%', decimals: 0 },
  { name: 'strain', label: $localize`:@@figure.strain:Strain`, kind: 'reading', show: same, unit: () => '', decimals: 1 },
  { name: 'sleep_score', label: $localize`:@@figure.sleepScore:Sleep score`, kind: 'reading', show: same, unit: () => '', decimals: 0 },
  { name: 'stress_level', label: $localize`:@@figure.stressLevel:Stress`, kind: 'reading', show: same, unit: () => '', decimals: 0 },
  {
    name: 'skin_temperature',
    label: $localize`:@@figure.skinTemperature:Skin temperature`,
    kind: 'reading',
    show: (c, s) => (s === 'imperial' ? (c * 9) / 5 + 32 : c),
    unit: (s) => (s === 'imperial' ? '°F' : '°C'),
    decimals: 1,
  },
  {
    name: 'body_mass',
    label: $localize`:@@card.weight:Weight`,
    kind: 'reading',
    show: (kg, s) => (s === 'imperial' ? kg / KG_PER_POUND : kg),
    unit: (s) => (s === 'imperial' ? 'lb' : 'kg'),
    decimals: 1,
  },
];

export const DEFAULT_FIGURES: FigureName[] = ['steps', 'distance', 'active_energy', 'resting_heart_rate', 'sleep_asleep'];

export function figure(name: string): TrendFigure | undefined {
  return TREND_FIGURES.find((f) => f.name === name);
}

export type Resolution = 'day' | 'week' | 'month';
export type RangeKey = '7d' | '30d' | '90d' | '1y' | 'custom';

export const RANGE_DAYS: Record<Exclude<RangeKey, 'custom'>, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 };

/** The same date a calendar year earlier (29 February becomes the 28th). */
export function yearEarlier(date: LocalDate): LocalDate {
  const { year, month, day } = parseDate(date);
  const last = new Date(Date.UTC(year - 1, month, 0)).getUTCDate();
  return `${String(year - 1).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/**
 * The period a year before `from`..`to` to compare with: 52 weeks earlier for days and weeks, so
 * weekdays line up and the number of days is the same; a calendar year earlier for months.
 */
export function previousYear(from: LocalDate, to: LocalDate, resolution: Resolution): { from: LocalDate; to: LocalDate } {
  if (resolution === 'month') return { from: yearEarlier(from), to: yearEarlier(to) };
  return { from: addDays(from, -364), to: addDays(to, -364) };
}

export interface Stats {
  /** Sum over the range (amounts only). */
  total: number | null;
  /** Mean of the periods with data. */
  average: number | null;
  min: number | null;
  max: number | null;
  /** Periods with data. */
  count: number;
}

export function stats(values: readonly (number | null | undefined)[], kind: FigureKind): Stats {
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    sum += v;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!count) return { total: null, average: null, min: null, max: null, count };
  return { total: kind === 'amount' ? sum : null, average: sum / count, min, max, count };
}

/** Unix seconds of a date's UTC midnight: the x of a period on the charts (drawn in UTC). */
export function xOf(date: LocalDate): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day) / 1000;
}
