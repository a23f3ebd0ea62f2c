import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { FieldErrors } from '../../shared/field-errors';

/** Deleting the account: password (and a code with MFA on) plus typing the username to confirm. */
@Component({
  selector: 'wh-account-section',
  imports: [FormsModule, FieldErrors],
  template: `
    <section class="card danger" id="delete" aria-labelledby="delete-title">
      <h2 id="delete-title" i18n="@@settings.toc.delete">Delete account</h2>
      <p class="lead" i18n="@@settings.delete.lead">Deletes your account and all its data on this server. This cannot be undone.</p>
      @if (!open()) {
        <button type="button" class="btn btn-secondary" (click)="open.set(true)" data-testid="delete-account-start" i18n="@@settings.delete.start">Delete account…</button>
      } @else {
        @if (problem(); as p) {
          <p class="form-error" role="alert" data-testid="delete-account-error">{{ p.detail }}</p>
        }
        <form class="form-narrow" (ngSubmit)="remove()" data-testid="delete-account-form">
          <input type="text" name="username" autocomplete="username" [value]="username()" hidden />
          <div class="field">
            <label for="delete-confirm" i18n="@@settings.delete.confirm">Type your username, <strong>{{ username() }}</strong>, to confirm</label>
            <input id="delete-confirm" name="confirm" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
              [(ngModel)]="confirmText" data-testid="delete-account-confirm" />
          </div>
          <div class="field">
            <label for="delete-password" i18n="@@signIn.password">Password</label>
            <input id="delete-password" name="password" type="password" autocomplete="current-password" [(ngModel)]="password"
              data-testid="delete-account-password" />
            <wh-field-errors [problem]="problem()" field="password" />
          </div>
          @if (auth.me()?.mfa_enabled) {
            <div class="field">
              <label for="delete-totp" i18n="@@signIn.code">Authentication code</label>
              <input id="delete-totp" name="totp_code" type="text" autocomplete="one-time-code" [(ngModel)]="code"
                data-testid="delete-account-totp" />
              <wh-field-errors [problem]="problem()" field="totp_code" />
            </div>
          }
          <div class="row">
            <button type="submit" class="btn btn-danger" [disabled]="!confirmed() || busy()" data-testid="delete-account-submit" i18n="@@settings.delete.submit">
              Delete my account
            </button>
            <button type="button" class="btn btn-ghost" (click)="open.set(false)" i18n="@@common.cancel">Cancel</button>
          </div>
        </form>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountSection {
  private readonly api = inject(ApiService);
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly open = signal(false);
  protected readonly confirmText = signal('');
  protected readonly password = signal('');
  protected readonly code = signal('');
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly username = computed(() => this.auth.me()?.username ?? '');
  protected readonly confirmed = computed(() => this.confirmText().trim().toLowerCase() === this.username().toLowerCase() && !!this.password());

  protected async remove(): Promise<void> {
    if (!this.confirmed()) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      await this.api.delete('/api/v1/me', { body: { password: this.password(), totp_code: this.code().trim() || null } });
      this.auth.clear();
      await this.router.navigate(['/sign-in'], { queryParams: { reason: 'deleted' } });
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
