// Which basemap tiles lie under a drawn route, and where: the route is drawn in Web Mercator world units
// (0–1) scaled to a box; each tile of the chosen zoom covers 1/2^z of the world in each direction.

/** Where the route's drawing sits in the world: `drawn = (world - min) * scale`. */
export interface Placement {
  minX: number;
  minY: number;
  scale: number;
  /** The drawing's width and height, in drawn units. */
  width: number;
  height: number;
  /** Drawn units of margin around the route that the tiles also cover. */
  pad: number;
}

export interface Tile {
  url: string;
  x: number;
  y: number;
  size: number;
}

/** About how many pixels wide a route is shown: the zoom is chosen for tiles near their own size. */
const SHOWN_PX = 700;
const TILE_PX = 256;
/** Never more tiles than this for one route (a coarser zoom is taken instead). */
const MAX_TILES = 48;

/** The tiles of `template` (`{z}`, `{x}`, `{y}`) under the drawing, at the zoom that shows it sharply. */
export function tilesUnder(p: Placement, template: string, maxZoom: number): { zoom: number; tiles: Tile[] } {
  const span = Math.max(p.width, p.height) / p.scale;
  let zoom = Math.max(0, Math.min(maxZoom, Math.floor(Math.log2(SHOWN_PX / (TILE_PX * Math.max(span, 1e-9))))));
  for (;;) {
    const n = 2 ** zoom;
    const x0 = p.minX - p.pad / p.scale;
    const x1 = p.minX + (p.width + p.pad) / p.scale;
    const y0 = p.minY - p.pad / p.scale;
    const y1 = p.minY + (p.height + p.pad) / p.scale;
    const clampTile = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v * n)));
    const [tx0, tx1, ty0, ty1] = [clampTile(x0), clampTile(x1), clampTile(y0), clampTile(y1)];
    const count = (tx1 - tx0 + 1) * (ty1 - ty0 + 1);
    if (count > MAX_TILES && zoom > 0) {
      zoom--;
      continue;
    }
    const size = p.scale / n;
    const tiles: Tile[] = [];
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        tiles.push({
          url: template.replace('{z}', String(zoom)).replace('{x}', String(tx)).replace('{y}', String(ty)),
          x: (tx / n - p.minX) * p.scale,
          y: (ty / n - p.minY) * p.scale,
          size,
        });
      }
    }
    return { zoom, tiles };
  }
}
