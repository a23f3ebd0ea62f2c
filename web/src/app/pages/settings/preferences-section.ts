import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { FirstWeekday, MePatch, UnitSystem } from '../../api/types';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { zoneList } from '../../core/time';
import { distance, mass, text } from '../../core/units';
import { FieldErrors } from '../../shared/field-errors';

/** Unit system, time zone and first weekday: saved to the profile (`PATCH /me`) as soon as they change. */
@Component({
  selector: 'wh-preferences-section',
  imports: [FieldErrors],
  template: `
    <section class="card" id="preferences" aria-labelledby="prefs-title">
      <h2 id="prefs-title" i18n="@@settings.toc.preferences">Units &amp; time</h2>
      <p class="lead" i18n="@@settings.prefs.lead">Stored on the server with your profile; every figure in the app follows them.</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert">{{ p.detail }}</p>
      }
      <div class="field">
        <span class="field-label" id="units-label" i18n="@@settings.prefs.units">Units</span>
        <div class="segmented" role="radiogroup" aria-labelledby="units-label" data-testid="units-switch">
          @for (u of unitOptions; track u.value) {
            <label>
              <input type="radio" name="unit_system" [value]="u.value" [checked]="prefs.units() === u.value"
                (change)="save({ unit_system: u.value }, $event)" [disabled]="saving()" [attr.data-testid]="'units-' + u.value" />
              {{ u.label }}
            </label>
          }
        </div>
        <span class="hint" i18n="@@settings.prefs.example">For example {{ example() }}.</span>
        <wh-field-errors [problem]="problem()" field="unit_system" />
      </div>

      <div class="field form-narrow">
        <label for="zone-select" i18n="@@register.zone">Time zone</label>
        <select id="zone-select" data-testid="zone-select" [value]="prefs.zone()" [disabled]="saving()"
          (change)="save({ time_zone: $any($event.target).value }, $event)" aria-describedby="zone-hint">
          @for (z of zones(); track z) {
            <option [value]="z" [selected]="z === prefs.zone()">{{ z }}</option>
          }
        </select>
        <span class="hint" id="zone-hint" i18n="@@settings.prefs.zoneHint">Decides where your days start and end, for summaries and charts.</span>
        <wh-field-errors [problem]="problem()" field="time_zone" />
      </div>

      <div class="field form-narrow">
        <label for="weekday-select" i18n="@@settings.prefs.weekStart">Weeks start on</label>
        <select id="weekday-select" data-testid="weekday-select" [disabled]="saving()"
          (change)="save({ first_weekday: $any($event.target).value }, $event)">
          @for (d of weekdays; track d.value) {
            <option [value]="d.value" [selected]="d.value === prefs.firstWeekday()">{{ d.label }}</option>
          }
        </select>
        <wh-field-errors [problem]="problem()" field="first_weekday" />
      </div>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreferencesSection {
  protected readonly prefs = inject(PrefsService);
  private readonly notify = inject(NotifyService);
  protected readonly saving = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly zones = computed(() => zoneList(this.prefs.zone()));
  protected readonly unitOptions: { value: UnitSystem; label: string }[] = [
    { value: 'metric', label: $localize`:@@settings.prefs.metric:Metric` },
    { value: 'imperial', label: $localize`:@@settings.prefs.imperial:Imperial` },
  ];
  protected readonly weekdays: { value: FirstWeekday; label: string }[] = [
    { value: 'monday', label: $localize`:@@settings.prefs.monday:Monday` },
    { value: 'sunday', label: $localize`:@@settings.prefs.sunday:Sunday` },
    { value: 'saturday', label: $localize`:@@settings.prefs.saturday:Saturday` },
  ];
  protected readonly example = computed(() => {
    const u = this.prefs.units();
    return `${text(distance(5000, u))}, ${text(mass(70, u))}`;
  });

  /** After a refused change, show the saved value again. */
  private revert(target: EventTarget | null | undefined): void {
    if (target instanceof HTMLSelectElement) {
      target.value = target.id === 'zone-select' ? this.prefs.zone() : this.prefs.firstWeekday();
    } else if (target instanceof HTMLInputElement && target.type === 'radio') {
      const group = target.closest('[role="radiogroup"]');
      group?.querySelectorAll<HTMLInputElement>('input[type="radio"]').forEach((r) => (r.checked = r.value === this.prefs.units()));
    }
  }

  protected async save(patch: MePatch, event?: Event): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    try {
      await this.prefs.update(patch);
      this.notify.success($localize`:@@common.saved:Saved.`);
    } catch (err) {
      this.problem.set(problemOf(err));
      this.revert(event?.target);
    } finally {
      this.saving.set(false);
    }
  }
}
