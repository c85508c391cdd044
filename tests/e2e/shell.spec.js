// The frame around the pages: routes, not-found, themes, accessibility.
import { api, consoleUrl, expect, seriousA11yViolations, signInWithPassword, test } from './fixtures.js';

test('an unknown path shows a not-found page with a way back', async ({ page }) => {
  // Signed out, every path is the sign-in page's first (it comes back afterwards).
  await page.goto(consoleUrl('/no/such/page'));
  await expect(page).toHaveURL(/\/signin\?next=%2Fno%2Fsuch%2Fpage$/);
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('/no/such/page')).toBeVisible();
  await page.getByRole('link', { name: 'Go to the overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  // Each section's card on the overview leads to it.
  for (const [name, heading] of [['Purge history', 'Purge history'], ['Media', 'Media'], ['Storage', 'Storage']]) {
    await page.getByRole('main').getByRole('link', { name: new RegExp(`^${name}`) }).click();
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await page.goBack();
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  }
});

test('a count the server fails to give is explained, and Try again asks once more', async ({ page }) => {
  let refused = 0;
  await page.route('**/_synapse/admin/v1/rooms?*', async (route) => {
    if (route.request().method() === 'GET' && refused === 0) {
      refused += 1;
      await route.fulfill({ status: 500, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': '*' },
        body: JSON.stringify({ errcode: 'M_UNKNOWN', error: 'Internal server error' }) });
      return;
    }
    await route.continue();
  });
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  const alert = page.getByRole('alert').filter({ hasText: 'HTTP 500' });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: 'Try again' }).click();
  const rooms = await api('GET', '/_synapse/admin/v1/rooms?limit=1');
  await expect(page.getByTestId('room-count')).toHaveText(String(rooms.json.total_rooms));
  await expect(alert).toHaveCount(0);
  expect(refused).toBe(1);
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
