// Part of `make bench` (and runnable alone): the delete-old-media dry run on a big seeded
// server (scripts/seed_big.py: 2,000 users and 200,000 media by default), in the browser,
// against the count Synapse's own rule gives in SQL (`seed_big.py truth`).
//
//   node scripts/bench-big-reclaim.mjs DIST [--users N] [--media M] [--seeded DIR]
//
// Reports the time from "Dry run" to its result, the requests the page sent to Synapse,
// the peak size of the wasm memory, and whether the count equals the ground truth. Then,
// on the same server, the big rooms: the media list of #media-room (3,000 media
// messages) and the purge preview of #big-history (100,000 events), each timed from the
// click to its answer on screen.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { killPid, PYTHON, ROOT, serveBuild, synapseAt } from '../tests/e2e/harness.js';
import { CHROMIUM_ARGS } from '../tests/e2e/playwright.config.js';
import { signInAsAdmin } from './bench-env.mjs';

const DAY_MS = 86_400_000;
const SEED = path.join(ROOT, 'scripts', 'seed_big.py');

/** Keeps every wasm instance's memory in `window.__wasmMemories`, to read its size. */
function watchWasmMemory() {
  window.__wasmMemories = [];
  const keep = (result) => {
    const instance = result.instance || result;
    const memory = instance?.exports?.memory;
    if (memory) window.__wasmMemories.push(memory);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(keep);
  }
}

const BIG_ROOM_EVENTS = 100_000;

