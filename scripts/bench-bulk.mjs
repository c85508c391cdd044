// Part of `make bench`: a 1,000-file bulk quarantine in the console, served from another
// origin than the homeserver (a CORS preflight before each request) and from the
// homeserver's own origin (README, "On the homeserver's own origin"), side by side on
// the same Synapse and the same files: time from the confirmation to the result.
import { call, makePng } from '../tests/e2e/harness.js';
import { signInAsAdmin } from './bench-env.mjs';

const FILES = 1000;

/** Uploads FILES distinct small PNGs as a new user; returns the user id and the mxc URIs. */
async function seed(server) {
  const base = server.base_url;
  const user = '@bulk:localhost';
  await call(base, 'PUT', `/_synapse/admin/v2/users/${encodeURIComponent(user)}`, server.admin.access_token, { password: 'bulk-pass-123' });
  const { access_token: token } = await call(base, 'POST', `/_synapse/admin/v1/users/${encodeURIComponent(user)}/login`, server.admin.access_token, {});
  const uris = [];
  for (let i = 0; i < FILES; i += 1) {
    const res = await fetch(`${base}/_matrix/media/v3/upload?filename=bulk-${i}.png`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
      body: makePng(4 + (i % 61), 4 + Math.floor(i / 61), [i % 256, (i * 7) % 256, 90]),
    });
    uris.push((await res.json()).content_uri);
  }
  return { user, uris };
}

/** Quarantines every file of `user` from the console at `web`; returns the ms it took. */
async function quarantineAll(browser, web, server, user, { at = '', homeserver }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const preflights = [];
  const client = await context.newCDPSession(page);
  await client.send('Network.enable');
  client.on('Network.requestWillBeSent', (e) => e.request.method === 'OPTIONS' && preflights.push(e.request.url));
  await signInAsAdmin(page, web, server, `/media?user=${encodeURIComponent(user)}`, { at, homeserver });
  await page.getByTestId('media-summary').waitFor();
  await page.getByLabel('Per page').selectOption(String(FILES));
  // The whole list on one page: the pager goes.
  await page.getByRole('navigation', { name: 'Files pages' }).waitFor({ state: 'detached' });
  await page.getByLabel('Select all on this page').check();
  await page.getByRole('button', { name: 'Quarantine selected', exact: true }).click();
  const t0 = Date.now();
  await page.getByRole('dialog').getByRole('button', { name: `Quarantine ${FILES} files` }).click();
  await page.getByRole('status').filter({ hasText: `${FILES} quarantined.` }).waitFor({ timeout: 300_000 });
  const ms = Date.now() - t0;
  await context.close();
  return { ms, preflights: preflights.length };
}

async function unquarantine(server, uris) {
  for (const mxc of uris) {
    await call(server.base_url, 'POST', `/_synapse/admin/v1/media/unquarantine/${mxc.replace('mxc://', '')}`, server.admin.access_token, {});
  }
}

/** `sameOrigin` is the console served at /admin/ by the proxy in front of `server`. */
export async function benchBulk({ browser, server, web, sameOrigin }) {
  const started = Date.now();
  const { user, uris } = await seed(server);
  const seededMs = Date.now() - started;
  const cross = await quarantineAll(browser, web, server, user, { homeserver: server.base_url });
  await unquarantine(server, uris);
  const same = await quarantineAll(browser, sameOrigin, server, user, { at: '/admin', homeserver: sameOrigin.url });
  return { files: FILES, seededMs, cross, same };
}
