import { Injectable, effect, inject, signal } from '@angular/core';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';

/** An event as the server sends it (docs/events.md): what changed, for whom, and its data. */
export interface LiveEvent {
  id: string;
  type: string;
  version: number;
  time: string;
  user: string | null;
  data: Record<string, unknown>;
}

/** The event types the dashboard listens to. */
const TYPES = [
  'new_health_data',
  'activity.created',
  'activity.updated',
  'activity.deleted',
  'import.completed',
  'import.failed',
  'profile.updated',
] as const;

/** Pauses before reconnecting after a failure: 1 s doubling to 30 s. */
export function reconnectDelay(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * The signed-in user's events, live, from `GET /api/v1/events` (Server-Sent Events). A browser's
 * `EventSource` cannot send the access token, so each connection is opened with a fresh stream ticket;
 * when the stream ends (the token expired, the connection dropped) it opens again with a new ticket
 * and resumes after the last event it saw. Pages read `latest` (an effect runs on every event).
 */
@Injectable({ providedIn: 'root' })
export class LiveService {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);

  /** The last event received; a new object for every event. */
  readonly latest = signal<LiveEvent | null>(null);
  /** Whether a stream is open now. */
  readonly connected = signal(false);

  private source: EventSource | null = null;
  private lastId: string | null = null;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor() {
    effect(() => {
      if (this.auth.status() === 'signed-in') void this.open();
      else this.close();
    });
  }

  private close(): void {
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.source?.close();
    this.source = null;
    this.connected.set(false);
  }

  private async open(): Promise<void> {
    this.close();
    const generation = this.generation;
    if (typeof EventSource === 'undefined') return;
    let ticket: string;
    try {
      ticket = (await this.api.post('/api/v1/stream/tickets')).ticket;
    } catch {
      this.later(generation);
      return;
    }
    if (generation !== this.generation) return;
    const query = new URLSearchParams({ ticket });
    if (this.lastId) query.set('last_event_id', this.lastId);
    const source = new EventSource(`/api/v1/events?${query}`);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.connected.set(true);
    };
    const receive = (message: MessageEvent<string>) => {
      if (message.lastEventId) this.lastId = message.lastEventId;
      try {
        this.latest.set(JSON.parse(message.data) as LiveEvent);
      } catch {
        // Not an event this dashboard reads.
      }
    };
    for (const type of TYPES) source.addEventListener(type, receive as EventListener);
    // Too many events missed: everything shown may be stale, as after any change.
    source.addEventListener('resync', ((m: MessageEvent<string>) => {
      if (m.lastEventId) this.lastId = m.lastEventId;
      this.latest.set({ id: m.lastEventId, type: 'resync', version: 1, time: new Date().toISOString(), user: null, data: {} });
    }) as EventListener);
    // The credentials ended, or the connection failed: a new ticket, after a pause when it keeps failing.
    const reopen = () => {
      if (generation !== this.generation) return;
      source.close();
      this.connected.set(false);
      this.later(generation);
    };
    source.addEventListener('end', reopen);
    source.onerror = reopen;
  }

  private later(generation: number): void {
    if (generation !== this.generation) return;
    this.failures++;
    this.retry = setTimeout(() => {
      if (generation === this.generation && this.auth.status() === 'signed-in') void this.open();
    }, reconnectDelay(this.failures));
  }
}
