// The frame around the pages: routes, not-found, themes, accessibility.
import { consoleUrl, expect, seriousA11yViolations, signInWithPassword, test } from './fixtures.js';

test('an unknown path shows a not-found page with a way back', async ({ page }) => {
  // Signed out, every path is the sign-in page's first (it comes back afterwards).
  await page.goto(consoleUrl('/no/such/page'));
  await expect(page).toHaveURL(/\/signin\?next=%2Fno%2Fsuch%2Fpage$/);
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('/no/such/page')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to the overview' })).toBeVisible();
});

test('the theme follows the system setting', async ({ browser }) => {
  const colours = {};
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(consoleUrl('/signin'));
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    colours[scheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
  }
  expect(colours.light).not.toBe(colours.dark);
});

test('no serious accessibility violation on any page, light and dark', async ({ page }) => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(consoleUrl('/signin'));
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(await seriousA11yViolations(page), `sign-in (${scheme})`).toEqual([]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#homeserver-error')).not.toBeEmpty();
    expect(await seriousA11yViolations(page), `sign-in with errors (${scheme})`).toEqual([]);
  }
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(consoleUrl('/nowhere'));
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    expect(await seriousA11yViolations(page), `not found (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  for (const [path, heading] of [['/', 'Overview'], ['/purge', 'Purge history'], ['/media', 'Media']]) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(consoleUrl(path));
      await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
      expect(await seriousA11yViolations(page), `${path} (${scheme})`).toEqual([]);
    }
  }
});
