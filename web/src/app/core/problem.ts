// RFC 9457 problem details: parsing what the API sends, and turning anything else (network failure,
// an HTML error page from a proxy) into the same shape so the UI always has a `detail` to show.
import type { Problem } from '../api/types';

/** A problem as the UI uses it: the API's fields plus field errors grouped by field path. */
export interface ApiProblem {
  status: number;
  title: string;
  detail: string;
  code: string;
  /** Field path (`password`, `samples[3].unit`) → the messages for it. */
  fieldErrors: Record<string, string[]>;
  /** Seconds from a `Retry-After` header, when one came. */
  retryAfter?: number;
}

/** An error thrown by the API client; carries the parsed problem. */
export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

const STATUS_TITLES: Record<number, string> = {
  0: $localize`:@@problem.title.network:Network error`,
  400: $localize`:@@problem.title.badRequest:Bad Request`,
  401: $localize`:@@problem.title.unauthorized:Unauthorized`,
  403: $localize`:@@problem.title.forbidden:Forbidden`,
  404: $localize`:@@problem.title.notFound:Not Found`,
  408: $localize`:@@problem.title.timeout:Request Timeout`,
  409: $localize`:@@problem.title.conflict:Conflict`,
  413: $localize`:@@problem.title.tooLarge:Payload Too Large`,
  415: $localize`:@@problem.title.unsupportedType:Unsupported Media Type`,
  422: $localize`:@@problem.title.unprocessable:Unprocessable Entity`,
  429: $localize`:@@problem.title.tooMany:Too Many Requests`,
  500: $localize`:@@problem.title.serverError:Internal Server Error`,
  502: $localize`:@@problem.title.badGateway:Bad Gateway`,
  503: $localize`:@@problem.title.unavailable:Service Unavailable`,
  504: $localize`:@@problem.title.gatewayTimeout:Gateway Timeout`,
  507: $localize`:@@problem.title.storage:Insufficient Storage`,
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The fallback sentence for a status without a usable body. */
export function genericDetail(status: number): string {
  if (status === 0) return $localize`:@@problem.detail.network:The server could not be reached. Check your connection and try again.`;
  if (status === 401) return $localize`:@@problem.detail.unauthorized:You are not signed in, or your session has ended.`;
  if (status === 403) return $localize`:@@problem.detail.forbidden:You are not allowed to do this.`;
  if (status === 404) return $localize`:@@problem.detail.notFound:Not found.`;
  if (status === 413) return $localize`:@@problem.detail.tooLarge:The request is too large.`;
  if (status === 429) return $localize`:@@problem.detail.tooMany:Too many requests; wait a moment and try again.`;
  if (status >= 500) return $localize`:@@problem.detail.server:The server had a problem (${status}:status:). Try again in a moment.`;
  return $localize`:@@problem.detail.failed:The request failed (${status}:status:).`;
}

function parseRetryAfter(raw: string | null | undefined): number | undefined {
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - Date.now()) / 1000));
}

/**
 * Builds an {@link ApiProblem} from a response status and its parsed body (`undefined` when the body
 * was not JSON). Never throws; always yields a non-empty `detail`.
 */
export function toProblem(status: number, body: unknown, retryAfter?: string | null): ApiProblem {
  const fieldErrors: Record<string, string[]> = {};
  let title = STATUS_TITLES[status] ?? $localize`:@@problem.title.error:Error`;
  let detail = genericDetail(status);
  let code = status === 0 ? 'network_error' : `http_${status}`;
  if (isRecord(body)) {
    const p = body as Partial<Problem> & Record<string, unknown>;
    title = str(p.title) ?? title;
    detail = str(p.detail) ?? str(p['message']) ?? detail;
    code = str(p.code) ?? code;
    if (typeof p.status === 'number' && p.status > 0) status = p.status;
    if (Array.isArray(p.errors)) {
      for (const e of p.errors as unknown[]) {
        if (!isRecord(e)) continue;
        const field = str(e['field']) ?? '';
        const msg = str(e['detail']) ?? str(e['code']);
        if (msg) (fieldErrors[field] ??= []).push(msg);
      }
    }
  }
  const problem: ApiProblem = { status, title, detail, code, fieldErrors };
  const ra = parseRetryAfter(retryAfter);
  if (ra !== undefined) problem.retryAfter = ra;
  return problem;
}

/** Parses response text that may or may not be JSON. */
export function parseBodyText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Any thrown value → a problem (ApiError's own; other errors become a client-side problem). */
export function problemOf(err: unknown): ApiProblem {
  if (err instanceof ApiError) return err.problem;
  if (err instanceof DOMException && err.name === 'AbortError') {
    return {
      status: 0,
      title: $localize`:@@problem.title.cancelled:Cancelled`,
      detail: $localize`:@@problem.detail.cancelled:The request was cancelled.`,
      code: 'aborted',
      fieldErrors: {},
    };
  }
  if (err instanceof TypeError) {
    // fetch() rejects with a TypeError when the network fails.
    return toProblem(0, undefined);
  }
  const detail = err instanceof Error && err.message ? err.message : $localize`:@@problem.detail.unknown:Something went wrong.`;
  return { status: -1, title: $localize`:@@problem.title.error:Error`, detail, code: 'client_error', fieldErrors: {} };
}

/** The messages for one field, matching `field` itself and nested paths under it (`field.x`, `field[0]`). */
export function fieldMessages(problem: ApiProblem | null | undefined, field: string): string[] {
  if (!problem) return [];
  const out: string[] = [];
  for (const [path, msgs] of Object.entries(problem.fieldErrors)) {
    if (path === field || path.startsWith(field + '.') || path.startsWith(field + '[')) out.push(...msgs);
  }
  return out;
}
