import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ImportView } from '../../api/types';
import { parseReport, statusOf } from '../../core/import-report';
import { count } from '../../core/units';

/** The outcome of one import: counts, skipped records by reason, warnings, the error if it failed. */
@Component({
  selector: 'wh-import-report',
  template: `
    @let r = parsed();
    @let v = view();
    <div class="report" data-testid="import-report" [attr.data-status]="status()">
      @if (r.error; as e) {
        <p class="form-error" role="alert" data-testid="import-report-error">
          <ng-container i18n="@@importReport.failed">The import failed: {{ e.detail || e.code }}</ng-container>
          @if (e.location) {
            <span class="mono small">({{ e.location }})</span>
          }
          @if (r.rolledBack) {
            <ng-container i18n="@@importReport.rolledBack">— {{ n(r.rolledBack) }} records it had stored were removed again.</ng-container>
          }
        </p>
      }
      <dl class="counts">
        <div data-testid="import-report-imported"><dt i18n="@@importReport.samplesImported">Samples imported</dt><dd class="num">{{ n(v.imported) }}</dd></div>
        <div data-testid="import-report-activities"><dt i18n="@@importReport.activities">Activities</dt><dd class="num">{{ n(v.activities) }}</dd></div>
        <div data-testid="import-report-duplicates"><dt i18n="@@importReport.duplicates">Duplicates</dt><dd class="num">{{ n(v.duplicates) }}</dd></div>
        <div data-testid="import-report-skipped"><dt i18n="@@importReport.skipped">Skipped</dt><dd class="num">{{ n(r.skippedTotal) }}</dd></div>
        <div><dt i18n="@@importReport.recordsRead">Records read</dt><dd class="num">{{ n(v.records_read) }}</dd></div>
        @if (r.rawTotal) {
          <div><dt i18n="@@importReport.keptRaw">Kept raw</dt><dd class="num">{{ n(r.rawTotal) }}</dd></div>
        }
      </dl>
      @if (r.superseded; as s) {
        <p class="small muted" i18n="@@importReport.superseded">This reading replaced an earlier import of the same file ({{ s.import }}); {{ n(s.removed) }} of its records went with it.</p>
      }
      @if (r.skipped.length) {
        <details>
          <summary i18n="@@importReport.skippedByReason">Skipped, by reason ({{ r.skipped.length }})</summary>
          <table class="small">
            <thead><tr><th scope="col" i18n="@@importReport.reason">Reason</th><th scope="col" class="num" i18n="@@importReport.records">Records</th></tr></thead>
            <tbody>
              @for (s of r.skipped; track s.reason) {
                <tr data-testid="import-report-skip-row"><td class="mono">{{ s.label }}</td><td class="num">{{ n(s.count) }}</td></tr>
              }
            </tbody>
          </table>
        </details>
      }
      @if (r.raw.length) {
        <details>
          <summary i18n="@@importReport.rawByType">Kept raw, by type ({{ r.raw.length }})</summary>
          <table class="small">
            <thead><tr><th scope="col" i18n="@@importReport.type">Type</th><th scope="col" class="num" i18n="@@importReport.records">Records</th></tr></thead>
            <tbody>
              @for (x of r.raw; track x.type) {
                <tr><td class="mono">{{ x.type }}</td><td class="num">{{ n(x.count) }}</td></tr>
              }
            </tbody>
          </table>
        </details>
      }
      @if (r.warningCounts.length) {
        <details data-testid="import-report-warnings">
          <summary i18n="@@importReport.warnings">Warnings ({{ warningTotal() }})</summary>
          <ul class="warning-counts small">
            @for (w of r.warningCounts; track w.code) {
              <li><span class="mono">{{ w.code }}</span>: {{ n(w.count) }}</li>
            }
          </ul>
          @if (r.warnings.length) {
            <ol class="warnings small">
              @for (w of r.warnings; track $index) {
                <li>
                  <span class="mono">{{ w.code }}</span> — {{ w.detail }}
                  @if (w.location) {
                    <span class="muted mono">{{ w.location }}</span>
                  }
                </li>
              }
            </ol>
          }
        </details>
      }
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImportReport {
  readonly view = input.required<ImportView>();
  protected readonly parsed = computed(() => parseReport(this.view().report));
  protected readonly status = computed(() => statusOf(this.view()));
  protected readonly warningTotal = computed(() => this.parsed().warningCounts.reduce((s, w) => s + w.count, 0));
  protected n(v: number | null | undefined): string {
    return count(v).value;
  }
}
