import { TestBed } from '@angular/core/testing';
import type { MePatch } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { FakeAuth, me, problem } from '../../../testing/fixtures';
import { PreferencesSection } from './preferences-section';

describe('PreferencesSection', () => {
  let auth: FakeAuth;
  let patches: MePatch[];
  let fail: boolean;

  beforeEach(() => {
    auth = new FakeAuth();
    patches = [];
    fail = false;
    const api = {
      patch: async (_path: string, opts: { body: MePatch }) => {
        patches.push(opts.body);
        if (fail) throw problem(422, 'validation_failed', "time_zone: 'Mars/Olympus' is not a known time zone");
        return me({ ...auth.me()!, ...(opts.body as object) });
      },
    };
    TestBed.configureTestingModule({
      imports: [PreferencesSection],
      providers: [{ provide: AuthService, useValue: auth }, { provide: ApiService, useValue: api }],
    });
  });

  it('saves the unit system on the profile', async () => {
    const fixture = TestBed.createComponent(PreferencesSection);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="units-switch"]')).not.toBeNull();
    el.querySelector<HTMLInputElement>('[data-testid="units-imperial"]')!.click();
    await fixture.whenStable();
    expect(patches).toEqual([{ unit_system: 'imperial' }]);
    expect(auth.me()!.unit_system).toBe('imperial');
    expect(el.textContent).toContain('3.11 mi');
  });

  it('lists time zones and shows the server problem', async () => {
    fail = true;
    const fixture = TestBed.createComponent(PreferencesSection);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const select = el.querySelector<HTMLSelectElement>('[data-testid="zone-select"]')!;
    expect(select.options.length).toBeGreaterThan(1);
    expect(select.value).toBe('Europe/Berlin');
    select.value = select.options[0].value;
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(el.querySelector('.form-error')!.textContent).toContain('not a known time zone');
    expect(select.value).toBe('Europe/Berlin');
  });
});
