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
# The parsers' property tests at full size (make test runs 4,000 inputs a property).
echo "[bench] property tests: 1,000,000 generated inputs per property (crates/synapse-api/tests/parsers_fuzz.rs, release)"
start=$(date +%s)
PARSER_CASES=1000000 cargo test --release -q -p synapse-api --test parsers_fuzz 2>&1 | grep -E "test result|panicked|refused"
echo "[bench] property tests took $(( $(date +%s) - start )) s (build included)"
node scripts/bench.mjs "$@"
