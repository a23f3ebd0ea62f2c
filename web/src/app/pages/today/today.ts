import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { ActivityList, ActivityView, components, DailySummariesView, SampleListView, SleepSessionView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { LiveService } from '../../core/live.service';
import { mergeStream, toSeries, type SeriesData } from '../../core/chart-data';
import { DashboardPrefsService } from '../../core/dashboard-prefs.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { average, column, latestOnOrBefore, valueOn } from '../../core/summaries';
import { addDays, dayRange, daysBetween, isDate, longDate, rfc3339Utc, today, clock, type LocalDate } from '../../core/time';
import * as units from '../../core/units';
import { Icon, type IconName } from '../../shared/icon';
import { HrChart } from './hr-chart';

/** The name of each activity type of the catalogue, in the page's language. */
const ACTIVITY_LABEL: Record<components['schemas']['ActivityType'], string> = {
  walking: $localize`:@@activity.type.walking:Walking`,
  indoor_walking: $localize`:@@activity.type.indoorWalking:Indoor walking`,
  running: $localize`:@@activity.type.running:Running`,
  trail_running: $localize`:@@activity.type.trailRunning:Trail running`,
  treadmill_running: $localize`:@@activity.type.treadmillRunning:Treadmill running`,
  track_running: $localize`:@@activity.type.trackRunning:Track running`,
  hiking: $localize`:@@activity.type.hiking:Hiking`,
  wheelchair: $localize`:@@activity.type.wheelchair:Wheelchair`,
  cycling: $localize`:@@activity.type.cycling:Cycling`,
  indoor_cycling: $localize`:@@activity.type.indoorCycling:Indoor cycling`,
  mountain_biking: $localize`:@@activity.type.mountainBiking:Mountain biking`,
  gravel_cycling: $localize`:@@activity.type.gravelCycling:Gravel cycling`,
  e_biking: $localize`:@@activity.type.eBiking:E-biking`,
  hand_cycling: $localize`:@@activity.type.handCycling:Hand cycling`,
  swimming: $localize`:@@activity.type.swimming:Swimming`,
  open_water_swimming: $localize`:@@activity.type.openWaterSwimming:Open water swimming`,
  rowing: $localize`:@@activity.type.rowing:Rowing`,
  indoor_rowing: $localize`:@@activity.type.indoorRowing:Indoor rowing`,
  kayaking: $localize`:@@activity.type.kayaking:Kayaking`,
  canoeing: $localize`:@@activity.type.canoeing:Canoeing`,
  stand_up_paddling: $localize`:@@activity.type.standUpPaddling:Stand-up paddling`,
  surfing: $localize`:@@activity.type.surfing:Surfing`,
  sailing: $localize`:@@activity.type.sailing:Sailing`,
  windsurfing: $localize`:@@activity.type.windsurfing:Windsurfing`,
  kitesurfing: $localize`:@@activity.type.kitesurfing:Kitesurfing`,
  alpine_skiing: $localize`:@@activity.type.alpineSkiing:Alpine skiing`,
  backcountry_skiing: $localize`:@@activity.type.backcountrySkiing:Backcountry skiing`,
  cross_country_skiing: $localize`:@@activity.type.crossCountrySkiing:Cross country skiing`,
  snowboarding: $localize`:@@activity.type.snowboarding:Snowboarding`,
  snowshoeing: $localize`:@@activity.type.snowshoeing:Snowshoeing`,
  ice_skating: $localize`:@@activity.type.iceSkating:Ice skating`,
  inline_skating: $localize`:@@activity.type.inlineSkating:Inline skating`,
  skateboarding: $localize`:@@activity.type.skateboarding:Skateboarding`,
  strength_training: $localize`:@@activity.type.strengthTraining:Strength training`,
  functional_strength_training: $localize`:@@activity.type.functionalStrengthTraining:Functional strength training`,
  cross_training: $localize`:@@activity.type.crossTraining:Cross training`,
  hiit: $localize`:@@activity.type.hiit:HIIT`,
  cardio: $localize`:@@activity.type.cardio:Cardio`,
  elliptical: $localize`:@@activity.type.elliptical:Elliptical`,
  stair_climbing: $localize`:@@activity.type.stairClimbing:Stair climbing`,
  jump_rope: $localize`:@@activity.type.jumpRope:Jump rope`,
  dance: $localize`:@@activity.type.dance:Dance`,
  boxing: $localize`:@@activity.type.boxing:Boxing`,
  martial_arts: $localize`:@@activity.type.martialArts:Martial arts`,
  yoga: $localize`:@@activity.type.yoga:Yoga`,
  pilates: $localize`:@@activity.type.pilates:Pilates`,
  flexibility: $localize`:@@activity.type.flexibility:Flexibility`,
  meditation: $localize`:@@activity.type.meditation:Meditation`,
  climbing: $localize`:@@activity.type.climbing:Climbing`,
  tennis: $localize`:@@activity.type.tennis:Tennis`,
  badminton: $localize`:@@activity.type.badminton:Badminton`,
  squash: $localize`:@@activity.type.squash:Squash`,
  table_tennis: $localize`:@@activity.type.tableTennis:Table tennis`,
  racquetball: $localize`:@@activity.type.racquetball:Racquetball`,
  pickleball: $localize`:@@activity.type.pickleball:Pickleball`,
  soccer: $localize`:@@activity.type.soccer:Soccer`,
  basketball: $localize`:@@activity.type.basketball:Basketball`,
  volleyball: $localize`:@@activity.type.volleyball:Volleyball`,
  baseball: $localize`:@@activity.type.baseball:Baseball`,
  softball: $localize`:@@activity.type.softball:Softball`,
  american_football: $localize`:@@activity.type.americanFootball:American football`,
  rugby: $localize`:@@activity.type.rugby:Rugby`,
  hockey: $localize`:@@activity.type.hockey:Hockey`,
  cricket: $localize`:@@activity.type.cricket:Cricket`,
  triathlon: $localize`:@@activity.type.triathlon:Triathlon`,
  golf: $localize`:@@activity.type.golf:Golf`,
  other: $localize`:@@activity.type.other:Other`,
};

/**
 * The name of an activity type (`trail_running` → `Trail running`); a type the catalogue lacks is
 * named from its id.
 */
export function activityLabel(type: string): string {
  if (Object.hasOwn(ACTIVITY_LABEL, type)) return ACTIVITY_LABEL[type as keyof typeof ACTIVITY_LABEL];
  const words = type.replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : $localize`:@@today.workout:Workout`;
}

/** Events after which the day is read again. */
const LIVE_TYPES = new Set(['new_health_data', 'activity.created', 'activity.updated', 'activity.deleted', 'import.completed', 'resync']);
/** The longest a live change waits before it shows (events within it are shown together). */
const LIVE_REFRESH_MS = 1000;

/** Days of summaries fetched behind the shown day: the latest weight is looked for this far back. */
const LOOKBACK_DAYS = 90;

interface Card {
  id: string;
  label: string;
  icon: IconName;
  value: string;
  unit: string;
  sub: string;
  empty: boolean;
}

type Load<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; problem: ApiProblem };

