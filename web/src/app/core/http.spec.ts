import { buildUrl, readCookie } from './http';
import { groupSecret, otpauthLabel, qrPath, qrSvg } from './qr';

describe('http helpers', () => {
  it('fills path parameters and encodes the query', () => {
    expect(buildUrl('/api/v1/admin/users/{id}', { id: 'usr 1' })).toBe('/api/v1/admin/users/usr%201');
    expect(buildUrl('/api/v1/samples', undefined, { metric: 'heart_rate', from: '2025-06-14T00:00:00+02:00', cursor: undefined })).toBe(
      '/api/v1/samples?metric=heart_rate&from=2025-06-14T00%3A00%3A00%2B02%3A00',
    );
    expect(() => buildUrl('/api/v1/imports/{id}', {})).toThrow();
  });

  it('reads cookies', () => {
    expect(readCookie('wearhouse_csrf', 'a=1; wearhouse_csrf=abc%3D; b=2')).toBe('abc=');
    expect(readCookie('wearhouse_csrf', 'a=1')).toBeNull();
    expect(readCookie('x', '')).toBeNull();
  });
});

describe('qr helpers', () => {
  it('draws dark modules as merged runs', () => {
    const grid = [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ];
    const path = qrPath({ size: 3, get: (r, c) => grid[r][c] }, 0);
    expect(path).toBe('M0 0h2v1h-2zM1 1h1v1h-1zM0 2h1v1h-1zM2 2h1v1h-1z');
  });

  it('formats the secret and label', () => {
    expect(groupSecret('JBSWY3DPK5XXE3DE')).toBe('JBSW Y3DP K5XX E3DE');
    expect(otpauthLabel('otpauth://totp/Wearhouse:ana?secret=X&issuer=Wearhouse')).toBe('Wearhouse:ana');
  });

  it('encodes an otpauth URI with the lazily loaded encoder', async () => {
    const q = await qrSvg('otpauth://totp/Wearhouse:ana?secret=JBSWY3DPK5XXE3DEEBZWK5TSMVZA2LTB&issuer=Wearhouse');
    expect(q.size).toBeGreaterThanOrEqual(21 + 8);
    expect(q.path).toMatch(/^M4 4h7v1h-7z/); // the top-left finder pattern
  });
});
