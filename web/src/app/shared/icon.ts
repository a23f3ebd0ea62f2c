import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type IconName =
  | 'today'
  | 'imports'
  | 'sources'
  | 'trends'
  | 'calendar'
  | 'activities'
  | 'map'
  | 'settings'
  | 'admin'
  | 'sun'
  | 'moon'
  | 'logout'
  | 'close'
  | 'prev'
  | 'next'
  | 'upload'
  | 'check'
  | 'cross'
  | 'heart'
  | 'steps'
  | 'route'
  | 'flame'
  | 'battery'
  | 'timer'
  | 'sleep'
  | 'pulse'
  | 'wave'
  | 'scale'
  | 'logo';

/** Inline SVG icons (no icon font, no external request). Decorative: hidden from assistive tech. */
@Component({
  selector: 'wh-icon',
  template: `
    <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false" fill="none" stroke="currentColor"
      stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      @switch (name()) {
        @case ('today') { <rect x="3" y="4" width="18" height="17" rx="2"/><path d="M3 9h18M8 2v4M16 2v4"/><circle cx="12" cy="15" r="2"/> }
        @case ('activities') { <circle cx="13" cy="4" r="2"/><path d="M7 21l3-6 3 2v5M10 15l1-5 4 3 3-1M6 11l3-3 3 1"/> }
        @case ('calendar') { <rect x="3" y="4" width="18" height="17" rx="2"/><path d="M3 9h18M8 2v4M16 2v4M7 13h2M11 13h2M15 13h2M7 17h2M11 17h2"/> }
        @case ('trends') { <path d="M3 17l6-6 4 4 8-8"/><path d="M15 7h6v6"/> }
        @case ('sources') { <path d="M12 3l9 5-9 5-9-5z"/><path d="M3 13l9 5 9-5"/> }
        @case ('map') { <path d="M9 4L3 6v14l6-2 6 2 6-2V4l-6 2z"/><path d="M9 4v14M15 6v14"/> }
        @case ('imports') { <path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 17v3h16v-3"/> }
        @case ('settings') { <circle cx="12" cy="12" r="3"/><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z"/> }
        @case ('admin') { <path d="M12 2l8 4v6c0 5-3.5 8.5-8 10-4.5-1.5-8-5-8-10V6z"/><path d="M9 12l2 2 4-4"/> }
        @case ('sun') { <circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/> }
        @case ('moon') { <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/> }
        @case ('logout') { <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9"/> }
        @case ('close') { <path d="M18 6L6 18M6 6l12 12"/> }
        @case ('prev') { <path d="M15 18l-6-6 6-6"/> }
        @case ('next') { <path d="M9 18l6-6-6-6"/> }
        @case ('upload') { <path d="M12 16V4M7 9l5-5 5 5"/><path d="M4 17v3h16v-3"/> }
        @case ('check') { <path d="M20 6L9 17l-5-5"/> }
        @case ('cross') { <path d="M18 6L6 18M6 6l12 12"/> }
        @case ('heart') { <path d="M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z"/> }
        @case ('steps') { <path d="M7 20c-2 0-3-1.5-3-3.5S5 12 7 12s3 2.5 3 4.5S9 20 7 20zM17 14c-2 0-3-1.5-3-3.5S15 6 17 6s3 2.5 3 4.5-1 3.5-3 3.5z"/> }
        @case ('route') { <circle cx="6" cy="19" r="2"/><circle cx="18" cy="5" r="2"/><path d="M8 19h8.5a3.5 3.5 0 0 0 0-7h-9a3.5 3.5 0 0 1 0-7H16"/> }
        @case ('flame') { <path d="M12 22c4 0 7-2.7 7-6.5 0-3-2-5.5-3.5-7-.3 2-1.5 3-2.5 3 0-3-1-6.5-4-8.5 0 4-5 6.5-5 12.5C4 19.3 8 22 12 22z"/> }
        @case ('battery') { <rect x="2" y="7" width="18" height="10" rx="2"/><path d="M22 11v2M6 11v2M10 11v2"/> }
        @case ('timer') { <circle cx="12" cy="13" r="8"/><path d="M12 9v4l2 2M9 2h6"/> }
        @case ('sleep') { <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/><path d="M15 4h3l-3 4h3"/> }
        @case ('pulse') { <path d="M3 12h4l3-8 4 16 3-8h4"/> }
        @case ('wave') { <path d="M2 12c2-4 4-4 6 0s4 4 6 0 4-4 6 0"/><path d="M2 18c2-4 4-4 6 0s4 4 6 0 4-4 6 0" opacity=".5"/> }
        @case ('scale') { <rect x="3" y="3" width="18" height="18" rx="4"/><path d="M8 9a6 6 0 0 1 8 0l-2 3h-4z"/> }
        @case ('logo') { <path d="M3 12h4l2-5 3 10 2-5h7"/> }
      }
    </svg>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Icon {
  readonly name = input.required<IconName>();
}
