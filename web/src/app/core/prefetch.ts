import type { Route, Routes } from '@angular/router';
import { CSRF_COOKIE, readCookie } from './cookies';

/** The route whose page `path` opens: segments matched in order, `:name` matching any one segment. */
export function routeFor(routes: Routes, path: string): Route | null {
  const segments = path.split(/[?#]/)[0].split('/').filter(Boolean);
  const walk = (list: Routes, rest: string[]): Route | null => {
    for (const r of list) {
      if (r.redirectTo !== undefined) continue;
      const own = (r.path ?? '').split('/').filter(Boolean);
      if (own.length > rest.length) continue;
      if (!own.every((s, i) => s.startsWith(':') || s === rest[i])) continue;
      const left = rest.slice(own.length);
      if (r.children) {
        const found = walk(r.children, left);
        if (found) return found;
        continue;
      }
      if (left.length === 0) return r;
    }
    return null;
  };
  return walk(routes, segments);
}

/**
 * Starts loading the page of the address the app opens on. The router loads a lazy page only after
 * its guards, which wait for the session to be restored; fetched here, the page's code arrives while
 * the session is restored instead of after it (the router's own import then finds it loaded).
 */
export function prefetchPage(routes: Routes, path: string): void {
  // Without a browser session (its CSRF cookie) the guard sends the visitor to sign-in: fetching the
  // page asked for would only add to a signed-out first load.
  if (!readCookie(CSRF_COOKIE)) return;
  const load = routeFor(routes, path)?.loadComponent;
  if (load) void Promise.resolve(load()).catch(() => undefined);
}
