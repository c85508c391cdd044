// Media moderation against the real Synapse: every action is checked through the API.
import {
  api, consoleUrl, downloadStatus, expect, freshUser, makePng, mediaInfo, olderThan, seedRoom,
  seriousA11yViolations, server, signInWithPassword, test, upload,
} from './fixtures.js';
import { synapse } from './harness.js';

/** Distinct content each call: quarantine acts on identical bytes, so tests must not share. */
function uniqueBytes(label) {
  return Buffer.from(`${label} ${Date.now()} ${Math.random()}`.repeat(20));
}

async function openMedia(page, query) {
  await page.goto(consoleUrl(`/signin?next=${encodeURIComponent(`/media?${query}`)}`));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
}

async function postImage(roomId, mxc, body) {
  const txn = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const res = await api('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, {
    token: server().user.access_token,
    body: { msgtype: 'm.image', body, url: mxc },
  });
  expect(res.status).toBe(200);
}

test('quarantine makes a file undownloadable and unquarantine restores it', async ({ page }) => {
  const name = `q-${Date.now()}.bin`;
  // Before 1.140 a file's state shows only in lists (no media info by id): its uploader's.
  const byId = !olderThan('1.140.0');
  const owner = byId ? { id: server().user.user_id, token: server().user.access_token } : await freshUser(`q${Date.now()}`);
  const mxc = await upload(owner.token, name, uniqueBytes('quarantine'), 'application/octet-stream');
  expect(await downloadStatus(mxc)).toBe(200);
  await openMedia(page, byId ? `mxc=${encodeURIComponent(mxc)}` : `user=${encodeURIComponent(owner.id)}`);
  await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  const trigger = page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: `Quarantine ${name}` });
  await trigger.click();
  const dialog = page.getByRole('dialog', { name: `Quarantine ${name}?` });
  await expect(dialog).toContainText('every identical copy');
  // The focus moves in, onto Cancel (Enter alone never acts); Escape closes the dialog
  // without acting and gives the focus back to the button that opened it.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(trigger).toBeFocused();
  expect(await downloadStatus(mxc)).toBe(200);
  await page.keyboard.press('Enter'); // the focused trigger opens it again
  await expect(dialog).toBeVisible();
  expect(await seriousA11yViolations(page), 'media page with a confirmation dialog open').toEqual([]);
  await page.screenshot({ path: '.work/e2e/results/media-confirm-dialog.png' });
  await dialog.getByRole('button', { name: `Quarantine ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is quarantined.` })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('quarantined');
  expect(await downloadStatus(mxc)).toBe(404);
  expect((await mediaInfo(mxc, { owner: owner.id })).info.quarantined_by).toBe(server().admin.user_id);

  await page.getByRole('button', { name: `Unquarantine ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is released from quarantine.` })).toBeVisible();
  expect(await downloadStatus(mxc)).toBe(200);
});

