// `$localize` as the app has it (a polyfill there); no translations are loaded, so messages stay English.
import '@angular/localize/init';

// Test setup (runs before every spec file): jsdom lacks a few browser APIs that uPlot and the theme use.
const w = globalThis as unknown as Record<string, unknown>;
if (typeof w['matchMedia'] !== 'function') {
  w['matchMedia'] = (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  });
}
