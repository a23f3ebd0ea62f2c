import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { routes } from './app/app.routes';
import { prefetchPage } from './app/core/prefetch';

prefetchPage(routes, location.pathname);

bootstrapApplication(App, appConfig).catch((err: unknown) => {
  console.error(err);
  const root = document.querySelector('wh-root');
  if (root) root.textContent = 'Wearhouse could not start. Reload the page; if this persists, check the server logs.';
});
