import { cumulativeDistance, splits } from './splits';

describe('splits', () => {
  // 2.5 km at a steady 4 m/s (250 s per km), climbing 10 m per km, heart rate rising by 10 bpm per km.
  const time = Array.from({ length: 626 }, (_, i) => i);
  const distance = time.map((t) => t * 4);
  const altitude = distance.map((d) => 100 + d / 100);
  const heart = distance.map((d) => 120 + Math.floor(d / 1000) * 10);

  it('gives each whole kilometre and the last part, with pace, climb and heart rate', () => {
    const out = splits({ distance, altitude, heart_rate: heart }, time, 'metric');
    expect(out.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(out[0].seconds).toBeCloseTo(250, 6);
    expect(out[0].pace).toBeCloseTo(250, 6);
    expect(out[0].climb).toBeCloseTo(10, 6);
    expect(out[0].heartRate).toBeCloseTo(120, 0);
    expect(out[1].heartRate).toBeCloseTo(130, 0);
    expect(out[2].metres).toBeCloseTo(500, 6);
    expect(out[2].seconds).toBeCloseTo(125, 6);
    expect(out[2].pace).toBeCloseTo(250, 6);
  });

  it('splits by the mile for imperial users', () => {
    const out = splits({ distance }, time, 'imperial');
    expect(out).toHaveLength(2);
    expect(out[0].metres).toBeCloseTo(1609.344, 6);
    expect(out[0].seconds).toBeCloseTo(1609.344 / 4, 6);
    expect(out[0].climb).toBeNull();
    expect(out[1].metres).toBeCloseTo(2500 - 1609.344, 6);
  });

  it('measures distance from the fixes when nothing recorded it', () => {
    // Due north along a meridian: 0.001° of latitude is about 111.2 m.
    const lat = [0, 0.001, 0.002, null, 0.003];
    const lon = [10, 10, 10, null, 10];
    const d = cumulativeDistance({ lat, lon }, [0, 1, 2, 3, 4])!;
    expect(d[1]).toBeCloseTo(111.2, 0);
    expect(d[3]).toBe(d[2]);
    expect(d[4]).toBeCloseTo(333.6, 0);
  });

  it('integrates speed without fixes, and has no splits without any distance', () => {
    expect(cumulativeDistance({ speed: [2, 2, 4] }, [0, 10, 20])).toEqual([0, 20, 50]);
    expect(splits({ heart_rate: [100, 110] }, [0, 1], 'metric')).toEqual([]);
  });

  it('leaves out a last split of a few metres', () => {
    const out = splits({ distance: [0, 1000, 1020] }, [0, 300, 306], 'metric');
    expect(out).toHaveLength(1);
  });
});
