#!/usr/bin/env bash
# bench-http.sh: HTTP throughput/latency benchmark for Wearhouse.
#
# What it measures:
#   Requests/s and latency (p50/p99) against a release build of
#   `wearhouse serve` using the embedded SQLite backend, driven by wrk (which
#   sends no Accept-Encoding, so answers are uncompressed):
#     me      authenticated `GET /api/v1/me`: >= 20,000 req/s, p99 <= 5 ms
#             at 32 connections.
#   and, over a user holding a realistic year (the synthetic Apple Health
#   export `wearhouse bench import` reads: iPhone + Watch, 2024, uploaded
#   through `POST /api/v1/imports` and imported before measuring):
#     year    `GET /api/v1/summaries/daily` for 2024-01-01..2024-12-31:
#             >= 3,000 req/s at 32 connections;
#     year-1  the same at one connection: p50 <= 2 ms;
#     month   `GET /api/v1/samples?metric=heart_rate&resolution=hour` for
#             June 2024: >= 3,000 req/s at 32 connections.
#   It also prints the year view's size plain, gzip and br.
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
#   SEED_DAYS    days of synthetic data; 0 runs `me` only [365]
#   BENCHES      which runs, space-separated           [me year year-1 month]
#   RESPONSE_CACHE  `true` serves repeated summary/series reads from the
#                response cache; the targets above are for computed answers,
#                so it is off unless asked for      [false]
#   WEARHOUSE_REDIS_URL  passed to the server: shared rate limits and cache
#                invalidations through Redis (each request then takes its
#                rate-limit tokens from Redis)       [unset]
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
SEED_DAYS="${SEED_DAYS:-365}"
RESPONSE_CACHE="${RESPONSE_CACHE:-false}"
BENCHES="${BENCHES:-me year year-1 month}"
[ "$SEED_DAYS" = "0" ] && BENCHES="me"

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
    export WEARHOUSE_RESPONSES__CACHE="$RESPONSE_CACHE"
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
log "server is ready (response cache: $RESPONSE_CACHE)"

# --- Account and token --------------------------------------------------------

# post_json PATH BODY OUTFILE -> prints HTTP status
post_json() {
    curl -sS -o "$3" -w '%{http_code}' --max-time 10 \
        -H 'Content-Type: application/json' -X POST --data "$2" "$BASE_URL$1" || true
}

RESP="$DATA_DIR/resp.json"

code="$(post_json /api/v1/auth/register \
    "{\"username\":\"$USERNAME\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"time_zone\":\"Europe/Berlin\"}" "$RESP")"
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
LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# --- Seeding: a year of synthetic Apple Health data ------------------------------

login() {
    code="$(post_json /api/v1/auth/login \
        "{\"login\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$RESP")"
    [ "$code" = "200" ] || die "login returned HTTP $code: $(cat "$RESP")"
    TOKEN="$(json_field access_token <"$RESP")"
    [ -n "$TOKEN" ] || die "no access_token in $(cat "$RESP")"
}

# json_field NAME < file: a top-level string field.
json_field() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1]) or "")' "$1" 2>/dev/null
    else
        sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
    fi
}

if [ "$SEED_DAYS" != "0" ]; then
    EXPORT="$DATA_DIR/export.xml"
    log "generating a $SEED_DAYS-day synthetic Apple Health export"
    "$BIN" bench export --days "$SEED_DAYS" --out "$EXPORT" >&2
    log "uploading it to POST /api/v1/imports"
    started=$(date +%s.%N)
    code="$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 600 \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' \
        -H 'X-File-Name: export.xml' --data-binary @"$EXPORT" "$BASE_URL/api/v1/imports" || true)"
    [ "$code" = "202" ] || { show_server_log; die "upload returned HTTP $code: $(cat "$RESP")"; }
    STATUS_URL="$(json_field status_url <"$RESP")"
    [ -n "$STATUS_URL" ] || die "no status_url in $(cat "$RESP")"
    status=""
    for _ in $(seq 1 1800); do
        curl -sS -o "$RESP" --max-time 10 -H "Authorization: Bearer $TOKEN" "$BASE_URL$STATUS_URL" || true
        status="$(json_field status <"$RESP")"
        [ "$status" = "done" ] || [ "$status" = "failed" ] && break
        sleep 1
    done
    [ "$status" = "done" ] || { show_server_log; die "import ended '$status': $(cat "$RESP")"; }
    rm -f "$EXPORT"
    login
    # The first summary read folds in every rollup the background worker has not written yet.
    curl -sS -o /dev/null --max-time 300 -H "Authorization: Bearer $TOKEN" \
        "$BASE_URL/api/v1/summaries/daily?from=2024-01-01&to=2024-12-31"
    log "imported and rolled up in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
fi

YEAR_URL="$BASE_URL/api/v1/summaries/daily?from=2024-01-01&to=2024-12-31"
MONTH_URL="$BASE_URL/api/v1/samples?metric=heart_rate&resolution=hour&from=2024-06-01T00:00:00Z&to=2024-07-01T00:00:00Z"

# --- Benchmark ------------------------------------------------------------------

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

SUMMARY=()
FAILED_RUNS=0

