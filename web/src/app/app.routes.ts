import type { Routes } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './core/guards';

export const routes: Routes = [
  {
    path: 'sign-in',
    title: $localize`:@@title.signIn:Sign in`,
    canActivate: [guestGuard],
    loadComponent: () => import('./pages/sign-in/sign-in').then((m) => m.SignInPage),
  },
  {
    path: 'register',
    title: $localize`:@@title.register:Create account`,
    canActivate: [guestGuard],
    loadComponent: () => import('./pages/register/register').then((m) => m.RegisterPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: $localize`:@@title.today:Today`,
        loadComponent: () => import('./pages/today/today').then((m) => m.TodayPage),
      },
      { path: 'today', pathMatch: 'full', redirectTo: '' },
      {
        path: 'imports',
        title: $localize`:@@title.imports:Imports`,
        loadComponent: () => import('./pages/imports/imports').then((m) => m.ImportsPage),
      },
      {
        path: 'trends',
        title: $localize`:@@title.trends:Trends`,
        loadComponent: () => import('./pages/trends/trends').then((m) => m.TrendsPage),
      },
      {
        path: 'calendar',
        title: $localize`:@@title.calendar:Calendar`,
        loadComponent: () => import('./pages/calendar/calendar').then((m) => m.CalendarPage),
      },
      {
        path: 'measurements',
        title: $localize`:@@title.measurements:Add a measurement`,
        loadComponent: () => import('./pages/measurements/measurements').then((m) => m.MeasurementsPage),
      },
      {
        path: 'sleep',
        title: $localize`:@@title.sleep:Sleep`,
        loadComponent: () => import('./pages/sleep/sleep').then((m) => m.SleepPage),
      },
      {
        path: 'activities',
        title: $localize`:@@title.activities:Activities`,
        loadComponent: () => import('./pages/activities/activities').then((m) => m.ActivitiesPage),
      },
      {
        path: 'activities/trash',
        title: $localize`:@@title.trash:Trash`,
        loadComponent: () => import('./pages/activities/trash').then((m) => m.TrashPage),
      },
      {
        path: 'activities/new',
        title: $localize`:@@title.newActivity:Add a workout`,
        loadComponent: () => import('./pages/activities/new-activity').then((m) => m.NewActivityPage),
      },
      {
        path: 'activities/duplicates',
        title: $localize`:@@title.duplicates:Possible duplicates`,
        loadComponent: () => import('./pages/activities/duplicates').then((m) => m.DuplicatesPage),
      },
      {
        path: 'routes/:id',
        title: $localize`:@@title.route:Route`,
        loadComponent: () => import('./pages/routes/route').then((m) => m.RoutePage),
      },
      {
        path: 'activities/:id',
        title: $localize`:@@title.activity:Activity`,
        loadComponent: () => import('./pages/activities/activity').then((m) => m.ActivityPage),
      },
      {
        path: 'sources',
        title: $localize`:@@title.sources:Where your numbers come from`,
        loadComponent: () => import('./pages/sources/sources').then((m) => m.SourcesPage),
      },
      {
        path: 'heatmap',
        title: $localize`:@@title.heatmap:Heatmap`,
        loadComponent: () => import('./pages/heatmap/heatmap').then((m) => m.HeatmapPage),
      },
      {
        path: 'settings',
        title: $localize`:@@title.settings:Settings`,
        loadComponent: () => import('./pages/settings/settings').then((m) => m.SettingsPage),
      },
      {
        path: 'admin',
        title: $localize`:@@title.admin:Admin`,
        canActivate: [adminGuard],
        loadComponent: () => import('./pages/admin/admin').then((m) => m.AdminPage),
      },
    ],
  },
  {
    path: '**',
    title: $localize`:@@title.notFound:Not found`,
    loadComponent: () => import('./pages/not-found/not-found').then((m) => m.NotFoundPage),
  },
];
