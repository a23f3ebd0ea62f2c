import type { RunView } from '../../api/types';
import { bars, moved } from './timeline';

const run = (start: string, end: string, treatment: RunView['treatment'], samples = 1): RunView => ({
  start,
  end,
  samples,
  value: 100,
  counted: treatment === 'set_aside' ? 0 : 100,
  share: treatment === 'counted' ? 1 : 0,
  treatment,
});

describe('timeline bars', () => {
  const start = Date.parse('2026-05-04T00:00:00Z');
  const end = Date.parse('2026-05-05T00:00:00Z');
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

  it('places runs by time of day, ticks for readings, and keeps a minute visible', () => {
    const out = bars(
      [
        run('2026-05-04T06:00:00Z', '2026-05-04T12:00:00Z', 'counted', 6),
        run('2026-05-04T18:00:00Z', '2026-05-04T18:00:00Z', 'set_aside'),
        run('2026-05-04T20:00:00Z', '2026-05-04T20:00:01Z', 'partly_counted'),
      ],
      start,
      end,
      (r) => `${r.value} steps`,
      hhmm,
    );
    expect(out[0]).toMatchObject({ x: 0.25, width: 0.25, tick: false, treatment: 'counted' });
    expect(out[0].title).toBe('06:00–12:00 · 100 steps · 6 samples · counted');
    expect(out[1]).toMatchObject({ x: 0.75, width: 0, tick: true });
    expect(out[1].title).toBe('18:00 · 100 steps · 1 sample · set aside');
    expect(out[2].width).toBeGreaterThan(0.001);
  });

  it('clips runs that cross midnight to the day', () => {
    const [b] = bars([run('2026-05-04T23:00:00Z', '2026-05-05T01:00:00Z', 'counted')], start, end, () => '', hhmm);
    expect(b.x + b.width).toBeCloseTo(1, 9);
    expect(b.x).toBeCloseTo(23 / 24, 9);
  });
});

describe('moved', () => {
  it('moves one item and leaves the list alone for moves out of range', () => {
    expect(moved(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});
