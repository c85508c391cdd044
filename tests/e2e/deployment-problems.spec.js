// Worker deployments misconfigured on purpose (scripts/synapse.py --topology workers):
// the console names what to change on the server, not just "it failed".
import path from 'node:path';
import { rmSync } from 'node:fs';
import { ADMIN, consoleUrl, expect, signInWithPassword, test, upload } from './fixtures.js';
import { synapseAt, WORK } from './harness.js';

const started = [];

function startWorkers(name, ...flags) {
  const dir = path.join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  const hs = synapseAt(dir, 'start', '--topology', 'workers', ...flags);
  started.push(dir);
  return hs;
}

test.afterAll(() => {
  for (const dir of started) synapseAt(dir, 'stop');
});

async function openFile(page, hs, name) {
  const mxc = await upload(hs.admin.access_token, name, Buffer.from(`${name} ${Math.random()}`.repeat(30)),
    'application/octet-stream', hs.base_url);
  await page.goto(consoleUrl(`/signin?next=${encodeURIComponent(`/media?mxc=${encodeURIComponent(mxc)}`)}`));
  await signInWithPassword(page, ADMIN, hs.base_url);
  await expect(page.getByRole('heading', { name: 'Media', level: 1 })).toBeVisible();
  return mxc;
}

test('a media admin path the proxy sends to the main process names the route to add', async ({ page }) => {
  // The proxy forgets docs/workers.md's ^/_synapse/admin/v1/media/.*$ (sends it to main).
  const hs = startWorkers('misrouted', '--misroute', '^/_synapse/admin/v1/media/');
  await openFile(page, hs, 'misrouted.bin');
  const notice = page.getByRole('alert').filter({ hasText: 'reverse proxy sends this media path' });
  await expect(notice).toContainText('Route the pattern ^/_synapse/admin/v1/media/.*$ to your media_repository worker');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('a quarantine that fails on a media worker without the stream writer names the setting', async ({ page }) => {
  const hs = startWorkers('no-writer', '--no-quarantine-writer');
  const name = `no-writer-${Date.now()}.bin`;
  const mxc = await openFile(page, hs, name);
  await page.getByRole('button', { name: `Quarantine ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: `Quarantine ${name}` }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'quarantined_media_changes' }))
    .toContainText('stream_writers');
  // Checked on the server: nothing was quarantined.
  const [, serverName, mediaId] = mxc.match(/^mxc:\/\/([^/]+)\/(.+)$/);
  const info = await fetch(`${hs.base_url}/_synapse/admin/v1/media/${serverName}/${mediaId}`, {
    headers: { Authorization: `Bearer ${hs.admin.access_token}` },
  });
  expect((await info.json()).media_info.quarantined_by ?? null).toBeNull();
});

test('an admin API the proxy shuts out is said to be shut out, not unreachable', async ({ page }) => {
  // nginx refuses browsers' requests under /_synapse/admin/ with its own 403, without
  // CORS headers: the page sees no answer there, while the client API answers.
  const hs = startWorkers('admin-blocked', '--block', '/_synapse/admin/');
  await page.goto(consoleUrl('/signin'));
  await signInWithPassword(page, ADMIN, hs.base_url);
  const error = page.locator('#homeserver-error');
  await expect(error).toContainText('answers, but not its admin API (/_synapse/admin)');
  await expect(error).toContainText('Let /_synapse/admin through the proxy');
  await expect(error).not.toContainText('Could not reach');
});
