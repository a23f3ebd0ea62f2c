import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { ApiError, problemOf, type ApiProblem } from '../../core/problem';
import { browserZone, dateTime } from '../../core/time';
import { rowsOf, type PeriodRow, type TimeZonesBody, type TimeZonesView } from './time-zone-periods';
import { TimeZonesEditor } from './time-zones-editor';

/** How often the count of days still being recomputed is read again. */
export const POLL_MS = 1000;
/** How long "All days are up to date" stays after the count reaches 0. */
export const DONE_MS = 8000;
/** A save the server calls busy (`time_zones_busy`: the history changed meanwhile) is sent again this many times. */
const BUSY_RETRIES = 2;

/**
 * The zones the user lived in and from when (`/me/time-zones`), so each past day is counted in the
 * zone it was lived in; editing replaces the whole history. After a change the server recomputes the
 * days that moved: the count is polled until it is 0.
 */
@Component({
  selector: 'wh-time-zones-section',
  imports: [TimeZonesEditor],
  template: `
    <section class="card" id="time-zones" aria-labelledby="tz-title" data-testid="tz-section">
      <h2 id="tz-title" i18n="@@settings.tz.title">Time zones</h2>
      <p class="lead" i18n="@@settings.tz.lead">Where you lived, and from when: each day counts in the zone you were in that day. The zone above applies from now on.</p>
      <div class="tz-status" aria-live="polite" data-testid="tz-status">
        @if (pending() > 0) {
          <label class="progress-label small" for="tz-progress" data-testid="tz-pending" i18n="@@settings.tz.pending">Recomputing your days: {{ pending() }} left</label>
          <progress id="tz-progress" [max]="maxPending()" [value]="maxPending() - pending()" data-testid="tz-progress"></progress>
        } @else if (upToDate()) {
          <p class="form-ok" data-testid="tz-up-to-date" i18n="@@settings.tz.upToDate">All days are up to date.</p>
        }
      </div>
      @if (!editing() && problem(); as p) {
        <p class="form-error" role="alert" data-testid="tz-error">{{ p.detail }}</p>
      }
      @if (editing(); as rows) {
        <wh-time-zones-editor [initial]="rows" [zone]="prefs.zone()" [problem]="problem()" [busy]="saving()" (save)="save($event)" (cancelled)="cancel()" />
      } @else if (view(); as v) {
        @if (v.time_zone_set && v.periods.length) {
          <ul class="tz-list" data-testid="tz-list">
            @for (p of newestFirst(); track p.index) {
              <li class="tz-period" data-testid="tz-period" [attr.data-zone]="p.zone">
                <div>
                  <strong class="tz-name">{{ p.zone }}</strong>
                  @if (p.index === v.periods.length - 1) {
                    &ngsp;<span class="badge badge-accent" i18n="@@settings.tz.now">now</span>
                  }
                </div>
                <div class="muted small">
                  @if (p.index > 0) {
                    <ng-container i18n="@@settings.tz.since">since {{ when(p.from, p.zone) }}</ng-container>
                  } @else if (v.periods.length > 1) {
                    <ng-container i18n="@@settings.tz.beforeThat">before that: all earlier days</ng-container>
                  } @else {
                    <ng-container i18n="@@settings.tz.allDays">all days</ng-container>
                  }
                </div>
              </li>
            }
          </ul>
          <button type="button" class="btn btn-secondary" (click)="edit()" data-testid="tz-edit" i18n="@@settings.tz.edit">Edit history</button>
        } @else {
          <p data-testid="tz-unset" i18n="@@settings.tz.unset">No time zone set: your days are counted in UTC.</p>
          <button type="button" class="btn" (click)="edit()" data-testid="tz-set" i18n="@@settings.tz.set">Set your time zone</button>
        }
      } @else if (!problem()) {
        <p class="empty" role="status"><span class="spinner" aria-hidden="true"></span> <ng-container i18n="@@common.loadingEllipsis">Loading…</ng-container></p>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TimeZonesSection {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly notify = inject(NotifyService);
  protected readonly prefs = inject(PrefsService);

  protected readonly view = signal<TimeZonesView | null>(null);
  /** The rows being edited; `null` while the history is only shown. */
  protected readonly editing = signal<PeriodRow[] | null>(null);
  protected readonly saving = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly pending = signal(0);
  /** The largest count seen since the change: the progress bar's whole. */
  protected readonly maxPending = signal(0);
  protected readonly upToDate = signal(false);
  protected readonly newestFirst = computed(() => (this.view()?.periods ?? []).map((p, index) => ({ ...p, index })).reverse());

  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private doneTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor() {
    // Read the history again whenever the profile's zone is not the one it ends in (the select above
    // adds a period), but not after this section's own save, which already has the history.
    const zone = computed(() => {
      const me = this.auth.me();
      return me ? { zone: me.time_zone, set: me.time_zone_set as boolean | undefined } : null;
    });
    effect(() => {
      const now = zone();
      if (!now) return;
      untracked(() => {
        const v = this.view();
        const shown = v?.time_zone_set ? v.periods.at(-1)?.zone : 'UTC';
        if (!v || shown !== now.zone || (now.set !== undefined && now.set !== v.time_zone_set)) void this.load();
      });
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      if (this.pollTimer) clearTimeout(this.pollTimer);
      if (this.doneTimer) clearTimeout(this.doneTimer);
    });
  }

  protected when(iso: string | null | undefined, zone: string): string {
    return dateTime(iso, zone);
  }

  async load(): Promise<void> {
    try {
      const view = await this.api.get('/api/v1/me/time-zones');
      if (this.destroyed) return;
      this.apply(view, false);
      if (!this.editing()) this.problem.set(null);
    } catch (err) {
      // While editing, the form's problem is the save's: a failed background read does not replace it.
      if (!this.destroyed && !this.editing()) this.problem.set(problemOf(err));
    }
  }

  protected edit(): void {
    const v = this.view();
    this.problem.set(null);
    this.editing.set(rowsOf(v?.time_zone_set ? v.periods : [], v?.time_zone_set ? this.prefs.zone() : browserZone()));
  }

  protected cancel(): void {
    this.problem.set(null);
    this.editing.set(null);
  }

  protected async save(body: TimeZonesBody): Promise<void> {
    this.saving.set(true);
    this.problem.set(null);
    try {
      const view = await this.put(body);
      this.editing.set(null);
      this.maxPending.set(0);
      this.apply(view, true);
      this.notify.success($localize`:@@common.saved:Saved.`);
      await this.refreshMe(view);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.saving.set(false);
    }
  }

  /** `PUT`, sent again when the server was busy with another change of the history. */
  private async put(body: TimeZonesBody): Promise<TimeZonesView> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.api.put('/api/v1/me/time-zones', { body });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'time_zones_busy' && attempt < BUSY_RETRIES)) throw err;
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
  }

  /** The profile's zone is the last period's: read `/me` again so the zone select shows it. */
  private async refreshMe(view: TimeZonesView): Promise<void> {
    try {
      await this.auth.loadMe();
    } catch {
      const zone = view.periods.at(-1)?.zone;
      if (zone) this.auth.me.update((me) => me && { ...me, time_zone: zone, time_zone_set: true });
    }
  }

  /** Shows a view; while days are being recomputed, reads it again until they are done. */
  private apply(view: TimeZonesView, changed: boolean): void {
    this.view.set(view);
    const left = view.pending_days;
    const wasPending = this.maxPending() > 0;
    this.pending.set(left);
    if (left > 0) {
      this.maxPending.update((m) => Math.max(m, left));
      this.upToDate.set(false);
      this.schedulePoll();
    } else if (changed || wasPending) {
      this.maxPending.set(0);
      this.showDone();
    }
  }

  private schedulePoll(): void {
    if (this.pollTimer || this.destroyed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.load();
    }, POLL_MS);
  }

  private showDone(): void {
    this.upToDate.set(true);
    if (this.doneTimer) clearTimeout(this.doneTimer);
    this.doneTimer = setTimeout(() => {
      this.doneTimer = null;
      this.upToDate.set(false);
    }, DONE_MS);
  }
}
