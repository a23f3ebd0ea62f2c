import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, inject, input, output, signal } from '@angular/core';
import type { ApiProblem } from '../../core/problem';
import { fieldMessages } from '../../core/problem';
import { localInput, zoneList } from '../../core/time';
import { FieldErrors } from '../../shared/field-errors';
import { bodyOf, checkRows, newRow, type PeriodRow, type TimeZonesBody } from './time-zone-periods';

/**
 * The time-zone history as a form: a zone for every period and, for all but the first, when the user
 * arrived (on the clock there). Checks what it can before handing the body on; the server's field
 * errors (`periods[1].from`) show beside the row they name.
 */
@Component({
  selector: 'wh-time-zones-editor',
  imports: [FieldErrors],
  template: `
    <form class="tz-form" (submit)="$event.preventDefault(); submit()" novalidate data-testid="tz-form">
      @if (shown(); as p) {
        <p class="form-error" role="alert" data-testid="tz-form-error">{{ p.detail }}</p>
      }
      <p class="hint" id="tz-form-hint" i18n="@@settings.tz.formHint">Oldest first. The first zone covers every day before the next one; for each later one, say when you arrived, on the clock there.</p>
      <ol class="tz-rows" aria-describedby="tz-form-hint">
        @for (r of rows(); track r.key; let i = $index, first = $first) {
          <li>
            <fieldset class="tz-row" data-testid="tz-row" [attr.data-index]="i">
              <legend class="visually-hidden" i18n="@@settings.tz.periodN">Period {{ i + 1 }}</legend>
              <div class="field tz-zone">
                <label [for]="'tz-zone-' + r.key" i18n="@@register.zone">Time zone</label>
                <select [id]="'tz-zone-' + r.key" [disabled]="busy()" (change)="setZone(i, $any($event.target).value)" data-testid="tz-row-zone"
                  [attr.aria-invalid]="invalid(i, 'zone')" [attr.aria-describedby]="invalid(i, 'zone') ? 'tz-zone-err-' + r.key : null">
                  @for (z of zonesFor(r.zone); track z) {
                    <option [value]="z" [selected]="z === r.zone">{{ z }}</option>
                  }
                </select>
                <wh-field-errors [problem]="shown()" [field]="'periods[' + i + '].zone'" [errorId]="'tz-zone-err-' + r.key" />
              </div>
              @if (first) {
                <p class="tz-earliest muted" data-testid="tz-row-earliest" i18n="@@settings.tz.allEarlier">All earlier days</p>
              } @else {
                <div class="field tz-from">
                  <label [for]="'tz-from-' + r.key" i18n="@@settings.tz.arrived">Arrived (time there)</label>
                  <input type="datetime-local" [id]="'tz-from-' + r.key" [value]="r.from" [max]="nowIn(r.zone)" required [disabled]="busy()"
                    (input)="setFrom(i, $any($event.target).value)" data-testid="tz-row-from"
                    [attr.aria-invalid]="invalid(i, 'from')" [attr.aria-describedby]="invalid(i, 'from') ? 'tz-from-err-' + r.key : null" />
                  <wh-field-errors [problem]="shown()" [field]="'periods[' + i + '].from'" [errorId]="'tz-from-err-' + r.key" />
                </div>
              }
              <button type="button" class="btn btn-ghost btn-sm tz-remove" (click)="remove(i)" [disabled]="busy() || rows().length === 1"
                [attr.aria-label]="removeLabel(i, r.zone)" data-testid="tz-row-remove" i18n="@@settings.tz.remove">Remove</button>
            </fieldset>
          </li>
        }
      </ol>
      @for (m of listErrors(); track $index) {
        <p class="field-error" data-testid="field-error-periods">{{ m }}</p>
      }
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" (click)="add()" [disabled]="busy()" data-testid="tz-add" i18n="@@settings.tz.add">Add a period</button>
        <button type="submit" class="btn" [disabled]="busy()" data-testid="tz-save" i18n="@@common.save">Save</button>
        <button type="button" class="btn btn-ghost" (click)="cancelled.emit()" [disabled]="busy()" data-testid="tz-cancel" i18n="@@common.cancel">Cancel</button>
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TimeZonesEditor {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** The rows to start from (read once: the form owns them after that). */
  readonly initial = input.required<PeriodRow[]>();
  /** The zone a new period starts in. */
  readonly zone = input.required<string>();
  /** The server's refusal of the last save. */
  readonly problem = input<ApiProblem | null>(null);
  readonly busy = input(false);
  readonly save = output<TimeZonesBody>();
  readonly cancelled = output<void>();

  private readonly edited = signal<PeriodRow[] | null>(null);
  protected readonly rows = computed(() => this.edited() ?? this.initial());
  /** This form's own findings, until the rows change. */
  private readonly checked = signal<ApiProblem | null>(null);
  /** The server's problem is about the rows as they were sent: a change of rows makes it stale. */
  private readonly stale = signal(false);
  protected readonly shown = computed(() => this.checked() ?? (this.stale() ? null : this.problem()));
  /** Errors about the history as a whole (`no_periods`, `too_many_periods`). */
  protected readonly listErrors = computed(() => this.shown()?.fieldErrors['periods'] ?? []);
  private readonly zones = zoneList();

  protected zonesFor(zone: string): string[] {
    return this.zones.includes(zone) ? this.zones : [zone, ...this.zones];
  }

  protected nowIn(zone: string): string {
    return localInput(Date.now(), zone);
  }

  protected invalid(i: number, what: 'zone' | 'from'): 'true' | null {
    return fieldMessages(this.shown(), `periods[${i}].${what}`).length ? 'true' : null;
  }

  protected removeLabel(i: number, zone: string): string {
    const n = i + 1;
    return $localize`:@@settings.tz.removeLabel:Remove period ${n}:n: (${zone}:zone:)`;
  }

  private change(rows: PeriodRow[], keepNotes: boolean): void {
    this.edited.set(rows);
    if (!keepNotes) {
      this.checked.set(null);
      this.stale.set(true);
    }
  }

  protected setZone(i: number, zone: string): void {
    this.change(this.rows().map((r, j) => (j === i ? { ...r, zone } : r)), true);
  }

  protected setFrom(i: number, from: string): void {
    this.change(this.rows().map((r, j) => (j === i ? { ...r, from } : r)), true);
  }

  /** Appends a period from now in the zone in force (the user moves its start back). */
  protected add(): void {
    const added = newRow(this.zone());
    this.change([...this.rows(), added], false);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLSelectElement>(`#tz-zone-${added.key}`)?.focus(), { injector: this.injector });
  }

  /** Removes a period; removing the first makes the next one cover every earlier day. */
  protected remove(i: number): void {
    if (this.rows().length < 2) return;
    this.change(this.rows().filter((_, j) => j !== i), false);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLButtonElement>('[data-testid="tz-add"]')?.focus(), { injector: this.injector });
  }

  protected submit(): void {
    const problem = checkRows(this.rows());
    this.checked.set(problem);
    if (problem) return;
    this.stale.set(false);
    this.save.emit(bodyOf(this.rows()));
  }
}
