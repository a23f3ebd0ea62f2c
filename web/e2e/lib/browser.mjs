// Headless Chromium through playwright-core, with what every page of the journey checks: console
// errors, CSP violations, error toasts, axe-core, and screenshots at phone and desktop widths.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, OUT_DIR, ensureOutDir, requireFile } from './env.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export async function launchBrowser() {
  requireFile(CHROMIUM, 'Chromium', 'Install it (apt-get install -y chromium) or set CHROMIUM_PATH.');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

// Runs in every document before the app: reports CSP violations and error toasts to the test.
const INIT_SCRIPT = `(() => {
  const report = (kind, data) => { try { window.__e2eReport(kind, data); } catch {} };
  document.addEventListener('securitypolicyviolation', (e) => report('csp', {
    directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample, page: location.href,
  }), true);
  const seen = new WeakSet();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="toast-error"]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      report('toast-error', { text: (el.textContent || '').trim().replace(/\\s+/g, ' '), page: location.href });
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

/**
 * Watches a page. `events` gathers everything unexpected-looking; `allow(pred)` excuses entries a step
 * expects (e.g. the 401 of the first sign-in step with MFA on). `take()` returns and clears them.
 */
export async function instrument(context, page) {
  const events = [];
  await context.exposeBinding('__e2eReport', (_src, kind, data) => events.push({ kind, ...data }));
  await context.addInitScript(INIT_SCRIPT);
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'assert') return;
    const loc = msg.location();
    const text = msg.text();
    events.push({ kind: /Content[- ]Security[- ]Policy/i.test(text) ? 'csp-console' : 'console-error', text, url: loc?.url });
  });
  page.on('pageerror', (err) => events.push({ kind: 'pageerror', text: String(err?.stack || err) }));
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    // Navigations away abort what the previous page had in flight; that is not an error.
    if (/ERR_ABORTED/.test(failure)) return;
    events.push({ kind: 'requestfailed', text: `${req.method()} ${req.url()} ${failure}` });
  });
  return {
    events,
    take() {
      return events.splice(0, events.length);
    },
  };
}

/** Injects axe-core (through the DevTools protocol: a script tag would itself break the CSP) and runs it. */
export async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.slice(0, 8).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      count: v.nodes.length,
    }));
  });
}

export function formatViolations(list) {
  return list
    .map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help} (${v.count} element${v.count === 1 ? '' : 's'}) ${v.helpUrl}\n` +
        v.nodes.map((n) => `      ${n.target}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`).join('\n'),
    )
    .join('\n');
}

export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Screenshot at `size`, full page, into target/e2e/<name>.png. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  ensureOutDir();
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}

/** Screenshots at 360×740 and 1280×800, leaving the page at 1280×800. */
export async function screenshots(page, name) {
  const files = [];
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await settle(page);
    files.push(await screenshot(page, `${name}-${size.width}`));
  }
  return files;
}
