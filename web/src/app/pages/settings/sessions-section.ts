import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { SessionView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';

/** A short, readable name for a User-Agent string. */
export function clientName(ua: string | null | undefined): string {
  if (!ua) return $localize`:@@settings.sessions.unknownClient:Unknown client`;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad|iOS/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (browser && os) return $localize`:@@settings.sessions.browserOn:${browser}:browser: on ${os}:os:`;
  return ua.length > 60 ? ua.slice(0, 57) + '…' : ua;
}

@Component({
  selector: 'wh-sessions-section',
  template: `
    <section class="card" id="sessions" aria-labelledby="sessions-title">
      <div class="row head">
        <h2 id="sessions-title" class="grow" i18n="@@settings.toc.sessions">Sessions</h2>
        <button type="button" class="btn btn-ghost btn-sm" (click)="load()" [disabled]="busy()" i18n="@@imports.refresh">Refresh</button>
      </div>
      <p class="lead" i18n="@@settings.sessions.lead">Where your account is signed in. Signing a session out stops it at once.</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert">{{ p.detail }}</p>
      }
      @if (sessions(); as list) {
        <ul class="sessions" data-testid="session-list">
          @for (s of list; track s.id) {
            <li class="session" data-testid="session-row" [attr.data-current]="s.current" [attr.data-session-id]="s.id">
              <div class="grow">
                <strong>{{ name(s.client) }}</strong>
                @if (s.current) {
                  <span class="badge badge-accent" data-testid="session-current" i18n="@@settings.sessions.thisDevice">This device</span>
                }
                <div class="small muted">
                  <ng-container i18n="@@settings.sessions.times">Signed in {{ when(s.created_at) }} · last active {{ when(s.last_used_at) }}</ng-container>
                  @if (s.address) {
                    · {{ s.address }}
                  }
                </div>
              </div>
              <button type="button" class="btn btn-ghost btn-sm" (click)="end(s)" [disabled]="busy()" data-testid="session-signout"
                [attr.aria-label]="signOutLabel(s)">
                <ng-container i18n="@@shell.signOut">Sign out</ng-container>
              </button>
            </li>
          } @empty {
            <li class="empty" i18n="@@settings.sessions.none">No sessions.</li>
          }
        </ul>
        @if (list.length > 1) {
          <button type="button" class="btn btn-secondary" (click)="endAll()" [disabled]="busy()" data-testid="session-signout-all" i18n="@@settings.sessions.signOutAll">
            Sign out everywhere
          </button>
        }
      } @else if (!problem()) {
        <p class="empty" role="status"><span class="spinner" aria-hidden="true"></span> <ng-container i18n="@@common.loadingEllipsis">Loading…</ng-container></p>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionsSection {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);
  protected readonly sessions = signal<SessionView[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly name = clientName;

  constructor() {
    void this.load();
  }

  protected signOutLabel(s: { current: boolean; client?: string | null; created_at: string }): string {
    const when = this.when(s.created_at);
    return s.current
      ? $localize`:@@settings.sessions.signOutThisLabel:Sign out this device, signed in ${when}:when:`
      : $localize`:@@settings.sessions.signOutLabel:Sign out ${this.name(s.client)}:client:, signed in ${when}:when:`;
  }

  protected when(iso: string): string {
    return dateTime(iso, this.prefs.zone());
  }

  async load(): Promise<void> {
    try {
      this.sessions.set(await this.api.get('/api/v1/me/sessions'));
      this.problem.set(null);
    } catch (err) {
      this.problem.set(problemOf(err));
    }
  }

  protected async end(s: SessionView): Promise<void> {
    if (s.current) {
      await this.auth.logout('signed-out-device');
      return;
    }
    this.busy.set(true);
    try {
      await this.api.delete('/api/v1/me/sessions/{id}', { path: { id: s.id } });
      this.notify.success($localize`:@@settings.sessions.signedOut:Session signed out.`);
      await this.load();
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected async endAll(): Promise<void> {
    if (!confirm($localize`:@@settings.sessions.confirmAll:Sign out every session, this one included?`)) return;
    this.busy.set(true);
    try {
      await this.api.post('/api/v1/auth/logout-all');
      this.auth.clear();
      await this.auth.logout('everywhere');
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
