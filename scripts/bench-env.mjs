// What the browser benches share: a throwaway Synapse, the built console served next
// to it, headless Chromium, all stopped afterwards; and signing in as its admin.
import { chromium } from '@playwright/test';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { killPid, ROOT, serveBuild, synapseAt } from '../tests/e2e/harness.js';
import { CHROMIUM_ARGS } from '../tests/e2e/playwright.config.js';

/** Runs `bench({ server, web, browser })` against a fresh Synapse in .work/bench/NAME. */
export async function onThrowawaySynapse(name, dist, bench) {
  const dir = path.join(ROOT, '.work', 'bench', name);
  rmSync(dir, { recursive: true, force: true });
  const server = synapseAt(dir, 'start');
  const web = await serveBuild('nginx', { 'synapse-console': dist }, { dir: path.join(dir, 'web') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    return await bench({ server, web, browser });
  } finally {
    await browser.close();
    killPid(web.pid);
    synapseAt(dir, 'stop');
  }
}

/**
 * Signs `page` in as the server's admin at `next` (a console path), as a person
 * arrives: the URL first, then the form. `click: false` leaves the last click to the
 * caller. `homeserver` defaults to the Synapse's own URL.
 */
export async function signInAsAdmin(page, web, server, next, { click = true, homeserver = server.base_url, at = '' } = {}) {
  await page.goto(`${web.url}${at}${next}`);
  const field = page.getByLabel('Homeserver');
  if (await field.evaluate((el) => el.tagName === 'INPUT')) await field.fill(homeserver);
  await page.getByLabel('User name', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(server.admin.password);
  if (click) await page.getByRole('button', { name: 'Sign in' }).click();
}
