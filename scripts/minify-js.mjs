// Minifies the scripts of a dist directory: wasm-bindgen's glue and boot.js. trunk
// 0.21's --minify cannot parse wasm-bindgen's output ("Failed to minify JS") and
// leaves it as it is; terser can. Only local names are shortened: the glue's import
// object keys (the names the wasm imports) and the module's exports stay as they are.
// trunk pins the glue with Subresource Integrity (<link rel=modulepreload
// integrity=…>), so each page's hash of a minified file is replaced by the new one.
// Usage: node scripts/minify-js.mjs DIST
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* walk(file);
    else yield file;
  }
}

const integrity = (data) => `sha384-${createHash('sha384').update(data).digest('base64')}`;

const dist = process.argv[2];
if (!dist) throw new Error('usage: node scripts/minify-js.mjs DIST');
const files = [...walk(dist)];

// Old hash → new hash, for every script that changed.
const rehash = new Map();
let minified = 0;
let before = 0;
let after = 0;
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(file, 'utf8');
  const { code } = await minify(source, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  if (code === undefined || code.length >= source.length) continue;
  writeFileSync(file, code);
  rehash.set(integrity(source), integrity(code));
  before += source.length;
  after += code.length;
  minified += 1;
}

// trunk's minified pages write the attribute unquoted: integrity=sha384-….
const INTEGRITY = /integrity=("?)(sha384-[A-Za-z0-9+/=]+)\1/g;
for (const file of files.filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(file, 'utf8');
  const updated = html.replace(INTEGRITY, (whole, quote, hash) =>
    rehash.has(hash) ? `integrity=${quote}${rehash.get(hash)}${quote}` : whole,
  );
  if (updated !== html) writeFileSync(file, updated);
  // Every pinned asset must match its pin, or the browser refuses it.
  for (const [tag] of updated.matchAll(/<(?:link|script)\b[^>]*\bintegrity=[^>]*>/g)) {
    const href = /\b(?:href|src)="?([^"\s>]+)/.exec(tag)[1];
    const pinned = /integrity="?(sha384-[A-Za-z0-9+/=]+)/.exec(tag)[1];
    // Every asset sits at the top of dist/ (signin/index.html is a copy of index.html).
    const asset = path.join(dist, path.basename(href));
    if (integrity(readFileSync(asset)) !== pinned) {
      throw new Error(`${file}: the integrity of ${href} does not match ${asset}`);
    }
  }
}

console.log(`minify-js: ${minified} scripts, ${before} → ${after} bytes`);
