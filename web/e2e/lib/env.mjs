// Paths and settings shared by the end-to-end tests and the performance script.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Angular project folder (`web/`). */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository root. */
export const REPO_DIR = path.resolve(WEB_DIR, '..');

/** The server binary: `WEARHOUSE_BIN`, relative paths taken from `web/`. */
export const SERVER_BIN = path.resolve(WEB_DIR, process.env.WEARHOUSE_BIN || '../target/release/wearhouse');
/** The public sample files: `WEARHOUSE_SAMPLES`, relative paths taken from `web/`. */
export const SAMPLES_DIR = path.resolve(WEB_DIR, process.env.WEARHOUSE_SAMPLES || '../../shared/samples');
/** Chromium: `CHROMIUM_PATH`, default Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Screenshots, logs and failure captures. */
export const OUT_DIR = path.resolve(REPO_DIR, process.env.E2E_OUT_DIR || 'target/e2e');

export function ensureOutDir() {
  mkdirSync(OUT_DIR, { recursive: true });
  return OUT_DIR;
}

/** Throws a readable error when something the run needs is missing. */
export function requireFile(file, what, hint) {
  if (!existsSync(file)) {
    throw new Error(`${what} not found at ${file}${hint ? `\n  ${hint}` : ''}`);
  }
  return file;
}

/** A sample file, failing clearly when the samples folder is missing (CI always has it). */
export function sample(rel) {
  requireFile(SAMPLES_DIR, 'The public samples folder', 'Set WEARHOUSE_SAMPLES to the folder holding fit/, gpx/ and apple_health/ (default ../../shared/samples from web/).');
  return requireFile(path.join(SAMPLES_DIR, rel), `Sample file ${rel}`, `WEARHOUSE_SAMPLES=${SAMPLES_DIR}`);
}
