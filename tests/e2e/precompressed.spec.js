// The build's precompressed copies (scripts/precompress.mjs): each is the file it stands
// for, and a server that sends them as they are (nginx gzip_static, here the test
// server with --encodings gzip) serves a working console. The rest of the suite gets
// the brotli copies: Chromium asks for br first.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { killPid, ROOT, serveStatic, testPolicy } from './harness.js';
import { expect, signInWithPassword, test } from './fixtures.js';

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

test('served gzip-only from the copies, the sign-in page and the console work', async ({ page }) => {
  const web = await serveStatic(dist, ['--encodings', 'gzip', '--csp', testPolicy(dist)]);
  try {
    const encodings = new Map();
    page.on('response', async (response) => {
      encodings.set(new URL(response.url()).pathname, (await response.allHeaders())['content-encoding']);
    });
    await page.goto(`${web.url}/signin`);
    await signInWithPassword(page);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    const wasm = [...encodings].filter(([p]) => p.endsWith('.wasm'));
    expect(wasm, 'both bundles loaded').toHaveLength(2);
    for (const [p, encoding] of wasm) expect(encoding, p).toBe('gzip');
  } finally {
    killPid(web.pid);
  }
});
