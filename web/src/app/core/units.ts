// Pure unit conversion and formatting. Storage is always metric (the API's canonical units: metres,
// kilograms, kcal, seconds); the user's unit system only changes what is shown.
import type { UnitSystem } from '../api/types';
import { intlLocale } from './i18n';

export type { UnitSystem };

export const METRES_PER_MILE = 1609.344;
export const METRES_PER_FOOT = 0.3048;
export const KG_PER_POUND = 0.45359237;
export const KJ_PER_KCAL = 4.184;

/** A value with its unit symbol, split so templates can style the unit. */
export interface Quantity {
  value: string;
  unit: string;
}

export const EMPTY = '—';

/** Formats in `locale`, else in the page's language (English as `en-US`: `1,234.5`). */
function fmt(n: number, maxFraction: number, minFraction = 0, locale?: string): string {
  return new Intl.NumberFormat(locale ?? intlLocale() ?? 'en-US', {
    maximumFractionDigits: maxFraction,
    minimumFractionDigits: minFraction,
  }).format(n);
}

function ok(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function metresToMiles(m: number): number {
  return m / METRES_PER_MILE;
}

export function milesToMetres(mi: number): number {
  return mi * METRES_PER_MILE;
}

export function kgToPounds(kg: number): number {
  return kg / KG_PER_POUND;
}

export function poundsToKg(lb: number): number {
  return lb * KG_PER_POUND;
}

export function metresToFeet(m: number): number {
  return m / METRES_PER_FOOT;
}

export function cmToFeetInches(cm: number): { feet: number; inches: number } {
  const totalInches = Math.round(cm / 2.54);
  return { feet: Math.floor(totalInches / 12), inches: totalInches % 12 };
}

/**
 * A distance in metres: below 1 km (metric) it is shown in metres, otherwise km with two decimals;
 * imperial uses miles (two decimals), or feet below a tenth of a mile.
 */
export function distance(m: number | null | undefined, system: UnitSystem, locale?: string): Quantity {
  if (!ok(m)) return { value: EMPTY, unit: '' };
  if (system === 'imperial') {
    const mi = metresToMiles(m);
    if (mi < 0.1) return { value: fmt(metresToFeet(m), 0, 0, locale), unit: 'ft' };
    return { value: fmt(mi, 2, 2, locale), unit: 'mi' };
  }
  if (m < 1000) return { value: fmt(m, 0, 0, locale), unit: 'm' };
  return { value: fmt(m / 1000, 2, 2, locale), unit: 'km' };
}

/** A body mass in kilograms, to a tenth of a kg or lb. */
export function mass(kg: number | null | undefined, system: UnitSystem, locale?: string): Quantity {
  if (!ok(kg)) return { value: EMPTY, unit: '' };
  if (system === 'imperial') return { value: fmt(kgToPounds(kg), 1, 1, locale), unit: 'lb' };
  return { value: fmt(kg, 1, 1, locale), unit: 'kg' };
}

/** Energy in kcal (the same in both systems: food labels in the US use Calories = kcal). */
export function energy(kcal: number | null | undefined, locale?: string): Quantity {
  if (!ok(kcal)) return { value: EMPTY, unit: '' };
  return { value: fmt(Math.round(kcal), 0, 0, locale), unit: 'kcal' };
}

/** Height in centimetres: `168 cm` or `5′ 6″`. */
export function height(cm: number | null | undefined, system: UnitSystem, locale?: string): Quantity {
  if (!ok(cm)) return { value: EMPTY, unit: '' };
  if (system === 'imperial') {
    const { feet, inches } = cmToFeetInches(cm);
    return { value: `${feet}′ ${inches}″`, unit: '' };
  }
  return { value: fmt(cm, 0, 0, locale), unit: 'cm' };
}

/** An elevation in metres: metres or feet. */
export function elevation(m: number | null | undefined, system: UnitSystem, locale?: string): Quantity {
  if (!ok(m)) return { value: EMPTY, unit: '' };
  if (system === 'imperial') return { value: fmt(metresToFeet(m), 0, 0, locale), unit: 'ft' };
  return { value: fmt(m, 0, 0, locale), unit: 'm' };
}

/** A whole count (steps, floors) with grouping. */
export function count(n: number | null | undefined, unit = '', locale?: string): Quantity {
  if (!ok(n)) return { value: EMPTY, unit: '' };
  return { value: fmt(Math.round(n), 0, 0, locale), unit };
}

/** A reading to a given precision (heart rate `bpm`, HRV `ms`). */
export function reading(n: number | null | undefined, unit: string, fraction = 0, locale?: string): Quantity {
  if (!ok(n)) return { value: EMPTY, unit: '' };
  return { value: fmt(n, fraction, 0, locale), unit };
}

/** A duration in seconds: `45 s`, `12 min`, `1 h 05 min`, `26 h 00 min`. */
export function duration(seconds: number | null | undefined): string {
  if (!ok(seconds)) return EMPTY;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const totalMin = Math.round(s / 60);
  if (totalMin < 60) return `${totalMin} min`;
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return `${h} h ${String(m).padStart(2, '0')} min`;
}

/** Minutes (exercise minutes come as minutes): `0 min`, `42 min`, `1 h 05 min`. */
export function minutes(min: number | null | undefined): string {
  if (!ok(min)) return EMPTY;
  if (min < 1) return `${Math.round(min)} min`;
  return duration(min * 60);
}

/** A sleep duration in seconds as `h:mm` (`7:05`); rounds to the nearest minute. */
export function sleepHm(seconds: number | null | undefined): string {
  if (!ok(seconds)) return EMPTY;
  const totalMin = Math.round(Math.max(0, seconds) / 60);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return `${h}:${String(m).padStart(2, '0')}`;
}

/** A fraction (0–1) as a whole percentage. */
export function percent(fraction: number | null | undefined, locale?: string): string {
  if (!ok(fraction)) return EMPTY;
  return `${fmt(fraction * 100, 0, 0, locale)} %`;
}

/** A byte count: `512 B`, `1.4 MB`. */
export function bytes(n: number | null | undefined): string {
  if (!ok(n)) return EMPTY;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${fmt(v, 1, 0)} ${units[i]}`;
}

/** `Quantity` → one string (`7.20 km`). */
export function text(q: Quantity): string {
  return q.unit ? `${q.value} ${q.unit}` : q.value;
}
