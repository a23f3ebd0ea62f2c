import { TestBed } from '@angular/core/testing';
import type { SessionView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { FakeAuth } from '../../../testing/fixtures';
import { SessionsSection, clientName } from './sessions-section';

const SESSIONS: SessionView[] = [
  { id: 's1', created_at: '2025-06-14T07:01:00Z', last_used_at: '2025-06-14T08:46:13Z', current: true, address: '203.0.113.24', client: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15' },
  { id: 's2', created_at: '2025-06-13T21:10:00Z', last_used_at: '2025-06-14T05:52:09Z', current: false, address: null, client: 'Wearhouse/1.4.2 (iOS 18.5)' },
];

describe('SessionsSection', () => {
  let auth: FakeAuth;
  let deleted: string[];
  let loggedOut: string[];

  beforeEach(() => {
    auth = new FakeAuth();
    deleted = [];
    loggedOut = [];
    auth.logout = async (reason?: unknown) => {
      loggedOut.push(String(reason));
    };
    const api = {
      get: async () => SESSIONS.filter((s) => !deleted.includes(s.id)),
      delete: async (_p: string, opts: { path: { id: string } }) => {
        deleted.push(opts.path.id);
      },
    };
    TestBed.configureTestingModule({
      imports: [SessionsSection],
      providers: [{ provide: AuthService, useValue: auth }, { provide: ApiService, useValue: api }],
    });
  });

  it('lists sessions, marks the current one, and signs another out', async () => {
    const fixture = TestBed.createComponent(SessionsSection);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const rows = el.querySelectorAll('[data-testid="session-row"]');
    expect(rows.length).toBe(2);
    expect(rows[0].querySelector('[data-testid="session-current"]')).not.toBeNull();
    expect(rows[1].querySelector('[data-testid="session-current"]')).toBeNull();
    rows[1].querySelector<HTMLButtonElement>('[data-testid="session-signout"]')!.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect(deleted).toEqual(['s2']);
    expect(el.querySelectorAll('[data-testid="session-row"]').length).toBe(1);
  });

  it('signing out the current session is a logout', async () => {
    const fixture = TestBed.createComponent(SessionsSection);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    el.querySelector<HTMLButtonElement>('[data-current="true"] [data-testid="session-signout"]')!.click();
    await fixture.whenStable();
    expect(loggedOut).toEqual(['signed-out-device']);
    expect(deleted).toEqual([]);
  });

  it('names clients', () => {
    expect(clientName(SESSIONS[0].client)).toBe('Safari on macOS');
    expect(clientName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36')).toBe('Chrome on Linux');
    expect(clientName(SESSIONS[1].client)).toBe('Wearhouse/1.4.2 (iOS 18.5)');
    expect(clientName(null)).toBe('Unknown client');
  });
});
