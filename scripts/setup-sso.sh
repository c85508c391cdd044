#!/usr/bin/env bash
# What the single sign-on and OAuth tests need besides the base setup (scripts/setup.sh runs
# this with CACHE and VENV set): Synapse's `oidc` extra (authlib), without which Synapse
# refuses to start with `oidc_providers`. The test authorization servers
# (tests/e2e/oidc-provider.mjs, tests/e2e/mas-server.mjs) use npm `oidc-provider`, which
# setup.sh's `npm ci` installs from package.json. Idempotent: a no-op when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${CACHE:-${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}}"
VENV="${VENV:-$CACHE/venv}"

say() { printf '\033[1m[setup-sso]\033[0m %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-sso: no Synapse venv at $VENV (run scripts/setup.sh)" >&2
  exit 1
fi

if ! "$VENV/bin/python" -c "import authlib" 2>/dev/null; then
  # The extra of the installed version, so pip adds authlib and leaves Synapse as it is.
  version="$("$VENV/bin/python" -c "import synapse; print(synapse.__version__)")"
  say "installing matrix-synapse[oidc]==$version (authlib) into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "matrix-synapse[oidc]==$version"
fi

if [ ! -f node_modules/oidc-provider/package.json ]; then
  say "installing npm dev tools (oidc-provider)"
  npm ci --no-audit --no-fund --loglevel=error
fi
