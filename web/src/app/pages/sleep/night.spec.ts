import type { SleepSessionView } from '../../api/types';
import { blocks, clockOf, mainSession, minutesFromEvening, spread } from './night';

const session = (date: string, start: string, end: string, asleep: number, hypnogram: SleepSessionView['hypnogram'] = []): SleepSessionView => ({
  date,
  start,
  end,
  asleep,
  awake: 0,
  in_bed: asleep,
  efficiency: 1,
  stages: {},
  sources: [1],
  hypnogram,
});

describe('a night', () => {
  it('draws each stretch in its stage’s row, across the night', () => {
    const night = session('2026-03-10', '2026-03-09T22:00:00Z', '2026-03-10T06:00:00Z', 28_800, [
      { start: '2026-03-09T22:00:00Z', end: '2026-03-10T00:00:00Z', stage: 'core' },
      { start: '2026-03-10T00:00:00Z', end: '2026-03-10T02:00:00Z', stage: 'deep' },
      { start: '2026-03-10T02:00:00Z', end: '2026-03-10T04:00:00Z', stage: 'asleep' },
      { start: '2026-03-10T04:00:00Z', end: '2026-03-10T06:00:00Z', stage: 'awake' },
    ]);
    expect(blocks(night).map((b) => [b.x, b.width, b.row])).toEqual([
      [0, 0.25, 2],
      [0.25, 0.25, 3],
      [0.5, 0.25, 2],
      [0.75, 0.25, 0],
    ]);
  });

  it('takes the longest session of the day as the night, and measures how regular bedtimes are', () => {
    const nap = session('2026-03-10', '2026-03-10T13:00:00Z', '2026-03-10T13:30:00Z', 1800);
    const night = session('2026-03-10', '2026-03-09T22:00:00Z', '2026-03-10T06:00:00Z', 28_000);
    expect(mainSession([nap, night], '2026-03-10')).toBe(night);
    expect(mainSession([nap, night], '2026-03-11')).toBeNull();
    // 23:30 and 00:30 are an hour apart across midnight.
    const a = minutesFromEvening('2026-03-09T23:30:00Z', 'UTC');
    const b = minutesFromEvening('2026-03-10T00:30:00Z', 'UTC');
    expect(b - a).toBe(60);
    expect(clockOf(a)).toBe('23:30');
    expect(spread([a, b])).toBeCloseTo(Math.sqrt(1800), 9);
    expect(spread([a])).toBeNull();
  });
});
