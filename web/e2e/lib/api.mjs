// Direct API calls the journey makes beside the browser (a second client, token mode).
export function api(base) {
  async function call(method, path, { body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  }
  return {
    call,
    /** Token-mode login; throws with the server's problem unless 200. */
    async login(login, password, totp_code) {
      const r = await call('POST', '/api/v1/auth/login', { body: { login, password, totp_code: totp_code ?? null } });
      if (r.status !== 200) throw new Error(`API login as ${login} failed: ${r.status} ${r.text}`);
      return r.json;
    },
    async logout(refresh_token) {
      return call('POST', '/api/v1/auth/logout', { body: { refresh_token } });
    },
    async refresh(refresh_token) {
      return call('POST', '/api/v1/auth/refresh', { body: { refresh_token } });
    },
    async get(path, token) {
      const r = await call('GET', path, { token });
      if (r.status !== 200) throw new Error(`GET ${path} failed: ${r.status} ${r.text}`);
      return r.json;
    },
  };
}

/** The local calendar date (YYYY-MM-DD) of an RFC 3339 instant in an IANA zone. */
export function localDate(iso, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}
