// Performance of the dashboard: a fresh server, headless Chromium on loopback.
// 1. First load with a cold cache of `/` (which shows the sign-in page to a visitor): the compressed
//    JavaScript transferred, the number of requests, time to interactive (navigation start → the sign-in
//    form visible with its inputs enabled), DOMContentLoaded and load.
// 2. The heatmap: HEATMAP_ACTIVITIES workouts whose routes are the public sample recordings' (GPX, FIT,
//    TCX) moved by up to a kilometre, posted through the API; the size of `GET /activities/routes` for
//    them, and the page opened in the browser: navigation → routes drawn, and the drawing alone.
// 3. Trends: a year of daily data for five figures, drawn by day.
// 4. A 12-hour, 42,709-point activity with every stream, opened.
// Pages are opened as on a first visit: service workers blocked (one would answer from its cache,
// and hide the requests the script narrows).
// PASS/FAIL against the targets. Exits 0 whatever the figures are; non-zero only when it could not
// measure.
//
//   npm run perf      (env: WEARHOUSE_BIN, CHROMIUM_PATH, PERF_RUNS = cold loads to take, default 5,
//                      HEATMAP_ACTIVITIES = workouts for the heatmap, default 5000; the page is timed
//                      with the newest 1000 of them)
import { launchBrowser } from './lib/browser.mjs';
import { SERVER_BIN, sample } from './lib/env.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/server.mjs';
import { api } from './lib/api.mjs';
import { gzipSync } from 'node:zlib';

const TARGET_JS_BYTES = 300 * 1024;
const TARGET_TTI_MS = 1000;
const RUNS = Math.max(1, Number(process.env.PERF_RUNS) || 5);
const HEATMAP_ACTIVITIES = Math.max(1000, Number(process.env.HEATMAP_ACTIVITIES) || 5000);
const TARGET_ROUTES_BYTES = 2 * 1024 * 1024;
const TARGET_HEATMAP_MS = 1000;
const TARGET_TRENDS_MS = 100;
const TARGET_ACTIVITY_MS = 500;
/** The 12-hour recording the target names: a point a second. */
const LONG_POINTS = 42_709;
const PERF_USER = { username: 'perf', email: 'perf@example.org', password: 'Quartz-Harbour-Lantern-58' };

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

/** A loop of about `n` points, ~8 m apart, starting near (lat, lon): a run around town. */
function loop(lat, lon, n, seed) {
  let x = 0;
  let y = 0;
  let heading = seed;
  const lats = [];
  const lons = [];
  const east = 1 / (111_195 * Math.cos((lat * Math.PI) / 180));
  for (let i = 0; i < n; i++) {
    // Wander, and turn for home over the second half.
    heading += Math.sin(i * 0.05 + seed) * 0.15 + (i > n / 2 ? 0.02 : 0);
    x += Math.cos(heading) * 8;
    y += Math.sin(heading) * 8;
    lats.push(lat + y / 111_195);
    lons.push(lon + x * east);
  }
  return { lats, lons };
}

/** Real recordings whose routes the heatmap's workouts copy. */
const ROUTE_FILES = [
  'gpx/garmin-connect-activity.gpx',
  'fit/garmin-fenix-5-run.fit',
  'fit/garmin-fenix-5-bike.fit',
  'fit/garmin-edge-500-activity.fit',
  'fit/wahoo-elemnt-2019-02-17.fit',
  'tcx/20210119_run_garmin_fenix6.tcx',
];

/** The routes of the real recordings, imported once: [lats, lons] each, a point every 3 s. */
async function realRoutes(client, token) {
  for (const file of ROUTE_FILES) await client.importFile(readFileSync(sample(file)), path.basename(file), token);
  const list = await client.get('/api/v1/activities?limit=100', token);
  const routes = [];
  for (const a of list.items.filter((x) => x.stream_points > 0)) {
    const s = await client.get(`/api/v1/activities/${a.id}/streams?keys=lat,lon`, token);
    const lats = [];
    const lons = [];
    (s.lat ?? []).forEach((lat, i) => {
      const lon = s.lon?.[i];
      if (i % 3 === 0 && lat !== null && lon !== null && lat !== undefined && lon !== undefined) {
        lats.push(lat);
        lons.push(lon);
      }
    });
    if (lats.length > 10) routes.push({ lats, lons, type: a.type });
  }
  if (!routes.length) throw new Error('none of the sample recordings has a route');
  return routes;
}

