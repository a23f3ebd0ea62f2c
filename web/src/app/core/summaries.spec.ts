import type { DailySummariesView } from '../api/types';
import { average, column, dateAt, dayCount, indexOf, latestOnOrBefore, points, presentFigures, valueOn } from './summaries';

const view: DailySummariesView = {
  from: '2025-06-01',
  to: '2025-06-03',
  figures: {
    steps: [9412, 12030, null],
    sleep_asleep: [26520, 27960, null],
    body_mass: [61.4, null, null],
    workout_count: [null, null, null],
  },
};

describe('columnar summaries', () => {
  it('maps dates to indexes', () => {
    expect(dayCount(view)).toBe(3);
    expect(dateAt(view, 2)).toBe('2025-06-03');
    expect(indexOf(view, '2025-06-02')).toBe(1);
    expect(indexOf(view, '2025-05-31')).toBe(-1);
    expect(indexOf(view, '2025-06-04')).toBe(-1);
  });

  it('reads a value on a day, null where none or figure absent', () => {
    expect(valueOn(view, 'steps', '2025-06-02')).toBe(12030);
    expect(valueOn(view, 'steps', '2025-06-03')).toBeNull();
    expect(valueOn(view, 'distance', '2025-06-01')).toBeNull();
    expect(valueOn(null, 'steps', '2025-06-01')).toBeNull();
    expect(column(view, 'distance')).toEqual([]);
  });

  it('finds the latest value on or before a day', () => {
    expect(latestOnOrBefore(view, 'body_mass', '2025-06-03')).toEqual({ date: '2025-06-01', value: 61.4 });
    expect(latestOnOrBefore(view, 'steps', '2025-06-03')).toEqual({ date: '2025-06-02', value: 12030 });
    expect(latestOnOrBefore(view, 'steps', '2025-06-01')).toEqual({ date: '2025-06-01', value: 9412 });
    expect(latestOnOrBefore(view, 'steps', '2025-07-30')).toEqual({ date: '2025-06-02', value: 12030 });
    expect(latestOnOrBefore(view, 'distance', '2025-06-03')).toBeNull();
  });

  it('lists points, averages and present figures', () => {
    expect(points(view, 'sleep_asleep')).toEqual([
      { date: '2025-06-01', value: 26520 },
      { date: '2025-06-02', value: 27960 },
    ]);
    expect(average(column(view, 'steps'))).toBe((9412 + 12030) / 2);
    expect(average([null, null])).toBeNull();
    expect(presentFigures(view).sort()).toEqual(['body_mass', 'sleep_asleep', 'steps']);
  });
});
