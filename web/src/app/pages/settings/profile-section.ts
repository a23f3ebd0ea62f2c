import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { MePatch, Sex } from '../../api/types';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { cmToFeetInches } from '../../core/units';
import { FieldErrors } from '../../shared/field-errors';

@Component({
  selector: 'wh-profile-section',
  imports: [FormsModule, FieldErrors],
  template: `
    <section class="card" id="profile" aria-labelledby="profile-title">
      <h2 id="profile-title" i18n="@@settings.toc.profile">Profile</h2>
      <p class="lead" i18n="@@settings.profile.signedInAs">Signed in as <strong>{{ auth.me()?.username }}</strong> ({{ auth.me()?.email }}).</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert">{{ p.detail }}</p>
      }
      <form class="form-narrow" (ngSubmit)="save()" data-testid="profile-form">
        <div class="field">
          <label for="display-name" i18n="@@settings.profile.displayName">Display name</label>
          <input id="display-name" name="display_name" type="text" maxlength="100" [(ngModel)]="displayName"
            autocomplete="name" data-testid="profile-display-name" />
          <wh-field-errors [problem]="problem()" field="display_name" />
        </div>
        <div class="field">
          <label for="bio" i18n="@@settings.profile.bio">Bio</label>
          <textarea id="bio" name="bio" maxlength="500" [(ngModel)]="bio" aria-describedby="bio-hint"></textarea>
          <span class="hint" id="bio-hint">{{ bio().length }} / 500</span>
          <wh-field-errors [problem]="problem()" field="bio" />
        </div>
        <div class="row">
          <div class="field grow">
            <label for="birth-year" i18n="@@settings.profile.birthYear">Birth year</label>
            <input id="birth-year" name="birth_year" type="number" inputmode="numeric" min="1900" [max]="thisYear"
              [(ngModel)]="birthYear" />
            <wh-field-errors [problem]="problem()" field="birth_year" />
          </div>
          <div class="field grow">
            <label for="sex" i18n="@@settings.profile.sex">Sex</label>
            <select id="sex" name="sex" [(ngModel)]="sex" aria-describedby="sex-hint">
              <option value="" i18n="@@settings.profile.notSet">Not set</option>
              <option value="female" i18n="@@settings.profile.female">Female</option>
              <option value="male" i18n="@@settings.profile.male">Male</option>
              <option value="other" i18n="@@settings.profile.other">Other</option>
            </select>
            <wh-field-errors [problem]="problem()" field="sex" />
          </div>
        </div>
        <span class="hint" id="sex-hint" i18n="@@settings.profile.sexHint">Optional; used by energy and heart-rate-zone formulas.</span>
        @if (prefs.units() === 'imperial') {
          <fieldset class="field height-ft">
            <legend class="field-label" i18n="@@settings.profile.height">Height</legend>
            <div class="row">
              <label class="inline">
                <input name="height_ft" type="number" min="0" max="9" inputmode="numeric" [(ngModel)]="feet" aria-label="Feet" i18n-aria-label="@@settings.profile.feet" /> ft
              </label>
              <label class="inline">
                <input name="height_in" type="number" min="0" max="11" inputmode="numeric" [(ngModel)]="inches" aria-label="Inches" i18n-aria-label="@@settings.profile.inches" /> in
              </label>
            </div>
            <wh-field-errors [problem]="problem()" field="height_cm" />
          </fieldset>
        } @else {
          <div class="field">
            <label for="height-cm" i18n="@@settings.profile.heightCm">Height (cm)</label>
            <input id="height-cm" name="height_cm" type="number" min="50" max="272" step="0.5" inputmode="decimal" [(ngModel)]="heightCm" />
            <wh-field-errors [problem]="problem()" field="height_cm" />
          </div>
        }
        <button type="submit" class="btn" [disabled]="saving()" data-testid="profile-save" i18n="@@settings.profile.save">Save profile</button>
      </form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileSection {
  protected readonly auth = inject(AuthService);
  protected readonly prefs = inject(PrefsService);
  private readonly notify = inject(NotifyService);

  protected readonly thisYear = new Date().getFullYear();
  protected readonly displayName = signal('');
  protected readonly bio = signal('');
  protected readonly birthYear = signal<number | null>(null);
  protected readonly sex = signal<Sex | ''>('');
  protected readonly heightCm = signal<number | null>(null);
  protected readonly feet = signal<number | null>(null);
  protected readonly inches = signal<number | null>(null);
  protected readonly saving = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  private readonly meId = computed(() => this.auth.me()?.updated_at);

  constructor() {
    // Fill the form from the profile whenever it changes (after a save too).
    effect(() => {
      this.meId();
      const me = this.auth.me();
      if (!me) return;
      this.displayName.set(me.display_name ?? '');
      this.bio.set(me.bio ?? '');
      this.birthYear.set(me.birth_year ?? null);
      this.sex.set(me.sex ?? '');
      this.heightCm.set(me.height_cm ?? null);
      if (me.height_cm) {
        const fi = cmToFeetInches(me.height_cm);
        this.feet.set(fi.feet);
        this.inches.set(fi.inches);
      } else {
        this.feet.set(null);
        this.inches.set(null);
      }
    });
  }

  private height(): number | null {
    if (this.prefs.units() === 'imperial') {
      const ft = Number(this.feet() ?? 0);
      const inch = Number(this.inches() ?? 0);
      if (!ft && !inch) return null;
      return Math.round((ft * 12 + inch) * 2.54 * 10) / 10;
    }
    const cm = this.heightCm();
    return cm === null || (cm as unknown) === '' ? null : Number(cm);
  }

  protected async save(): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    const by = this.birthYear();
    const patch: MePatch = {
      display_name: this.displayName().trim() || null,
      bio: this.bio().trim() || null,
      birth_year: by === null || (by as unknown) === '' ? null : Number(by),
      sex: this.sex() || null,
      height_cm: this.height(),
    };
    try {
      await this.prefs.update(patch);
      this.notify.success($localize`:@@settings.profile.saved:Profile saved.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.saving.set(false);
    }
  }
}
