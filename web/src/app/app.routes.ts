import type { Routes } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './core/guards';

export const routes: Routes = [
  {
    path: 'sign-in',
    title: 'Sign in',
    canActivate: [guestGuard],
    loadComponent: () => import('./pages/sign-in/sign-in').then((m) => m.SignInPage),
  },
  {
    path: 'register',
    title: 'Create account',
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
        title: 'Today',
        loadComponent: () => import('./pages/today/today').then((m) => m.TodayPage),
      },
      { path: 'today', pathMatch: 'full', redirectTo: '' },
      {
        path: 'imports',
        title: 'Imports',
        loadComponent: () => import('./pages/imports/imports').then((m) => m.ImportsPage),
      },
      {
        path: 'trends',
        title: 'Trends',
        loadComponent: () => import('./pages/trends/trends').then((m) => m.TrendsPage),
      },
      {
        path: 'calendar',
        title: 'Calendar',
        loadComponent: () => import('./pages/calendar/calendar').then((m) => m.CalendarPage),
      },
      {
        path: 'measurements',
        title: 'Add a measurement',
        loadComponent: () => import('./pages/measurements/measurements').then((m) => m.MeasurementsPage),
      },
      {
        path: 'sleep',
        title: 'Sleep',
        loadComponent: () => import('./pages/sleep/sleep').then((m) => m.SleepPage),
      },
      {
        path: 'activities',
        title: 'Activities',
        loadComponent: () => import('./pages/activities/activities').then((m) => m.ActivitiesPage),
      },
      {
        path: 'activities/trash',
        title: 'Trash',
        loadComponent: () => import('./pages/activities/trash').then((m) => m.TrashPage),
      },
      {
        path: 'activities/new',
        title: 'Add a workout',
        loadComponent: () => import('./pages/activities/new-activity').then((m) => m.NewActivityPage),
      },
      {
        path: 'activities/duplicates',
        title: 'Possible duplicates',
        loadComponent: () => import('./pages/activities/duplicates').then((m) => m.DuplicatesPage),
      },
      {
        path: 'activities/:id',
        title: 'Activity',
        loadComponent: () => import('./pages/activities/activity').then((m) => m.ActivityPage),
      },
      {
        path: 'sources',
        title: 'Where your numbers come from',
        loadComponent: () => import('./pages/sources/sources').then((m) => m.SourcesPage),
      },
      {
        path: 'heatmap',
        title: 'Heatmap',
        loadComponent: () => import('./pages/heatmap/heatmap').then((m) => m.HeatmapPage),
      },
      {
        path: 'settings',
        title: 'Settings',
        loadComponent: () => import('./pages/settings/settings').then((m) => m.SettingsPage),
      },
      {
        path: 'admin',
        title: 'Admin',
        canActivate: [adminGuard],
        loadComponent: () => import('./pages/admin/admin').then((m) => m.AdminPage),
      },
    ],
  },
  {
    path: '**',
    title: 'Not found',
    loadComponent: () => import('./pages/not-found/not-found').then((m) => m.NotFoundPage),
  },
];
