// One user's journey through the dashboard, in a real Chromium against a real server on a fresh
// database: register, turn on two-step verification, sign in with it, import files, look at a day,
// change units and zone, edit the time-zone history, manage sessions, sign out; the admin page last. Steps run in order; when a
// step the rest depends on fails, the later ones are skipped (not failed) and say why. Checks marked
// `ctx.soft` fail their step at its end but let the journey go on. Every page is checked with axe-core
// and photographed at 360×740 and 1280×800 into target/e2e/ (failure-<step>.png when a step fails);
// console errors, CSP violations and error toasts seen anywhere fail the summary test at the end, and
// serious/critical axe violations the accessibility test.
//
//   npm run e2e        (env: WEARHOUSE_BIN, WEARHOUSE_SAMPLES, CHROMIUM_PATH, E2E_OUT_DIR, E2E_KEEP_DATA)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, localDate } from './lib/api.mjs';
import { DESKTOP, axe, formatViolations, instrument, launchBrowser, screenshot, screenshots, settle } from './lib/browser.mjs';
import { CHROMIUM, OUT_DIR, SERVER_BIN, ensureOutDir, requireFile, sample } from './lib/env.mjs';
import { startServer } from './lib/server.mjs';
import { startTileServer } from './lib/tiles.mjs';
import { TotpClock } from './lib/totp.mjs';

const USER = { username: 'ana.e2e', email: 'ana.e2e@example.org', password: 'Velvet-Tangerine-Orbit-42' };
const ADMIN = { username: 'root-admin', email: 'root-admin@example.org', password: 'Granite-Meadow-Lantern-77', admin: true };
const WEAK_PASSWORD = 'password1';
const ZONE = 'Europe/Helsinki';
const OTHER_ZONE = 'America/New_York';
/** Where the time-zone history step says the user lived first, and the day they moved on (before the Apple Health export's). */
const EARLIER_ZONE = 'Europe/Lisbon';
const MOVED_ON = '2018-03-01';
const FIT = 'fit/garmin-fenix-5-run.fit';
const GPX = 'gpx/garmin-connect-activity.gpx';
/** A 12-hour multisport recording: the longest activity the samples have. */
const LARGE_FIT = 'fit/activity-large-fenxi2-multisport.fit';
/** Apple Health export with minute heart rate and walking distance; its busiest day in ZONE. */
const APPLE = 'apple_health/hkimport_export_v3_2017.xml';
/** A Strava route export: a track of 113 points without times, a plan rather than a workout. */
const ROUTE = 'gpx/strava_route_example.gpx';
const APPLE_DAY = '2017-10-24';
/** A day the journey sends a watch's and a phone's overlapping steps for. */
const SOURCES_DAY = '2024-05-04';
const IMPORT_TIMEOUT = 120_000;

let server;
let browser;
let context;
let page;
let monitor;
let client;
/** The map tile server the dashboard's basemap comes from. */
let tiles;
let totp;
/** Recovery codes shown when MFA was turned on (one is spent on an API look-up). */
let recoveryCodes = [];
/** The distance shown on APPLE_DAY in km, to compare with the imperial figure. */
let appleDayKm = null;

const state = { broken: null };
/** Console errors, CSP violations, error toasts … that no step expected, with the step they came in. */
const unexpected = [];
/** axe results per page. */
const axeResults = [];

const tid = (id) => `[data-testid="${id}"]`;
/** The date `days` after an ISO date (YYYY-MM-DD). */
const addDaysIso = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Whether an event a step saw was one it expected (`allow`), else it is kept for the summary test. */
function sortEvents(stepName, events, allowances) {
  for (const e of events) {
    if (allowances.some((ok) => ok(e))) continue;
    unexpected.push({ step: stepName, ...e });
  }
}

async function describeScreen(p) {
  try {
    const info = await p.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      const toasts = [...document.querySelectorAll('[data-testid^="toast-"]')].map((t) => t.textContent.trim().replace(/\s+/g, ' '));
      // Selects would list every option (hundreds of time zones): show their values instead.
      const selects = [...main.querySelectorAll('select')];
      const values = selects.map((s) => `select#${s.id || s.name || '?'} = ${s.value}`);
      const was = selects.map((s) => s.hidden);
      selects.forEach((s) => (s.hidden = true));
      const text = main.innerText;
      selects.forEach((s, i) => (s.hidden = was[i]));
      return { title: document.title, main: text.trim().replace(/\n{2,}/g, '\n').slice(0, 2500), toasts, values };
    });
    return (
      `  URL: ${p.url()}\n  Title: ${info.title}\n  Toasts: ${JSON.stringify(info.toasts)}\n  Selects: ${info.values.join('; ') || '-'}\n` +
      `  Main text:\n    ${info.main.replace(/\n/g, '\n    ')}`
    );
  } catch (err) {
    return `  (could not read the page: ${err.message})`;
  }
}

/**
 * A journey step. `critical`: later steps need it, so its failure skips them. The body gets a context
 * with `allow(pred)` for events it expects and `log(msg)`.
 */
function step(name, body, { critical = true } = {}) {
  it(name, async (t) => {
    if (state.broken) {
      t.skip(`an earlier step failed: ${state.broken}`);
      return;
    }
    const allowances = [];
    const softs = [];
    const ctx = {
      allow: (pred) => allowances.push(pred),
      log: (msg) => t.diagnostic(msg),
      /** A check whose failure fails the step at its end, without stopping it or the journey. */
      soft: (ok, message) => {
        if (ok) return true;
        softs.push(message);
        t.diagnostic(`FAILED (continuing): ${message}`);
        return false;
      },
    };
    const p = page;
    monitor.take(); // anything left over belongs to the step before (already sorted)
    try {
      await body(ctx);
      await settle(page).catch(() => {});
      if (softs.length) {
        if (p && !p.isClosed()) await p.screenshot({ path: path.join(OUT_DIR, `failure-${slug(name)}.png`), fullPage: true }).catch(() => {});
        const err = new Error(`${softs.length} check(s) failed:\n  - ${softs.join('\n  - ')}`);
        err.soft = true;
        throw err;
      }
    } catch (err) {
      if (err.soft) {
        err.message = `[step: ${name}] ${err.message}\n  (screenshot: ${path.join(OUT_DIR, `failure-${slug(name)}.png`)})`;
        throw err;
      }
      if (critical) state.broken = name;
      let capture = '';
      if (p && !p.isClosed()) {
        const file = path.join(OUT_DIR, `failure-${slug(name)}.png`);
        await p.setViewportSize(DESKTOP).catch(() => {});
        await p.screenshot({ path: file, fullPage: true }).catch(() => {});
        capture = `\n--- screen at failure (${file}) ---\n${await describeScreen(p)}`;
      }
      err.message = `[step: ${name}] ${err.message}${capture}`;
      throw err;
    } finally {
      sortEvents(name, monitor.take(), allowances);
    }
  });
}

/** axe on the page as it is, plus screenshots at both sizes; the results go to the summary test. */
async function checkPage(name, ctx) {
  await settle(page);
  for (const size of ['1280', '360']) {
    if (size === '360') await page.setViewportSize({ width: 360, height: 740 });
    await settle(page);
    const violations = await axe(page);
    axeResults.push({ page: `${name} @${size}`, url: page.url(), violations });
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (violations.length) ctx.log(`axe ${name} @${size}: ${violations.map((v) => `${v.id} (${v.impact}, ${v.count})`).join(', ')}`);
    if (bad.length) ctx.log(`axe serious/critical on ${name} @${size}:\n${formatViolations(bad)}`);
  }
  // Toasts are fixed to the viewport and would be drawn over the middle of a full-page capture.
  for (const b of await page.locator('.toasts button[aria-label="Dismiss message"]').all()) await b.click().catch(() => {});
  await screenshots(page, name);
}

async function waitForUrl(re, what) {
  await page.waitForURL(re, { timeout: 20_000 }).catch((err) => {
    throw new Error(`expected to be on ${what} (${re}), but the URL is ${page.url()}: ${err.message.split('\n')[0]}`);
  });
}

async function text(selector) {
  return ((await page.locator(selector).first().innerText()) ?? '').trim().replace(/\s+/g, ' ');
}

/** The visible value of a Today card: "12.82 km" → { value: '12.82', unit: 'km', raw }. */
async function cardValue(id) {
  const raw = await text(`${tid(`today-card-${id}`)} ${tid('today-card-value')}`);
  const m = /^(\S+)(?:\s+(\S+))?$/.exec(raw);
  return { raw, value: m?.[1] ?? raw, unit: m?.[2] ?? '' };
}

