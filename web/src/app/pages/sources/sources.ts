import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import type { AttributionView, RunView, SourceView, paths } from '../../api/types';

/** The metrics the attribution takes: the catalogue without sleep. */
type Metric = NonNullable<paths['/api/v1/samples/attribution']['get']['parameters']['query']>['metric'];
import { ApiService } from '../../core/api.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { addDays, clock, dayRange, daysBetween, isDate, longDate, today, type LocalDate } from '../../core/time';
import * as units from '../../core/units';
import { Icon } from '../../shared/icon';
import { bars, moved, treatmentLabel, type Bar } from './timeline';

/** The metrics a day can be explained for: amounts and readings (sleep has its own page). */
export const ATTRIBUTABLE: { metric: Metric; label: string }[] = [
  { metric: 'steps', label: $localize`:@@card.steps:Steps` },
  { metric: 'distance', label: $localize`:@@card.distance:Distance` },
  { metric: 'active_energy', label: $localize`:@@card.activeEnergy:Active energy` },
  { metric: 'basal_energy', label: $localize`:@@card.restingEnergy:Resting energy` },
  { metric: 'exercise_minutes', label: $localize`:@@sources.metric.exerciseMinutes:Exercise minutes` },
  { metric: 'floors', label: $localize`:@@figure.floors:Floors climbed` },
  { metric: 'heart_rate', label: $localize`:@@today.heartRate:Heart rate` },
  { metric: 'resting_heart_rate', label: $localize`:@@card.restingHeartRate:Resting heart rate` },
  { metric: 'hrv_sdnn', label: $localize`:@@figure.hrvSdnn:HRV (SDNN)` },
  { metric: 'body_mass', label: $localize`:@@card.weight:Weight` },
  { metric: 'water', label: $localize`:@@measure.water:Water` },
];

const KIND_LABEL: Record<string, string> = {
  watch: $localize`:@@sources.kind.watch:Watch`,
  ring: $localize`:@@sources.kind.ring:Ring`,
  band: $localize`:@@sources.kind.band:Band`,
  chest_strap: $localize`:@@sources.kind.chestStrap:Chest strap`,
  bike_computer: $localize`:@@sources.kind.bikeComputer:Bike computer`,
  scale: $localize`:@@sources.kind.scale:Scale`,
  blood_pressure_monitor: $localize`:@@sources.kind.bloodPressureMonitor:Blood pressure monitor`,
  glucometer: $localize`:@@sources.kind.glucometer:Glucometer`,
  phone: $localize`:@@sources.kind.phone:Phone`,
  app: $localize`:@@sources.kind.app:App`,
  manual: $localize`:@@sources.kind.manual:Manual entry`,
  other: $localize`:@@sources.kind.other:Other`,
};

interface Row {
  id: number;
  name: string;
  kind: string;
  bars: Bar[];
  value: string;
  counted: string;
  share: string;
  treatment: RunView['treatment'];
}

type Load<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; problem: ApiProblem };

/**
 * "Where do my numbers come from": for a day and a metric, each source's samples on one timeline with
 * what the merge counted and what it set aside, and the source priority beside it, reorderable by
 * dragging (or with the Move buttons), after which the day is explained again.
 */
