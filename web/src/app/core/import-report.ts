// Reading an import's `report` (`ImportReportView` in the OpenAPI document) and its progress into what the
// page shows: reasons sorted, counts summed. Still read defensively, so that a report written by an
// older release with fewer fields shows what it has.
import type { ImportView } from '../api/types';

export interface ReportWarning {
  code: string;
  detail: string;
  location?: string;
}

export interface ParsedReport {
  /** Records not imported, by reason, largest first. */
  skipped: { reason: string; label: string; count: number }[];
  skippedTotal: number;
  /** Records kept raw, by type. */
  raw: { type: string; count: number }[];
  rawTotal: number;
  warningCounts: { code: string; count: number }[];
  warnings: ReportWarning[];
  error?: ReportWarning;
  rolledBack?: number;
  superseded?: { import: string; removed: number };
}

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function counts(v: unknown): [string, number][] {
  if (!isRecord(v)) return [];
  return Object.entries(v)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function warning(v: unknown): ReportWarning | undefined {
  if (!isRecord(v)) return undefined;
  const code = typeof v['code'] === 'string' ? v['code'] : 'warning';
  const detail = typeof v['detail'] === 'string' ? v['detail'] : '';
  const w: ReportWarning = { code, detail };
  if (typeof v['location'] === 'string') w.location = v['location'];
  return w;
}

/** `implausible_value:heart_rate` → `implausible value: heart_rate`. */
export function reasonLabel(reason: string): string {
  const [kind, ...rest] = reason.split(':');
  const k = kind.replace(/_/g, ' ');
  return rest.length ? `${k}: ${rest.join(':')}` : k;
}

export function parseReport(report: unknown): ParsedReport {
  const r = isRecord(report) ? report : {};
  const skipped = counts(r['skipped']).map(([reason, count]) => ({ reason, label: reasonLabel(reason), count }));
  const raw = counts(r['raw']).map(([type, count]) => ({ type, count }));
  const out: ParsedReport = {
    skipped,
    skippedTotal: skipped.reduce((s, x) => s + x.count, 0),
    raw,
    rawTotal: raw.reduce((s, x) => s + x.count, 0),
    warningCounts: counts(r['warning_counts']).map(([code, count]) => ({ code, count })),
    warnings: Array.isArray(r['warnings']) ? (r['warnings'] as unknown[]).map(warning).filter((w): w is ReportWarning => !!w) : [],
  };
  const error = warning(r['error']);
  if (error) out.error = error;
  if (typeof r['rolled_back'] === 'number') out.rolledBack = r['rolled_back'];
  const sup = r['superseded'];
  if (isRecord(sup) && typeof sup['import'] === 'string') {
    out.superseded = { import: sup['import'], removed: typeof sup['removed'] === 'number' ? sup['removed'] : 0 };
  }
  return out;
}

export function statusOf(view: Pick<ImportView, 'status'>): ImportStatus {
  const s = view.status;
  return s === 'queued' || s === 'running' || s === 'done' || s === 'failed' ? s : 'running';
}

export function isFinished(view: Pick<ImportView, 'status'>): boolean {
  const s = statusOf(view);
  return s === 'done' || s === 'failed';
}

/** Processing progress 0–1 from bytes read, or `null` when the total is unknown. */
export function progressOf(view: Pick<ImportView, 'bytes_read' | 'bytes_total' | 'status'>): number | null {
  if (statusOf(view) === 'done') return 1;
  if (!view.bytes_total || view.bytes_total <= 0) return null;
  return Math.max(0, Math.min(1, view.bytes_read / view.bytes_total));
}

/** The id in a `status_url` (`/api/v1/imports/imp_…` → `imp_…`). */
export function importIdFromStatusUrl(url: string): string | null {
  const m = /\/imports\/([^/?#]+)/.exec(url);
  return m ? decodeURIComponent(m[1]) : null;
}

/** File types offered by the picker (the server detects the format from the content). */
export const IMPORT_ACCEPT = '.zip,.xml,.fit,.gpx,.tcx,application/zip,application/xml,text/xml';

export const FORMAT_LABELS: Record<string, string> = {
  apple_health: 'Apple Health',
  zip: $localize`:@@import.format.archive:Archive`,
  fit: 'FIT',
  gpx: 'GPX',
  tcx: 'TCX',
  fitbit: 'Fitbit',
  google_fit: 'Google Fit',
  takeout: 'Google Takeout',
};

export function formatLabel(format: string): string {
  return FORMAT_LABELS[format] ?? (format ? format.replace(/_/g, ' ') : $localize`:@@import.format.unknown:Unknown`);
}
