import { Injectable, signal } from '@angular/core';
import { problemOf, type ApiProblem } from './problem';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  title?: string;
  text: string;
}

/** Global messages (a toast stack in the shell), fed by problem+json `detail`s and page actions. */
@Injectable({ providedIn: 'root' })
export class NotifyService {
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly toasts = signal<Toast[]>([]);

  show(kind: ToastKind, text: string, title?: string, timeoutMs?: number): number {
    const id = this.nextId++;
    // The same message twice in a row (e.g. several requests failing at once) is shown once.
    const last = this.toasts().at(-1);
    if (last && last.text === text && last.kind === kind) return last.id;
    this.toasts.update((list) => [...list.slice(-3), { id, kind, text, title }]);
    const ms = timeoutMs ?? (kind === 'error' ? 12000 : 5000);
    if (ms > 0) this.timers.set(id, setTimeout(() => this.dismiss(id), ms));
    return id;
  }

  info(text: string): number {
    return this.show('info', text);
  }

  success(text: string): number {
    return this.show('success', text);
  }

  /** Shows the `detail` of a problem (or of whatever was thrown). */
  error(err: unknown, title?: string): ApiProblem {
    const p = problemOf(err);
    if (p.code !== 'aborted') this.show('error', p.detail, title ?? (p.status > 0 ? p.title : undefined));
    return p;
  }

  dismiss(id: number): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
    this.toasts.update((list) => list.filter((x) => x.id !== id));
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.toasts.set([]);
  }
}
