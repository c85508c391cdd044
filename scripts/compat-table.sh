#!/usr/bin/env bash
# `make compat`: the core end-to-end specs (sign-in, purge by date and by event, media
# actions, the dry run + delete, the remote cache) against about every tenth Synapse
# release from the oldest supported (scripts/compat.sh installs each in its own venv),
# then a Markdown table of the results for the README.
#
#   bash scripts/compat-table.sh [X.Y.Z ...]
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
CACHE="${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}"
LOG_DIR=.work/compat
mkdir -p "$LOG_DIR"

if [ $# -gt 0 ]; then versions=("$@"); else
  mapfile -t versions < <(CACHE="$CACHE" bash scripts/compat.sh)
fi
[ -f dist/index.html ] || bash scripts/build.sh
CORE_SPECS=(sign-in.spec purge.spec media.spec storage.spec)

rows=()
for version in "${versions[@]}"; do
  CACHE="$CACHE" bash scripts/compat.sh "$version" >/dev/null
  log="$LOG_DIR/$version.log"
  printf '\033[1m[compat]\033[0m Synapse %s\n' "$version" >&2
  start=$(date +%s)
  SYNAPSE_CONSOLE_SYNAPSE_VERSION="$version" \
    npx playwright test -c tests/e2e/playwright.config.js "${CORE_SPECS[@]}" >"$log" 2>&1
  seconds=$(( $(date +%s) - start ))
  p=$(grep -Eo '^\s*[0-9]+ passed' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^\s*[0-9]+ failed' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  failing=$(grep -Eo '✘ +[0-9]+ .*› (.*)' "$log" | sed -E 's/.*› //; s/ \([0-9.]+m?s\)$//' | paste -sd ';' - || true)
  rows+=("| $version | ${p:-0} | ${f:-0} | ${seconds}s | ${failing:-} |")
done

echo
echo "| Synapse | passed | failed | time | failing tests |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
