// Text from the server (room names, message bodies, file names, display names) with
// markup and script in it is shown as text on every page, and nothing of it runs.
import {
  api, consoleUrl, expect, seedRoom, server, signInWithPassword, test, upload,
} from './fixtures.js';

const EVIL = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

/** Nothing injected ran, and no element was made from the text. */
async function nothingRan(page) {
  expect(await page.evaluate(() => window.pwned), 'injected script ran').toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.locator('main script').count()).toBe(0);
}

test('names, bodies and file names with markup are shown as text and never run', async ({ page }) => {
  const name = `Evil ${EVIL} room`;
  const room = await seedRoom(name, 3);
  const alice = server().user.access_token;
  const mxc = await upload(alice, `${EVIL}.png`, Buffer.from(`evil ${Date.now()}`), 'image/png');
  const txn = `${Date.now()}-evil`;
  const sent = await api('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room.roomId)}/send/m.room.message/${txn}`, {
    token: alice,
    body: { msgtype: 'm.image', body: `${EVIL}.png`, url: mxc, format: 'org.matrix.custom.html', formatted_body: EVIL },
  });
  expect(sent.status).toBe(200);

  // Purge history: the room search, the chosen room, and the preview's first kept event.
  await page.goto(consoleUrl('/signin?next=%2Fpurge'));
  await signInWithPassword(page);
  await page.getByLabel('Or search rooms by name').fill('Evil');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Choose ${name}` }).click();
  await expect(page.getByTestId('room-name')).toHaveText(name);
  await page.getByLabel('Older than an event').check();
  await page.getByLabel('First event to keep').fill(room.messages[1].id);
  await page.getByRole('button', { name: 'Preview the purge' }).click();
  await expect(page.getByTestId('first-kept')).toContainText(`${name} message 2`);
  await nothingRan(page);

  // Media: the room's list shows the file name as text.
  await page.goto(consoleUrl(`/media?room=${encodeURIComponent(room.roomId)}`));
  await expect(page.getByRole('row', { name: /Evil|evil|img src=x/ }).first()).toBeVisible();
  await expect(page.getByText(`${EVIL}.png`, { exact: true }).first()).toBeVisible();
  await nothingRan(page);
});