test('protected media is skipped by a room quarantine; delete removes a file', async ({ page }) => {
  // Its own name, so that a retry's search finds only its own room.
  const roomName = `Media room ${Date.now().toString(36)}`;
  const room = await seedRoom(roomName, 1);
  const keep = `keep-${Date.now()}.png`;
  const drop = `drop-${Date.now()}.png`;
  const keepMxc = await upload(server().user.access_token, keep, uniqueBytes('keep'));
  const dropMxc = await upload(server().user.access_token, drop, uniqueBytes('drop'));
  await postImage(room.roomId, keepMxc, keep);
  await postImage(room.roomId, dropMxc, drop);

  await openMedia(page, `user=${encodeURIComponent(server().user.user_id)}`);
  // The same room picker as purge history.
  await page.getByLabel('A room').check();
  await page.getByLabel('Or search rooms by name').fill(roomName);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: `Choose ${roomName}` }).click();
  await expect.poll(() => decodeURIComponent(page.url())).toContain(`room=${room.roomId}`);
  await expect(page.getByTestId('media-summary')).toHaveText('2 file(s).');
  await page.getByRole('button', { name: `Protect ${keep}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${keep} is protected.` })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(keep) })).toContainText('protected');
  await expect(page.getByRole('button', { name: `Quarantine ${keep}` })).toBeDisabled();
  await expect(page.getByRole('button', { name: `Quarantine ${keep}` })).toHaveAccessibleDescription('Protected media cannot be quarantined.');

  // The room's own quarantine (Synapse's endpoint) skips the protected file.
  await page.getByRole('button', { name: 'Quarantine all media in this room' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Quarantine all media in this room' })).toBeFocused();
  await page.getByRole('button', { name: 'Quarantine all media in this room' }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Quarantine/ }).click();
  await expect(page.getByRole('row', { name: new RegExp(drop) })).toContainText('quarantined');
  const owner = { owner: server().user.user_id };
  expect((await mediaInfo(keepMxc, owner)).info.quarantined_by).toBeNull();
  expect((await mediaInfo(dropMxc, owner)).info.quarantined_by).not.toBeNull();
  await page.getByRole('button', { name: `Unprotect ${keep}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${keep} is no longer protected.` })).toBeVisible();
  expect((await mediaInfo(keepMxc, owner)).info.safe_from_quarantine).toBeFalsy();

  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(drop) })).toContainText('quarantined');
  await page.getByRole('button', { name: `Delete ${drop}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: `Delete ${drop}` })).toBeFocused();
  expect((await mediaInfo(dropMxc, owner)).status).toBe(200);
  await page.getByRole('button', { name: `Delete ${drop}` }).click();
  await expect(page.getByRole('dialog')).toContainText('cannot be undone');
  await page.getByRole('dialog').getByRole('button', { name: `Delete ${drop}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${drop} is deleted.` })).toBeVisible();
  expect((await mediaInfo(dropMxc, owner)).status).toBe(404);
  if (olderThan('1.140.0')) {
    // Without media info by id, a file gone from its sender's list may have been uploaded
    // elsewhere: it stays listed, with what its message said.
    await page.reload();
    await expect(page.getByRole('row', { name: new RegExp(drop) })).toBeVisible();
  } else {
    // The room's events still name it: the list shows it as deleted, with no action left.
    await expect(page.getByRole('row', { name: new RegExp(dropMxc.split('/').pop()) })).toContainText('deleted');
    await expect(page.getByRole('button', { name: new RegExp(`^Delete ${dropMxc.split('/').pop()}`) })).toBeDisabled();
  }
});

test('a user\'s media pages and sorts; bad input is refused before any request', async ({ page }) => {
  const sizes = [3000, 100, 2000];
  for (const [i, size] of sizes.entries()) {
    await upload(server().user.access_token, `sort-${i}.bin`, Buffer.alloc(size, i + 1), 'application/octet-stream');
  }
  await openMedia(page, `user=${encodeURIComponent(server().user.user_id)}`);
  const total = (await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(server().user.user_id)}/media?limit=1`)).json.total;
  await expect(page.getByTestId('media-summary')).toContainText(`${total} file(s)`);
  await page.getByLabel('Sort by').selectOption('media_length');
  await expect(page.locator('table.media tbody tr[aria-rowindex]').first()).toContainText(/KiB|bytes/);
  const firstBig = await page.locator('table.media tbody tr[aria-rowindex]').first().innerText();
  // The new order's answer must be in before the requests below are counted.
  const ascending = page.waitForResponse((r) => r.url().includes('order_by=media_length&dir=f'));
  await page.getByLabel('Order').selectOption('asc');
  await ascending;
  await expect(page.locator('table.media tbody tr[aria-rowindex]').first()).toBeVisible();
  await expect(page.locator('table.media tbody tr[aria-rowindex]').first()).not.toHaveText(firstBig);

  const sent = [];
  page.on('request', (r) => r.url().startsWith(server().base_url) && sent.push(r.url()));
  await page.getByLabel('A room').check();
  await page.getByLabel('Room id or alias').fill('general');
  await page.getByRole('button', { name: 'Look up room' }).click();
  await expect(page.locator('#room-error')).toContainText('its alias');
  await page.getByLabel('One file').check();
  await page.getByLabel('Media URI').fill('mxc://localhost/has spaces');
  await page.getByRole('button', { name: 'Show media' }).click();
  await expect(page.locator('#media-target-error')).not.toBeEmpty();
  await page.getByLabel('A user').check();
  await page.getByLabel('User id').fill('alice');
  await page.getByRole('button', { name: 'Show media' }).click();
  await expect(page.locator('#media-target-error')).toContainText("starts with '@'");
  expect(sent).toEqual([]);
});

