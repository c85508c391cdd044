// A sub-path deployment (`make dist PUBLIC_URL=/admin/`) under the same policy: with
// base-uri 'none' the pages have no <base href>, so this checks that the sign-in round
// trip, the router's links, reloads and config.json all stay under /admin/.
// It needs a release build of its own, so it runs only when one is there:
//   PUBLIC_URL=/admin/ DIST=.work/dist-admin bash scripts/build.sh
import { existsSync } from 'node:fs';
import path from 'node:path';
import { killPid, ROOT, serveBuild } from './harness.js';
import { expect, server, signInWithPassword, test } from './fixtures.js';

const DIST = path.join(ROOT, '.work', 'dist-admin');

test.skip(!existsSync(path.join(DIST, 'index.html')), 'no sub-path build in .work/dist-admin');

let web;
test.beforeAll(async () => {
  // The README's nginx snippet for a sub-path.
  web = await serveBuild('nginx-subpath', { admin: DIST }, { dir: path.join(ROOT, '.work', 'e2e', 'subpath') });
});
test.afterAll(() => killPid(web.pid));

test('under /admin/: sign-in and back, links, reload and config.json stay under the sub-path', async ({ page }) => {
  const asked = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === web.url) asked.push(url.pathname);
  });
  const at = (p) => `${web.url}/admin${p}`;

  const response = await page.goto(at('/media'));
  expect(response.headers()['content-security-policy']).toContain("base-uri 'none'");
  await expect(page).toHaveURL(/\/admin\/signin\?next=/);
  await signInWithPassword(page);
  await expect(page).toHaveURL(at('/media'));
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();

  const nav = page.getByRole('banner');
  await nav.getByRole('link', { name: 'Purge history', exact: true }).click();
  await expect(page).toHaveURL(at('/purge'));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
  await nav.getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/^\/admin\/?$/);

  expect(asked).toContain('/admin/config.json');
  expect(asked.filter((p) => !p.startsWith('/admin/')), 'asked outside /admin/').toEqual([]);
});
