// Loads a language before the app starts: its translations for `$localize` (fetched, so only the
// language shown is downloaded) and Angular's locale data for it (a chunk of its own).
import { registerLocaleData } from '@angular/common';
import { loadTranslations } from '@angular/localize';
import { LANGUAGES, SOURCE_LANGUAGE, setActiveLanguage, type Language } from './i18n';

/** Where the build puts a language's translations (angular.json copies `src/locale/messages.*.json`). */
export function translationsUrl(language: Language): string {
  return new URL(`i18n/messages.${language}.json`, document.baseURI).href;
}

async function fetchTranslations(language: Language): Promise<Record<string, string>> {
  const res = await fetch(translationsUrl(language), { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`translations for ${language}: HTTP ${res.status}`);
  const file = (await res.json()) as { locale?: string; translations?: Record<string, string> };
  if (!file.translations) throw new Error(`translations for ${language}: no "translations" in the file`);
  return file.translations;
}

/**
 * Makes `language` the page's language and returns it; when its files cannot be loaded (offline on a
 * first visit, a broken deployment) the page starts in the source language instead of not at all.
 */
export async function loadLanguage(language: Language): Promise<Language> {
  const entry = LANGUAGES.find((l) => l.code === language);
  if (entry?.localeData) {
    try {
      const [translations, localeData] = await Promise.all([fetchTranslations(language), entry.localeData()]);
      registerLocaleData(localeData, language);
      loadTranslations(translations);
      $localize.locale = language;
    } catch (err) {
      console.warn(`Could not load the language "${language}"; showing ${SOURCE_LANGUAGE}.`, err);
      language = SOURCE_LANGUAGE;
    }
  } else {
    language = SOURCE_LANGUAGE;
  }
  setActiveLanguage(language);
  document.documentElement.lang = language;
  return language;
}
