import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { TotpEnrolmentView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { groupSecret, qrSvg } from '../../core/qr';
import { FieldErrors } from '../../shared/field-errors';

type Step = 'idle' | 'enrolling' | 'codes' | 'disabling';

@Component({
  selector: 'wh-mfa-section',
  imports: [FormsModule, FieldErrors],
  templateUrl: './mfa-section.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MfaSection {
  private readonly api = inject(ApiService);
  protected readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);

  protected readonly step = signal<Step>('idle');
  protected readonly enrolment = signal<TotpEnrolmentView | null>(null);
  protected readonly qr = signal<{ path: string; size: number } | null>(null);
  protected readonly qrFailed = signal(false);
  protected readonly codes = signal<string[]>([]);
  protected readonly code = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly enabled = computed(() => this.auth.me()?.mfa_enabled ?? false);
  protected readonly secret = computed(() => groupSecret(this.enrolment()?.secret ?? ''));

  protected async start(): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    this.qr.set(null);
    this.qrFailed.set(false);
    try {
      const e = await this.api.post('/api/v1/me/mfa/totp');
      this.enrolment.set(e);
      this.code.set('');
      this.step.set('enrolling');
      qrSvg(e.otpauth_uri)
        .then((q) => this.qr.set(q))
        .catch(() => this.qrFailed.set(true));
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected async confirm(): Promise<void> {
    const code = this.code().replace(/\s/g, '');
    this.problem.set(null);
    if (!/^\d{6}$/.test(code)) {
      this.problem.set({ status: 0, title: $localize`:@@settings.mfa.codeTitle:Code`,
        code: 'client_validation',
        detail: $localize`:@@settings.mfa.enterSixDigits:Enter the 6-digit code your app shows.`,
        fieldErrors: { code: [$localize`:@@settings.mfa.sixDigits:6 digits`] },
      });
      return;
    }
    this.busy.set(true);
    try {
      const res = await this.api.post('/api/v1/me/mfa/totp/confirm', { body: { code } });
      this.codes.set(res.recovery_codes);
      this.enrolment.set(null);
      this.qr.set(null);
      this.step.set('codes');
      await this.auth.loadMe();
      this.notify.success($localize`:@@settings.mfa.isOn:Two-step verification is on.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected cancel(): void {
    this.step.set('idle');
    this.enrolment.set(null);
    this.qr.set(null);
    this.code.set('');
    this.password.set('');
    this.problem.set(null);
  }

  protected doneWithCodes(): void {
    this.codes.set([]);
    this.step.set('idle');
  }

  protected downloadCodes(): void {
    const blob = new Blob([`${$localize`:@@settings.mfa.codesFileTitle:Wearhouse recovery codes for ${this.auth.me()?.username ?? ''}:user:`}\n\n${this.codes().join('\n')}\n`], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'wearhouse-recovery-codes.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  protected async copyCodes(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.codes().join('\n'));
      this.notify.success($localize`:@@settings.mfa.copied:Recovery codes copied.`);
    } catch {
      this.notify.show('error', $localize`:@@settings.mfa.copyFailed:Copying is not allowed here; select the codes and copy them by hand.`);
    }
  }

  protected async disable(): Promise<void> {
    this.problem.set(null);
    if (!this.password() || !this.code().trim()) {
      this.problem.set({ status: 0, title: $localize`:@@settings.mfa.missing:Missing`,
        code: 'client_validation',
        detail: $localize`:@@settings.mfa.enterPasswordAndCode:Enter your password and a code.`, fieldErrors: {} });
      return;
    }
    this.busy.set(true);
    try {
      await this.api.delete('/api/v1/me/mfa/totp', { body: { password: this.password(), code: this.code().trim() } });
      await this.auth.loadMe();
      this.cancel();
      this.notify.success($localize`:@@settings.mfa.isOff:Two-step verification is off.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
