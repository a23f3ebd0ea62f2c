import { cardRows } from './dashboard-section';
import { withChange } from '../../core/dashboard-prefs.service';

describe('dashboard preferences', () => {
  it('lists the shown cards in their order, then the hidden ones', () => {
    const rows = cardRows(['sleep', 'steps']);
    expect(rows.slice(0, 3).map((r) => [r.card, r.shown])).toEqual([
      ['sleep', true],
      ['steps', true],
      ['distance', false],
    ]);
    expect(rows.length).toBe(9);
    expect(rows.filter((r) => r.shown).length).toBe(2);
  });

  it('saves the whole set with one change, leaving the units to the profile', () => {
    const body = withChange(
      { today_cards: ['steps'], theme: 'dark', language: 'de', unit_system: 'imperial', updated_at: '2026-01-01T00:00:00Z' },
      { theme: 'light' },
    );
    expect(body).toEqual({ today_cards: ['steps'], theme: 'light', language: 'de' });
  });
});
