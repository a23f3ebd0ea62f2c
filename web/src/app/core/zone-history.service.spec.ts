import { zoneAtIn } from './zone-history.service';

describe('zoneAtIn', () => {
  const periods = [
    { zone: 'Australia/Sydney', from: Number.NEGATIVE_INFINITY },
    { zone: 'Europe/Berlin', from: Date.parse('2019-02-28T23:00:00Z') },
    { zone: 'America/New_York', from: Date.parse('2024-06-01T16:00:00Z') },
  ];

  it('gives the zone the user lived in at the time', () => {
    expect(zoneAtIn(periods, Date.parse('2018-05-01T00:00:00Z'), 'UTC')).toBe('Australia/Sydney');
    expect(zoneAtIn(periods, Date.parse('2019-02-28T23:00:00Z'), 'UTC')).toBe('Europe/Berlin');
    expect(zoneAtIn(periods, Date.parse('2024-06-01T15:59:59Z'), 'UTC')).toBe('Europe/Berlin');
    expect(zoneAtIn(periods, Date.parse('2026-01-01T00:00:00Z'), 'UTC')).toBe('America/New_York');
  });

  it('falls back without a history, and the first period covers all earlier time', () => {
    expect(zoneAtIn([], 0, 'Europe/Lisbon')).toBe('Europe/Lisbon');
    expect(zoneAtIn([{ zone: 'Asia/Tokyo', from: Date.parse('2020-01-01T00:00:00Z') }], 0, 'UTC')).toBe('Asia/Tokyo');
  });
});
