// Part of `make bench`: an admin's first visit, and the hand-over after sign-in.
//
// - The console's root URL, cold cache (a new browser context each load), served by
//   nginx as the README configures it but without the precompressed copies, so nginx
//   compresses on the fly at gzip level 6: the bytes on the wire (headers and bodies,
//   from the page's Resource Timing) and the requests until the sign-in form is usable,
//   and the time to it.
// - From the click on "Sign in" (password) to the console's first page showing server
//   data (the overview's counts), after the form has sat idle as a person typing would
//   let it (boot.js fetches and compiles the console meanwhile).
import { signInAsAdmin } from './bench-env.mjs';

// Recorded in the page, on the page's own clock: when the form became usable, when
// "Sign in" was clicked, and when the overview showed its first server data.
function instrument() {
  window.__bench = {};
  const seen = () => {
    const b = window.__bench;
    const button = document.querySelector('form button[type=submit]');
    if (!b.usable && document.getElementById('homeserver') && button && !button.disabled) {
      b.usable = performance.now();
    }
    const count = document.querySelector('[data-testid=room-count]');
    if (b.clicked && !b.data && count && count.textContent.trim()) b.data = performance.now();
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('button[type=submit]')) window.__bench.clicked = performance.now();
  }, true);
}

/** What the page fetched before `until` (ms on the page's clock). */
function fetchedBefore(until) {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .filter((e) => e.startTime <= until);
  return {
    requests: entries.length,
    bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
    bodies: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
    names: entries.map((e) => new URL(e.name).pathname),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchFirstVisit({ browser, web, server, loads }) {
  const visits = [];
  for (let i = 0; i < loads; i += 1) {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(`${web.url}/`);
    await page.waitForFunction(() => window.__bench.usable);
    const usable = await page.evaluate(() => window.__bench.usable);
    visits.push({ usable, ...(await page.evaluate(fetchedBefore, usable)) });
    await context.close();
  }

  const handovers = [];
  for (let i = 0; i < loads; i += 1) {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    const page = await context.newPage();
    const consoleFetches = [];
    page.on('request', (r) => /synapse-console-.*\.wasm$/.test(r.url()) && consoleFetches.push(r.url()));
    await signInAsAdmin(page, web, server, '/', { click: false });
    await page.waitForLoadState('networkidle'); // the console prefetched while the form waits
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => window.__bench.data);
    const { clicked, data } = await page.evaluate(() => window.__bench);
    handovers.push({ ms: data - clicked, consoleFetches: consoleFetches.length });
    await context.close();
  }
  const first = visits[0];
  return {
    loads,
    requests: first.requests,
    bytes: first.bytes,
    bodies: first.bodies,
    files: first.names,
    usableMs: median(visits.map((v) => v.usable)),
    usableRangeMs: [Math.min(...visits.map((v) => v.usable)), Math.max(...visits.map((v) => v.usable))],
    handoverMs: median(handovers.map((h) => h.ms)),
    handoverRangeMs: [Math.min(...handovers.map((h) => h.ms)), Math.max(...handovers.map((h) => h.ms))],
    consoleFetchedTimes: Math.max(...handovers.map((h) => h.consoleFetches)),
  };
}
