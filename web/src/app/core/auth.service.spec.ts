import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const ME = { id: 'usr_1', username: 'ana', email: 'ana@example.org', time_zone: 'UTC', unit_system: 'metric', first_weekday: 'monday', roles: ['user', 'admin'], mfa_enabled: false, stats: {}, created_at: '', updated_at: '' };

describe('AuthService (browser session)', () => {
  let calls: Call[];
  let handler: (c: Call) => Response;

  beforeEach(() => {
    calls = [];
    document.cookie = 'wearhouse_csrf=csrf123; path=/';
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const c: Call = { url, method: init.method ?? 'GET', headers: (init.headers as Record<string, string>) ?? {}, body: init.body as string | undefined };
      calls.push(c);
      return handler(c);
    });
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    document.cookie = 'wearhouse_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });

  it('restores the session on load with a refresh carrying the CSRF cookie', async () => {
    handler = (c) => {
      if (c.url === '/api/v1/auth/refresh') return json(200, { access_token: 'A1', token_type: 'Bearer', expires_in: 900, csrf_token: 'csrf123' });
      if (c.url === '/api/v1/me') return json(200, ME);
      return json(404, {});
    };
    const auth = TestBed.inject(AuthService);
    await auth.whenReady();
    expect(auth.status()).toBe('signed-in');
    expect(auth.isAdmin()).toBe(true);
    const refresh = calls[0];
    expect(refresh.method).toBe('POST');
    expect(refresh.headers['X-CSRF-Token']).toBe('csrf123');
    expect(refresh.body).toBe('{}');
    expect(calls[1].headers['Authorization']).toBe('Bearer A1');
  });

  it('is signed out without a CSRF cookie, without calling the server', async () => {
    document.cookie = 'wearhouse_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    handler = () => json(500, {});
    const auth = TestBed.inject(AuthService);
    await auth.whenReady();
    expect(auth.status()).toBe('signed-out');
    expect(calls.length).toBe(0);
  });

  it('logs in in browser mode', async () => {
    handler = (c) => {
      if (c.url === '/api/v1/auth/login') return json(200, { access_token: 'L1', token_type: 'Bearer', expires_in: 900, csrf_token: 'c' });
      if (c.url === '/api/v1/me') return json(200, ME);
      return json(401, { code: 'x', detail: 'no' });
    };
    const auth = TestBed.inject(AuthService);
    await auth.login({ login: 'ana', password: 'pw' });
    expect(JSON.parse(calls[0].body!)).toEqual({ login: 'ana', password: 'pw', mode: 'browser' });
    expect(auth.status()).toBe('signed-in');
  });

  it('refreshes once on a 401 and retries the call', async () => {
    let token = 'A1';
    handler = (c) => {
      if (c.url === '/api/v1/auth/refresh') {
        token = 'A2';
        return json(200, { access_token: 'A2', token_type: 'Bearer', expires_in: 900 });
      }
      if (c.url === '/api/v1/me') {
        return c.headers['Authorization'] === `Bearer ${token}` && token === 'A2'
          ? json(200, ME)
          : json(401, { code: 'invalid_token', detail: 'expired' }, 'application/problem+json');
      }
      return json(404, {});
    };
    const auth = TestBed.inject(AuthService);
    const api = TestBed.inject(ApiService);
    // Pretend a session with an expired token exists.
    (auth as unknown as { accessToken: string; expiresAt: number }).accessToken = 'A1';
    (auth as unknown as { expiresAt: number }).expiresAt = Date.now() + 600_000;
    auth.status.set('signed-in');
    const me = await api.get('/api/v1/me');
    expect(me.username).toBe('ana');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me']);
  });

  it('signs out cleanly and goes to sign-in when the refresh is refused', async () => {
    handler = (c) => {
      if (c.url === '/api/v1/auth/refresh') return json(401, { code: 'refresh_token_reused', detail: 'session ended' }, 'application/problem+json');
      return json(401, { code: 'invalid_token', detail: 'expired' }, 'application/problem+json');
    };
    const auth = TestBed.inject(AuthService);
    const api = TestBed.inject(ApiService);
    const router = TestBed.inject(Router);
    const nav = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    (auth as unknown as { accessToken: string }).accessToken = 'A1';
    (auth as unknown as { expiresAt: number }).expiresAt = Date.now() + 600_000;
    auth.status.set('signed-in');
    await expect(api.get('/api/v1/me')).rejects.toThrow('expired');
    expect(auth.status()).toBe('signed-out');
    expect(auth.token()).toBeNull();
    expect(nav).toHaveBeenCalledWith(['/sign-in'], expect.objectContaining({ queryParams: expect.objectContaining({ reason: 'expired' }) }));
  });
});