@Component({
  selector: 'wh-sources',
  imports: [Icon],
  templateUrl: './sources.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SourcesPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly notify = inject(NotifyService);
  protected readonly prefs = inject(PrefsService);

  /** `?date=YYYY-MM-DD` and `?metric=` (bound by the router). */
  readonly date = input<string | undefined>();
  readonly metric = input<string | undefined>();

  protected readonly metrics = ATTRIBUTABLE;
  protected readonly today = computed(() => today(this.prefs.zone()));
  protected readonly day = computed<LocalDate>(() => {
    const d = this.date();
    return isDate(d) && daysBetween(d, this.today()) >= 0 ? d : this.today();
  });
  protected readonly chosen = computed<Metric>(() => ATTRIBUTABLE.find((m) => m.metric === this.metric())?.metric ?? 'steps');
  protected readonly dayLabel = computed(() => longDate(this.day()));
  protected readonly hours = [0, 3, 6, 9, 12, 15, 18, 21].map((h) => ({ h, x: h / 24, label: `${String(h).padStart(2, '0')}:00` }));

  protected readonly attribution = signal<Load<AttributionView>>({ state: 'loading' });
  protected readonly priority = signal<Load<SourceView[]>>({ state: 'loading' });
  protected readonly saving = signal(false);
  /** The index of the source being dragged in the priority list. */
  protected readonly dragging = signal<number | null>(null);
  private seq = 0;

  protected readonly error = computed(() => {
    const a = this.attribution();
    return a.state === 'error' ? a.problem : null;
  });

  protected readonly figure = computed(() => {
    const a = this.attribution();
    if (a.state !== 'ok' || a.value.figure === null || a.value.figure === undefined) return null;
    return this.describe(a.value.metric, a.value.unit, a.value.figure);
  });

  protected readonly rows = computed<Row[]>(() => {
    const a = this.attribution();
    if (a.state !== 'ok') return [];
    const zone = this.prefs.zone();
    const { start, end } = dayRange(a.value.date, zone);
    const { metric, unit } = a.value;
    const describe = (r: RunView) => this.describe(metric, unit, r.value);
    return a.value.sources.map((s) => ({
      id: s.source.id,
      name: s.source.name,
      kind: KIND_LABEL[s.source.kind] ?? s.source.kind,
      bars: bars(s.runs, start, end, describe, (ms) => clock(ms, zone)),
      value: this.describe(metric, unit, s.total.value),
      counted: s.total.counted === null || s.total.counted === undefined ? '—' : this.describe(metric, unit, s.total.counted),
      share: units.percent(s.total.share),
      treatment: s.total.treatment,
    }));
  });

  protected readonly treatmentLabel = treatmentLabel;

  constructor() {
    effect(() => {
      const day = this.day();
      const metric = this.chosen();
      untracked(() => void this.load(day, metric));
    });
    void this.loadPriority();
  }

  protected trackLabel(r: Row): string {
    return $localize`:@@sources.trackLabel:${r.name}:source:: ${r.value}:recorded: recorded, ${r.counted}:counted: counted`;
  }

  protected moveUpLabel(source: string): string {
    return $localize`:@@common.moveUp:Move ${source}:item: up`;
  }

  protected moveDownLabel(source: string): string {
    return $localize`:@@common.moveDown:Move ${source}:item: down`;
  }

  /** A value of `metric` in the user's units. */
  private describe(metric: string, unit: string, value: number): string {
    switch (metric) {
      case 'distance':
        return units.text(this.prefs.distance(value));
      case 'body_mass':
        return units.text(this.prefs.mass(value));
      case 'active_energy':
      case 'basal_energy':
        return units.text(units.energy(value));
      case 'exercise_minutes':
        return units.minutes(value);
      default:
        return units.text(units.reading(value, unit === 'count' ? '' : unit === 'count/min' ? 'bpm' : unit, value % 1 === 0 ? 0 : 1));
    }
  }

  protected async load(day: LocalDate, metric: Metric): Promise<void> {
    const seq = ++this.seq;
    this.attribution.set({ state: 'loading' });
    try {
      const value = await this.api.get('/api/v1/samples/attribution', { query: { metric, date: day } });
      if (seq === this.seq) this.attribution.set({ state: 'ok', value });
    } catch (err) {
      if (seq === this.seq) this.attribution.set({ state: 'error', problem: problemOf(err) });
    }
  }

  private async loadPriority(): Promise<void> {
    try {
      this.priority.set({ state: 'ok', value: await this.api.get('/api/v1/sources/priority') });
    } catch (err) {
      this.priority.set({ state: 'error', problem: problemOf(err) });
    }
  }

  protected reload(): void {
    void this.load(this.day(), this.chosen());
  }

  private go(params: { date?: LocalDate | null; metric?: Metric }): void {
    void this.router.navigate([], { queryParams: params, queryParamsHandling: 'merge' });
  }

  protected pickMetric(value: string): void {
    const m = ATTRIBUTABLE.find((x) => x.metric === value);
    if (m) this.go({ metric: m.metric });
  }

  protected pickDay(value: string): void {
    if (isDate(value) && daysBetween(value, this.today()) >= 0) this.go({ date: value === this.today() ? null : value });
  }

  protected shiftDay(days: number): void {
    const target = addDays(this.day(), days);
    if (daysBetween(target, this.today()) >= 0) this.go({ date: target === this.today() ? null : target });
  }

  /** Moves a source in the priority list and saves the new order; the day is explained again. */
  protected async move(from: number, to: number): Promise<void> {
    const p = this.priority();
    if (p.state !== 'ok' || this.saving()) return;
    const order = moved(p.value, from, to);
    if (order === p.value || order.every((s, i) => s.id === p.value[i].id)) return;
    this.priority.set({ state: 'ok', value: order });
    this.saving.set(true);
    try {
      const saved = await this.api.put('/api/v1/sources/priority', { body: { order: order.map((s) => s.id) } });
      this.priority.set({ state: 'ok', value: saved });
      this.notify.show('success', $localize`:@@sources.moved:${order[to].name}:source: is now number ${to + 1}:rank:.`);
      await this.load(this.day(), this.chosen());
    } catch (err) {
      this.priority.set(p);
      this.notify.show('error', $localize`:@@sources.orderError:The order could not be saved: ${problemOf(err).detail}:detail:`);
    } finally {
      this.saving.set(false);
    }
  }

  protected dragStart(event: DragEvent, index: number): void {
    this.dragging.set(index);
    event.dataTransfer?.setData('text/plain', String(index));
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  protected dragOver(event: DragEvent): void {
    // Allows the drop.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  }

  protected drop(event: DragEvent, index: number): void {
    event.preventDefault();
    const from = this.dragging() ?? Number(event.dataTransfer?.getData('text/plain'));
    this.dragging.set(null);
    if (Number.isInteger(from)) void this.move(from, index);
  }

  protected dragEnd(): void {
    this.dragging.set(null);
  }
}
