#!/usr/bin/env bash
# Release build of both bundles into dist/: the console (index.html) and the smaller
# sign-in page (signin.html → dist/signin/). PUBLIC_URL sets a sub-path ("/admin/").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
PUBLIC_URL="${PUBLIC_URL:-/}"
case "$PUBLIC_URL" in */) ;; *) PUBLIC_URL="$PUBLIC_URL/" ;; esac
# Compiled into the app (src/navigation.rs): pages have no <base href>.
export SYNAPSE_CONSOLE_PUBLIC_URL="$PUBLIC_URL"
trunk build --release=true --public-url "$PUBLIC_URL"
trunk build signin.html --release=true --dist dist/signin --public-url "${PUBLIC_URL}signin/"
