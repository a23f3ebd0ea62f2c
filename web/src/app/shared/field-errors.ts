import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { fieldMessages, type ApiProblem } from '../core/problem';

/** The API's field errors for one field, shown under it (link it with `aria-describedby`). */
@Component({
  selector: 'wh-field-errors',
  template: `
    @for (m of messages(); track $index) {
      <p class="field-error" [id]="$first ? errorId() : null" [attr.data-testid]="'field-error-' + field()">{{ m }}</p>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FieldErrors {
  readonly problem = input<ApiProblem | null>(null);
  readonly field = input.required<string>();
  readonly errorId = input<string | null>(null);
  readonly messages = computed(() => fieldMessages(this.problem(), this.field()));
}
