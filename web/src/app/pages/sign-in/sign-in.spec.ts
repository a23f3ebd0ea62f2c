import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthService } from '../../core/auth.service';
import { FakeAuth, problem } from '../../../testing/fixtures';
import { SignInPage } from './sign-in';

describe('SignInPage', () => {
  let auth: FakeAuth;

  beforeEach(() => {
    auth = new FakeAuth();
    auth.status.set('signed-out');
    TestBed.configureTestingModule({
      imports: [SignInPage],
      providers: [provideRouter([]), { provide: AuthService, useValue: auth }],
    });
  });

  function type(el: HTMLElement, selector: string, value: string): void {
    const input = el.querySelector<HTMLInputElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  it('asks for the second factor when the server answers mfa_required, then sends the code', async () => {
    const calls: unknown[] = [];
    auth.login = async (body: unknown) => {
      calls.push(body);
      if (calls.length === 1) throw problem(401, 'mfa_required', 'a second factor is required');
    };
    const fixture = TestBed.createComponent(SignInPage);
    const el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    type(el, '[data-testid="sign-in-login"]', 'ana');
    type(el, '[data-testid="sign-in-password"]', 'granite kettle orbit');
    el.querySelector<HTMLButtonElement>('[data-testid="sign-in-submit"]')!.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="mfa-code"]')).not.toBeNull();
    expect(el.querySelector('h1')!.textContent).toContain('Two-step verification');

    type(el, '[data-testid="mfa-code"]', '492 817');
    el.querySelector<HTMLButtonElement>('[data-testid="sign-in-submit"]')!.click();
    await fixture.whenStable();
    expect(calls[1]).toEqual({ login: 'ana', password: 'granite kettle orbit', totp_code: '492817' });
  });

  it('shows the detail of a failed login', async () => {
    auth.login = async () => {
      throw problem(401, 'invalid_credentials', 'wrong username or password');
    };
    const fixture = TestBed.createComponent(SignInPage);
    const el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    type(el, '[data-testid="sign-in-login"]', 'ana');
    type(el, '[data-testid="sign-in-password"]', 'nope nope nope');
    el.querySelector<HTMLButtonElement>('[data-testid="sign-in-submit"]')!.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="sign-in-error"]')!.textContent).toContain('wrong username or password');
  });
});
