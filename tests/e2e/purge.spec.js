// Purge history against the real Synapse: by event and by date, hidden or deleted,
// refusals, and following purges through reloads and a Synapse restart.
import {
  api, consoleUrl, eventStatus, expect, fillTabStorage, olderThan, seedRoom, seriousA11yViolations, server, signInWithPassword,
  test, visibleBodies,
} from './fixtures.js';
import { synapse } from './harness.js';

// The date field is in the browser's time zone: use one that is not UTC.
test.use({ timezoneId: 'America/New_York' });

async function openPurge(page) {
  await page.goto(consoleUrl('/signin?next=%2Fpurge'));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
}

async function chooseRoomByName(page, name) {
  await page.getByLabel('Or search rooms by name').fill(name);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: `Choose ${name}` }).click();
  await expect(page.getByTestId('room-name')).toHaveText(name);
}

async function purgeAndWait(page, roomName) {
  await page.getByRole('button', { name: `Purge history of ${roomName}` }).click();
  await expect(page.getByRole('status').filter({ hasText: /Purge \w+ started/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `of ${roomName} is complete` })).toBeVisible({ timeout: 30_000 });
}

/** `YYYY-MM-DDTHH:MM:SS` of `ms` in New York, as a datetime-local input takes it. */
function newYorkLocal(ms) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

test('purge up to an event hides local messages but keeps them on disk (Synapse before 1.156 deletes them, as the console warns)', async ({ page }) => {
  const room = await seedRoom('Purge by event', 200);
  const cut = room.messages[99]; // message 100 is kept
  await openPurge(page);
  await chooseRoomByName(page, 'Purge by event');
  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(cut.id);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('first-kept')).toContainText('Purge by event message 100');
  await expect(page.getByTestId('tally')).toContainText('99 message(s) from this server');
  // Before 1.156 Synapse deletes them anyway (room versions 3 and later): the console says
  // so, and the database is checked against what it said.
  const keptOnDisk = !olderThan('1.156.0');
  await expect(page.getByTestId('tally')).toContainText(keptOnDisk ? 'hidden, kept on disk' : 'deleted all the same');
  expect(await seriousA11yViolations(page), 'purge page with its confirmation').toEqual([]);
  await purgeAndWait(page, 'Purge by event');
  expect(await seriousA11yViolations(page), 'purge page with a finished purge').toEqual([]);

  const bodies = await visibleBodies(room.roomId);
  expect(bodies[0]).toBe('Purge by event message 100');
  expect(bodies).toHaveLength(101);
  // Off: hidden from history, still stored (deleted before 1.156, as the console said).
  expect(await eventStatus(room.messages[0].id)).toBe(keptOnDisk ? 200 : 404);
  expect(await eventStatus(cut.id)).toBe(200);
  await expect(page.getByRole('row', { name: /Purge by event/ })).toContainText('Complete');
  // A purge frees messages, not files: the finished row offers the room's media next.
  await page.getByRole('link', { name: 'Review its media: Purge by event (the purge did not delete the files)' }).click();
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  await expect.poll(() => decodeURIComponent(page.url())).toContain(`room=${room.roomId}`);
});

test('purge by a date in the browser time zone deletes local messages when asked', async ({ page }) => {
  // Synapse cuts by the time it stored each event, which trails the event's own
  // timestamp by milliseconds: cut in a 1.5 s gap after message 60, to the second.
  const room = await seedRoom('Purge by date', 120, undefined, { pauseAfter: 60 });
  const k = 60;
  const keep = room.messages[k];
  const cutMs = Math.floor(keep.ts / 1000) * 1000;
  expect(cutMs).toBeGreaterThan(room.messages[k - 1].ts + 200);
  await openPurge(page);
  await chooseRoomByName(page, 'Purge by date');
  await page.getByLabel('Purge messages sent before').fill(newYorkLocal(cutMs));
  await expect(page.getByText(/That is .* UTC \(your time zone: America\/New_York\)/)).toBeVisible();
  await page.getByLabel('Also delete messages sent by this server').check();
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('first-kept')).toContainText(`Purge by date message ${k + 1}`);
  await expect(page.getByTestId('tally')).toContainText(`${k} message(s) from this server's users (deleted)`);
  await purgeAndWait(page, 'Purge by date');

  const bodies = await visibleBodies(room.roomId);
  expect(bodies[0]).toBe(`Purge by date message ${k + 1}`);
  // On: really deleted.
  expect(await eventStatus(room.messages[0].id)).toBe(404);
  expect(await eventStatus(room.messages[k - 1].id)).toBe(404);
  expect(await eventStatus(keep.id)).toBe(200);
});

