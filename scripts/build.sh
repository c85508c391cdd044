#!/usr/bin/env bash
# Release build of both bundles into dist/: the console and the smaller sign-in
# bundle (signin.html), which index.html's boot.js starts when the tab has no session.
# PUBLIC_URL sets a sub-path ("/admin/"); DIST another output directory (the e2e sub-path test uses .work/dist-admin).
# Every asset also gets a precompressed .gz and .br copy (scripts/precompress.mjs).
# Also writes the Content-Security-Policy the pages are built for (README, Deploying):
#   dist/csp.txt    the policy, one line
#   dist/_headers   the same as a header rule (Netlify / Cloudflare Pages format)
# CSP_CONNECT_SRC lists the homeserver origin(s) the browser may call, space-separated;
# without it the policy holds the placeholder __HOMESERVER_ORIGINS__ to replace.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
PUBLIC_URL="${PUBLIC_URL:-/}"
case "$PUBLIC_URL" in */) ;; *) PUBLIC_URL="$PUBLIC_URL/" ;; esac
DIST="${DIST:-dist}"
# Compiled into the app (src/navigation.rs): pages have no <base href>.
export SYNAPSE_CONSOLE_PUBLIC_URL="$PUBLIC_URL"
# Size (README, Measured). std is rebuilt with the app (rust-src, from setup.sh) so
# that a panic aborts at once, without the formatting and unwinding code of std's
# panic machinery (boot.js then shows the crash page); panics carry no file locations
# and `{:?}` prints nothing. These flags are unstable: RUSTC_BOOTSTRAP lets the pinned
# stable compiler take them, for this build only. SIZE_FLAGS=0 builds without them
# (a bigger wasm that works the same).
SIZE_RUSTFLAGS=""
if [ "${SIZE_FLAGS:-1}" = 1 ]; then
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  SIZE_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
fi
# Built with Leptos's erase_components (every component's view becomes an AnyView):
# 10 % less wasm for the console. The sign-in bundle has no Leptos code (src/sign_in/),
# so it takes the same flags and target directory, and reuses every compiled dependency.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$SIZE_RUSTFLAGS --cfg erase_components"
export CARGO_TARGET_DIR="$PWD/target/console"
trunk build --release=true --minify=true --dist "$DIST" --public-url "$PUBLIC_URL"
# The sign-in bundle, built aside: assemble.mjs takes its script and wasm into $DIST,
# next to the console's, and has index.html's boot.js start one or the other.
SIGN_IN_BUILD="$PWD/.work/signin-build"
rm -rf "$SIGN_IN_BUILD"
trunk build signin.html --release=true --minify=true --dist "$SIGN_IN_BUILD" --public-url "$PUBLIC_URL"
rm -rf "$DIST/signin"
node scripts/assemble.mjs "$DIST" "$SIGN_IN_BUILD"

# No inline script, style or event handler may be left in the pages: the policy
# allows none (trunk's loader is replaced by boot.js, see Trunk.toml).
node -e '
const fs = require("node:fs");
for (const file of process.argv.slice(1)) {
  const html = fs.readFileSync(file, "utf8");
  const inline = [
    ...[...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => !/\ssrc=/i.test(tag)),
    ...(html.match(/<style\b|\sstyle=|\son[a-z]+=|<base\b/gi) || []),
  ];
  if (inline.length) {
    console.error(`${file}: not allowed by the Content-Security-Policy: ${inline.join(", ")}`);
    process.exit(1);
  }
}' "$DIST/index.html" "$DIST/signin/index.html"

# wasm-bindgen's glue and boot.js, minified (trunk's --minify skips the glue).
node scripts/minify-js.mjs "$DIST"

# .gz and .br copies of every asset, for servers that send them as they are.
node scripts/precompress.mjs "$DIST"

CSP_CONNECT_SRC="${CSP_CONNECT_SRC:-__HOMESERVER_ORIGINS__}"
CSP="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob:; connect-src 'self' $CSP_CONNECT_SRC; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
printf '%s\n' "$CSP" > "$DIST/csp.txt"
printf '%s*\n  Content-Security-Policy: %s\n' "$PUBLIC_URL" "$CSP" > "$DIST/_headers"
echo "Content-Security-Policy ($DIST/csp.txt): $CSP"
