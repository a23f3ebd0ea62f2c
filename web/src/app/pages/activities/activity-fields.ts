// The activity form's pure side: a stored activity as the form's text fields (in the user's units and
// the activity's zone), the fields back as an API body, and the merge patch of an edit.
import type { ActivityView, components, UnitSystem } from '../../api/types';
import { localInput, localToRfc3339 } from '../../core/time';
import * as units from '../../core/units';

export type ActivityType = components['schemas']['ActivityType'];
export type Intensity = components['schemas']['Intensity'];
export type Visibility = components['schemas']['Visibility'];

/** Every activity type of the catalogue, in the catalogue's order. */
export const ACTIVITY_TYPES = [
  'walking', 'indoor_walking', 'running', 'trail_running', 'treadmill_running', 'track_running', 'hiking', 'wheelchair',
  'cycling', 'indoor_cycling', 'mountain_biking', 'gravel_cycling', 'e_biking', 'hand_cycling', 'swimming',
  'open_water_swimming', 'rowing', 'indoor_rowing', 'kayaking', 'canoeing', 'stand_up_paddling', 'surfing', 'sailing',
  'windsurfing', 'kitesurfing', 'alpine_skiing', 'backcountry_skiing', 'cross_country_skiing', 'snowboarding',
  'snowshoeing', 'ice_skating', 'inline_skating', 'skateboarding', 'strength_training', 'functional_strength_training',
  'cross_training', 'hiit', 'cardio', 'elliptical', 'stair_climbing', 'jump_rope', 'dance', 'boxing', 'martial_arts',
  'yoga', 'pilates', 'flexibility', 'meditation', 'climbing', 'tennis', 'badminton', 'squash', 'table_tennis',
  'racquetball', 'pickleball', 'soccer', 'basketball', 'volleyball', 'baseball', 'softball', 'american_football', 'rugby',
  'hockey', 'cricket', 'triathlon', 'golf', 'other',
] as const satisfies readonly ActivityType[];

// Fails to compile when the catalogue gains a type this list lacks.
type Missing = Exclude<ActivityType, (typeof ACTIVITY_TYPES)[number]>;
const everyType: [Missing] extends [never] ? true : Missing = true;
void everyType;

export const INTENSITIES: readonly Intensity[] = ['low', 'moderate', 'high'];
export const VISIBILITIES: readonly Visibility[] = ['private', 'followers', 'public'];

/** The form's fields as typed: numbers in the user's units, empty strings for "not given". */
export interface ActivityForm {
  type: ActivityType;
  title: string;
  /** `YYYY-MM-DDTHH:MM` on the wall clock of `zone`. */
  start: string;
  zone: string;
  hours: string;
  minutes: string;
  seconds: string;
  /** km or mi. */
  distance: string;
  /** m or ft. */
  elevationGain: string;
  /** kcal. */
  energy: string;
  avgHeartRate: string;
  maxHeartRate: string;
  intensity: Intensity | '';
  rpe: string;
  visibility: Visibility;
  notes: string;
  /** Shoes, bike or other equipment, by the athlete's name for it. */
  gear: string;
  commute: boolean;
  /** Seen by the owner alone, whatever the visibility. */
  privateNotes: string;
}

/** The fields the form edits, as the API takes them; `null` is "not given". */
export interface ActivityFields {
  type: ActivityType;
  title: string | null;
  start: string;
  time_zone: string;
  duration: number;
  distance: number | null;
  elevation_gain: number | null;
  energy: number | null;
  avg_heart_rate: number | null;
  max_heart_rate: number | null;
  intensity: Intensity | null;
  rpe: number | null;
  visibility: Visibility;
  notes: string | null;
  gear: string | null;
  commute: boolean;
  private_notes: string | null;
}

/** A field the form refuses, with what to do about it. */
export interface FieldError {
  field: keyof ActivityForm;
  message: string;
}

const trim = (n: number, digits: number) => String(Math.round(n * 10 ** digits) / 10 ** digits);
const optional = (n: number | null | undefined, digits: number) => (n === null || n === undefined ? '' : trim(n, digits));