/** A 401 the browser logs for the password step of an MFA sign-in (the server asks for the code). */
const isMfaChallenge = (e) => e.kind === 'console-error' && /status of 40[13]/.test(e.text) && /\/api\/v1\/auth\/login/.test(e.url ?? '');

// Fail at once, clearly, when something the run needs is missing (CI always has the samples).
ensureOutDir();
for (const f of [FIT, GPX, APPLE]) sample(f);
requireFile(SERVER_BIN, 'The wearhouse binary', 'Build it (cargo build --release) or set WEARHOUSE_BIN.');
requireFile(CHROMIUM, 'Chromium', 'Install it (apt-get install -y chromium) or set CHROMIUM_PATH.');

describe('Wearhouse dashboard: one user journey', { concurrency: false }, () => {
  before(async () => {
    try {
      await setUp();
    } catch (err) {
      console.error(`\n# E2E SET-UP FAILED: ${err.message}\n`);
      throw err;
    }
  });

  async function setUp() {
    tiles = await startTileServer();
    server = await startServer({
      users: [ADMIN],
      name: 'journey',
      env: { WEARHOUSE_MAP__TILE_URL: tiles.template, WEARHOUSE_MAP__ATTRIBUTION: 'Test tiles', WEARHOUSE_MAP__MAX_ZOOM: '18' },
    });
    client = api(server.url);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: DESKTOP, timezoneId: ZONE, locale: 'en-US', baseURL: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    monitor = await instrument(context, page);
    console.log(`# server ${SERVER_BIN} on ${server.url} (log: ${server.logFile}); output in ${OUT_DIR}`);
  }

  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await tiles?.stop().catch(() => {});
    writeFileSync(path.join(OUT_DIR, 'axe.json'), JSON.stringify(axeResults, null, 2));
  });

  step('1. signed out: / leads to sign-in; register with live password feedback; land signed in', async (ctx) => {
    await page.goto('/');
    await waitForUrl(/\/sign-in(\?|$)/, 'the sign-in page');
    await page.locator(tid('sign-in-form')).waitFor();
    await checkPage('sign-in', ctx);

    await page.locator(tid('go-register')).click();
    await waitForUrl(/\/register$/, 'the register page');
    await page.locator(tid('register-form')).waitFor();
    await page.locator(tid('register-username')).fill(USER.username);
    await page.locator(tid('register-email')).fill(USER.email);

    const rule = (id) => page.locator(tid(`password-rule-${id}`));
    const pw = page.locator(tid('register-password'));
    await pw.pressSequentially(WEAK_PASSWORD, { delay: 15 });
    await assertAttr(rule('length'), 'data-ok', 'false', 'length rule for a 9-character password');
    await assertAttr(rule('common'), 'data-ok', 'false', 'common-password rule for "password1"');
    assert.match(await rule('length').innerText(), /9 so far/, 'the length rule counts the characters typed');
    // Submitting is refused in the browser, with a message.
    await page.locator(tid('register-submit')).click();
    await page.locator(tid('register-error')).waitFor();
    assert.match(await text(tid('register-error')), /need attention/i);
    await page.locator(tid('register-zone')).selectOption(ZONE);
    await checkPage('register', ctx);

    await pw.fill('');
    await pw.pressSequentially(USER.password, { delay: 5 });
    for (const id of ['length', 'identity', 'common']) await assertAttr(rule(id), 'data-ok', 'true', `${id} rule for a good password`);
    assert.equal(await rule('variety').count(), 0, 'no "variety" advice for a strong password');

    await page.locator(tid('register-submit')).click();
    await waitForUrl(/^[^?#]*\/(\?.*)?$/, 'Today (/) after registering');
    await page.locator(tid('user-label')).waitFor();
    assert.equal(await text(tid('user-label')), USER.username);
    await page.locator(tid('today-card-steps')).waitFor();
  });

  step('2. settings: turn on MFA with a TOTP code; sign out; sign in again with password + fresh code', async (ctx) => {
    await page.locator(tid('nav-settings')).click();
    await waitForUrl(/\/settings/, 'Settings');
    await page.locator(tid('mfa-section')).waitFor();
    assert.equal(await text(tid('mfa-status')), 'Off');

    await page.locator(tid('mfa-enable')).click();
    await page.locator(tid('mfa-secret')).waitFor();
    const qrShown = await page
      .locator(tid('mfa-qr'))
      .waitFor({ timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    const qrText = qrShown ? '' : await text(tid('mfa-section'));
    ctx.soft(qrShown, `BUG: the QR code for the authenticator app is not drawn (no [data-testid=mfa-qr]); the section says: "${qrText.slice(0, 200)}"`);
    if (!qrShown) await screenshot(page, 'settings-mfa-enrol-1280');
    const secret = await text(tid('mfa-secret'));
    assert.match(secret.replace(/\s/g, ''), /^[A-Z2-7]{16,}=*$/, `the key shown is base32: ${secret}`);
    totp = new TotpClock(secret, ctx.log);

    await page.locator(tid('mfa-confirm-code')).fill(await totp.fresh());
    await page.locator(tid('mfa-confirm')).click();
    await page.locator(tid('mfa-recovery-codes')).waitFor();
    recoveryCodes = (await page.locator(`${tid('mfa-recovery-codes')} li`).allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    assert.ok(recoveryCodes.length >= 5, `recovery codes are shown (got ${recoveryCodes.length})`);
    assert.equal(await text(tid('mfa-status')), 'On');
    await screenshot(page, 'settings-mfa-codes-1280');
    await page.locator(tid('mfa-codes-done')).click();
    await page.locator(tid('mfa-recovery-codes')).waitFor({ state: 'detached' });

    await page.locator(tid('sign-out')).click();
    await waitForUrl(/\/sign-in\?reason=signed-out/, 'sign-in after signing out');
    await page.locator(tid('sign-in-notice')).waitFor();

    await page.locator(tid('sign-in-login')).fill(USER.username);
    await page.locator(tid('sign-in-password')).fill(USER.password);
    ctx.allow(isMfaChallenge);
    await page.locator(tid('sign-in-submit')).click();
    await page.locator(tid('mfa-code')).waitFor();
    assert.match(await text('h1'), /Two-step verification/);
    await checkPage('sign-in-mfa', ctx);

    await page.locator(tid('mfa-code')).fill(await totp.fresh());
    await page.locator(tid('sign-in-submit')).click();
    await waitForUrl(/^[^?#]*\/(\?.*)?$/, 'Today (/) after the MFA step');
    await page.locator(tid('user-label')).waitFor();
  });

  step('3. imports: FIT then GPX through the file input, upload → processing → report; history lists both', async (ctx) => {
    await page.locator(tid('nav-imports')).click();
    await waitForUrl(/\/imports/, 'Imports');
    await page.locator(tid('imports-empty')).waitFor();
    await recordJobPhases();

    // Slow the uplink so the upload phase and its progress bar are on screen long enough to see.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 96 * 1024 });
    try {
      for (const rel of [FIT, GPX]) {
        const name = path.basename(rel);
        await page.locator(tid('upload-input')).setInputFiles(sample(rel));
        const job = page.locator(tid('upload-job'), { hasText: name });
        await job.waitFor();
        await job.and(page.locator('[data-phase="done"], [data-phase="failed"]')).waitFor({ timeout: IMPORT_TIMEOUT });
        const seen = await page.evaluate((n) => window.__jobs?.[n], name);
        ctx.log(`${name}: phases ${JSON.stringify(seen?.phases)}, upload bar seen ${seen?.uploadBar}, import bar seen ${seen?.importBar}`);
        assert.equal(await job.getAttribute('data-phase'), 'done', `${name} is imported (job text: ${await job.innerText()})`);
        assert.ok(seen, `the phases of ${name} were recorded`);
        assert.deepEqual(
          seen.phases.filter((ph) => ph !== 'waiting'),
          ['uploading', 'processing', 'done'],
          `${name} goes through uploading → processing → done`,
        );
        assert.ok(seen.uploadBar, `${name}: the upload progress bar was shown while uploading`);
        assert.ok(seen.importBar, `${name}: the import progress was shown while processing`);

        const report = job.locator(tid('import-report'));
        const num = async (id) => Number((await report.locator(`${tid(id)} dd`).innerText()).replace(/[^\d]/g, ''));
        const imported = await num('import-report-imported');
        const activities = await num('import-report-activities');
        const duplicates = await num('import-report-duplicates');
        ctx.log(`${name}: report samples imported ${imported}, activities ${activities}, duplicates ${duplicates}`);
        assert.equal(activities, 1, `${name}: the report shows one activity`);
        assert.ok(imported + activities > 0, `${name}: the report shows something imported`);
        assert.equal(duplicates, 0, `${name}: nothing is a duplicate on a fresh database`);
      }
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }).catch(() => {});
      await cdp.detach().catch(() => {});
    }

    const rows = page.locator(tid('imports-history-row'));
    await expectCount(rows, 2, 'history rows after two imports');
    const history = (await rows.allInnerTexts()).join('\n');
    for (const rel of [FIT, GPX]) assert.ok(history.includes(path.basename(rel)), `the history lists ${path.basename(rel)}:\n${history}`);
    assert.equal(await page.locator(`${tid('imports-history-row')}[data-status="done"]`).count(), 2, 'both imports are done in the history');
  });

  step(
    '4. today: the local day of the FIT run shows its heart rate chart and distance',
    async (ctx) => {
      // The access token lives in the page's memory only: look the activity up with a client of our own
      // (a recovery code as second factor, so no TOTP window is spent), then end that session.
      const code = recoveryCodes.shift();
      const tokens = await client.login(USER.username, USER.password, code);
      let day;
      let fitDistance;
      try {
        const me = await client.get('/api/v1/me', tokens.access_token);
        const list = await client.get('/api/v1/activities?limit=100', tokens.access_token);
        const fit = list.items.find((a) => String(a.external_id ?? '').startsWith('fit:'));
        assert.ok(fit, `the FIT activity is listed: ${JSON.stringify(list.items.map((a) => [a.external_id, a.start]))}`);
        day = localDate(fit.start, me.time_zone);
        fitDistance = fit.distance;
        ctx.log(`FIT activity ${fit.id} starts ${fit.start}: local day ${day} in ${me.time_zone}; ${fit.distance} m, ${fit.stream_points} stream points, avg HR ${fit.avg_heart_rate}`);
      } finally {
        await client.logout(tokens.refresh_token);
      }

      await page.locator(tid('nav-today')).click();
      await waitForUrl(/^[^?#]*\/(\?.*)?$/, 'Today');
      await page.locator(tid('day-input')).fill(day);
      await waitForUrl(new RegExp(`[?&]date=${day}`), `Today for ${day} (?date=)`);
      await page.locator(`${tid('hr-chart')}:not([data-state="loading"])`).waitFor();
      assert.equal(await page.locator(tid('hr-chart')).getAttribute('data-state'), 'ok', 'the heart-rate request succeeded');
      await page.locator(tid('today-card-distance')).locator(tid('today-card-value')).waitFor();
      const distance = await cardValue('distance');
      const empty = await page.locator(tid('hr-chart-empty')).count();
      ctx.log(`Today ${day}: distance card "${distance.raw}", heart-rate chart ${empty ? 'EMPTY ("No heart-rate readings on this day")' : 'drawn'}`);
      await screenshot(page, 'today-fit-day-1280');
      const canvas = await page.locator(`${tid('hr-chart-canvas')} canvas`).count();
      ctx.soft(
        empty === 0 && canvas > 0,
        `BUG? the day of the imported FIT run (${day}) shows "No heart-rate readings on this day" (no chart canvas): the run's ` +
          'heart rate (stored as the activity\'s stream) is not on the Today chart, which reads /api/v1/samples?metric=heart_rate only',
      );
      // Builds that list the day's workouts on Today show the run's distance there.
      const workouts = page.locator(tid('today-workouts'));
      let workoutDistances = [];
      if (await workouts.count()) {
        await page.locator(`${tid('today-workouts')}:not([data-state="loading"])`).waitFor();
        workoutDistances = (await page.locator(tid('today-workout-distance')).allInnerTexts()).map((x) => x.trim());
        ctx.log(`Today ${day}: ${await page.locator(tid('today-workout')).count()} workout(s) listed, distances ${JSON.stringify(workoutDistances)}`);
        ctx.soft((await page.locator(tid('today-workout')).count()) >= 1, `the FIT run is listed among the workouts of ${day}`);
      }
      ctx.soft(
        distance.value !== '—' || workoutDistances.some((d) => /\d/.test(d)),
        `BUG? no distance is shown for ${day} although the FIT run covered ${fitDistance} m: the Distance card is "${distance.raw}" ` +
          '(it shows the daily `distance` figure, from samples only; the summary has the run as workout_distance)' +
          (workoutDistances.length ? '' : ' and no workout with a distance is listed'),
      );
    },
    { critical: false },
  );

  step('4b. imports: an Apple Health export.xml (heart rate, distance) imports samples', async (ctx) => {
    const name = path.basename(APPLE);
    await page.locator(tid('nav-imports')).click();
    await waitForUrl(/\/imports/, 'Imports');
    await expectCount(page.locator(tid('imports-history-row')), 2, 'history rows before the third import');
    await page.locator(tid('upload-input')).setInputFiles(sample(APPLE));
    const job = page.locator(tid('upload-job'), { hasText: name });
    await job.and(page.locator('[data-phase="done"], [data-phase="failed"]')).waitFor({ timeout: IMPORT_TIMEOUT });
    assert.equal(await job.getAttribute('data-phase'), 'done', `${name} is imported: ${await job.innerText()}`);
    const n = async (id) => Number((await job.locator(`${tid(id)} dd`).innerText()).replace(/[^\d]/g, ''));
    const imported = await n('import-report-imported');
    ctx.log(`${name}: ${imported} samples, ${await n('import-report-activities')} activities`);
    assert.ok(imported > 1000, `samples imported > 1000 (got ${imported})`);
    await expectCount(page.locator(tid('imports-history-row')), 3, 'history rows after three imports');
    await checkPage('imports', ctx);
  });

  step('4b1. imports: a GPX route without times is kept as a route, listed, drawn, and deleted', async (ctx) => {
    const name = path.basename(ROUTE);
    await page.locator(tid('upload-input')).setInputFiles(sample(ROUTE));
    const job = page.locator(tid('upload-job'), { hasText: name });
    await job.and(page.locator('[data-phase="done"], [data-phase="failed"]')).waitFor({ timeout: IMPORT_TIMEOUT });
    assert.equal(await job.getAttribute('data-phase'), 'done', `${name} is imported: ${await job.innerText()}`);
    const route = page.locator(tid('imports-route'));
    await expectCount(route, 1, 'routes listed after the route file');
    const listed = await route.innerText();
    ctx.log(`routes list: ${listed}`);
    assert.match(listed, /Afternoon Run/, 'the route is listed by the name its file gives');
    await route.locator('a').click();
    await waitForUrl(/\/routes\/rte_/, 'the route page');
    await page.locator(tid('route-drawing')).waitFor();
    assert.equal(await text(tid('route-title')), 'Afternoon Run');
    const figures = await page.locator(tid('route-figures')).innerText();
    ctx.log(`route figures: ${figures.replace(/\s+/g, ' ')}`);
    assert.match(figures, /113/, 'the route has its 113 points');
    const d = await page.locator(`${tid('route-drawing')} path.route-line`).getAttribute('d');
    assert.equal((d.match(/[ML]/g) ?? []).length, 113, 'every point is drawn');
    const drawnOn = await page.locator(tid('route-drawing')).getAttribute('data-tiles');
    ctx.log(`route page: ${drawnOn} basemap tiles under the route`);
    assert.ok(Number(drawnOn) > 0, 'the route is drawn on the configured basemap');
    await checkPage('route', ctx);
    // The tile server's log is the activity page's to check (one zoom for its route): start it afresh.
    tiles.requests.length = 0;
    await page.locator(tid('route-delete')).click();
    await page.locator(tid('route-delete-confirm')).click();
    await waitForUrl(/\/imports/, 'back on Imports after deleting the route');
    await expectCount(page.locator(tid('imports-route')), 0, 'no routes after the deletion');
  });

  step('4c. today: a day with Apple Health readings draws the heart-rate chart and shows the distance in km', async (ctx) => {
    await page.locator(tid('nav-today')).click();
    await page.locator(tid('day-input')).fill(APPLE_DAY);
    await waitForUrl(new RegExp(`[?&]date=${APPLE_DAY}`), `Today for ${APPLE_DAY}`);
    await page.locator(`${tid('hr-chart')}[data-state="ok"]`).waitFor();
    await page.locator(`${tid('hr-chart-canvas')} canvas`).waitFor();
    const label = await page.locator(tid('hr-chart-canvas')).getAttribute('aria-label');
    assert.match(label ?? '', /\d+ to \d+ beats per minute/, 'the chart describes its readings');
    // The readings must also be visible: count the pixels of the line's colour on the canvas.
    const minutes = Number(/(\d+) minutes with readings/.exec(label ?? '')?.[1] ?? 0);
    const ink = await lineInk();
    ctx.log(`heart-rate canvas: ${ink.pixels} pixels in the line colour ${ink.color} (${ink.width}×${ink.height}) for ${minutes} minutes with readings`);
    ctx.soft(
      ink.pixels >= 300,
      `BUG: the heart-rate chart of ${APPLE_DAY} is blank although it reports ${minutes} minutes with readings ` +
        `(${ink.pixels} pixels in the line colour): the readings are 2 minutes apart, so on the per-minute grid every ` +
        'reading has empty neighbours, and with spanGaps: false and points hidden uPlot draws nothing',
    );
    assert.match(await text(tid('today-date')), /2017/, 'the date shown is the chosen day');
    const distance = await cardValue('distance');
    const steps = await cardValue('steps');
    ctx.log(`Today ${APPLE_DAY}: distance "${distance.raw}", steps "${steps.raw}", chart "${label}"`);
    assert.equal(distance.unit, 'km', `metric distance in km (got "${distance.raw}")`);
    assert.notEqual(steps.value, '—', 'steps are shown');
    appleDayKm = Number(distance.value.replace(/,/g, ''));
    await checkPage('today', ctx);
  });

  step('4c2. trends: a month of the Apple Health export by day, then by week, with a year before beside it', async (ctx) => {
    await page.locator(tid('nav-trends')).click();
    await waitForUrl(/\/trends/, 'Trends');
    await page.locator(tid('trends-range-custom')).check();
    await page.locator(tid('trends-from')).fill('2017-10-01');
    await page.locator(tid('trends-to')).fill('2017-10-31');
    await page.locator(`${tid('trends')}[data-state="ok"][data-render-ms]`).waitFor();
    assert.match(await text(tid('trends-window')), /October 1, 2017.*October 31, 2017/);
    const charts = page.locator('wh-trend-chart');
    assert.equal(await charts.count(), 5, 'five figures by default');
    const distance = await text('wh-trend-chart[data-figure="distance"] [data-testid="trend-stats"]');
    ctx.log(`distance in October 2017: ${distance}; charts drawn ${await page.locator(tid('trends')).getAttribute('data-render-ms')} ms after the data`);
    assert.match(distance, /^Total [\d.,]+ km/, 'the month has a distance total in km');
    await page.locator(tid('trends-resolution-week')).check();
    await page.locator('wh-trend-chart[data-figure="distance"] [data-testid="trend-stats"]').filter({ hasText: /\/week/ }).waitFor();
    // Hover the middle of the steps chart: the readout names a week.
    const box = await page.locator('wh-trend-chart[data-figure="distance"] .u-over').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    assert.match(await text('wh-trend-chart[data-figure="distance"] [data-testid="trend-stats"]'), /^2017-10-\d\d · /);
    await checkPage('trends', ctx);
  });

  step('4c3. sleep: a night\'s hypnogram from a watch\'s stages, and the last 30 nights', async (ctx) => {
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const watch = { name: 'E2E Watch', kind: 'watch' };
    const night = SOURCES_DAY;
    const eve = addDaysIso(night, -1);
    const stages = [
      ['22:30', '23:50', 'core', eve, eve],
      ['23:50', '01:10', 'deep', eve, night],
      ['01:10', '01:25', 'awake', night, night],
      ['01:25', '03:00', 'rem', night, night],
      ['03:00', '06:40', 'core', night, night],
    ];
    const sent = await client.call('POST', '/api/v1/samples', {
      token: tokens.access_token,
      body: { samples: stages.map(([a, b, stage, da, db]) => ({ metric: 'sleep', value: stage, start: `${da}T${a}:00+03:00`, end: `${db}T${b}:00+03:00`, source: watch })) },
    });
    assert.equal(sent.status, 200, `posting a night: ${sent.text}`);
    await client.logout(tokens.refresh_token);
    await page.locator(tid('nav-sleep')).click();
    await waitForUrl(/\/sleep/, 'Sleep');
    await page.goto(`/sleep?date=${night}`);
    await page.locator(`${tid('sleep-night')}[data-state="ok"]`).waitFor();
    await page.locator(tid('hypnogram')).waitFor();
    const blocks = await page.locator(`${tid('hypnogram')} rect`).count();
    assert.equal(blocks, 5, 'one block per stretch of a stage');
    const figures = await text(tid('sleep-night'));
    ctx.log(`night: ${figures.slice(0, 160)}`);
    assert.match(figures, /Asleep\s*7:55 h/, '8 h 10 min in bed less 15 min awake');
    assert.match(figures, /(22:30|10:30\s*PM)–(06:40|0?6:40\s*AM)/, 'in bed from 22:30 to 06:40 local');
    await page.locator(tid('sleep-regularity')).waitFor();
    await checkPage('sleep', ctx);
  });

  step('4d. today: steps sent from another device show up live, without a reload', async (ctx) => {
    await page.goto('/');
    await page.locator(tid('today-card-steps')).waitFor();
    await page.locator(`${tid('today-card-steps')} ${tid('today-card-value')}`).waitFor();
    const before = await cardValue('steps');
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    // Two seconds that have just passed, so that they are today wherever the browser is (the journey
    // runs in Helsinki): a wider window reaching back before local midnight would land on yesterday
    // when the journey runs just after it, and the Today card would rightly not change.
    const end = new Date(Date.now() - 1_000);
    const start = new Date(end.getTime() - 1_000);
    const sent = await client.call('POST', '/api/v1/samples', {
      token: tokens.access_token,
      body: { samples: [{ metric: 'steps', value: 4321, start: start.toISOString(), end: end.toISOString(), source: { name: 'Phone', kind: 'phone' } }] },
    });
    assert.equal(sent.status, 200, `posting steps: ${sent.text}`);
    assert.equal(sent.json.accepted, 1);
    const shownAt = Date.now();
    let after = before;
    while (Date.now() - shownAt < 15_000) {
      after = await cardValue('steps');
      if (after.raw !== before.raw) break;
      await page.waitForTimeout(200);
    }
    ctx.log(`steps card: "${before.raw}" → "${after.raw}" ${Date.now() - shownAt} ms after the samples were stored`);
    assert.notEqual(after.raw, before.raw, 'the steps card changed without a reload');
    assert.match(after.value, /4,321|4321/, `the new steps are shown (got "${after.raw}")`);
    await client.logout(tokens.refresh_token);
  });

  step('4d2. activities: the list, then the 12-hour FIT activity with every stream on one time axis; the cursor marks the route', async (ctx) => {
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const done = await client.importFile(readFileSync(sample(LARGE_FIT)), path.basename(LARGE_FIT), tokens.access_token);
    await client.logout(tokens.refresh_token);
    ctx.log(`${LARGE_FIT}: ${done.activities} activities imported`);
    await page.locator(tid('nav-activities')).click();
    await waitForUrl(/\/activities$/, 'Activities');
    await page.locator(`${tid('activities')}[data-state="ok"]`).waitFor();
    const rows = await page.locator(tid('activity-row')).count();
    assert.ok(rows >= 3, `the FIT run, the GPX activity and the multisport file are listed (${rows} rows)`);
    await checkPage('activities', ctx);

    // The longest one: the multisport file's.
    const tokens2 = await client.login(USER.username, USER.password, await totp.fresh());
    const list = await client.get('/api/v1/activities?limit=100', tokens2.access_token);
    await client.logout(tokens2.refresh_token);
    const longest = list.items.reduce((a, b) => (b.stream_points > a.stream_points ? b : a));
    ctx.log(`longest: ${longest.type} with ${longest.stream_points} points`);
    const t0 = Date.now();
    await page.goto(`/activities/${longest.id}`);
    await page.locator(`${tid('activity-streams')}[data-render-ms]`).waitFor({ timeout: 30_000 });
    const charts = Number(await page.locator(tid('activity-streams')).getAttribute('data-charts'));
    ctx.log(`${charts} stream charts, drawn ${await page.locator(tid('activity-streams')).getAttribute('data-render-ms')} ms after the streams arrived, ${Date.now() - t0} ms after navigation`);
    assert.ok(charts >= 3, `heart rate, pace or speed, elevation … (${charts} charts)`);
    await page.locator(tid('activity-route')).waitFor();
    // The configured basemap: tiles of the route's area fetched from the tile server, with its attribution.
    await page.locator(tid('route-tile')).first().waitFor();
    assert.equal(await text(tid('route-attribution')), 'Test tiles');
    const shownTiles = await page.locator(tid('route-tile')).count();
    await poll(() => tiles.requests.length >= shownTiles, 'every tile under the route is fetched');
    const zooms = new Set(tiles.requests.map((r) => r.z));
    ctx.log(`${shownTiles} map tiles at zoom ${[...zooms].join(', ')}`);
    assert.equal(zooms.size, 1, 'one zoom for the route');
    const tokens3 = await client.login(USER.username, USER.password, await totp.fresh());
    const fixes = await client.get(`/api/v1/activities/${longest.id}/streams?keys=lat,lon&resolution=low`, tokens3.access_token);
    await client.logout(tokens3.refresh_token);
    const i = fixes.lat.findIndex((v, k) => v !== null && fixes.lon[k] !== null);
    const z = [...zooms][0];
    const sin = Math.sin((fixes.lat[i] * Math.PI) / 180);
    const expected = { x: Math.floor(((fixes.lon[i] + 180) / 360) * 2 ** z), y: Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 2 ** z) };
    assert.ok(tiles.requests.some((r) => r.x === expected.x && r.y === expected.y), `the tile under the route's first fix (${z}/${expected.x}/${expected.y}) is drawn`);
    // Every recorded point follows the chart-sized streams and redraws the charts: hover after that.
    await page.locator(`${tid('activity-streams')}[data-points="${longest.stream_points}"]`).waitFor({ timeout: 30_000 });
    await settle(page);
    const box = await page.locator('wh-stream-chart .u-over').first().boundingBox();
    assert.ok(box, 'the first chart is on the page');
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await page.locator(tid('route-marker')).waitFor({ timeout: 5000 });
    assert.match(await text('wh-stream-chart [data-testid="stream-readout"]'), /^\d+:\d\d(:\d\d)? · /, 'the readout shows the time under the cursor');
    await checkPage('activity', ctx);

    // Splits per km from the recorded distance.
    const splitRows = await page.locator(tid('split-row')).count();
    ctx.log(`${splitRows} splits; the first: ${await text(`${tid('split-row')} >> nth=0`)}`);
    assert.ok(splitRows >= 2, `a split per kilometre (${splitRows})`);
    assert.match(await text(`${tid('split-row')} >> nth=0`), /^1 km\s+\d+:\d\d/, 'the first split is a kilometre with its time');

    // Edit it: a title and the perceived effort; then a wrong title, taken back from the history.
    await page.locator(tid('activity-edit')).click();
    await page.locator(tid('af-title')).fill('Multisport day');
    await page.locator(tid('af-rpe')).fill('7');
    await page.locator(tid('af-save')).click();
    await page.locator(tid('activity-title'), { hasText: 'Multisport day' }).waitFor();
    await page.locator(tid('activity-edit')).click();
    await page.locator(tid('af-title')).fill('Wrong title');
    await page.locator(tid('af-save')).click();
    await page.locator(tid('activity-title'), { hasText: 'Wrong title' }).waitFor();
    await page.locator(`${tid('activity-history')} summary`).click();
    await page.locator(tid('revision-row')).first().waitFor();
    const revisions = await page.locator(tid('revision-row')).count();
    assert.ok(revisions >= 3, `created, then edited twice (${revisions} revisions)`);
    // Newest first: the second row is the edit that named it "Multisport day".
    const earlier = await page.locator(`${tid('revision-row')} >> nth=1`).getAttribute('data-revision');
    assert.match(await text(`${tid('revision-row')} >> nth=1`), /Multisport day/);
    await page.locator(tid(`revision-restore-${earlier}`)).click();
    await page.locator(tid('activity-title'), { hasText: 'Multisport day' }).waitFor();
    await expectCount(page.locator(tid('revision-row')), revisions + 1, 'the restore is itself a revision');

    // Move it to the trash, then bring it back.
    await page.locator(tid('activity-delete')).click();
    await page.locator(tid('activity-delete-confirm')).click();
    await waitForUrl(/\/activities$/, 'Activities after deleting');
    await page.locator(tid('activities-trash')).click();
    await waitForUrl(/\/activities\/trash/, 'Trash');
    await page.locator(tid('trash-row'), { hasText: 'Multisport day' }).waitFor();
    await checkPage('trash', ctx);
    await page.locator(`${tid('trash-row')}:has-text("Multisport day") ${tid('trash-restore')}`).click();
    await expectCount(page.locator(tid('trash-row')), 0, 'the trash is empty after restoring');
    await page.goto(`/activities/${longest.id}`);
    await page.locator(tid('activity-title'), { hasText: 'Multisport day' }).waitFor();
  });

  step('4d2b. activities: a workout entered by hand; its copy from a watch is offered as a duplicate and merged', async (ctx) => {
    await page.locator(tid('nav-activities')).click();
    await waitForUrl(/\/activities$/, 'Activities');
    await page.locator(tid('activities-new')).click();
    await waitForUrl(/\/activities\/new/, 'Add a workout');
    await page.locator(tid('af-type')).selectOption('running');
    await page.locator(tid('af-title')).fill('Lunch run');
    await page.locator(tid('af-start')).fill('2026-11-03T12:00');
    await page.locator(tid('af-hours')).fill('0');
    await page.locator(tid('af-minutes')).fill('45');
    await page.locator(tid('af-distance')).fill('8.5');
    await page.locator(tid('af-avgHeartRate')).fill('150');
    await page.locator(tid('af-maxHeartRate')).fill('140');
    await page.locator(tid('af-save')).click();
    // A maximum below the average is named before anything is sent.
    await page.locator(tid('af-errors')).waitFor();
    assert.equal(await page.locator('#af-maxHeartRate').getAttribute('aria-invalid'), 'true');
    await checkPage('new-activity', ctx);
    await page.locator(tid('af-maxHeartRate')).fill('171');
    await page.locator(tid('af-save')).click();
    await waitForUrl(/\/activities\/act_[0-9a-z]+$/, 'the new workout');
    await page.locator(tid('activity-title'), { hasText: 'Lunch run' }).waitFor();
    const id = page.url().split('/').pop();
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const made = await client.get(`/api/v1/activities/${id}`, tokens.access_token);
    assert.equal(made.distance, 8500, 'stored in metres');
    assert.equal(made.duration, 2700);
    assert.equal(made.time_zone, ZONE, 'in the zone of the profile');
    assert.equal(localDate(made.start, ZONE), '2026-11-03');

    // The same run from a watch, 20 s later.
    const copy = await client.call('POST', '/api/v1/activities', {
      token: tokens.access_token,
      body: { type: 'running', start: new Date(Date.parse(made.start) + 20_000).toISOString(), duration: 2690, distance: 8530, avg_heart_rate: 152,
        source: { name: 'Forerunner 265', kind: 'watch' } },
    });
    assert.equal(copy.status, 201, copy.text);
    await page.locator(tid('nav-activities')).click();
    await page.locator(tid('activities-duplicates')).click();
    await waitForUrl(/\/activities\/duplicates/, 'Possible duplicates');
    // The run and its copy are a pair; so is a workout the Apple Health export holds twice (8fit's Cardio).
    const ours = page.locator(tid('duplicate-pair'), { hasText: 'Lunch run' });
    await ours.waitFor();
    assert.match(await ours.innerText(), /Manual entry[\s\S]*Forerunner 265/, 'each side names its source');
    const pairs = await page.locator(tid('duplicate-pair')).count();
    ctx.log(`${pairs} possible duplicates: ${(await page.locator(tid('duplicate-pair')).allInnerTexts()).map((t) => t.split('\n')[0]).join(', ')}`);
    await checkPage('duplicates', ctx);
    await ours.locator(tid('duplicate-keep-first')).click();
    await expectCount(page.locator(tid('duplicate-pair')), pairs - 1, 'the merged pair is gone');
    // The others are two workouts after all: kept, and not suggested again after a reload.
    while ((await page.locator(tid('duplicate-pair')).count()) > 0) {
      const left = await page.locator(tid('duplicate-pair')).count();
      await page.locator(tid('duplicate-keep-both')).first().click();
      await expectCount(page.locator(tid('duplicate-pair')), left - 1, 'a pair kept as two is gone');
    }
    await page.reload();
    await page.locator(tid('duplicates-none')).waitFor();
    const merged = await client.get(`/api/v1/activities/${copy.json.id}`, tokens.access_token);
    await client.logout(tokens.refresh_token);
    assert.equal(merged.merged_into, id, 'the watch copy is merged into the run entered by hand');
  });

  step('4d3. measurements: a weight and a blood pressure entered by hand, in the user\'s units', async (ctx) => {
    await page.locator(tid('nav-today')).click();
    await page.locator(tid('add-measurement')).click();
    await waitForUrl(/\/measurements/, 'Add a measurement');
    await page.locator(tid('measure-kind-weight')).check();
    await page.locator(tid('measure-value-body_mass')).fill('61.4');
    await page.locator(tid('measure-save')).click();
    await page.locator(tid('measure-recent-row'), { hasText: '61.4 kg' }).waitFor();
    await page.locator(tid('measure-kind-blood_pressure')).check();
    await page.locator(tid('measure-value-blood_pressure_systolic')).fill('118');
    await page.locator(tid('measure-value-blood_pressure_diastolic')).fill('76');
    await page.locator(tid('measure-save')).click();
    await page.locator(tid('measure-recent-row'), { hasText: '118 mmHg' }).waitFor();
    // An impossible value is refused in plain words, and nothing is stored.
    await page.locator(tid('measure-kind-weight')).check();
    await page.locator(tid('measure-value-body_mass')).evaluate((el) => el.removeAttribute('max'));
    await page.locator(tid('measure-value-body_mass')).fill('1200');
    await page.locator(tid('measure-save')).click();
    await page.locator(tid('measure-error')).waitFor();
    ctx.log(`refused: ${await text(tid('measure-error'))}`);
    await checkPage('measurements', ctx);
  });

  step('4e. sources: where a day\'s steps come from when a watch and a phone overlap; reordering the sources changes the day', async (ctx) => {
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const watch = { name: 'E2E Watch', kind: 'watch' };
    const phone = { name: 'E2E Phone', kind: 'phone' };
    // Watch 09:00–10:00 local: 1000 steps; phone 09:30–10:30: 800, of which only 10:00–10:30 adds (400).
    const sent = await client.call('POST', '/api/v1/samples', {
      token: tokens.access_token,
      body: {
        samples: [
          { metric: 'steps', value: 1000, start: `${SOURCES_DAY}T09:00:00+03:00`, end: `${SOURCES_DAY}T10:00:00+03:00`, source: watch },
          { metric: 'steps', value: 800, start: `${SOURCES_DAY}T09:30:00+03:00`, end: `${SOURCES_DAY}T10:30:00+03:00`, source: phone },
        ],
      },
    });
    assert.equal(sent.status, 200, `posting overlapping steps: ${sent.text}`);
    await client.logout(tokens.refresh_token);

    await page.locator(tid('nav-sources')).click();
    await waitForUrl(/\/sources/, 'Sources');
    await page.goto(`/sources?date=${SOURCES_DAY}&metric=steps`);
    await page.locator(`${tid('sources-timeline')}[data-state="ok"]`).waitFor();
    const figure = async () => (await text(tid('sources-figure'))).replace(/[^\d]/g, '');
    assert.equal(await figure(), '1400', 'the watch counts whole, the phone only where the watch has nothing');
    const rows = page.locator(tid('sources-row'));
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => [e.dataset.source, e.dataset.treatment])), [
      ['E2E Watch', 'counted'],
      ['E2E Phone', 'partly_counted'],
    ]);
    await checkPage('sources', ctx);

    // Move the phone above the watch with its buttons (the keyboard's way; dragging does the same).
    const names = () => page.locator(tid('priority-item')).evaluateAll((els) => els.map((e) => e.dataset.source));
    for (let i = 0; i < 10; i++) {
      const order = await names();
      if (order.indexOf('E2E Phone') < order.indexOf('E2E Watch')) break;
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/sources/priority') && r.request().method() === 'PUT');
      await page.locator(`${tid('priority-item')}[data-source="E2E Phone"] ${tid('priority-up')}`).click();
      assert.equal((await saved).status(), 200, 'the new order is saved');
    }
    const order = await names();
    ctx.log(`priority now: ${order.join(' > ')}`);
    assert.ok(order.indexOf('E2E Phone') < order.indexOf('E2E Watch'), 'the phone is above the watch');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await figure()) !== '1300') await page.waitForTimeout(100);
    assert.equal(await figure(), '1300', 'now the phone counts whole and the watch only 09:00–09:30');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => [e.dataset.source, e.dataset.treatment])), [
      ['E2E Phone', 'counted'],
      ['E2E Watch', 'partly_counted'],
    ]);
    await screenshots(page, 'sources-reordered');
  });

  step('4e2. calendar: 2017 coloured by distance from the Apple Health export; this month compared', async (ctx) => {
    await page.locator(tid('nav-calendar')).click();
    await waitForUrl(/\/calendar/, 'Calendar');
    await page.locator(tid('calendar-figure')).selectOption('distance');
    const year = Number(await text(tid('calendar-year')));
    for (let y = year; y > 2017; y--) await page.locator(tid('calendar-prev')).click();
    await page.locator(tid('calendar-year'), { hasText: '2017' }).waitFor();
    await page.locator(`${tid('calendar')} td[data-date="${APPLE_DAY}"]:not([data-level="0"])`).waitFor();
    const lit = await page.locator(`${tid('calendar')} td[data-date^="2017-10"]:not([data-level="0"])`).count();
    ctx.log(`October 2017: ${lit} days with distance`);
    assert.ok(lit >= 5, `October 2017 has days with distance (${lit})`);
    await page.locator(tid('compare-row')).first().waitFor();
    assert.equal(await page.locator(tid('compare-row')).count(), 5, 'five figures compared');
    await checkPage('calendar', ctx);
  });

  step('4f. heatmap: the imported workouts\' routes are drawn on one canvas', async (ctx) => {
    await page.locator(tid('nav-heatmap')).click();
    await waitForUrl(/\/heatmap/, 'Heatmap');
    await page.locator(`${tid('heatmap')}[data-state="ok"]`).waitFor();
    const summary = await text(tid('heatmap-summary'));
    ctx.log(`heatmap: ${summary}, drawn in ${await page.locator(tid('heatmap')).getAttribute('data-draw-ms')} ms`);
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const routes = await client.get('/api/v1/activities/routes', tokens.access_token);
    await client.logout(tokens.refresh_token);
    assert.ok(routes.routes.length >= 3, `the FIT run, the GPX activity and the multisport day have routes (${routes.routes.length})`);
    assert.match(summary, new RegExp(`^${routes.routes.length} routes`), 'every route is drawn');
    const lit = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="heatmap-canvas"]');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    assert.ok(lit > 500, `the routes are drawn (${lit} pixels lit)`);
    await checkPage('heatmap', ctx);
  });

  step('5. settings: imperial units turn km into mi on Today; a new time zone survives a reload', async (ctx) => {
    await page.locator(tid('nav-settings')).click();
    await waitForUrl(/\/settings/, 'Settings');
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
    let res = saved();
    await page.locator(tid('units-imperial')).check();
    assert.equal((await res).status(), 200, 'the unit change is saved');

    await page.locator(tid('nav-today')).click();
    await page.locator(tid('day-input')).fill(APPLE_DAY);
    await waitForUrl(new RegExp(`[?&]date=${APPLE_DAY}`), `Today for ${APPLE_DAY}`);
    await page.locator(`${tid('hr-chart')}[data-state="ok"]`).waitFor();
    const distance = await cardValue('distance');
    ctx.log(`imperial: distance "${distance.raw}" (metric was ${appleDayKm} km)`);
    assert.equal(distance.unit, 'mi', `the distance is in miles (got "${distance.raw}")`);
    if (appleDayKm !== null) {
      const expected = appleDayKm / 1.609344;
      assert.ok(Math.abs(Number(distance.value) - expected) <= 0.011, `${distance.value} mi ≈ ${appleDayKm} km (${expected.toFixed(3)} mi)`);
    }
    assert.ok(!/\bkm\b/.test(await text(tid('today-card-distance'))), 'no km left on the distance card');

    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('zone-select')).waitFor();
    assert.equal(await page.locator(tid('zone-select')).inputValue(), ZONE);
    res = saved();
    await page.locator(tid('zone-select')).selectOption(OTHER_ZONE);
    assert.equal((await res).status(), 200, 'the zone change is saved');
    await page.reload();
    await page.locator(tid('zone-select')).waitFor();
    assert.equal(await page.locator(tid('zone-select')).inputValue(), OTHER_ZONE, 'the zone is still the new one after a reload');
    assert.ok(await page.locator(tid('units-imperial')).isChecked(), 'imperial is still chosen after a reload');
    await page.locator(tid('nav-today')).click();
    await page.locator(tid('today-date')).waitFor();
    assert.match(await text(tid('today-date')), new RegExp(OTHER_ZONE.replace('/', '\\/')), 'Today shows the new zone');
  });

  step('5a. settings: the time-zone history edited (Lisbon first, then the zone in force from a past date), recomputed, kept over a reload; then one zone again', async (ctx) => {
    await page.locator(tid('nav-settings')).click();
    await waitForUrl(/\/settings/, 'Settings');
    const section = page.locator(tid('tz-section'));
    const periods = section.locator(tid('tz-period'));
    const zonesShown = () => periods.evaluateAll((els) => els.map((e) => e.dataset.zone));
    await periods.first().waitFor();
    const zone = await page.locator(tid('zone-select')).inputValue();
    const before = await zonesShown();
    ctx.log(`history before (newest first): ${before.join(' ← ')}; zone in force ${zone}`);
    assert.equal(before[0], zone, 'the newest period is the zone the select shows');

    // Count how far the recomputation goes, as the page shows it.
    await page.evaluate(() => {
      const seen = (window.__tzProgress = { pending: [], done: false });
      const scan = () => {
        const label = document.querySelector('[data-testid="tz-pending"]');
        const n = label ? Number(/(\d[\d,]*)/.exec(label.textContent)?.[1]?.replace(/,/g, '')) : null;
        if (n !== null && seen.pending.at(-1) !== n) seen.pending.push(n);
        if (document.querySelector('[data-testid="tz-up-to-date"]')) seen.done = true;
      };
      new MutationObserver(scan).observe(document.querySelector('[data-testid="tz-section"]'), { subtree: true, childList: true, characterData: true });
    });

    // Down to one period, that one Lisbon, then the zone in force again from MOVED_ON.
    await section.locator(tid('tz-edit')).click();
    const rows = section.locator(tid('tz-row'));
    await rows.first().waitFor();
    for (let n = await rows.count(); n > 1; n--) {
      await rows.nth(n - 1).locator(tid('tz-row-remove')).click();
      await expectCount(rows, n - 1, 'rows after removing the last');
    }
    await rows.first().locator(tid('tz-row-zone')).selectOption(EARLIER_ZONE);
    await section.locator(tid('tz-add')).click();
    await expectCount(rows, 2, 'rows after adding a period');
    assert.equal(await rows.nth(1).locator(tid('tz-row-zone')).inputValue(), zone, 'a new period starts in the zone in force');
    await rows.nth(1).locator(tid('tz-row-from')).fill(`${MOVED_ON}T08:30`);
    await checkPage('settings-time-zones-edit', ctx);

    const put = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/me/time-zones') && r.request().method() === 'PUT');
    let res = put();
    await section.locator(tid('tz-save')).click();
    let answer = await res;
    assert.equal(answer.status(), 200, `the history is saved (${await answer.text()})`);
    ctx.log(`saved: ${JSON.stringify(await answer.json())}`);
    await section.locator(tid('tz-up-to-date')).waitFor({ timeout: IMPORT_TIMEOUT });
    const progress = await page.evaluate(() => window.__tzProgress);
    ctx.log(`days left as shown: ${progress.pending.join(' → ') || '(none: recomputed before the answer)'}`);
    if (progress.pending.length > 1) assert.ok(progress.pending.at(-1) < progress.pending[0], 'the count of days left goes down');
    assert.deepEqual(await zonesShown(), [zone, EARLIER_ZONE], 'the list shows both periods, newest first');
    await checkPage('settings-time-zones', ctx);

    await page.reload();
    await periods.first().waitFor();
    assert.deepEqual(await zonesShown(), [zone, EARLIER_ZONE], 'both periods are still there after a reload');
    const since = await text(`${tid('tz-period')}[data-zone="${zone}"]`);
    assert.match(since, new RegExp(`since .*${MOVED_ON.slice(0, 4)}`), `the newer period says since when (${since})`);
    assert.match(await text(`${tid('tz-period')}[data-zone="${EARLIER_ZONE}"]`), /all earlier days/, 'the first period covers every earlier day');
    assert.equal(await page.locator(tid('zone-select')).inputValue(), zone, 'the zone in force has not changed');

    // One zone again, for the steps after this one.
    await section.locator(tid('tz-edit')).click();
    await rows.first().waitFor();
    await rows.first().locator(tid('tz-row-remove')).click();
    await expectCount(rows, 1, 'rows after removing the first');
    assert.equal(await rows.first().locator(tid('tz-row-zone')).inputValue(), zone);
    res = put();
    await section.locator(tid('tz-save')).click();
    answer = await res;
    assert.equal(answer.status(), 200, `the single-zone history is saved (${await answer.text()})`);
    await section.locator(tid('tz-up-to-date')).waitFor({ timeout: IMPORT_TIMEOUT });
    assert.deepEqual(await zonesShown(), [zone], 'one period is left');
    assert.match(await text(tid('tz-period')), /all days/);
  });

  step('5b. settings: the Today cards chosen and ordered there are what Today shows, kept with the account', async (ctx) => {
    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('card-list')).waitFor();
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/me/preferences') && r.request().method() === 'PUT');
    let res = saved();
    await page.locator(tid('card-show-exercise')).uncheck();
    assert.equal((await res).status(), 200, 'hiding a card is saved');
    res = saved();
    await page.locator(tid('card-up-weight')).click();
    assert.equal((await res).status(), 200, 'moving a card is saved');
    await checkPage('settings-dashboard', ctx);

    await page.locator(tid('nav-today')).click();
    await page.locator(tid('today-card-steps')).waitFor();
    const cards = await page.locator('[data-testid^="today-card-"]:not([data-testid="today-card-value"])').evaluateAll((els) => els.map((e) => e.dataset.testid.replace('today-card-', '')));
    ctx.log(`Today cards: ${cards.join(', ')}`);
    assert.ok(!cards.includes('exercise'), 'the hidden card is gone');
    assert.equal(cards.at(-1), 'hrv', 'weight moved above heart rate variability');
    assert.equal(cards.at(-2), 'weight');

    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const prefs = await client.get('/api/v1/me/preferences', tokens.access_token);
    assert.deepEqual(prefs.today_cards, cards, 'another device gets the same cards in the same order');
    await client.logout(tokens.refresh_token);
  });

  step('5c. settings: Deutsch turns the dashboard German (nav, Today, dates, <html lang>), kept with the account; back to the browser\'s English', async (ctx) => {
    const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/me/preferences') && r.request().method() === 'PUT');
    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('language-switch')).waitFor();
    assert.ok(await page.locator(tid('language-browser')).isChecked(), 'the language follows the browser until one is chosen');

    // Choosing another language saves it, then loads the page again in it.
    let res = saved();
    await page.locator(tid('language-de')).check();
    assert.equal((await res).status(), 200, 'the language is saved');
    await page.locator('html[lang="de"]').waitFor({ state: 'attached', timeout: 20_000 });
    await page.locator(tid('nav-settings'), { hasText: 'Einstellungen' }).waitFor();
    // The stored preferences arrive after the page: then Deutsch is the one chosen.
    await page.locator(`${tid('language-de')}:checked`).waitFor({ state: 'attached' });
    const languageLabel = async (code) => (await page.locator('label', { has: page.locator(tid(`language-${code}`)) }).innerText()).trim();
    assert.deepEqual([await languageLabel('en'), await languageLabel('de')], ['English', 'Deutsch'], 'each language is named in itself');

    await page.locator(tid('nav-today')).click();
    await waitForUrl(/\/(\?.*)?$/, 'Today');
    await page.locator('h1', { hasText: 'Heute' }).waitFor();
    assert.equal(await text(`${tid('nav-today')} .nav-text`), 'Heute', 'the nav is German');
    assert.match(await text(tid('today-date')), /(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. /, 'the date is written the German way');
    assert.match(await text(tid('today-card-steps')), /Schritte/, 'the cards are German');
    assert.equal(await page.title(), 'Heute · Wearhouse', 'the page title is German');
    await checkPage('today-de', ctx);

    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    const prefs = await client.get('/api/v1/me/preferences', tokens.access_token);
    assert.equal(prefs.language, 'de', 'the language is kept with the account');
    await client.logout(tokens.refresh_token);

    // Back to the browser's language (this context's is en-US), for the steps after this one.
    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('language-switch')).waitFor();
    res = saved();
    await page.locator(tid('language-browser')).check();
    assert.equal((await res).status(), 200, 'the browser default is saved');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached', timeout: 20_000 });
    await page.locator(tid('nav-settings'), { hasText: 'Settings' }).waitFor();
    await page.locator(`${tid('language-browser')}:checked`).waitFor({ state: 'attached' });
    assert.equal(await page.evaluate(() => localStorage.getItem('wh.language')), null, 'no language is kept on this browser');
    // Leave Settings, so the next step's visit reads its sessions anew.
    await page.locator(tid('nav-today')).click();
    await waitForUrl(/\/(\?.*)?$/, 'Today');
  });

  step('6. sessions: a second (API) session appears, is signed out from the list, and its refresh token is refused', async (ctx) => {
    const tokens = await client.login(USER.username, USER.password, await totp.fresh());
    assert.ok(tokens.refresh_token, 'token-mode login returns a refresh token');

    await page.locator(tid('nav-settings')).click();
    await waitForUrl(/\/settings/, 'Settings');
    const rows = page.locator(tid('session-row'));
    await expectCount(rows, 2, 'sessions: this browser and the API login');
    assert.equal(await page.locator(`${tid('session-row')}[data-current="true"]`).count(), 1, 'one session is this browser');
    await checkPage('settings', ctx);

    await page.locator(`${tid('session-row')}[data-current="false"] ${tid('session-signout')}`).click();
    await expectCount(rows, 1, 'sessions after signing the other one out');
    assert.equal(await rows.first().getAttribute('data-current'), 'true', 'the session left is this browser');

    const refused = await client.refresh(tokens.refresh_token);
    ctx.log(`refresh with the signed-out session's token: ${refused.status} ${refused.json?.code ?? ''}`);
    assert.equal(refused.status, 401, `the other session's refresh token is refused with 401 (got ${refused.status} ${refused.text})`);
    await page.locator(tid('user-label')).waitFor();
  });

  step('7. sign out: back on sign-in, and a reload stays signed out', async () => {
    await page.locator(tid('sign-out')).click();
    await waitForUrl(/\/sign-in/, 'sign-in after signing out');
    await page.locator(tid('sign-in-form')).waitFor();
    await page.reload();
    await page.locator(tid('sign-in-form')).waitFor();
    assert.match(page.url(), /\/sign-in/);
    assert.equal(await page.locator(tid('user-label')).count(), 0, 'nobody is signed in');
    await page.goto('/settings');
    await waitForUrl(/\/sign-in\?returnTo=%2Fsettings/, 'sign-in (a signed-in page asked for while signed out)');
  });

  step('7b. installable: a web app manifest, and a service worker that starts the app offline', async (ctx) => {
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]');
      return link ? (await fetch(link.href)).json() : null;
    });
    assert.ok(manifest, 'the page links a manifest');
    assert.equal(manifest.display, 'standalone');
    for (const size of ['192x192', '512x512']) assert.ok(manifest.icons.some((i) => i.sizes === size), `an icon of ${size}`);
    const active = await page.evaluate(
      () => Promise.race([navigator.serviceWorker.ready.then((r) => !!r.active), new Promise((resolve) => setTimeout(() => resolve(false), 30_000))]),
    );
    assert.ok(active, 'a service worker is active');
    // Wait until it holds the shell, then go offline: the app still starts (on sign-in, signed out).
    await page.waitForFunction(async () => (await caches.keys()).some((k) => k.includes('assets:shell')), null, { timeout: 30_000 });
    await context.setOffline(true);
    try {
      await page.reload();
      await page.locator(tid('sign-in-form')).waitFor({ timeout: 15_000 });
      ctx.log('offline reload: the sign-in form is there');
      ctx.allow((e) => /Failed to fetch|ERR_INTERNET_DISCONNECTED|net::ERR|NetworkError|could not be reached|status of 504/i.test(e.text ?? ''));
    } finally {
      await context.setOffline(false);
    }
    await page.reload();
    await page.locator(tid('sign-in-form')).waitFor();
  });

  step(
    '8. admin: an administrator created with the CLI sees the admin page and the new user',
    async (ctx) => {
      await page.locator(tid('sign-in-login')).fill(ADMIN.username);
      await page.locator(tid('sign-in-password')).fill(ADMIN.password);
      await page.locator(tid('sign-in-submit')).click();
      await waitForUrl(/\/settings$/, 'Settings (returnTo) after signing in');
      await page.locator(tid('nav-admin')).click();
      await waitForUrl(/\/admin/, 'Admin');
      await page.locator(tid('admin-user-row')).first().waitFor();
      const users = (await page.locator(tid('admin-user-row')).allInnerTexts()).join('\n');
      assert.ok(users.includes(USER.username), `the admin list shows ${USER.username}:\n${users}`);
      await checkPage('admin', ctx);
      await page.locator(tid('sign-out')).click();
      await waitForUrl(/\/sign-in/, 'sign-in');
    },
    { critical: false },
  );

  it('no console errors, CSP violations or error toasts during the journey', () => {
    if (!unexpected.length) return;
    const lines = unexpected.map((e) => `  [${e.step}] ${e.kind}: ${e.text ?? JSON.stringify(e)}${e.url ? ` (${e.url})` : ''}`);
    assert.fail(`${unexpected.length} unexpected event(s):\n${lines.join('\n')}`);
  });

  it('axe-core: no serious or critical accessibility violations on any page', (t) => {
    if (!axeResults.length) {
      t.skip('no page was checked (an earlier step failed)');
      return;
    }
    const bad = axeResults
      .map((r) => ({ ...r, violations: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }))
      .filter((r) => r.violations.length);
    const minor = axeResults.flatMap((r) => r.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map((v) => `${r.page}: ${v.id} (${v.impact})`));
    if (minor.length) t.diagnostic(`minor/moderate axe findings: ${minor.join('; ')}`);
    t.diagnostic(`pages checked: ${axeResults.map((r) => r.page).join(', ')}`);
    if (bad.length) assert.fail(bad.map((r) => `${r.page} (${r.url}):\n${formatViolations(r.violations)}`).join('\n'));
  });
});

