import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import type { UnitSystem } from '../../api/types';
import { intlLocale } from '../../core/i18n';
import { zoneList } from '../../core/time';
import { activityLabel } from '../today/today';
import { ACTIVITY_TYPES, INTENSITIES, VISIBILITIES, fieldsOf, type ActivityFields, type ActivityForm, type FieldError, type Intensity, type Visibility } from './activity-fields';

const INTENSITY_LABEL: Record<Intensity, string> = {
  low: $localize`:@@activityForm.intensity.low:Low`,
  moderate: $localize`:@@activityForm.intensity.moderate:Moderate`,
  high: $localize`:@@activityForm.intensity.high:High`,
};

const VISIBILITY_LABEL: Record<Visibility, string> = {
  private: $localize`:@@activityForm.visibility.private:Private`,
  followers: $localize`:@@activityForm.visibility.followers:Followers`,
  public: $localize`:@@activityForm.visibility.public:Public`,
};

/**
 * Every editable field of a workout, in the user's units and the activity's zone: used to enter a
 * workout by hand and to edit one. Checks the fields before handing them on, naming each wrong one.
 */
@Component({
  selector: 'wh-activity-form',
  template: `
    <form class="activity-form" (submit)="$event.preventDefault(); submit()" novalidate data-testid="activity-form">
      <div class="form-grid">
        <div class="field">
          <label for="af-type" i18n="@@activityForm.type">Type</label>
          <select id="af-type" [value]="form().type" (change)="set('type', $any($event.target).value)" data-testid="af-type">
            @for (t of types; track t.value) {
              <option [value]="t.value" [selected]="t.value === form().type">{{ t.label }}</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="af-title" i18n="@@activityForm.title">Title</label>
          <input id="af-title" [value]="form().title" maxlength="200" (input)="set('title', $any($event.target).value)" data-testid="af-title" />
        </div>
        <div class="field">
          <label for="af-start" i18n="@@activityForm.start">Start</label>
          <input id="af-start" type="datetime-local" [value]="form().start" (input)="set('start', $any($event.target).value)" required
            [attr.aria-invalid]="invalid('start')" data-testid="af-start" />
          @if (error('start'); as e) { <p class="field-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="af-zone" i18n="@@activityForm.zone">Time zone</label>
          <select id="af-zone" (change)="set('zone', $any($event.target).value)" data-testid="af-zone">
            @for (z of zones(); track z) {
              <option [value]="z" [selected]="z === form().zone">{{ z }}</option>
            }
          </select>
        </div>
        <fieldset class="field af-duration">
          <legend class="field-label" i18n="@@activityForm.duration">Duration</legend>
          <span class="af-hms">
            <label><input type="number" min="0" max="999" inputmode="numeric" [value]="form().hours" (input)="set('hours', $any($event.target).value)"
              [attr.aria-invalid]="invalid('hours')" data-testid="af-hours" /> h</label>
            <label><input type="number" min="0" max="59" inputmode="numeric" [value]="form().minutes" (input)="set('minutes', $any($event.target).value)"
              [attr.aria-invalid]="invalid('minutes')" data-testid="af-minutes" /> min</label>
            <label><input type="number" min="0" max="59" inputmode="numeric" [value]="form().seconds" (input)="set('seconds', $any($event.target).value)"
              [attr.aria-invalid]="invalid('seconds')" data-testid="af-seconds" /> s</label>
          </span>
          @for (f of durationFields; track f) {
            @if (error(f); as e) { <p class="field-error">{{ e }}</p> }
          }
        </fieldset>
        @for (n of numbers(); track n.field) {
          <div class="field">
            <label [for]="'af-' + n.field">{{ n.label }}</label>
            <input [id]="'af-' + n.field" type="number" inputmode="decimal" [step]="n.step" min="0" [value]="form()[n.field]"
              (input)="set(n.field, $any($event.target).value)" [attr.aria-invalid]="invalid(n.field)" [attr.data-testid]="'af-' + n.field" />
            @if (error(n.field); as e) { <p class="field-error">{{ e }}</p> }
          </div>
        }
        <div class="field">
          <label for="af-intensity" i18n="@@activityForm.intensity">Intensity</label>
          <select id="af-intensity" (change)="set('intensity', $any($event.target).value)" data-testid="af-intensity">
            <option value="" [selected]="form().intensity === ''" i18n="@@activityForm.notGiven">Not given</option>
            @for (i of intensities; track i) {
              <option [value]="i" [selected]="i === form().intensity">{{ intensityLabel[i] }}</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="af-rpe" i18n="@@activityForm.rpe">Perceived effort (1–10)</label>
          <input id="af-rpe" type="number" min="1" max="10" step="1" [value]="form().rpe" (input)="set('rpe', $any($event.target).value)"
            [attr.aria-invalid]="invalid('rpe')" data-testid="af-rpe" />
          @if (error('rpe'); as e) { <p class="field-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="af-visibility" i18n="@@activityForm.visibility">Who can see it</label>
          <select id="af-visibility" (change)="set('visibility', $any($event.target).value)" data-testid="af-visibility">
            @for (v of visibilities; track v) {
              <option [value]="v" [selected]="v === form().visibility">{{ visibilityLabel[v] }}</option>
            }
          </select>
        </div>
      </div>
      <div class="field">
        <label for="af-notes" i18n="@@activityForm.notes">Notes</label>
        <textarea id="af-notes" rows="3" maxlength="10000" [value]="form().notes" (input)="set('notes', $any($event.target).value)" data-testid="af-notes"></textarea>
      </div>
      <div class="form-grid">
        <div class="field">
          <label for="af-gear" i18n="@@activityForm.gear">Gear</label>
          <input id="af-gear" [value]="form().gear" maxlength="200" (input)="set('gear', $any($event.target).value)" data-testid="af-gear" />
        </div>
        <div class="field">
          <label><input type="checkbox" [checked]="form().commute" (change)="set('commute', $any($event.target).checked)" data-testid="af-commute" />
            <span i18n="@@activityForm.commute">A commute</span></label>
        </div>
      </div>
      <div class="field">
        <label for="af-private-notes" i18n="@@activityForm.privateNotes">Private notes (only you see them)</label>
        <textarea id="af-private-notes" rows="2" maxlength="10000" [value]="form().privateNotes" (input)="set('privateNotes', $any($event.target).value)" data-testid="af-private-notes"></textarea>
      </div>
      @if (errors().length) {
        <p class="form-error" role="alert" data-testid="af-errors" i18n="@@activityForm.errors">{errors().length, plural, =1 {One field needs a look.} other {{{ errors().length }} fields need a look.}}</p>
      }
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" [disabled]="busy()" data-testid="af-save">{{ submitLabel() }}</button>
        <button type="button" class="btn btn-ghost" (click)="cancelled.emit()" data-testid="af-cancel" i18n="@@common.cancel">Cancel</button>
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityFormComponent {
  readonly initial = input.required<ActivityForm>();
  readonly system = input.required<UnitSystem>();
  readonly busy = input(false);
  readonly submitLabel = input($localize`:@@common.save:Save`);
  /** The checked fields, and the form they were read from. */
  readonly saved = output<{ fields: ActivityFields; form: ActivityForm }>();
  readonly cancelled = output<void>();

  protected readonly form = signal<ActivityForm>({} as ActivityForm);
  protected readonly errors = signal<FieldError[]>([]);
  protected readonly types = [...ACTIVITY_TYPES].map((t) => ({ value: t, label: activityLabel(t) })).sort((a, b) => a.label.localeCompare(b.label, intlLocale()));
  protected readonly intensities = INTENSITIES;
  protected readonly intensityLabel = INTENSITY_LABEL;
  protected readonly visibilities = VISIBILITIES;
  protected readonly visibilityLabel = VISIBILITY_LABEL;
  protected readonly durationFields: (keyof ActivityForm)[] = ['hours', 'minutes', 'seconds'];
  protected readonly zones = computed(() => zoneList(this.form().zone));
  protected readonly numbers = computed(() => {
    const imperial = this.system() === 'imperial';
    return [
      { field: 'distance' as const, label: $localize`:@@activityForm.distance:Distance (${imperial ? 'mi' : 'km'}:unit:)`, step: '0.01' },
      { field: 'elevationGain' as const, label: $localize`:@@activityForm.elevationGain:Elevation gain (${imperial ? 'ft' : 'm'}:unit:)`, step: '1' },
      { field: 'energy' as const, label: $localize`:@@activityForm.energy:Energy (kcal)`, step: '1' },
      { field: 'avgHeartRate' as const, label: $localize`:@@activityForm.avgHeartRate:Average heart rate (bpm)`, step: '1' },
      { field: 'maxHeartRate' as const, label: $localize`:@@activityForm.maxHeartRate:Maximum heart rate (bpm)`, step: '1' },
    ];
  });

  constructor() {
    effect(() => {
      const initial = this.initial();
      untracked(() => {
        this.form.set({ ...initial });
        this.errors.set([]);
      });
    });
  }

  protected set<K extends keyof ActivityForm>(field: K, value: ActivityForm[K]): void {
    this.form.update((f) => ({ ...f, [field]: value }));
    if (this.errors().some((e) => e.field === field)) this.errors.update((es) => es.filter((e) => e.field !== field));
  }

  protected error(field: keyof ActivityForm): string | null {
    return this.errors().find((e) => e.field === field)?.message ?? null;
  }

  protected invalid(field: keyof ActivityForm): 'true' | null {
    return this.error(field) ? 'true' : null;
  }

  protected submit(): void {
    const form = this.form();
    const read = fieldsOf(form, this.system());
    if ('errors' in read) {
      this.errors.set(read.errors);
      return;
    }
    this.errors.set([]);
    this.saved.emit({ fields: read.fields, form });
  }
}
