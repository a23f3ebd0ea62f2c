// A small typed layer over fetch, driven by the generated `paths` of the OpenAPI document: the path
// literal picks the operation, which fixes the query, path parameters, JSON body and response type.
import type { paths } from '../api/schema';
import { ApiError, parseBodyText, toProblem } from './problem';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Defined<T> = Exclude<T, undefined>;

/** The paths that have an operation for `M`. */
export type PathsFor<M extends Method> = {
  [P in keyof paths]: [Defined<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

export type Op<P extends keyof paths, M extends Method> = Defined<paths[P][M]>;

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type OkJson<O> = JsonOf<Responses<O>[Extract<keyof Responses<O>, 200 | 201 | 202>]>;

/** The JSON of the operation's success response; `void` for 204-only operations. */
export type Ok<O> = [OkJson<O>] extends [never] ? void : OkJson<O>;

type RequestJson<O> = O extends { requestBody?: infer RB }
  ? Defined<RB> extends { content: { 'application/json': infer B } }
    ? B
    : never
  : never;

type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Defined<Q> : never;
type PathParamsOf<O> = O extends { parameters: { path?: infer Q } } ? Defined<Q> : never;

export interface RequestOptions<O> {
  query?: QueryOf<O>;
  path?: PathParamsOf<O>;
  body?: RequestJson<O>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** Fills `{name}` placeholders and appends the query string. */
export function buildUrl(path: string, pathParams?: object, query?: object): string {
  let url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = (pathParams as Record<string, unknown> | undefined)?.[name];
    if (v === undefined || v === null) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(v));
  });
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query as Record<string, QueryValue>)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)));
      else qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Sends one request. Resolves for 2xx with the parsed JSON body (`undefined` for none); rejects with an
 * {@link ApiError} carrying the problem for anything else, network failures included (status 0).
 */
export async function send(url: string, init: RequestInit): Promise<RawResponse> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(toProblem(0, undefined));
  }
  const text = res.status === 204 ? '' : await res.text().catch(() => '');
  const body = parseBodyText(text);
  if (!res.ok) throw new ApiError(toProblem(res.status, body, res.headers.get('retry-after')));
  return { status: res.status, headers: res.headers, body };
}

export { CSRF_COOKIE, readCookie } from './cookies';
export const CSRF_HEADER = 'X-CSRF-Token';
