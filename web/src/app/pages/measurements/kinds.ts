import type { Metric, UnitSystem } from '../../api/types';

/** A measurement people enter by hand, with the unit it is entered in for a unit system. */
export interface MeasurementKind {
  key: string;
  label: string;
  /** The heading of the list of recent entries. */
  recent: string;
  /** The samples one entry makes: blood pressure is two. */
  fields: { metric: Metric; label: string; unit: (s: UnitSystem) => string; step: number; min: number; max: number }[];
  /** Amounts (water) are an intake at a moment; the others a reading. */
  amount: boolean;
}

export const KINDS: MeasurementKind[] = [
  {
    key: 'weight',
    label: $localize`:@@card.weight:Weight`,
    recent: $localize`:@@measure.recent.weight:Recent weight`,
    amount: false,
    fields: [{ metric: 'body_mass', label: $localize`:@@card.weight:Weight`, unit: (s) => (s === 'imperial' ? 'lb' : 'kg'), step: 0.1, min: 1, max: 1400 }],
  },
  {
    key: 'body_fat',
    label: $localize`:@@measure.bodyFat:Body fat`,
    recent: $localize`:@@measure.recent.bodyFat:Recent body fat`,
    amount: false,
    fields: [{ metric: 'body_fat_percentage', label: $localize`:@@measure.bodyFat:Body fat`, unit: () => '%', step: 0.1, min: 1, max: 75 }],
  },
  {
    key: 'blood_pressure',
    label: $localize`:@@measure.bloodPressure:Blood pressure`,
    recent: $localize`:@@measure.recent.bloodPressure:Recent blood pressure`,
    amount: false,
    fields: [
      { metric: 'blood_pressure_systolic', label: $localize`:@@measure.systolic:Systolic`, unit: () => 'mmHg', step: 1, min: 50, max: 300 },
      { metric: 'blood_pressure_diastolic', label: $localize`:@@measure.diastolic:Diastolic`, unit: () => 'mmHg', step: 1, min: 20, max: 200 },
    ],
  },
  {
    key: 'glucose',
    label: $localize`:@@measure.bloodGlucose:Blood glucose`,
    recent: $localize`:@@measure.recent.bloodGlucose:Recent blood glucose`,
    amount: false,
    // mg/dL where pounds and miles are used (the US), mmol/L elsewhere.
    fields: [{ metric: 'blood_glucose', label: $localize`:@@measure.glucose:Glucose`, unit: (s) => (s === 'imperial' ? 'mg/dL' : 'mmol/L'), step: 0.1, min: 0.5, max: 900 }],
  },
  {
    key: 'water',
    label: $localize`:@@measure.water:Water`,
    recent: $localize`:@@measure.recent.water:Recent water`,
    amount: true,
    fields: [{ metric: 'water', label: $localize`:@@measure.water:Water`, unit: (s) => (s === 'imperial' ? 'fl_oz_us' : 'mL'), step: 1, min: 1, max: 10_000 }],
  },
];

/** How a unit is shown beside its input. */
export function unitLabel(unit: string): string {
  return unit === 'fl_oz_us' ? 'fl oz' : unit;
}

/** The source manual entries are stored under (a name kept with the data: not translated). */
export const MANUAL_SOURCE = { name: 'Manual entry', kind: 'manual' as const };
