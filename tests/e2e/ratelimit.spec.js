// A 429 storm: a Synapse of its own with sign-in limited to a burst of 2, then one
// every 4 s. The console waits each limit out, says that it is waiting, and does not
// hammer the server.
import path from 'node:path';
import { ADMIN, consoleUrl, expect, signInWithPassword, test } from './fixtures.js';
import { synapseAt, WORK } from './harness.js';

const DIR = path.join(WORK, 'ratelimit-synapse');
let limited;

test.beforeAll(() => {
  limited = synapseAt(DIR, 'start', '--strict-login-ratelimit');
});

test.afterAll(() => {
  synapseAt(DIR, 'stop');
});

test('sign-in under a rate limit waits it out, says so, and asks only a few times', async ({ page }) => {
  const logins = [];
  page.on('request', (r) => r.url().endsWith('/_matrix/client/v3/login') && r.method() === 'POST' && logins.push(Date.now()));
  // The burst: two sign-ins pass at once.
  for (let i = 0; i < 2; i += 1) {
    await page.goto(consoleUrl('/signin'));
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(consoleUrl('/signin'));
    await signInWithPassword(page, ADMIN, limited.base_url);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  }
  // The third is limited: the console waits (and says so), then gets in.
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(consoleUrl('/signin'));
  logins.length = 0;
  await signInWithPassword(page, ADMIN, limited.base_url);
  await expect(page.getByRole('status').filter({ hasText: /rate limiting requests: waiting \d+ seconds?/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible({ timeout: 30_000 });
  expect(logins.length, 'a few attempts, not a storm').toBeLessThanOrEqual(3);
  for (let i = 1; i < logins.length; i += 1) {
    expect(logins[i] - logins[i - 1], 'each retry waited').toBeGreaterThan(2_000);
  }
});
