#!/usr/bin/env bash
# bench-http.sh: HTTP throughput/latency benchmark for Wearhouse.
#
# What it measures:
#   Requests/s and latency (p50/p99) of authenticated `GET /api/v1/me` against
#   a release build of `wearhouse serve` using the embedded SQLite backend,
#   driven by wrk. Target: >= 20,000 requests/s with p99 <= 5 ms at
#   32 connections, with wrk on 1 thread.
#
#   The script builds the server (`cargo build --release -p wearhouse`), starts
#   it on 127.0.0.1:$PORT with a fresh temporary data dir, raises the rate
#   limits so one client IP is not throttled, registers and logs in a bench
#   user, checks that one authenticated request returns 200, runs a warm-up,
#   then the measured wrk run, and prints wrk's output plus a summary with
#   PASS/FAIL against the target.
#
#   On a machine with 2 or more CPUs the server is pinned to CPU 1 and wrk to
#   CPU 0 with `taskset` (if available), so wrk takes one core and the server
#   the other. Without taskset it runs unpinned.
#
# How to run (from anywhere in the repo):
#   scripts/bench-http.sh
#   CONNECTIONS=64 DURATION=30s scripts/bench-http.sh
#
# Knobs (environment variables, defaults in brackets):
#   CONNECTIONS  wrk connections                     [32]
#   DURATION     measured run length (wrk -d)        [15s]
#   THREADS      wrk threads (wrk -t)                [1]
#   PORT         port the server listens on          [18080]
#   WARMUP       warm-up run length (wrk -d)         [3s]
#   SKIP_BUILD   set to 1 to skip `cargo build`      [unset]
#
#   Access tokens live 900 s, so keep WARMUP + DURATION well below 15 minutes.
#
# Exit status: 0 when the benchmark ran, even if the target was missed (this
# script reports figures, it is not a test). Non-zero if the build fails, the
# server does not start, registration/login/the check request fails, wrk
# cannot produce a result, or the measured run saw non-2xx/3xx responses.
#
# Dependencies: wrk and curl are installed with apt-get if missing. That
# assumes Debian/Ubuntu and root (sudo is used if available and not root).
# python3 is used to parse JSON if present; sed is the fallback.

set -euo pipefail

cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-32}"
DURATION="${DURATION:-15s}"
THREADS="${THREADS:-1}"
PORT="${PORT:-18080}"
WARMUP="${WARMUP:-3s}"
SKIP_BUILD="${SKIP_BUILD:-0}"

TARGET_RPS=20000
TARGET_P99_MS=5

BIN="target/release/wearhouse"
BASE_URL="http://127.0.0.1:${PORT}"
USERNAME="bench_user"
EMAIL="bench@example.org"
PASSWORD="granite kettle orbit 42"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- Dependencies -----------------------------------------------------------

# Installing packages needs root on Debian/Ubuntu; fall back to sudo if we are
# not root and sudo exists.
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "$* missing and not root; install it manually"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 || die "$* missing and apt-get not available; install it manually"
    log "installing $* with apt-get"
    ${sudo[@]+"${sudo[@]}"} apt-get update -qq && ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq "$@"
}

command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v curl >/dev/null 2>&1 || apt_install curl
command -v wrk >/dev/null 2>&1 || die "wrk still not found after install"
command -v curl >/dev/null 2>&1 || die "curl still not found after install"

# --- CPU pinning --------------------------------------------------------------

