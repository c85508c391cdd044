#!/usr/bin/env bash
# `make bench`: release builds (root and /admin/), then scripts/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
start=$(date +%s)
bash scripts/build.sh
# The same-origin figures serve the console under /admin/, as the README does.
PUBLIC_URL=/admin/ DIST=.work/dist-admin bash scripts/build.sh
echo "[bench] release builds took $(( $(date +%s) - start )) s"
node scripts/bench.mjs "$@"
