import type { Routes } from '@angular/router';
import { routeFor } from './prefetch';

describe('the page an address opens', () => {
  const page = (name: string) => ({ loadComponent: () => Promise.resolve(class {}), title: name });
  const routes: Routes = [
    { path: 'sign-in', ...page('sign-in') },
    {
      path: '',
      children: [
        { path: '', pathMatch: 'full', ...page('today') },
        { path: 'today', pathMatch: 'full', redirectTo: '' },
        { path: 'activities', ...page('list') },
        { path: 'activities/new', ...page('new') },
        { path: 'activities/:id', ...page('one') },
      ],
    },
  ];
  const title = (path: string) => routeFor(routes, path)?.title ?? null;

  it('matches segments in order, a parameter matching any one', () => {
    expect(title('/')).toBe('today');
    expect(title('/sign-in?returnTo=%2F')).toBe('sign-in');
    expect(title('/activities')).toBe('list');
    expect(title('/activities/new')).toBe('new');
    expect(title('/activities/0190c3a2-9b7e')).toBe('one');
  });

  it('finds nothing for an unknown address or a redirect', () => {
    expect(title('/activities/a/b')).toBeNull();
    expect(title('/today')).toBeNull();
    expect(title('/nowhere')).toBeNull();
  });
});
