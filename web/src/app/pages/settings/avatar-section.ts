import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, signal, untracked } from '@angular/core';
import type { AvatarInfo } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { problemOf, type ApiProblem } from '../../core/problem';

const MAX_BYTES = 2 * 1024 * 1024;
const TYPES = ['image/png', 'image/jpeg', 'image/webp'];

@Component({
  selector: 'wh-avatar-section',
  template: `
    <section class="card" id="avatar" aria-labelledby="avatar-title">
      <h2 id="avatar-title" i18n="@@settings.toc.avatar">Avatar</h2>
      <p class="lead" i18n="@@settings.avatar.lead">PNG, JPEG or WebP, at most 2 MB.</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert">{{ p.detail }}</p>
      }
      <div class="row">
        <div class="avatar" data-testid="avatar-preview">
          @if (url(); as u) {
            <img [src]="u" alt="Your avatar" i18n-alt="@@settings.avatar.alt" width="96" height="96" />
          } @else {
            <span aria-hidden="true">{{ initial() }}</span>
            <span class="visually-hidden" i18n="@@settings.avatar.none">No avatar set</span>
          }
        </div>
        <div class="row">
          <input #file type="file" hidden accept="image/png,image/jpeg,image/webp" (change)="picked($event)"
            data-testid="avatar-input" aria-label="Avatar image" i18n-aria-label="@@settings.avatar.image" />
          <button type="button" class="btn btn-secondary" (click)="file.click()" [disabled]="busy()" data-testid="avatar-upload">
            @if (auth.me()?.avatar_url) {
              <ng-container i18n="@@settings.avatar.replace">Replace…</ng-container>
            } @else {
              <ng-container i18n="@@settings.avatar.upload">Upload…</ng-container>
            }
          </button>
          @if (auth.me()?.avatar_url) {
            <button type="button" class="btn btn-ghost" (click)="remove()" [disabled]="busy()" data-testid="avatar-remove" i18n="@@settings.avatar.remove">Remove</button>
          }
        </div>
      </div>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AvatarSection {
  private readonly api = inject(ApiService);
  protected readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);

  protected readonly url = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  private version = 0;

  constructor() {
    effect(() => {
      const me = this.auth.me();
      const key = me?.avatar_url ? `${me.avatar_url}@${me.updated_at}` : null;
      untracked(() => void this.load(key));
    });
    inject(DestroyRef).onDestroy(() => this.setUrl(null));
  }

  protected initial(): string {
    const me = this.auth.me();
    return (me?.display_name || me?.username || '?').charAt(0).toUpperCase();
  }

  private setUrl(url: string | null): void {
    const old = this.url();
    if (old) URL.revokeObjectURL(old);
    this.url.set(url);
  }

  private async load(key: string | null): Promise<void> {
    const v = ++this.version;
    if (!key) {
      this.setUrl(null);
      return;
    }
    try {
      const blob = await this.api.blob('/api/v1/me/avatar');
      if (v === this.version) this.setUrl(URL.createObjectURL(blob));
    } catch (err) {
      const p = problemOf(err);
      if (p.status !== 404 && v === this.version) this.problem.set(p);
      if (v === this.version) this.setUrl(null);
    }
  }

  protected async picked(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.problem.set(null);
    if (file.type && !TYPES.includes(file.type)) {
      this.problem.set({ status: 0, title: $localize`:@@settings.avatar.unsupported:Unsupported image`,
        code: 'client_validation',
        detail: $localize`:@@settings.avatar.unsupportedDetail:Choose a PNG, JPEG or WebP image.`, fieldErrors: {} });
      return;
    }
    if (file.size > MAX_BYTES) {
      this.problem.set({ status: 0, title: $localize`:@@settings.avatar.tooLarge:Too large`,
        code: 'client_validation',
        detail: $localize`:@@settings.avatar.tooLargeDetail:The image is larger than 2 MB.`, fieldErrors: {} });
      return;
    }
    this.busy.set(true);
    try {
      await this.api.putRaw<AvatarInfo>('/api/v1/me/avatar', file, file.type || 'application/octet-stream');
      await this.auth.loadMe();
      await this.load(this.auth.me()?.avatar_url ? `new@${Date.now()}` : null);
      this.notify.success($localize`:@@settings.avatar.updated:Avatar updated.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      await this.api.delete('/api/v1/me/avatar');
      await this.auth.loadMe();
      this.setUrl(null);
      this.notify.success($localize`:@@settings.avatar.removed:Avatar removed.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }
}
