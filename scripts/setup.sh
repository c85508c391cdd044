#!/usr/bin/env bash
# Installs every tool the project needs, skipping what is already there at the
# right version. Safe to run again and again; the first run takes ~25 minutes on
# 2 cores (trunk ~14 min, wasm-bindgen-cli ~7 min), later runs a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}"
VENV="$CACHE/venv"
TRUNK_VERSION="0.21.14"
SYNAPSE_VERSION="1.163.2"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must equal the library version in Cargo.lock.
bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# rust-src: release builds rebuild std for size (scripts/build.sh).
for component in rustfmt clippy rust-src; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 14 minutes on 2 cores)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

[ -f Cargo.lock ] || cargo generate-lockfile
# trunk builds offline, so every crate a build needs must be in cargo's cache first:
# the project's, and std's own, which the release build compiles (build-std,
# scripts/build.sh). Without the second, a new machine fails with "no matching
# package named `moto-rt`". Both are no-ops once cached.
cargo fetch --locked --quiet
RUSTC_BOOTSTRAP=1 cargo fetch --locked --quiet \
  --manifest-path "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
want="$(bindgen_version)"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ] \
  || [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $want" ]; then
  say "installing wasm-bindgen-cli $want (about 7 minutes)"
  # Not --locked: its lock file wants a webpki-roots version the registry lacks.
  cargo install --force wasm-bindgen-cli --version "$want"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/zopfli ]; then
  # zopfli: the release build's precompressed .gz files (scripts/precompress.mjs).
  say "installing Debian's chromium, chromium-driver and zopfli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium chromium-driver zopfli
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev tools (wasm-opt, Playwright runner, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! "$VENV/bin/python" -c "import synapse, sys; sys.exit(synapse.__version__ != '$SYNAPSE_VERSION')" 2>/dev/null; then
  say "installing matrix-synapse $SYNAPSE_VERSION into $VENV"
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "matrix-synapse==$SYNAPSE_VERSION"
fi

# What each part of the suite needs besides (web servers, databases, SSO providers,
# older Synapse releases): one idempotent script each.
for part in scripts/setup-*.sh; do
  [ -e "$part" ] || continue
  CACHE="$CACHE" VENV="$VENV" bash "$part"
done

say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -c 40), synapse $SYNAPSE_VERSION"