async function heatmap(server, browser) {
  const client = api(server.url);
  const { access_token: token } = await client.login(PERF_USER.username, PERF_USER.password);
  const tracks = await realRoutes(client, token);
  const day = Date.UTC(2010, 0, 1);
  const started = performance.now();
  for (let first = 0; first < HEATMAP_ACTIVITIES; first += 100) {
    const activities = [];
    for (let i = first; i < Math.min(first + 100, HEATMAP_ACTIVITIES); i++) {
      // A real route, moved by up to about a kilometre: the same streets and trails, run again.
      const route = tracks[i % tracks.length];
      const dlat = ((i * 7919) % 200) / 10_000 - 0.01;
      const dlon = ((i * 104_729) % 200) / 10_000 - 0.01;
      const n = route.lats.length;
      const start = day + i * 86_400_000;
      activities.push({
        type: route.type,
        start: new Date(start).toISOString(),
        end: new Date(start + n * 3000).toISOString(),
        external_id: `perf-${i}`,
        streams: { time: route.lats.map((_, k) => k * 3), lat: route.lats.map((v) => v + dlat), lon: route.lons.map((v) => v + dlon) },
      });
    }
    const r = await client.call('POST', '/api/v1/activities/batch', { token, body: { activities } });
    if (r.status !== 200) throw new Error(`posting activities: ${r.status} ${r.text.slice(0, 300)}`);
    if (r.json.rejected?.length) throw new Error(`activities refused: ${JSON.stringify(r.json.rejected.slice(0, 3))}`);
  }
  console.log(`\nHeatmap — ${HEATMAP_ACTIVITIES} workouts with routes copied from ${tracks.length} real recordings (${ROUTE_FILES.join(', ')}) posted in ${ms(performance.now() - started)}`);

  const res = await fetch(`${server.url}/api/v1/activities/routes`, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  const routes = JSON.parse(body.toString());
  const gzipped = gzipSync(body).length;
  console.log(`GET /activities/routes: ${routes.routes.length} routes, ${kb(body.length)} JSON, ${kb(gzipped)} gzip (tolerance ${routes.tolerance_m} m)`);
  console.log(`${body.length <= TARGET_ROUTES_BYTES ? 'PASS' : 'FAIL'}  routes of ${routes.routes.length} activities: ${kb(body.length)} uncompressed (target ≤ ${kb(TARGET_ROUTES_BYTES)})`);

  // The page, for the newest 1,000 (a period holding 1,000 of them).
  const from = new Date(day + (HEATMAP_ACTIVITIES - 1000) * 86_400_000).toISOString();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await signIn(page, server);
    const times = [];
    const isRoutes = (url) => url.pathname === '/api/v1/activities/routes';
    for (let i = 0; i < RUNS; i++) {
      // The heatmap asks for all time; a route handler narrows it to the newest 1,000.
      await page.route(isRoutes, (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('from', from);
        return route.continue({ url: url.toString() });
      });
      const t0 = Date.now();
      await page.goto(`${server.url}/heatmap`);
      await page.locator('[data-testid="heatmap"][data-state="ok"][data-draw-ms]').waitFor({ timeout: 30_000 });
      const shown = Date.now() - t0;
      const drawn = Number(await page.locator('[data-testid="heatmap"]').getAttribute('data-draw-ms'));
      const summary = await page.locator('[data-testid="heatmap-summary"]').innerText();
      // Where the time went: the app's start and the routes' request, from the page's own clock.
      const phases = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const routes = performance
          .getEntriesByType('resource')
          .find((r) => new URL(r.name).pathname === '/api/v1/activities/routes');
        return { dcl: nav.domContentLoadedEventEnd, asked: routes?.startTime ?? NaN, answered: routes?.responseEnd ?? NaN };
      });
      times.push({ shown, drawn, summary, ...phases });
      await page.unroute(isRoutes);
    }
    console.log('run   navigation → drawn   DOMContentLoaded   routes asked   routes answered   drawing alone   shown');
    times.forEach((t, i) =>
      console.log(
        `${String(i + 1).padStart(3)}   ${ms(t.shown).padStart(18)}   ${ms(t.dcl).padStart(16)}   ${ms(t.asked).padStart(12)}   ${ms(t.answered).padStart(15)}   ${ms(t.drawn).padStart(13)}   ${t.summary}`,
      ),
    );
    const shown = median(times.map((t) => t.shown));
    console.log(`${shown <= TARGET_HEATMAP_MS ? 'PASS' : 'FAIL'}  heatmap of 1,000 activities drawn ${ms(shown)} after navigation (median; drawing alone ${ms(median(times.map((t) => t.drawn)))}; target ≤ ${ms(TARGET_HEATMAP_MS)})`);
  } finally {
    await context.close();
  }
}