/** An empty form for a new workout starting at `nowMs` in `zone`. */
export function blankForm(nowMs: number, zone: string): ActivityForm {
  return {
    type: 'running', title: '', start: localInput(nowMs, zone), zone, hours: '0', minutes: '30', seconds: '0', distance: '',
    elevationGain: '', energy: '', avgHeartRate: '', maxHeartRate: '', intensity: '', rpe: '', visibility: 'private', notes: '',
    gear: '', commute: false, privateNotes: '',
  };
}

/** A stored activity as the form shows it, in the activity's own zone (else `fallbackZone`). */
export function formOf(a: ActivityView, system: UnitSystem, fallbackZone: string): ActivityForm {
  const zone = a.time_zone ?? fallbackZone;
  const total = Math.max(0, Math.round(a.duration ?? 0));
  const imperial = system === 'imperial';
  return {
    type: a.type,
    title: a.title ?? '',
    start: localInput(Date.parse(a.start), zone),
    zone,
    hours: String(Math.floor(total / 3600)),
    minutes: String(Math.floor((total % 3600) / 60)),
    seconds: String(total % 60),
    distance: a.distance == null ? '' : trim(imperial ? units.metresToMiles(a.distance) : a.distance / 1000, 3),
    elevationGain: a.elevation_gain == null ? '' : trim(imperial ? units.metresToFeet(a.elevation_gain) : a.elevation_gain, 1),
    energy: optional(a.energy, 0),
    avgHeartRate: optional(a.avg_heart_rate, 0),
    maxHeartRate: optional(a.max_heart_rate, 0),
    intensity: a.intensity ?? '',
    rpe: a.rpe == null ? '' : String(a.rpe),
    visibility: a.visibility ?? 'private',
    notes: a.notes ?? '',
    gear: a.gear ?? '',
    commute: a.commute ?? false,
    privateNotes: a.private_notes ?? '',
  };
}

function number(text: string): number | null | 'bad' {
  const t = text.trim().replace(',', '.');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : 'bad';
}

/**
 * The form's fields as the API takes them (metric, RFC 3339 with the zone's offset), or every field
 * that is wrong, each with a sentence saying what is expected.
 */
