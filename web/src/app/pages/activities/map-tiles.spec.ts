import { mercator } from '../../core/polyline';
import { tilesUnder } from './map-tiles';

describe('map tiles under a route', () => {
  // A 2 km square in Zürich, drawn in a 1000-unit box.
  const [minX, minY] = mercator([47.38, 8.53]);
  const [maxX] = mercator([47.38, 8.556]);
  const scale = 1000 / (maxX - minX);
  const placement = { minX, minY: minY - (maxX - minX), scale, width: 1000, height: 1000, pad: 20 };

  it('takes the zoom that shows the route at about the tiles’ own size, and covers it', () => {
    const { zoom, tiles } = tilesUnder(placement, 'https://t.example/{z}/{x}/{y}.png', 19);
    expect(zoom).toBe(15);
    // Zürich's south-west corner is in tile 17160/11474 at zoom 15.
    expect(tiles.some((t) => t.url === 'https://t.example/15/17160/11474.png')).toBe(true);
    for (const t of tiles) expect(t.size).toBeCloseTo(scale / 2 ** 15, 6);
    const left = Math.min(...tiles.map((t) => t.x));
    const right = Math.max(...tiles.map((t) => t.x + t.size));
    expect(left).toBeLessThanOrEqual(-20);
    expect(right).toBeGreaterThanOrEqual(1020);
  });

  it('stays within the server’s deepest zoom and a bounded number of tiles', () => {
    const tiny = { ...placement, scale: placement.scale * 1000 };
    expect(tilesUnder(tiny, '{z}/{x}/{y}', 12).zoom).toBe(12);
    const world = { minX: 0, minY: 0, scale: 1000, width: 1000, height: 1000, pad: 0 };
    const { tiles } = tilesUnder(world, '{z}/{x}/{y}', 19);
    expect(tiles.length).toBeLessThanOrEqual(48);
  });
});
