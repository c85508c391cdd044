// Part of `make bench`: the reclaim dry run over a throwaway Synapse with 50 users of
// 40 media each: time from "Dry run" to its result in the page, and how many requests
// it made (budget: under 5 s, and no more requests than users + listing pages).
import { call } from '../tests/e2e/harness.js';
import { onThrowawaySynapse, signInAsAdmin } from './bench-env.mjs';

const USERS = 50;
const MEDIA_EACH = 40;
const IN_FLIGHT = 8;

/** Runs `task` on every item, `limit` at once. */
async function pool(items, limit, task) {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    while (queue.length) await task(queue.shift());
  }));
}

export async function benchReclaim(dist) {
  return onThrowawaySynapse('reclaim-synapse', dist, async ({ server, web, browser }) => {
    const base = server.base_url;
    const admin = server.admin.access_token;
    const started = Date.now();
    const users = [];
    for (let u = 0; u < USERS; u += 1) {
      const id = `@bench${u}:localhost`;
      await call(base, 'PUT', `/_synapse/admin/v2/users/${encodeURIComponent(id)}`, admin, { password: `bench-pass-${u}` });
      users.push((await call(base, 'POST', `/_synapse/admin/v1/users/${encodeURIComponent(id)}/login`, admin, {})).access_token);
    }
    const uploads = users.flatMap((token, u) => Array.from({ length: MEDIA_EACH }, (_, i) => ({ token, name: `u${u}-${i}.bin`, size: 100 + ((u * MEDIA_EACH + i) % 900) })));
    await pool(uploads, IN_FLIGHT, async ({ token, name, size }) => {
      const res = await fetch(`${base}/_matrix/media/v3/upload?filename=${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
        body: Buffer.alloc(size, name),
      });
      if (!res.ok) throw new Error(`upload ${name} -> ${res.status}`);
    });
    const seededMs = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const context = await browser.newContext({ timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAsAdmin(page, web, server, '/storage');
    await page.getByTestId('media-totals').waitFor();
    const cut = new Date(Math.floor((Date.now() - 1000) / 1000) * 1000).toISOString().slice(0, 19);
    await page.getByLabel('Not used since', { exact: true }).fill(cut);
    const requests = [];
    page.on('request', (r) => r.url().startsWith(base) && requests.push(new URL(r.url()).pathname));
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Dry run: find what would be deleted' }).click();
    await page.getByTestId('dry-run-summary').waitFor({ timeout: 120_000 });
    const dryRunMs = Date.now() - t0;
    const summary = await page.getByTestId('dry-run-summary').innerText();
    const mediaPages = requests.filter((p) => /\/users\/[^/]+\/media$/.test(p)).length;
    const listingPages = requests.length - mediaPages;
    return { users: USERS, mediaEach: MEDIA_EACH, seededMs, dryRunMs, requests: requests.length, mediaPages, listingPages, summary };
  });
}
