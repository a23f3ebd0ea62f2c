import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { ActivityView, components } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { NotifyService } from '../../core/notify.service';
import { MapService, type MapView } from '../../core/map.service';
import { PrefsService } from '../../core/prefs.service';
import { ZoneHistoryService } from '../../core/zone-history.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import * as units from '../../core/units';
import { activityLabel } from '../today/today';
import { fieldsOf, formOf, patchOf, type ActivityFields } from './activity-fields';
import { ActivityFormComponent } from './activity-form';
import { tilesUnder } from './map-tiles';
import { PAD, routeOf } from './route-drawing';
import { splits } from './splits';
import { StreamChart } from './stream-chart';
import { channels, elapsedText, paceText, type Channel } from './streams';

type Streams = { time: number[] } & Record<string, (number | null)[] | undefined>;

type Revision = components['schemas']['RevisionView'];

type Load = { state: 'loading' } | { state: 'ok'; activity: ActivityView; streams: Streams | null } | { state: 'error'; problem: ApiProblem };

const CHANGE_LABEL: Record<string, string> = {
  create: $localize`:@@activity.change.create:Created`,
  update: $localize`:@@activity.change.update:Edited`,
  delete: $localize`:@@activity.change.delete:Moved to the trash`,
  restore: $localize`:@@activity.change.restore:Restored`,
  import: $localize`:@@activity.change.import:Re-imported`,
};


/**
 * One workout: its figures, its route (drawn without a basemap), every stream on one time axis with a
 * shared cursor that also marks the spot on the route, its laps and splits; edit every field, go back
 * to an earlier revision, or move it to the trash.
 */
