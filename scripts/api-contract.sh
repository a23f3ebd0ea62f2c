#!/usr/bin/env bash
# api-contract.sh: runs schemathesis (from PyPI) against the real server and fails on any server error,
# response that breaks the OpenAPI document, undocumented status, or request the document allows but
# the server refuses. Every operation, every check, stateful links included; a bounded example count.
#
#   scripts/api-contract.sh                 # uses target/debug/wearhouse (cargo build first)
#   BIN=target/release/wearhouse EXAMPLES=50 scripts/api-contract.sh
#
# Knobs: BIN [target/debug/wearhouse], EXAMPLES per operation [15], PORT [18099], VENV [.schemathesis/venv].
# Rate limits and the login throttle are off for this run (the fuzzer would only measure them, and it
# guesses its own account's password); everything else is the default configuration on a fresh SQLite
# database.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-target/debug/wearhouse}"
EXAMPLES="${EXAMPLES:-15}"
PORT="${PORT:-18099}"
VENV="${VENV:-.schemathesis/venv}"
BASE="http://127.0.0.1:${PORT}"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.3,<5'
fi
if [ "$BIN" = "target/debug/wearhouse" ]; then cargo build --quiet -p wearhouse; fi

DATA="$(mktemp -d)"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

# Rate limits and the per-account login throttle are off: the fuzzer guesses passwords of its own account.
export WEARHOUSE_DATA_DIR="$DATA" WEARHOUSE_RATE_LIMIT__ENABLED=false WEARHOUSE_AUTH__LOGIN_THROTTLE=false \
  WEARHOUSE_LOG__LEVEL=warn
"$BIN" serve --listen "127.0.0.1:${PORT}" >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$BASE/healthz" >/dev/null

# The fuzzer's account. Its hooks log in again whenever a token stops working (it may log itself out).
export CONTRACT_BASE="$BASE" CONTRACT_USER="contract_user" CONTRACT_PASSWORD="granite kettle orbit 42"
curl -fsS -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"username\":\"$CONTRACT_USER\",\"email\":\"contract@example.org\",\"password\":\"$CONTRACT_PASSWORD\"}" >/dev/null

status=0
SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "$BASE/api/v1/openapi.json" \
  --url "$BASE" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --seed 1 \
  --suppress-health-check all \
  --workers 1 || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 50 lines) ---"
  tail -n 50 "$DATA/server.log"
fi
exit "$status"