test('a list the server fails to give is explained, and Try again asks once more', async ({ page }) => {
  let refused = 0;
  await page.route('**/_synapse/admin/v1/users/*/media?*', async (route) => {
    if (route.request().method() === 'GET' && refused === 0) {
      refused += 1;
      await route.fulfill({ status: 502, contentType: 'text/html', headers: { 'Access-Control-Allow-Origin': '*' }, body: '<html>Bad Gateway</html>' });
      return;
    }
    await route.continue();
  });
  await openMedia(page, `user=${encodeURIComponent(server().user.user_id)}`);
  const alert = page.getByRole('alert').filter({ hasText: 'HTTP 502' });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('media-summary')).toContainText('file(s)');
  await expect(alert).toHaveCount(0);
  expect(refused).toBe(1);
});

test('a bulk action on 50 files puts every one in the new state', async ({ page }) => {
  const user = await freshUser(`bulk${Date.now()}`);
  const uris = [];
  for (let i = 0; i < 50; i += 1) {
    uris.push(await upload(user.token, `bulk-${i}.bin`, uniqueBytes(`bulk ${i}`), 'application/octet-stream'));
  }
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  await expect(page.getByTestId('media-summary')).toContainText('50 file(s)');
  await page.getByLabel('Select all on this page').check();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('50 selected');
  // Cancel keeps the selection and sends nothing.
  await page.getByRole('button', { name: 'Quarantine selected', exact: true }).click();
  await page.getByRole('dialog', { name: 'Quarantine 50 files?' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('50 selected');
  await page.getByRole('button', { name: 'Quarantine selected', exact: true }).click();
  // Slow each request a little (they still reach the real Synapse) so progress can be seen.
  await page.route('**/_synapse/admin/v1/media/quarantine/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await route.continue();
  });
  await page.getByRole('dialog').getByRole('button', { name: 'Quarantine 50 files' }).click();
  await expect(page.getByRole('progressbar')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /\d+ \/ 50 done/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '50 quarantined.' })).toBeVisible({ timeout: 30_000 });
  for (const mxc of uris) {
    expect((await mediaInfo(mxc, { owner: user.id })).info.quarantined_by, mxc).not.toBeNull();
  }
  await expect(page.locator('table.media tbody tr').filter({ hasText: 'quarantined' })).toHaveCount(50);
  await page.unroute('**/_synapse/admin/v1/media/quarantine/**');

  // A run empties the selection. Releasing destroys nothing: it runs at once.
  await expect(page.getByRole('group', { name: 'Selected files' })).toHaveCount(0);
  await page.getByLabel('Select all on this page').check();
  await page.getByRole('button', { name: 'Unquarantine selected', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '50 released from quarantine.' })).toBeVisible({ timeout: 30_000 });
  for (const mxc of uris) {
    expect((await mediaInfo(mxc, { owner: user.id })).info.quarantined_by, mxc).toBeNull();
  }

  // Two files chosen row by row; a choice undone; then deleted after the confirmation.
  await page.getByLabel('Select bulk-9.bin').check();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await expect(page.getByRole('group', { name: 'Selected files' })).toHaveCount(0);
  await expect(page.getByLabel('Select bulk-9.bin')).not.toBeChecked();
  await page.getByLabel('Select bulk-7.bin').check();
  await page.getByLabel('Select bulk-8.bin').check();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('2 selected');
  await page.getByRole('button', { name: 'Delete selected', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('2 selected');
  await page.getByRole('button', { name: 'Delete selected', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Delete 2 files/ }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 deleted.' })).toBeVisible();
  const left = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=100`);
  expect(left.json.total).toBe(48);
  expect(left.json.media.map((m) => m.upload_name)).not.toContain('bulk-7.bin');

  // The whole user's media, through Synapse's own endpoint (Cancel first: nothing happens).
  await page.getByRole('button', { name: `Quarantine all media of ${user.id}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: `Quarantine all media of ${user.id}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Quarantine/ }).click();
  await expect(page.locator('table.media tbody tr').filter({ hasText: 'quarantined' })).toHaveCount(48);
  const quarantined = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=100`);
  expect(quarantined.json.media.filter((m) => m.quarantined_by).length).toBe(48);
});