CPUS="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
SERVER_PIN=()
WRK_PIN=()
if [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1 \
    && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null; then
    SERVER_PIN=(taskset -c 1)
    WRK_PIN=(taskset -c 0)
    PINNING="server on CPU 1, wrk on CPU 0 (taskset)"
else
    PINNING="none (taskset unavailable or fewer than 2 CPUs)"
fi

# --- Build --------------------------------------------------------------------

if [ "$SKIP_BUILD" = "1" ]; then
    log "SKIP_BUILD=1: not building"
else
    log "building: cargo build --release -p wearhouse"
    cargo build --release -p wearhouse
fi
[ -x "$BIN" ] || die "$BIN not found; build it with: cargo build --release -p wearhouse"

# --- Server lifecycle -------------------------------------------------------

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/wearhouse-bench.XXXXXX")"
SERVER_LOG="$DATA_DIR/server.log"
SERVER_PID=""

cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        # Give it a few seconds to shut down cleanly, then force it.
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$DATA_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_server_log() {
    if [ -s "$SERVER_LOG" ]; then
        echo "--- last lines of server log ---" >&2
        tail -n 40 "$SERVER_LOG" >&2 || true
        echo "--------------------------------" >&2
    fi
}

if curl -s -o /dev/null --max-time 1 "$BASE_URL/healthz"; then
    die "something is already listening on 127.0.0.1:$PORT; set PORT to a free port"
fi

log "starting server on 127.0.0.1:$PORT (data dir $DATA_DIR)"
# The server runs with the temp dir as its working directory and without
# WEARHOUSE_CONFIG / WEARHOUSE_DATABASE_URL, so a ./wearhouse.toml or a
# database URL from the caller's environment cannot redirect it away from the
# fresh embedded SQLite database. The exec keeps $! equal to the server's PID.
BIN_PATH="$PWD/$BIN"
(
    cd "$DATA_DIR"
    unset WEARHOUSE_CONFIG WEARHOUSE_DATABASE_URL
    export WEARHOUSE_LISTEN="127.0.0.1:$PORT"
    export WEARHOUSE_DATA_DIR="$DATA_DIR"
    export RUST_LOG=warn
    export WEARHOUSE_LOG_LEVEL=warn
    export WEARHOUSE_LOG__LEVEL=warn
    export WEARHOUSE_RATE_LIMIT__PER_IP_PER_SECOND=1000000
    export WEARHOUSE_RATE_LIMIT__PER_IP_BURST=1000000
    export WEARHOUSE_RATE_LIMIT__PER_USER_PER_SECOND=1000000
    export WEARHOUSE_RATE_LIMIT__PER_USER_BURST=1000000
    exec ${SERVER_PIN[@]+"${SERVER_PIN[@]}"} "$BIN_PATH" serve \
        --listen "127.0.0.1:$PORT" --data-dir "$DATA_DIR"
) >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# Poll /healthz for up to ~30 s.
ready=0
for _ in $(seq 1 150); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        show_server_log
        die "server exited during startup"
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE_URL/healthz" || true)"
    if [ "$code" = "200" ]; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ "$ready" != "1" ]; then
    show_server_log
    die "server did not answer 200 on /healthz within 30 s"
fi
log "server is ready"

# --- Account and token --------------------------------------------------------

# post_json PATH BODY OUTFILE -> prints HTTP status
post_json() {
    curl -sS -o "$3" -w '%{http_code}' --max-time 10 \
        -H 'Content-Type: application/json' -X POST --data "$2" "$BASE_URL$1" || true
}

RESP="$DATA_DIR/resp.json"

code="$(post_json /api/v1/auth/register \
    "{\"username\":\"$USERNAME\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$RESP")"
if [ "$code" != "201" ]; then
    echo "response body: $(cat "$RESP" 2>/dev/null || true)" >&2
    show_server_log
    die "register returned HTTP $code (expected 201)"
fi

code="$(post_json /api/v1/auth/login \
    "{\"login\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$RESP")"
if [ "$code" != "200" ]; then
    echo "response body: $(cat "$RESP" 2>/dev/null || true)" >&2
    show_server_log
    die "login returned HTTP $code (expected 200)"
fi

TOKEN=""
if command -v python3 >/dev/null 2>&1; then
    TOKEN="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <"$RESP" 2>/dev/null || true)"
fi
if [ -z "$TOKEN" ]; then
    TOKEN="$(sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$RESP" | head -n 1)"
fi
[ -n "$TOKEN" ] || die "could not extract access_token from login response: $(cat "$RESP")"

code="$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 10 \
    -H "Authorization: Bearer $TOKEN" "$BASE_URL/api/v1/me" || true)"