export function fieldsOf(form: ActivityForm, system: UnitSystem): { fields: ActivityFields } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const imperial = system === 'imperial';
  /** A number from `min` to `max`, or null when not given; else `message` says what is expected. */
  const read = (field: keyof ActivityForm, text: string, min: number, max: number, message: (min: number, max: number) => string): number | null => {
    const n = number(text);
    if (n === 'bad' || (n !== null && (n < min || n > max))) {
      errors.push({ field, message: message(min, max) });
      return null;
    }
    return n;
  };
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(form.start)) errors.push({ field: 'start', message: $localize`:@@activityForm.check.start:Give the date and time it started.` });
  const h = read('hours', form.hours, 0, 999, (lo, hi) => $localize`:@@activityForm.check.hours:Hours must be a number from ${lo}:min: to ${hi}:max:.`) ?? 0;
  const m = read('minutes', form.minutes, 0, 59, (lo, hi) => $localize`:@@activityForm.check.minutes:Minutes must be a number from ${lo}:min: to ${hi}:max:.`) ?? 0;
  const s = read('seconds', form.seconds, 0, 59, (lo, hi) => $localize`:@@activityForm.check.seconds:Seconds must be a number from ${lo}:min: to ${hi}:max:.`) ?? 0;
  const duration = Math.round(h * 3600 + m * 60 + s);
  if (duration <= 0 && !errors.some((e) => ['hours', 'minutes', 'seconds'].includes(e.field))) {
    errors.push({ field: 'hours', message: $localize`:@@activityForm.check.duration:A workout lasts at least a second.` });
  }
  const distance = imperial
    ? read('distance', form.distance, 0, 1000, (lo, hi) => $localize`:@@activityForm.check.distanceMiles:Distance in miles must be a number from ${lo}:min: to ${hi}:max:.`)
    : read('distance', form.distance, 0, 1600, (lo, hi) => $localize`:@@activityForm.check.distanceKm:Distance in km must be a number from ${lo}:min: to ${hi}:max:.`);
  const gain = imperial
    ? read('elevationGain', form.elevationGain, 0, 100_000, (lo, hi) => $localize`:@@activityForm.check.elevationGainFeet:Elevation gain in feet must be a number from ${lo}:min: to ${hi}:max:.`)
    : read('elevationGain', form.elevationGain, 0, 30_000, (lo, hi) => $localize`:@@activityForm.check.elevationGainMetres:Elevation gain in metres must be a number from ${lo}:min: to ${hi}:max:.`);
  const energy = read('energy', form.energy, 0, 50_000, (lo, hi) => $localize`:@@activityForm.check.energy:Energy in kcal must be a number from ${lo}:min: to ${hi}:max:.`);
  const avg = read('avgHeartRate', form.avgHeartRate, 20, 250, (lo, hi) => $localize`:@@activityForm.check.avgHeartRate:Average heart rate must be a number from ${lo}:min: to ${hi}:max:.`);
  const max = read('maxHeartRate', form.maxHeartRate, 20, 250, (lo, hi) => $localize`:@@activityForm.check.maxHeartRate:Maximum heart rate must be a number from ${lo}:min: to ${hi}:max:.`);
  if (avg !== null && max !== null && max < avg) {
    errors.push({ field: 'maxHeartRate', message: $localize`:@@activityForm.check.maxBelowAvg:The maximum heart rate cannot be below the average.` });
  }
  const rpe = read('rpe', form.rpe, 1, 10, (lo, hi) => $localize`:@@activityForm.check.rpe:Perceived effort must be a number from ${lo}:min: to ${hi}:max:.`);
  if (rpe !== null && !Number.isInteger(rpe)) errors.push({ field: 'rpe', message: $localize`:@@activityForm.check.rpeWhole:Perceived effort is a whole number from 1 to 10.` });
  if (errors.length) return { errors };
  return {
    fields: {
      type: form.type,
      title: form.title.trim() || null,
      start: localToRfc3339(form.start, form.zone),
      time_zone: form.zone,
      duration,
      distance: distance === null ? null : imperial ? units.milesToMetres(distance) : distance * 1000,
      elevation_gain: gain === null ? null : imperial ? gain * units.METRES_PER_FOOT : gain,
      energy,
      avg_heart_rate: avg,
      max_heart_rate: max,
      intensity: form.intensity || null,
      rpe,
      visibility: form.visibility,
      notes: form.notes.trim() || null,
      gear: form.gear.trim() || null,
      commute: form.commute,
      private_notes: form.privateNotes.trim() || null,
    },
  };
}

/** The fields of a new activity, without those not given (and without `commute: false`, the default). */
export function createBody(fields: ActivityFields): Partial<ActivityFields> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== false)) as Partial<ActivityFields>;
}

/**
 * The JSON merge patch from what the form showed to what it holds now: only changed fields, `null`
 * for a cleared one. Comparing the form's own readings of both keeps an unchanged field out of the
 * patch even where units round (a distance shown as 10.001 km is not rewritten as 10,001 m).
 */
export function patchOf(before: ActivityFields, after: ActivityFields): Partial<Record<keyof ActivityFields, unknown>> {
  const patch: Partial<Record<keyof ActivityFields, unknown>> = {};
  for (const key of Object.keys(after) as (keyof ActivityFields)[]) {
    if (before[key] !== after[key]) patch[key] = after[key];
  }
  // The start's offset depends on the zone: send both when either changed.
  if ('time_zone' in patch || 'start' in patch) {
    patch.start = after.start;
    patch.time_zone = after.time_zone;
  }
  // A new duration or start is a new end: the stored end would otherwise win.
  if ('duration' in patch || 'start' in patch) patch['duration'] = after.duration;
  return patch;
}