test('an event from another room, an unknown room and bad input are refused', async ({ page }) => {
  const room = await seedRoom('Refusals A', 3);
  const other = await seedRoom('Refusals B', 3);
  await openPurge(page);
  const purges = [];
  page.on('request', (r) => r.url().includes('/purge_history/') && purges.push(r.url()));

  await page.getByLabel('Room id or alias').fill('!doesnotexist:localhost');
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.locator('#room-error')).toContainText('does not know the room');
  await page.getByLabel('Room id or alias').fill('@alice:localhost');
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.locator('#room-error')).toContainText('user id');

  await page.getByLabel('Room id or alias').fill(room.roomId);
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.getByTestId('room-id')).toHaveText(room.roomId);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.locator('#cut-date-error')).toContainText('Choose the date');
  await page.getByLabel('Purge messages sent before').fill('2099-01-01T00:00:00');
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.locator('#cut-date-error')).toContainText('future');

  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(other.messages[1].id);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.locator('#cut-event-error')).toContainText('not in the chosen room');
  await expect(page.getByRole('button', { name: /Purge history of/ })).toHaveCount(0);
  await page.getByLabel('Older than a date and time').check();
  await expect(page.getByLabel('Purge messages sent before')).toBeVisible();
  await expect(page.getByLabel('First event to keep')).toHaveCount(0);
  expect(purges).toEqual([]);
  expect(await visibleBodies(room.roomId)).toHaveLength(3);
});

test('a reload during a purge keeps following it to complete', async ({ page }) => {
  const alias = `purge-and-reload-${Date.now().toString(36)}`;
  const room = await seedRoom('Purge and reload', 150, alias);
  await openPurge(page);
  // By alias, resolved through the room directory.
  await page.getByLabel('Room id or alias').fill(`#${alias}:localhost`);
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.getByTestId('room-id')).toHaveText(room.roomId);
  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(room.messages[140].id);
  const purges = [];
  page.on('request', (r) => r.url().includes('/purge_history/') && purges.push(r.url()));
  // Cancel in the confirmation starts nothing; the preview can be asked again.
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Preview the purge' })).toBeFocused();
  expect(purges).toEqual([]);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await page.getByRole('button', { name: 'Purge history of Purge and reload' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Purge \w+ started/ })).toBeVisible();
  await page.reload();
  const row = page.getByRole('row', { name: /Purge and reload/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Complete', { timeout: 30_000 });
  expect((await visibleBodies(room.roomId))[0]).toBe('Purge and reload message 141');
  // A finished purge can be taken off the list, for good.
  await row.getByRole('button', { name: /^Remove purge/ }).click();
  await expect(row).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /Purge and reload/ })).toHaveCount(0);
});

test('followed purges the full tab storage cannot keep are said, and still followed in the page', async ({ page }) => {
  const room = await seedRoom('Purge unkept', 20);
  await openPurge(page);
  await chooseRoomByName(page, 'Purge unkept');
  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(room.messages[10].id);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('first-kept')).toContainText('Purge unkept message 11');
  await fillTabStorage(page);
  await purgeAndWait(page, 'Purge unkept');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be kept in this tab' }))
    .toContainText('a reload would stop following them here');
  expect((await visibleBodies(room.roomId))[0]).toBe('Purge unkept message 11');
});

test('the panel recovers by itself when Synapse comes back', async ({ page }) => {
  const room = await seedRoom('Purge while down', 20);
  const started = await api('POST', `/_synapse/admin/v1/purge_history/${encodeURIComponent(room.roomId)}/${encodeURIComponent(room.messages[10].id)}`, {
    body: { delete_local_events: false },
  });
  expect(started.status).toBe(200);
  const purgeId = started.json.purge_id;
  await openPurge(page);
  synapse('stop');
  try {
    await page.getByLabel('Follow a purge by id').fill(purgeId);
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    const row = page.getByRole('row', { name: new RegExp(purgeId) });
    await expect(row).toContainText('server unreachable, retrying', { timeout: 20_000 });
  } finally {
    const back = synapse('start');
    expect(back.port).toBe(server().port);
  }
  const row = page.getByRole('row', { name: new RegExp(purgeId) });
  await expect(row).toContainText('Complete', { timeout: 45_000 });
  await expect(page.getByRole('status').filter({ hasText: `Purge ${purgeId}` })).toContainText('complete');
});

