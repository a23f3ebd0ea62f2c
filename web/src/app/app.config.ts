import {
  ErrorHandler,
  Injectable,
  inject,
  isDevMode,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { provideServiceWorker } from '@angular/service-worker';
import { TitleStrategy, provideRouter, withComponentInputBinding, withInMemoryScrolling, type RouterStateSnapshot } from '@angular/router';
import { routes } from './app.routes';
import { AuthService } from './core/auth.service';
import { NotifyService } from './core/notify.service';
import { ApiError } from './core/problem';

/** Page titles: "Today · Wearhouse". */
@Injectable()
class WearhouseTitles extends TitleStrategy {
  private readonly title = inject(Title);
  override updateTitle(snapshot: RouterStateSnapshot): void {
    const t = this.buildTitle(snapshot);
    this.title.setTitle(t ? `${t} · Wearhouse` : 'Wearhouse');
  }
}

/** Errors nobody caught still reach the user as a message, never as a silently broken page. */
@Injectable()
class ToastErrorHandler implements ErrorHandler {
  private readonly notify = inject(NotifyService);
  handleError(error: unknown): void {
    console.error(error);
    const err = (error as { rejection?: unknown })?.rejection ?? error;
    if (err instanceof DOMException && err.name === 'AbortError') return;
    if (err instanceof ApiError) this.notify.error(err);
    else this.notify.show('error', $localize`:@@shell.unexpectedError:Something went wrong on this page. Reload it if it does not work as expected.`);
  }
}

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top', anchorScrolling: 'enabled' })),
    { provide: TitleStrategy, useClass: WearhouseTitles },
    // Installable: the service worker keeps the shell (HTML, scripts, styles, icons) for offline
    // starts and fast loads; API answers are never cached by it (they are private and must be fresh).
    provideServiceWorker('ngsw-worker.js', { enabled: !isDevMode(), registrationStrategy: 'registerWhenStable:5000' }),
    { provide: ErrorHandler, useClass: ToastErrorHandler },
    // Start restoring the session at once; guards wait for it, the shell shows a loading state.
    provideAppInitializer(() => {
      void inject(AuthService).whenReady();
    }),
  ],
};
