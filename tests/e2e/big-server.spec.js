// The big-server fixture at the size `make test` affords (scripts/seed_big.py, the seeder
// `make bench` runs at 2,000 users and 200,000 media): users, media and room history
// written into Synapse's own database with realistic sizes, dates, types, avatars,
// quarantined and protected files. What a handful of uploads cannot show is checked here
// against the database itself: the dry run against Synapse's rule in SQL, a long list
// paged to its end, a room's media messages, a purge preview's counts.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { api, consoleUrl, expect, signInWithPassword, test } from './fixtures.js';
import { PYTHON, ROOT, synapseAt, WORK } from './harness.js';

test.use({ timezoneId: 'UTC' });
test.describe.configure({ mode: 'serial' });

const DIR = path.join(WORK, 'big-server');
const SEED = path.join(ROOT, 'scripts', 'seed_big.py');
const DAY_MS = 86_400_000;
// Small enough for a test run (about half a minute to seed), big enough to page and to
// reach every branch of the dry run: users past a statistics page, a big uploader whose
// pre-cut files are read largest first, rooms with avatars.
const SIZE = { users: 600, media: 12_000, bigRoomEvents: 3_000, mediaRoomMessages: 400, rooms: 5 };

let seeded;
let hs;

const asAdmin = (method, route, body) => api(method, route, { baseUrl: hs.base_url, token: hs.admin.access_token, body });

/** Runs seed_big.py's SQL over the seeded database; prints one JSON value. */
function sql(query, args = []) {
  const script = `import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(json.dumps(db.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, hs.database.path, query, JSON.stringify(args)], { encoding: 'utf8' }));
}

function truth(beforeTs, sizeGt) {
  const out = execFileSync(PYTHON, [SEED, 'truth', '--dir', DIR, '--before-ts', String(beforeTs),
    '--size-gt', String(sizeGt), '--keep-profiles', 'true', '--media-ids'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

test.beforeAll(() => {
  test.setTimeout(240_000);
  rmSync(DIR, { recursive: true, force: true });
  const out = execFileSync(PYTHON, [SEED, 'seed', '--dir', DIR,
    '--users', String(SIZE.users), '--media', String(SIZE.media),
    '--big-room-events', String(SIZE.bigRoomEvents), '--media-room-messages', String(SIZE.mediaRoomMessages),
    '--rooms', String(SIZE.rooms)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  seeded = JSON.parse(out.trim().split('\n').pop());
  hs = seeded.synapse;
});

test.afterAll(() => {
  if (hs) synapseAt(DIR, 'stop');
});

async function open(page, next) {
  await page.goto(consoleUrl(`/signin?next=${encodeURIComponent(next)}`));
  await signInWithPassword(page, undefined, hs.base_url);
}

test('the seeded big uploader\'s files page forward, back and to the end, saying where you are', async ({ page }) => {
  const user = '@big.uploader:localhost';
  const listed = await asAdmin('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user)}/media?limit=500&order_by=created_ts&dir=b`);
  const total = listed.json.total;
  expect(total).toBe(SIZE.media / 4);
  await open(page, `/media?user=${encodeURIComponent(user)}`);
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  await page.getByLabel('Per page').selectOption('500');
  const pager = page.getByRole('navigation', { name: 'Files pages' });
  const pages = Math.ceil(total / 500);
  const fmt = (n) => n.toLocaleString('en-US');
  await expect(pager).toContainText(`Files 1–500 of ${fmt(total)} (page 1 of ${pages})`);
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toContainText(`Files 501–1,000 of ${fmt(total)} (page 2 of ${pages})`);
  await pager.getByRole('button', { name: 'Last page' }).click();
  const lastFirst = (pages - 1) * 500 + 1;
  await expect(pager).toContainText(`Files ${fmt(lastFirst)}–${fmt(total)} of ${fmt(total)} (page ${pages} of ${pages})`);
  await expect(pager.getByRole('button', { name: 'Next page' })).toBeDisabled();
  // The rows on screen are the server's last page, not the first one again, and the
  // page starts at its top though the pager is below the list.
  const rows = page.locator('table.media tbody tr[aria-rowindex]');
  const lastPage = await asAdmin('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user)}/media?from=${lastFirst - 1}&limit=500&order_by=created_ts&dir=b`);
  await expect(rows.first()).toContainText(lastPage.json.media[0].media_id);
  await expect(rows.first()).toBeInViewport();
  await page.screenshot({ path: '.work/e2e/results/big-server-last-page.png' });
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(pager).toContainText(`(page ${pages - 1} of ${pages})`);
  await pager.getByRole('button', { name: 'First page' }).click();
  await expect(pager).toContainText(`Files 1–500 of ${fmt(total)} (page 1 of ${pages})`);
  await expect(rows.first()).toContainText(listed.json.media[0].media_id);
  await expect(rows.first()).toBeInViewport();
});

