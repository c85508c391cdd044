#!/usr/bin/env bash
# `make test`: every check, in order, with one closing line "N passed, N failed".
# Runs every stage even after a failure, so one run tells everything; exits non-zero
# if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
LOG_DIR=.work/test-logs
mkdir -p "$LOG_DIR"

passed=0
failed=0
failures=()
flaky=()

stage() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# A check that is one pass or one fail (fmt, clippy, build).
check() {
  local name="$1"; shift
  stage "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

# Adds the counts of every "test result: … N passed; M failed" line in a log.
count_cargo() {
  local log="$1" p f
  p=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  echo "$p $f"
}

run_counted() {
  local name="$1" kind="$2"; shift 2
  local log="$LOG_DIR/${name// /-}.log" status p f
  stage "$name"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  if [ "$kind" = cargo ]; then
    read -r p f < <(count_cargo "$log")
  else
    p=$(grep -Eo '^\s*[0-9]+ passed' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
    f=$(grep -Eo '^\s*[0-9]+ failed' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
    # Passed on their retry (tests/e2e/playwright.config.js): counted, and named below.
    local fl
    fl=$(grep -Eo '^\s*[0-9]+ flaky' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
    if [ "${fl:-0}" -gt 0 ]; then
      p=$((${p:-0} + fl))
      while IFS= read -r line; do flaky+=("$line"); done < <(awk '
        /^ *[0-9]+ flaky/ { on = 1; next }
        on && /^ *[0-9]+ [a-z]/ { on = 0 }
        on && NF { sub(/^ +/, ""); print }' "$log")
    fi
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    failed=$((failed + 1))   # the runner failed without a test failing: count that too
  fi
  [ "$status" -eq 0 ] || failures+=("$name")
}

check "cargo fmt --check" cargo fmt --all -- --check
check "cargo clippy (wasm, app and tests)" \
  cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings
check "cargo clippy (native, API crate)" cargo clippy -p synapse-api --all-targets -- -D warnings
run_counted "native unit tests" cargo cargo test -p synapse-api
run_counted "browser tests (wasm-bindgen-test, headless Chromium)" cargo \
  cargo test -p synapse-console --target wasm32-unknown-unknown
check "release build (trunk, wasm-opt, both bundles)" bash scripts/build.sh
# The same under a sub-path, for tests/e2e/subpath.spec.js (built second, so that
# dist/ stays the root build).
check "release build under /admin/ (sub-path deployment)" \
  env PUBLIC_URL=/admin/ DIST=.work/dist-admin bash scripts/build.sh
# Each end-to-end test records the controls it showed and used (tests/e2e/controls.js).
rm -rf .work/controls
run_counted "end-to-end tests (Playwright, real Synapse)" node \
  npx playwright test -c tests/e2e/playwright.config.js
# Production's shape: PostgreSQL + Redis + main + a media repository worker behind nginx
# routing the docs/workers.md media paths (scripts/topology/), for what touches the
# database and the media worker most.
run_counted "end-to-end tests on PostgreSQL with a media worker (purge, media, storage)" node \
  env SYNAPSE_CONSOLE_TOPOLOGY=workers \
  npx playwright test -c tests/e2e/playwright.config.js purge.spec media.spec storage.spec
# The oldest Synapse supported (README, Versions): the core specs, as `make compat` runs
# them on every tenth release (its venv comes from scripts/setup-servers.sh).
run_counted "end-to-end core specs on the oldest supported Synapse (1.120.0)" node \
  env SYNAPSE_CONSOLE_SYNAPSE_VERSION=1.120.0 \
  npx playwright test -c tests/e2e/playwright.config.js sign-in.spec purge.spec media.spec storage.spec

# Every control the runs above showed enabled was used by some test (or is listed in
# the audit with the test that covers it).
run_counted "every control shown is used by a test" node \
  node tests/e2e/controls-audit.mjs

# The suite stops what it starts; this is the last resort if it was killed.
CACHE="${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}"
if [ -f .work/e2e/synapse/synapse.json ]; then
  "$CACHE/venv/bin/python" scripts/synapse.py stop --dir "$PWD/.work/e2e/synapse" >/dev/null 2>&1 || true
fi

echo
if [ ${#flaky[@]} -gt 0 ]; then
  printf 'Passed only on their retry (flaky):\n'; printf '  - %s\n' "${flaky[@]}"
fi
if [ ${#failures[@]} -gt 0 ]; then
  printf 'Failed stages:\n'; printf '  - %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
