import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { PreferencesBody, PreferencesView, TodayCard } from '../api/types';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';
import { isLanguage, navigatorLanguages, rememberLanguage, rememberedLanguage, resolveLanguage, switchLanguage, type Language } from './i18n';
import { ThemeService, type ThemePref } from './theme.service';

/** Every Today card, in the order shown until the user chooses. */
export const ALL_CARDS: readonly TodayCard[] = [
  'steps',
  'distance',
  'active_energy',
  'resting_energy',
  'exercise',
  'sleep',
  'resting_heart_rate',
  'hrv',
  'weight',
];

/** The body that saves `view` with `change` applied. */
export function withChange(view: PreferencesView, change: Partial<PreferencesBody>): PreferencesBody {
  return {
    today_cards: view.today_cards,
    theme: view.theme,
    language: view.language ?? null,
    ...change,
  };
}

/**
 * The dashboard's preferences kept on the server (`/me/preferences`), so they follow the user to every
 * device: which Today cards show and in what order, the theme and the language. Read when a user signs
 * in; the theme and language read from there replace the ones this browser remembered (a different
 * language loads the page again, as translations are loaded before the app starts).
 */
@Injectable({ providedIn: 'root' })
export class DashboardPrefsService {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly theme = inject(ThemeService);

  /** The saved preferences; null until read (or when signed out). */
  readonly value = signal<PreferencesView | null>(null);

  constructor() {
    effect(() => {
      const status = this.auth.status();
      const user = this.auth.me()?.id;
      untracked(() => {
        if (status === 'signed-in' && user) void this.load();
        else if (status === 'signed-out') this.value.set(null);
      });
    });
  }

  private async load(): Promise<void> {
    try {
      const view = await this.api.get('/api/v1/me/preferences');
      this.value.set(view);
      if (view.updated_at) {
        this.theme.set(view.theme);
        this.applyLanguage(view.language ?? null, false);
      }
    } catch {
      // Without them the defaults hold: every card, the theme this browser remembers.
    }
  }

  /** The Today cards to show, in order. */
  cards(): readonly TodayCard[] {
    return this.value()?.today_cards ?? ALL_CARDS;
  }

  /** Saves a change; the answer replaces what is held. Throws the API's problem when refused. */
  async save(change: Partial<PreferencesBody>): Promise<PreferencesView> {
    const current = this.value() ?? { today_cards: [...ALL_CARDS], theme: this.theme.pref(), language: null, unit_system: 'metric', updated_at: null };
    const saved = await this.api.put('/api/v1/me/preferences', { body: withChange(current, change) });
    this.value.set(saved);
    return saved;
  }

  /**
   * Saves the language (null: the browser's) and shows it, loading the page again when it differs
   * from the one shown (then it resolves true). Throws the API's problem when refused.
   */
  async setLanguage(choice: Language | null): Promise<boolean> {
    await this.save({ language: choice });
    return this.applyLanguage(choice, true);
  }

  /** `choice` may be a language another client saved that this dashboard does not ship: the browser's then. */
  private applyLanguage(choice: string | null, explicit: boolean): boolean {
    rememberLanguage(isLanguage(choice) ? choice : null);
    return switchLanguage(resolveLanguage({ stored: choice, remembered: rememberedLanguage(), browser: navigatorLanguages() }), explicit);
  }

  /** Switches the theme here at once and saves it for every device (kept locally when saving fails). */
  async setTheme(pref: ThemePref): Promise<void> {
    this.theme.set(pref);
    if (this.auth.status() === 'signed-in') await this.save({ theme: pref }).catch(() => undefined);
  }
}
