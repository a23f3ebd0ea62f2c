import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ActivityView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { ZoneHistoryService } from '../../core/zone-history.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import * as units from '../../core/units';
import { activityLabel } from '../today/today';

/** Activities moved to the trash, each with when it goes for good, and a way back. */
@Component({
  selector: 'wh-trash',
  imports: [RouterLink],
  template: `
    <p class="back"><a routerLink="/activities" i18n="@@activities.backToList">← Activities</a></p>
    <div class="page-head"><h1 i18n="@@activities.trash">Trash</h1></div>
    <p class="muted" i18n="@@trash.lead">Deleted activities stay here for 30 days, then they are gone for good.</p>
    @if (problem(); as p) {
      <p class="form-error" role="alert" i18n="@@trash.error">The trash could not be loaded: {{ p.detail }}</p>
    }
    <section class="card" aria-label="Deleted activities" i18n-aria-label="@@trash.label" data-testid="trash" [attr.data-state]="state()">
      <ul class="activity-list">
        @for (a of rows(); track a.id) {
          <li class="activity-row" data-testid="trash-row">
            <span class="activity-link">
              <span class="activity-title">{{ a.title }}</span>
              <span class="muted small">{{ a.type }} · {{ a.when }} · {{ a.duration }} · <ng-container i18n="@@trash.purge">gone for good {{ a.purge }}</ng-container></span>
            </span>
            <button type="button" class="btn btn-secondary btn-sm" (click)="restore(a.id)" [disabled]="busy()" data-testid="trash-restore" i18n="@@trash.restore">Restore</button>
          </li>
        } @empty {
          <li class="muted" i18n="@@trash.empty">The trash is empty.</li>
        }
      </ul>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TrashPage {
  private readonly api = inject(ApiService);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);
  private readonly zones = inject(ZoneHistoryService);
  protected readonly items = signal<ActivityView[]>([]);
  protected readonly state = signal<'loading' | 'ok'>('loading');
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly busy = signal(false);

  protected readonly rows = computed(() => {
    const zone = this.prefs.zone();
    return this.items().map((a) => ({
      id: a.id,
      title: a.title || activityLabel(a.type),
      type: activityLabel(a.type),
      when: dateTime(a.start, a.time_zone ?? this.zones.zoneAt(a.start)),
      duration: units.duration(a.duration),
      purge: a.purge_at ? dateTime(a.purge_at, zone) : '',
    }));
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.items.set((await this.api.get('/api/v1/trash')).items);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.state.set('ok');
    }
  }

  protected async restore(id: string): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.post('/api/v1/activities/{id}/restore', { path: { id } });
      this.items.set(this.items().filter((a) => a.id !== id));
      this.notify.success($localize`:@@trash.restored:Restored.`);
    } catch (err) {
      this.notify.show('error', $localize`:@@activities.notRestored:Not restored: ${problemOf(err).detail}:detail:`);
    } finally {
      this.busy.set(false);
    }
  }
}
