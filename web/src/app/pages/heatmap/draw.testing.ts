/** Encodes positions as a polyline (Google's format, 5 decimals), for tests. */
export function encodeForTest(points: [number, number][]): string {
  let out = '';
  let lat = 0;
  let lon = 0;
  const put = (delta: number) => {
    let v = delta < 0 ? ~(delta << 1) : delta << 1;
    while (v >= 0x20) {
      out += String.fromCharCode((0x20 | (v & 0x1f)) + 63);
      v >>= 5;
    }
    out += String.fromCharCode(v + 63);
  };
  for (const [a, b] of points) {
    const la = Math.round(a * 1e5);
    const lo = Math.round(b * 1e5);
    put(la - lat);
    put(lo - lon);
    lat = la;
    lon = lo;
  }
  return out;
}
