// Checks the shipped translations against the messages in the code, so an English message added,
// changed in id or removed without the translations following fails `npm test` (and so CI).
//
// Extracts the source messages with `ng extract-i18n` into a temporary folder (nothing is written to
// the repository), then, for every `src/locale/messages.<code>.json`: its `locale` is `<code>`, it
// has every id of the source and no other, and each translation keeps the source's `{$PLACEHOLDERS}`
// (a lost placeholder would drop a number or a name from the page). Which languages ship is the set
// of those files (`scripts/languages.mjs`), so there is no list to keep in step.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const localeDir = join(web, 'src/locale');
const SOURCE = 'en';

function extractSource() {
  const out = mkdtempSync(join(tmpdir(), 'wearhouse-i18n-'));
  try {
    execFileSync(
      process.execPath,
      [
        join(web, 'node_modules/@angular/cli/bin/ng.js'),
        'extract-i18n',
        '--format=json',
        `--output-path=${out}`,
        '--build-target=wearhouse-web:build:i18n-extract',
        '--progress=false',
      ],
      { cwd: web, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NG_CLI_ANALYTICS: 'false' } },
    );
    return JSON.parse(readFileSync(join(out, 'messages.json'), 'utf8')).translations;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The placeholders of a message, as a sorted set: `{$NAME}`, ICU variables (`{VAR_PLURAL, plural, …`)
 * and the placeholders inside ICU cases (`{INTERPOLATION}`, `{START_TAG_STRONG}`).
 */
function placeholders(message) {
  const names = [...message.matchAll(/\{\$([A-Za-z0-9_]+)\}/g)].map((m) => `{$${m[1]}}`);
  const icu = [...message.matchAll(/\{(VAR_[A-Z0-9_]+),\s*(plural|select)/g)].map((m) => `${m[1]}:${m[2]}`);
  const inCases = [...message.matchAll(/\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => `{${m[1]}}`);
  return [...new Set([...names, ...icu, ...inCases])].sort().join(' ');
}

const started = Date.now();
const source = extractSource();
const sourceIds = Object.keys(source);
const problems = [];

// Angular gives an ICU inside a longer text an id of its own, generated from its English: such ids
// change with the text, so every message must carry a custom `@@id`.
const generated = sourceIds.filter((id) => /^\d+$/.test(id));
if (generated.length) {
  problems.push(
    `messages without a custom @@id (give an ICU inside a longer text an element of its own, or make it the whole message):\n${generated.map((id) => `    ${id}: ${JSON.stringify(source[id])}`).join('\n')}`,
  );
}

const files = readdirSync(localeDir).filter((f) => /^messages\.[A-Za-z0-9-]+\.json$/.test(f));
for (const file of files) {
  const code = file.slice('messages.'.length, -'.json'.length);
  const parsed = JSON.parse(readFileSync(join(localeDir, file), 'utf8'));
  const translations = parsed.translations ?? {};
  if (parsed.locale !== code) problems.push(`${file}: "locale" is ${JSON.stringify(parsed.locale)}, expected "${code}"`);
  const missing = sourceIds.filter((id) => !(id in translations));
  const stale = Object.keys(translations).filter((id) => !(id in source));
  const broken = sourceIds.filter((id) => id in translations && placeholders(source[id]) !== placeholders(translations[id]));
  const empty = Object.keys(translations).filter((id) => typeof translations[id] !== 'string' || !translations[id].trim());
  if (missing.length) {
    problems.push(`${file}: ${missing.length} untranslated id(s):\n${missing.map((id) => `    "${id}": ${JSON.stringify(source[id])}`).join(',\n')}`);
  }
  if (stale.length) problems.push(`${file}: ${stale.length} id(s) no longer in the code: ${stale.join(', ')}`);
  if (broken.length) problems.push(`${file}: placeholders differ from the source in: ${broken.join(', ')}`);
  if (empty.length) problems.push(`${file}: empty translation(s): ${empty.join(', ')}`);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length) {
  console.error(`i18n check failed (${sourceIds.length} source messages, ${seconds} s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`i18n check: ${sourceIds.length} messages, translated in ${files.map((f) => f.slice(9, -5)).join(', ')} (${seconds} s)`);
