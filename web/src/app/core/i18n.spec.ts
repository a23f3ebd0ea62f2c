import { LANGUAGES, browserLanguage, nativeName, resolveLanguage } from './i18n';

describe('language', () => {
  it('takes the stored preference first', () => {
    expect(resolveLanguage({ stored: 'de', remembered: 'en', browser: ['en-US'] })).toBe('de');
    expect(resolveLanguage({ stored: 'en', remembered: 'de', browser: ['de-DE'] })).toBe('en');
  });

  it('follows the browser when the stored preference is "browser default", whatever was remembered', () => {
    expect(resolveLanguage({ stored: null, remembered: 'de', browser: ['en-GB', 'de'] })).toBe('en');
    expect(resolveLanguage({ stored: null, remembered: 'en', browser: ['de-AT'] })).toBe('de');
  });

  it('before the preference is known, takes the language this browser last chose, then the browser', () => {
    expect(resolveLanguage({ remembered: 'de', browser: ['en-US'] })).toBe('de');
    expect(resolveLanguage({ remembered: null, browser: ['de-CH', 'en'] })).toBe('de');
    expect(resolveLanguage({ remembered: 'xx', browser: ['de'] })).toBe('de');
  });

  it('takes the first browser language that ships and falls back to English', () => {
    expect(browserLanguage(['fr-FR', 'de-DE', 'en'])).toBe('de');
    expect(browserLanguage(['fr-FR', 'es'])).toBe('en');
    expect(browserLanguage(['DE_de'])).toBe('de');
    expect(browserLanguage([])).toBe('en');
    expect(resolveLanguage({ stored: 'fr', remembered: null, browser: ['pt-BR'] })).toBe('en');
  });

  it('names every language in that language', () => {
    expect(LANGUAGES.map((l) => [l.code, l.name])).toEqual([
      ['en', 'English'],
      ['de', 'Deutsch'],
    ]);
    expect(nativeName('fr')).toBe('Français');
    expect(nativeName('pt-BR')).toBe('Português (Brasil)');
  });
});
