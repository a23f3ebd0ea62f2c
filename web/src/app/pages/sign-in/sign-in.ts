import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AuthService, signInNotice } from '../../core/auth.service';
import { safeReturnTo } from '../../core/guards';
import { problemOf, type ApiProblem } from '../../core/problem';
import { FieldErrors } from '../../shared/field-errors';

@Component({
  selector: 'wh-sign-in',
  imports: [FormsModule, RouterLink, FieldErrors],
  templateUrl: './sign-in.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly login = signal('');
  protected readonly password = signal('');
  protected readonly code = signal('');
  /** The second step: the account has MFA on and the server asked for a code. */
  protected readonly mfaStep = signal(false);
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly notice = signal<string | null>(signInNotice(this.route.snapshot.queryParamMap.get('reason')));

  private readonly codeInput = viewChild<ElementRef<HTMLInputElement>>('codeInput');
  private readonly loginInput = viewChild<ElementRef<HTMLInputElement>>('loginInput');

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.problem.set(null);
    if (!this.login().trim() || !this.password()) {
      this.problem.set({
        status: 0,
        title: $localize`:@@signIn.missingFields:Missing fields`,
        code: 'client_validation',
        detail: $localize`:@@signIn.missingFieldsDetail:Enter your username or e-mail address and your password.`,
        fieldErrors: {},
      });
      return;
    }
    if (this.mfaStep() && !this.code().trim()) {
      this.problem.set({
        status: 0,
        title: $localize`:@@signIn.missingCode:Missing code`,
        code: 'client_validation',
        detail: $localize`:@@signIn.missingCodeDetail:Enter the 6-digit code from your authenticator app, or a recovery code.`,
        fieldErrors: { totp_code: [$localize`:@@signIn.enterCode:Enter a code`] },
      });
      this.codeInput()?.nativeElement.focus();
      return;
    }
    this.busy.set(true);
    try {
      const code = this.code().trim();
      await this.auth.login({
        login: this.login().trim(),
        password: this.password(),
        totp_code: this.mfaStep() && code ? (/^\d[\d\s]*$/.test(code) ? code.replace(/\s/g, '') : code) : null,
      });
      this.notice.set(null);
      await this.router.navigateByUrl(safeReturnTo(this.route.snapshot.queryParamMap.get('returnTo')));
    } catch (err) {
      const p = problemOf(err);
      if (p.code === 'mfa_required') {
        this.mfaStep.set(true);
        this.problem.set(null);
        setTimeout(() => this.codeInput()?.nativeElement.focus());
      } else if (p.code === 'mfa_invalid') {
        this.problem.set({ ...p, fieldErrors: { ...p.fieldErrors, totp_code: [p.detail] } });
        this.code.set('');
        setTimeout(() => this.codeInput()?.nativeElement.focus());
      } else {
        this.problem.set(p);
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected back(): void {
    this.mfaStep.set(false);
    this.code.set('');
    this.problem.set(null);
    setTimeout(() => this.loginInput()?.nativeElement.focus());
  }
}
