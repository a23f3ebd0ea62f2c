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
    /** Uploads a file as a raw body and waits until its import is done; returns the import. */
    async importFile(bytes, name, token, timeoutMs = 120_000) {
      const res = await fetch(`${base}/api/v1/imports`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'X-File-Name': name, Accept: 'application/json' },
        body: bytes,
      });
      const started = await res.json().catch(() => null);
      if (!res.ok || !started?.status_url) throw new Error(`uploading ${name}: ${res.status} ${JSON.stringify(started)}`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await this.get(started.status_url, token);
        if (now.status === 'done') return now;
        if (now.status === 'failed') throw new Error(`importing ${name} failed: ${JSON.stringify(now)}`);
        if (Date.now() > deadline) throw new Error(`importing ${name}: still ${now.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
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
