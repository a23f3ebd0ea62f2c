import { decodePolyline, mercator } from './polyline';

describe('decodePolyline', () => {
  it('reads the example of Google’s documentation', () => {
    expect(decodePolyline('_p~iF~ps|U_ulLnnqC_mqNvxq`@')).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ]);
  });

  it('reads nothing as no points and refuses what is not a polyline', () => {
    expect(decodePolyline('')).toEqual([]);
    expect(decodePolyline('_p~iF')).toBeNull();
    expect(decodePolyline('_p~iF~ps|')).toBeNull();
    expect(decodePolyline(' ')).toBeNull();
  });
});

describe('mercator', () => {
  it('puts null island in the middle and the antimeridian at the edges', () => {
    expect(mercator([0, 0])).toEqual([0.5, 0.5]);
    expect(mercator([0, -180])[0]).toBe(0);
    expect(mercator([0, 180])[0]).toBe(1);
    expect(mercator([85.05112878, 0])[1]).toBeCloseTo(0, 6);
    expect(mercator([60, 0])[1]).toBeLessThan(0.5);
  });
});
