import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { PreferencesBody, TodayCard } from '../../api/types';
import { ALL_CARDS, DashboardPrefsService } from '../../core/dashboard-prefs.service';
import { NotifyService } from '../../core/notify.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { LANGUAGES, isLanguage, type Language } from '../../core/i18n';
import { ThemeService, type ThemePref } from '../../core/theme.service';

const CARD_LABEL: Record<TodayCard, string> = {
  steps: $localize`:@@card.steps:Steps`,
  distance: $localize`:@@card.distance:Distance`,
  active_energy: $localize`:@@card.activeEnergy:Active energy`,
  resting_energy: $localize`:@@card.restingEnergy:Resting energy`,
  exercise: $localize`:@@card.exercise:Exercise`,
  sleep: $localize`:@@card.sleep:Last night's sleep`,
  resting_heart_rate: $localize`:@@card.restingHeartRate:Resting heart rate`,
  hrv: $localize`:@@card.hrv:Heart rate variability`,
  weight: $localize`:@@card.weight:Weight`,
};

/** The cards as the list shows them: those shown in their order, then the hidden ones. */
export function cardRows(shown: readonly TodayCard[]): { card: TodayCard; label: string; shown: boolean }[] {
  const hidden = ALL_CARDS.filter((c) => !shown.includes(c));
  return [...shown.map((card) => ({ card, label: CARD_LABEL[card], shown: true })), ...hidden.map((card) => ({ card, label: CARD_LABEL[card], shown: false }))];
}

/** Which Today cards show, their order, the theme and the language: kept on the server for every device. */
@Component({
  selector: 'wh-dashboard-section',
  template: `
    <section class="card" id="dashboard" aria-labelledby="dashboard-title">
      <h2 id="dashboard-title" i18n="@@settings.dashboard.title">Dashboard</h2>
      <p class="lead" i18n="@@settings.dashboard.lead">Kept with your account, so every device shows the same.</p>
      @if (problem(); as p) {
        <p class="form-error" role="alert">{{ p.detail }}</p>
      }
      <div class="field">
        <span class="field-label" id="theme-label" i18n="@@settings.dashboard.theme">Theme</span>
        <div class="segmented" role="radiogroup" aria-labelledby="theme-label" data-testid="theme-switch">
          @for (t of themes; track t.value) {
            <label>
              <input type="radio" name="theme" [value]="t.value" [checked]="theme.pref() === t.value" [disabled]="saving()"
                (change)="setTheme(t.value)" [attr.data-testid]="'theme-' + t.value" />
              {{ t.label }}
            </label>
          }
        </div>
      </div>
      <div class="field">
        <span class="field-label" id="language-label" i18n="@@settings.dashboard.language">Language</span>
        <div class="segmented" role="radiogroup" aria-labelledby="language-label" data-testid="language-switch">
          @for (l of languages; track l.value) {
            <label [attr.lang]="l.lang">
              <input type="radio" name="language" [value]="l.value ?? 'browser'" [checked]="language() === l.value" [disabled]="saving()"
                (change)="setLanguage(l.value)" [attr.data-testid]="'language-' + (l.value ?? 'browser')" />
              {{ l.label }}
            </label>
          }
        </div>
      </div>
      <fieldset class="field card-picker">
        <legend class="field-label" i18n="@@settings.dashboard.cards">Today cards</legend>
        <ol class="card-list" data-testid="card-list">
          @for (r of rows(); track r.card; let i = $index) {
            <li class="card-row" data-testid="card-row" [attr.data-card]="r.card" [attr.data-shown]="r.shown">
              <label class="card-toggle">
                <input type="checkbox" [checked]="r.shown" [disabled]="saving()" (change)="toggle(r.card)"
                  [attr.data-testid]="'card-show-' + r.card" />
                {{ r.label }}
              </label>
              @if (r.shown) {
                <span class="card-actions">
                  <button type="button" class="icon-btn" [disabled]="saving() || i === 0" (click)="move(i, -1)"
                    [attr.aria-label]="moveUpLabel(r.label)" [attr.data-testid]="'card-up-' + r.card">▲</button>
                  <button type="button" class="icon-btn" [disabled]="saving() || i === shownCount() - 1" (click)="move(i, 1)"
                    [attr.aria-label]="moveDownLabel(r.label)" [attr.data-testid]="'card-down-' + r.card">▼</button>
                </span>
              }
            </li>
          }
        </ol>
      </fieldset>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardSection {
  private readonly dashboard = inject(DashboardPrefsService);
  private readonly notify = inject(NotifyService);
  protected readonly theme = inject(ThemeService);
  protected readonly saving = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly themes: { value: ThemePref; label: string }[] = [
    { value: 'system', label: $localize`:@@settings.dashboard.themeSystem:Like the device` },
    { value: 'light', label: $localize`:@@settings.dashboard.themeLight:Light` },
    { value: 'dark', label: $localize`:@@settings.dashboard.themeDark:Dark` },
  ];
  /** Each language named in itself (so whoever reads it can find their own), and the browser's. */
  protected readonly languages: { value: Language | null; label: string; lang: string | null }[] = [
    { value: null, label: $localize`:@@settings.dashboard.languageBrowser:Browser default`, lang: null },
    ...LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code })),
  ];
  /** A language another client saved that this dashboard does not ship shows as the browser's, which is what the page does. */
  protected readonly language = computed(() => {
    const saved = this.dashboard.value()?.language ?? null;
    return isLanguage(saved) ? saved : null;
  });
  protected readonly rows = computed(() => cardRows(this.dashboard.value()?.today_cards ?? ALL_CARDS));
  protected readonly shownCount = computed(() => this.rows().filter((r) => r.shown).length);

  private shown(): TodayCard[] {
    return this.rows()
      .filter((r) => r.shown)
      .map((r) => r.card);
  }

  protected toggle(card: TodayCard): void {
    const shown = this.shown();
    void this.save({ today_cards: shown.includes(card) ? shown.filter((c) => c !== card) : [...shown, card] });
  }

  protected move(index: number, by: number): void {
    const shown = this.shown();
    const to = index + by;
    if (to < 0 || to >= shown.length) return;
    [shown[index], shown[to]] = [shown[to], shown[index]];
    void this.save({ today_cards: shown });
  }

  protected moveUpLabel(card: string): string {
    return $localize`:@@common.moveUp:Move ${card}:item: up`;
  }

  protected moveDownLabel(card: string): string {
    return $localize`:@@common.moveDown:Move ${card}:item: down`;
  }

  /** Saves the language and, when it differs from the one shown, loads the page again in it. */
  protected async setLanguage(choice: Language | null): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    try {
      if (!(await this.dashboard.setLanguage(choice))) this.notify.success($localize`:@@common.saved:Saved.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.saving.set(false);
    }
  }

  protected async setTheme(pref: ThemePref): Promise<void> {
    this.theme.set(pref);
    await this.save({ theme: pref });
  }

  private async save(change: Partial<PreferencesBody>): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    try {
      await this.dashboard.save(change);
      this.notify.success($localize`:@@common.saved:Saved.`);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.saving.set(false);
    }
  }
}