test('deleting all of a user\'s media, over 100 files, leaves none', async ({ page }) => {
  const user = await freshUser(`many${Date.now()}`);
  for (let i = 0; i < 105; i += 1) {
    await upload(user.token, `many-${i}.bin`, uniqueBytes(`many ${i}`), 'application/octet-stream');
  }
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  await expect(page.getByTestId('media-summary')).toContainText('105 file(s).');

  // Paging: forward, to the end, back, to the start; every file on exactly one page.
  const pager = page.getByRole('navigation', { name: 'Files pages' });
  const position = pager.getByRole('status');
  const names = async () => page.locator('table.media tbody tr[aria-rowindex]').evaluateAll(
    (rows) => rows.map((r) => r.textContent.match(/many-\d+\.bin/)?.[0]),
  );
  await expect(position).toHaveText('Files 1–50 of 105 (page 1 of 3)');
  await expect(pager.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  const seen = await names();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(position).toHaveText('Files 51–100 of 105 (page 2 of 3)');
  await expect(page.locator('table.media tbody tr[aria-rowindex]').first()).not.toContainText(seen[0]);
  seen.push(...await names());
  await pager.getByRole('button', { name: 'Last page' }).click();
  await expect(position).toHaveText('Files 101–105 of 105 (page 3 of 3)');
  await expect(pager.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await expect(page.locator('table.media tbody tr[aria-rowindex]')).toHaveCount(5);
  seen.push(...await names());
  expect(new Set(seen).size, 'each file on exactly one page').toBe(105);
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(position).toHaveText('Files 51–100 of 105 (page 2 of 3)');
  await pager.getByRole('button', { name: 'First page' }).click();
  await expect(position).toHaveText('Files 1–50 of 105 (page 1 of 3)');
  expect(await seriousA11yViolations(page), 'media list with its pager').toEqual([]);
  // Every file of the list, not only this page's, can be selected at once.
  await page.getByRole('button', { name: 'Select all 105 files in the list' }).click();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('105 selected');
  await page.getByRole('button', { name: 'Clear selection' }).click();

  await page.getByRole('button', { name: `Delete all media of ${user.id}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: `Delete all media of ${user.id}` })).toBeFocused();
  expect((await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=1`)).json.total).toBe(105);
  await page.getByRole('button', { name: `Delete all media of ${user.id}` }).click();
  await expect(page.getByRole('dialog')).toContainText('Protected files are deleted too');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete all 105 files' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 105 file(s); none is left.' })).toBeVisible({ timeout: 30_000 });
  const left = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media`);
  expect(left.json.total).toBe(0);
  await expect(page.getByTestId('media-summary')).toHaveText('No media.');
});

test('a 1,000-row page: a row far down acts on its own file, and a bulk action covers the full page', async ({ page }) => {
  test.setTimeout(180_000);
  const user = await freshUser(`thousand${Date.now()}`);
  const names = [];
  for (let i = 0; i < 1000; i += 1) {
    const name = `row-${String(i).padStart(4, '0')}.bin`;
    names.push(name);
    await upload(user.token, name, uniqueBytes(`row ${i}`), 'application/octet-stream');
  }
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  await page.getByLabel('Per page').selectOption('1000');
  await expect(page.getByTestId('media-summary')).toContainText('1,000 file(s).');
  // Newest first: the oldest file is the last row, drawn only once scrolled to (the
  // list's full height is known once its rows are in).
  const last = names[0];
  const deleteLast = page.getByRole('button', { name: `Delete ${last}` });
  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(deleteLast).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await page.screenshot({ path: '.work/e2e/results/media-1000-rows-end.png' });
  await deleteLast.click();
  await page.getByRole('dialog').getByRole('button', { name: `Delete ${last}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${last} is deleted.` })).toBeVisible();
  const left = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=1000`);
  expect(left.json.total).toBe(999);
  expect(left.json.media.map((m) => m.upload_name)).not.toContain(last);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByLabel('Select all on this page').check();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('999 selected');
  // Protecting destroys nothing: it runs at once, no confirmation.
  await page.getByRole('button', { name: 'Protect selected', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '999 protected.' })).toBeVisible({ timeout: 60_000 });
  const after = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=1000`);
  expect(after.json.media.filter((m) => m.safe_from_quarantine).length).toBe(999);
  await page.getByLabel('Select all on this page').check();
  await expect(page.getByRole('group', { name: 'Selected files' })).toContainText('999 selected');
  // A run can be stopped: what was done is said, and is exactly what the server holds.
  await page.getByRole('button', { name: 'Unprotect selected', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const stopped = page.getByRole('status').filter({ hasText: /not started \(cancelled\)/ });
  await expect(stopped).toBeVisible({ timeout: 60_000 });
  const released = Number((await stopped.innerText()).match(/^(\d+) no longer protected/)[1]);
  expect(released).toBeLessThan(999);
  const still = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(user.id)}/media?limit=1000`);
  expect(still.json.media.filter((m) => m.safe_from_quarantine).length).toBe(999 - released);
});

