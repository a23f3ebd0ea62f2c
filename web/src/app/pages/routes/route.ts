import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { components } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { MapService, type MapView } from '../../core/map.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import * as units from '../../core/units';
import { tilesUnder } from '../activities/map-tiles';
import { PAD, routeOf, trackStreams } from '../activities/route-drawing';

type RouteDetail = components['schemas']['PlannedRouteDetailView'];

type Load = { state: 'loading' } | { state: 'ok'; route: RouteDetail } | { state: 'error'; problem: ApiProblem };

/**
 * A planned route (a GPX without times, kept by an import): its line on the map, its length and climb,
 * and a way to delete it.
 */
@Component({
  selector: 'wh-route',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="back"><a routerLink="/imports" i18n="@@route.back">← Imports</a></p>
    @switch (load().state) {
      @case ('loading') {
        <p class="muted" i18n="@@route.loading">Loading the route…</p>
      }
      @case ('error') {
        <p class="form-error" role="alert" data-testid="route-error" i18n="@@route.error">This route could not be loaded: {{ problem()?.detail }}</p>
      }
      @case ('ok') {
        @if (detail(); as d) {
          <div class="page-head">
            <div>
              <h1 data-testid="route-title">{{ d.name ?? untitled }}</h1>
              <p class="muted" i18n="@@route.subtitle">Planned route · imported {{ imported() }}</p>
            </div>
            <div class="activity-actions">
              @if (confirmDelete()) {
                <button type="button" class="btn btn-danger btn-sm" (click)="remove()" [disabled]="busy()" data-testid="route-delete-confirm" i18n="@@route.deleteConfirm">Delete the route</button>
                <button type="button" class="btn btn-ghost btn-sm" (click)="confirmDelete.set(false)" i18n="@@route.keep">Keep</button>
              } @else {
                <button type="button" class="btn btn-ghost btn-sm" (click)="confirmDelete.set(true)" data-testid="route-delete" i18n="@@route.delete">Delete…</button>
              }
            </div>
          </div>
          @if (d.description) {
            <p class="activity-notes" data-testid="route-description">{{ d.description }}</p>
          }
          <dl class="activity-figures-big" data-testid="route-figures">
            <div><dt i18n="@@route.distance">Distance</dt><dd class="num">{{ distance() }}</dd></div>
            @if (climb(); as c) {
              <div><dt i18n="@@route.climb">Elevation gain</dt><dd class="num">{{ c }}</dd></div>
            }
            <div><dt i18n="@@route.points">Points</dt><dd class="num">{{ d.points }}</dd></div>
          </dl>
          @if (drawing(); as r) {
            <section class="card activity-route" aria-label="Route" i18n-aria-label="@@activity.route">
              <svg [attr.viewBox]="-pad + ' ' + -pad + ' ' + (r.width + 2 * pad) + ' ' + (r.height + 2 * pad)" role="img"
                [attr.aria-label]="label()" data-testid="route-drawing" [attr.data-tiles]="tiles().length">
                @if (tiles().length) {
                  <g class="route-tiles">
                    @for (t of tiles(); track t.url) {
                      <image [attr.href]="t.url" [attr.x]="t.x" [attr.y]="t.y" [attr.width]="t.size" [attr.height]="t.size" preserveAspectRatio="none" />
                    }
                  </g>
                }
                <path class="route-line" [attr.d]="r.path" />
              </svg>
              @if (tiles().length && basemap()?.attribution; as attribution) {
                <p class="route-attribution small muted">{{ attribution }}</p>
              }
            </section>
          }
        }
      }
    }
  `,
})
export class RoutePage {
  private readonly api = inject(ApiService);
  private readonly map = inject(MapService);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);
  private readonly router = inject(Router);

  readonly id = input.required<string>();
  protected readonly load = signal<Load>({ state: 'loading' });
  protected readonly basemap = signal<MapView | null>(null);
  protected readonly confirmDelete = signal(false);
  protected readonly busy = signal(false);
  protected readonly pad = PAD;
  protected readonly untitled = $localize`:@@route.untitled:Untitled route`;

  protected readonly detail = computed(() => {
    const l = this.load();
    return l.state === 'ok' ? l.route : null;
  });
  protected readonly problem = computed(() => {
    const l = this.load();
    return l.state === 'error' ? l.problem : null;
  });
  protected readonly drawing = computed(() => {
    const d = this.detail();
    return d ? routeOf(trackStreams(d.track)) : null;
  });
  protected readonly tiles = computed(() => {
    const r = this.drawing();
    const m = this.basemap();
    if (!r || !m?.tile_url) return [];
    return tilesUnder({ minX: r.minX, minY: r.minY, scale: r.scale, width: r.width, height: r.height, pad: PAD }, m.tile_url, m.max_zoom).tiles;
  });
  protected readonly label = computed(() =>
    this.tiles().length ? $localize`:@@activity.routeOnMap:The route on a map` : $localize`:@@activity.routeWithoutMap:The route, drawn without a map`,
  );
  protected readonly distance = computed(() => units.text(units.distance(this.detail()?.distance, this.prefs.units())));
  protected readonly climb = computed(() => {
    const gain = this.detail()?.elevation_gain;
    return gain === null || gain === undefined ? null : units.text(units.elevation(gain, this.prefs.units()));
  });
  protected readonly imported = computed(() => {
    const d = this.detail();
    return d ? dateTime(d.created_at, this.prefs.zone()) : '';
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.fetch(id));
    });
    void this.map.basemap().then((m) => this.basemap.set(m));
  }

  private async fetch(id: string): Promise<void> {
    this.load.set({ state: 'loading' });
    try {
      const route = await this.api.get('/api/v1/routes/{id}', { path: { id } });
      this.load.set({ state: 'ok', route });
    } catch (e) {
      this.load.set({ state: 'error', problem: problemOf(e) });
    }
  }

  protected async remove(): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.delete('/api/v1/routes/{id}', { path: { id: this.id() } });
      this.notify.success($localize`:@@route.deleted:The route was deleted.`);
      await this.router.navigateByUrl('/imports');
    } catch (e) {
      this.notify.error(e);
    } finally {
      this.busy.set(false);
    }
  }
}
