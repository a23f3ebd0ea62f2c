import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { FakeAuth, me, problem } from '../../../testing/fixtures';
import { ApiError, toProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import { bodyOf, checkRows, row, rowsOf, type TimeZonesBody, type TimeZonesView } from './time-zone-periods';
import { POLL_MS, TimeZonesSection } from './time-zones-section';

const HISTORY: TimeZonesView = {
  time_zone_set: true,
  periods: [
    { zone: 'Australia/Sydney', from: null },
    { zone: 'Europe/Berlin', from: '2019-03-01T00:00:00+01:00' },
  ],
  pending_days: 0,
};

const $ = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (el: HTMLElement, id: string) => [...el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

function setValue(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'));
}

describe('TimeZonesSection', () => {
  let auth: FakeAuth;
  let views: TimeZonesView[];
  let gets: number;
  let puts: TimeZonesBody[];
  let putAnswer: (body: TimeZonesBody) => TimeZonesView;
  let meLoads: number;

  beforeEach(() => {
    auth = new FakeAuth();
    views = [HISTORY];
    gets = 0;
    puts = [];
    meLoads = 0;
    putAnswer = (body) => ({ time_zone_set: true, periods: body.periods.map((p) => ({ zone: p.zone, from: p.from ?? null })), pending_days: 0 });
    // The profile's zone becomes the last period's, as the server has it.
    auth.me.set(me({ time_zone: 'Europe/Berlin', time_zone_set: true }));
    auth.loadMe = async () => {
      meLoads++;
      auth.me.set(me({ time_zone: puts.at(-1)?.periods.at(-1)?.zone ?? 'Europe/Berlin', time_zone_set: true }));
      return auth.me();
    };
    const api = {
      // The views are answered in turn; the last one stays.
      get: async () => views[Math.min(gets++, views.length - 1)],
      put: async (_path: string, opts: { body: TimeZonesBody }) => {
        puts.push(opts.body);
        return putAnswer(opts.body);
      },
    };
    TestBed.configureTestingModule({
      imports: [TimeZonesSection],
      providers: [{ provide: AuthService, useValue: auth }, { provide: ApiService, useValue: api }],
    });
  });

  afterEach(() => vi.useRealTimers());

  async function render(): Promise<{ fixture: ComponentFixture<TimeZonesSection>; el: HTMLElement }> {
    const fixture = TestBed.createComponent(TimeZonesSection);
    await settle(fixture);
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
  }

  it('lists the periods newest first, each since when in its own zone', async () => {
    const { el } = await render();
    const rows = $$(el, 'tz-period');
    expect(rows.map((r) => r.dataset['zone'])).toEqual(['Europe/Berlin', 'Australia/Sydney']);
    expect(rows[0].textContent).toContain(`since ${dateTime('2019-03-01T00:00:00+01:00', 'Europe/Berlin')}`);
    expect(dateTime('2019-03-01T00:00:00+01:00', 'Europe/Berlin')).toMatch(/Mar.*1.*2019.*(00:00|12:00\sAM)/);
    expect(rows[0].textContent).toContain('now');
    expect(rows[1].textContent).toContain('before that: all earlier days');
    expect($(el, 'tz-unset')).toBeNull();
    expect($(el, 'tz-progress')).toBeNull();
  });

  it('reads the history again when the zone is changed elsewhere (the select above)', async () => {
    views = [HISTORY, { ...HISTORY, periods: [...HISTORY.periods, { zone: 'America/New_York', from: '2025-06-14T08:00:00-04:00' }] }];
    const { fixture, el } = await render();
    expect(gets).toBe(1);
    auth.me.set(me({ time_zone: 'America/New_York', time_zone_set: true }));
    await settle(fixture);
    expect(gets).toBe(2);
    expect($$(el, 'tz-period')[0].dataset['zone']).toBe('America/New_York');
    // Other profile changes leave it be.
    auth.me.set(me({ time_zone: 'America/New_York', time_zone_set: true, unit_system: 'imperial' }));
    await settle(fixture);
    expect(gets).toBe(2);
  });

  it('says plainly when no zone is set, and sets one', async () => {
    views = [{ time_zone_set: false, periods: [], pending_days: 0 }];
    auth.me.set(me({ time_zone: 'UTC', time_zone_set: false }));
    const { fixture, el } = await render();
    expect($(el, 'tz-unset')!.textContent).toContain('No time zone set: your days are counted in UTC');
    $(el, 'tz-set')!.click();
    await settle(fixture);
    const rows = $$(el, 'tz-row');
    expect(rows.length).toBe(1);
    expect($(rows[0], 'tz-row-from')).toBeNull();
    expect($(rows[0], 'tz-row-earliest')).not.toBeNull();
    setValue(rows[0].querySelector('select')!, 'Europe/Lisbon');
    $(el, 'tz-save')!.click();
    await settle(fixture);
    expect(puts).toEqual([{ periods: [{ zone: 'Europe/Lisbon' }] }]);
    expect(meLoads).toBe(1);
    expect(auth.me()!.time_zone).toBe('Europe/Lisbon');
    expect($(el, 'tz-form')).toBeNull();
    expect($(el, 'tz-up-to-date')!.textContent).toContain('All days are up to date');
  });

  it('edits the history: an untouched start is sent back as stored, a new one as the wall clock there', async () => {
    const { fixture, el } = await render();
    $(el, 'tz-edit')!.click();
    await settle(fixture);
    expect($$(el, 'tz-row').length).toBe(2);
    expect(($(el, 'tz-row-from') as HTMLInputElement).value).toBe('2019-03-01T00:00');
    $(el, 'tz-add')!.click();
    await settle(fixture);
    const rows = $$(el, 'tz-row');
    expect(rows.length).toBe(3);
    // A new period starts in the zone in force, from now there.
    expect(rows[2].querySelector('select')!.value).toBe('Europe/Berlin');
    setValue(rows[2].querySelector('select')!, 'America/New_York');
    setValue(rows[2].querySelector('input')!, '2024-06-01T09:30');
    await settle(fixture);
    $(el, 'tz-save')!.click();
    await settle(fixture);
    expect(puts).toEqual([
      {
        periods: [
          { zone: 'Australia/Sydney' },
          { zone: 'Europe/Berlin', from: '2019-03-01T00:00:00+01:00' },
          { zone: 'America/New_York', from: '2024-06-01T09:30' },
        ],
      },
    ]);
  });

  it('names a missing or out-of-order start beside its row before sending anything', async () => {
    const { fixture, el } = await render();
    $(el, 'tz-edit')!.click();
    await settle(fixture);
    $(el, 'tz-add')!.click();
    await settle(fixture);
    let rows = $$(el, 'tz-row');
    setValue(rows[2].querySelector('select')!, 'Asia/Tokyo');
    setValue(rows[2].querySelector('input')!, '');
    $(el, 'tz-save')!.click();
    await settle(fixture);
    expect(puts).toEqual([]);
    rows = $$(el, 'tz-row');
    expect($(rows[2], 'field-error-periods[2].from')!.textContent).toContain('Every period after the first says when it starts.');
    expect(rows[2].querySelector('input')!.getAttribute('aria-invalid')).toBe('true');
    expect($(rows[1], 'field-error-periods[1].from')).toBeNull();

    setValue(rows[2].querySelector('input')!, '2018-01-01T00:00');
    $(el, 'tz-save')!.click();
    await settle(fixture);
    expect(puts).toEqual([]);
    expect($(rows[2], 'field-error-periods[2].from')!.textContent).toContain('Each period must start after the one before it.');
    expect($(el, 'tz-form-error')).not.toBeNull();
  });

  it("shows the server's field errors beside the rows they name", async () => {
    putAnswer = () => {
      throw new ApiError(
        toProblem(422, {
          status: 422,
          code: 'validation_failed',
          detail: 'The request has invalid fields.',
          errors: [{ field: 'periods[1].zone', code: 'invalid_time_zone', detail: "'Mars/Olympus' is not a known time zone" }],
        }),
      );
    };
    const { fixture, el } = await render();
    $(el, 'tz-edit')!.click();
    await settle(fixture);
    $(el, 'tz-save')!.click();
    await settle(fixture);
    expect(puts.length).toBe(1);
    const rows = $$(el, 'tz-row');
    expect($(rows[1], 'field-error-periods[1].zone')!.textContent).toContain('not a known time zone');
    expect($(rows[0], 'field-error-periods[0].zone')).toBeNull();
    expect($(el, 'tz-form-error')!.textContent).toContain('invalid fields');
    // Cancel goes back to the list as stored.
    $(el, 'tz-cancel')!.click();
    await settle(fixture);
    expect($(el, 'tz-form')).toBeNull();
    expect($$(el, 'tz-period').length).toBe(2);
  });

  it('sends the history again when the server was busy', async () => {
    let calls = 0;
    putAnswer = () => {
      if (calls++ === 0) throw problem(409, 'time_zones_busy', 'The history changed meanwhile; try again.');
      return HISTORY;
    };
    const { fixture, el } = await render();
    $(el, 'tz-edit')!.click();
    await settle(fixture);
    $(el, 'tz-save')!.click();
    await new Promise((r) => setTimeout(r, 600));
    await settle(fixture);
    expect(puts.length).toBe(2);
    expect($(el, 'tz-form')).toBeNull();
  });

  it('counts the days still being recomputed down every second, then says all are up to date', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    putAnswer = () => ({ ...HISTORY, pending_days: 40 });
    views = [HISTORY, { ...HISTORY, pending_days: 25 }, { ...HISTORY, pending_days: 0 }];
    const fixture = TestBed.createComponent(TimeZonesSection);
    const el = fixture.nativeElement as HTMLElement;
    const tick = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      await fixture.whenStable();
    };
    await tick(0);
    expect(gets).toBe(1);
    $(el, 'tz-edit')!.click();
    await tick(0);
    $(el, 'tz-save')!.click();
    await tick(0);
    expect($(el, 'tz-pending')!.textContent).toContain('Recomputing your days: 40 left');
    const bar = $(el, 'tz-progress') as HTMLProgressElement;
    expect([bar.max, bar.value]).toEqual([40, 0]);
    expect($(el, 'tz-status')!.getAttribute('aria-live')).toBe('polite');
    await tick(POLL_MS);
    expect($(el, 'tz-pending')!.textContent).toContain('25 left');
    expect([($(el, 'tz-progress') as HTMLProgressElement).max, ($(el, 'tz-progress') as HTMLProgressElement).value]).toEqual([40, 15]);
    await tick(POLL_MS);
    expect($(el, 'tz-progress')).toBeNull();
    expect($(el, 'tz-up-to-date')!.textContent).toContain('All days are up to date');
    const seen = gets;
    await tick(POLL_MS * 5);
    expect(gets).toBe(seen);
  });

  it('stops polling when the page is left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    views = [{ ...HISTORY, pending_days: 9 }];
    const fixture = TestBed.createComponent(TimeZonesSection);
    await vi.advanceTimersByTimeAsync(0);
    await fixture.whenStable();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(gets).toBe(2);
    fixture.destroy();
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(gets).toBe(2);
  });
});

