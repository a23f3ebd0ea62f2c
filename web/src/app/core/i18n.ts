// The languages the dashboard ships in, and which one a page shows.
//
// One build serves every language: `main.ts` picks the language before the app starts, loads its
// translations (`$localize` and template `i18n` ids) and Angular's locale data, and only then loads
// the app. Changing the language therefore means loading the page again.
//
// Adding a language (say French, `fr`):
//  1. copy `web/src/locale/messages.de.json` to `web/src/locale/messages.fr.json`, set `"locale": "fr"`
//     and translate every message, keeping ids and `{$PLACEHOLDERS}` (`npm test` names the ids
//     missing, stale or with broken placeholders);
//  2. add `fr` to `LANGUAGES` below, with its name in its own language and its Angular locale data;
//  3. add it to the server's `Language` enum (`crates/model/src/preferences.rs`) so preferences accept
//     it, and regenerate the API types (`npm run api:types`): the `satisfies` below fails until then.
import type { components } from '../api/schema';

/** A language code the server accepts in the preferences. */
type ServerLanguage = components['schemas']['Language'];

/** The shipped languages: the code, the name shown in that language, and Angular's locale data. */
export const LANGUAGES = [
  { code: 'en', name: 'English', localeData: null },
  { code: 'de', name: 'Deutsch', localeData: () => import('@angular/common/locales/de').then((m) => m.default) },
] as const satisfies readonly { code: ServerLanguage; name: string; localeData: (() => Promise<unknown[]>) | null }[];

export type Language = (typeof LANGUAGES)[number]['code'];

/** The language the messages are written in; it needs no translation file. */
export const SOURCE_LANGUAGE: Language = 'en';

/** localStorage: the language last chosen explicitly (kept so the page starts in it before sign-in). */
export const LANGUAGE_KEY = 'wh.language';
/** sessionStorage: the language the page was last reloaded for, so a failing load cannot loop. */
const RELOAD_KEY = 'wh.language-reload';

export function isLanguage(code: unknown): code is Language {
  return LANGUAGES.some((l) => l.code === code);
}

/** The first of the browser's languages (`de-AT` counts as `de`) that ships; else the source language. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) return primary;
  }
  return SOURCE_LANGUAGE;
}

/**
 * Which language to show: the user's stored preference, else the one this browser last chose, else
 * the browser's. `stored` is undefined while unknown (before sign-in) and null for "browser default".
 */
export function resolveLanguage(input: {
  stored?: string | null;
  remembered: string | null;
  browser: readonly string[];
}): Language {
  if (input.stored !== undefined) return isLanguage(input.stored) ? input.stored : browserLanguage(input.browser);
  if (isLanguage(input.remembered)) return input.remembered;
  return browserLanguage(input.browser);
}

export function rememberedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

/** Keeps an explicit choice for the next start; null (browser default) forgets it. */
export function rememberLanguage(choice: Language | null): void {
  try {
    if (choice) localStorage.setItem(LANGUAGE_KEY, choice);
    else localStorage.removeItem(LANGUAGE_KEY);
  } catch {
    /* storage unavailable: the next start follows the browser */
  }
}

export function navigatorLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language].filter(Boolean);
}

let active: Language = SOURCE_LANGUAGE;

/** The language this page was started in (its translations are the ones loaded). */
export function activeLanguage(): Language {
  return active;
}

/** Set once by `main.ts`, after the translations are loaded. */
export function setActiveLanguage(language: Language): void {
  active = language;
}

/**
 * The locale for `Intl` and `toLocaleString`: undefined in the source language (the browser's own
 * variant of English, as before there were translations), else the language.
 */
export function intlLocale(): string | undefined {
  return active === SOURCE_LANGUAGE ? undefined : active;
}

/**
 * Shows `wanted` now: nothing to do when the page already shows it, else remembers it and loads the
 * page again, once. `explicit` (the user just chose it) allows a new reload even when one for the
 * same language already happened in this tab; otherwise a language that fails to load stays failed
 * instead of reloading forever. Returns whether the page is reloading.
 */
export function switchLanguage(wanted: Language, explicit = false): boolean {
  if (wanted === active) {
    forgetReload();
    return false;
  }
  try {
    if (!explicit && sessionStorage.getItem(RELOAD_KEY) === wanted) return false;
    sessionStorage.setItem(RELOAD_KEY, wanted);
  } catch {
    if (!explicit) return false;
  }
  location.reload();
  return true;
}

function forgetReload(): void {
  try {
    sessionStorage.removeItem(RELOAD_KEY);
  } catch {
    /* nothing kept */
  }
}
