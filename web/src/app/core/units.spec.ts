import { bytes, count, distance, duration, energy, height, kgToPounds, mass, metresToMiles, minutes, percent, reading, sleepHm, text } from './units';

describe('units', () => {
  it('converts metres and miles', () => {
    expect(metresToMiles(1609.344)).toBeCloseTo(1, 10);
    expect(metresToMiles(10000)).toBeCloseTo(6.2137, 4);
  });

  it('converts kilograms and pounds', () => {
    expect(kgToPounds(0.45359237)).toBeCloseTo(1, 10);
    expect(kgToPounds(70)).toBeCloseTo(154.324, 3);
  });

  it('formats distances in km or mi', () => {
    expect(distance(7012.4, 'metric')).toEqual({ value: '7.01', unit: 'km' });
    expect(distance(7012.4, 'imperial')).toEqual({ value: '4.36', unit: 'mi' });
    expect(distance(850, 'metric')).toEqual({ value: '850', unit: 'm' });
    expect(distance(100, 'imperial')).toEqual({ value: '328', unit: 'ft' });
    expect(distance(42195, 'metric')).toEqual({ value: '42.20', unit: 'km' });
    expect(distance(null, 'metric').value).toBe('—');
    expect(distance(Number.NaN, 'imperial').value).toBe('—');
  });

  it('formats mass in kg or lb', () => {
    expect(mass(61.4, 'metric')).toEqual({ value: '61.4', unit: 'kg' });
    expect(mass(61.4, 'imperial')).toEqual({ value: '135.4', unit: 'lb' });
    expect(mass(undefined, 'imperial').value).toBe('—');
  });

  it('formats energy in kcal, whole', () => {
    expect(energy(512.3)).toEqual({ value: '512', unit: 'kcal' });
    expect(energy(1688.6)).toEqual({ value: '1,689', unit: 'kcal' });
    expect(text(energy(null))).toBe('—');
  });

  it('formats heights', () => {
    expect(height(168, 'metric')).toEqual({ value: '168', unit: 'cm' });
    expect(height(168, 'imperial').value).toBe('5′ 6″');
    expect(height(182.9, 'imperial').value).toBe('6′ 0″');
  });

  it('formats counts and readings', () => {
    expect(count(12030)).toEqual({ value: '12,030', unit: '' });
    expect(reading(52.4, 'bpm')).toEqual({ value: '52', unit: 'bpm' });
    expect(reading(41.26, 'ms', 1)).toEqual({ value: '41.3', unit: 'ms' });
    expect(text(reading(52, 'bpm'))).toBe('52 bpm');
  });

  it('formats durations', () => {
    expect(duration(45)).toBe('45 s');
    expect(duration(12 * 60)).toBe('12 min');
    expect(duration(3900)).toBe('1 h 05 min');
    expect(duration(26 * 3600)).toBe('26 h 00 min');
    expect(duration(null)).toBe('—');
    expect(minutes(42.4)).toBe('42 min');
    expect(minutes(95)).toBe('1 h 35 min');
    expect(minutes(0)).toBe('0 min');
  });

  it('formats sleep as h:mm', () => {
    expect(sleepHm(26520)).toBe('7:22');
    expect(sleepHm(27960)).toBe('7:46');
    expect(sleepHm(25200)).toBe('7:00');
    expect(sleepHm(3599)).toBe('1:00');
    expect(sleepHm(59 * 60 + 20)).toBe('0:59');
    expect(sleepHm(null)).toBe('—');
  });

  it('formats percentages and bytes', () => {
    expect(percent(0.929)).toBe('93 %');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(187654321)).toBe('187.7 MB');
  });
});
