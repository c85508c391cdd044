#!/usr/bin/env bash
# The servers the suite runs besides Synapse (scripts/setup.sh runs this with CACHE and
# VENV set): what `scripts/synapse.py start --topology postgres|workers` and
# `--synapse-version` need, and the web servers the README's deployment snippets are
# written for (tests/e2e/deployments.js runs them as documented).
# - Debian's postgresql, redis-server, nginx-light and caddy. The suite starts its own servers on
#   127.0.0.1 (scripts/topology/); the packages' system services are kept from starting
#   and disabled, so that none holds a port and nothing depends on them.
# - Synapse's `redis` extra (txredisapi, hiredis) and psycopg2-binary in the main venv.
# - The oldest Synapse release the suite supports, in its own venv (scripts/compat.sh).
# Idempotent: well under a second when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${CACHE:-${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}}"
VENV="${VENV:-$CACHE/venv}"
OLDEST_SYNAPSE="1.120.0"

say() { printf '\033[1m[setup-servers]\033[0m %s\n' "$*"; }

# Stops and disables the system service a package may have started.
quiet_service() {
  local service="$1"
  service "$service" stop >/dev/null 2>&1 || true
  update-rc.d "$service" disable >/dev/null 2>&1 || true
  systemctl disable --quiet "$service" >/dev/null 2>&1 || true
}

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v caddy >/dev/null || missing+=(caddy)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d "101" keeps maintainer scripts from starting services (as in Docker images).
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    own_policy=1
  fi
  trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
  # In case a service started all the same (an existing policy that allows it); only the
  # services of packages installed here: a system server that was there before is left be.
  for package in "${missing[@]}"; do
    case "$package" in
      postgresql) quiet_service postgresql ;;
      redis-server) quiet_service redis-server ;;
      nginx-light) quiet_service nginx ;;
      caddy) quiet_service caddy ;;
    esac
  done
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-servers: no Synapse venv at $VENV (run scripts/setup.sh)" >&2
  exit 1
fi
# find_spec: present, without importing Twisted (half a second).
if ! "$VENV/bin/python" -c "import importlib.util as u, sys
sys.exit(not all(u.find_spec(m) for m in ('psycopg2', 'txredisapi', 'hiredis')))"; then
  # The redis extra of the installed release, so pip leaves Synapse as it is; txredisapi
  # 1.6 breaks Synapse's Redis connection (1.158+ pin it below themselves, see compat.sh);
  # psycopg2-binary because the postgres extra builds psycopg2 from source.
  version="$("$VENV/bin/python" -c "import synapse; print(synapse.__version__)")"
  say "installing matrix-synapse[redis]==$version and psycopg2-binary into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "matrix-synapse[redis]==$version" "txredisapi<1.6" psycopg2-binary
fi

CACHE="$CACHE" bash scripts/compat.sh "$OLDEST_SYNAPSE" >/dev/null
