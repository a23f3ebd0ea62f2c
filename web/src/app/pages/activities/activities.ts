import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ActivityView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { PrefsService } from '../../core/prefs.service';
import { ZoneHistoryService } from '../../core/zone-history.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import * as units from '../../core/units';
import { activityLabel } from '../today/today';

const PAGE = 30;
const TYPES = ['running', 'trail_running', 'walking', 'hiking', 'cycling', 'mountain_biking', 'swimming', 'rowing', 'strength_training', 'yoga', 'other'];

/** Workouts, newest first, with a type filter, words to find in titles and notes, and more on demand. */
@Component({
  selector: 'wh-activities',
  imports: [RouterLink],
  templateUrl: './activities.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivitiesPage {
  private readonly api = inject(ApiService);
  private readonly prefs = inject(PrefsService);
  /** A workout without a zone of its own shows on the clock of where the user lived then. */
  private readonly zones = inject(ZoneHistoryService);

  protected readonly types = TYPES.map((t) => ({ value: t, label: activityLabel(t) }));
  protected readonly type = signal('');
  protected readonly words = signal('');
  protected readonly items = signal<ActivityView[]>([]);
  protected readonly next = signal<string | null>(null);
  protected readonly state = signal<'loading' | 'ok' | 'more'>('loading');
  protected readonly problem = signal<ApiProblem | null>(null);
  /** Pairs that look like one workout recorded twice, counted in the background. */
  protected readonly duplicates = signal(0);
  private seq = 0;

  protected readonly rows = computed(() => {
    const system = this.prefs.units();
    return this.items().map((a) => ({
      id: a.id,
      title: a.title || activityLabel(a.type),
      type: activityLabel(a.type),
      when: dateTime(a.start, a.time_zone ?? this.zones.zoneAt(a.start)),
      duration: units.duration(a.duration),
      distance: a.distance ? units.text(units.distance(a.distance, system)) : '',
      heartRate: a.avg_heart_rate ? units.text(units.reading(a.avg_heart_rate, 'bpm')) : '',
    }));
  });

  constructor() {
    effect(() => {
      const type = this.type();
      const words = this.words();
      untracked(() => void this.load(type, words, null));
    });
    this.api.get('/api/v1/activities/duplicates').then(
      (pairs) => this.duplicates.set(pairs.length),
      () => this.duplicates.set(0),
    );
  }

  protected async load(type: string, words: string, cursor: string | null): Promise<void> {
    const seq = ++this.seq;
    this.state.set(cursor ? 'more' : 'loading');
    this.problem.set(null);
    try {
      const page = await this.api.get('/api/v1/activities', {
        query: { limit: PAGE, ...(type ? { type } : {}), ...(words.trim() ? { q: words.trim() } : {}), ...(cursor ? { cursor } : {}) },
      });
      if (seq !== this.seq) return;
      this.items.set(cursor ? [...this.items(), ...page.items] : page.items);
      this.next.set(page.next_cursor ?? null);
    } catch (err) {
      if (seq === this.seq) this.problem.set(problemOf(err));
    } finally {
      if (seq === this.seq) this.state.set('ok');
    }
  }

  protected more(): void {
    const cursor = this.next();
    if (cursor) void this.load(this.type(), this.words(), cursor);
  }

  protected search(value: string): void {
    this.words.set(value);
  }
}
