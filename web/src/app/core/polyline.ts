/** A position in degrees: [latitude, longitude]. */
export type LatLon = [number, number];

/**
 * Reads an encoded polyline (Google's format, 5 decimals), as `GET /activities/routes` sends routes.
 * Returns null when the text is not one.
 */
export function decodePolyline(text: string): LatLon[] | null {
  const out: LatLon[] = [];
  let i = 0;
  let lat = 0;
  let lon = 0;
  const next = (): number | null => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= text.length || shift > 30) return null;
      const chunk = text.charCodeAt(i++) - 63;
      if (chunk < 0 || chunk > 63) return null;
      result |= (chunk & 0x1f) << shift;
      shift += 5;
      if (chunk < 0x20) break;
    }
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (i < text.length) {
    const dlat = next();
    const dlon = next();
    if (dlat === null || dlon === null) return null;
    lat += dlat;
    lon += dlon;
    out.push([lat / 1e5, lon / 1e5]);
  }
  return out;
}

/** Web Mercator of a position, both in 0–1 (x east from −180°, y south from about 85° N). */
export function mercator([lat, lon]: LatLon): [number, number] {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}
