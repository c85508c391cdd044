// OAuth 2.0 sign-in where Synapse delegates authentication to MAS
// (`matrix_authentication_service`): discovery, registration, authorization code with
// PKCE, refresh before expiry, revocation on sign-out. The authorization server is
// tests/e2e/mas-server.mjs (why not the real MAS: tests/e2e/AUTH-SERVERS.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consoleUrl, expect, sessionStorageOf, test } from './fixtures.js';
import { killPid, ROOT, startServer, synapseAt, WORK } from './harness.js';
import { synapseMasConfig } from './mas-server.mjs';

const DIR = path.join(WORK, 'mas');
const SECRET = 'mas-e2e-shared-secret';
const SESSION = 'synapse-console.session';
const PENDING = 'synapse-console.pending-sign-in';
// Tokens live 65 s; the console refreshes a minute before expiry, so after 5 s.
const TOKEN_TTL_S = 65;
let mas;
let hs;

test.use({ authServerCookies: /^_mas_/ });

test.beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  mas = await startServer(path.join(ROOT, 'tests', 'e2e', 'mas-server.mjs'),
    ['--port', '0', '--secret', SECRET, '--access-token-ttl', String(TOKEN_TTL_S)]);
  const config = path.join(DIR, 'mas.json');
  writeFileSync(config, JSON.stringify(synapseMasConfig({ endpoint: `${mas.url}/`, secret: SECRET })));
  hs = synapseAt(path.join(DIR, 'synapse'), 'start', '--extra-config', config);
  // mas-server provisions users and devices on Synapse, as MAS does.
  const told = await fetch(`${mas.url}/_test/homeserver`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${SECRET}` },
    body: JSON.stringify({ url: hs.base_url }),
  });
  expect(told.status).toBe(204);
});

test.afterAll(() => {
  if (hs) synapseAt(path.join(DIR, 'synapse'), 'stop');
  if (mas) killPid(mas.pid);
});

const whoami = async (token) => {
  const res = await fetch(`${hs.base_url}/_matrix/client/v3/account/whoami`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, json: await res.json().catch(() => null) };
};

const issuerHost = () => new URL(mas.url).host;

async function chooseHomeserver(page) {
  await page.goto(consoleUrl('/'));
  await page.getByLabel('Homeserver').fill(hs.base_url);
  await page.getByLabel('Homeserver').press('Tab');
  await expect(page.getByRole('button', { name: `Continue with ${issuerHost()}` })).toBeVisible();
}

async function atAuthorizationServer(page, user, password) {
  await expect(page).toHaveURL(new RegExp(`^${mas.url}/`));
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an admin signs in with OAuth; the token is refreshed before expiry and revoked on sign-out', async ({ page }) => {
  const oauthCalls = [];
  page.on('request', (r) => {
    // The console's own calls (the sign-in and consent forms post to /interaction).
    if (r.url().startsWith(`${mas.url}/oauth2/`) && r.method() === 'POST') {
      oauthCalls.push({ url: new URL(r.url()).pathname, body: r.postData() ?? '' });
    }
  });
  await chooseHomeserver(page);
  // Password logins there are compatibility sessions without admin rights: not offered.
  await expect(page.getByLabel('User name and password')).toHaveCount(0);
  await expect(page.getByText('issue-compatibility-token')).toBeVisible();

  await page.getByRole('button', { name: `Continue with ${issuerHost()}` }).click();
  await atAuthorizationServer(page, 'mas-admin', 'mas-admin-pass');
  await page.getByRole('button', { name: 'Continue' }).click(); // consent
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('@mas-admin:localhost');
  expect(page.url()).not.toMatch(/code=|state=/);

  // Registered as a public client, then the code exchanged with its PKCE verifier.
  expect(oauthCalls.map((c) => c.url)).toEqual(['/oauth2/registration', '/oauth2/token']);
  expect(oauthCalls[1].body).toMatch(/grant_type=authorization_code/);
  expect(oauthCalls[1].body).toMatch(/code_verifier=/);
  const stored = await sessionStorageOf(page);
  expect(stored).not.toHaveProperty(PENDING);
  const first = JSON.parse(stored[SESSION]);
  expect(first.method).toBe('oauth');
  expect(first.oauth.refresh_token).toBeTruthy();
  expect((await whoami(first.access_token)).json.user_id).toBe('@mas-admin:localhost');

  // The refresh is driven by the token's lifetime, which is what is under test.
  await page.waitForTimeout(6_000);
  // The storage page asks the server at once (statistics).
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Storage' }).click();
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
  await expect.poll(() => oauthCalls.filter((c) => /grant_type=refresh_token/.test(c.body)).length).toBe(1);
  // The request is seen before its answer is kept: wait for the new session in storage.
  const current = async () => JSON.parse((await sessionStorageOf(page))[SESSION]);
  await expect.poll(async () => (await current()).access_token).not.toBe(first.access_token);
  const refreshed = await current();
  expect(refreshed.access_token).not.toBe(first.access_token);
  expect(refreshed.oauth.refresh_token).not.toBe(first.oauth.refresh_token);
  expect((await whoami(refreshed.access_token)).status).toBe(200);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();
  expect(oauthCalls.at(-1).url).toBe('/oauth2/revoke');
  expect(await sessionStorageOf(page)).toEqual({});
  // Revoking ends the whole session at MAS, and its device on Synapse: refused at once.
  expect((await whoami(refreshed.access_token)).status).toBe(401);
});

test('an account not allowed to request admin is told how to get admin rights', async ({ page }) => {
  await chooseHomeserver(page);
  await page.getByRole('button', { name: `Continue with ${issuerHost()}` }).click();
  await atAuthorizationServer(page, 'mas-user', 'mas-user-pass');
  // MAS's policy refuses the admin scope on its own page; Cancel returns access_denied.
  await expect(page.getByText(/denied by the policy/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'did not sign you in' });
  await expect(alert).toContainText('mas-cli manage promote-admin');
  expect(page.url()).not.toMatch(/error=|state=/);
  expect(await sessionStorageOf(page)).toEqual({});
});

test('an authorization code this tab did not ask for is not exchanged', async ({ page }) => {
  const exchanges = [];
  page.on('request', (r) => {
    if (r.url().includes('/oauth2/token')) exchanges.push(r.url());
  });
  await page.goto(consoleUrl('/signin?code=planted&state=someone-elses'));
  await expect(page.getByRole('alert').filter({ hasText: 'not from a sign-in started in this tab' })).toBeVisible();
  expect(page.url()).not.toMatch(/code=/);
  expect(exchanges).toEqual([]);
});
