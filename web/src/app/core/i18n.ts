// The languages the dashboard ships in, and which one a page shows.
//
// One build serves every language: `main.ts` picks the language before the app starts, loads its
// translations (`$localize` and template `i18n` ids) and Angular's locale data, and only then loads
// the app. Changing the language therefore means loading the page again.
//
// Adding a language (say French, `fr`) is its translation file alone: copy
// `web/src/locale/messages.de.json` to `web/src/locale/messages.fr.json`, set `"locale": "fr"` and
// translate every message, keeping ids and `{$PLACEHOLDERS}` (`npm test` names the ids missing,
// stale or with broken placeholders). The build lists it (`scripts/languages.mjs` writes
// `languages.generated.ts` with its Angular locale data), its name comes from `Intl` in the language
// itself, and the server accepts any well-formed language tag.
import { TRANSLATED_LANGUAGES } from './languages.generated';

/** A shipped language: its code, its name in itself, and Angular's locale data (none for English). */
export interface LanguageEntry<Code extends string = string> {
  readonly code: Code;
  readonly name: string;
  readonly localeData: (() => Promise<unknown[]>) | null;
}

/** The name of a language in that language ("Deutsch"), capitalised as a menu entry. */
export function nativeName(code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
  } catch {
    name = undefined;
  }
  if (!name) return code;
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
}

type Code = 'en' | (typeof TRANSLATED_LANGUAGES)[number]['code'];

/** The shipped languages: English (the source), then each translation, by code. */
export const LANGUAGES: readonly LanguageEntry<Code>[] = [
  { code: 'en', name: 'English', localeData: null },
  ...TRANSLATED_LANGUAGES.map((l) => ({ code: l.code, name: nativeName(l.code), localeData: l.localeData })),
];

export type Language = Code;

/** The language the messages are written in; it needs no translation file. */
export const SOURCE_LANGUAGE: Language = 'en';

/** localStorage: the language last chosen explicitly (kept so the page starts in it before sign-in). */
export const LANGUAGE_KEY = 'wh.language';
/** sessionStorage: the language the page was last reloaded for, so a failing load cannot loop. */
const RELOAD_KEY = 'wh.language-reload';

export function isLanguage(code: unknown): code is Language {
  return LANGUAGES.some((l) => l.code === code);
}

/** A browser's tag in canonical case (`de_de` → `de-DE`, `zh-hant` → `zh-Hant`). */
function canonicalTag(tag: string): string {
  const [language = '', ...rest] = tag.split(/[-_]/);
  const subtags = rest.map((s) => (s.length === 4 ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : s.toUpperCase()));
  return [language.toLowerCase(), ...subtags].join('-');
}

/**
 * The first of the browser's languages that ships, as given (`pt-BR`) or by its language alone
 * (`de-AT` counts as `de`); else the source language.
 */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const canonical = canonicalTag(tag);
    if (isLanguage(canonical)) return canonical;
    const primary = canonical.split('-')[0];
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
