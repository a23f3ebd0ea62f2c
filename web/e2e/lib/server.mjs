// Starts a Wearhouse server for one run: a fresh temporary data folder, a free loopback port, rate
// limits raised so the scripted browser is never throttled; stopped (and its folder removed) at the end.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVER_BIN, ensureOutDir, requireFile } from './env.mjs';

const LIMITS = {
  WEARHOUSE_RATE_LIMIT__PER_IP_PER_SECOND: '10000',
  WEARHOUSE_RATE_LIMIT__PER_IP_BURST: '10000',
  WEARHOUSE_RATE_LIMIT__PER_USER_PER_SECOND: '10000',
  WEARHOUSE_RATE_LIMIT__PER_USER_BURST: '10000',
  WEARHOUSE_RATE_LIMIT__AUTH_PER_MINUTE: '10000',
  WEARHOUSE_RATE_LIMIT__AUTH_BURST: '10000',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(args, { env, cwd, input }) {
  return new Promise((resolve, reject) => {
    const child = spawn(SERVER_BIN, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${SERVER_BIN} ${args.join(' ')} exited with ${code}:\n${out}`))));
    child.stdin.end(input ?? '');
  });
}

/**
 * Starts the server. `users`: accounts to create with the CLI first (`{ username, email, password, admin }`);
 * `env`: further `WEARHOUSE_*` settings.
 * Returns `{ url, port, dataDir, logFile, stop() }`.
 */
export async function startServer({ users = [], name = 'e2e', env: extra = {} } = {}) {
  requireFile(SERVER_BIN, 'The wearhouse binary', 'Build it (cargo build --release) or set WEARHOUSE_BIN.');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `wearhouse-${name}-`));
  const port = await freePort();
  // The temp folder is the working directory too, so no ./wearhouse.toml of the caller is picked up.
  const env = { ...process.env, ...LIMITS, NO_COLOR: '1', WEARHOUSE_LOG__FORMAT: 'text', ...extra };
  delete env.WEARHOUSE_CONFIG;
  delete env.WEARHOUSE_LISTEN;
  delete env.WEARHOUSE_DATA_DIR;
  delete env.WEARHOUSE_DATABASE_URL;

  for (const u of users) {
    const args = ['user', 'create', '--username', u.username, '--email', u.email, '--password-stdin', '--data-dir', dataDir];
    if (u.admin) args.push('--admin');
    await run(args, { env, cwd: dataDir, input: `${u.password}\n` });
  }

  const logFile = path.join(ensureOutDir(), `server-${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(SERVER_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    env,
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const killOnExit = () => child.exitCode === null && child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
    }
    log.end();
    if (!process.env.E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`The server exited during startup (${JSON.stringify(exited)}); see ${logFile}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer GET /healthz = 200 within 90 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  // A binary built without the dashboard answers 404 at `/`: say so instead of failing obscurely later.
  const home = await fetch(`${url}/`, { headers: { Accept: 'text/html' } });
  if (home.status !== 200 || !(home.headers.get('content-type') ?? '').includes('text/html')) {
    await stop();
    throw new Error(
      `${SERVER_BIN} does not serve the dashboard at / (GET / = ${home.status} ${home.headers.get('content-type')}). ` +
        'Build the web app and the release binary with it embedded, or point WEARHOUSE_BIN at a binary that serves it.',
    );
  }
  return { url, port, dataDir, logFile, stop, pid: child.pid };
}