function seed(dir, users, media) {
  // A seeded server is kept between runs of the same size (seeding takes minutes).
  const marker = path.join(dir, `seeded-${users}-${media}-${BIG_ROOM_EVENTS}`);
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    execFileSync(PYTHON, [SEED, 'seed', '--dir', dir, '--users', String(users), '--media', String(media),
      '--big-room-events', String(BIG_ROOM_EVENTS), '--no-start'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('touch', [marker]);
  }
}

function truth(dir, beforeTs, sizeGt) {
  const out = execFileSync(PYTHON, [SEED, 'truth', '--dir', dir, '--before-ts', String(beforeTs),
    '--size-gt', String(sizeGt), '--keep-profiles', 'true'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

async function roomId(server, alias) {
  const res = await fetch(`${server.base_url}/_matrix/client/v3/directory/room/${encodeURIComponent(`#${alias}:${server.server_name}`)}`);
  if (!res.ok) throw new Error(`#${alias}: ${res.status}`);
  return (await res.json()).room_id;
}

/** The big rooms, in the console already signed in on `page`. */
async function bigRooms(page, server) {
  const mediaRoom = await roomId(server, 'media-room');
  const bigRoom = await roomId(server, 'big-history');
  const out = {};

  // The room's media list: from "Look up room" to its rows.
  await page.getByRole('link', { name: 'Media', exact: true }).click();
  await page.getByLabel('A room').check();
  await page.getByLabel('Room id or alias').fill(mediaRoom);
  let started = Date.now();
  await page.getByRole('button', { name: 'Look up room' }).click();
  const summary = page.getByTestId('media-summary');
  await summary.filter({ hasText: 'file(s).' }).waitFor({ timeout: 120_000 });
  await page.locator('table.media tbody tr[aria-rowindex]').first().waitFor();
  out.mediaRoom = { ms: Date.now() - started, summary: (await summary.textContent()).trim() };
  // Its next page: the room's file list was read with the first, so only this page's
  // details are asked (the pager says the page once its rows are in).
  const pager = page.getByRole('navigation', { name: 'Files pages' });
  started = Date.now();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await pager.getByRole('status').filter({ hasText: /^Files 51–100 / }).waitFor({ timeout: 120_000 });
  out.mediaRoom.nextMs = Date.now() - started;

  // The purge preview with a cut in the middle of the big room's history: the
  // confirmation at once, then the count (at most 5,000 events or 15 s, "at least" beyond).
  await page.getByRole('link', { name: 'Purge history', exact: true }).click();
  await page.getByLabel('Room id or alias').fill(bigRoom);
  await page.getByRole('button', { name: 'Look up room' }).click();
  await page.getByTestId('room-name').waitFor();
  const middle = Date.now() - 540 * DAY_MS;
  await page.getByLabel('Purge messages sent before').fill(new Date(middle).toISOString().slice(0, 19));
  started = Date.now();
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await page.getByRole('button', { name: 'Purge history of Big history' }).waitFor({ timeout: 120_000 });
  const confirmMs = Date.now() - started;
  const tally = page.getByTestId('tally').filter({ hasText: /^Before the cut/ });
  await tally.waitFor({ timeout: 120_000 });
  out.purgePreview = { confirmMs, ms: Date.now() - started, tally: (await tally.textContent()).trim() };
  return out;
}

export async function benchBigReclaim(dist, { users = 2000, media = 200_000, seeded = null } = {}) {
  // `seeded`: a directory seed_big.py already filled (with its Synapse stopped).
  const dir = seeded || path.join(ROOT, '.work', 'bench', `big-${users}-${media}`);
  if (!seeded) seed(dir, users, media);
  const server = synapseAt(dir, 'start');
  const web = await serveBuild('nginx', { 'synapse-console': dist }, { dir: path.join(dir, 'web') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    // A year ago, to the second, and over 1 MiB: what an admin freeing a disk asks.
    const beforeTs = Math.floor((Date.now() - 365 * DAY_MS) / 1000) * 1000;
    const sizeGt = 1024 * 1024;
    const expected = truth(dir, beforeTs, sizeGt);
    const context = await browser.newContext({ timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(watchWasmMemory);
    const page = await context.newPage();
    await signInAsAdmin(page, web, server, '/storage');
    await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
    await page.getByLabel('Not used since', { exact: true }).fill(new Date(beforeTs).toISOString().slice(0, 19));
    await page.getByLabel('Larger than').fill('1');
    await page.getByLabel('Size unit').selectOption('MiB');
    let requests = 0;
    const byKind = {};
    let counting = true;
    page.on('request', (r) => {
      if (!counting || !r.url().startsWith(server.base_url) || r.method() === 'OPTIONS') return;
      requests += 1;
      const p = new URL(r.url()).pathname;
      const kind = p.includes('/statistics/') ? 'statistics' : p.endsWith('/media') ? 'user media' : p.includes('/rooms') ? 'rooms' : p.includes('/users') ? 'users' : 'other';
      byKind[kind] = (byKind[kind] || 0) + 1;
    });
    let peak = 0;
    const sampler = setInterval(async () => {
      const bytes = await page.evaluate(() => Math.max(0, ...window.__wasmMemories.map((m) => m.buffer.byteLength))).catch(() => 0);
      peak = Math.max(peak, bytes);
    }, 100);
    const started = Date.now();
    await page.getByRole('button', { name: 'Dry run: find what would be deleted' }).click();
    const summary = page.getByTestId('dry-run-summary');
    await summary.waitFor({ timeout: 600_000 });
    const ms = Date.now() - started;
    counting = false;
    clearInterval(sampler);
    const text = await summary.textContent();
    const found = Number((/found ([\d,]+) file/.exec(text) || [, '0'])[1].replace(/,/g, ''));
    peak = Math.max(peak, await page.evaluate(() => Math.max(0, ...window.__wasmMemories.map((m) => m.buffer.byteLength))));
    const rooms = await bigRooms(page, server);
    return { users, media, ms, requests, byKind, peakWasmBytes: peak, found, truth: expected.count, exact: found === expected.count, rooms };
  } finally {
    await browser.close();
    killPid(web.pid);
    synapseAt(dir, 'stop');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] || path.join(ROOT, 'dist');
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const at = process.argv.indexOf('--seeded');
  const seeded = at > 0 ? path.resolve(process.argv[at + 1]) : null;
  const result = await benchBigReclaim(dist, { users: arg('--users', 2000), media: arg('--media', 200_000), seeded });
  console.log(JSON.stringify(result));
}
