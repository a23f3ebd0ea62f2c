import { mercator } from '../../core/polyline';

/** The route drawn as an SVG path in a 1000-unit box, with each point's position on it. */
export interface Route {
  path: string;
  width: number;
  height: number;
  /** Where the drawing sits in the world (for basemap tiles). */
  minX: number;
  minY: number;
  scale: number;
  /** Position of each point (null without a fix). */
  at: ([number, number] | null)[];
}

/** Positions by point: `time` says how many points there are, `lat` and `lon` where each was. */
export type PositionStreams = { time: unknown[] } & Record<string, unknown[] | undefined>;

const BOX = 1000;
/** Drawn units of margin around the route (the SVG's viewBox). */
export const PAD = 20;

/**
 * The line through the points' positions, scaled into a {@link BOX}-unit box (Web Mercator, north up).
 * A point without a fix (or at 0,0, a GPS's "no fix") lifts the pen. `null` with fewer than two fixes.
 */
export function routeOf(streams: PositionStreams): Route | null {
  const lat = (streams['lat'] ?? []) as (number | null | undefined)[];
  const lon = (streams['lon'] ?? []) as (number | null | undefined)[];
  const projected: ([number, number] | null)[] = streams.time.map((_, i) => {
    const a = lat[i];
    const b = lon[i];
    return a === null || a === undefined || b === null || b === undefined || (a === 0 && b === 0) ? null : mercator([a, b]);
  });
  const fixes = projected.filter((p): p is [number, number] => p !== null);
  if (fixes.length < 2) return null;
  const xs = fixes.map((p) => p[0]);
  const ys = fixes.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(maxX - minX, maxY - minY, 1e-12);
  const scale = BOX / span;
  const width = Math.max((maxX - minX) * scale, 1);
  const height = Math.max((maxY - minY) * scale, 1);
  const at = projected.map((p) => (p ? ([(p[0] - minX) * scale, (p[1] - minY) * scale] as [number, number]) : null));
  let path = '';
  let pen = false;
  for (const p of at) {
    if (!p) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${p[0].toFixed(1)} ${p[1].toFixed(1)}`;
    pen = true;
  }
  return { path, width, height, at, minX, minY, scale };
}

/** A planned route's track (`[lat, lon, elevation]` per point) in the shape {@link routeOf} reads. */
export function trackStreams(track: (number | null)[][]): PositionStreams {
  return { time: track.map((_, i) => i), lat: track.map((p) => p[0] ?? null), lon: track.map((p) => p[1] ?? null) };
}
