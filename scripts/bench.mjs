// Measures the release build in dist/: bytes per asset (raw, gzip, brotli), what the
// sign-in page transfers, and the median time from navigation to a usable sign-in
// form in headless Chromium with a cold cache. Writes .work/bench.json too.
// "gzip" is what is sent: the build's precompressed .gz copy (zopfli; see
// scripts/precompress.mjs), served as nginx gzip_static does. "gzip -9" is what a
// server compressing on the fly at its best level would send, for comparison.
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { killPid, ROOT, serveStatic } from '../tests/e2e/harness.js';
import { CHROMIUM_ARGS } from '../tests/e2e/playwright.config.js';
import { benchMedia } from './bench-media.mjs';
import { benchReclaim } from './bench-reclaim.mjs';
import { featureBreakdown, wasmBreakdown } from './wasm-breakdown.mjs';

const LOADS = Number(process.env.BENCH_LOADS || 9);
// Issue budgets: the sign-in page's transfer, and every asset of the app (all routes).
const SIGN_IN_BUDGET_GZIP = 120 * 1024;
const WHOLE_APP_BUDGET_GZIP = 250 * 1024;
const dist = path.join(ROOT, 'dist');

const gzip = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const brotli = (buf) =>
  zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function assetSizes(dir = dist, prefix = '') {
  const rows = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      rows.push(...assetSizes(file, `${prefix}${name}/`));
      continue;
    }
    if (/\.(gz|br)$/.test(name)) continue; // the copies of the files listed
    const buf = readFileSync(file);
    const copy = (ext, fallback) => (existsSync(file + ext) ? statSync(file + ext).size : fallback);
    rows.push({
      name: prefix + name,
      kind: path.extname(name).slice(1),
      raw: buf.length,
      gzip9: gzip(buf),
      gzip: copy('.gz', buf.length),
      brotli: copy('.br', buf.length),
    });
  }
  return rows.sort((a, b) => b.raw - a.raw);
}

