import { figure, previousYear, stats, xOf, yearEarlier } from './figures';

describe('trend figures', () => {
  it('shows stored values in the user’s units', () => {
    const distance = figure('distance')!;
    expect(distance.show(1609.344, 'imperial')).toBeCloseTo(1, 9);
    expect(distance.show(5000, 'metric')).toBe(5);
    expect(distance.unit('imperial')).toBe('mi');
    expect(figure('sleep_asleep')!.show(27_000, 'metric')).toBe(7.5);
    expect(figure('body_mass')!.show(45.359237, 'imperial')).toBeCloseTo(100, 9);
  });

  it('compares with the same weekdays 52 weeks earlier, or the same months', () => {
    expect(previousYear('2026-03-01', '2026-03-07', 'day')).toEqual({ from: '2025-03-02', to: '2025-03-08' });
    expect(previousYear('2026-01-01', '2026-12-31', 'month')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(yearEarlier('2024-02-29')).toBe('2023-02-28');
  });

  it('totals amounts and averages over the periods with data', () => {
    expect(stats([1, null, 3, undefined], 'amount')).toEqual({ total: 4, average: 2, min: 1, max: 3, count: 2 });
    expect(stats([60, 70], 'reading').total).toBeNull();
    expect(stats([null], 'amount')).toEqual({ total: null, average: null, min: null, max: null, count: 0 });
    expect(xOf('1970-01-02')).toBe(86_400);
  });
});
