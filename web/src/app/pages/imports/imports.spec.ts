import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ImportView } from '../../api/types';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { FakeAuth, problem } from '../../../testing/fixtures';
import { ImportsPage } from './imports';

function view(status: string, extra: Partial<ImportView> = {}): ImportView {
  return {
    id: 'imp_1',
    status,
    format: 'gpx',
    file_name: 'run.gpx',
    status_url: '/api/v1/imports/imp_1',
    bytes_total: 556,
    bytes_read: status === 'done' ? 556 : 100,
    records_read: 1,
    imported: 0,
    activities: status === 'done' ? 1 : 0,
    duplicates: 0,
    report: status === 'done' ? { raw: {}, skipped: { 'implausible_value:heart_rate': 3 }, warning_counts: {}, warnings: [] } : {},
    created_at: '2025-06-14T06:40:00Z',
    started_at: null,
    finished_at: null,
    ...extra,
  } as ImportView;
}

describe('ImportsPage', () => {
  let polls: number;
  let uploads: File[];
  let rejectUpload: boolean;

  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    polls = 0;
    uploads = [];
    rejectUpload = false;
    const api = {
      get: async (path: string) => {
        if (path === '/api/v1/imports') return polls > 1 ? [view('done')] : [];
        if (path === '/api/v1/imports/{id}') return ++polls > 1 ? view('done') : view('running');
        throw new Error(path);
      },
      upload: async (_path: string, file: File, progress: (p: { loaded: number; total: number }) => void) => {
        uploads.push(file);
        if (rejectUpload) throw problem(415, 'unsupported_media_type', 'the file is not a format Wearhouse reads');
        progress({ loaded: 50, total: 100 });
        return { status: 202, body: view('queued') };
      },
    };
    TestBed.configureTestingModule({
      imports: [ImportsPage],
      providers: [provideRouter([]), { provide: AuthService, useValue: new FakeAuth() }, { provide: ApiService, useValue: api }],
    });
  });

  afterEach(() => vi.useRealTimers());

  function drop(el: HTMLElement, file: File): void {
    const zone = el.querySelector('[data-testid="upload-dropzone"]')!;
    const event = new Event('drop', { bubbles: true, cancelable: true }) as Event & { dataTransfer: unknown };
    Object.defineProperty(event, 'dataTransfer', { value: { files: [file], types: ['Files'] } });
    zone.dispatchEvent(event);
  }

  it('uploads a dropped file, follows the import and shows its report', async () => {
    const fixture = TestBed.createComponent(ImportsPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="imports-empty"]')).not.toBeNull();
    drop(el, new File(['<gpx/>'], 'run.gpx', { type: 'application/gpx+xml' }));
    await vi.advanceTimersByTimeAsync(3500);
    await fixture.whenStable();
    expect(uploads.map((f) => f.name)).toEqual(['run.gpx']);
    const job = el.querySelector('[data-testid="upload-job"]')!;
    expect(job.getAttribute('data-phase')).toBe('done');
    const report = job.querySelector('[data-testid="import-report"]')!;
    expect(report.querySelector('[data-testid="import-report-activities"]')!.textContent).toContain('1');
    expect(report.querySelector('[data-testid="import-report-skipped"]')!.textContent).toContain('3');
    expect(el.querySelectorAll('[data-testid="imports-history-row"]').length).toBe(1);
  });

  it('shows the problem detail when the upload is refused', async () => {
    rejectUpload = true;
    const fixture = TestBed.createComponent(ImportsPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    drop(el, new File(['x'], 'x.bin'));
    await vi.advanceTimersByTimeAsync(10);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="upload-error"]')!.textContent).toContain('not a format Wearhouse reads');
  });
});
