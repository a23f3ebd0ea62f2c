import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ImportView, components } from '../../api/types';
import { ApiService } from '../../core/api.service';
import {
  IMPORT_ACCEPT,
  formatLabel,
  importIdFromStatusUrl,
  isFinished,
  parseReport,
  progressOf,
  statusOf,
  type ParsedReport,
} from '../../core/import-report';
import { LiveService } from '../../core/live.service';
import { NotifyService } from '../../core/notify.service';
import { PrefsService } from '../../core/prefs.service';
import { problemOf, type ApiProblem } from '../../core/problem';
import { dateTime } from '../../core/time';
import { bytes, count, distance, duration, text } from '../../core/units';
import { Icon } from '../../shared/icon';
import { ImportReport } from './import-report';

type PlannedRouteView = components['schemas']['PlannedRouteView'];

type Phase = 'waiting' | 'uploading' | 'processing' | 'done' | 'failed';

interface Job {
  key: number;
  file: File;
  phase: Phase;
  /** Upload progress 0–1. */
  sent: number;
  view: ImportView | null;
  /** The file had been imported before (200 with the earlier import). */
  again: boolean;
  problem: ApiProblem | null;
}

const POLL_MS = 1000;
const POLL_MAX_MS = 5000;

@Component({
  selector: 'wh-imports',
  imports: [Icon, ImportReport, RouterLink],
  templateUrl: './imports.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImportsPage {
  private readonly api = inject(ApiService);
  private readonly notify = inject(NotifyService);
  protected readonly prefs = inject(PrefsService);
  private readonly fileInput = viewChild.required<ElementRef<HTMLInputElement>>('fileInput');

  protected readonly accept = IMPORT_ACCEPT;
  protected readonly jobs = signal<Job[]>([]);
  protected readonly dragging = signal(false);
  protected readonly history = signal<ImportView[] | null>(null);
  /** Routes kept from files without times (plans, not workouts), newest first. */
  protected readonly routes = signal<PlannedRouteView[]>([]);
  protected readonly untitledRoute = $localize`:@@route.untitled:Untitled route`;
  protected readonly historyProblem = signal<ApiProblem | null>(null);
  protected readonly openId = signal<string | null>(null);
  protected readonly busy = computed(() => this.jobs().some((j) => j.phase === 'uploading' || j.phase === 'waiting'));

  private nextKey = 1;
  private destroyed = false;
  private running = false;
  private readonly aborts = new Map<number, AbortController>();
  /** Ends the pauses of imports being followed: an event said one moved on. */
  private readonly wakers = new Set<() => void>();
  private readonly live = inject(LiveService);

  protected readonly bytes = bytes;
  protected readonly formatLabel = formatLabel;
  protected readonly statusOf = statusOf;
  protected readonly progressOf = progressOf;

  constructor() {
    void this.loadHistory();
    // An import ended (here or from another device): follow it now, and show it in the history.
    effect(() => {
      const event = this.live.latest();
      if (event?.type !== 'import.completed' && event?.type !== 'import.failed') return;
      untracked(() => {
        for (const wake of [...this.wakers]) wake();
        void this.loadHistory();
      });
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      for (const a of this.aborts.values()) a.abort();
    });
  }

  protected when(iso: string | null | undefined): string {
    return dateTime(iso, this.prefs.zone());
  }

  /** A whole count with grouping in the page's language. */
  protected count(n: number): string {
    return count(n).value;
  }

  protected dismissLabel(file: string): string {
    return $localize`:@@imports.dismiss:Dismiss ${file}:file:`;
  }

  protected took(v: ImportView): string {
    if (!v.started_at || !v.finished_at) return '';
    return duration((Date.parse(v.finished_at) - Date.parse(v.started_at)) / 1000);
  }

  protected report(v: ImportView): ParsedReport {
    return parseReport(v.report);
  }

  async loadHistory(): Promise<void> {
    try {
      this.history.set(await this.api.get('/api/v1/imports'));
      this.historyProblem.set(null);
    } catch (err) {
      this.historyProblem.set(problemOf(err));
    }
    await this.loadRoutes();
  }

  /** The routes imports kept from files without times; none shown when they cannot be loaded. */
  private async loadRoutes(): Promise<void> {
    try {
      const page = await this.api.get('/api/v1/routes', { query: { limit: 100 } });
      this.routes.set(page.items);
    } catch {
      this.routes.set([]);
    }
  }

  protected routeDistance(r: PlannedRouteView): string {
    return text(distance(r.distance, this.prefs.units()));
  }

  protected choose(): void {
    this.fileInput().nativeElement.click();
  }

  protected picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.enqueue(Array.from(input.files ?? []));
    input.value = '';
  }

  protected dragOver(event: DragEvent): void {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  protected dragLeave(event: DragEvent): void {
    const related = event.relatedTarget as Node | null;
    if (!related || !(event.currentTarget as HTMLElement).contains(related)) this.dragging.set(false);
  }

  protected drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    this.enqueue(Array.from(event.dataTransfer?.files ?? []));
  }

  private enqueue(files: File[]): void {
    if (!files.length) return;
    const jobs = files.map<Job>((file) => ({ key: this.nextKey++, file, phase: 'waiting', sent: 0, view: null, again: false, problem: null }));
    this.jobs.update((list) => [...jobs.reverse(), ...list]);
    void this.run();
  }

  private patch(key: number, change: Partial<Job>): void {
    this.jobs.update((list) => list.map((j) => (j.key === key ? { ...j, ...change } : j)));
  }

  /** Uploads waiting files one after the other (the server takes two at once per account). */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const job = [...this.jobs()].reverse().find((j) => j.phase === 'waiting');
        if (!job || this.destroyed) break;
        await this.upload(job);
      }
    } finally {
      this.running = false;
    }
  }

  private async upload(job: Job): Promise<void> {
    const abort = new AbortController();
    this.aborts.set(job.key, abort);
    this.patch(job.key, { phase: 'uploading', sent: 0 });
    try {
      const res = await this.api.upload<ImportView>(
        '/api/v1/imports',
        job.file,
        (p) => this.patch(job.key, { sent: p.total ? p.loaded / p.total : 0 }),
        abort.signal,
      );
      const view = res.body;
      this.patch(job.key, { sent: 1, view, again: res.status === 200, phase: isFinished(view) ? this.finalPhase(view) : 'processing' });
      if (!isFinished(view)) void this.poll(job.key, view);
      else void this.loadHistory();
    } catch (err) {
      const problem = problemOf(err);
      this.patch(job.key, { phase: 'failed', problem });
    } finally {
      this.aborts.delete(job.key);
    }
  }

  private finalPhase(v: ImportView): Phase {
    return statusOf(v) === 'failed' ? 'failed' : 'done';
  }

  /** Waits `ms`, or less when an event says an import moved on. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.add(done);
      setTimeout(() => this.wakers.delete(done), ms);
    });
  }

  /** Follows `status_url` until the import is done or failed (at once when an event says it ended). */
  private async poll(key: number, first: ImportView): Promise<void> {
    const id = importIdFromStatusUrl(first.status_url) ?? first.id;
    let wait = POLL_MS;
    let failures = 0;
    while (!this.destroyed) {
      await this.pause(wait);
      if (this.destroyed) return;
      try {
        const view = await this.api.get('/api/v1/imports/{id}', { path: { id } });
        failures = 0;
        if (isFinished(view)) {
          this.patch(key, { view, phase: this.finalPhase(view) });
          void this.loadHistory();
          if (statusOf(view) === 'done') this.notify.success(
              view.file_name ? $localize`:@@imports.fileImported:${view.file_name}:file: is imported.` : $localize`:@@imports.theFileImported:The file is imported.`,
            );
          return;
        }
        this.patch(key, { view });
        wait = Math.min(POLL_MAX_MS, wait + 250);
      } catch (err) {
        const problem = problemOf(err);
        if (problem.status === 401 || problem.status === 404 || ++failures >= 5) {
          this.patch(key, { phase: 'failed', problem });
          return;
        }
        wait = Math.min(POLL_MAX_MS * 2, wait * 2);
      }
    }
  }

  protected cancel(job: Job): void {
    if (job.phase === 'waiting') this.jobs.update((list) => list.filter((j) => j.key !== job.key));
    else this.aborts.get(job.key)?.abort();
  }

  protected dismiss(job: Job): void {
    this.jobs.update((list) => list.filter((j) => j.key !== job.key));
  }

  protected toggle(id: string): void {
    this.openId.update((cur) => (cur === id ? null : id));
  }

  protected percent(f: number | null): number {
    return f === null ? 0 : Math.round(f * 100);
  }
}
