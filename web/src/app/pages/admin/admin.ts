import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { AdminUserPatch, AdminUserView, Role } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';

const PAGE_SIZE = 50;
/** Roles an administrator can toggle (`user` is always kept by the server). */
const ROLES: Role[] = ['admin', 'trainer', 'clinician', 'researcher'];

@Component({
  selector: 'wh-admin',
  templateUrl: './admin.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);

  protected readonly roles = ROLES;
  protected readonly users = signal<AdminUserView[]>([]);
  protected readonly cursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loaded = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly saving = signal<string | null>(null);
  protected readonly meId = computed(() => this.auth.me()?.id);

  constructor() {
    void this.load(null);
  }

  protected when(iso: string): string {
    return dateTime(iso, this.prefs.zone());
  }

  protected async load(cursor: string | null): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.get('/api/v1/admin/users', { query: { limit: PAGE_SIZE, cursor: cursor ?? undefined } });
      this.users.update((list) => (cursor ? [...list, ...page.items] : page.items));
      this.cursor.set(page.next_cursor ?? null);
      this.problem.set(null);
      this.loaded.set(true);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.loading.set(false);
    }
  }

  protected reload(): void {
    void this.load(null);
  }

  protected async toggleRole(u: AdminUserView, role: Role, on: boolean, box: HTMLInputElement): Promise<void> {
    const next = new Set(u.roles);
    if (on) next.add(role);
    else next.delete(role);
    next.add('user');
    if (u.id === this.meId() && role === 'admin' && !on && !confirm($localize`:@@admin.confirmRemoveOwnAdmin:Remove your own admin role? You will lose access to this page.`)) {
      box.checked = true;
      return;
    }
    const ok = await this.patch(u, { roles: [...next] });
    if (!ok) box.checked = !on;
  }

  protected async toggleActive(u: AdminUserView, box: HTMLInputElement): Promise<void> {
    const active = box.checked;
    if (!active && !confirm($localize`:@@admin.confirmDeactivate:Deactivate ${u.username}:user:? Their sessions end at once.`)) {
      box.checked = true;
      return;
    }
    const ok = await this.patch(u, { active });
    if (!ok) box.checked = !active;
  }

  private async patch(u: AdminUserView, body: AdminUserPatch): Promise<boolean> {
    this.saving.set(u.id);
    try {
      const updated = await this.api.patch('/api/v1/admin/users/{id}', { path: { id: u.id }, body });
      this.users.update((list) => list.map((x) => (x.id === u.id ? updated : x)));
      this.notify.success(`${updated.username} updated.`);
      if (u.id === this.meId()) await this.auth.loadMe();
      return true;
    } catch (err) {
      this.notify.error(err, $localize`:@@admin.updateFailed:Could not update ${u.username}:user:`);
      return false;
    } finally {
      this.saving.set(null);
    }
  }
}
