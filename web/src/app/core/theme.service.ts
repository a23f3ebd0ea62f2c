import { DOCUMENT } from '@angular/common';
import { Injectable, computed, effect, inject, signal } from '@angular/core';

export type ThemePref = 'system' | 'light' | 'dark';
export const THEME_KEY = 'wearhouse.theme';

function storedPref(): ThemePref {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Light/dark theme: follows `prefers-color-scheme` until the user picks one (kept in localStorage). */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly doc = inject(DOCUMENT);
  private readonly media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  private readonly systemDark = signal(this.media?.matches ?? false);

  readonly pref = signal<ThemePref>(storedPref());
  readonly dark = computed(() => (this.pref() === 'system' ? this.systemDark() : this.pref() === 'dark'));

  constructor() {
    this.media?.addEventListener('change', (e) => this.systemDark.set(e.matches));
    effect(() => {
      const root = this.doc.documentElement;
      const pref = this.pref();
      if (pref === 'system') delete root.dataset['theme'];
      else root.dataset['theme'] = pref;
      root.style.colorScheme = this.dark() ? 'dark' : 'light';
    });
  }

  /** Switches to the opposite of what is shown now, and remembers it. */
  toggle(): void {
    this.set(this.dark() ? 'light' : 'dark');
  }

  set(pref: ThemePref): void {
    this.pref.set(pref);
    try {
      if (pref === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, pref);
    } catch {
      /* storage unavailable: the choice lasts for this page only */
    }
  }
}