test('a seeded room\'s media list pages through every file its messages name, each with its details', async ({ page }) => {
  const room = seeded.media_room;
  const media = await asAdmin('GET', `/_synapse/admin/v1/room/${encodeURIComponent(room)}/media`);
  const uris = [...media.json.local, ...media.json.remote];
  const count = uris.length;
  expect(count).toBeGreaterThanOrEqual(SIZE.mediaRoomMessages * 0.9);
  const fmt = (n) => n.toLocaleString('en-US');
  await open(page, `/media?room=${encodeURIComponent(room)}`);
  await expect(page.getByTestId('media-summary')).toContainText(`${fmt(count)} file(s).`, { timeout: 30_000 });
  // Synapse lists a room's files in one answer; the console pages it (50 by default).
  const pager = page.getByRole('navigation', { name: 'Files pages' });
  const pages = Math.ceil(count / 50);
  await expect(pager).toContainText(`Files 1–50 of ${fmt(count)} (page 1 of ${pages})`);
  const rows = page.locator('table.media tbody tr[aria-rowindex]');
  await expect(rows.first()).toContainText(uris[0]);
  await pager.getByRole('button', { name: 'Last page' }).click();
  await expect(pager).toContainText(`Files ${fmt((pages - 1) * 50 + 1)}–${fmt(count)} of ${fmt(count)} (page ${pages} of ${pages})`);
  await expect(rows).toHaveCount(count - (pages - 1) * 50);
  await expect(rows.first()).toContainText(uris[(pages - 1) * 50]);
  await page.screenshot({ path: '.work/e2e/results/big-server-room-last-page.png' });
  // Every file on the last page has its details (its size), not a bare id.
  for (const text of await rows.allInnerTexts()) expect(text).toMatch(/\d (bytes?|KiB|MiB|GiB)/);
  // And its actions: protect a file of the last page, checked through the API.
  const target = rows.filter({ has: page.getByRole('button', { name: /^Protect / }) }).first();
  const text = await target.innerText();
  const uri = uris.slice((pages - 1) * 50).find((u) => text.includes(u));
  expect(uri, 'the row names its file').toBeTruthy();
  await target.getByRole('button', { name: /^Protect / }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is protected.' })).toBeVisible();
  const [server, id] = uri.replace('mxc://', '').split('/');
  const info = await asAdmin('GET', `/_synapse/admin/v1/media/${server}/${id}`);
  expect(info.json.media_info.safe_from_quarantine).toBeTruthy();
});

test('the purge preview of the seeded big room counts what the database holds before the cut', async ({ page }) => {
  const room = seeded.big_room;
  // A cut in the middle of the room's history, to the second.
  const [[lo, hi]] = sql('SELECT MIN(origin_server_ts), MAX(origin_server_ts) FROM events WHERE room_id = ? AND type = ?', [room, 'm.room.message']);
  const cutMs = Math.floor((lo + (hi - lo) / 2) / 1000) * 1000;
  const [[messages]] = sql('SELECT COUNT(*) FROM events WHERE room_id = ? AND state_key IS NULL AND origin_server_ts < ?', [room, cutMs]);
  const [[state]] = sql('SELECT COUNT(*) FROM events WHERE room_id = ? AND state_key IS NOT NULL AND origin_server_ts < ?', [room, cutMs]);
  expect(messages).toBeGreaterThan(100);
  await open(page, `/purge?room=${encodeURIComponent(room)}`);
  await expect(page.getByTestId('room-name')).toHaveText('Big history');
  await page.getByLabel('Purge messages sent before').fill(new Date(cutMs).toISOString().slice(0, 19));
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('tally')).toContainText(
    `Before the cut: ${messages.toLocaleString('en-US')} message(s) from this server's users (hidden, kept on disk), 0 from other servers (deleted), and ${state} state event(s) (kept).`,
    { timeout: 30_000 });
  await page.screenshot({ path: '.work/e2e/results/big-server-purge-preview.png', fullPage: true });
});

test('the dry run on the seeded server finds what Synapse\'s own rule deletes, and the delete removes exactly those', async ({ page }) => {
  test.setTimeout(120_000);
  // What an admin freeing a disk asks: not used for a year, over 1 MiB, avatars kept.
  const beforeTs = Math.floor((Date.now() - 365 * DAY_MS) / 1000) * 1000;
  const sizeGt = 1024 * 1024;
  const expected = truth(beforeTs, sizeGt);
  expect(expected.count).toBeGreaterThan(50);
  await open(page, '/storage');
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
  await page.getByLabel('Not used since', { exact: true }).fill(new Date(beforeTs).toISOString().slice(0, 19));
  await page.getByLabel('Larger than').fill('1');
  await page.getByLabel('Size unit').selectOption('MiB');
  await page.getByLabel('Keep profile pictures and room avatars').setChecked(true);
  await page.getByRole('button', { name: 'Dry run: find what would be deleted' }).click();
  const summary = page.getByTestId('dry-run-summary');
  await expect(summary).toContainText(`The dry run found ${expected.count.toLocaleString('en-US')} file(s)`, { timeout: 60_000 });

  await page.screenshot({ path: '.work/e2e/results/big-server-dry-run.png', fullPage: true });
  const n = expected.count.toLocaleString('en-US');
  await page.getByRole('button', { name: `Delete these ${n} files…` }).click();
  await page.getByRole('dialog').getByRole('button', { name: new RegExp(`^Delete ${n} files`) }).click();
  await expect(page.getByTestId('delete-result')).toContainText(`The server deleted ${n} file(s); the dry run found ${n}.`, { timeout: 60_000 });
  await expect(page.getByTestId('delete-result')).toContainText('They are the same files.');
  const deleted = await page.getByTestId('delete-result').locator('.id-list').textContent();
  expect(deleted.split('\n').sort()).toEqual([...expected.media_ids].sort());
  expect(truth(beforeTs, sizeGt).count, 'nothing the rule matches is left').toBe(0);
});
