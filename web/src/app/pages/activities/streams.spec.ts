import { channels, elapsedText, paceText } from './streams';

describe('activity streams', () => {
  const raw = { heart_rate: [120, null, 130], speed: [2.5, 0.1, 3.0], altitude: [10, 11, null], power: [null, null, null] };

  it('orders the charts and shows a run’s speed as pace, stops left out', () => {
    const out = channels(raw, 'running', 'metric');
    expect(out.map((c) => c.key)).toEqual(['heart_rate', 'pace', 'altitude']);
    const pace = out[1];
    expect(pace.unit).toBe('min/km');
    expect(pace.values[0]).toBeCloseTo(1000 / 2.5 / 60, 9);
    expect(pace.values[1]).toBeNull();
    expect(pace.inverted).toBe(true);
  });

  it('shows a ride’s speed in km/h or mph and elevation in feet', () => {
    const out = channels(raw, 'cycling', 'imperial');
    expect(out[1]).toMatchObject({ key: 'speed', unit: 'mph' });
    expect(out[1].values[0]).toBeCloseTo((2.5 * 3600) / 1609.344, 9);
    expect(out[2].values[0]).toBeCloseTo(10 / 0.3048, 9);
  });

  it('writes paces and elapsed times', () => {
    expect(paceText(4.5)).toBe('4:30');
    expect(paceText(4.999)).toBe('5:00');
    expect(elapsedText(59)).toBe('0:59');
    expect(elapsedText(3725)).toBe('1:02:05');
  });
});
