import { importIdFromStatusUrl, isFinished, parseReport, progressOf, reasonLabel } from './import-report';

describe('import report', () => {
  it('parses the report of a finished import', () => {
    const r = parseReport({
      raw: { HKQuantityTypeIdentifierDietaryCaffeine: 812, HKQuantityTypeIdentifierDietaryWater: 2460 },
      skipped: { 'implausible_value:heart_rate': 3, 'unmapped_type:HKCategoryTypeIdentifierHandwashingEvent': 1204 },
      warning_counts: { bad_date: 2 },
      warnings: [{ code: 'bad_date', detail: "startDate '2019-02-30' is not a date", location: 'export.xml:1048577' }],
      superseded: { import: 'imp_1', removed: 12 },
    });
    expect(r.skipped[0]).toEqual({ reason: 'unmapped_type:HKCategoryTypeIdentifierHandwashingEvent', label: 'unmapped type: HKCategoryTypeIdentifierHandwashingEvent', count: 1204 });
    expect(r.skippedTotal).toBe(1207);
    expect(r.raw[0].type).toBe('HKQuantityTypeIdentifierDietaryWater');
    expect(r.rawTotal).toBe(3272);
    expect(r.warningCounts).toEqual([{ code: 'bad_date', count: 2 }]);
    expect(r.warnings[0].location).toBe('export.xml:1048577');
    expect(r.superseded).toEqual({ import: 'imp_1', removed: 12 });
    expect(r.error).toBeUndefined();
  });

  it('survives an empty or odd report', () => {
    expect(parseReport({}).skipped).toEqual([]);
    expect(parseReport(null).warnings).toEqual([]);
    const failed = parseReport({ error: { code: 'unreadable', detail: 'not a zip' }, rolled_back: 10, warnings: [42, { code: 'x' }] });
    expect(failed.error).toEqual({ code: 'unreadable', detail: 'not a zip' });
    expect(failed.rolledBack).toBe(10);
    expect(failed.warnings).toEqual([{ code: 'x', detail: '' }]);
  });

  it('reads status and progress', () => {
    expect(isFinished({ status: 'done' })).toBe(true);
    expect(isFinished({ status: 'failed' })).toBe(true);
    expect(isFinished({ status: 'running' })).toBe(false);
    expect(progressOf({ status: 'running', bytes_read: 50, bytes_total: 200 })).toBe(0.25);
    expect(progressOf({ status: 'queued', bytes_read: 0, bytes_total: 0 })).toBeNull();
    expect(progressOf({ status: 'done', bytes_read: 0, bytes_total: 0 })).toBe(1);
    expect(importIdFromStatusUrl('/api/v1/imports/imp_01976d2a')).toBe('imp_01976d2a');
    expect(reasonLabel('in_future')).toBe('in future');
  });
});
