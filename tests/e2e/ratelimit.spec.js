// A 429 storm: a Synapse of its own with sign-in limited to one at once, then one
// every 5 s. The console waits each limit out, says that it is waiting, and does not
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

test('sign-in under a rate limit waits it out, says so, and asks only a few times', async ({ page, context }) => {
  // Every login answer: when it came, and how long a 429 asked to wait.
  const logins = [];
  context.on('response', async (r) => {
    if (!r.url().endsWith('/_matrix/client/v3/login') || r.request().method() !== 'POST') return;
    const at = Date.now();
    const body = await r.json().catch(() => ({}));
    logins.push({ at, status: r.status(), wait: body.retry_after_ms ?? 0 });
  });
  // The burst: one sign-in passes at once (each tab has its own session).
  const tab = await context.newPage();
  await tab.goto(consoleUrl('/signin'));
  await signInWithPassword(tab, ADMIN, limited.base_url);
  await expect(tab.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await tab.close();
  // The next is limited: the console waits (and says so), then gets in.
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page, ADMIN, limited.base_url);
  await expect(page.getByRole('status').filter({ hasText: /rate limiting requests: waiting \d+ seconds?/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => logins.at(-1)?.status).toBe(200);
  expect(logins.filter((l) => l.status === 429).length, 'the server did limit').toBeGreaterThan(0);
  expect(logins.length, 'a few attempts, not a storm').toBeLessThanOrEqual(4);
  // Each retry came no sooner than the server asked.
  for (let i = 1; i < logins.length; i += 1) {
    expect(logins[i].at - logins[i - 1].at, 'a retry waited as asked').toBeGreaterThanOrEqual(logins[i - 1].wait - 100);
  }
});
