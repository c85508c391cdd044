// Single sign-on (m.login.sso) against a Synapse with password login off and an OpenID
// Connect provider in front of it (tests/e2e/oidc-provider.mjs), both started here on
// 127.0.0.1 and stopped by PID. See tests/e2e/AUTH-SERVERS.md for what each side does.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consoleUrl, expect, sessionStorageOf, test } from './fixtures.js';
import { killPid, ROOT, startServer, synapseAt, WORK } from './harness.js';
import { synapseSsoConfig } from './oidc-provider.mjs';

const DIR = path.join(WORK, 'sso');
const PENDING = 'synapse-console.pending-sign-in';
const SESSION = 'synapse-console.session';
let idp;
let hs;

// The provider's (_session, _interaction…) and Synapse's (oidc_session…) cookies.
test.use({ authServerCookies: /^(_session|_interaction|oidc_session)/ });

test.beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // The provider first: Synapse reads its discovery document at startup.
  idp = await startServer(path.join(ROOT, 'tests', 'e2e', 'oidc-provider.mjs'), ['--port', '0']);
  const config = path.join(DIR, 'sso.json');
  writeFileSync(config, JSON.stringify(synapseSsoConfig({ issuer: idp.url })));
  hs = synapseAt(path.join(DIR, 'synapse'), 'start', '--extra-config', config);
  // sso-admin exists as an admin before its first sign-in (allow_existing_users takes it over).
  const made = await call('PUT', '/_synapse/admin/v2/users/@sso-admin:localhost', { admin: true });
  expect(made.status).toBe(201);
});

test.afterAll(() => {
  if (hs) synapseAt(path.join(DIR, 'synapse'), 'stop');
  if (idp) killPid(idp.pid);
});

async function call(method, route, body, token = hs.admin.access_token) {
  const res = await fetch(hs.base_url + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** The sign-in page, asked about this homeserver (leaving the field asks it). */
async function chooseHomeserver(page) {
  await page.goto(consoleUrl('/'));
  await page.getByLabel('Homeserver').fill(hs.base_url);
  await page.getByLabel('Homeserver').press('Tab');
  await expect(page.getByRole('button', { name: 'Continue with Test SSO' })).toBeVisible();
}

/** Signs in at the provider's own page, as a person would. */
async function atProvider(page, user, password) {
  await expect(page).toHaveURL(new RegExp(`^${idp.url}/interaction/`));
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const devicesOf = async (user) => (await call('GET', `/_synapse/admin/v2/users/${user}/devices`)).json.devices;

test('a server without passwords offers its provider and the pasted token, and SSO signs in, survives a reload and signs out', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await chooseHomeserver(page);
  await expect(page.getByLabel('User name and password')).toHaveCount(0);
  await expect(page.getByLabel('Access token')).toBeVisible();

  await page.getByRole('button', { name: 'Continue with Test SSO' }).click();
  await atProvider(page, 'sso-admin', 'sso-admin-pass');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('@sso-admin:localhost');

  // The login token came back in the address and left it at once, unstored.
  expect(requests.some((u) => u.includes('loginToken='))).toBe(true);
  expect(page.url()).not.toMatch(/loginToken|sso=/);
  const stored = await sessionStorageOf(page);
  expect(stored).not.toHaveProperty(PENDING);
  expect(JSON.stringify(stored)).not.toMatch(/syl_/);
  const session = JSON.parse(stored[SESSION]);
  expect(session.method).toBe('single_sign_on');
  // Checked on the server: the session is a device of @sso-admin with a working token.
  expect((await call('GET', '/_matrix/client/v3/account/whoami', undefined, session.access_token)).json.user_id)
    .toBe('@sso-admin:localhost');

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();
  expect(await sessionStorageOf(page)).toEqual({});
  expect((await call('GET', '/_matrix/client/v3/account/whoami', undefined, session.access_token)).status).toBe(401);
});

test('a non-admin who signs in through SSO is refused, and the session it got is ended', async ({ page }) => {
  await chooseHomeserver(page);
  await page.getByRole('button', { name: 'Continue with Test SSO' }).click();
  await atProvider(page, 'sso-user', 'sso-user-pass');
  await expect(page.getByRole('alert').filter({ hasText: 'is not a server admin' }))
    .toContainText('@sso-user:localhost');
  await expect(page).toHaveURL(consoleUrl('/signin'));
  expect(await sessionStorageOf(page)).toEqual({});
  expect(await devicesOf('@sso-user:localhost'), 'the refused session was logged out').toEqual([]);
});

test('a cancelled single sign-on is explained when the admin comes back', async ({ page }) => {
  await chooseHomeserver(page);
  await page.getByRole('button', { name: 'Continue with Test SSO' }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.url}/interaction/`));
  await page.getByRole('button', { name: 'Cancel' }).click();
  // Synapse shows its own error page: nothing comes back to the console by itself.
  await expect(page.getByText('The user cancelled the sign-in')).toBeVisible();
  await page.goto(consoleUrl('/signin'));
  await expect(page.getByRole('alert').filter({ hasText: 'Single sign-on did not finish' })).toBeVisible();
  expect(await sessionStorageOf(page)).not.toHaveProperty(PENDING);
});

test('a login token this tab did not ask for is not used, and leaves the address bar', async ({ page }) => {
  const logins = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/_matrix/client/v3/login')) logins.push(r.url());
  });
  await page.goto(consoleUrl('/signin?sso=forged&loginToken=syl_planted_by_someone_else'));
  await expect(page.getByRole('alert').filter({ hasText: 'not from a sign-in started in this tab' })).toBeVisible();
  expect(page.url()).not.toMatch(/loginToken/);
  expect(logins).toEqual([]);
});
