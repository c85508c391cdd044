// The build's precompressed copies (scripts/precompress.mjs): each is the file it stands
// for. That nginx sends them as they are (gzip_static), and compresses on the fly
// without them, is in deployments.spec.js.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './harness.js';
import { expect, test } from './fixtures.js';

const dist = path.join(ROOT, 'dist');

function assets(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return assets(file);
    return /\.(wasm|js|css|html|svg)$/.test(name) ? [file] : [];
  });
}

test('every asset has a .gz and a .br copy that unpacks to it', async () => {
  const files = assets(dist);
  expect(files.filter((f) => f.endsWith('.wasm')), 'both bundles').toHaveLength(2);
  for (const file of files) {
    const original = readFileSync(file);
    const name = path.relative(dist, file);
    expect(zlib.gunzipSync(readFileSync(`${file}.gz`)).equals(original), `${name}.gz`).toBe(true);
    expect(zlib.brotliDecompressSync(readFileSync(`${file}.br`)).equals(original), `${name}.br`).toBe(true);
    if (file.endsWith('.wasm')) {
      // zopfli (setup.sh installs it) beats zlib's best; the budget counts on it.
      expect(statSync(`${file}.gz`).size, name).toBeLessThan(zlib.gzipSync(original, { level: 9 }).length);
    }
  }
});
