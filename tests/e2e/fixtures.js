// Shared by every spec: the running Synapse, API helpers that check results on the
// server, UI helpers that act as a person does (by label and role), and the security
// invariants asserted after every test.
import { test as base, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { PYTHON } from './harness.js';
import { saveControls, watchControls } from './controls.js';

export { expect };

export const server = () => JSON.parse(process.env.SYNAPSE_STATE);
export const consoleUrl = (path = '/') => process.env.CONSOLE_URL + path;
export const ADMIN = { user: 'admin', password: 'admin-pass-123', id: '@admin:localhost' };
export const ALICE = { user: 'alice', password: 'alice-pass-123', id: '@alice:localhost' };

/** Calls Synapse directly (not through the console) to check what really happened. */
export async function api(method, path, { token = server().admin.access_token, body, baseUrl = server().base_url } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

/** A fresh token (its own device), so a test may log it out without harming others. */
export async function freshToken({ user, password } = ADMIN) {
  const res = await api('POST', '/_matrix/client/v3/login', {
    token: null,
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password },
  });
  expect(res.status).toBe(200);
  return res.json.access_token;
}

export async function tokenIsValid(token) {
  return (await api('GET', '/_matrix/client/v3/account/whoami', { token })).status === 200;
}

export async function devicesOf(userId) {
  const res = await api('GET', `/_synapse/admin/v2/users/${encodeURIComponent(userId)}/devices`);
  expect(res.status).toBe(200);
  return res.json.devices;
}

export async function signInWithPassword(page, { user, password } = ADMIN, homeserver = server().base_url) {
  await page.getByLabel('Homeserver').fill(homeserver);
  await page.getByLabel('User name and password').check();
  await page.getByLabel('User name', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInWithToken(page, token, homeserver = server().base_url) {
  await page.getByLabel('Homeserver').fill(homeserver);
  // Leaving the field asks the server what it offers; where it takes no password the
  // choice goes away (the token is then the only way), maybe under the click.
  await expect(async () => {
    const choice = page.getByLabel('A pasted access token');
    if (await choice.count()) await choice.check({ timeout: 1_000 });
    await expect(page.getByLabel('Access token', { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await page.getByLabel('Access token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function sessionStorageOf(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
}

/** Serious or critical axe-core violations on the page as it is now. */
export async function seriousA11yViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Reports every Content-Security-Policy violation in the context's pages to `record`:
 * a `securitypolicyviolation` listener added before any page script (Playwright's
 * init scripts and bindings are not subject to the page's policy).
 */
async function watchCsp(context, record) {
  await context.exposeBinding('__reportCspViolation', (_source, violation) => record(violation));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        at: `${e.sourceFile}:${e.lineNumber}`,
        sample: e.sample,
      });
    }, true);
  });
}

export const test = base.extend({
  /**
   * The test's Content-Security-Policy violations so far, as the page reported them
   * (`{ directive, blocked, at, sample }`) or as Chromium logged them (`{ log }`).
   * Any left at the end fails the test: a test that provokes one on purpose removes it.
   */
  cspViolations: async ({}, use) => {
    await use([]);
  },
  /**
   * Cookies a spec's identity provider or authorization server sets (by name). Cookies
   * ignore ports, so theirs on 127.0.0.1 would look like the console's; the console
   * itself still may set none.
   */
  authServerCookies: [null, { option: true }],
  page: async ({ page, context, cspViolations, authServerCookies }, use, testInfo) => {
    const urls = [];
    const logs = [];
    await watchCsp(context, (violation) => cspViolations.push(violation));
    const controls = await watchControls(context);
    page.on('request', (request) => urls.push(request.url()));
    page.on('console', (message) => {
      const text = message.text();
      logs.push(text);
      // Chromium's own messages: "Refused to …", and any warning about the policy itself.
      if (/Content Security Policy|Content-Security-Policy|^Refused to /i.test(text)) cspViolations.push({ log: text });
    });
    page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
    await use(page);
    saveControls(controls, testInfo);
    // Every state a test ends in is checked for accessibility too, not only the pages the
    // accessibility tests visit (the console's pages; an identity provider's are not ours).
    const ours = !page.isClosed() && await page.evaluate(() => document.querySelector('script[src*="boot.js"]') !== null)
      .catch(() => false);
    if (ours) expect(await seriousA11yViolations(page), 'accessibility where the test ended').toEqual([]);
    // Invariants, after every test: the app ran under the policy it is deployed with,
    // the token never travels in a URL, never reaches the console log, and nothing is
    // kept outside sessionStorage.
    expect(cspViolations, 'the Content-Security-Policy blocked something').toEqual([]);
    for (const url of urls) {
      expect(url, 'a request URL carries a token').not.toMatch(/access_token|syt_/);
    }
    for (const line of logs) {
      expect(line, 'a log line shows a token').not.toMatch(/syt_/);
      expect(line, 'the app panicked').not.toMatch(/panicked|pageerror/);
    }
    if (!page.isClosed() && page.url().startsWith('http')) {
      expect(await page.evaluate(() => localStorage.length), 'localStorage was written').toBe(0);
      const databases = await page.evaluate(async () => (await indexedDB.databases()).length);
      expect(databases, 'IndexedDB was used').toBe(0);
    }
    const cookies = (await context.cookies()).filter((c) => !authServerCookies?.test(c.name));
    expect(cookies, 'a cookie was set').toEqual([]);
  },
});

/**
 * A fresh public room made by alice, with `count` text messages sent one after another
 * (parallel sends would fork the room's history). Returns the room id and each
 * message's id, timestamp and body, oldest first. `pauseAfter: n` waits 1.5 s after
 * message n, for a clean gap to cut at.
 */
export async function seedRoom(name, count, alias, { pauseAfter } = {}) {
  const alice = server().user.access_token;
  const created = await api('POST', '/_matrix/client/v3/createRoom', {
    token: alice,
    body: { name, preset: 'public_chat', ...(alias ? { room_alias_name: alias } : {}) },
  });
  expect(created.status).toBe(200);
  const roomId = created.json.room_id;
  const messages = [];
  for (let i = 1; i <= count; i += 1) {
    const body = `${name} message ${i}`;
    const txn = `${Date.now()}-${i}-${Math.random().toString(36).slice(2)}`;
    const sent = await api('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, {
      token: alice,
      body: { msgtype: 'm.text', body },
    });
    expect(sent.status).toBe(200);
    messages.push({ id: sent.json.event_id, body });
    if (i === pauseAfter) await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  // Timestamps as the server recorded them.
  const page = await api('GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=1000`);
  const ts = new Map(page.json.chunk.map((e) => [e.event_id, e.origin_server_ts]));
  for (const m of messages) m.ts = ts.get(m.id);
  return { roomId, messages };
}

/** Bodies of the room's text messages the server still shows, oldest first. */
export async function visibleBodies(roomId) {
  const page = await api('GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=1000`);
  expect(page.status).toBe(200);
  return page.json.chunk.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);
}

/** Whether the running Synapse is older than `version` ("1.140.0"). */
export function olderThan(version, actual = server().version) {
  const parts = (v) => v.split(/[.rc]+/).map(Number);
  const [a, b] = [parts(actual), parts(version)];
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** An admin API Synapse does not have (a release older than the endpoint). */
const unrecognized = (res) => [404, 405].includes(res.status) && res.json?.errcode === 'M_UNRECOGNIZED';

/** 200 while the event is still stored (even if hidden from history), 404 once deleted. */
export async function eventStatus(eventId) {
  const res = await api('GET', `/_synapse/admin/v1/fetch_event/${encodeURIComponent(eventId)}`);
  if (!unrecognized(res)) return res.status;
  // Before fetch_event (Synapse 1.120): what the database holds.
  const { database } = server();
  expect(database.engine, 'an old Synapse without fetch_event is checked in its SQLite database').toBe('sqlite');
  const script = 'import sqlite3, sys\n' +
    'db = sqlite3.connect(sys.argv[1])\n' +
    'print(db.execute("SELECT count(*) FROM events WHERE event_id = ?", (sys.argv[2],)).fetchone()[0])';
  const rows = Number(execFileSync(PYTHON, ['-c', script, database.path, eventId], { encoding: 'utf8' }));
  return rows > 0 ? 200 : 404;
}

/** Fills this tab's sessionStorage to the last byte, as a huge saved dry run would. */
export async function fillTabStorage(page) {
  await page.evaluate(() => {
    let key = 0;
    for (let size = 1 << 20; size >= 1; size >>= 1) {
      const chunk = 'x'.repeat(size);
      try {
        for (;;) sessionStorage.setItem(`filler-${key++}`, chunk);
      } catch {
        // this size no longer fits: try half
      }
    }
  });
}

/** Uploads `bytes` as `user` (a token) and returns the mxc URI. */
export async function upload(token, filename, bytes, type = 'image/png', baseUrl = server().base_url) {
  const res = await fetch(`${baseUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body: bytes,
  });
  expect(res.status).toBe(200);
  return (await res.json()).content_uri;
}

/** Status of an authenticated download of `mxc` (as the admin). */
export async function downloadStatus(mxc) {
  const path = mxc.replace('mxc://', '');
  const res = await fetch(`${server().base_url}/_matrix/client/v1/media/download/${path}`, {
    headers: { Authorization: `Bearer ${server().admin.access_token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Media info of `mxc` through the admin API: { status, info }. `on` picks another server
 * ({ baseUrl, token }); `on.owner`, the uploader, spares a search of every user's list on
 * a Synapse older than 1.140.
 */
export async function mediaInfo(mxc, on = {}) {
  const res = await api('GET', `/_synapse/admin/v1/media/${mxc.replace('mxc://', '')}`, on);
  if (!unrecognized(res)) return { status: res.status, info: res.json?.media_info };
  // Before 1.140 (no media info by id): the record in its uploader's media list.
  const id = mxc.split('/').pop();
  let owners = on.owner ? [on.owner] : null;
  if (!owners) {
    const users = await api('GET', '/_synapse/admin/v2/users?limit=10000&guests=true&deactivated=true', on);
    expect(users.status).toBe(200);
    owners = users.json.users.map((u) => u.name);
  }
  for (const owner of owners) {
    const list = await api('GET', `/_synapse/admin/v1/users/${encodeURIComponent(owner)}/media?limit=100000`, on);
    const info = list.json?.media?.find((m) => m.media_id === id);
    if (info) return { status: 200, info };
  }
  return { status: 404, info: undefined };
}

/** A new local user with its own token (for media tests that must not share a list). */
export async function freshUser(localpart) {
  const password = `${localpart}-pass-123`;
  const made = await api('PUT', `/_synapse/admin/v2/users/${encodeURIComponent(`@${localpart}:localhost`)}`, {
    body: { password, admin: false },
  });
  expect([200, 201]).toContain(made.status);
  const token = await freshToken({ user: localpart, password });
  return { id: `@${localpart}:localhost`, token };
}

export { makePng } from './harness.js';
