// Fixtures and fakes for component tests (not part of the app build).
import { signal } from '@angular/core';
import type { DailySummariesView, MeView, SampleListView, SleepSessionView } from '../app/api/types';
import { ApiError, toProblem } from '../app/core/problem';

export function me(overrides: Partial<MeView> = {}): MeView {
  return {
    id: 'usr_1',
    username: 'ana',
    email: 'ana@example.org',
    display_name: 'Ana Lima',
    time_zone: 'Europe/Berlin',
    unit_system: 'metric',
    first_weekday: 'monday',
    roles: ['user'],
    mfa_enabled: false,
    stats: { current_streak_days: 0, total_workouts: 0 },
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  } as MeView;
}

/** A fake AuthService: signals only, no network. */
export class FakeAuth {
  readonly status = signal<'unknown' | 'signed-in' | 'signed-out'>('signed-in');
  readonly me = signal<MeView | null>(me());
  readonly isAdmin = () => this.me()?.roles.includes('admin') ?? false;
  login = async (_body: unknown): Promise<void> => undefined;
  logout = async (): Promise<void> => undefined;
  whenReady = async (): Promise<void> => undefined;
  token = (): string | null => 'token';
  loadMe = async (): Promise<MeView | null> => this.me();
}

export function problem(status: number, code: string, detail: string): ApiError {
  return new ApiError(toProblem(status, { type: `urn:wearhouse:problem:${code}`, title: 'x', status, code, detail }));
}

export function daily(from: string, to: string, figures: DailySummariesView['figures']): DailySummariesView {
  return { from, to, figures };
}

export function hrBuckets(startIso: string, values: number[]): SampleListView {
  const t0 = Date.parse(startIso);
  return {
    metric: 'heart_rate',
    unit: 'count/min',
    resolution: 'minute',
    buckets: values.map((v, i) => ({
      start: new Date(t0 + i * 60000).toISOString(),
      end: new Date(t0 + (i + 1) * 60000).toISOString(),
      value: v,
      min: v,
      max: v,
      count: 1,
    })),
  };
}

export const noSleep: SleepSessionView[] = [];

/** jsdom has no canvas: give uPlot a context that accepts every call. */
export function stubCanvas(): void {
  const ctx = new Proxy(
    {},
    {
      get: (_t, prop) => (prop === 'measureText' ? () => ({ width: 10 }) : typeof prop === 'string' && /^(create|get)/.test(prop) ? () => ({ addColorStop: () => undefined }) : () => undefined),
      set: () => true,
    },
  );
  HTMLCanvasElement.prototype.getContext = (() => ctx) as unknown as HTMLCanvasElement['getContext'];
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class {
    observe(): void {}
    disconnect(): void {}
    unobserve(): void {}
  };
  (globalThis as { Path2D?: unknown }).Path2D ??= class {
    moveTo(): void {}
    lineTo(): void {}
    rect(): void {}
    arc(): void {}
    closePath(): void {}
    bezierCurveTo(): void {}
    addPath(): void {}
  };
}
