// The zones the signed-in user lived in, and from when (`GET /me/time-zones`), so a time without a
// zone of its own (a workout that recorded none) is shown on the clock of where the user was then,
// not of where they are now.
import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';
import { PrefsService } from './prefs.service';

/** A period of the history: its zone and when it starts (ms); the first covers all time before the next. */
export interface ZonePeriod {
  zone: string;
  from: number;
}

/** The zone in force at `at` (ms) in `periods` (oldest first); `fallback` without any. */
export function zoneAtIn(periods: readonly ZonePeriod[], at: number, fallback: string): string {
  let zone = periods[0]?.zone ?? fallback;
  for (const p of periods) {
    if (p.from <= at) zone = p.zone;
    else break;
  }
  return zone;
}

@Injectable({ providedIn: 'root' })
export class ZoneHistoryService {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly prefs = inject(PrefsService);

  /** Oldest first; empty while unknown, signed out, or when the user has set no zone. */
  readonly periods = signal<readonly ZonePeriod[]>([]);

  constructor() {
    // Read again whenever the profile changes: a new zone (here or on another device) is a new period.
    effect(() => {
      const me = this.auth.me();
      untracked(() => {
        if (me) void this.load();
        else this.periods.set([]);
      });
    });
  }

  async load(): Promise<void> {
    try {
      const view = await this.api.get('/api/v1/me/time-zones');
      this.periods.set(
        view.periods.map((p) => ({ zone: p.zone, from: p.from ? Date.parse(p.from) : Number.NEGATIVE_INFINITY })),
      );
    } catch {
      // Without the history, times show in the profile's zone, as before there was one.
    }
  }

  /** The zone the user lived in at `start` (an RFC 3339 time or ms); the profile's zone without a history. */
  zoneAt(start: string | number): string {
    const at = typeof start === 'number' ? start : Date.parse(start);
    return zoneAtIn(this.periods(), Number.isNaN(at) ? Date.now() : at, this.prefs.zone());
  }
}
