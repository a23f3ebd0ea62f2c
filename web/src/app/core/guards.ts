import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { AuthService } from './auth.service';
import { NotifyService } from './notify.service';

/** Signed-in pages: wait for the session restore, else go to sign-in (coming back afterwards). */
export const authGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.whenReady();
  if (auth.status() === 'signed-in') return true;
  return router.createUrlTree(['/sign-in'], { queryParams: state.url && state.url !== '/' ? { returnTo: state.url } : {} });
};

/** Sign-in and register: signed-in users go to Today. */
export const guestGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  await auth.whenReady();
  return auth.status() === 'signed-in' ? inject(Router).createUrlTree(['/']) : true;
};

/** The admin page: only for the admin role. */
export const adminGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  await auth.whenReady();
  if (auth.isAdmin()) return true;
  inject(NotifyService).show('error', $localize`:@@guard.adminOnly:The admin page is for administrators only.`);
  return inject(Router).createUrlTree(['/']);
};

/** A `returnTo` that stays inside the app (no open redirect). */
export function safeReturnTo(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/sign-in') || raw.startsWith('/register')) return '/';
  return raw;
}