/** Waits until `check()` holds (up to 10 s), else fails naming `what`. */
async function poll(check, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assertAttr(locator, name, expected, what) {
  const deadline = Date.now() + 5000;
  let got;
  while (Date.now() < deadline) {
    got = await locator.getAttribute(name);
    if (got === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(got, expected, `${what}: ${name}`);
}

async function expectCount(locator, n, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let got;
  while (Date.now() < deadline) {
    got = await locator.count();
    if (got === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(got, n, what);
}

/** Pixels on the heart-rate canvas close to the line colour (--chart-line). */
async function lineInk() {
  return page.evaluate(() => {
    const host = document.querySelector('[data-testid="hr-chart-canvas"]');
    const canvas = host?.querySelector('canvas');
    if (!canvas) return { pixels: 0, color: '?', width: 0, height: 0 };
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(host).getPropertyValue('--chart-line').trim() || '#d92d6b';
    host.appendChild(probe);
    const [r0, g0, b0] = getComputedStyle(probe).color.match(/\d+/g).map(Number);
    probe.remove();
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let pixels = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 128 && Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) < 90) pixels++;
    }
    return { pixels, color: `rgb(${r0}, ${g0}, ${b0})`, width: canvas.width, height: canvas.height };
  });
}

/** Records, per upload job (by file name), each data-phase it shows and whether its progress bars appeared. */
async function recordJobPhases() {
  await page.evaluate(() => {
    const jobs = (window.__jobs = {});
    const scan = () => {
      for (const li of document.querySelectorAll('[data-testid="upload-job"]')) {
        const name = li.querySelector('.job-name')?.textContent?.trim() ?? '?';
        const j = (jobs[name] ??= { phases: [], uploadBar: false, importBar: false });
        const ph = li.getAttribute('data-phase');
        if (j.phases.at(-1) !== ph) j.phases.push(ph);
        if (li.querySelector('[data-testid="upload-progress"]')) j.uploadBar = true;
        if (li.querySelector('[data-testid="import-progress"]')) j.importBar = true;
      }
    };
    new MutationObserver(scan).observe(document.querySelector('main'), { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase', 'value'] });
    scan();
  });
}
