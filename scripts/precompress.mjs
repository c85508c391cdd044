// Writes a .gz and a .br copy next to every page, script, style and wasm in a dist
// directory, for web servers that send such copies as they are instead of
// compressing on every request (nginx `gzip_static on` / `brotli_static on`, Caddy
// `file_server { precompressed br gzip }`; README, Deploying).
// gzip comes from zopfli when it is installed (scripts/setup.sh): about 6 % smaller
// than gzip -9 and still plain gzip for the browser. Otherwise zlib at level 9.
// Usage: node scripts/precompress.mjs DIST
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set(['.wasm', '.js', '.css', '.html', '.svg']);

function hasZopfli() {
  try {
    execFileSync('zopfli', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return error.status !== undefined && error.code !== 'ENOENT';
  }
}

const zopfli = hasZopfli();

function gzip(file, data) {
  if (zopfli) return execFileSync('zopfli', ['-c', file], { maxBuffer: 1 << 30 });
  return zlib.gzipSync(data, { level: 9 });
}

function brotli(data) {
  return zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* files(file);
    else if (COMPRESSIBLE.has(path.extname(name))) yield file;
  }
}

const dist = process.argv[2];
if (!dist) throw new Error('usage: precompress.mjs DIST');
let count = 0;
for (const file of files(dist)) {
  const data = readFileSync(file);
  // A copy that is not smaller would only cost the server a lookup.
  for (const [ext, packed] of [['.gz', gzip(file, data)], ['.br', brotli(data)]]) {
    if (packed.length < data.length) writeFileSync(file + ext, packed);
  }
  count += 1;
}
console.log(`precompressed ${count} files in ${dist} (gzip by ${zopfli ? 'zopfli' : 'zlib -9'}, brotli 11)`);