@Component({
  selector: 'wh-activity',
  imports: [RouterLink, StreamChart, ActivityFormComponent],
  templateUrl: './activity.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);
  /** A workout without a zone of its own shows on the clock of where the user lived then. */
  private readonly zones = inject(ZoneHistoryService);
  private readonly map = inject(MapService);
  /** The configured basemap, once known. */
  protected readonly basemap = signal<MapView | null>(null);

  /** The `:id` of the route. */
  readonly id = input.required<string>();

  protected readonly data = signal<Load>({ state: 'loading' });
  protected readonly hovered = signal<number | null>(null);
  protected readonly editing = signal(false);
  protected readonly system = this.prefs.units;
  /** The activity's revisions, newest first, once the history is opened. */
  protected readonly revisions = signal<Revision[] | null>(null);
  protected readonly confirmDelete = signal(false);
  protected readonly busy = signal(false);
  /** Milliseconds from the streams' arrival to every chart drawn. */
  protected readonly renderMs = signal<number | null>(null);
  /** When the first drawing was on screen, in ms since this page's navigation started (for the performance script). */
  protected readonly drawnAt = signal<number | null>(null);
  private arrivedAt = 0;
  private pending = 0;
  /** What follows the first drawing (fetching every recorded point). */
  private afterDrawn: (() => Promise<void>) | null = null;
  protected readonly syncKey = `activity-${Math.random().toString(36).slice(2)}`;
  private seq = 0;

  protected readonly activity = computed(() => {
    const d = this.data();
    return d.state === 'ok' ? d.activity : null;
  });
  protected readonly error = computed(() => {
    const d = this.data();
    return d.state === 'error' ? d.problem : null;
  });
  protected readonly streams = computed(() => {
    const d = this.data();
    return d.state === 'ok' ? d.streams : null;
  });
  protected readonly charts = computed<Channel[]>(() => {
    const s = this.streams();
    const a = this.activity();
    return s && a ? channels(s, a.type, this.prefs.units()) : [];
  });
  protected readonly route = computed(() => {
    const s = this.streams();
    return s ? routeOf(s) : null;
  });
  protected readonly pad = PAD;
  /** Basemap tiles under the route, when the server has a tile URL configured. */
  protected readonly tiles = computed(() => {
    const r = this.route();
    const m = this.basemap();
    if (!r || !m?.tile_url) return [];
    return tilesUnder({ minX: r.minX, minY: r.minY, scale: r.scale, width: r.width, height: r.height, pad: PAD }, m.tile_url, m.max_zoom).tiles;
  });
  protected readonly routeLabel = computed(() =>
    this.tiles().length ? $localize`:@@activity.routeOnMap:The route on a map` : $localize`:@@activity.routeWithoutMap:The route, drawn without a map`,
  );
  protected readonly marker = computed(() => {
    const i = this.hovered();
    const r = this.route();
    return i !== null && r ? (r.at[i] ?? null) : null;
  });

  protected readonly header = computed(() => {
    const a = this.activity();
    if (!a) return null;
    const system = this.prefs.units();
    const zone = a.time_zone ?? this.zones.zoneAt(a.start);
    const figures: { label: string; value: string }[] = [
      { label: $localize`:@@activity.figure.time:Time`, value: units.duration(a.duration) },
      ...(a.moving_time ? [{ label: $localize`:@@activity.figure.movingTime:Moving time`, value: units.duration(a.moving_time) }] : []),
      ...(a.distance ? [{ label: $localize`:@@activity.figure.distance:Distance`, value: units.text(units.distance(a.distance, system)) }] : []),
      ...(a.elevation_gain ? [{ label: $localize`:@@activity.figure.elevationGain:Elevation gain`, value: units.text(units.elevation(a.elevation_gain, system)) }] : []),
      ...(a.energy ? [{ label: $localize`:@@activity.figure.energy:Energy`, value: units.text(units.energy(a.energy)) }] : []),
      ...(a.avg_heart_rate ? [{ label: $localize`:@@activity.figure.avgHeartRate:Avg heart rate`, value: units.text(units.reading(a.avg_heart_rate, 'bpm')) }] : []),
      ...(a.max_heart_rate ? [{ label: $localize`:@@activity.figure.maxHeartRate:Max heart rate`, value: units.text(units.reading(a.max_heart_rate, 'bpm')) }] : []),
    ];
    return {
      title: a.title || activityLabel(a.type),
      type: activityLabel(a.type),
      when: `${dateTime(a.start, zone)} (${zone})`,
      figures,
      notes: a.notes ?? '',
      gear: a.gear ?? '',
      commute: a.commute ?? false,
      privateNotes: a.private_notes ?? '',
    };
  });

  protected readonly laps = computed(() => {
    const a = this.activity();
    const system = this.prefs.units();
    return (a?.laps ?? []).map((l, i) => ({
      n: i + 1,
      start: elapsedText(l.start_offset),
      duration: units.duration(l.duration),
      distance: l.distance ? units.text(units.distance(l.distance, system)) : '—',
      heartRate: l.avg_heart_rate ? units.text(units.reading(l.avg_heart_rate, 'bpm')) : '—',
    }));
  });

  protected readonly splits = computed(() => {
    const s = this.streams();
    const system = this.prefs.units();
    if (!s) return [];
    const unit = system === 'imperial' ? 'mi' : 'km';
    const unitLength = system === 'imperial' ? units.METRES_PER_MILE : 1000;
    return splits(s, s.time, system).map((x) => ({
      n: x.n,
      // A whole unit is named by its number; the last, shorter split by its length.
      distance: x.metres >= unitLength * 0.999 ? `${x.n} ${unit}` : units.text(units.distance(x.metres, system)),
      time: elapsedText(x.seconds),
      pace: `${paceText(x.pace / 60)} /${unit}`,
      // Less than half a unit either way reads as 0, not -0.
      climb: x.climb === null ? '—' : units.text(units.elevation(Math.abs(x.climb) < 0.5 ? 0 : x.climb, system)),
      heartRate: x.heartRate === null ? '—' : units.text(units.reading(x.heartRate, 'bpm')),
    }));
  });

  /** The form's view of the activity, and the fields it holds before any change. */
  protected readonly editForm = computed(() => {
    const a = this.activity();
    return a ? formOf(a, this.prefs.units(), this.zones.zoneAt(a.start)) : null;
  });

  protected readonly history = computed(() => {
    const zone = this.prefs.zone();
    const system = this.prefs.units();
    const latest = this.activity()?.revision;
    return (this.revisions() ?? []).map((r) => ({
      revision: r.revision,
      change: CHANGE_LABEL[r.change] ?? r.change,
      when: dateTime(r.created_at, zone),
      summary: [
        r.activity.title || activityLabel(r.activity.type),
        r.activity.duration != null ? units.duration(r.activity.duration) : null,
        r.activity.distance ? units.text(units.distance(r.activity.distance, system)) : null,
      ].filter((x) => x !== null).join(' · '),
      current: r.revision === latest,
      restorable: r.revision !== latest && !r.deleted,
    }));
  });

  constructor() {
    void this.map.basemap().then((m) => this.basemap.set(m));
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  /**
   * Loads the activity and then its streams thinned to what a chart can show (1,000 points); every
   * recorded point follows once they are drawn and replaces them, for zooming in.
   */
  protected async load(id: string): Promise<void> {
    const seq = ++this.seq;
    this.afterDrawn = null;
    this.data.set({ state: 'loading' });
    this.revisions.set(null);
    this.editing.set(false);
    this.renderMs.set(null);
    this.drawnAt.set(null);
    const streamsAt = (resolution: 'medium' | 'high') =>
      this.api
        .get('/api/v1/activities/{id}/streams', { path: { id }, query: { resolution } })
        .then((s) => s as unknown as Streams)
        .catch((err: unknown) => {
          if (problemOf(err).code === 'no_streams') return null;
          throw err;
        });
    try {
      // The activity says whether it has streams: one without (entered by hand) is not asked for them.
      const activity = await this.api.get('/api/v1/activities/{id}', { path: { id } });
      if (seq !== this.seq) return;
      const streams = activity.stream_points > 0 ? await streamsAt('medium') : null;
      if (seq !== this.seq) return;
      this.arrivedAt = performance.now();
      this.pending = streams ? channels(streams, activity.type, this.prefs.units()).length : 0;
      this.data.set({ state: 'ok', activity, streams });
      if (streams && activity.stream_points > streams.time.length) {
        // Every point is fetched once the charts are drawn: parsing megabytes of them sooner would
        // hold up the first drawing.
        this.afterDrawn = async () => {
          try {
            const full = await streamsAt('high');
            const now = this.data();
            if (seq === this.seq && full && now.state === 'ok') this.data.set({ ...now, streams: full });
          } catch (err) {
            if (seq === this.seq) this.notify.show('error', $localize`:@@activity.pointsFailed:Every recorded point could not be loaded: ${problemOf(err).detail}:detail:`);
          }
        };
      }
      if (!this.pending) this.drawn(0);
    } catch (err) {
      if (seq === this.seq) this.data.set({ state: 'error', problem: problemOf(err) });
    }
  }

  protected chartRendered(): void {
    if (this.pending <= 0) return;
    this.pending--;
    if (this.pending === 0) requestAnimationFrame(() => this.drawn(Math.round(performance.now() - this.arrivedAt)));
  }

  /** The first drawing is on screen: its time is kept, and every recorded point is fetched. */
  private drawn(ms: number): void {
    this.drawnAt.set(Math.round(performance.now()));
    this.renderMs.set(ms);
    const next = this.afterDrawn;
    this.afterDrawn = null;
    if (next) setTimeout(() => void next(), 0);
  }

  /** Saves an edit as a merge patch of the fields that changed (the server keeps a revision). */
  protected async save(fields: ActivityFields): Promise<void> {
    const a = this.activity();
    const form = this.editForm();
    if (!a || !form) return;
    const before = fieldsOf(form, this.prefs.units());
    const patch = 'fields' in before ? patchOf(before.fields, fields) : { ...fields };
    if (!Object.keys(patch).length) {
      this.editing.set(false);
      return;
    }
    this.busy.set(true);
    try {
      const body = patch as unknown as Record<string, never>;
      const activity = await this.api.patch('/api/v1/activities/{id}', { path: { id: a.id }, body });
      this.data.set({ state: 'ok', activity, streams: this.streams() });
      this.editing.set(false);
      if (this.revisions()) void this.loadRevisions();
      this.notify.success($localize`:@@activity.saved:Saved. The earlier version is kept in the history.`);
    } catch (err) {
      this.notify.show('error', $localize`:@@activity.notSaved:Not saved: ${problemOf(err).detail}:detail:`);
    } finally {
      this.busy.set(false);
    }
  }

  /** Reads the history when it is first opened. */
  protected historyToggled(open: boolean): void {
    if (open && !this.revisions()) void this.loadRevisions();
  }

  private async loadRevisions(): Promise<void> {
    const a = this.activity();
    if (!a) return;
    try {
      const list = await this.api.get('/api/v1/activities/{id}/revisions', { path: { id: a.id } });
      if (this.activity()?.id === a.id) this.revisions.set([...list.items].reverse());
    } catch (err) {
      this.notify.show('error', $localize`:@@activity.historyFailed:The history could not be loaded: ${problemOf(err).detail}:detail:`);
    }
  }

  /** Brings back an earlier revision's fields, itself saved as a new revision. */
  protected async restoreRevision(revision: number): Promise<void> {
    const a = this.activity();
    if (!a) return;
    this.busy.set(true);
    try {
      const activity = await this.api.post('/api/v1/activities/{id}/restore', { path: { id: a.id }, body: { revision } });
      this.data.set({ state: 'ok', activity, streams: this.streams() });
      await this.loadRevisions();
      this.notify.success($localize`:@@activity.revisionRestored:Revision ${revision}:revision: restored.`);
    } catch (err) {
      this.notify.show('error', $localize`:@@activities.notRestored:Not restored: ${problemOf(err).detail}:detail:`);
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(): Promise<void> {
    const a = this.activity();
    if (!a) return;
    this.busy.set(true);
    try {
      await this.api.delete('/api/v1/activities/{id}', { path: { id: a.id } });
      this.notify.success($localize`:@@activity.movedToTrash:Moved to the trash; it can be restored for 30 days.`);
      await this.router.navigate(['/activities']);
    } catch (err) {
      this.notify.show('error', $localize`:@@activity.notDeleted:Not deleted: ${problemOf(err).detail}:detail:`);
    } finally {
      this.busy.set(false);
    }
  }
}
