import { LOCALE_ID } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { navigatorLanguages, rememberedLanguage, resolveLanguage } from './app/core/i18n';
import { loadLanguage } from './app/core/language-loader';
import { prefetchPage } from './app/core/prefetch';

/**
 * The language is loaded before any of the app's code runs: messages built at module level (labels,
 * titles) are translated when their module is evaluated, so the app is imported only afterwards.
 */
async function start(): Promise<void> {
  const language = await loadLanguage(resolveLanguage({ remembered: rememberedLanguage(), browser: navigatorLanguages() }));
  const [{ App }, { appConfig }, { routes }] = await Promise.all([import('./app/app'), import('./app/app.config'), import('./app/app.routes')]);
  prefetchPage(routes, location.pathname);
  await bootstrapApplication(App, {
    ...appConfig,
    providers: [...appConfig.providers, { provide: LOCALE_ID, useValue: language === 'en' ? 'en-US' : language }],
  });
}

start().catch((err: unknown) => {
  console.error(err);
  const root = document.querySelector('wh-root');
  if (root) root.textContent = $localize`:@@app.startFailed:Wearhouse could not start. Reload the page; if this persists, check the server logs.`;
});
