import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, signal, untracked, viewChildren } from '@angular/core';
import type { SampleView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime, localInput, localToRfc3339, rfc3339Utc } from '../../core/time';
import { KINDS, MANUAL_SOURCE, unitLabel, type MeasurementKind } from './kinds';

/**
 * Manual measurements: weight, body fat, blood pressure, glucose and water, entered in the units of the
 * user's system and stored as samples of a "Manual entry" source (`POST /samples`), which then count
 * like any other source.
 */
@Component({
  selector: 'wh-measurements',
  templateUrl: './measurements.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MeasurementsPage {
  private readonly api = inject(ApiService);
  private readonly notify = inject(NotifyService);
  protected readonly prefs = inject(PrefsService);

  protected readonly kinds = KINDS;
  protected readonly kind = signal<MeasurementKind>(KINDS[0]);
  protected readonly when = signal(localInput(Date.now(), this.prefs.zone()));
  protected readonly now = computed(() => localInput(Date.now(), this.prefs.zone()));
  protected readonly saving = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly recent = signal<SampleView[]>([]);
  protected readonly unitLabel = unitLabel;
  private readonly valueInputs = viewChildren<ElementRef<HTMLInputElement>>('valueInput');

  protected readonly fields = computed(() => {
    const system = this.prefs.units();
    return this.kind().fields.map((f) => ({ ...f, shownUnit: f.unit(system) }));
  });

  protected readonly recentRows = computed(() => {
    const zone = this.prefs.zone();
    return this.recent().map((s) => ({ key: `${s.start}-${s.source_id}-${s.value}`, when: dateTime(s.start, zone), value: `${Math.round(s.value * 100) / 100} ${unitLabel(s.unit)}` }));
  });

  constructor() {
    effect(() => {
      const kind = this.kind();
      untracked(() => void this.loadRecent(kind));
    });
  }

  protected pick(key: string): void {
    const k = KINDS.find((x) => x.key === key);
    if (k) {
      this.kind.set(k);
      this.problem.set(null);
    }
  }

  private async loadRecent(kind: MeasurementKind): Promise<void> {
    const from = rfc3339Utc(Date.now() - 90 * 86_400_000);
    try {
      const page = await this.api.get('/api/v1/samples', { query: { metric: kind.fields[0].metric, from, limit: 1000 } });
      const items = 'items' in page ? page.items : [];
      if (this.kind() === kind) this.recent.set(items.slice(-8).reverse());
    } catch {
      this.recent.set([]);
    }
  }

  protected submit(when: string): void {
    void this.save(this.valueInputs().map((i) => i.nativeElement.value), when);
  }

  protected async save(values: string[], when: string): Promise<void> {
    const kind = this.kind();
    const zone = this.prefs.zone();
    this.problem.set(null);
    const numbers = values.map((v) => Number(v.replace(',', '.')));
    if (numbers.some((n) => !Number.isFinite(n)) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(when)) {
      this.problem.set({ status: 422, code: 'validation_failed', title: $localize`:@@measure.checkValues:Check the values`, detail: $localize`:@@measure.enterAll:Enter a number in every field and a date and time.`, errors: [] } as unknown as ApiProblem);
      return;
    }
    const start = localToRfc3339(when, zone);
    const system = this.prefs.units();
    const samples = kind.fields.map((f, i) => ({
      metric: f.metric,
      value: numbers[i],
      unit: f.unit(system),
      start,
      ...(kind.amount ? { end: start } : {}),
      source: MANUAL_SOURCE,
    }));
    this.saving.set(true);
    try {
      const outcome = await this.api.post('/api/v1/samples', { body: { samples } });
      if (outcome.rejected.length) {
        this.problem.set({ status: 422, code: outcome.rejected[0].code, title: $localize`:@@measure.notSaved:Not saved`, detail: outcome.rejected.map((r) => r.detail).join('; '), errors: [] } as unknown as ApiProblem);
      } else {
        this.notify.success(
          outcome.accepted ? $localize`:@@measure.saved:${kind.label}:kind: saved.` : $localize`:@@measure.alreadySaved:${kind.label}:kind: was already saved.`,
        );
        await this.loadRecent(kind);
      }
    } catch (err) {
      this.problem.set(problemOf(err));
    } finally {
      this.saving.set(false);
    }
  }
}
