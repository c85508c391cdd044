// A panic in the release build (`panic = "immediate-abort"`: the wasm instance ends at
// once, boot.js puts up the page) leaves a page that says so and reloads, and
// reloading keeps the session. The app has no way to make it panic on
// purpose: this test breaks a browser API the renderer relies on instead.
// Playwright's own `test`: the shared fixture fails any test with a panic in the log.
import { expect, test } from '@playwright/test';
import { consoleUrl, signInWithPassword } from './fixtures.js';

test('a panic shows "Something went wrong" with a Reload button that keeps the session', async ({ page }) => {
  const logs = [];
  page.on('console', (message) => logs.push(message.text()));
  page.on('pageerror', (error) => logs.push(`${error.name}: ${error.message}`));
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

  // The renderer unwraps document.createElement's result: a throw here is a Rust panic.
  await page.evaluate(() => {
    const create = Document.prototype.createElement;
    Document.prototype.createElement = function createElement(tag, ...rest) {
      if (tag === 'input') throw new Error('createElement refused by the test');
      return create.call(this, tag, ...rest);
    };
  });
  await page.getByRole('banner').getByRole('link', { name: 'Media', exact: true }).click();

  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
  await expect(alert).toContainText('you stay signed in');
  await expect(page.getByRole('banner'), 'the frozen console is gone').toHaveCount(0);
  // What ended the instance is in the browser's console: the trap a panic becomes.
  expect(logs.join('\n'), 'the panic is still logged').toMatch(/RuntimeError: unreachable/);

  const reload = page.getByRole('button', { name: 'Reload' });
  await expect(reload).toBeFocused();
  await reload.click();
  // Same page, still signed in: the session was in sessionStorage.
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/media$/);
  await expect(page.getByRole('alert').filter({ hasText: 'Something went wrong' })).toHaveCount(0);
});
