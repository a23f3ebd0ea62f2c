import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { checkPassword } from '../core/password-policy';

/** Live password-policy feedback (mirrors the server's rules), announced politely as it changes. */
@Component({
  selector: 'wh-password-rules',
  template: `
    <div class="rules" [id]="rulesId()" data-testid="password-policy">
      <div class="meter" aria-hidden="true">
        @for (i of [0, 1, 2, 3]; track i) {
          <span [class.on]="feedback().strength > i" [class]="'lvl-' + feedback().strength"></span>
        }
      </div>
      <ul aria-live="polite">
        @for (r of feedback().rules; track r.id) {
          <li [class.ok]="r.ok" [class.bad]="!r.ok && password().length > 0" [attr.data-testid]="'password-rule-' + r.id"
            [attr.data-ok]="r.ok">
            <span class="mark" aria-hidden="true">{{ r.ok ? '✓' : password().length ? '✗' : '•' }}</span>
            <span class="visually-hidden">
              @if (r.ok) {
                <ng-container i18n="@@password.ruleMet">Met:</ng-container>
              } @else {
                <ng-container i18n="@@password.ruleNotMet">Not met:</ng-container>
              }
            </span>
            {{ r.message }}
          </li>
        }
      </ul>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordRules {
  readonly password = input.required<string>();
  readonly username = input<string>('');
  readonly email = input<string>('');
  readonly rulesId = input<string>('password-rules');
  readonly feedback = computed(() => checkPassword(this.password(), this.username(), this.email()));
}
