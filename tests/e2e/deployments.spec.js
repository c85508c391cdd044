// The README's deployments, run for real (deployments.js reads the snippets from
// README.md): nginx and Caddy at the root and under /admin/, with and without a
// config.json, an upgrade copied over a running one, a web server that answers
// config.json with the console's page, and the console on the homeserver's own origin.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.js';
import { nginxWith, serverTree, startCaddy, startNginx, stopServer } from './deployments.js';
import {
  api, expect, freshUser, makePng, server, sessionStorageOf, signInWithPassword, test, upload,
} from './fixtures.js';

const DIST = path.join(ROOT, 'dist');
const DIST_ADMIN = path.join(ROOT, '.work', 'dist-admin');
const START = { nginx: startNginx, caddy: startCaddy };

// Each README deployment: the snippet, the directory under /var/www it serves, the
// build it needs, and the path the console is at.
const DEPLOYMENTS = [
  { snippet: 'nginx', site: 'synapse-console', dist: DIST, at: '' },
  { snippet: 'nginx-subpath', site: 'admin', dist: DIST_ADMIN, at: '/admin' },
  { snippet: 'caddy', site: 'synapse-console', dist: DIST, at: '' },
  { snippet: 'caddy-subpath', site: 'admin', dist: DIST_ADMIN, at: '/admin' },
];

/** Runs `body(web)` with README deployment `d` serving `tree`, then stops it. */
async function deployed(d, tree, body, options = {}) {
  const web = await START[d.snippet.split('-')[0]](d.snippet, tree, options);
  try {
    await body(web, (p) => `${web.url}${d.at}${p}`);
  } finally {
    await stopServer(web);
  }
}

