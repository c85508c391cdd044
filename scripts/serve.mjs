#!/usr/bin/env node
// Serves a build the way the README deploys it, for `make demo` and `make bench`:
// a README snippet run in nginx or Caddy (tests/e2e/deployments.js), until SIGTERM.
//
//   node scripts/serve.mjs --snippet nginx --site synapse-console=dist --dir DIR
//        [--config FILE] [--origins "https://hs.example"] [--synapse URL] [--port N]
//        [--no-precompressed]
//
// Prints `listening http://127.0.0.1:PORT/` once the server answers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverTree, startCaddy, startNginx, stopServer } from '../tests/e2e/deployments.js';

const { values } = parseArgs({
  options: {
    snippet: { type: 'string', default: 'nginx' },
    site: { type: 'string', multiple: true, default: [] },
    dir: { type: 'string' },
    config: { type: 'string' },
    origins: { type: 'string' },
    synapse: { type: 'string' },
    port: { type: 'string' },
    'no-precompressed': { type: 'boolean', default: false },
  },
});
if (!values.dir || values.site.length === 0) {
  console.error('usage: serve.mjs --snippet NAME --site SITE=DIST --dir DIR [--config F] [--origins O] [--synapse URL] [--port N]');
  process.exit(2);
}
const sites = Object.fromEntries(values.site.map((s) => s.split('=')).map(([site, dist]) => [site, path.resolve(dist)]));
const config = values.config ? readFileSync(values.config, 'utf8') : undefined;
const tree = serverTree(values.snippet, {
  sites,
  config,
  under: path.resolve(values.dir),
  precompressed: !values['no-precompressed'],
});
const start = values.snippet.startsWith('caddy') ? startCaddy : startNginx;
const server = await start(values.snippet, tree, {
  synapse: values.synapse,
  origins: values.origins,
  port: values.port ? Number(values.port) : undefined,
});
process.stdout.write(`listening ${server.url}/\n`);
const stop = async () => {
  await stopServer(server);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30); // stay up until told to stop
