import { Injectable, inject } from '@angular/core';
import type { paths } from '../api/schema';
import { AuthService } from './auth.service';
import { buildUrl, type Method, type Ok, type Op, type PathsFor, type RequestOptions } from './http';
import { ApiError, parseBodyText, toProblem } from './problem';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * The typed API client for signed-in calls: `api.get('/api/v1/me')` resolves to `MeView`, and a failed
 * call rejects with an {@link ApiError} carrying the problem+json. A 401 refreshes the session once
 * and retries; when the refresh is refused the session ends (back to the sign-in page).
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly auth = inject(AuthService);

  get<P extends PathsFor<'get'>>(path: P, opts: RequestOptions<Op<P, 'get'>> = {}): Promise<Ok<Op<P, 'get'>>> {
    return this.request('get', path, opts);
  }

  post<P extends PathsFor<'post'>>(path: P, opts: RequestOptions<Op<P, 'post'>> = {}): Promise<Ok<Op<P, 'post'>>> {
    return this.request('post', path, opts);
  }

  put<P extends PathsFor<'put'>>(path: P, opts: RequestOptions<Op<P, 'put'>> = {}): Promise<Ok<Op<P, 'put'>>> {
    return this.request('put', path, opts);
  }

  patch<P extends PathsFor<'patch'>>(path: P, opts: RequestOptions<Op<P, 'patch'>> = {}): Promise<Ok<Op<P, 'patch'>>> {
    return this.request('patch', path, opts);
  }

  delete<P extends PathsFor<'delete'>>(path: P, opts: RequestOptions<Op<P, 'delete'>> = {}): Promise<Ok<Op<P, 'delete'>>> {
    return this.request('delete', path, opts);
  }

  private async request<T>(method: Method, path: keyof paths, opts: RequestOptions<unknown>): Promise<T> {
    const url = buildUrl(path, opts.path as object | undefined, opts.query as object | undefined);
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await this.auth.authorized(url, { method: method.toUpperCase(), headers, body, signal: opts.signal });
    return res.body as T;
  }

  /** A raw-body call (`PUT /me/avatar`), JSON answer. */
  async putRaw<T>(path: string, data: Blob, contentType: string): Promise<T> {
    const res = await this.auth.authorized(path, {
      method: 'PUT',
      headers: { Accept: 'application/json', 'Content-Type': contentType || 'application/octet-stream' },
      body: data,
    });
    return res.body as T;
  }

  /** A binary GET (the avatar) as a Blob, with the same auth handling. */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    const fetchIt = async (): Promise<Response> => {
      const token = this.auth.token();
      return fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal, credentials: 'same-origin' });
    };
    let res = await fetchIt().catch(() => null);
    if (res && res.status === 401 && (await this.auth.refresh())) res = await fetchIt().catch(() => null);
    if (!res) throw new ApiError(toProblem(0, undefined));
    if (!res.ok) throw new ApiError(toProblem(res.status, parseBodyText(await res.text().catch(() => ''))));
    return res.blob();
  }

  /**
   * Uploads `file` as `multipart/form-data` (field `file`) with XMLHttpRequest for upload progress.
   * A 401 refreshes the session and sends the file once more.
   */
  async upload<T>(path: string, file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<{ status: number; body: T }> {
    if (!this.auth.token()) await this.auth.refresh();
    try {
      return await this.xhrUpload<T>(path, file, onProgress, signal);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      if (!(await this.auth.refresh())) {
        if (this.auth.refreshFailureIsFinal()) this.auth.sessionLost();
        throw err;
      }
      return this.xhrUpload<T>(path, file, onProgress, signal);
    }
  }

  private xhrUpload<T>(path: string, file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      const token = this.auth.token();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
      xhr.onload = () => {
        const body = parseBodyText(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body: body as T });
        else reject(new ApiError(toProblem(xhr.status, body, xhr.getResponseHeader('retry-after'))));
      };
      xhr.onerror = () => reject(new ApiError(toProblem(0, undefined)));
      xhr.ontimeout = () => reject(new ApiError(toProblem(408, undefined)));
      xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  }
}
