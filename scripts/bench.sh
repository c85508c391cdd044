#!/usr/bin/env bash
# `make bench`: release build, then sizes and time to a usable sign-in form.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
start=$(date +%s)
bash scripts/build.sh
echo "[bench] release build took $(( $(date +%s) - start )) s"
node scripts/bench.mjs "$@"
