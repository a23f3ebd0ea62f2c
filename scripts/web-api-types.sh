#!/usr/bin/env bash
# Regenerates the dashboard's TypeScript API types (web/src/app/api/schema.d.ts) from the OpenAPI
# document the server prints, so the client is typed by the contract itself. CI fails when they are
# stale. Uses target/release/wearhouse when it exists (WEARHOUSE_SKIP_WEB=1 builds it without the
# dashboard), else a debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-}"
if [ -z "$BIN" ]; then
  if [ -x target/release/wearhouse ]; then BIN=target/release/wearhouse; else
    cargo build --quiet -p wearhouse; BIN=target/debug/wearhouse; fi
fi
mkdir -p target
"$BIN" openapi > target/openapi.json
[ -d web/node_modules ] || (cd web && npm ci --no-audit --no-fund)
(cd web && npm run --silent api:types -- ../target/openapi.json)
echo "wrote web/src/app/api/schema.d.ts"