/** Init script: when the sign-in form became usable, on the page's clock. */
function recordFormUsable() {
  new MutationObserver((_, observer) => {
    const button = document.querySelector('form button[type=submit]');
    if (document.getElementById('homeserver') && button && !button.disabled) {
      window.formUsableAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** The console's files the page started to fetch before its form was usable. */
function consoleFetchesBeforeForm() {
  if (window.formUsableAt === undefined) return ['(the form is not up yet)'];
  return performance.getEntriesByType('resource')
    .filter((e) => /\/synapse-console-[^/]*\.(wasm|js)$/.test(e.name) && e.startTime < window.formUsableAt)
    .map((e) => e.name);
}

const isConsoleBundle = (url) => /\/synapse-console-[^/]*\.(wasm|js)$/.test(new URL(url).pathname);

for (const d of DEPLOYMENTS) {
  test.describe(d.snippet, () => {
    test.skip(!existsSync(path.join(d.dist, 'index.html')), `no build in ${d.dist}`);

    test('a first visit to a deep link signs in there, fetching the console only after the form is up', async ({ page }) => {
      const tree = serverTree(d.snippet, { sites: { [d.site]: d.dist } });
      await deployed(d, tree, async (web, at) => {
        const asked = [];
        page.on('request', (request) => asked.push(request.url()));
        await page.addInitScript(recordFormUsable);
        const configAnswers = [];
        page.on('response', (response) => {
          if (response.url().endsWith('/config.json')) configAnswers.push(response.status());
        });
        await page.goto(at('/media?user=%40alice%3Alocalhost'));
        await expect(page).toHaveURL(at(`/signin?next=${encodeURIComponent(`${d.at}/media?user=%40alice%3Alocalhost`)}`));
        await expect(page.getByLabel('Homeserver')).toBeEditable();
        await expect.poll(() => page.evaluate(consoleFetchesBeforeForm)).toEqual([]);
        // No config.json: the web server says so with a 404, not the console's page.
        expect(configAnswers).toEqual([404]);
        await signInWithPassword(page);
        await expect(page).toHaveURL(at('/media?user=%40alice%3Alocalhost'));
        await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
        await expect(page.getByTestId('media-summary')).toBeVisible();
        // Fetched once, while the form waited: the hand-over did not fetch it again.
        expect(asked.filter((u) => isConsoleBundle(u) && u.endsWith('.wasm'))).toHaveLength(1);

        // The sign-in page's own address, with and without the slash.
        for (const p of ['/signin', '/signin/']) {
          const fresh = await page.context().newPage();
          await fresh.goto(at(p));
          // A new tab has a sessionStorage of its own, empty: the form shows.
          await expect(fresh.getByLabel('Homeserver')).toBeEditable();
          await fresh.close();
        }
      });
    });

    test('config.json restricts sign-in, survives an upgrade, and a broken one stops sign-in with the fix', async ({ page }) => {
      const only = server().base_url;
      const tree = serverTree(`${d.snippet}-config`, {
        sites: { [d.site]: d.dist },
        config: JSON.stringify({ restrictBaseUrl: [only] }),
      });
      await deployed(d, tree, async (web, at) => {
        await page.goto(at('/'));
        const choice = page.getByRole('combobox', { name: 'Homeserver' });
        await expect(choice).toHaveValue(only);
        // An upgrade: the new build copied over the old one leaves the settings alone.
        cpSync(d.dist, path.join(tree.www, d.site), { recursive: true });
        await page.reload();
        await expect(choice).toHaveValue(only);
        await page.getByLabel('User name', { exact: true }).fill('admin');
        await page.getByLabel('Password', { exact: true }).fill('admin-pass-123');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
        await page.getByRole('button', { name: 'Sign out' }).click();
        await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();

        // Several servers allowed: the admin picks one; one that does not answer is said.
        const down = 'http://127.0.0.1:9';
        writeFileSync(path.join(tree.etc, 'config.json'), JSON.stringify({ restrictBaseUrl: [only, down] }));
        await page.goto(at('/'));
        await expect(choice.locator('option')).toHaveCount(2);
        await choice.selectOption(down);
        await page.getByLabel('User name', { exact: true }).fill('admin');
        await page.getByLabel('Password', { exact: true }).fill('admin-pass-123');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(page.locator('#homeserver-error')).not.toBeEmpty();
        await choice.selectOption(only);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
        await page.getByRole('button', { name: 'Sign out' }).click();
        await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();

        writeFileSync(path.join(tree.etc, 'config.json'), `{"restrictBaseUrl": "${only}",`);
        await page.goto(at('/'));
        const alert = page.getByRole('alert').filter({ hasText: 'Sign-in is closed' });
        await expect(alert).toContainText('is not valid');
        await expect(alert).toContainText('line 1');
        await expect(alert).toContainText(`${d.at}/config.json`);
        await expect(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
      });
    });
  });
}

test('a web server that answers config.json with the console page, or with nothing, still signs in', async ({ page }) => {
  // How the README's snippet was before: every unknown path, config.json included,
  // falls back to index.html.
  const fallback = `server {
    listen 443 ssl;
    root /var/www/synapse-console;
    location / {
        try_files $uri $uri/index.html /index.html;
        add_header Content-Security-Policy "${readFileSync(path.join(DIST, 'csp.txt'), 'utf8').trim().replace('__HOMESERVER_ORIGINS__', 'https://matrix.example.org')}" always;
    }
}
`;
  const empty = fallback.replace('location / {', 'location = /config.json {\n        return 200 "";\n    }\n    location / {');
  for (const [name, site] of [['fallback-html', fallback], ['fallback-empty', empty]]) {
    const tree = serverTree(name, { sites: { 'synapse-console': DIST } });
    const web = await nginxWith(name, site, tree);
    try {
      const answer = await fetch(`${web.url}/config.json`);
      expect(answer.status, name).toBe(200);
      await page.goto(`${web.url}/`);
      await signInWithPassword(page);
      await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();
    } finally {
      await stopServer(web);
    }
  }
});

test('without the precompressed copies, nginx compresses on the fly; with them it sends them', async ({ page }) => {
  for (const precompressed of [false, true]) {
    const tree = serverTree(`gzip-${precompressed}`, { sites: { 'synapse-console': DIST }, precompressed });
    const web = await startNginx('nginx', tree);
    try {
      const sent = new Map();
      page.on('response', async (response) => {
        const url = new URL(response.url());
        if (url.origin === web.url) sent.set(url.pathname, await response.allHeaders());
      });
      await page.goto(`${web.url}/`);
      await expect(page.getByLabel('Homeserver')).toBeEditable();
      const wasm = [...sent].find(([p]) => p.endsWith('.wasm'));
      expect(wasm, 'the sign-in wasm').toBeTruthy();
      const [file, headers] = wasm;
      expect(headers['content-encoding'], file).toBe('gzip');
      // The .gz copy is sent as it is (its length known ahead); on the fly, it is chunked.
      const copy = path.join(DIST, `${file}.gz`);
      if (precompressed) expect(Number(headers['content-length'])).toBe(readFileSync(copy).length);
      else expect(headers['content-length']).toBeUndefined();
      page.removeAllListeners('response');
    } finally {
      await stopServer(web);
    }
  }
});

for (const kind of ['nginx', 'caddy']) {
  test(`${kind}: on the homeserver's own origin, a bulk action sends no CORS preflight`, async ({ page }) => {
    test.skip(!existsSync(path.join(DIST_ADMIN, 'index.html')), 'no build in .work/dist-admin');
    const snippet = `${kind}-same-origin`;
    const tree = serverTree(snippet, { sites: { admin: DIST_ADMIN } });
    const web = await START[kind](snippet, tree, { synapse: server().base_url });
    try {
      // The homeserver is now the proxy's origin, as a same-origin deployment has it.
      writeFileSync(path.join(tree.etc, 'config.json'), JSON.stringify({ restrictBaseUrl: web.url }));
      const owner = await freshUser(`same-origin-${kind}-${Date.now()}`);
      const files = [];
      // Distinct bytes: Synapse quarantines by content, and so would an earlier run's copies.
      const seed = Date.now() % 200;
      for (let i = 0; i < 6; i += 1) {
        files.push(await upload(owner.token, `same-${i}.png`, makePng(5 + i, 3 + (seed % 7), [seed, i * 40, kind.length * 30])));
      }
      const crossOrigin = [];
      const preflights = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.origin !== web.url) crossOrigin.push(request.url());
        if (request.method() === 'OPTIONS') preflights.push(request.url());
      });
      await page.goto(`${web.url}/admin/media?user=${encodeURIComponent(owner.id)}`);
      await expect(page.getByRole('combobox', { name: 'Homeserver' })).toHaveValue(web.url);
      await page.getByLabel('User name', { exact: true }).fill('admin');
      await page.getByLabel('Password', { exact: true }).fill('admin-pass-123');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('media-summary')).toContainText('6 file(s)');
      await page.getByLabel('Select all on this page').check();
      await page.getByRole('button', { name: 'Quarantine selected', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Quarantine 6 files' }).click();
      await expect(page.getByRole('status').filter({ hasText: '6 quarantined.' })).toBeVisible();
      for (const mxc of files) {
        const info = await api('GET', `/_synapse/admin/v1/media/${mxc.replace('mxc://', '')}`);
        expect(info.json.media_info.quarantined_by, mxc).toBeTruthy();
      }
      expect(crossOrigin, 'requests to another origin').toEqual([]);
      expect(preflights, 'CORS preflights').toEqual([]);
      expect(JSON.parse((await sessionStorageOf(page))['synapse-console.session']).homeserver).toBe(web.url);
    } finally {
      await stopServer(web);
    }
  });
}