test('previews load as blob URLs for rows on screen only; quarantined media has none', async ({ page }) => {
  const user = await freshUser(`thumbs${Date.now()}`);
  const uris = [];
  for (let i = 0; i < 14; i += 1) {
    uris.push(await upload(user.token, `pic-${i}.png`, makePng(40 + i, 30, [i * 15, 100, 200 - i * 10])));
  }
  await api('POST', `/_synapse/admin/v1/media/quarantine/${uris[13].replace('mxc://', '')}`, { body: {} });
  const thumbnails = [];
  page.on('request', (r) => r.url().includes('/_matrix/client/v1/media/thumbnail/') && thumbnails.push(r.url()));
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  // Newest first: pic-13 (quarantined) is the first row.
  await expect(page.getByRole('row', { name: /pic-13\.png/ })).toContainText('No preview: quarantined');
  // The list starts below the fold: nothing is fetched until it is scrolled to.
  await page.waitForTimeout(500);
  expect(thumbnails, 'no preview is fetched off screen').toEqual([]);
  await page.getByRole('button', { name: 'Preview pic-12.png' }).scrollIntoViewIfNeeded();
  const firstImage = page.getByRole('button', { name: 'Preview pic-12.png' }).locator('img');
  await expect(firstImage).toHaveAttribute('src', /^blob:/);
  await page.waitForTimeout(500);
  const onScreen = await page.locator('.thumb').evaluateAll((els) => els.filter((el) => {
    const box = el.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }).length);
  expect(thumbnails.length, 'only rows on screen are fetched').toBeLessThanOrEqual(onScreen);
  expect(thumbnails.length).toBeLessThan(13);
  await page.getByRole('button', { name: 'Preview pic-0.png' }).scrollIntoViewIfNeeded();
  await expect(page.getByRole('button', { name: 'Preview pic-0.png' }).locator('img')).toHaveAttribute('src', /^blob:/);

  await page.getByRole('button', { name: 'Preview pic-0.png' }).click();
  const dialog = page.getByRole('dialog', { name: 'Preview of pic-0.png' });
  await expect(dialog.getByRole('img')).toHaveAttribute('src', /^blob:/);
  expect(await seriousA11yViolations(page), 'media page with a preview open').toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Preview pic-0.png' })).toBeFocused();
  await page.getByRole('button', { name: 'Preview pic-1.png' }).click();
  await page.getByRole('dialog', { name: 'Preview of pic-1.png' }).getByRole('button', { name: 'Close preview' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Preview pic-1.png' })).toBeFocused();
});

test('previews take the path every request takes: a 429 is waited out, a 401 ends the session', async ({ page }) => {
  const user = await freshUser(`limits${Date.now()}`);
  for (let i = 0; i < 2; i += 1) {
    await upload(user.token, `lim-${i}.png`, makePng(30 + i, 30, [200, 40 * i, 90]));
  }
  const other = await freshUser(`expiry${Date.now()}`);
  await upload(other.token, 'exp-0.png', makePng(33, 33, [10, 200, 10]));
  // The first preview asked for is refused once as rate-limited, then served.
  const asked = [];
  let limited = false;
  await page.route('**/_matrix/client/v1/media/thumbnail/**', async (route) => {
    asked.push(route.request().url());
    if (!limited) {
      limited = true;
      await route.fulfill({ status: 429, contentType: 'application/json',
        body: JSON.stringify({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 400 }) });
      return;
    }
    await route.continue();
  });
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  for (const name of ['lim-1.png', 'lim-0.png']) {
    const button = page.getByRole('button', { name: `Preview ${name}` });
    await button.scrollIntoViewIfNeeded();
    await expect(button.locator('img')).toHaveAttribute('src', /^blob:/);
  }
  expect(limited).toBe(true);
  expect(asked.length, 'the refused preview was asked again').toBe(3);

  // A token the server no longer takes, seen first on a preview: the session ends.
  await page.unroute('**/_matrix/client/v1/media/thumbnail/**');
  await page.route('**/_matrix/client/v1/media/thumbnail/**', (route) => route.fulfill({ status: 401,
    contentType: 'application/json', body: JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' }) }));
  await page.goto(consoleUrl(`/media?user=${encodeURIComponent(other.id)}`));
  await page.getByRole('button', { name: 'Preview exp-0.png' }).scrollIntoViewIfNeeded().catch(() => {});
  await expect(page.getByRole('alert').filter({ hasText: 'session has expired' })).toBeVisible();
  await expect(page.getByLabel('Homeserver')).toBeVisible();
});

test('a Synapse restart during a bulk action: the failed files are named and "retry" redoes only those', async ({ page }) => {
  const user = await freshUser(`restart${Date.now()}`);
  const uris = [];
  for (let i = 0; i < 20; i += 1) {
    uris.push(await upload(user.token, `restart-${i}.bin`, uniqueBytes(`restart ${i}`), 'application/octet-stream'));
  }
  await openMedia(page, `user=${encodeURIComponent(user.id)}`);
  await expect(page.getByTestId('media-summary')).toContainText('20 file(s)');
  await page.getByLabel('Select all on this page').check();
  await page.getByRole('button', { name: 'Quarantine selected', exact: true }).click();
  // Slow requests, so that Synapse goes down while the run is half done.
  await page.route('**/_synapse/admin/v1/media/quarantine/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue().catch(() => {});
  });
  await page.getByRole('dialog').getByRole('button', { name: 'Quarantine 20 files' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^([4-9]|1\d) \/ 20 done/ })).toBeVisible();
  synapse('stop');
  let failed;
  try {
    const summary = page.getByRole('status').filter({ hasText: /quarantined, \d+ failed\./ });
    await expect(summary).toBeVisible({ timeout: 30_000 });
    failed = Number((await summary.innerText()).match(/(\d+) failed/)[1]);
    expect(failed).toBeGreaterThan(0);
    await expect(page.getByRole('alert').filter({ hasText: 'These failed:' }).getByRole('listitem')).toHaveCount(failed);
  } finally {
    const back = synapse('start');
    expect(back.port).toBe(server().port);
  }
  const before = [];
  for (const mxc of uris) before.push((await mediaInfo(mxc, { owner: user.id })).info.quarantined_by !== null);
  // A request cut off by the stop may still have been done: at most `failed` are left.
  expect(before.filter((q) => !q).length).toBeLessThanOrEqual(failed);

  const retried = [];
  page.on('request', (r) => r.url().includes('/media/quarantine/') && retried.push(r.url()));
  await page.getByRole('button', { name: `Retry the ${failed} that failed (quarantine)` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${failed} quarantined.` })).toBeVisible({ timeout: 30_000 });
  expect(retried, 'only the failed files are sent again').toHaveLength(failed);
  for (const mxc of uris) expect((await mediaInfo(mxc, { owner: user.id })).info.quarantined_by, mxc).not.toBeNull();
});

test('a user search pages through every match, and an empty one lists every user', async ({ page }) => {
  const tag = `srch${Date.now().toString(36)}`;
  const ids = [];
  for (let i = 0; i < 25; i += 1) ids.push((await freshUser(`${tag}${String(i).padStart(2, '0')}`)).id);
  await openMedia(page, `user=${encodeURIComponent(server().user.user_id)}`);
  await page.getByText('Search users by name').click();
  await page.getByLabel('User name or display name').fill(tag);
  await page.getByRole('button', { name: 'Search users' }).click();
  await expect(page.getByRole('status').filter({ hasText: '25 user(s) found.' })).toBeVisible();
  const pager = page.getByRole('navigation', { name: 'Users pages' });
  const shown = page.locator('details ul.results code');
  await expect(pager).toContainText('Users 1–20 of 25 (page 1 of 2)');
  await expect(shown).toHaveCount(20);
  const seen = await shown.allTextContents();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toContainText('Users 21–25 of 25 (page 2 of 2)');
  await expect(shown).toHaveCount(5);
  seen.push(...await shown.allTextContents());
  expect([...new Set(seen)].sort()).toEqual([...ids].sort());

  // Empty: every (active) user on the server, as many as the admin API counts.
  const all = await api('GET', '/_synapse/admin/v2/users?limit=1');
  await page.getByLabel('User name or display name').fill('');
  await page.getByRole('button', { name: 'Search users' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${all.json.total.toLocaleString('en-US')} user(s) found.` })).toBeVisible();
  await expect(pager).toContainText('(page 1 of');
  // A match's link lists that user's media.
  await page.getByLabel('User name or display name').fill(`${tag}03`);
  await page.getByRole('button', { name: 'Search users' }).click();
  await page.getByRole('link', { name: `Show media of ${ids[3]}` }).click();
  await expect.poll(() => decodeURIComponent(page.url())).toContain(`user=${ids[3]}`);
  await expect(page.getByTestId('media-summary')).toHaveText('No media.');
});
