// A homeserver that answers garbage (HTML error pages, truncated JSON, wrong types,
// huge bodies) gets a clear message at the field or on the page, never a panic.
import path from 'node:path';
import { consoleUrl, expect, signInWithToken, test } from './fixtures.js';
import { killPid, ROOT, startServer } from './harness.js';

let fake;

test.beforeAll(async () => {
  fake = await startServer(path.join(ROOT, 'tests', 'e2e', 'garbage-server.mjs'));
});

test.afterAll(() => killPid(fake.pid));

async function setMode(mode) {
  const res = await fetch(`${fake.url}/__mode/${mode}`, { method: 'POST' });
  expect(res.status).toBe(204);
}

const cases = [
  ['html', 'an HTML error page', /failed with HTTP 502/],
  ['truncated', 'truncated JSON', /not in the expected format/],
  ['wrongTypes', 'a number where text belongs', /not in the expected format/],
  ['huge', 'an 8 MB body', /not in the expected format/],
];

for (const [mode, what, said] of cases) {
  test(`sign-in against a server that answers ${what} says so at the homeserver field`, async ({ page }) => {
    await setMode(mode);
    await page.goto(consoleUrl('/signin'));
    await signInWithToken(page, 'syt_not_a_real_token', fake.url);
    const error = page.locator('#homeserver-error');
    await expect(error).toContainText('answered, but not as a Synapse admin API', { timeout: 20_000 });
    await expect(error).toContainText(said);
    expect((await error.innerText()).length, 'a short message, not the body').toBeLessThan(600);
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });
}

test('after sign-in, garbage answers on every page become error messages with a next step', async ({ page }) => {
  await setMode('afterSignIn');
  await page.goto(consoleUrl('/signin?next=%2Fstorage'));
  await signInWithToken(page, 'syt_not_a_real_token', fake.url);
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
  // Four sections ask the server; each answer is garbage of another kind.
  const alerts = page.getByRole('alert').filter({ hasText: /The server/ });
  await expect(alerts).toHaveCount(3, { timeout: 20_000 });
  for (const text of await alerts.allInnerTexts()) {
    expect(text).toMatch(/not in the expected format|failed with HTTP 500/);
    expect(text.length).toBeLessThan(600);
  }
  await expect(page.getByRole('button', { name: 'Try again' }).first()).toBeVisible();
  await page.goto(consoleUrl('/'));
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /The server/ })).toBeVisible({ timeout: 20_000 });
  expect(await page.evaluate(() => window.pwned)).toBeUndefined();
});
