// First-load performance of the dashboard: a fresh server, headless Chromium on loopback with a cold
// cache, `/` (which shows the sign-in page to a visitor). Prints the compressed JavaScript transferred,
// the number of requests, time to interactive (navigation start → the sign-in form visible with its
// inputs enabled), DOMContentLoaded and load, with PASS/FAIL against the targets. Exits 0 whatever
// the figures are; non-zero only when it could not measure.
//
//   npm run perf      (env: WEARHOUSE_BIN, CHROMIUM_PATH, PERF_RUNS = cold loads to take, default 5)
import { launchBrowser } from './lib/browser.mjs';
import { SERVER_BIN } from './lib/env.mjs';
import { startServer } from './lib/server.mjs';

const TARGET_JS_BYTES = 300 * 1024;
const TARGET_TTI_MS = 1000;
const RUNS = Math.max(1, Number(process.env.PERF_RUNS) || 5);

// Marks the first moment the sign-in form is on screen with every input and the submit button enabled.
const TTI_PROBE = `(() => {
  const ready = () => {
    const form = document.querySelector('[data-testid="sign-in-form"]');
    if (!form) return false;
    const r = form.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(form).visibility === 'hidden') return false;
    const fields = [...form.querySelectorAll('input, button[type="submit"]')];
    return fields.length >= 3 && fields.every((f) => !f.disabled);
  };
  const check = () => {
    if (window.__tti !== undefined) return;
    if (ready()) { window.__tti = performance.now(); obs.disconnect(); }
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { childList: true, subtree: true, attributes: true });
  const tick = () => { check(); if (window.__tti === undefined) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();`;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${Math.round(n)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function coldLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } }); // own, empty cache
  await context.addInitScript(TTI_PROBE);
  const page = await context.newPage();
  const responses = [];
  page.on('response', (r) => responses.push(r));
  let requests = 0;
  page.on('request', () => requests++);
  try {
    await page.goto(url, { waitUntil: 'networkidle', timeout: 30_000 });
    await page.waitForFunction(() => window.__tti !== undefined, null, { timeout: 30_000 });
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { tti: window.__tti, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, url: location.pathname };
    });
    const scripts = [];
    let allBytes = 0;
    for (const r of responses) {
      const req = r.request();
      const sizes = await req.sizes();
      allBytes += sizes.responseBodySize;
      const type = req.resourceType();
      const ct = r.headers()['content-type'] ?? '';
      if (type === 'script' || /javascript/.test(ct)) {
        scripts.push({
          url: new URL(r.url()).pathname,
          encoded: sizes.responseBodySize,
          encoding: r.headers()['content-encoding'] ?? 'identity',
          acceptEncoding: (await req.allHeaders())['accept-encoding'] ?? '',
        });
      }
    }
    return { ...timing, requests, scripts, allBytes };
  } finally {
    await context.close();
  }
}

async function main() {
  let server;
  let browser;
  try {
    server = await startServer({ name: 'perf' });
    browser = await launchBrowser();
    const url = `${server.url}/`;
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await coldLoad(browser, url));

    const first = runs[0];
    const jsBytes = first.scripts.reduce((s, x) => s + x.encoded, 0);
    console.log(`Wearhouse first load — ${SERVER_BIN}`);
    console.log(`URL ${url} (landed on ${first.url}), ${RUNS} cold load(s), headless Chromium, loopback\n`);
    console.log(`Accept-Encoding sent by Chromium: ${first.scripts[0]?.acceptEncoding || '(none)'}`);
    console.log('JavaScript of the first load:');
    for (const s of first.scripts) console.log(`  ${s.url.padEnd(28)} ${kb(s.encoded).padStart(10)}  ${s.encoding}`);
    console.log(`  ${'total'.padEnd(28)} ${kb(jsBytes).padStart(10)}  (${first.scripts.length} files)`);
    console.log(`All responses, bodies as transferred: ${kb(first.allBytes)}`);
    console.log(`Requests: ${first.requests}\n`);
    console.log('run   interactive   DOMContentLoaded   load   requests');
    runs.forEach((r, i) => console.log(`${String(i + 1).padStart(3)}   ${ms(r.tti).padStart(11)}   ${ms(r.dcl).padStart(16)}   ${ms(r.load).padStart(6)}   ${r.requests}`));
    const tti = median(runs.map((r) => r.tti));
    const dcl = median(runs.map((r) => r.dcl));
    const load = median(runs.map((r) => r.load));
    console.log(`med   ${ms(tti).padStart(11)}   ${ms(dcl).padStart(16)}   ${ms(load).padStart(6)}\n`);
    console.log(`${jsBytes <= TARGET_JS_BYTES ? 'PASS' : 'FAIL'}  compressed JS ${kb(jsBytes)} (target ≤ ${kb(TARGET_JS_BYTES)})`);
    console.log(`${tti <= TARGET_TTI_MS ? 'PASS' : 'FAIL'}  time to interactive ${ms(tti)} (median; first run ${ms(first.tti)}; target ≤ ${ms(TARGET_TTI_MS)})`);
    return 0;
  } catch (err) {
    console.error(`Could not measure: ${err.stack || err}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
}

process.exitCode = await main();