/** Signs the perf user in through the page. */
async function signIn(page, server) {
  await page.goto(`${server.url}/sign-in`);
  await page.locator('[data-testid="sign-in-login"]').fill(PERF_USER.username);
  await page.locator('[data-testid="sign-in-password"]').fill(PERF_USER.password);
  await page.locator('[data-testid="sign-in-submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/** A year of daily steps, distance, active energy, resting heart rate and sleep, then Trends for the year by day. */
async function trends(server, browser) {
  const client = api(server.url);
  const { access_token: token } = await client.login(PERF_USER.username, PERF_USER.password);
  const samples = [];
  const source = { name: 'Perf Watch', kind: 'watch' };
  const now = Date.now();
  for (let d = 1; d <= 365; d++) {
    const noon = new Date(now - d * 86_400_000);
    noon.setUTCHours(12, 0, 0, 0);
    const at = (h) => new Date(noon.getTime() + h * 3_600_000).toISOString();
    const wave = Math.sin(d / 9);
    samples.push(
      { metric: 'steps', value: Math.round(8000 + 3000 * wave), start: at(-4), end: at(6), source },
      { metric: 'distance', value: Math.round(6000 + 2500 * wave), start: at(-4), end: at(6), source },
      { metric: 'active_energy', value: Math.round(450 + 150 * wave), start: at(-4), end: at(6), source },
      { metric: 'resting_heart_rate', value: Math.round(55 + 4 * wave), start: at(-5), source },
      { metric: 'sleep', value: 'asleep', start: at(-14), end: at(-6.5 + wave / 2), source },
    );
  }
  const sent = await client.call('POST', '/api/v1/samples', { token, body: { samples } });
  if (sent.status !== 200 || sent.json.rejected.length) throw new Error(`posting a year of samples: ${sent.status} ${sent.text.slice(0, 300)}`);
  console.log(`\nTrends — a year of daily data for 5 figures (${samples.length} samples)`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await signIn(page, server);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${server.url}/trends`);
      await page.locator('[data-testid="trends"][data-state="ok"]').waitFor();
      await page.locator('[data-testid="trends-range-1y"]').check();
      // A year switches days to weeks: wait for that before choosing days again, or the click can land
      // on the still-checked radio before the switch and be undone by it.
      await page.locator('[data-testid="trends-resolution-week"]:checked').waitFor({ state: 'attached' });
      await page.locator('[data-testid="trends-resolution-day"]').check();
      // The chart's accessible summary, which (unlike the readout) does not follow the mouse.
      await page.locator('wh-trend-chart[data-figure="steps"] [data-testid="trend-canvas"][aria-label*="per day"]').waitFor();
      await page.locator('[data-testid="trends"][data-state="ok"][data-render-ms]').waitFor();
      const charts = await page.locator('wh-trend-chart').count();
      const section = page.locator('[data-testid="trends"]');
      times.push({ render: Number(await section.getAttribute('data-render-ms')), draw: Number(await section.getAttribute('data-draw-ms')), charts });
    }
    console.log('run   data → 5 charts drawn   building the charts');
    times.forEach((t, i) => console.log(`${String(i + 1).padStart(3)}   ${ms(t.render).padStart(20)}   ${ms(t.draw).padStart(19)}   (${t.charts} charts, 365 days each)`));
    const render = median(times.map((t) => t.render));
    console.log(`${render <= TARGET_TRENDS_MS ? 'PASS' : 'FAIL'}  a year of daily data for 5 figures drawn in ${ms(render)} (median; target ≤ ${ms(TARGET_TRENDS_MS)})`);
  } finally {
    await context.close();
  }
}

/** A 12-hour, 42,709-point activity with every stream, then its page opened. */
async function longActivity(server, browser) {
  const client = api(server.url);
  const { access_token: token } = await client.login(PERF_USER.username, PERF_USER.password);
  const n = LONG_POINTS;
  const { lats, lons } = loop(46.5, 7.9, n, 3);
  const wave = (i, period, lo, hi) => lo + ((hi - lo) * (1 + Math.sin(i / period))) / 2;
  const streams = {
    time: Array.from({ length: n }, (_, i) => i),
    lat: lats,
    lon: lons,
    heart_rate: Array.from({ length: n }, (_, i) => Math.round(wave(i, 600, 110, 165))),
    speed: Array.from({ length: n }, (_, i) => Math.round(wave(i, 300, 1.8, 3.4) * 100) / 100),
    altitude: Array.from({ length: n }, (_, i) => Math.round(wave(i, 2000, 800, 2400) * 10) / 10),
    cadence: Array.from({ length: n }, (_, i) => Math.round(wave(i, 90, 78, 92))),
    power: Array.from({ length: n }, (_, i) => Math.round(wave(i, 45, 150, 320))),
  };
  const start = Date.UTC(2026, 5, 20, 4, 0, 0);
  const r = await client.call('POST', '/api/v1/activities', {
    token,
    body: { type: 'trail_running', start: new Date(start).toISOString(), end: new Date(start + n * 1000).toISOString(), title: 'Ultra', streams },
  });
  if (r.status !== 201) throw new Error(`posting the long activity: ${r.status} ${r.text.slice(0, 300)}`);
  console.log(`\nActivity — 12 hours, ${n.toLocaleString('en')} points, 7 streams`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await signIn(page, server);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${server.url}/activities/${r.json.id}`);
      await page.locator('[data-testid="activity-streams"][data-render-ms]').waitFor({ timeout: 30_000 });
      // The page notes when its charts were on screen, in ms since the navigation started: timing
      // the wait from here would add the test tool's polling (its retries back off to 500 ms).
      const opened = Number(await page.locator('[data-testid="activity-streams"]').getAttribute('data-drawn-at'));
      const drawn = Number(await page.locator('[data-testid="activity-streams"]').getAttribute('data-render-ms'));
      const charts = Number(await page.locator('[data-testid="activity-streams"]').getAttribute('data-charts'));
      times.push({ opened, drawn, charts });
    }
    console.log('run   navigation → all streams drawn   streams arrived → drawn');
    times.forEach((t, i) => console.log(`${String(i + 1).padStart(3)}   ${ms(t.opened).padStart(30)}   ${ms(t.drawn).padStart(22)}   (${t.charts} charts)`));
    const opened = median(times.map((t) => t.opened));
    console.log(`${opened <= TARGET_ACTIVITY_MS ? 'PASS' : 'FAIL'}  the 12-hour activity opens with all streams in ${ms(opened)} (median, including loading the app; target ≤ ${ms(TARGET_ACTIVITY_MS)})`);
  } finally {
    await context.close();
  }
}

/** `PERF_ONLY=trends,activity` measures only those (the first load is always measured). */
function wanted(name) {
  const only = (process.env.PERF_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return only.length === 0 || only.includes(name);
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
    const registered = await api(server.url).call('POST', '/api/v1/auth/register', { body: PERF_USER });
    if (registered.status !== 201) throw new Error(`registering the perf user: ${registered.status} ${registered.text}`);
    if (wanted('heatmap')) await heatmap(server, browser);
    if (wanted('trends')) await trends(server, browser);
    if (wanted('activity')) await longActivity(server, browser);
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
