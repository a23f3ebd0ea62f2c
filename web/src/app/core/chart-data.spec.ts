import type { BucketView, SampleListView } from '../api/types';
import { bridgeGaps, bucketsToSeries, isBuckets, mergeStream, seriesStats, toSeries } from './chart-data';

const start = Date.UTC(2025, 5, 13, 22, 0, 0); // 2025-06-14 00:00 in Berlin (UTC+2)
const end = start + 24 * 3600 * 1000;

function bucket(minute: number, value: number, min = value, max = value): BucketView {
  const s = new Date(start + minute * 60000).toISOString().replace('.000Z', 'Z');
  const e = new Date(start + (minute + 1) * 60000).toISOString().replace('.000Z', 'Z');
  return { start: s, end: e, value, min, max, count: 1 };
}

describe('chart data', () => {
  it('puts minute buckets on a full-day grid with nulls for gaps', () => {
    const [xs, ys, mins, maxs] = bucketsToSeries([bucket(0, 60), bucket(2, 62, 58, 70), bucket(1439, 55)], start, end);
    expect(xs.length).toBe(1440);
    expect(xs[0]).toBe(start / 1000);
    expect(xs[1] - xs[0]).toBe(60);
    expect(ys[0]).toBe(60);
    expect(ys[1]).toBeNull();
    expect(ys[2]).toBe(62);
    expect(mins[2]).toBe(58);
    expect(maxs[2]).toBe(70);
    expect(ys[1439]).toBe(55);
    expect(ys.filter((y) => y !== null).length).toBe(3);
  });

  it('ignores buckets outside the range and averages several in one slot', () => {
    const outside = { ...bucket(0, 99), start: new Date(start - 60000).toISOString() };
    const [, ys] = bucketsToSeries([outside, bucket(5, 60), bucket(5, 70), bucket(2000, 80)], start, end);
    expect(ys[5]).toBe(65);
    expect(ys.filter((y) => y !== null).length).toBe(1);
  });

  it('handles 23- and 25-hour days (grid follows the range)', () => {
    const [xs] = bucketsToSeries([], start, start + 23 * 3600 * 1000);
    expect(xs.length).toBe(23 * 60);
    const [xs25] = bucketsToSeries([], start, start + 25 * 3600 * 1000);
    expect(xs25.length).toBe(25 * 60);
  });

  it('accepts both response forms of /samples', () => {
    const buckets: SampleListView = { metric: 'heart_rate', unit: 'count/min', resolution: 'minute', buckets: [bucket(10, 71)] };
    const raw: SampleListView = {
      items: [
        { metric: 'heart_rate', value: 52, unit: 'count/min', start: '2025-06-14T00:31:10+02:00', end: '2025-06-14T00:31:10+02:00', floating: false, source_id: 3, ingested_at: '2025-06-14T05:52:09Z' },
        { metric: 'heart_rate', value: 56, unit: 'count/min', start: '2025-06-14T00:31:40+02:00', end: '2025-06-14T00:31:40+02:00', floating: false, source_id: 3, ingested_at: '2025-06-14T05:52:09Z' },
      ],
    };
    expect(isBuckets(buckets)).toBe(true);
    expect(isBuckets(raw)).toBe(false);
    expect(toSeries(buckets, start, end)[1][10]).toBe(71);
    const rawSeries = toSeries(raw, start, end);
    expect(rawSeries[1][31]).toBe(54);
    expect(rawSeries[2][31]).toBe(52);
    expect(rawSeries[3][31]).toBe(56);
  });

  it('computes stats over the filled slots', () => {
    const s = seriesStats(bucketsToSeries([bucket(0, 60, 55, 65), bucket(1, 80, 78, 90)], start, end));
    expect(s).toEqual({ min: 55, max: 90, avg: 70, filled: 2 });
    expect(seriesStats(bucketsToSeries([], start, end))).toEqual({ min: null, max: null, avg: null, filled: 0 });
  });

  it('bridges only short gaps', () => {
    expect(bridgeGaps([60, null, 62], 1)).toEqual([60, undefined, 62]);
    expect(bridgeGaps([60, null, null, null, 64], 2)).toEqual([60, null, null, null, 64]);
    expect(bridgeGaps([60, null, null, 63, null, null, null, 70], 2)).toEqual([60, undefined, undefined, 63, null, null, null, 70]);
    // Leading and trailing gaps have no value on one side: they stay gaps.
    expect(bridgeGaps([null, 60, null], 5)).toEqual([null, 60, null]);
  });

  it("fills the minutes without samples from a workout's stream, and only those", () => {
    const base = bucketsToSeries([bucket(1, 70, 68, 72)], start, start + 5 * 60_000);
    // A run starting 30 s into the day: readings at 30 s, 60 s (minute 1, which has a sample), 125 s, 130 s, 200 s.
    const merged = mergeStream(base, start + 30_000, [0, 30, 95, 100, 170, 9999], [120, 150, 130, 134, null, 99]);
    expect(merged[1]).toEqual([120, 70, 132, null, null]);
    expect(merged[2]).toEqual([120, 68, 130, null, null]);
    expect(merged[3]).toEqual([120, 72, 134, null, null]);
    expect(base[1]).toEqual([null, 70, null, null, null]);
  });
});
