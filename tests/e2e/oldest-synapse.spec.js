// The oldest Synapse the console supports (1.120.0, installed by scripts/setup-servers.sh),
// on its own: its purge deletes local messages even when told to keep them (fixed in
// 1.156.0 for room versions 3 and later), so the console must say so before confirming.
// Checked in the database, not only through the API.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { consoleUrl, expect, signInWithPassword, test } from './fixtures.js';
import { PYTHON, synapseAt, WORK } from './harness.js';

const OLDEST = '1.120.0';
const DIR = path.join(WORK, 'oldest-synapse');
let hs;

test.beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  hs = synapseAt(DIR, 'start', '--synapse-version', OLDEST);
});

test.afterAll(() => {
  if (hs) synapseAt(DIR, 'stop');
});

async function call(method, route, body) {
  const res = await fetch(hs.base_url + route, {
    method,
    headers: { Authorization: `Bearer ${hs.admin.access_token}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  expect(res.ok, `${method} ${route}`).toBe(true);
  return res.json();
}

/** Rows of `events` left for these event ids, read from Synapse's SQLite database. */
function eventRows(eventIds) {
  const script = `import json, sqlite3, sys
ids = json.loads(sys.argv[2])
db = sqlite3.connect(sys.argv[1])
q = "SELECT count(*) FROM events WHERE event_id IN (%s)" % ",".join("?" * len(ids))
print(db.execute(q, ids).fetchone()[0])`;
  return Number(execFileSync(PYTHON, ['-c', script, hs.database.path, JSON.stringify(eventIds)], { encoding: 'utf8' }));
}

test(`on Synapse ${OLDEST}, "keep local messages" is said to delete them, and it does`, async ({ page }) => {
  expect(hs.version).toBe(OLDEST);
  const room = await call('POST', '/_matrix/client/v3/createRoom', { name: 'Old purge' });
  const ids = [];
  for (let i = 0; i < 12; i += 1) {
    const sent = await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room.room_id)}/send/m.room.message/old-${Date.now()}-${i}`,
      { msgtype: 'm.text', body: `old message ${i}` });
    ids.push(sent.event_id);
  }
  const details = await call('GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(room.room_id)}`);
  expect(Number(details.version)).toBeGreaterThanOrEqual(3);

  await page.goto(consoleUrl('/signin?next=%2Fpurge'));
  await signInWithPassword(page, undefined, hs.base_url);
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
  await page.getByLabel('Room id or alias').fill(room.room_id);
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.getByTestId('room-name')).toHaveText('Old purge');

  // Said before any preview or confirmation, while "also delete" is off.
  const warning = page.getByRole('alert').filter({ hasText: `Synapse ${OLDEST}` });
  await expect(warning).toContainText('deletes this server\'s users\' messages');
  await page.getByLabel('Also delete messages sent by this server').check();
  await expect(warning).toHaveCount(0);
  await page.getByLabel('Also delete messages sent by this server').uncheck();
  await expect(warning).toBeVisible();

  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(ids[6]);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('tally')).toContainText('deleted all the same');
  await page.getByRole('button', { name: 'Purge history of Old purge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'of Old purge is complete' })).toBeVisible({ timeout: 30_000 });

  // What the warning said: the six local messages before the cut are gone from the database.
  expect(eventRows(ids.slice(0, 6))).toBe(0);
  expect(eventRows(ids.slice(6))).toBe(6);
});