# run_wrk NAME URL CONNECTIONS MIN_RPS MAX_P50_MS MAX_P99_MS (0 = no target)
run_wrk() {
    local name="$1" url="$2" conns="$3" min_rps="$4" max_p50="$5" max_p99="$6"
    code="$(curl -sS -o "$RESP" -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $TOKEN" "$url" || true)"
    [ "$code" = "200" ] || { show_server_log; die "$name: GET returned HTTP $code: $(head -c 300 "$RESP")"; }
    log "$name: warm-up wrk -t$THREADS -c$conns -d$WARMUP"
    ${WRK_PIN[@]+"${WRK_PIN[@]}"} wrk -t"$THREADS" -c"$conns" -d"$WARMUP" \
        -H "Authorization: Bearer $TOKEN" "$url" >/dev/null || die "$name: warm-up wrk run failed"
    log "$name: measured run wrk -t$THREADS -c$conns -d$DURATION --latency"
    local out="$DATA_DIR/wrk-$name.out"
    if ! ${WRK_PIN[@]+"${WRK_PIN[@]}"} wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency \
        -H "Authorization: Bearer $TOKEN" "$url" >"$out" 2>&1; then
        cat "$out"
        die "$name: measured wrk run failed"
    fi
    echo
    echo "--- $name: wrk -t$THREADS -c$conns -d$DURATION --latency $url"
    cat "$out"
    kill -0 "$SERVER_PID" 2>/dev/null || { show_server_log; die "server died during the benchmark"; }

    local rps p50 p99 non2xx
    rps="$(awk '/^Requests\/sec:/ { print $2; exit }' "$out")"
    p50="$(awk '$1 == "50%" { print $2; exit }' "$out")"
    p99="$(awk '$1 == "99%" { print $2; exit }' "$out")"
    non2xx="$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2; exit }' "$out")"
    non2xx="${non2xx:-0}"
    [ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] \
        || die "$name: could not parse requests/s and latency percentiles from wrk output"
    local p50_ms p99_ms verdict="PASS" targets=""
    p50_ms="$(to_ms "$p50")" || die "unknown latency unit in '$p50'"
    p99_ms="$(to_ms "$p99")" || die "unknown latency unit in '$p99'"
    if [ "$min_rps" != "0" ]; then
        targets="$targets >= $min_rps req/s"
        awk -v r="$rps" -v t="$min_rps" 'BEGIN { exit !(r + 0 >= t) }' || verdict="FAIL"
    fi
    if [ "$max_p50" != "0" ]; then
        targets="$targets p50 <= $max_p50 ms"
        awk -v p="$p50_ms" -v t="$max_p50" 'BEGIN { exit !(p + 0 <= t) }' || verdict="FAIL"
    fi
    if [ "$max_p99" != "0" ]; then
        targets="$targets p99 <= $max_p99 ms"
        awk -v p="$p99_ms" -v t="$max_p99" 'BEGIN { exit !(p + 0 <= t) }' || verdict="FAIL"
    fi
    [ "$non2xx" = "0" ] || { verdict="FAIL"; show_server_log; }
    [ "$verdict" = "PASS" ] || FAILED_RUNS=$((FAILED_RUNS + 1))
    SUMMARY+=("$(printf '%-7s c%-3s %10s req/s  p50 %8.3f ms  p99 %8.3f ms  non-2xx %s  %s (target:%s)' \
        "$name" "$conns" "$rps" "$p50_ms" "$p99_ms" "$non2xx" "$verdict" "$targets")")
    [ "$non2xx" = "0" ] || die "$name: $non2xx requests returned non-2xx/3xx responses"
}

for bench in $BENCHES; do
    case "$bench" in
        me) run_wrk me "$BASE_URL/api/v1/me" "$CONNECTIONS" 20000 0 5 ;;
        year) run_wrk year "$YEAR_URL" "$CONNECTIONS" 3000 0 0 ;;
        year-1) run_wrk year-1 "$YEAR_URL" 1 0 2 0 ;;
        month) run_wrk month "$MONTH_URL" "$CONNECTIONS" 3000 0 0 ;;
        *) die "unknown bench '$bench' (me, year, year-1, month)" ;;
    esac
done

# --- Summary --------------------------------------------------------------------

echo
echo "=== Wearhouse HTTP benchmark summary ==="
echo "backend:         SQLite; wrk -t$THREADS, $DURATION per run after $WARMUP warm-up"
echo "CPUs:            $CPUS (load average before the runs: $LOAD)"
echo "pinning:         $PINNING"
echo "redis:           ${WEARHOUSE_REDIS_URL:-none (rate limits and caches in the process)}"
if [ "$SEED_DAYS" != "0" ]; then
    size() { curl -sS --max-time 30 -H "Authorization: Bearer $TOKEN" ${2:+-H "Accept-Encoding: $2"} "$1" | wc -c; }
    echo "data:            $SEED_DAYS days of synthetic Apple Health (iPhone + Watch) from 2024-01-01"
    echo "year view size:  $(size "$YEAR_URL") bytes plain, $(size "$YEAR_URL" gzip) gzip, $(size "$YEAR_URL" br) br"
fi
for line in "${SUMMARY[@]}"; do
    echo "$line"
done
echo "result:          $([ "$FAILED_RUNS" = "0" ] && echo PASS || echo "FAIL ($FAILED_RUNS runs missed their targets)")"
exit 0
