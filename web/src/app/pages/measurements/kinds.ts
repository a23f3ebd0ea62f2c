import type { Metric, UnitSystem } from '../../api/types';

/** A measurement people enter by hand, with the unit it is entered in for a unit system. */
export interface MeasurementKind {
  key: string;
  label: string;
  /** The samples one entry makes: blood pressure is two. */
  fields: { metric: Metric; label: string; unit: (s: UnitSystem) => string; step: number; min: number; max: number }[];
  /** Amounts (water) are an intake at a moment; the others a reading. */
  amount: boolean;
}

export const KINDS: MeasurementKind[] = [
  {
    key: 'weight',
    label: 'Weight',
    amount: false,
    fields: [{ metric: 'body_mass', label: 'Weight', unit: (s) => (s === 'imperial' ? 'lb' : 'kg'), step: 0.1, min: 1, max: 1400 }],
  },
  {
    key: 'body_fat',
    label: 'Body fat',
    amount: false,
    fields: [{ metric: 'body_fat_percentage', label: 'Body fat', unit: () => '%', step: 0.1, min: 1, max: 75 }],
  },
  {
    key: 'blood_pressure',
    label: 'Blood pressure',
    amount: false,
    fields: [
      { metric: 'blood_pressure_systolic', label: 'Systolic', unit: () => 'mmHg', step: 1, min: 50, max: 300 },
      { metric: 'blood_pressure_diastolic', label: 'Diastolic', unit: () => 'mmHg', step: 1, min: 20, max: 200 },
    ],
  },
  {
    key: 'glucose',
    label: 'Blood glucose',
    amount: false,
    // mg/dL where pounds and miles are used (the US), mmol/L elsewhere.
    fields: [{ metric: 'blood_glucose', label: 'Glucose', unit: (s) => (s === 'imperial' ? 'mg/dL' : 'mmol/L'), step: 0.1, min: 0.5, max: 900 }],
  },
  {
    key: 'water',
    label: 'Water',
    amount: true,
    fields: [{ metric: 'water', label: 'Water', unit: (s) => (s === 'imperial' ? 'fl_oz_us' : 'mL'), step: 1, min: 1, max: 10_000 }],
  },
];

/** How a unit is shown beside its input. */
export function unitLabel(unit: string): string {
  return unit === 'fl_oz_us' ? 'fl oz' : unit;
}

/** The source manual entries are stored under. */
export const MANUAL_SOURCE = { name: 'Manual entry', kind: 'manual' as const };
