import { decodePolyline, mercator, type LatLon } from '../../core/polyline';

/** Routes projected once (Web Mercator, 0–1), with their bounds, ready to draw at any size. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface Projected {
  lines: Float64Array[];
  /** Each line's bounds, in the order of `lines`. */
  boxes: Bounds[];
  bounds: Bounds | null;
  points: number;
}

/** The side of the cells routes are grouped in to find where most of them are: about 40 km. */
const AREA_CELL = 0.001;

/** Decodes and projects encoded polylines; unreadable ones are skipped. */
export function project(polylines: string[]): Projected {
  const lines: Float64Array[] = [];
  const boxes: Bounds[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let points = 0;
  for (const text of polylines) {
    const route: LatLon[] | null = decodePolyline(text);
    if (!route || route.length < 2) continue;
    const line = new Float64Array(route.length * 2);
    const box: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    route.forEach((p, i) => {
      const [x, y] = mercator(p);
      line[2 * i] = x;
      line[2 * i + 1] = y;
      box.minX = Math.min(box.minX, x);
      box.maxX = Math.max(box.maxX, x);
      box.minY = Math.min(box.minY, y);
      box.maxY = Math.max(box.maxY, y);
    });
    minX = Math.min(minX, box.minX);
    maxX = Math.max(maxX, box.maxX);
    minY = Math.min(minY, box.minY);
    maxY = Math.max(maxY, box.maxY);
    points += route.length;
    lines.push(line);
    boxes.push(box);
  }
  return { lines, boxes, bounds: lines.length ? { minX, minY, maxX, maxY } : null, points };
}

/**
 * Where most routes are: the bounds of the routes whose centres fall in the busiest cell of about
 * 40 km and the cells around it (ties go to the newest route's, routes coming newest first). A map
 * opens there rather than fitting a holiday on another continent beside home.
 */
export function busiestArea(projected: Projected): Bounds | null {
  if (!projected.boxes.length) return null;
  const cellOf = (b: Bounds) => [Math.floor((b.minX + b.maxX) / 2 / AREA_CELL), Math.floor((b.minY + b.maxY) / 2 / AREA_CELL)];
  const counts = new Map<string, number>();
  for (const b of projected.boxes) {
    const [cx, cy] = cellOf(b);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      const key = `${cx + dx},${cy + dy}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let best = projected.boxes[0];
  let bestCount = 0;
  for (const b of projected.boxes) {
    const [cx, cy] = cellOf(b);
    const n = counts.get(`${cx},${cy}`) ?? 0;
    if (n > bestCount) {
      best = b;
      bestCount = n;
    }
  }
  const [bx, by] = cellOf(best);
  const area: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const b of projected.boxes) {
    const [cx, cy] = cellOf(b);
    if (Math.abs(cx - bx) > 1 || Math.abs(cy - by) > 1) continue;
    area.minX = Math.min(area.minX, b.minX);
    area.minY = Math.min(area.minY, b.minY);
    area.maxX = Math.max(area.maxX, b.maxX);
    area.maxY = Math.max(area.maxY, b.maxY);
  }
  return area;
}

/** A view of the projected plane: the centre and the canvas pixels per unit. */
export interface View {
  cx: number;
  cy: number;
  scale: number;
}

/** The view that fits `bounds` in a `width`×`height` canvas with a margin. */
export function fit(bounds: Bounds, width: number, height: number, margin = 24): View {
  const w = Math.max(bounds.maxX - bounds.minX, 1e-9);
  const h = Math.max(bounds.maxY - bounds.minY, 1e-9);
  const scale = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  return { cx: (bounds.minX + bounds.maxX) / 2, cy: (bounds.minY + bounds.maxY) / 2, scale: Math.max(scale, 1) };
}

/**
 * Draws every route with additive blending, so where routes repeat the colour builds up: the heat.
 * Returns the milliseconds it took.
 */
export function draw(ctx: CanvasRenderingContext2D, projected: Projected, view: View, width: number, height: number, color: string, lineWidth: number): number {
  const t0 = performance.now();
  ctx.save();
  ctx.clearRect(0, 0, width, height);
  ctx.globalCompositeOperation = 'lighter';
  ctx.strokeStyle = color;
  ctx.globalAlpha = projected.lines.length > 200 ? 0.35 : 0.6;
  ctx.lineWidth = lineWidth;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  const ox = width / 2 - view.cx * view.scale;
  const oy = height / 2 - view.cy * view.scale;
  for (const line of projected.lines) {
    ctx.beginPath();
    ctx.moveTo(line[0] * view.scale + ox, line[1] * view.scale + oy);
    for (let i = 2; i < line.length; i += 2) ctx.lineTo(line[i] * view.scale + ox, line[i + 1] * view.scale + oy);
    ctx.stroke();
  }
  ctx.restore();
  return performance.now() - t0;
}
