import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { startOfDay, rfc3339Utc } from '../../core/time';
import { FakeAuth, daily, hrBuckets, me, noSleep, problem, stubCanvas } from '../../../testing/fixtures';
import { TodayPage, activityLabel } from './today';

describe('TodayPage', () => {
  let auth: FakeAuth;
  let requests: { path: string; query: unknown }[];
  let failSummaries: boolean;

  beforeEach(() => {
    stubCanvas();
    auth = new FakeAuth();
    requests = [];
    failSummaries = false;
    const api = {
      get: async (path: string, opts: { query?: Record<string, string> } = {}) => {
        requests.push({ path, query: opts.query });
        if (path === '/api/v1/summaries/daily') {
          if (failSummaries) throw problem(503, 'unavailable', 'the database is busy');
          const q = opts.query!;
          return daily(q['from'], q['to'], {
            steps: [...Array(88).fill(null), 9000, 12030],
            distance: [...Array(88).fill(null), 5000, 7012.4],
            body_mass: [...Array(80).fill(null), 61.4, ...Array(9).fill(null)],
            sleep_asleep: [...Array(89).fill(null), 26520],
            resting_heart_rate: [...Array(89).fill(null), 52],
          });
        }
        if (path === '/api/v1/samples') return hrBuckets(opts.query!['from'], [60, 62, 64]);
        if (path === '/api/v1/sleep') return noSleep;
        if (path === '/api/v1/activities/{id}/streams') return { time: [0, 60, 120], heart_rate: [140, 150, null] };
        if (path === '/api/v1/activities') {
          return {
            items: [
              { id: 'act_1', type: 'trail_running', title: null, start: '2025-06-14T05:30:00Z', duration: 3725, distance: 10012.3, avg_heart_rate: 151.4, stream_points: 3 },
            ],
            next_cursor: null,
          };
        }
        throw new Error('unexpected ' + path);
      },
    };
    TestBed.configureTestingModule({
      imports: [TodayPage],
      providers: [provideRouter([]), { provide: AuthService, useValue: auth }, { provide: ApiService, useValue: api }],
    });
  });

  async function render(date = '2025-06-14') {
    const fixture = TestBed.createComponent(TodayPage);
    fixture.componentRef.setInput('date', date);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const card = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="today-card-${id}"] [data-testid="today-card-value"]`)?.textContent?.replace(/\s+/g, ' ').trim();

  it('asks for the day in the user zone and shows the cards', async () => {
    const el = await render();
    const samples = requests.find((r) => r.path === '/api/v1/samples')!.query as Record<string, string>;
    expect(samples['resolution']).toBe('minute');
    expect(samples['metric']).toBe('heart_rate');
    expect(samples['from']).toBe(rfc3339Utc(startOfDay('2025-06-14', 'Europe/Berlin')));
    expect(samples['to']).toBe('2025-06-14T22:00:00Z');
    expect(card(el, 'steps')).toBe('12,030');
    expect(card(el, 'distance')).toBe('7.01 km');
    expect(card(el, 'sleep')).toBe('7:22 h');
    expect(card(el, 'resting_heart_rate')).toBe('52 bpm');
    expect(card(el, 'weight')).toBe('61.4 kg');
    expect(el.querySelector('[data-testid="hr-chart"]')!.getAttribute('data-state')).toBe('ok');
    expect(el.querySelector('[data-testid="hr-chart-canvas"]')!.getAttribute('aria-label')).toContain('60 to 150');
  });

  it('follows the unit system', async () => {
    auth.me.set(me({ unit_system: 'imperial' }));
    const el = await render();
    expect(card(el, 'distance')).toBe('4.36 mi');
    expect(card(el, 'weight')).toBe('135.4 lb');
    expect(el.querySelector('[data-testid="today-workout-distance"]')!.textContent!.trim()).toBe('6.22 mi');
  });

  it("lists the day's workouts, asked for by the day's instants in the user zone", async () => {
    const el = await render();
    const q = requests.find((r) => r.path === '/api/v1/activities')!.query as Record<string, string>;
    expect(q['from']).toBe(rfc3339Utc(startOfDay('2025-06-14', 'Europe/Berlin')));
    expect(q['to']).toBe('2025-06-14T22:00:00Z');
    const rows = el.querySelectorAll('[data-testid="today-workout"]');
    expect(rows.length).toBe(1);
    expect(rows[0].textContent).toContain('Trail running');
    expect(rows[0].textContent).toContain('07:30');
    expect(el.querySelector('[data-testid="today-workout-distance"]')!.textContent!.trim()).toBe('10.01 km');
    // The run's heart rate joins the chart: 3 minutes of samples and 2 of the run.
    expect(el.querySelector('[data-testid="hr-chart-canvas"]')!.getAttribute('aria-label')).toContain('5 minutes with readings');
  });

  it('names activity types for people', () => {
    expect(activityLabel('trail_running')).toBe('Trail running');
    expect(activityLabel('')).toBe('Workout');
  });

  it('shows the problem detail when the figures cannot be loaded', async () => {
    failSummaries = true;
    const el = await render();
    expect(el.querySelector('[data-testid="summaries-error"]')!.textContent).toContain('the database is busy');
  });
});
