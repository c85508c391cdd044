import path from 'node:path';
import { existsSync } from 'node:fs';
import { freshWorkDir, ROOT, saveState, synapse, testPolicy } from './harness.js';
import { serverTree, startNginx, stopServer } from './deployments.js';

export default async function globalSetup() {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/ has no build: run `make dist` (make test does) first');
  }
  freshWorkDir();
  const server = synapse('start');
  let web;
  try {
    // The console as the README deploys it: nginx with its snippet, no config.json.
    web = await startNginx('nginx', serverTree('main', { sites: { 'synapse-console': dist } }));
  } catch (err) {
    synapse('stop');
    throw err;
  }
  const csp = testPolicy(dist);
  saveState({ synapse: server, web, csp });
  process.env.CONSOLE_URL = web.url;
  process.env.SYNAPSE_STATE = JSON.stringify(server);
  process.env.CONSOLE_CSP = csp;
  // Playwright calls the teardown even when tests fail.
  return async () => {
    await stopServer(web);
    synapse('stop');
  };
}
