// Turns a QR symbol's module matrix into one SVG path (drawn by the template, so no inline markup or
// data: URL is needed under a strict CSP). The encoder itself (the `qrcode` package) is loaded lazily.

export interface ModuleMatrix {
  size: number;
  get(row: number, col: number): number | boolean;
}

/** An SVG path of the dark modules, one unit square each, with runs on a row merged. */
export function qrPath(m: ModuleMatrix, quiet = 4): string {
  const parts: string[] = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (!m.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.get(r, c)) c++;
      parts.push(`M${start + quiet} ${r + quiet}h${c - start}v1h-${c - start}z`);
    }
  }
  return parts.join('');
}

/** Encodes `text` and returns the path and the view box size (quiet zone included). */
export async function qrSvg(text: string): Promise<{ path: string; size: number }> {
  const loaded: typeof import('qrcode') & { default?: typeof import('qrcode') } = await import('qrcode');
  // qrcode is CommonJS: in the production bundle its functions are on `default`, under Node on the module.
  const QRCode = loaded.default ?? loaded;
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  return { path: qrPath(code.modules, quiet), size: code.modules.size + 2 * quiet };
}

/** `otpauth://totp/Issuer:account?…` → the account label, for display. */
export function otpauthLabel(uri: string): string {
  try {
    const u = new URL(uri);
    return decodeURIComponent(u.pathname.replace(/^\/+/, ''));
  } catch {
    return '';
  }
}

/** A base32 secret grouped by four for reading aloud or typing: `JBSW Y3DP …`. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
