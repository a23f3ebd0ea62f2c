import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NavigationCancel, NavigationEnd, NavigationError, NavigationSkipped, NavigationStart, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService } from './core/auth.service';
import { DashboardPrefsService } from './core/dashboard-prefs.service';
import { NotifyService } from './core/notify.service';
import { ThemeService } from './core/theme.service';
import { Icon } from './shared/icon';

interface NavItem {
  path: string;
  label: string;
  icon: 'today' | 'trends' | 'calendar' | 'sleep' | 'activities' | 'imports' | 'sources' | 'map' | 'settings' | 'admin';
  exact: boolean;
  testid: string;
}

@Component({
  selector: 'wh-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, Icon],
  templateUrl: './app.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly auth = inject(AuthService);
  protected readonly notify = inject(NotifyService);
  protected readonly theme = inject(ThemeService);
  private readonly dashboard = inject(DashboardPrefsService);
  private readonly router = inject(Router);

  private lastPath: string | null = null;
  protected readonly navigating = signal(false);
  protected readonly signedIn = computed(() => this.auth.status() === 'signed-in');
  protected readonly nav = computed<NavItem[]>(() => {
    const items: NavItem[] = [
      { path: '/', label: $localize`:@@nav.today:Today`, icon: 'today', exact: true, testid: 'nav-today' },
      { path: '/trends', label: $localize`:@@nav.trends:Trends`, icon: 'trends', exact: false, testid: 'nav-trends' },
      { path: '/calendar', label: $localize`:@@nav.calendar:Calendar`, icon: 'calendar', exact: false, testid: 'nav-calendar' },
      { path: '/sleep', label: $localize`:@@nav.sleep:Sleep`, icon: 'sleep', exact: false, testid: 'nav-sleep' },
      { path: '/activities', label: $localize`:@@nav.activities:Activities`, icon: 'activities', exact: false, testid: 'nav-activities' },
      { path: '/sources', label: $localize`:@@nav.sources:Sources`, icon: 'sources', exact: false, testid: 'nav-sources' },
      { path: '/heatmap', label: $localize`:@@nav.heatmap:Heatmap`, icon: 'map', exact: false, testid: 'nav-heatmap' },
      { path: '/imports', label: $localize`:@@nav.imports:Imports`, icon: 'imports', exact: false, testid: 'nav-imports' },
      { path: '/settings', label: $localize`:@@nav.settings:Settings`, icon: 'settings', exact: false, testid: 'nav-settings' },
    ];
    if (this.auth.isAdmin()) items.push({ path: '/admin', label: $localize`:@@nav.admin:Admin`, icon: 'admin', exact: false, testid: 'nav-admin' });
    return items;
  });
  protected readonly themeToggleLabel = computed(() =>
    this.theme.dark() ? $localize`:@@shell.switchToLight:Switch to light theme` : $localize`:@@shell.switchToDark:Switch to dark theme`,
  );
  protected readonly themeToggleTitle = computed(() =>
    this.theme.dark() ? $localize`:@@shell.lightTheme:Light theme` : $localize`:@@shell.darkTheme:Dark theme`,
  );
  protected readonly userLabel = computed(() => {
    const me = this.auth.me();
    return me ? me.display_name || me.username : '';
  });

  constructor() {
    this.router.events.subscribe((e) => {
      if (e instanceof NavigationStart) this.navigating.set(true);
      else if (e instanceof NavigationEnd) {
        this.navigating.set(false);
        // After moving to another page (not just other query parameters, like the day picker's), put
        // the focus on the page for screen-reader and keyboard users.
        const path = e.urlAfterRedirects.split(/[?#]/)[0];
        if (this.lastPath !== null && path !== this.lastPath) {
          queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }));
        }
        this.lastPath = path;
      } else if (e instanceof NavigationError) {
        this.navigating.set(false);
        this.notify.show('error', $localize`:@@shell.pageLoadFailed:This page could not be loaded. Check your connection and try again.`);
      } else if (e instanceof NavigationCancel || e instanceof NavigationSkipped) {
        this.navigating.set(false);
      }
    });
  }

  /** Switches light/dark here and, signed in, for every device of the user. */
  protected toggleTheme(): void {
    void this.dashboard.setTheme(this.theme.dark() ? 'light' : 'dark');
  }

  protected signOut(): void {
    void this.auth.logout();
  }
}
