#!/usr/bin/env bash
# `make demo`: a throwaway real Synapse with demo data, and the console served next
# to it, both on 127.0.0.1. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
CACHE="${SYNAPSE_CONSOLE_CACHE:-$HOME/.cache/synapse-console}"
PYTHON="$CACHE/venv/bin/python"
DEMO="$PWD/.work/demo"
PORT="${DEMO_PORT:-8080}"

web_pid=""
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "[demo] stopping"
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null || true
  "$PYTHON" scripts/synapse.py stop --dir "$DEMO/synapse" || true
}
trap cleanup INT TERM EXIT

echo "[demo] building the console (release)"
bash scripts/build.sh

rm -rf "$DEMO" && mkdir -p "$DEMO"
echo "[demo] starting Synapse"
"$PYTHON" scripts/synapse.py start --dir "$DEMO/synapse" > "$DEMO/synapse.json"
echo "[demo] seeding a room with 300 messages and 4 images (about 30 s)"
"$PYTHON" scripts/synapse.py seed --dir "$DEMO/synapse" > "$DEMO/seed.json"

port_args=(--port "$PORT")
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then port_args=(); fi
# Served as the README deploys it (nginx, its snippet), connect-src set to the demo Synapse.
origin=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$DEMO/synapse.json")
node scripts/serve.mjs --snippet nginx --site synapse-console=dist --dir "$DEMO/web" \
  --origins "$origin" "${port_args[@]}" > "$DEMO/web.out" &
web_pid=$!
for _ in $(seq 50); do grep -q listening "$DEMO/web.out" 2>/dev/null && break; sleep 0.1; done
console_url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+/' "$DEMO/web.out")

"$PYTHON" - "$DEMO/synapse.json" "$DEMO/seed.json" "$console_url" <<'PY'
import json, sys
server = json.load(open(sys.argv[1])); seed = json.load(open(sys.argv[2]))
print(f"""
  Synapse Console demo is running.

  Console:      {sys.argv[3]}
  Homeserver:   {server['base_url']}
  Admin:        user name {server['admin']['user_id'].split(':')[0][1:]}, password {server['admin']['password']}
  Normal user:  {server['user']['user_id']} / {server['user']['password']} (not an admin: sign-in is refused)
  Demo room:    {seed['room_alias']} ({seed['room_id']}), 300 messages and {len(seed['media'])} images

  Press Ctrl-C to stop Synapse and the web server.
""")
PY
wait "$web_pid"
