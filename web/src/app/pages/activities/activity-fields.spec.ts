import type { ActivityView } from '../../api/types';
import { blankForm, createBody, fieldsOf, formOf, patchOf } from './activity-fields';

const run: ActivityView = {
  id: 'a1', type: 'running', start: '2026-06-14T05:30:00Z', duration: 3725, time_zone: 'Europe/Berlin', distance: 10_000.4,
  elevation_gain: 120, energy: 640, avg_heart_rate: 148, max_heart_rate: 171, rpe: 6, intensity: 'moderate', visibility: 'private',
  title: 'Morning run', notes: null, revision: 3, stream_points: 0, created_at: '2026-06-14T07:00:00Z', updated_at: '2026-06-14T07:00:00Z',
};

describe('activity form fields', () => {
  it('shows a stored activity on the wall clock of its zone, in the user’s units', () => {
    const f = formOf(run, 'metric', 'UTC');
    expect(f.start).toBe('2026-06-14T07:30');
    expect([f.hours, f.minutes, f.seconds]).toEqual(['1', '2', '5']);
    expect(f.distance).toBe('10');
    expect(formOf(run, 'imperial', 'UTC').distance).toBe('6.214');
    expect(formOf(run, 'imperial', 'UTC').elevationGain).toBe('393.7');
  });

  it('reads the form back as the API takes it, the start with its zone’s offset', () => {
    const read = fieldsOf(formOf(run, 'metric', 'UTC'), 'metric');
    if (!('fields' in read)) throw new Error('expected fields');
    expect(read.fields.start).toBe('2026-06-14T07:30:00+02:00');
    expect(read.fields.duration).toBe(3725);
    expect(read.fields.distance).toBe(10_000);
    expect(read.fields.notes).toBeNull();
  });

  it('keeps the gear, the commute flag and the private notes, and clears them with null', () => {
    const stored = { ...run, gear: 'Pegasus 40', commute: true, private_notes: 'left knee' };
    const form = formOf(stored, 'metric', 'UTC');
    expect([form.gear, form.commute, form.privateNotes]).toEqual(['Pegasus 40', true, 'left knee']);
    const before = fieldsOf(form, 'metric');
    const after = fieldsOf({ ...form, gear: ' ', commute: false }, 'metric');
    if (!('fields' in before) || !('fields' in after)) throw new Error('expected fields');
    expect(before.fields.private_notes).toBe('left knee');
    expect(patchOf(before.fields, after.fields)).toEqual({ gear: null, commute: false });
  });

  it('patches only what changed, and clears with null', () => {
    const form = formOf(run, 'metric', 'UTC');
    const before = fieldsOf(form, 'metric');
    const after = fieldsOf({ ...form, title: ' Tempo run ', energy: '' }, 'metric');
    if (!('fields' in before) || !('fields' in after)) throw new Error('expected fields');
    expect(patchOf(before.fields, after.fields)).toEqual({ title: 'Tempo run', energy: null });
  });

  it('sends start, zone and duration together when the time moves', () => {
    const form = formOf(run, 'metric', 'UTC');
    const before = fieldsOf(form, 'metric');
    const after = fieldsOf({ ...form, zone: 'Europe/London' }, 'metric');
    if (!('fields' in before) || !('fields' in after)) throw new Error('expected fields');
    expect(patchOf(before.fields, after.fields)).toEqual({ start: '2026-06-14T07:30:00+01:00', time_zone: 'Europe/London', duration: 3725 });
  });

  it('names every wrong field', () => {
    const read = fieldsOf({ ...blankForm(0, 'UTC'), hours: '0', minutes: '0', seconds: '0', avgHeartRate: '150', maxHeartRate: '140', rpe: '11', distance: 'far' }, 'metric');
    if (!('errors' in read)) throw new Error('expected errors');
    expect(read.errors.map((e) => e.field).sort()).toEqual(['distance', 'hours', 'maxHeartRate', 'rpe']);
  });

  it('leaves fields not given out of a new activity', () => {
    const read = fieldsOf({ ...blankForm(Date.UTC(2026, 0, 5, 12), 'UTC'), distance: '5' }, 'metric');
    if (!('fields' in read)) throw new Error('expected fields');
    expect(createBody(read.fields)).toEqual({ type: 'running', start: '2026-01-05T12:00:00+00:00', time_zone: 'UTC', duration: 1800, distance: 5000, visibility: 'private' });
  });
});
