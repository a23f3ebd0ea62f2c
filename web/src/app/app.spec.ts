import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { AuthService } from './core/auth.service';
import { NotifyService } from './core/notify.service';
import { FakeAuth, me } from '../testing/fixtures';

describe('App shell', () => {
  let auth: FakeAuth;

  beforeEach(() => {
    auth = new FakeAuth();
    TestBed.configureTestingModule({ imports: [App], providers: [provideRouter([]), { provide: AuthService, useValue: auth }] });
  });

  const testids = (el: HTMLElement) => Array.from(el.querySelectorAll('.nav-top [data-testid]')).map((a) => a.getAttribute('data-testid'));

  it('shows the admin link only to admins', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(testids(el)).toEqual(['nav-today', 'nav-trends', 'nav-calendar', 'nav-sleep', 'nav-activities', 'nav-sources', 'nav-heatmap', 'nav-imports', 'nav-settings']);
    auth.me.set(me({ roles: ['user', 'admin'] }));
    await fixture.whenStable();
    expect(testids(el)).toEqual(['nav-today', 'nav-trends', 'nav-calendar', 'nav-sleep', 'nav-activities', 'nav-sources', 'nav-heatmap', 'nav-imports', 'nav-settings', 'nav-admin']);
    expect(el.querySelector('[data-testid="sign-out"]')).not.toBeNull();
    expect(el.querySelector('main#main')).not.toBeNull();
  });

  it('hides the navigation when signed out and shows problem details as toasts', async () => {
    auth.status.set('signed-out');
    const fixture = TestBed.createComponent(App);
    const notify = TestBed.inject(NotifyService);
    notify.show('error', 'the database is busy', 'Service Unavailable');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('.nav-top')).toBeNull();
    expect(el.querySelector('[data-testid="sign-out"]')).toBeNull();
    const toast = el.querySelector('[data-testid="toast-error"]')!;
    expect(toast.getAttribute('role')).toBe('alert');
    expect(toast.textContent).toContain('the database is busy');
    notify.clear();
  });

  it('toggles the theme and remembers it', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    el.querySelector<HTMLButtonElement>('[data-testid="theme-toggle"]')!.click();
    await fixture.whenStable();
    expect(document.documentElement.dataset['theme']).toBe('dark');
    expect(localStorage.getItem('wearhouse.theme')).toBe('dark');
    el.querySelector<HTMLButtonElement>('[data-testid="theme-toggle"]')!.click();
    await fixture.whenStable();
    expect(document.documentElement.dataset['theme']).toBe('light');
    localStorage.clear();
  });
});