if [ "$code" != "200" ]; then
    echo "response body: $(cat "$RESP" 2>/dev/null || true)" >&2
    show_server_log
    die "authenticated GET /api/v1/me returned HTTP $code (expected 200)"
fi
log "authenticated GET /api/v1/me returned 200"

# --- Benchmark ------------------------------------------------------------------

URL="$BASE_URL/api/v1/me"

log "warm-up: wrk -t$THREADS -c$CONNECTIONS -d$WARMUP"
${WRK_PIN[@]+"${WRK_PIN[@]}"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" \
    -H "Authorization: Bearer $TOKEN" "$URL" >/dev/null \
    || die "warm-up wrk run failed"

log "measured run: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
WRK_OUT="$DATA_DIR/wrk.out"
if ! ${WRK_PIN[@]+"${WRK_PIN[@]}"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "Authorization: Bearer $TOKEN" "$URL" >"$WRK_OUT" 2>&1; then
    cat "$WRK_OUT"
    die "measured wrk run failed"
fi

echo
cat "$WRK_OUT"
echo

kill -0 "$SERVER_PID" 2>/dev/null || { show_server_log; die "server died during the benchmark"; }

# --- Summary --------------------------------------------------------------------

RPS="$(awk '/^Requests\/sec:/ { print $2; exit }' "$WRK_OUT")"
P50="$(awk '$1 == "50%" { print $2; exit }' "$WRK_OUT")"
P99="$(awk '$1 == "99%" { print $2; exit }' "$WRK_OUT")"
NON2XX="$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2; exit }' "$WRK_OUT")"
SOCKET_ERRORS="$(sed -n 's/^[[:space:]]*Socket errors:[[:space:]]*//p' "$WRK_OUT" | head -n 1)"
NON2XX="${NON2XX:-0}"

[ -n "$RPS" ] && [ -n "$P50" ] && [ -n "$P99" ] \
    || die "could not parse requests/s and latency percentiles from wrk output"

# wrk prints latencies as e.g. 812.00us, 1.23ms, 1.05s, 2.00m; convert to ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000;
        else if (u == "m") f = 60000; else if (u == "h") f = 3600000; else f = -1
        if (f < 0) { print "nan"; exit 1 }
        printf "%.3f", n * f
    }'
}
P50_MS="$(to_ms "$P50")" || die "unknown latency unit in '$P50'"
P99_MS="$(to_ms "$P99")" || die "unknown latency unit in '$P99'"

RPS_OK="$(awk -v r="$RPS" -v t="$TARGET_RPS" 'BEGIN { print (r + 0 >= t) ? "yes" : "no" }')"
P99_OK="$(awk -v p="$P99_MS" -v t="$TARGET_P99_MS" 'BEGIN { print (p + 0 <= t) ? "yes" : "no" }')"
if [ "$RPS_OK" = "yes" ] && [ "$P99_OK" = "yes" ] && [ "$NON2XX" = "0" ]; then
    VERDICT="PASS"
else
    VERDICT="FAIL"
fi

echo "=== Wearhouse HTTP benchmark summary ==="
echo "endpoint:        GET /api/v1/me (authenticated, SQLite backend)"
echo "command:         wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -H \"Authorization: Bearer <token>\" $URL"
echo "warm-up:         $WARMUP"
echo "CPUs:            $CPUS"
echo "pinning:         $PINNING"
echo "requests/s:      $RPS  (target >= $TARGET_RPS: $RPS_OK)"
echo "latency p50:     $P50 (${P50_MS} ms)"
echo "latency p99:     $P99 (${P99_MS} ms)  (target <= ${TARGET_P99_MS} ms: $P99_OK)"
echo "non-2xx/3xx:     $NON2XX"
if [ -n "$SOCKET_ERRORS" ]; then
    echo "socket errors:   $SOCKET_ERRORS"
fi
echo "result:          $VERDICT (target: >= $TARGET_RPS req/s and p99 <= ${TARGET_P99_MS} ms)"

if [ "$NON2XX" != "0" ]; then
    show_server_log
    die "$NON2XX requests returned non-2xx/3xx responses during the measured run"
fi
exit 0
