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

@Component({
  selector: 'wh-settings',
  imports: [RouterLink, DashboardSection, ProfileSection, AvatarSection, PreferencesSection, PasswordSection, MfaSection, SessionsSection, AccountSection],
  template: `
    <div class="page-head"><h1>Settings</h1></div>
    <nav class="toc" aria-label="Settings sections">
      <a routerLink="/settings" fragment="preferences">Units &amp; time</a>
      <a routerLink="/settings" fragment="dashboard">Dashboard</a>
      <a routerLink="/settings" fragment="profile">Profile</a>
      <a routerLink="/settings" fragment="avatar">Avatar</a>
      <a routerLink="/settings" fragment="password">Password</a>
      <a routerLink="/settings" fragment="mfa">Two-step verification</a>
      <a routerLink="/settings" fragment="sessions">Sessions</a>
      <a routerLink="/settings" fragment="delete">Delete account</a>
    </nav>
    <div class="stack">
      <wh-preferences-section />
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
