// The Content-Security-Policy: every page is served with the one the build wrote
// (dist/csp.txt, global-setup.js), the fixture fails any test it blocks something in,
// and here: it is really sent, it really blocks, and the app works under it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { killPid, ROOT, serveBuild, testPolicy } from './harness.js';
import { consoleUrl, expect, server, sessionStorageOf, signInWithPassword, test } from './fixtures.js';

const policy = () => process.env.CONSOLE_CSP;

test('the policy is strict and sent with every page', async ({ request }) => {
  const directives = Object.fromEntries(policy().split('; ').map((d) => {
    const [name, ...sources] = d.split(' ');
    return [name, sources.join(' ')];
  }));
  expect(directives).toMatchObject({
    'default-src': "'self'",
    'script-src': "'self' 'wasm-unsafe-eval'",
    'style-src': "'self'",
    'img-src': "'self' blob:",
    // Loopback on any port: the suite's homeservers (Synapses, a fake one) get theirs at run time.
    'connect-src': "'self' http://127.0.0.1:*",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
  });
  expect(policy()).not.toMatch(/'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'/);
  expect(policy().replace(/connect-src [^;]*/, ''), 'no wildcard beyond the test homeservers').not.toContain('*');
  // What the build wrote, apart from the homeserver origins.
  const built = readFileSync(path.join(ROOT, 'dist', 'csp.txt'), 'utf8').trim();
  expect(policy().replace(/connect-src [^;]*/, '')).toBe(built.replace(/connect-src [^;]*/, ''));

  for (const url of ['/', '/signin', '/signin/', '/media']) {
    const response = await request.get(consoleUrl(url));
    expect(response.headers()['content-type'], url).toContain('text/html');
    expect(response.headers()['content-security-policy'], url).toBe(policy());
    // Nothing inline in the page the policy would have to allow.
    expect(await response.text(), url).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|<base/i);
  }
});

test('an injected inline script and style are blocked, and reported', async ({ page, cspViolations }) => {
  await page.goto(consoleUrl('/signin'));
  await expect(page.getByLabel('Homeserver')).toBeVisible();
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injectedScriptRan = true;';
    document.head.append(script);
    const marked = document.createElement('p');
    marked.id = 'styled';
    marked.setAttribute('style', 'color: rgb(255, 0, 0)');
    marked.textContent = 'styled';
    document.body.append(marked);
  });
  expect(await page.evaluate(() => window.injectedScriptRan)).toBeUndefined();
  await expect(page.locator('#styled')).not.toHaveCSS('color', 'rgb(255, 0, 0)');
  // Both reported to the page (what the fixture watches) and logged by Chromium.
  const reported = () => cspViolations.filter((v) => v.directive).map((v) => `${v.directive} ${v.blocked}`).sort();
  await expect.poll(reported).toEqual(['script-src-elem inline', 'style-src-attr inline']);
  await expect.poll(() => cspViolations.filter((v) => v.log).length).toBe(2);
  expect(cspViolations.filter((v) => v.log).map((v) => v.log).join('\n')).toMatch(/inline script/);
  // Provoked on purpose: not a failure of this test.
  cspViolations.length = 0;
});

test('signing in and every section work under the policy', async ({ page }) => {
  const response = await page.goto(consoleUrl('/'));
  expect(response.headers()['content-security-policy']).toBe(policy());
  await expect(page).toHaveURL(/\/signin$/);
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const nav = page.getByRole('banner');
  await nav.getByRole('link', { name: 'Purge history', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
  await nav.getByRole('link', { name: 'Media', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  // A full load of a deep link, then the console's own fetches to the homeserver.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Synapse');
  // The fixture then checks that nothing was blocked on the way.
});

test('a homeserver the policy leaves out is named, with the directive to fix', async ({ page, cspViolations }) => {
  // The README's nginx snippet, before a deployer adds their homeserver: connect-src 'self' only.
  const web = await serveBuild('nginx', { 'synapse-console': path.join(ROOT, 'dist') }, {
    dir: path.join(ROOT, '.work', 'e2e', 'csp-self-only'),
    args: ['--origins', ''],
  });
  try {
    await page.goto(`${web.url}/signin`);
    await signInWithPassword(page);
    const origin = new URL(server().base_url).origin;
    const field = page.getByRole('alert').filter({ hasText: 'Content-Security-Policy' });
    await expect(field).toContainText(`does not allow it to connect to ${origin}`);
    await expect(field).toContainText(`Add ${origin} to connect-src`);
    // Not "Could not reach …": the server is up, the browser refused.
    await expect(page.getByText('Could not reach')).toHaveCount(0);
    expect(await sessionStorageOf(page)).toEqual({});
    // Provoked on purpose: the browser reported the blocked connection.
    await expect.poll(() => cspViolations.some((v) => v.directive === 'connect-src')).toBe(true);
    cspViolations.length = 0;
  } finally {
    killPid(web.pid);
  }
});
