#!/usr/bin/env node
// A fake homeserver that answers badly on purpose, for the end-to-end suite: HTML error
// pages, truncated JSON, wrong types, huge bodies. It answers CORS like Synapse does.
// The mode is set by `POST /__mode/<name>` (from the test, not the browser).
//
//   node tests/e2e/garbage-server.mjs   → prints `listening http://127.0.0.1:PORT/`
import { createServer } from 'node:http';

const OK_VERSION = '{"server_version":"1.163.2"}';
const WHOAMI = '{"user_id":"@admin:garbage.test"}';
const ADMIN = '{"admin":true}';
const LOGIN_FLOWS = '{"flows":[{"type":"m.login.password"}]}';
const UNRECOGNIZED = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';
const HTML = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><script>window.pwned=1</script></body></html>';

// Each mode: what the sign-in checks get, and what every other admin request gets.
const MODES = {
  html: { signIn: [502, HTML, 'text/html'] },
  truncated: { signIn: [200, '{"server_version":"1.1', 'application/json'] },
  wrongTypes: { signIn: [200, '{"server_version":42}', 'application/json'] },
  huge: { signIn: [200, `{"server_version":"${'9'.repeat(8 * 1024 * 1024)}"`, 'application/json'] },
  // Signs in, then every other answer is garbage of one kind or another.
  afterSignIn: { signIn: null },
};
const LATER = [
  [200, '{"users":"all of them","total":"many"}', 'application/json'],
  [500, HTML, 'text/html'],
  [200, '{"users":[{"user_id":12,"media_length":"big"', 'application/json'],
  [200, `[${'1,'.repeat(1024 * 1024)}1]`, 'application/json'],
];

let mode = 'html';
let later = 0;

const server = createServer((req, res) => {
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
  };
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname.startsWith('/__mode/')) {
    mode = url.pathname.slice('/__mode/'.length);
    later = 0;
    res.writeHead(MODES[mode] ? 204 : 404).end();
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(200, cors).end();
    return;
  }
  const send = ([status, body, type]) => res.writeHead(status, { ...cors, 'Content-Type': type }).end(body);
  const { signIn } = MODES[mode];
  const path = url.pathname;
  // The admin check reads the caller's own account (v2/users/<id>): any answer means admin.
  const isAdminCheck = /^\/_synapse\/admin\/v2\/users\/[^/]+$/.test(path);
  const isSignIn = path === '/_synapse/admin/v1/server_version' || path === '/_matrix/client/v3/account/whoami'
    || isAdminCheck;
  if (isSignIn && signIn) return send(signIn);
  if (path === '/_synapse/admin/v1/server_version') return send([200, OK_VERSION, 'application/json']);
  if (path === '/_matrix/client/v3/account/whoami') return send([200, WHOAMI, 'application/json']);
  if (isAdminCheck) return send([200, ADMIN, 'application/json']);
  // Discovery: a server that takes passwords and does not delegate to MAS.
  if (path === '/_matrix/client/v3/login') return send([200, LOGIN_FLOWS, 'application/json']);
  if (path.endsWith('/auth_metadata')) return send([404, UNRECOGNIZED, 'application/json']);
  send(LATER[later++ % LATER.length]);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/`);
});
