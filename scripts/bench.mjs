// Measures the release build in dist/: bytes per asset (raw, gzip, brotli); an admin's
// first visit (bytes, requests and time until the sign-in form is usable) and the
// hand-over to the console after sign-in; a bulk action served cross-origin and
// same-origin; the console's code by crate and feature; the media list and the
// reclaim dry run. Writes .work/bench.json too.
// "gzip" is what is sent: the build's precompressed .gz copy (zopfli; see
// scripts/precompress.mjs), served as nginx gzip_static does. "gzip -9" is what a
// server compressing on the fly at its best level would send, for comparison.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { killPid, ROOT, serveBuild } from '../tests/e2e/harness.js';
import { benchBulk } from './bench-bulk.mjs';
import { onThrowawaySynapse } from './bench-env.mjs';
import { benchFirstVisit } from './bench-first-visit.mjs';
import { benchMedia } from './bench-media.mjs';
import { benchBigReclaim } from './bench-big-reclaim.mjs';
import { benchReclaim } from './bench-reclaim.mjs';
import { featureBreakdown, wasmBreakdown } from './wasm-breakdown.mjs';

const LOADS = Number(process.env.BENCH_LOADS || 9);
// Issue budgets: the first visit until the sign-in form is usable (bytes on the wire,
// requests), the hand-over after sign-in, and every asset of the app (all routes).
const FIRST_VISIT_BUDGET = 120 * 1024;
const FIRST_VISIT_REQUESTS = 7;
const HANDOVER_BUDGET_MS = 550;
const WHOLE_APP_BUDGET_GZIP = 250 * 1024;
const dist = path.join(ROOT, 'dist');
const distAdmin = path.join(ROOT, '.work', 'dist-admin');

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

const assets = assetSizes();
// The first visit, the hand-over and the bulk action share one throwaway Synapse.
// First visits: the README's nginx without the precompressed copies (gzip 6 on the
// fly). Same origin: the README's nginx in front of that Synapse, the console at /admin/.
const { visit, bulk } = await onThrowawaySynapse('first-visit-synapse', dist, async ({ server, browser }) => {
  const dir = path.join(ROOT, '.work', 'bench');
  const web = await serveBuild('nginx', { 'synapse-console': dist }, { dir: path.join(dir, 'web-plain'), args: ['--no-precompressed'] });
  const sameOrigin = await serveBuild('nginx-same-origin', { admin: distAdmin }, {
    dir: path.join(dir, 'web-same-origin'),
    args: ['--synapse', server.base_url],
  });
  try {
    const visit = await benchFirstVisit({ browser, web, server, loads: LOADS });
    const bulk = await benchBulk({ browser, server, web, sameOrigin });
    return { visit, bulk };
  } finally {
    killPid(web.pid);
    killPid(sameOrigin.pid);
  }
});

console.log('\nAssets in dist/ (release: see scripts/build.sh); signin-* is the sign-in bundle (signin/index.html its page); gzip and brotli are the shipped copies:');
console.log('  file'.padEnd(48) + 'raw'.padStart(10) + 'gzip -9'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10));
for (const a of assets) {
  console.log(`  ${a.name}`.padEnd(48) + [a.raw, a.gzip9, a.gzip, a.brotli].map((n) => kb(n).padStart(10)).join(''));
}
// The sign-in bundle's files are named signin-<hash> (scripts/assemble.mjs); the pages and
// boot.js serve both, so they count for neither.
const signIn = (a) => a.name.startsWith('signin-') || a.name === 'base.css' || /^base-[0-9a-f]+\.css$/.test(a.name);
const consoleOnly = (a) => /^(synapse-console|console)-/.test(a.name);
for (const [bundle, pick] of [['console', consoleOnly], ['sign-in', signIn]]) {
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
const within = (ok) => (ok ? 'within' : 'OVER');
console.log(`\nFirst visit to the root URL, cold cache, nginx as the README has it without the .gz copies (gzip 6 on the fly), until the sign-in form is usable:`);
console.log(`  ${visit.requests} requests (${within(visit.requests <= FIRST_VISIT_REQUESTS)} the budget of ${FIRST_VISIT_REQUESTS}), ${kb(visit.bytes)} on the wire (${within(visit.bytes <= FIRST_VISIT_BUDGET)} the ${kb(FIRST_VISIT_BUDGET)} budget; bodies ${kb(visit.bodies)})`);
console.log(`  ${visit.files.join(' ')}`);
console.log(`  usable after ${visit.usableMs.toFixed(0)} ms, median of ${visit.loads} loads (${visit.usableRangeMs.map((n) => n.toFixed(0)).join('–')} ms)`);
console.log(`From the sign-in click (password) to the console's first page showing server data: median ${visit.handoverMs.toFixed(0)} ms (${visit.handoverRangeMs.map((n) => n.toFixed(0)).join('–')} ms) over ${visit.loads} sign-ins (${within(visit.handoverMs <= HANDOVER_BUDGET_MS)} the ${HANDOVER_BUDGET_MS} ms budget); the console's wasm was fetched ${visit.consoleFetchedTimes} time(s) per sign-in`);
console.log(`\nBulk quarantine of ${bulk.files} files (uploaded in ${(bulk.seededMs / 1000).toFixed(1)} s), from the confirmation to the result:`);
console.log(`  console on another origin:        ${(bulk.cross.ms / 1000).toFixed(2)} s, ${bulk.cross.preflights} CORS preflights`);
console.log(`  console on the homeserver's origin: ${(bulk.same.ms / 1000).toFixed(2)} s, ${bulk.same.preflights} CORS preflights`);

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

// Issue budgets on the 2,000-user / 200,000-media fixture (scripts/seed_big.py): the dry
// run within 15 s and 600 requests, its count equal to Synapse's rule in SQL.
console.log(`\nReclaim dry run on a big server (seed_big.py; not used for a year, over 1 MiB; budget 15 s, 600 requests, wasm memory under 64 MiB):`);
const big = [];
for (const size of [{ users: 2000, media: 200_000 }, ...(process.env.BENCH_HUGE ? [{ users: 20_000, media: 1_000_000 }] : [])]) {
  const r = await benchBigReclaim(dist, size);
  big.push(r);
  console.log(`  ${r.users.toLocaleString('en-US')} users, ${r.media.toLocaleString('en-US')} media: ${(r.ms / 1000).toFixed(1)} s, ${r.requests} requests (${JSON.stringify(r.byKind)}), peak wasm memory ${(r.peakWasmBytes / 1048576).toFixed(1)} MiB; found ${r.found}, SQL ${r.truth}: ${r.exact ? 'equal' : 'DIFFERENT'}`);
  console.log(`    big rooms: #media-room's media list ${(r.rooms.mediaRoom.ms / 1000).toFixed(2)} s (${r.rooms.mediaRoom.summary}), its next page ${(r.rooms.mediaRoom.nextMs / 1000).toFixed(2)} s; #big-history's purge preview: its confirmation in ${(r.rooms.purgePreview.confirmMs / 1000).toFixed(2)} s, its count in ${(r.rooms.purgePreview.ms / 1000).toFixed(2)} s (${r.rooms.purgePreview.tally})`);
}

mkdirSync(path.join(ROOT, '.work'), { recursive: true });
writeFileSync(
  path.join(ROOT, '.work', 'bench.json'),
  JSON.stringify({ assets, breakdown, features, visit, bulk, media, reclaim, big }, null, 2),
);
