import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'wh-not-found',
  imports: [RouterLink],
  template: `
    <section class="card empty" aria-labelledby="nf-title" data-testid="not-found">
      <h1 id="nf-title" i18n="@@notFound.title">Page not found</h1>
      <p i18n="@@notFound.text">There is nothing at this address.</p>
      <a class="btn" routerLink="/" i18n="@@notFound.goToday">Go to Today</a>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