function errorOf<T>(l: Load<T>): ApiProblem | null {
  return l.state === 'error' ? l.problem : null;
}

@Component({
  selector: 'wh-today',
  imports: [Icon, HrChart, RouterLink],
  templateUrl: './today.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TodayPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  protected readonly prefs = inject(PrefsService);
  private readonly dashboard = inject(DashboardPrefsService);
  private readonly live = inject(LiveService);

  /** `?date=YYYY-MM-DD` (bound by the router); today when absent. */
  readonly date = input<string | undefined>();

  private readonly now = signal(Date.now());
  protected readonly today = computed(() => today(this.prefs.zone(), this.now()));
  protected readonly day = computed<LocalDate>(() => {
    const d = this.date();
    return isDate(d) && daysBetween(d, this.today()) >= 0 ? d : this.today();
  });
  protected readonly isToday = computed(() => this.day() === this.today());
  protected readonly dayLabel = computed(() => longDate(this.day()));

  protected readonly summaries = signal<Load<DailySummariesView>>({ state: 'loading' });
  protected readonly hr = signal<Load<SeriesData>>({ state: 'loading' });
  protected readonly sleep = signal<Load<SleepSessionView[]>>({ state: 'loading' });
  protected readonly workouts = signal<Load<ActivityView[]>>({ state: 'loading' });
  private loadSeq = 0;

  protected readonly summariesError = computed(() => errorOf(this.summaries()));
  protected readonly hrError = computed(() => errorOf(this.hr()));
  protected readonly sleepError = computed(() => errorOf(this.sleep()));
  protected readonly workoutsError = computed(() => errorOf(this.workouts()));
  /** The day's workouts as rows to show, oldest first, in the user's units. */
  protected readonly workoutRows = computed(() => {
    const w = this.workouts();
    if (w.state !== 'ok') return [];
    const zone = this.prefs.zone();
    const system = this.prefs.units();
    return w.value.map((a) => ({
      id: a.id,
      title: a.title || activityLabel(a.type),
      type: activityLabel(a.type),
      start: clock(Date.parse(a.start), zone),
      duration: units.duration(a.duration),
      distance: a.distance ? units.text(units.distance(a.distance, system)) : '',
      heartRate: a.avg_heart_rate ? units.text(units.reading(a.avg_heart_rate, 'bpm')) : '',
    }));
  });
  protected readonly hrData = computed(() => {
    const h = this.hr();
    return h.state === 'ok' ? h.value : null;
  });

  protected readonly cards = computed<Card[]>(() => {
    const s = this.summaries();
    const view = s.state === 'ok' ? s.value : null;
    const day = this.day();
    const system = this.prefs.units();
    const on = (f: Parameters<typeof valueOn>[1]) => valueOn(view, f, day);
    const week = (f: Parameters<typeof column>[1]) => {
      const col = column(view, f);
      const i = view ? daysBetween(view.from, day) : -1;
      return i >= 0 ? average(col.slice(Math.max(0, i - 6), i + 1)) : null;
    };
    const card = (id: string, label: string, icon: IconName, q: units.Quantity | string, sub = ''): Card => {
      const value = typeof q === 'string' ? q : q.value;
      const unit = typeof q === 'string' ? '' : q.unit;
      return { id, label, icon, value, unit, sub, empty: value === units.EMPTY };
    };
    const avg7 = (txt: string) => (txt && txt !== units.EMPTY ? $localize`:@@today.avg7:7-day avg ${txt}:value:` : '');

    const sleepSessions = this.sleep();
    const sessions = sleepSessions.state === 'ok' ? sleepSessions.value.filter((x) => x.date === day) : [];
    const main = sessions.reduce<SleepSessionView | null>((best, x) => (!best || x.asleep > best.asleep ? x : best), null);
    const asleep = main?.asleep ?? on('sleep_asleep');
    const inBed = main?.in_bed ?? on('sleep_in_bed');
    const zone = this.prefs.zone();
    const sleepSub = main
      ? $localize`:@@today.sleepSpan:${clock(Date.parse(main.start), zone)}:start:–${clock(Date.parse(main.end), zone)}:end: · ${units.percent(main.efficiency)}:efficiency: efficient`
      : inBed !== null
        ? $localize`:@@today.inBed:in bed ${units.sleepHm(inBed)}:duration:`
        : '';

    const hrv = on('hrv_sdnn') ?? on('hrv_rmssd');
    const hrvKind = on('hrv_sdnn') !== null ? 'SDNN' : on('hrv_rmssd') !== null ? 'RMSSD' : '';
    const weight = latestOnOrBefore(view, 'body_mass', day);
    const weightSub = weight
      ? weight.date === day
        ? $localize`:@@today.weightToday:measured today`
        : $localize`:@@today.weightOn:on ${longDate(weight.date)}:date:`
      : $localize`:@@today.weightNone:none in the last ${LOOKBACK_DAYS}:days: days`;

    const all = [
      card('steps', $localize`:@@card.steps:Steps`, 'steps', units.count(on('steps')), avg7(units.count(week('steps')).value)),
      card('distance', $localize`:@@card.distance:Distance`, 'route', units.distance(on('distance'), system), avg7(units.text(units.distance(week('distance'), system)))),
      card('active_energy', $localize`:@@card.activeEnergy:Active energy`, 'flame', units.energy(on('active_energy')), avg7(units.text(units.energy(week('active_energy'))))),
      card('resting_energy', $localize`:@@card.restingEnergy:Resting energy`, 'battery', units.energy(on('basal_energy')), avg7(units.text(units.energy(week('basal_energy'))))),
      card('exercise', $localize`:@@card.exercise:Exercise`, 'timer', units.minutes(on('exercise_minutes')), avg7(units.minutes(week('exercise_minutes')))),
      card('sleep', $localize`:@@card.sleep:Last night's sleep`, 'sleep', asleep !== null ? { value: units.sleepHm(asleep), unit: 'h' } : units.EMPTY, sleepSub),
      card('resting_heart_rate', $localize`:@@card.restingHeartRate:Resting heart rate`, 'heart', units.reading(on('resting_heart_rate'), 'bpm'), avg7(units.text(units.reading(week('resting_heart_rate'), 'bpm')))),
      card('hrv', hrvKind ? $localize`:@@today.hrvKind:HRV (${hrvKind}:kind:)` : $localize`:@@today.hrv:HRV`, 'wave', units.reading(hrv, 'ms'), avg7(units.text(units.reading(week(hrvKind === 'RMSSD' ? 'hrv_rmssd' : 'hrv_sdnn'), 'ms')))),
      card('weight', $localize`:@@card.weight:Weight`, 'scale', units.mass(weight?.value, system), weightSub),
    ];
    // The cards the user chose, in their order.
    return this.dashboard.cards().flatMap((id) => all.filter((c) => c.id === id));
  });

  constructor() {
    // Reload whenever the day or the zone changes.
    effect(() => {
      const day = this.day();
      const zone = this.prefs.zone();
      untracked(() => void this.load(day, zone));
    });
    // Keep "today" right across midnight.
    const tick = setInterval(() => this.now.set(Date.now()), 60_000);
    // New data, a changed workout or a finished import: the day is read again, in place, at most once a
    // second however fast events come.
    let pending: ReturnType<typeof setTimeout> | null = null;
    effect(() => {
      const event = this.live.latest();
      if (!event || !LIVE_TYPES.has(event.type)) return;
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        untracked(() => void this.load(this.day(), this.prefs.zone(), true));
      }, LIVE_REFRESH_MS);
    });
    inject(DestroyRef).onDestroy(() => {
      clearInterval(tick);
      if (pending) clearTimeout(pending);
    });
  }

  /** Loads the day; `quiet` keeps what is shown until the new figures arrive (a live refresh). */
  protected async load(day: LocalDate, zone: string, quiet = false): Promise<void> {
    const seq = ++this.loadSeq;
    const current = () => seq === this.loadSeq;
    if (!quiet) {
      this.summaries.set({ state: 'loading' });
      this.hr.set({ state: 'loading' });
      this.sleep.set({ state: 'loading' });
      this.workouts.set({ state: 'loading' });
    }
    const range = dayRange(day, zone);

    const summaries = this.api
      .get('/api/v1/summaries/daily', { query: { from: addDays(day, -(LOOKBACK_DAYS - 1)), to: day } })
      .then((value) => current() && this.summaries.set({ state: 'ok', value }))
      .catch((err: unknown) => current() && this.summaries.set({ state: 'error', problem: problemOf(err) }));

    const dayWorkouts = this.api
      .get('/api/v1/activities', {
        query: { from: rfc3339Utc(range.start), to: rfc3339Utc(range.end), sort: 'start', limit: 50 },
      })
      .then((value: ActivityList) => value.items);
    const workouts = dayWorkouts
      .then((items) => current() && this.workouts.set({ state: 'ok', value: items }))
      .catch((err: unknown) => current() && this.workouts.set({ state: 'error', problem: problemOf(err) }));

    const hr = this.api
      .get('/api/v1/samples', {
        query: { metric: 'heart_rate', resolution: 'minute', from: rfc3339Utc(range.start), to: rfc3339Utc(range.end) },
      })
      .then(async (view: SampleListView) => {
        const series = await this.withWorkoutHeartRate(toSeries(view, range.start, range.end, 60), dayWorkouts);
        if (current()) this.hr.set({ state: 'ok', value: series });
      })
      .catch((err: unknown) => current() && this.hr.set({ state: 'error', problem: problemOf(err) }));

    const sleep = this.api
      .get('/api/v1/sleep', { query: { from: day, to: day } })
      .then((value) => current() && this.sleep.set({ state: 'ok', value }))
      .catch((err: unknown) => current() && this.sleep.set({ state: 'error', problem: problemOf(err) }));

    await Promise.all([summaries, hr, sleep, workouts]);
  }

  /**
   * Adds the heart rate the day's workouts recorded in their own files (FIT, GPX, TCX keep it in the
   * activity's stream, not as samples) where the samples have none. A workout whose stream cannot be
   * read is left out; the chart still shows the samples.
   */
  private async withWorkoutHeartRate(series: SeriesData, workouts: Promise<ActivityView[]>): Promise<SeriesData> {
    const items = await workouts.catch(() => [] as ActivityView[]);
    const withHr = items.filter((a) => a.avg_heart_rate !== null && a.avg_heart_rate !== undefined && a.stream_points > 0);
    const streams = await Promise.all(
      withHr.map((a) =>
        this.api
          .get('/api/v1/activities/{id}/streams', { path: { id: a.id }, query: { keys: 'heart_rate' } })
          .then((s) => ({ start: Date.parse(a.start), time: s.time, hr: (s['heart_rate'] ?? []) as (number | null)[] }))
          .catch(() => null),
      ),
    );
    return streams.reduce((acc, s) => (s ? mergeStream(acc, s.start, s.time, s.hr) : acc), series);
  }

  protected reload(): void {
    void this.load(this.day(), this.prefs.zone());
  }

  protected go(date: LocalDate | null): void {
    const target = date && date !== this.today() ? date : null;
    void this.router.navigate([], { queryParams: { date: target }, queryParamsHandling: 'merge' });
  }

  protected prev(): void {
    this.go(addDays(this.day(), -1));
  }

  protected next(): void {
    if (!this.isToday()) this.go(addDays(this.day(), 1));
  }

  protected pick(value: string): void {
    if (isDate(value) && daysBetween(value, this.today()) >= 0) this.go(value);
  }

  protected hrFilled(data: SeriesData): boolean {
    return data[1].some((v) => v !== null);
  }
}

