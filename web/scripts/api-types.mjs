#!/usr/bin/env node
// Regenerates src/app/api/schema.d.ts from the server's OpenAPI document.
//
//   npm run api:types -- path/to/openapi.json
//   OPENAPI_JSON=path/to/openapi.json npm run api:types
//
// Default input: ../target/openapi.json (write it with `wearhouse openapi > target/openapi.json`).
//
// Operation ids name the generated `operations`: a repeated one is an error of the document (the
// server's tests hold them unique), reported here rather than generated wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const input = resolve(process.argv[2] ?? process.env.OPENAPI_JSON ?? resolve(webDir, '../target/openapi.json'));
const output = resolve(webDir, 'src/app/api/schema.d.ts');

if (!existsSync(input)) {
  console.error(`api:types: ${input} does not exist.`);
  console.error('Write it with `wearhouse openapi > target/openapi.json`, or pass a path: npm run api:types -- <openapi.json>');
  process.exit(1);
}

const doc = JSON.parse(readFileSync(input, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ops = [];
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const method of METHODS) {
    const op = item?.[method];
    if (op && typeof op === 'object') ops.push({ path, method, op });
  }
}
const seen = new Map();
for (const { path, method, op } of ops) {
  const id = op.operationId;
  if (!id) continue;
  if (seen.has(id)) {
    console.error(`api:types: operationId "${id}" of ${method.toUpperCase()} ${path} is also ${seen.get(id)}'s`);
    process.exit(1);
  }
  seen.set(id, `${method.toUpperCase()} ${path}`);
}

const dir = mkdtempSync(join(tmpdir(), 'wearhouse-api-types-'));
try {
  const prepared = join(dir, 'openapi.json');
  writeFileSync(prepared, JSON.stringify(doc));
  const bin = resolve(webDir, 'node_modules/.bin/openapi-typescript');
  const result = spawnSync(bin, [prepared, '--output', output, '--alphabetize'], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
