import { encodeForTest } from './draw.testing';
import { busiestArea, fit, project } from './draw';

describe('heatmap drawing', () => {
  // Three loops around Helsinki, one in Tokyo.
  const helsinki = [0, 1, 2].map((i) => encodeForTest([[60.17 + i * 0.01, 24.94], [60.18 + i * 0.01, 24.95], [60.17 + i * 0.01, 24.96]]));
  const tokyo = encodeForTest([[35.68, 139.69], [35.69, 139.7]]);

  it('projects every readable route and skips the rest', () => {
    const p = project([...helsinki, tokyo, '_p~iF', '']);
    expect(p.lines.length).toBe(4);
    expect(p.points).toBe(11);
    expect(p.bounds!.minX).toBeLessThan(p.bounds!.maxX);
  });

  it('opens where most routes are, while fitting all takes in every one', () => {
    const p = project([tokyo, ...helsinki]);
    const area = busiestArea(p)!;
    const all = p.bounds!;
    // Helsinki's routes only: far narrower than the span from Helsinki to Tokyo.
    expect(area.maxX - area.minX).toBeLessThan((all.maxX - all.minX) / 100);
    for (const box of p.boxes.slice(1)) {
      expect(box.minX).toBeGreaterThanOrEqual(area.minX);
      expect(box.maxY).toBeLessThanOrEqual(area.maxY);
    }
    const view = fit(area, 800, 600);
    expect(view.cx).toBeCloseTo((area.minX + area.maxX) / 2, 12);
    expect((area.maxX - area.minX) * view.scale).toBeLessThanOrEqual(800 - 48 + 1e-6);
  });
});
