#!/usr/bin/env bash
# upgrade-fixture.sh: writes the databases a previous release of Wearhouse leaves behind after importing
# every import fixture, for the upgrade test (crates/wearhouse/tests/api/upgrade.rs): the test opens them
# with the current code, which migrates and upgrades them, imports the same files again and compares
# everything with a fresh import.
#
# Usage:
#   scripts/upgrade-fixture.sh WEARHOUSE_BINARY OUTPUT_DIR
#
#   WEARHOUSE_BINARY  the previous release's `wearhouse`, e.g. built with
#                       git worktree add /tmp/prev 6677320
#                       (cd /tmp/prev && CARGO_TARGET_DIR=/tmp/prev-target cargo build -p wearhouse)
#   OUTPUT_DIR        where the fixtures go: crates/wearhouse/tests/fixtures/upgrade
#
#   WEARHOUSE_TEST_DATABASE_URL (required) names the PostgreSQL database the tests use
#   (postgres://postgres@127.0.0.1:5432/test); the script creates, dumps and drops a schema
#   `upgrade_fixture` in it.
#
# What it does, once on SQLite and once on PostgreSQL: starts `wearhouse serve` on a temporary data
# folder and a free port (the server picks it), registers one user per fixture group with the zone and
# profile the figures tests use (password: the test harness's PASSWORD), uploads the fixtures over HTTP
# and waits for every import. Besides each fixture once, it uploads the Google Fit Takeout's TCX bare
# before the Takeout (the same workout twice, the duplicate older releases kept) and the first half of
# the FIT run before the complete file (a cut-off upload). Then it stops the server and writes:
#
#   OUTPUT_DIR/previous-release.sqlite          the SQLite database, checkpointed (no -wal file needed)
#   OUTPUT_DIR/previous-release.postgres.sql    the schema dumped as plain SQL (INSERTs, no COPY, no psql
#                                               commands), the schema's name replaced by __SCHEMA__
#   OUTPUT_DIR/<folder>.zip                     the fixture folders as uploaded (files sorted, deflated,
#                                               under their paths relative to the folder, fixed dates):
#                                               the test uploads these very bytes again
#
# Needs python3, pg_dump and psql. Exits non-zero when anything fails.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    sed -n '7,17p' "$0" >&2
    exit 2
fi
binary=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
fixtures=$(realpath "$(dirname "$0")/../crates/wearhouse/tests/fixtures")
pg_url=${WEARHOUSE_TEST_DATABASE_URL:?set WEARHOUSE_TEST_DATABASE_URL to the PostgreSQL test database}
schema=upgrade_fixture

[[ -x $binary ]] || { echo "$binary is not executable" >&2; exit 1; }
for tool in python3 pg_dump psql; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

export PGOPTIONS=--client-min-messages=warning
work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    psql -q "$pg_url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# ----- The files as uploaded -----------------------------------------------------------------------------

