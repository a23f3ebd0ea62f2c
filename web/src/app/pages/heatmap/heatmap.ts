import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, afterNextRender, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import type { RoutesView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { intlLocale } from '../../core/i18n';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { addDays, rfc3339Utc, startOfDay, today } from '../../core/time';
import { activityLabel } from '../today/today';
import { busiestArea, draw, fit, project, type Projected, type View } from './draw';

/** Activity types offered as a filter (any type can be asked for through the API). */
const TYPES = ['running', 'trail_running', 'walking', 'hiking', 'cycling', 'mountain_biking', 'swimming', 'rowing', 'skiing'];

type Period = 'all' | 'year' | 'last_year' | '12_months';

type Load = { state: 'loading' } | { state: 'ok'; value: RoutesView; projected: Projected } | { state: 'error'; problem: ApiProblem };

/**
 * The personal heatmap: every route of the chosen activities on one canvas, without a basemap, where
 * routes run often glowing brighter. Drag to pan, buttons or the wheel to zoom.
 */
@Component({
  selector: 'wh-heatmap',
  templateUrl: './heatmap.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HeatmapPage {
  private readonly api = inject(ApiService);
  private readonly prefs = inject(PrefsService);
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');

  protected readonly types = TYPES.map((t) => ({ value: t, label: activityLabel(t) }));
  protected readonly type = signal<string>('');
  protected readonly period = signal<Period>('all');
  protected readonly data = signal<Load>({ state: 'loading' });
  protected readonly drawMs = signal<number | null>(null);
  private readonly view = signal<View | null>(null);
  private readonly size = signal<{ width: number; height: number; ratio: number }>({ width: 0, height: 0, ratio: 1 });
  private seq = 0;

  protected readonly error = computed(() => {
    const d = this.data();
    return d.state === 'error' ? d.problem : null;
  });
  protected readonly routeCount = computed(() => {
    const d = this.data();
    return d.state === 'ok' ? d.projected.lines.length : 0;
  });
  protected readonly summary = computed(() => {
    const d = this.data();
    if (d.state !== 'ok') return '';
    const n = this.routeCount();
    const routes = n === 1 ? $localize`:@@heatmap.oneRoute:1 route` : $localize`:@@heatmap.routes:${n.toLocaleString(intlLocale())}:count: routes`;
    return d.value.truncated ? $localize`:@@heatmap.truncated:${routes}:routes: (the newest; narrow the period for older ones)` : routes;
  });
  protected readonly canvasLabel = computed(
    () => $localize`:@@heatmap.canvasLabel:Heatmap of ${this.summary() || $localize`:@@heatmap.yourRoutes:your routes`}:routes:. Arrow keys pan, plus and minus zoom, 0 fits all.`,
  );

  constructor() {
    effect(() => {
      const type = this.type();
      const period = this.period();
      untracked(() => void this.load(type, period));
    });
    // Redraw whenever the data, the view or the size changes.
    effect(() => {
      const d = this.data();
      const view = this.view();
      const size = this.size();
      if (d.state !== 'ok' || !view || size.width === 0) return;
      untracked(() => this.redraw(d.projected, view, size));
    });
    afterNextRender(() => {
      const el = this.canvas().nativeElement;
      const observer = new ResizeObserver(() => this.measure());
      observer.observe(el);
      this.measure();
      this.destroy.onDestroy(() => observer.disconnect());
    });
  }

  private readonly destroy = inject(DestroyRef);

  private measure(): void {
    const el = this.canvas().nativeElement;
    const rect = el.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    if (width === this.size().width && height === this.size().height) return;
    el.width = width;
    el.height = height;
    this.size.set({ width, height, ratio });
    this.refit();
  }

  /** Fits the view to where most routes are, or (`all`) to every route. */
  private refit(all = false): void {
    const d = this.data();
    const { width, height } = this.size();
    if (d.state !== 'ok' || width === 0) return;
    const bounds = all ? d.projected.bounds : busiestArea(d.projected);
    if (bounds) this.view.set(fit(bounds, width, height));
  }

  private range(period: Period): { from?: string; to?: string } {
    const zone = this.prefs.zone();
    const now = today(zone);
    const year = Number(now.slice(0, 4));
    const at = (date: string) => rfc3339Utc(startOfDay(date, zone));
    switch (period) {
      case 'year':
        return { from: at(`${year}-01-01`) };
      case 'last_year':
        return { from: at(`${year - 1}-01-01`), to: at(`${year}-01-01`) };
      case '12_months':
        return { from: at(addDays(now, -365)) };
      default:
        return {};
    }
  }

  protected async load(type: string, period: Period): Promise<void> {
    const seq = ++this.seq;
    this.data.set({ state: 'loading' });
    try {
      const value = await this.api.get('/api/v1/activities/routes', {
        query: { ...this.range(period), ...(type ? { type } : {}) },
      });
      if (seq !== this.seq) return;
      const projected = project(value.routes.map((r) => r.polyline));
      this.data.set({ state: 'ok', value, projected });
      this.refit();
    } catch (err) {
      if (seq === this.seq) this.data.set({ state: 'error', problem: problemOf(err) });
    }
  }

  private redraw(projected: Projected, view: View, size: { width: number; height: number; ratio: number }): void {
    const ctx = this.canvas().nativeElement.getContext('2d');
    if (!ctx) return;
    const color = getComputedStyle(this.canvas().nativeElement).getPropertyValue('--heat').trim() || '#ff6a3d';
    this.drawMs.set(Math.round(draw(ctx, projected, view, size.width, size.height, color, 1.6 * size.ratio) * 10) / 10);
  }

  protected pickType(value: string): void {
    this.type.set(TYPES.includes(value) ? value : '');
  }

  protected pickPeriod(value: string): void {
    this.period.set((['all', 'year', 'last_year', '12_months'] as const).find((p) => p === value) ?? 'all');
  }

  protected zoom(factor: number): void {
    const v = this.view();
    if (v) this.view.set({ ...v, scale: Math.max(1, v.scale * factor) });
  }

  protected fitAll(): void {
    this.refit(true);
  }

  protected wheel(event: WheelEvent): void {
    event.preventDefault();
    this.zoom(event.deltaY < 0 ? 1.25 : 0.8);
  }

  private dragFrom: { x: number; y: number; view: View } | null = null;

  protected pointerDown(event: PointerEvent): void {
    const v = this.view();
    if (!v) return;
    this.dragFrom = { x: event.clientX, y: event.clientY, view: v };
    (event.target as Element).setPointerCapture?.(event.pointerId);
  }

  protected pointerMove(event: PointerEvent): void {
    const from = this.dragFrom;
    if (!from) return;
    const ratio = this.size().ratio;
    const dx = ((event.clientX - from.x) * ratio) / from.view.scale;
    const dy = ((event.clientY - from.y) * ratio) / from.view.scale;
    this.view.set({ ...from.view, cx: from.view.cx - dx, cy: from.view.cy - dy });
  }

  protected pointerUp(): void {
    this.dragFrom = null;
  }

  /** Arrow keys pan, + and − zoom, 0 fits everything. */
  protected key(event: KeyboardEvent): void {
    const v = this.view();
    if (!v) return;
    const step = (this.size().width * 0.1) / v.scale;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      this.view.set({ ...v, cx: v.cx + dx, cy: v.cy + dy });
    } else if (event.key === '+' || event.key === '=') this.zoom(1.25);
    else if (event.key === '-') this.zoom(0.8);
    else if (event.key === '0') this.fitAll();
    else return;
    event.preventDefault();
  }
}
