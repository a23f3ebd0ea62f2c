import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { AuthService } from '../../core/auth.service';
import { checkPassword, emailError, usernameError } from '../../core/password-policy';
import { fieldMessages, problemOf, type ApiProblem } from '../../core/problem';
import { browserZone, zoneList } from '../../core/time';
import { FieldErrors } from '../../shared/field-errors';
import { PasswordRules } from '../../shared/password-rules';

@Component({
  selector: 'wh-register',
  imports: [FormsModule, RouterLink, FieldErrors, PasswordRules],
  templateUrl: './register.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegisterPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected readonly username = signal('');
  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly timeZone = signal(browserZone());
  protected readonly zones = zoneList(browserZone());
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);

  protected readonly usernameMsg = computed(() => (this.username() || this.submitted() ? usernameError(this.username()) : null));
  protected readonly emailMsg = computed(() => (this.email() || this.submitted() ? emailError(this.email()) : null));
  protected readonly policy = computed(() => checkPassword(this.password(), this.username(), this.email()));

  protected invalid(field: 'username' | 'email' | 'password'): boolean {
    if (fieldMessages(this.problem(), field).length) return true;
    if (field === 'username') return !!this.usernameMsg();
    if (field === 'email') return !!this.emailMsg();
    return this.submitted() && !this.policy().ok;
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.submitted.set(true);
    this.problem.set(null);
    if (usernameError(this.username()) || emailError(this.email()) || !this.policy().ok) {
      this.problem.set({
        status: 0,
        title: $localize`:@@register.checkForm:Check the form`,
        code: 'client_validation',
        detail: $localize`:@@register.checkFormDetail:Some fields need attention: see the messages next to them.`,
        fieldErrors: {},
      });
      return;
    }
    this.busy.set(true);
    try {
      await this.auth.register({
        username: this.username().trim(),
        email: this.email().trim(),
        password: this.password(),
        time_zone: this.timeZone(),
      });
      try {
        await this.auth.login({ login: this.username().trim(), password: this.password() });
        await this.router.navigateByUrl('/');
      } catch {
        await this.router.navigate(['/sign-in'], { queryParams: { reason: 'registered' } });
      }
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
