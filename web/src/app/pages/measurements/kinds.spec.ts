import { withOffset } from '../../core/time';
import { KINDS, unitLabel } from './kinds';

describe('manual measurements', () => {
  it('enters each kind in the units of the user’s system', () => {
    const glucose = KINDS.find((k) => k.key === 'glucose')!.fields[0];
    expect(glucose.unit('imperial')).toBe('mg/dL');
    expect(glucose.unit('metric')).toBe('mmol/L');
    expect(KINDS.find((k) => k.key === 'blood_pressure')!.fields.map((f) => f.metric)).toEqual(['blood_pressure_systolic', 'blood_pressure_diastolic']);
    expect(unitLabel('fl_oz_us')).toBe('fl oz');
  });

  it('writes a local time with its offset', () => {
    expect(withOffset('2026-03-29T08:15', 120)).toBe('2026-03-29T08:15:00+02:00');
    expect(withOffset('2026-03-29T08:15', -330)).toBe('2026-03-29T08:15:00-05:30');
    expect(withOffset('2026-03-29T08:15', 0)).toBe('2026-03-29T08:15:00+00:00');
  });
});
