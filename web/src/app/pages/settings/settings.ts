import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AccountSection } from './account-section';
import { AvatarSection } from './avatar-section';
import { DashboardSection } from './dashboard-section';
import { MfaSection } from './mfa-section';
import { PasswordSection } from './password-section';
import { PreferencesSection } from './preferences-section';
import { ProfileSection } from './profile-section';
import { SessionsSection } from './sessions-section';
import { TimeZonesSection } from './time-zones-section';

@Component({
  selector: 'wh-settings',
  imports: [RouterLink, DashboardSection, ProfileSection, AvatarSection, PreferencesSection, TimeZonesSection, PasswordSection, MfaSection, SessionsSection, AccountSection],
  template: `
    <div class="page-head"><h1 i18n="@@settings.title">Settings</h1></div>
    <nav class="toc" aria-label="Settings sections" i18n-aria-label="@@settings.sections">
      <a routerLink="/settings" fragment="preferences" i18n="@@settings.toc.preferences">Units &amp; time</a>
      <a routerLink="/settings" fragment="time-zones" i18n="@@settings.tz.title">Time zones</a>
      <a routerLink="/settings" fragment="dashboard" i18n="@@settings.dashboard.title">Dashboard</a>
      <a routerLink="/settings" fragment="profile" i18n="@@settings.toc.profile">Profile</a>
      <a routerLink="/settings" fragment="avatar" i18n="@@settings.toc.avatar">Avatar</a>
      <a routerLink="/settings" fragment="password" i18n="@@settings.toc.password">Password</a>
      <a routerLink="/settings" fragment="mfa" i18n="@@signIn.mfaTitle">Two-step verification</a>
      <a routerLink="/settings" fragment="sessions" i18n="@@settings.toc.sessions">Sessions</a>
      <a routerLink="/settings" fragment="delete" i18n="@@settings.toc.delete">Delete account</a>
    </nav>
    <div class="stack">
      <wh-preferences-section />
      <wh-time-zones-section />
      <wh-dashboard-section />
      <wh-profile-section />
      <wh-avatar-section />
      <wh-password-section />
      <wh-mfa-section />
      <wh-sessions-section />
      <wh-account-section />
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsPage {}