async function signInLoads(url) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const times = [];
  let transferred = null;
  try {
    for (let i = 0; i < LOADS; i += 1) {
      // A new context each time: empty cache, empty storage.
      const context = await browser.newContext();
      const page = await context.newPage();
      const bodies = [];
      page.on('response', async (response) => {
        if (response.status() !== 200) return;
        const body = await response.body().catch(() => Buffer.alloc(0));
        const { responseBodySize } = await response.request().sizes();
        bodies.push({ body, sent: responseBodySize });
      });
      await page.goto(`${url}/signin`, { waitUntil: 'commit' });
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible' });
      await page.getByLabel('Homeserver').waitFor({ state: 'visible' });
      times.push(await page.evaluate(() => performance.now()));
      await page.waitForLoadState('networkidle');
      if (transferred === null) {
        transferred = { requests: bodies.length, raw: 0, gzip: 0, gzip9: 0 };
        for (const { body, sent } of bodies) {
          transferred.raw += body.length;
          transferred.gzip += sent;
          transferred.gzip9 += gzip(body);
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  times.sort((a, b) => a - b);
  return { times, median: times[Math.floor(times.length / 2)], transferred };
}

const assets = assetSizes();
// Only the .gz copies: the budget is in gzip, and brotli would be smaller still.
const web = await serveStatic(dist, ['--encodings', 'gzip']);
let loads;
try {
  loads = await signInLoads(web.url);
} finally {
  killPid(web.pid);
}

console.log('\nAssets in dist/ (release: see scripts/build.sh); signin/ is the sign-in bundle; gzip and brotli are the shipped copies:');
console.log('  file'.padEnd(48) + 'raw'.padStart(10) + 'gzip -9'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10));
for (const a of assets) {
  console.log(`  ${a.name}`.padEnd(48) + [a.raw, a.gzip9, a.gzip, a.brotli].map((n) => kb(n).padStart(10)).join(''));
}
for (const [bundle, pick] of [['console', (a) => !a.name.startsWith('signin/')], ['sign-in', (a) => a.name.startsWith('signin/')]]) {
  for (const kind of ['wasm', 'js', 'css']) {
    const of = assets.filter((a) => a.kind === kind && pick(a));
    const sum = (k) => of.reduce((s, a) => s + a[k], 0);
    console.log(`  ${bundle} ${kind}: ${kb(sum('raw'))} raw, ${kb(sum('gzip'))} gzip, ${kb(sum('brotli'))} brotli`);
  }
}
// scripts/build.sh builds the console in a target directory of its own.
const consoleWasm = path.join(ROOT, 'target', 'console', 'wasm32-unknown-unknown', 'release', 'synapse-console.wasm');
const breakdown = wasmBreakdown(consoleWasm);
const features = featureBreakdown(consoleWasm);
if (breakdown) {
  console.log('\nThe console wasm\'s code by crate, the ten largest (from cargo\'s wasm, before wasm-opt: read as shares):');
  for (const r of breakdown.rows) console.log(`  ${r.crate.padEnd(28)}${kb(r.bytes).padStart(10)}${(100 * r.share).toFixed(1).padStart(7)} %`);
  console.log('\nWhat each issue adds: the console\'s code by feature (functions compiled for its modules, in the app and synapse-api; same shares):');
  for (const r of features) console.log(`  ${r.feature.padEnd(28)}${kb(r.bytes).padStart(10)}${(100 * r.share).toFixed(1).padStart(7)} %`);
} else {
  console.log('\n(no console wasm in target/console: no size by crate)');
}
const appAssets = assets.filter((a) => ['wasm', 'js', 'css', 'html', 'svg'].includes(a.kind));
const whole = appAssets.reduce((n, a) => n + a.gzip, 0);
const whole9 = appAssets.reduce((n, a) => n + a.gzip9, 0);
console.log(`\nWhole app, every asset of both bundles: ${kb(whole)} gzip (${whole <= WHOLE_APP_BUDGET_GZIP ? 'within' : 'OVER'} the ${kb(WHOLE_APP_BUDGET_GZIP)} budget); ${kb(whole9)} gzip -9`);
const t = loads.transferred;
const verdict = t.gzip <= SIGN_IN_BUDGET_GZIP ? 'within' : 'OVER';
console.log(`\nSign-in page: ${t.requests} requests, ${kb(t.raw)} raw, ${kb(t.gzip)} gzip sent (${verdict} the ${kb(SIGN_IN_BUDGET_GZIP)} gzip budget); ${kb(t.gzip9)} with gzip -9 on the fly`);
console.log(`Time to a usable sign-in form, cold cache, ${LOADS} loads: median ${loads.median.toFixed(0)} ms (min ${loads.times[0].toFixed(0)}, max ${loads.times.at(-1).toFixed(0)})`);

console.log(`\nMedia list (issue budget: render under 100 ms; thumbnails no more than the rows visible):`);
const media = await benchMedia(dist);
console.log(`  ${media.items} items uploaded in ${(media.seededMs / 1000).toFixed(1)} s`);
console.log(`  rendered ${media.renderMs.toFixed(0)} ms after the response arrived, median of ${media.renderRunsMs.length} (${media.renderRunsMs.map((n) => n.toFixed(0)).join(", ")} ms) (${media.renderMs < 100 ? 'within' : 'OVER'} budget); ${media.rowsInPage} rows in the page, the rest follow the scroll (last row reached: ${media.lastRowAfterScroll})`);
console.log(`  ${media.thumbnailRequests} thumbnail requests for ${media.visibleRows} rows on screen (${media.thumbnailRequests <= media.visibleRows ? 'within' : 'OVER'} budget)`);

console.log(`\nReclaim dry run (issue budget: under 5 s; requests no more than users + listing pages):`);
const reclaim = await benchReclaim(dist);
console.log(`  ${reclaim.users} users × ${reclaim.mediaEach} media seeded in ${(reclaim.seededMs / 1000).toFixed(1)} s`);
console.log(`  dry run: ${(reclaim.dryRunMs / 1000).toFixed(2)} s (${reclaim.dryRunMs < 5000 ? 'within' : 'OVER'} budget)`);
const reclaimBudget = reclaim.users + reclaim.listingPages;
console.log(`  ${reclaim.requests} requests: ${reclaim.mediaPages} media pages, ${reclaim.listingPages} listing pages (statistics, users, rooms) (${reclaim.requests <= reclaimBudget ? 'within' : 'OVER'} the ${reclaimBudget} budget)`);
console.log(`  ${reclaim.summary}`);

mkdirSync(path.join(ROOT, '.work'), { recursive: true });
writeFileSync(
  path.join(ROOT, '.work', 'bench.json'),
  JSON.stringify({ assets, breakdown, features, signIn: { ...t, medianMs: loads.median, timesMs: loads.times }, media, reclaim }, null, 2),
);
