// Signing in against the real Synapse: each way in, and each way of being refused.
import {
  ADMIN, ALICE, api, consoleUrl, devicesOf, expect, fillTabStorage, freshToken, server,
  sessionStorageOf, signInWithPassword, signInWithToken, test, tokenIsValid,
} from './fixtures.js';

test('token sign-in shows the server, version and admin, with counts from the API', async ({ page }) => {
  const token = await freshToken();
  await page.goto(consoleUrl('/'));
  await expect(page).toHaveURL(/\/signin$/);
  await signInWithToken(page, token);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const header = page.getByRole('banner');
  await expect(header).toContainText('localhost');
  await expect(header).toContainText(`Synapse ${server().version}`);
  await expect(header).toContainText(ADMIN.id);
  const rooms = await api('GET', '/_synapse/admin/v1/rooms?limit=1');
  const users = await api('GET', '/_synapse/admin/v2/users?limit=1');
  await expect(page.getByTestId('room-count')).toHaveText(String(rooms.json.total_rooms));
  await expect(page.getByTestId('user-count')).toHaveText(String(users.json.total));
  const stored = JSON.parse((await sessionStorageOf(page))['synapse-console.session']);
  expect(stored.access_token).toBe(token);
  expect(stored.method).toBe('pasted_token');
  expect(stored.user_id).toBe(ADMIN.id);
});

test('password sign-in makes a device named for the console', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const stored = JSON.parse((await sessionStorageOf(page))['synapse-console.session']);
  expect(stored.method).toBe('password');
  const devices = await devicesOf(ADMIN.id);
  const mine = devices.find((d) => d.device_id === stored.device_id);
  expect(mine?.display_name).toContain('Synapse Console');
});

test('a non-admin is refused, nothing is stored, and the device it made is removed', async ({ page }) => {
  const before = (await devicesOf(ALICE.id)).length;
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page, ALICE);
  await expect(page.getByRole('alert').filter({ hasText: 'is not a server admin' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'is not a server admin' })).toContainText(ALICE.id);
  expect(await sessionStorageOf(page)).not.toHaveProperty('synapse-console.session');
  await expect.poll(async () => (await devicesOf(ALICE.id)).length).toBe(before);
});

test('a session the full tab storage cannot keep is said, and leaves no device behind', async ({ page }) => {
  const before = (await devicesOf(ADMIN.id)).map((d) => d.device_id).sort();
  await page.goto(consoleUrl('/signin'));
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await fillTabStorage(page);
  await signInWithPassword(page);
  await expect(page.getByRole('alert').filter({ hasText: 'would not let the console keep the session' })).toBeVisible();
  await expect.poll(async () => (await devicesOf(ADMIN.id)).map((d) => d.device_id).sort()).toEqual(before);
  await expect(page.getByRole('heading', { name: 'Overview' })).toHaveCount(0);
});

test('a bad token is refused at the token field', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await signInWithToken(page, 'syt_not_a_real_token_at_all');
  const field = page.getByLabel('Access token', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#token-error')).toContainText('does not accept this access token');
  expect(await sessionStorageOf(page)).not.toHaveProperty('synapse-console.session');
});

test('a wrong password is refused at the password field', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page, { user: 'admin', password: 'wrong-password' });
  await expect(page.locator('#password-error')).toContainText('Wrong user name or password');
  expect(await sessionStorageOf(page)).not.toHaveProperty('synapse-console.session');
});

test('an unreachable server is refused with a word about proxies and CORS', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  // Port 9 (discard) is closed on loopback here.
  await signInWithPassword(page, ADMIN, 'http://127.0.0.1:9');
  const message = page.locator('#homeserver-error');
  await expect(message).toContainText('Could not reach http://127.0.0.1:9');
  await expect(message).toContainText('CORS');
});

test('bad input is caught before any request is sent', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  const sent = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(consoleUrl(''))) sent.push(r.url());
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#homeserver-error')).toContainText('Enter your homeserver');
  await expect(page.locator('#user-error')).toContainText('Enter your user name');
  await page.getByLabel('Homeserver').fill('not a server');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#homeserver-error')).toContainText('neither a URL nor a server name');
  await page.screenshot({ path: '.work/e2e/results/sign-in-refused-input.png' });
  // Each way in asks for its own credential, and refuses it missing.
  await page.getByLabel('A pasted access token').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#token-error')).not.toBeEmpty();
  await page.getByLabel('User name and password').check();
  await expect(page.getByLabel('Access token', { exact: true })).toBeHidden();
  await expect(page.getByLabel('User name', { exact: true })).toBeVisible();
  expect(sent).toEqual([]);
});

test('the whole sign-in works by keyboard alone', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await page.getByLabel('Homeserver').focus();
  await page.keyboard.type(server().base_url);
  await page.keyboard.press('Tab'); // the first radio (password, already chosen)
  await page.keyboard.press('Tab'); // user name
  await page.keyboard.type(ADMIN.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toBeVisible();
});
