import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ActivityView, components } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { intlLocale } from '../../core/i18n';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { ZoneHistoryService } from '../../core/zone-history.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import * as units from '../../core/units';
import { activityLabel } from '../today/today';

type Pair = components['schemas']['DuplicatePair'];

/** One side of a pair as the page shows it. */
interface Side {
  id: string;
  title: string;
  source: string;
  when: string;
  figures: string;
  streams: string;
}

/** How many points a workout recorded, as a side of a pair says it. */
function pointsText(n: number): string {
  if (!n) return $localize`:@@duplicates.noStreams:No recorded streams`;
  return n === 1 ? $localize`:@@duplicates.onePoint:1 recorded point` : $localize`:@@duplicates.points:${n.toLocaleString(intlLocale())}:count: recorded points`;
}

/**
 * Workouts that look recorded twice (a watch's FIT file and the phone's copy of it): each pair side by
 * side, with its sources, to merge into the better one (the other is counted no more) or keep both.
 */
@Component({
  selector: 'wh-duplicates',
  imports: [RouterLink],
  template: `
    <p class="back"><a routerLink="/activities" i18n="@@activities.backToList">← Activities</a></p>
    <div class="page-head"><h1 i18n="@@duplicates.title">Possible duplicates</h1></div>
    <p class="muted" i18n="@@duplicates.lead">
      These workouts overlap and started within a minute of each other. Merging keeps one (its own totals, plus any
      field or stream only the other has) and hides the other from lists and summaries, so it is counted once.
    </p>
    @if (problem(); as p) {
      <p class="form-error" role="alert" i18n="@@duplicates.error">The pairs could not be loaded: {{ p.detail }}</p>
    }
    <section aria-label="Pairs" i18n-aria-label="@@duplicates.pairs" data-testid="duplicates" [attr.data-state]="state()">
      @for (p of rows(); track p.key) {
        <article class="card duplicate-pair" data-testid="duplicate-pair">
          <div class="duplicate-sides">
            @for (s of [p.first, p.second]; track s.id; let second = $index) {
              <div class="duplicate-side">
                <h2 class="h3"><a [routerLink]="['/activities', s.id]">{{ s.title }}</a></h2>
                <p class="muted small">{{ s.source }} · {{ s.when }}</p>
                <p class="small">{{ s.figures }}</p>
                <p class="muted small">{{ s.streams }}</p>
                <button type="button" class="btn btn-secondary btn-sm" [disabled]="busy()" (click)="merge(second ? p.second.id : p.first.id, second ? p.first.id : p.second.id, false)"
                  [attr.data-testid]="'duplicate-keep-' + (second ? 'second' : 'first')" i18n="@@duplicates.keepThis">Keep this one, merge the other</button>
              </div>
            }
          </div>
          <button type="button" class="btn btn-ghost btn-sm" [disabled]="busy()" (click)="merge(p.first.id, p.second.id, true)" data-testid="duplicate-keep-both" i18n="@@duplicates.keepBoth">
            They are two workouts: keep both
          </button>
        </article>
      } @empty {
        @if (state() === 'ok') {
          <p class="card muted" data-testid="duplicates-none" i18n="@@duplicates.none">No possible duplicates.</p>
        } @else {
          <p class="muted" role="status"><span class="spinner" aria-hidden="true"></span> <ng-container i18n="@@common.loadingEllipsis">Loading…</ng-container></p>
        }
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DuplicatesPage {
  private readonly api = inject(ApiService);
  private readonly notify = inject(NotifyService);
  private readonly prefs = inject(PrefsService);
  private readonly zones = inject(ZoneHistoryService);
  protected readonly pairs = signal<Pair[]>([]);
  protected readonly sources = signal<Map<number, string>>(new Map());
  protected readonly state = signal<'loading' | 'ok'>('loading');
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly busy = signal(false);

  protected readonly rows = computed(() => {
    const side = (a: ActivityView): Side => {
      const system = this.prefs.units();
      const figures = [
        units.duration(a.duration),
        a.distance ? units.text(units.distance(a.distance, system)) : null,
        a.energy ? units.text(units.energy(a.energy)) : null,
        a.avg_heart_rate ? units.text(units.reading(a.avg_heart_rate, 'bpm')) : null,
      ];
      return {
        id: a.id,
        title: a.title || activityLabel(a.type),
        source: (a.source_id != null ? this.sources().get(a.source_id) : null) ?? $localize`:@@duplicates.unknownSource:Unknown source`,
        when: dateTime(a.start, a.time_zone ?? this.zones.zoneAt(a.start)),
        figures: figures.filter((f) => f !== null).join(' · '),
        streams: pointsText(a.stream_points),
      };
    };
    return this.pairs().map((p) => ({ key: `${p.first.id}:${p.second.id}`, first: side(p.first), second: side(p.second) }));
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [pairs, sources] = await Promise.all([this.api.get('/api/v1/activities/duplicates'), this.api.get('/api/v1/sources')]);
      this.sources.set(new Map(sources.map((s) => [s.id, s.name])));
      this.pairs.set(pairs);
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.state.set('ok');
    }
  }

  /** Keeps `keep`, merging `other` into it (or, with `both`, keeps both and stops suggesting the pair). */
  protected async merge(keep: string, other: string, both: boolean): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.post('/api/v1/activities/{id}/merge', { path: { id: keep }, body: { other, keep_both: both } });
      this.pairs.update((ps) => ps.filter((p) => !(new Set([p.first.id, p.second.id]).has(keep) && new Set([p.first.id, p.second.id]).has(other))));
      this.notify.success(both ? $localize`:@@duplicates.keptBoth:Both kept; this pair will not be suggested again.` : $localize`:@@duplicates.merged:Merged: the workout is counted once.`);
    } catch (err) {
      this.notify.show('error', $localize`:@@duplicates.notMerged:Not merged: ${problemOf(err).detail}:detail:`);
    } finally {
      this.busy.set(false);
    }
  }
}
