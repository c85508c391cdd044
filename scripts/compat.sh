#!/usr/bin/env bash
# Installs Synapse releases for compatibility runs, each into its own venv
# ($CACHE/venv-X.Y.Z), which `scripts/synapse.py start --synapse-version X.Y.Z` runs.
#
#   bash scripts/compat.sh              # the list below
#   bash scripts/compat.sh 1.135.0 ...  # these releases
#
# Idempotent: a release installed and checked before is skipped at once (~1 min each
# otherwise, prebuilt wheels). Prints the installed versions, one a line, at the end.
set -euo pipefail

CACHE="${CACHE:-${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}}"
# About every tenth minor release from the oldest the suite supports (1.120.0, December
# 2024) to the one the suite runs by default; 1.152 (quarantine stream writer) and 1.156
# (purge keeps local events in every room version) fall between neighbours.
DEFAULT_VERSIONS=(1.120.0 1.130.0 1.140.0 1.150.0 1.160.0 1.163.2)
# prometheus_client 0.24 made Collector generic, which breaks the import of Synapse before
# 1.146.0 ("cannot create a consistent method resolution order"; fixed by #19379). Those
# releases get 0.21, which works with all of them; newer ones keep what pip picks.
PROMETHEUS_PIN="prometheus_client<0.22"

say() { printf '\033[1m[compat]\033[0m %s\n' "$*" >&2; }

installed() {  # the matrix-synapse version of venv $1, or nothing
  "$1/bin/python" -c "import importlib.metadata as m; print(m.version('matrix-synapse'))" \
    2>/dev/null || true
}

imports() {  # whether Synapse in venv $1 gets past its imports (metrics included)
  "$1/bin/python" -c "import synapse.app.homeserver" >/dev/null 2>&1
}

install() {
  local version="$1" venv="$CACHE/venv-$1"
  # [redis]: txredisapi and hiredis, for the topology "workers". txredisapi 1.6 breaks
  # Synapse's Redis connection ("'super' object has no attribute 'startedConnecting'");
  # releases up to 1.157 do not pin it below, later ones do. psycopg2-binary: the postgres
  # extra would build psycopg2 from source.
  local requirements=("matrix-synapse[redis]==$version" "txredisapi<1.6" psycopg2-binary)
  # The main venv (scripts/setup.sh, scripts/setup-servers.sh) serves its own release.
  [ "$(installed "$CACHE/venv")" = "$version" ] && return
  # Written only once the release imports, so a broken or half-done install is redone, and
  # so is one made with other requirements.
  [ "$(cat "$venv/.compat-ok" 2>/dev/null)" = "${requirements[*]}" ] && return
  say "installing matrix-synapse $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${requirements[@]}"
  if ! imports "$venv"; then
    say "matrix-synapse $version does not import with today's prometheus_client: pinning $PROMETHEUS_PIN"
    "$venv/bin/pip" install -q --disable-pip-version-check "$PROMETHEUS_PIN"
  fi
  if ! imports "$venv"; then
    say "matrix-synapse $version still does not import:"
    "$venv/bin/python" -c "import synapse.app.homeserver"
    exit 1
  fi
  echo "${requirements[*]}" > "$venv/.compat-ok"
}

mkdir -p "$CACHE"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("${DEFAULT_VERSIONS[@]}")
for version in "${versions[@]}"; do
  if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    say "not a release number: $version (want X.Y.Z)"
    exit 2
  fi
  install "$version"
  echo "$version"
done