# Folders are uploaded zipped as the exporting app would. Fixed dates and modes make the bytes the same on
# every run, so regenerating changes only the databases.
python3 - "$fixtures" "$out" <<'PY'
import os, sys, zipfile
fixtures, out = sys.argv[1:]
for folder in ["apple_health_zip", "fitbit_takeout", "google_fit_takeout", "google_fit_daily_only"]:
    root = os.path.join(fixtures, folder)
    names = sorted(
        os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
        for d, _, files in os.walk(root) for f in files
    )
    with zipfile.ZipFile(os.path.join(out, folder + ".zip"), "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(os.path.join(root, name), "rb") as f:
                z.writestr(info, f.read())
PY

# A cut-off upload: the first half of the bytes (rounded down), as the upgrade test makes it.
run="$fixtures/fit/run_2025-10-26.fit"
head -c $(($(stat -c %s "$run") / 2)) "$run" >"$work/run_2025-10-26.first-half.fit"

# ----- Importing through the previous release ------------------------------------------------------------

# Registers the users and uploads their files, in order. Keep in step with `GROUPS` in
# crates/wearhouse/tests/api/upgrade.rs.
populate() {
    python3 - "$1" "$fixtures" "$out" "$work" <<'PY'
import json, sys, time, urllib.error, urllib.request
base, fixtures, out, work = sys.argv[1:]
PASSWORD = "granite kettle orbit"
TCX = "google_fit_takeout/Takeout/Fit/Activities/2025-01-10T07_00_00+01_00_PT25M_Walking.tcx"
# (username, PATCH /me body, [(x-file-name, file)]); f: a fixture, o: an output zip, w: a work file.
GROUPS = [
    ("apple_zip", {"time_zone": "Europe/Berlin"}, [("export.zip", "o:apple_health_zip.zip")]),
    ("apple_ios8", {"time_zone": "America/New_York"}, [("export.xml", "f:apple_health_ios8/export.xml")]),
    ("fit_run", {"time_zone": "America/New_York"}, [
        ("run_2025-10-26.fit", "w:run_2025-10-26.first-half.fit"),
        ("run_2025-10-26.fit", "f:fit/run_2025-10-26.fit"),
    ]),
    ("fit_monitoring", {"time_zone": "Europe/Berlin"},
     [("monitoring_2025-10-26.fit", "f:fit/monitoring_2025-10-26.fit")]),
    ("fit_scale",
     {"time_zone": "Europe/Berlin", "sex": "female", "birth_year": 1991, "height_cm": 168.0},
     [("weight_scale_2025-02-15.fit", "f:fit/weight_scale_2025-02-15.fit")]),
    ("gpx", {"time_zone": "Europe/Berlin"}, [("night_run_2025-03-30.gpx", "f:gpx/night_run_2025-03-30.gpx")]),
    ("tcx", {"time_zone": "America/New_York"},
     [("night_ride_2025-11-02.tcx", "f:tcx/night_ride_2025-11-02.tcx")]),
    ("fitbit", {"time_zone": "America/New_York"}, [("takeout.zip", "o:fitbit_takeout.zip")]),
    ("google_fit", {"time_zone": "Europe/Berlin"}, [
        (TCX.rsplit("/", 1)[1], "f:" + TCX),
        ("takeout.zip", "o:google_fit_takeout.zip"),
    ]),
    ("google_fit_daily", {"time_zone": "UTC"}, [("takeout.zip", "o:google_fit_daily_only.zip")]),
]
ROOTS = {"f": fixtures, "o": out, "w": work}

def call(method, path, token=None, body=None, data=None, headers=None):
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    if token:
        headers["authorization"] = "Bearer " + token
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()}")

for username, me, uploads in GROUPS:
    zone = me["time_zone"]
    # The zone at registration holds for all time; a later PATCH applies only from then on.
    call("POST", "/api/v1/auth/register", body={
        "username": username, "email": f"{username}@example.org", "password": PASSWORD, "time_zone": zone})
    _, tokens = call("POST", "/api/v1/auth/login", body={"login": username, "password": PASSWORD})
    token = tokens["access_token"]
    call("PATCH", "/api/v1/me", token, body=me)
    for name, file in uploads:
        root, relative = file.split(":", 1)
        with open(f"{ROOTS[root]}/{relative}", "rb") as f:
            data = f.read()
        status, queued = call("POST", "/api/v1/imports", token, data=data, headers={
            "content-type": "application/octet-stream", "x-file-name": name})
        assert status == 202, f"{username} {relative}: {status} {queued}"
        for _ in range(2400):
            _, done = call("GET", f"/api/v1/imports/{queued['id']}", token)
            if done["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        else:
            sys.exit(f"{username} {relative}: the import did not finish")
        print(f"  {username:17} {relative:60} {done['status']:6} imported {done['imported']}, "
              f"duplicates {done['duplicates']}, activities {done['activities']}")
        if done["status"] != "done":
            sys.exit(f"{username} {relative}: {done}")
PY
}

# Starts the previous release on `database_url`, imports, stops it (SIGTERM: a clean shutdown).
run_release() {
    local database_url=$1 data=$2
    mkdir -p "$data"
    # From the work folder, so that no wearhouse.toml of the caller's is read.
    (cd "$work" && exec env WEARHOUSE_RATE_LIMIT__ENABLED=false WEARHOUSE_LOG__LEVEL=warn \
        "$binary" serve --listen 127.0.0.1:0 --data-dir "$data" --database-url "$database_url" \
        >"$data/server.log" 2>&1) &
    server_pid=$!
    local base=
    for _ in $(seq 600); do
        base=$(sed -n 's/^Wearhouse is listening on \(http:[^ ]*\).*/\1/p' "$data/server.log")
        [[ -n $base ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
        sleep 0.1
    done
    [[ -n $base ]] || { echo "the server did not start" >&2; exit 1; }
    echo "previous release on $database_url at $base"
    populate "$base"
    kill -TERM "$server_pid"
    wait "$server_pid"
    server_pid=
}

# SQLite: the database file alone, with the WAL folded in and the journal mode reset, compacted. Pages
# of 1 KiB rather than 4 halve the file (most tables and indexes hold less than a page).
run_release "sqlite://$work/sqlite/wearhouse.db" "$work/sqlite"
python3 - "$work/sqlite/wearhouse.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("PRAGMA journal_mode=DELETE")
db.execute("PRAGMA page_size=1024")
db.execute("VACUUM")
db.close()
PY
cp "$work/sqlite/wearhouse.db" "$out/previous-release.sqlite"

# PostgreSQL: a schema of its own, selected the way the store's testing module selects a test's.
psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema"
sep='?'
[[ $pg_url == *\?* ]] && sep='&'
run_release "$pg_url${sep}options=-c%20search_path%3D$schema" "$work/postgres"
# INSERTs rather than COPY, so that any client can run the file as plain SQL. Left out: psql's
# meta-commands (`\restrict`), the schema's creation (the test creates it) and comments; the schema's
# name becomes __SCHEMA__.
pg_dump "$pg_url" --schema="$schema" --no-owner --no-privileges --inserts --rows-per-insert=200 \
    | python3 -c '
import re, sys
schema = sys.argv[1]
for line in sys.stdin:
    if line.startswith("\\") or line.startswith("--") or line.startswith(f"CREATE SCHEMA {schema};"):
        continue
    sys.stdout.write(re.sub(rf"\b{schema}\.", "__SCHEMA__.", line))
' "$schema" | cat -s >"$out/previous-release.postgres.sql"

ls -l "$out"
