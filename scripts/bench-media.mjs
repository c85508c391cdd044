// Part of `make bench`: a user with 1,000 media on a throwaway Synapse; time from the
// list's response arriving to its 1,000 rows being in the page, and how many
// thumbnails were fetched for it (only rows on screen should be).
import { call, makePng } from '../tests/e2e/harness.js';
import { onThrowawaySynapse, signInAsAdmin } from './bench-env.mjs';

const ITEMS = 1000;
const RUNS = 5;

export async function benchMedia(dist) {
  return onThrowawaySynapse('synapse', dist, async ({ server, web, browser }) => {
    const base = server.base_url;
    const user = '@many:localhost';
    await call(base, 'PUT', `/_synapse/admin/v2/users/${encodeURIComponent(user)}`, server.admin.access_token, { password: 'many-pass-123' });
    const login = await (await fetch(`${base}/_matrix/client/v3/login`, {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'many' }, password: 'many-pass-123' }),
    })).json();
    const started = Date.now();
    for (let i = 0; i < ITEMS; i += 1) {
      await fetch(`${base}/_matrix/media/v3/upload?filename=item-${i}.png`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${login.access_token}`, 'Content-Type': 'image/png' },
        body: makePng(8 + (i % 40), 8, [i % 256, (i * 7) % 256, 90]),
      });
    }
    const seeded = Date.now() - started;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const thumbnails = [];
    page.on('request', (r) => r.url().includes('/media/thumbnail/') && thumbnails.push(r.url()));
    await signInAsAdmin(page, web, server, `/media?user=${user}`);
    await page.getByTestId('media-summary').waitFor();
    await page.evaluate((items) => {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.name.includes(`limit=${items}`)) window.benchResponseEnd = e.responseEnd;
      }).observe({ type: 'resource' });
      // Rendered: the table of all `items` is in the page with its rows (a long list keeps
      // only the rows near the screen; see WINDOW_FROM in src/components/row_window.rs).
      new MutationObserver(() => {
        if (!window.benchRendered && document.querySelector(`table.media[data-total="${items}"] tbody tr[aria-rowindex]`)) {
          window.benchRendered = performance.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
    }, ITEMS);
    // The median of RUNS switches from 50 to all 1,000 per page: one run moves with
    // whatever else the machine is doing.
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      if (run > 0) {
        await page.getByLabel('Per page').selectOption('50');
        await page.locator('table.media tbody tr').nth(49).waitFor();
        await page.evaluate(() => { window.benchRendered = undefined; window.benchResponseEnd = undefined; });
      }
      thumbnails.length = 0;
      await page.getByLabel('Per page').selectOption(String(ITEMS));
      await page.waitForFunction(() => window.benchRendered && window.benchResponseEnd, null, { timeout: 60_000 });
      runs.push(await page.evaluate(() => window.benchRendered - window.benchResponseEnd));
    }
    runs.sort((a, b) => a - b);
    const renderMs = runs[Math.floor(RUNS / 2)];
    await page.locator('table.media tbody tr').first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    const visible = await page.locator('.thumb').evaluateAll((els) => els.filter((el) => {
      const box = el.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    }).length);
    const inPage = await page.locator('table.media tbody tr[aria-rowindex]').count();
    const requested = thumbnails.length;
    // Scrolled to the end, the last row is there and the previews followed.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(500);
    const lastShown = await page.locator(`table.media tbody tr[aria-rowindex="${ITEMS + 1}"]`).count();
    return { items: ITEMS, seededMs: seeded, renderMs, renderRunsMs: runs, rowsInPage: inPage, lastRowAfterScroll: lastShown === 1, thumbnailRequests: requested, visibleRows: visible };
  });
}
