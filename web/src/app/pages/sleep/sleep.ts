import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import type { SleepSessionView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { addDays, clock, daysBetween, isDate, longDate, today, type LocalDate } from '../../core/time';
import * as units from '../../core/units';
import { Icon } from '../../shared/icon';
import { STAGE_LABEL, STAGE_ROWS, blocks, clockOf, mainSession, minutesFromEvening, spread } from './night';

/** Nights looked at for regularity. */
const NIGHTS = 30;

type Load = { state: 'loading' } | { state: 'ok'; sessions: SleepSessionView[] } | { state: 'error'; problem: ApiProblem };

/**
 * Sleep: a night's hypnogram (its stages over the night, merged across sources), how long and how
 * well, and the last 30 nights' bedtimes and wake times with how much they vary.
 */
@Component({
  selector: 'wh-sleep',
  imports: [Icon],
  templateUrl: './sleep.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SleepPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  protected readonly prefs = inject(PrefsService);

  /** `?date=` (bound by the router): the day the night ends on. */
  readonly date = input<string | undefined>();

  protected readonly today = computed(() => today(this.prefs.zone()));
  protected readonly day = computed<LocalDate>(() => {
    const d = this.date();
    return isDate(d) && daysBetween(d, this.today()) >= 0 ? d : this.today();
  });
  protected readonly dayLabel = computed(() => longDate(this.day()));
  protected readonly data = signal<Load>({ state: 'loading' });
  private seq = 0;

  protected readonly rows = STAGE_ROWS.map((r, i) => ({ row: r, label: STAGE_LABEL[r], y: i }));
  protected readonly error = computed(() => {
    const d = this.data();
    return d.state === 'error' ? d.problem : null;
  });
  protected readonly night = computed(() => {
    const d = this.data();
    return d.state === 'ok' ? mainSession(d.sessions, this.day()) : null;
  });
  protected readonly naps = computed(() => {
    const d = this.data();
    const main = this.night();
    return d.state === 'ok' ? d.sessions.filter((s) => s.date === this.day() && s !== main) : [];
  });
  protected readonly hypnogram = computed(() => {
    const n = this.night();
    return n ? blocks(n) : [];
  });
  protected readonly ticks = computed(() => {
    const n = this.night();
    if (!n) return [];
    const start = Date.parse(n.start);
    const end = Date.parse(n.end);
    const zone = this.prefs.zone();
    const out: { x: number; label: string }[] = [];
    const hour = 3_600_000;
    for (let t = Math.ceil(start / hour) * hour; t <= end; t += hour) out.push({ x: (t - start) / (end - start), label: clock(t, zone) });
    // At most eight labels.
    const step = Math.ceil(out.length / 8);
    return out.filter((_, i) => i % step === 0);
  });
  protected readonly figures = computed(() => {
    const n = this.night();
    if (!n) return [];
    const zone = this.prefs.zone();
    const stage = (k: string) => n.stages[k] ?? 0;
    return [
      { label: $localize`:@@sleep.asleep:Asleep`, value: units.sleepHm(n.asleep) + ' h' },
      { label: $localize`:@@sleep.inBed:In bed`, value: `${clock(Date.parse(n.start), zone)}–${clock(Date.parse(n.end), zone)}` },
      { label: $localize`:@@sleep.efficiency:Efficiency`, value: units.percent(n.efficiency) },
      { label: $localize`:@@sleep.awake:Awake`, value: units.minutes(n.awake / 60) },
      ...(['rem', 'core', 'deep'] as const)
        .filter((k) => stage(k) > 0)
        .map((k) => ({ label: STAGE_LABEL[k], value: `${units.sleepHm(stage(k))} h (${units.percent(stage(k) / Math.max(n.asleep, 1))})` })),
    ];
  });

  /** The last nights as bars from bedtime to wake time, with how much both vary. */
  protected readonly regularity = computed(() => {
    const d = this.data();
    if (d.state !== 'ok') return null;
    const zone = this.prefs.zone();
    const nights: { date: string; from: number; to: number; asleep: number }[] = [];
    for (let i = NIGHTS - 1; i >= 0; i--) {
      const date = addDays(this.day(), -i);
      const s = mainSession(d.sessions, date);
      if (s) nights.push({ date, from: minutesFromEvening(s.start, zone), to: minutesFromEvening(s.end, zone), asleep: s.asleep });
    }
    if (!nights.length) return null;
    const bed = spread(nights.map((n) => n.from));
    const wake = spread(nights.map((n) => n.to));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      bars: nights.map((n) => ({ ...n, x: (NIGHTS - 1 - daysBetween(n.date, this.day())) / NIGHTS, label: $localize`:@@sleep.barLabel:${n.date}:date:: ${clockOf(n.from)}:from:–${clockOf(n.to)}:to:, ${units.sleepHm(n.asleep)}:asleep: h asleep` })),
      bedtime: clockOf(avg(nights.map((n) => n.from))),
      waketime: clockOf(avg(nights.map((n) => n.to))),
      asleep: units.sleepHm(avg(nights.map((n) => n.asleep))),
      bedSpread: bed === null ? '' : ` (± ${Math.round(bed)} min)`,
      wakeSpread: wake === null ? '' : ` (± ${Math.round(wake)} min)`,
      count: nights.length,
    };
  });
  /** The regularity chart's hours: 18:00 to 12:00, every 3 hours (minutes after 18:00). */
  protected readonly hourLines = [0, 180, 360, 540, 720, 900, 1080].map((m) => ({ y: m / 1080, label: clockOf(m) }));

  constructor() {
    effect(() => {
      const day = this.day();
      untracked(() => void this.load(day));
    });
  }

  protected async load(day: LocalDate): Promise<void> {
    const seq = ++this.seq;
    this.data.set({ state: 'loading' });
    try {
      const sessions = await this.api.get('/api/v1/sleep', { query: { from: addDays(day, -(NIGHTS - 1)), to: day, hypnogram: true } });
      if (seq === this.seq) this.data.set({ state: 'ok', sessions });
    } catch (err) {
      if (seq === this.seq) this.data.set({ state: 'error', problem: problemOf(err) });
    }
  }

  protected go(date: LocalDate | null): void {
    const target = date && date !== this.today() ? date : null;
    void this.router.navigate([], { queryParams: { date: target }, queryParamsHandling: 'merge' });
  }

  protected shift(days: number): void {
    const target = addDays(this.day(), days);
    if (daysBetween(target, this.today()) >= 0) this.go(target);
  }

  protected pick(value: string): void {
    if (isDate(value) && daysBetween(value, this.today()) >= 0) this.go(value);
  }

  protected hypnogramLabel(stretches: number): string {
    return $localize`:@@sleep.hypnogramLabel:Hypnogram: ${stretches}:count: stretches of sleep stages`;
  }

  protected regularityLabel(nights: number): string {
    return $localize`:@@sleep.regularityLabel:Bedtimes and wake times of ${nights}:count: nights`;
  }

  protected stageLabel(stage: string): string {
    return STAGE_LABEL[stage] ?? stage;
  }
}