describe('time-zone periods', () => {
  it('keeps an untouched start as stored, and sends an edited one as the wall clock of its zone', () => {
    const rows = rowsOf(HISTORY.periods, 'UTC');
    expect(rows.map((r) => [r.zone, r.from])).toEqual([
      ['Australia/Sydney', ''],
      ['Europe/Berlin', '2019-03-01T00:00'],
    ]);
    expect(bodyOf(rows).periods[1].from).toBe('2019-03-01T00:00:00+01:00');
    expect(bodyOf([rows[0], { ...rows[1], from: '2019-04-01T08:00' }]).periods[1].from).toBe('2019-04-01T08:00');
    // The first period never says when it starts, even one that did before another was removed.
    expect(bodyOf([rows[1]])).toEqual({ periods: [{ zone: 'Europe/Berlin' }] });
    expect(rowsOf([], 'Europe/Lisbon').map((r) => r.zone)).toEqual(['Europe/Lisbon']);
  });

  it('finds what the server would refuse, under its field names', () => {
    const now = Date.parse('2025-06-14T12:00:00Z');
    const ok = [row('Australia/Sydney'), row('Europe/Berlin', '2019-03-01T00:00')];
    expect(checkRows(ok, now)).toBeNull();
    // The times compare as instants: 09:00 in Tokyo is before 02:00 in Berlin that day.
    const tokyoFirst = [row('UTC'), row('Europe/Berlin', '2020-01-01T02:00'), row('Asia/Tokyo', '2020-01-01T09:00')];
    expect(Object.keys(checkRows(tokyoFirst, now)!.fieldErrors)).toEqual(['periods[2].from']);
    const same = [row('Europe/Berlin'), row('Europe/Berlin', '2019-03-01T00:00')];
    expect(Object.keys(checkRows(same, now)!.fieldErrors)).toEqual(['periods[1].zone']);
    const future = [row('UTC'), row('Europe/Berlin', '2025-06-15T00:00')];
    expect(checkRows(future, now)!.fieldErrors['periods[1].from']).toEqual(['A period cannot start in the future.']);
    // A row without a start is skipped: the next is compared with the one before it.
    const gap = [row('UTC'), row('Europe/Berlin', ''), row('Asia/Tokyo', '2020-01-01T00:00')];
    expect(Object.keys(checkRows(gap, now)!.fieldErrors)).toEqual(['periods[1].from']);
  });
});
