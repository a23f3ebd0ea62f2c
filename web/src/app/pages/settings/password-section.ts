import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { checkPassword } from '../../core/password-policy';
import { problemOf, type ApiProblem } from '../../core/problem';
import { FieldErrors } from '../../shared/field-errors';
import { PasswordRules } from '../../shared/password-rules';

@Component({
  selector: 'wh-password-section',
  imports: [FormsModule, FieldErrors, PasswordRules],
  template: `
    <section class="card" id="password" aria-labelledby="password-title">
      <h2 id="password-title" i18n="@@settings.password.title">Change password</h2>
      <p class="lead" i18n="@@settings.password.lead">Your other sessions are signed out; this one stays.</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert" data-testid="password-error">{{ p.detail }}</p>
      }
      <form class="form-narrow" (ngSubmit)="save()" data-testid="password-form">
        <input type="text" name="username" autocomplete="username" [value]="auth.me()?.username ?? ''" hidden />
        <div class="field">
          <label for="current-password" i18n="@@settings.password.current">Current password</label>
          <input id="current-password" name="current_password" type="password" autocomplete="current-password" required
            [(ngModel)]="current" data-testid="password-current" />
          <wh-field-errors [problem]="problem()" field="current_password" />
        </div>
        <div class="field">
          <label for="new-password" i18n="@@settings.password.new">New password</label>
          <input id="new-password" name="new_password" type="password" autocomplete="new-password" required
            [(ngModel)]="next" data-testid="password-new" aria-describedby="new-password-rules" />
          <wh-password-rules [password]="next()" [username]="auth.me()?.username ?? ''" [email]="auth.me()?.email ?? ''"
            rulesId="new-password-rules" />
          <wh-field-errors [problem]="problem()" field="new_password" />
        </div>
        @if (auth.me()?.mfa_enabled) {
          <div class="field">
            <label for="password-totp" i18n="@@signIn.code">Authentication code</label>
            <input id="password-totp" name="totp_code" type="text" autocomplete="one-time-code" inputmode="text" required
              [(ngModel)]="code" data-testid="password-totp" aria-describedby="password-totp-hint" />
            <span class="hint" id="password-totp-hint" i18n="@@settings.codeHint">From your authenticator app, or a recovery code.</span>
            <wh-field-errors [problem]="problem()" field="totp_code" />
          </div>
        }
        <button type="submit" class="btn" [disabled]="busy()" data-testid="password-save" i18n="@@settings.password.title">Change password</button>
      </form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordSection {
  private readonly api = inject(ApiService);
  protected readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);
  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly code = signal('');
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  private readonly policy = computed(() => checkPassword(this.next(), this.auth.me()?.username ?? '', this.auth.me()?.email ?? ''));

  protected async save(): Promise<void> {
    this.problem.set(null);
    if (!this.current() || !this.policy().ok) {
      this.problem.set({
        status: 0,
        title: $localize`:@@register.checkForm:Check the form`,
        code: 'client_validation',
        detail: !this.current()
          ? $localize`:@@settings.password.enterCurrent:Enter your current password.`
          : $localize`:@@settings.password.rulesNotMet:The new password does not meet the rules listed under it.`,
        fieldErrors: {},
      });
      return;
    }
    if (this.next() === this.current()) {
      this.problem.set({ status: 0, title: $localize`:@@settings.password.same:Same password`,
        code: 'client_validation',
        detail: $localize`:@@settings.password.sameDetail:The new password must differ from the current one.`, fieldErrors: {} });
      return;
    }
    this.busy.set(true);
    try {
      await this.api.put('/api/v1/me/password', {
        body: { current_password: this.current(), new_password: this.next(), totp_code: this.code().trim() || null },
      });
      this.current.set('');
      this.next.set('');
      this.code.set('');
      this.notify.success($localize`:@@settings.password.changed:Password changed. Your other sessions were signed out.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
