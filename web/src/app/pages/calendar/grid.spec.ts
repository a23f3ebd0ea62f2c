import { change, levels, monthWeeks, weekday } from './grid';

describe('calendar grid', () => {
  it('lays a month out in weeks from the chosen first weekday', () => {
    expect(weekday('2026-03-01')).toBe(6); // a Sunday
    const mondays = monthWeeks(2026, 3, 0);
    expect(mondays[0]).toEqual([null, null, null, null, null, null, '2026-03-01']);
    expect(mondays.at(-1)!.filter(Boolean).at(-1)).toBe('2026-03-31');
    const sundays = monthWeeks(2026, 3, 6);
    expect(sundays[0][0]).toBe('2026-03-01');
    expect(sundays.flat().filter(Boolean).length).toBe(31);
  });

  it('colours days by quartile, nothing for days without data', () => {
    expect(levels([null, 0, 1, 2, 3, 4, 5, 6, 7, 8])).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 3, 4]);
    expect(levels([null, null])).toEqual([0, 0]);
    expect(change(110, 100)).toBeCloseTo(0.1, 12);
    expect(change(5, 0)).toBeNull();
  });
});
