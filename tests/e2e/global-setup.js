import path from 'node:path';
import { existsSync } from 'node:fs';
import { freshWorkDir, killPid, ROOT, saveState, serveStatic, synapse, testPolicy } from './harness.js';

export default async function globalSetup() {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/ has no build: run `make dist` (make test does) first');
  }
  freshWorkDir();
  const server = synapse('start');
  let web;
  const csp = testPolicy(dist);
  try {
    // The pages are served with the policy the build wrote (dist/csp.txt), as deployed.
    web = await serveStatic(dist, ['--csp', csp]);
  } catch (err) {
    synapse('stop');
    throw err;
  }
  saveState({ synapse: server, web, csp });
  process.env.CONSOLE_URL = web.url;
  process.env.SYNAPSE_STATE = JSON.stringify(server);
  process.env.CONSOLE_CSP = csp;
  // Playwright calls the teardown even when tests fail.
  return async () => {
    killPid(web.pid);
    synapse('stop');
  };
}
