import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { components } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { MANUAL_SOURCE } from '../measurements/kinds';
import { blankForm, createBody, type ActivityFields } from './activity-fields';
import { ActivityFormComponent } from './activity-form';

/** A workout entered by hand (a class, a swim without a watch), stored as a "Manual entry" source. */
@Component({
  selector: 'wh-new-activity',
  imports: [RouterLink, ActivityFormComponent],
  template: `
    <p class="back"><a routerLink="/activities" i18n="@@activities.backToList">← Activities</a></p>
    <div class="page-head"><h1 i18n="@@activities.addWorkout">Add a workout</h1></div>
    <section class="card" aria-label="New workout" i18n-aria-label="@@newActivity.label">
      @if (problem(); as p) {
        <p class="form-error" role="alert" data-testid="new-activity-error" i18n="@@newActivity.notSaved">Not saved: {{ p.detail }}</p>
      }
      <wh-activity-form [initial]="initial" [system]="prefs.units()" [busy]="busy()" submitLabel="Add workout" i18n-submitLabel="@@newActivity.submit"
        (saved)="create($event.fields)" (cancelled)="back()" />
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewActivityPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly notify = inject(NotifyService);
  protected readonly prefs = inject(PrefsService);

  /** Started half an hour ago, lasting 30 minutes: a workout just finished. */
  protected readonly initial = blankForm(Date.now() - 30 * 60_000, this.prefs.zone());
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);

  protected async create(fields: ActivityFields): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      const body = { ...createBody(fields), source: MANUAL_SOURCE } as components['schemas']['ActivityBody'];
      const made = await this.api.post('/api/v1/activities', { body });
      this.notify.success($localize`:@@newActivity.added:Workout added.`);
      await this.router.navigate(['/activities', made.id]);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected back(): void {
    void this.router.navigate(['/activities']);
  }
}
