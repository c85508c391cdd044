// The session's life: reloads, deep links, sign out, expiry.
import {
  ADMIN, api, consoleUrl, expect, freshToken, sessionStorageOf, signInWithPassword,
  signInWithToken, test, tokenIsValid,
} from './fixtures.js';

test('a reload keeps the session and the page', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Media' }).click();
  await expect(page).toHaveURL(/\/media$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(ADMIN.id);
});

test('a deep link before sign-in lands there after sign-in', async ({ page }) => {
  await page.goto(consoleUrl('/purge'));
  await expect(page).toHaveURL(/\/signin\?next=%2Fpurge$/);
  await signInWithPassword(page);
  await expect(page).toHaveURL(/\/purge$/);
  await expect(page.getByRole('heading', { name: 'Purge history', level: 1 })).toBeVisible();
});

test('signing out of a password session empties sessionStorage and ends the token', async ({ page }) => {
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const token = JSON.parse((await sessionStorageOf(page))['synapse-console.session']).access_token;
  expect(await tokenIsValid(token)).toBe(true);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();
  expect(await sessionStorageOf(page)).toEqual({});
  expect(await tokenIsValid(token)).toBe(false);
});

test('signing out of a pasted token keeps it valid unless asked otherwise', async ({ page }) => {
  const kept = await freshToken();
  await page.goto(consoleUrl('/signin'));
  await signInWithToken(page, kept);
  // Asked first; Cancel keeps the session.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('banner').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Sign out now' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('banner')).toContainText(ADMIN.id);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel(/Also invalidate the token/)).not.toBeChecked();
  await page.getByRole('button', { name: 'Sign out now' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await sessionStorageOf(page)).toEqual({});
  expect(await tokenIsValid(kept)).toBe(true);

  const ended = await freshToken();
  await signInWithToken(page, ended);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel(/Also invalidate the token/).check();
  await page.getByRole('button', { name: 'Sign out now' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await tokenIsValid(ended)).toBe(false);
});

test('a token logged out elsewhere returns to sign-in, then back to the same page', async ({ page }) => {
  const token = await freshToken();
  await page.goto(consoleUrl('/signin'));
  await signInWithToken(page, token);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByRole('link', { name: 'Purge history' }).first().click();
  await expect(page).toHaveURL(/\/purge$/);
  // The token dies server-side while the console is open.
  expect((await api('POST', '/_matrix/client/v3/logout', { token, body: {} })).status).toBe(200);
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('alert').filter({ hasText: 'session has expired' })).toBeVisible();
  expect(await sessionStorageOf(page)).not.toHaveProperty('synapse-console.session');
  // The form remembers the server, so only the credentials are needed.
  await expect(page.getByLabel('Homeserver')).not.toHaveValue('');
  await signInWithToken(page, await freshToken());
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});