test('followed purges survive an expired session and a new sign-in', async ({ page }) => {
  const room = await seedRoom('Purge and expire', 10);
  const started = await api('POST', `/_synapse/admin/v1/purge_history/${encodeURIComponent(room.roomId)}/${encodeURIComponent(room.messages[5].id)}`, {
    body: { delete_local_events: false },
  });
  const purgeId = started.json.purge_id;
  await openPurge(page);
  await page.getByLabel('Follow a purge by id').fill(purgeId);
  await page.getByRole('button', { name: 'Follow', exact: true }).click();
  await expect(page.getByRole('row', { name: new RegExp(purgeId) })).toContainText('Complete');
  // The session dies on the server; the next request answers 401.
  const token = JSON.parse(await page.evaluate(() => sessionStorage.getItem('synapse-console.session'))).access_token;
  expect((await api('POST', '/_matrix/client/v3/logout', { token, body: {} })).status).toBe(200);
  await page.getByLabel('Or search rooms by name').fill('anything');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/signin\?next=%2Fpurge$/);
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(purgeId) })).toContainText('Complete');
});

test('a room search pages through every match; an empty search is refused before any request', async ({ page }) => {
  const tag = `Paged ${Date.now().toString(36)}`;
  const ids = [];
  for (let i = 0; i < 45; i += 1) ids.push((await seedRoom(`${tag} ${String(i).padStart(2, '0')}`, 0)).roomId);
  await openPurge(page);
  const searches = [];
  page.on('request', (r) => r.url().includes('/_synapse/admin/v1/rooms?') && searches.push(r.url()));
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('alert').filter({ hasText: "Type part of a room's name to search." })).toBeVisible();
  expect(searches).toEqual([]);

  await page.getByLabel('Or search rooms by name').fill(tag);
  await page.getByRole('button', { name: 'Search' }).click();
  const pager = page.getByRole('navigation', { name: 'Rooms pages' });
  const shown = page.locator('ul.results code');
  const seen = [];
  for (const [position, count] of [['Rooms 1–20 of 45 (page 1 of 3)', 20], ['Rooms 21–40 of 45 (page 2 of 3)', 20], ['Rooms 41–45 of 45 (page 3 of 3)', 5]]) {
    await expect(pager).toContainText(position);
    await expect(shown).toHaveCount(count);
    seen.push(...await shown.allTextContents());
    if (count === 20) await pager.getByRole('button', { name: 'Next page' }).click();
  }
  expect([...new Set(seen)].sort()).toEqual([...ids].sort());
  await pager.getByRole('button', { name: 'First page' }).click();
  await expect(pager).toContainText('Rooms 1–20 of 45');
  await pager.getByRole('button', { name: 'Last page' }).click();
  await expect(pager).toContainText('Rooms 41–45 of 45');
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(pager).toContainText('Rooms 21–40 of 45');
  await expect(shown.first()).toHaveText(seen[20]);
  await pager.getByRole('button', { name: 'Last page' }).click();
  // Synapse lists rooms by name: the last page ends with the last name.
  await page.getByRole('button', { name: `Choose ${tag} 44` }).click();
  await expect(page.getByTestId('room-name')).toHaveText(`${tag} 44`);
  // Another room can be chosen instead.
  await page.getByRole('button', { name: 'Change room' }).click();
  await expect(page.getByLabel('Room id or alias')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Preview the purge' })).toHaveCount(0);
});

test('a link to /purge?room= opens the purge form for that room (the storage page links there)', async ({ page }) => {
  const room = await seedRoom('Linked room', 2);
  await page.goto(consoleUrl(`/signin?next=${encodeURIComponent(`/purge?room=${encodeURIComponent(room.roomId)}`)}`));
  await signInWithPassword(page);
  await expect(page.getByTestId('room-name')).toHaveText('Linked room');
  await expect(page.getByRole('button', { name: 'Preview the purge' })).toBeVisible();
});
