import { addDays, dayRange, daysBetween, isDate, localDate, rfc3339Utc, startOfDay, today, zoneOffsetMinutes } from './time';

describe('local days in a time zone', () => {
  it('finds today in a zone', () => {
    const t = Date.UTC(2025, 5, 14, 22, 30); // 00:30 on the 15th in Berlin
    expect(today('Europe/Berlin', t)).toBe('2025-06-15');
    expect(today('America/New_York', t)).toBe('2025-06-14');
    expect(localDate(t, 'UTC')).toBe('2025-06-14');
  });

  it('computes offsets', () => {
    expect(zoneOffsetMinutes(Date.UTC(2025, 5, 14), 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(Date.UTC(2025, 0, 14), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(Date.UTC(2025, 0, 14), 'Asia/Kolkata')).toBe(330);
  });

  it('finds the start of a local day', () => {
    expect(rfc3339Utc(startOfDay('2025-06-14', 'Europe/Berlin'))).toBe('2025-06-13T22:00:00Z');
    expect(rfc3339Utc(startOfDay('2025-01-14', 'America/New_York'))).toBe('2025-01-14T05:00:00Z');
    expect(rfc3339Utc(startOfDay('2025-06-14', 'UTC'))).toBe('2025-06-14T00:00:00Z');
  });

  it('handles days of 23 and 25 hours', () => {
    const spring = dayRange('2025-03-30', 'Europe/Berlin');
    expect((spring.end - spring.start) / 3600000).toBe(23);
    const autumn = dayRange('2025-10-26', 'Europe/Berlin');
    expect((autumn.end - autumn.start) / 3600000).toBe(25);
  });

  it('handles a midnight that does not exist', () => {
    // Santiago moved clocks from 00:00 to 01:00 on 2024-09-08.
    const s = startOfDay('2024-09-08', 'America/Santiago');
    expect(localDate(s, 'America/Santiago')).toBe('2024-09-08');
    expect(localDate(s - 1000, 'America/Santiago')).toBe('2024-09-07');
  });

  it('does date arithmetic', () => {
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(daysBetween('2025-06-01', '2025-06-03')).toBe(2);
    expect(daysBetween('2025-06-03', '2025-06-01')).toBe(-2);
    expect(isDate('2025-02-29')).toBe(false);
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('nope')).toBe(false);
  });
});
