import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { LoginBody, MeView, RegisterBody, TokenResponse } from '../api/types';
import { CSRF_COOKIE, CSRF_HEADER, readCookie, send } from './http';
import { ApiError } from './problem';
import { NotifyService } from './notify.service';

export type AuthStatus = 'unknown' | 'signed-in' | 'signed-out';

/**
 * Why the sign-in page is shown (`/sign-in?reason=…`). Only these fixed messages are displayed, so a
 * crafted link cannot put arbitrary text on the sign-in page.
 */
export const SIGN_IN_NOTICES = {
  'signed-out': $localize`:@@signIn.notice.signedOut:You have signed out.`,
  'signed-out-device': $localize`:@@signIn.notice.signedOutDevice:You have signed out of this device.`,
  everywhere: $localize`:@@signIn.notice.everywhere:You have signed out everywhere.`,
  expired: $localize`:@@signIn.notice.expired:Your session has ended. Please sign in again.`,
  deleted: $localize`:@@signIn.notice.deleted:Your account has been deleted.`,
  registered: $localize`:@@signIn.notice.registered:Your account is ready. Sign in to continue.`,
} as const;
export type SignInReason = keyof typeof SIGN_IN_NOTICES;

export function signInNotice(reason: string | null | undefined): string | null {
  return reason && Object.hasOwn(SIGN_IN_NOTICES, reason) ? SIGN_IN_NOTICES[reason as SignInReason] : null;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;
/** After a network failure of a background refresh, try again after this long. */
const RETRY_MS = 30_000;

/**
 * The browser session. The access token lives in memory only; the refresh token is an HttpOnly cookie
 * the server sets (browser mode), traded at `/auth/refresh` with the `wearhouse_csrf` cookie echoed in
 * `X-CSRF-Token`. Page load restores the session with one refresh.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly router = inject(Router);
  private readonly notify = inject(NotifyService);

  private accessToken: string | null = null;
  private expiresAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readyPromise: Promise<void> | null = null;

  readonly status = signal<AuthStatus>('unknown');
  readonly me = signal<MeView | null>(null);
  readonly isAdmin = computed(() => this.me()?.roles.includes('admin') ?? false);

  /** The bearer token for API calls, if signed in. */
  token(): string | null {
    return this.accessToken;
  }

  /** Resolves once the session restore attempt of page load has finished. */
  whenReady(): Promise<void> {
    this.readyPromise ??= this.restore();
    return this.readyPromise;
  }

  private async restore(): Promise<void> {
    // Without the CSRF cookie there is no browser session to restore (and the refresh would fail).
    if (!readCookie(CSRF_COOKIE)) {
      this.status.set('signed-out');
      return;
    }
    const ok = await this.refresh();
    if (!ok) {
      this.clear();
      return;
    }
    try {
      await this.loadMe();
      this.status.set('signed-in');
    } catch (err) {
      this.clear();
      if (err instanceof ApiError && err.status !== 401) this.notify.error(err, $localize`:@@auth.restoreFailed:Could not restore your session`);
    }
  }

  private accept(t: TokenResponse): void {
    this.accessToken = t.access_token;
    const lifetimeMs = Math.max(30, t.expires_in) * 1000;
    this.expiresAt = Date.now() + lifetimeMs;
    this.schedule(Math.max(10_000, lifetimeMs - REFRESH_MARGIN_MS));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.backgroundRefresh(), ms);
  }

  private async backgroundRefresh(): Promise<void> {
    if (!this.accessToken) return;
    const ok = await this.refresh();
    if (ok || !this.accessToken) return;
    if (this.lastRefreshStatus === 0 || (this.lastRefreshStatus ?? 0) >= 500 || this.lastRefreshStatus === 429) {
      // The server is unreachable for now: keep the session and try again.
      this.schedule(RETRY_MS);
    } else {
      this.sessionLost();
    }
  }

  private lastRefreshStatus: number | null = null;

  /**
   * Trades the refresh cookie for a new access token. Concurrent callers share one request. Resolves
   * `false` when it failed (the caller decides whether that ends the session).
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const csrf = readCookie(CSRF_COOKIE);
        if (!csrf) {
          this.lastRefreshStatus = 401;
          return false;
        }
        const res = await send('/api/v1/auth/refresh', {
          method: 'POST',
          headers: { ...JSON_HEADERS, [CSRF_HEADER]: csrf },
          body: JSON.stringify({}),
        });
        this.accept(res.body as TokenResponse);
        this.lastRefreshStatus = res.status;
        return true;
      } catch (err) {
        this.lastRefreshStatus = err instanceof ApiError ? err.status : 0;
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** A refresh failed with a final answer: whether the failure should end the session. */
  refreshFailureIsFinal(): boolean {
    const s = this.lastRefreshStatus;
    return s !== 0 && s !== 429 && (s === null || s < 500);
  }

  async login(body: Omit<LoginBody, 'mode'>): Promise<void> {
    const res = await send('/api/v1/auth/login', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...body, mode: 'browser' } satisfies LoginBody),
    });
    this.accept(res.body as TokenResponse);
    await this.loadMe();
    this.status.set('signed-in');
    this.readyPromise = Promise.resolve();
  }

  async register(body: RegisterBody): Promise<MeView> {
    const res = await send('/api/v1/auth/register', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
    });
    return res.body as MeView;
  }

  /** Loads `/me` (used after login and by pages that change the profile). */
  async loadMe(): Promise<MeView> {
    const res = await this.authorized('/api/v1/me', { method: 'GET', headers: { Accept: 'application/json' } });
    const me = res.body as MeView;
    this.me.set(me);
    return me;
  }

  /** Sends with the bearer token; on a 401 refreshes once and retries. */
  async authorized(url: string, init: RequestInit): Promise<Awaited<ReturnType<typeof send>>> {
    const withToken = (): RequestInit => ({
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), ...(this.accessToken ? { Authorization: `Bearer ${this.accessToken}` } : {}) },
    });
    if (!this.accessToken || Date.now() > this.expiresAt - 5000) await this.refresh();
    try {
      return await send(url, withToken());
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      const ok = await this.refresh();
      if (!ok) {
        if (this.refreshFailureIsFinal()) this.sessionLost();
        throw err;
      }
      return await send(url, withToken());
    }
  }

  /** Ends the session on the server (best effort) and locally. */
  async logout(reason: SignInReason = 'signed-out'): Promise<void> {
    const csrf = readCookie(CSRF_COOKIE);
    try {
      await send('/api/v1/auth/logout', {
        method: 'POST',
        headers: { ...JSON_HEADERS, ...(csrf ? { [CSRF_HEADER]: csrf } : {}) },
        body: JSON.stringify({}),
      });
    } catch {
      /* the local session ends whatever the server says */
    }
    this.clear();
    this.notify.clear();
    await this.router.navigate(['/sign-in'], { queryParams: { reason } });
  }

  /** The session ended without the user asking (refresh refused, account deleted elsewhere …). */
  sessionLost(reason: SignInReason = 'expired'): void {
    if (this.status() === 'signed-out' && !this.accessToken) return;
    this.clear();
    const url = this.router.url;
    const returnTo = url && !url.startsWith('/sign-in') && !url.startsWith('/register') ? url : undefined;
    void this.router.navigate(['/sign-in'], { queryParams: { reason, returnTo } });
  }

  /** Forgets everything local about the session. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.accessToken = null;
    this.expiresAt = 0;
    this.me.set(null);
    this.status.set('signed-out');
    this.readyPromise = Promise.resolve();
  }
}
