#!/usr/bin/env node
// Proves the test authorization servers work with a real Synapse, without a browser: plain
// HTTP with a cookie jar, following redirects by hand, as a browser would.
//
//   node tests/e2e/auth-servers-check.mjs [sso] [mas] [--dir /tmp/auth-check] [--verbose]
//
// sso: tests/e2e/oidc-provider.mjs + a Synapse with oidc_providers (m.login.sso).
// mas: tests/e2e/mas-server.mjs + a Synapse with matrix_authentication_service (OAuth 2.0).
// Starts everything on 127.0.0.1 and stops it (by PID) at the end. Needs the venv's Synapse
// with authlib (scripts/setup-sso.sh). Prints one line per check and `N passed, N failed`.

import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PYTHON, ROOT, killPid, startServer, synapseAt } from './harness.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: '/tmp/auth-check' }, verbose: { type: 'boolean', default: false } },
});
const parts = positionals.length ? positionals : ['sso', 'mas'];
const E2E = path.join(ROOT, 'tests', 'e2e');
const FAKE_CONSOLE = 'http://127.0.0.1:9/signin?from=sso'; // never fetched: only its URL matters

let passed = 0;
let failed = 0;
const findings = [];

function check(name, ok, detail = '') {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}

function note(name, value) {
  findings.push([name, value]);
  console.log(`     ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

const log = (...args) => opts.verbose && console.log('    ', ...args);

/** A browser-like client: one cookie jar per host (cookies ignore ports, as in browsers). */
class Agent {
  constructor() {
    this.jar = new Map();
  }

  cookieHeader(url) {
    const jar = this.jar.get(new URL(url).hostname);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  store(url, res) {
    const host = new URL(url).hostname;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    const jar = this.jar.get(host);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)
        || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  async request(method, url, { form, json, headers = {} } = {}) {
    const h = { ...headers };
    const cookie = this.cookieHeader(url);
    if (cookie) h.Cookie = cookie;
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (json) {
      body = JSON.stringify(json);
      h['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
    this.store(url, res);
    const text = await res.text();
    const location = res.headers.get('location');
    log(method, url, '->', res.status, location || '');
    return { status: res.status, headers: res.headers, text, location: location && new URL(location, url).href, url };
  }

  /** GETs url and follows redirects until a non-3xx answer or `stop(url)` says so. */
  async follow(url, { stop = () => false, max = 15 } = {}) {
    let res = await this.request('GET', url);
    const hops = [url];
    while (res.status >= 300 && res.status < 400 && res.location && hops.length < max) {
      if (stop(res.location)) return { ...res, hops, stopped: true };
      hops.push(res.location);
      res = await this.request('GET', res.location);
    }
    return { ...res, hops };
  }
}

async function json(method, url, { token, body, form, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (form) {
    payload = new URLSearchParams(form).toString();
    h['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { raw: text.slice(0, 300) };
  }
  return { status: res.status, data, headers: res.headers };
}

/** The action URL of the first form on an HTML page whose action matches `re`. */
function formAction(html, re, base) {
  for (const m of html.matchAll(/<form[^>]*action="([^"]+)"/g)) {
    const action = m[1].replace(/&amp;/g, '&');
    if (re.test(action)) return new URL(action, base).href;
  }
  return null;
}

const textOf = (html) => html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ')
  .replace(/\s+/g, ' ').trim().slice(0, 240);

const cleanup = [];

function startSynapse(name, extraConfig, { users = true } = {}) {
  const dir = path.join(opts.dir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(opts.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(extraConfig, null, 1));
  cleanup.push(() => synapseAt(dir, 'stop'));
  if (users) return synapseAt(dir, 'start', '--extra-config', file);
  // With MAS, Synapse 1.163 has no /_synapse/admin/v1/register (nor /login), so synapse.py's
  // start, which registers `admin` and `alice` that way, fails. Same start without the users.
  const out = execFileSync(PYTHON, ['-c', `
import sys, runpy
mod = runpy.run_path(${JSON.stringify(path.join(ROOT, 'scripts', 'synapse.py'))}, run_name="synapse_py")
mod["main"].__globals__["ensure_user"] = lambda *a, **k: None
sys.argv = ["synapse.py", "start", "--dir", ${JSON.stringify(dir)}, "--extra-config", ${JSON.stringify(file)}]
mod["main"]()
`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

async function server(script, args) {
  const started = await startServer(path.join(E2E, script), args);
  cleanup.push(() => killPid(started.pid));
  return started;
}

// ---------------------------------------------------------------------------------------
// 1. Single sign-on: oidc-provider.mjs behind Synapse's oidc_providers
// ---------------------------------------------------------------------------------------

async function ssoLogin(hs, op, idp, username, password, { redirectUrl = FAKE_CONSOLE, cancel = false } = {}) {
  const agent = new Agent();
  const start = `${hs}/_matrix/client/v3/login/sso/redirect/${encodeURIComponent(idp)}?redirectUrl=${encodeURIComponent(redirectUrl)}`;
  // Synapse -> provider /auth -> provider sign-in page
  const loginPage = await agent.follow(start);
  const result = { agent, loginPage };
  if (loginPage.status !== 200 || !loginPage.url.startsWith(op)) return result;
  const action = formAction(loginPage.text, cancel ? /\/abort$/ : /\/login$/, loginPage.url);
  const posted = await agent.request('POST', action, cancel ? { form: {} } : { form: { username, password } });
  result.posted = posted;
  if (!posted.location) return result;
  // provider resume -> Synapse callback -> (whitelisted) the console's URL with ?loginToken=
  const end = await agent.follow(posted.location, { stop: (url) => url.startsWith(redirectUrl.split('?')[0]) });
  result.end = end;
  if (end.stopped) {
    result.final = end.location;
    result.finalStatus = end.status;
    result.loginToken = new URL(end.location).searchParams.get('loginToken');
  }
  return result;
}

async function checkSso() {
  console.log('\n# SSO: oidc-provider.mjs + Synapse oidc_providers');
  const { synapseSsoConfig } = await import('./oidc-provider.mjs');
  const op = await server('oidc-provider.mjs', ['--port', '0']);
  check('oidc-provider.mjs prints its URL', /^http:\/\/127\.0\.0\.1:\d+$/.test(op.url), op.url);
  const disc = await json('GET', `${op.url}/.well-known/openid-configuration`);
  check('provider discovery', disc.status === 200 && disc.data.issuer === op.url, disc.data.issuer);

  const t0 = Date.now();
  const hs = startSynapse('synapse-sso', synapseSsoConfig({ issuer: op.url }));
  note('Synapse with oidc_providers started in', `${Date.now() - t0} ms`);
  const base = hs.base_url;
  const adminToken = hs.admin.access_token;

  const flows = await json('GET', `${base}/_matrix/client/v3/login`);
  const types = (flows.data.flows || []).map((f) => f.type);
  const sso = (flows.data.flows || []).find((f) => f.type === 'm.login.sso');
  check('GET /login lists m.login.sso with the provider', sso?.identity_providers?.some((p) => p.id === 'oidc-test'),
    JSON.stringify(flows.data.flows));
  check('GET /login has no m.login.password (password_config.enabled: false)', !types.includes('m.login.password'), types.join(','));

  const pw = await json('POST', `${base}/_matrix/client/v3/login`, {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: 'admin-pass-123' },
  });
  note('password login with password_config.enabled=false', `${pw.status} ${JSON.stringify(pw.data)}`);

  // sso-admin: the whole flow
  const a = await ssoLogin(base, op.url, 'oidc-test', 'sso-admin', 'sso-admin-pass');
  check('redirect to the provider sign-in page', a.loginPage.status === 200 && /User name/.test(a.loginPage.text)
    && /Password/.test(a.loginPage.text) && /Sign in/.test(a.loginPage.text), a.loginPage.hops.map((u) => new URL(u).pathname).join(' > '));
  note('SSO hops before the sign-in page', a.loginPage.hops);
  check('back at the console URL with ?loginToken=', Boolean(a.loginToken), a.final);
  note('final redirect (whitelisted: straight from the callback)', `${a.finalStatus} ${a.final}`);
  const login = await json('POST', `${base}/_matrix/client/v3/login`, { body: { type: 'm.login.token', token: a.loginToken } });
  check('POST /login m.login.token gives an access token', login.status === 200 && login.data.access_token,
    `${login.status} ${login.data.user_id}`);
  check('sso-admin becomes @sso-admin:localhost', login.data.user_id === '@sso-admin:localhost');
  const reuse = await json('POST', `${base}/_matrix/client/v3/login`, { body: { type: 'm.login.token', token: a.loginToken } });
  note('the same loginToken a second time', `${reuse.status} ${JSON.stringify(reuse.data)}`);
  const uid = encodeURIComponent(login.data.user_id);
  const before = await json('GET', `${base}/_synapse/admin/v1/users/${uid}/admin`, { token: login.data.access_token });
  check('before promotion the admin API refuses sso-admin (403)', before.status === 403, `${before.status} ${before.data.errcode}`);
  const promote = await json('PUT', `${base}/_synapse/admin/v1/users/${uid}/admin`, { token: adminToken, body: { admin: true } });
  check('the admin makes sso-admin a server admin', promote.status === 200, String(promote.status));
  const after = await json('GET', `${base}/_synapse/admin/v1/users/${uid}/admin`, { token: login.data.access_token });
  check('GET /_synapse/admin/v1/users/<id>/admin -> {"admin":true} with its own token', after.status === 200 && after.data.admin === true,
    JSON.stringify(after.data));
  const who = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: login.data.access_token });
  check('whoami', who.status === 200 && who.data.user_id === '@sso-admin:localhost', JSON.stringify(who.data));

  // second login: same user, no new registration
  const a2 = await ssoLogin(base, op.url, 'oidc-test', 'sso-admin', 'sso-admin-pass');
  const login2 = a2.loginToken && await json('POST', `${base}/_matrix/client/v3/login`, { body: { type: 'm.login.token', token: a2.loginToken } });
  check('a second SSO login maps to the same user, still admin', login2?.data?.user_id === '@sso-admin:localhost'
    && (await json('GET', `${base}/_synapse/admin/v1/users/${uid}/admin`, { token: login2.data.access_token })).data.admin === true);

  // sso-user: signed in, not an admin
  const u = await ssoLogin(base, op.url, 'oidc-test', 'sso-user', 'sso-user-pass');
  const ulogin = u.loginToken && await json('POST', `${base}/_matrix/client/v3/login`, { body: { type: 'm.login.token', token: u.loginToken } });
  const uadmin = ulogin && await json('GET', `${base}/_synapse/admin/v2/users?limit=1`, { token: ulogin.data.access_token });
  check('sso-user signs in as @sso-user:localhost; the admin API answers 403', ulogin?.data?.user_id === '@sso-user:localhost'
    && uadmin.status === 403, `${uadmin?.status} ${JSON.stringify(uadmin?.data)}`);

  // failures
  const agent = new Agent();
  const startUrl = `${base}/_matrix/client/v3/login/sso/redirect/oidc-test?redirectUrl=${encodeURIComponent(FAKE_CONSOLE)}`;
  const page = await agent.follow(startUrl);
  const bad = await agent.request('POST', formAction(page.text, /\/login$/, page.url), { form: { username: 'sso-admin', password: 'nope' } });
  check('a wrong password shows the form again with an alert', bad.status === 200 && /role="alert"/.test(bad.text), textOf(bad.text).slice(0, 80));

  const c = await ssoLogin(base, op.url, 'oidc-test', null, null, { cancel: true });
  const cancelled = c.end;
  check('Cancel at the provider goes back to Synapse with error=access_denied',
    cancelled?.hops.some((h) => h.includes('/_synapse/client/oidc/callback') && h.includes('error=access_denied')), cancelled?.hops.at(-1));
  note('Synapse answer to a cancelled SSO (error=access_denied)', `${cancelled?.status} ${cancelled?.headers.get('content-type')} «${textOf(cancelled?.text || '')}»`);
  check('a cancelled SSO never reaches the console URL', !cancelled?.stopped);

  const n = await ssoLogin(base, op.url, 'oidc-test', 'sso-noname', 'sso-noname-pass');
  note('Synapse answer when the mapping fails (no preferred_username)', `${n.end?.status} «${textOf(n.end?.text || '')}»`);
  check('a failed mapping never reaches the console URL', n.end && !n.end.stopped);

  const other = 'http://localhost:9/signin';
  const nw = await ssoLogin(base, op.url, 'oidc-test', 'sso-user', 'sso-user-pass', { redirectUrl: other });
  note('redirectUrl outside sso.client_whitelist', `${nw.end?.status} «${textOf(nw.end?.text || '')}»`);
  check('outside the whitelist Synapse shows its confirmation page instead of redirecting',
    nw.end?.status === 200 && !nw.end.stopped && /Continue/i.test(nw.end.text));

  const unknown = await new Agent().follow(`${base}/_matrix/client/v3/login/sso/redirect/oidc-nope?redirectUrl=${encodeURIComponent(FAKE_CONSOLE)}`);
  note('unknown idp_id', `${unknown.status} «${textOf(unknown.text)}»`);
  const noIdp = await new Agent().request('GET', `${base}/_matrix/client/v3/login/sso/redirect?redirectUrl=${encodeURIComponent(FAKE_CONSOLE)}`);
  check('/login/sso/redirect without an idp id goes straight to the only provider', noIdp.status === 302 && noIdp.location?.startsWith(`${op.url}/auth?`),
    `${noIdp.status} ${noIdp.location?.split('?')[0]}`);
  const noRedirect = await new Agent().follow(`${base}/_matrix/client/v3/login/sso/redirect/oidc-test`);
  note('no redirectUrl', `${noRedirect.status} «${textOf(noRedirect.text)}»`);
  const badToken = await json('POST', `${base}/_matrix/client/v3/login`, { body: { type: 'm.login.token', token: 'syl_nope' } });
  note('m.login.token with an unknown token', `${badToken.status} ${JSON.stringify(badToken.data)}`);
  const cors = await fetch(`${base}/_matrix/client/v3/login`, {
    method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  note('Synapse CORS preflight on /login', `${cors.status} ACAO=${cors.headers.get('access-control-allow-origin')}`);
}

// ---------------------------------------------------------------------------------------
// 2. OAuth 2.0 next-generation auth: mas-server.mjs behind matrix_authentication_service
// ---------------------------------------------------------------------------------------

const b64url = (buf) => buf.toString('base64url');

async function checkMas() {
  console.log('\n# MAS: mas-server.mjs + Synapse matrix_authentication_service');
  const { synapseMasConfig } = await import('./mas-server.mjs');
  const secret = b64url(randomBytes(24));
  const mas = await server('mas-server.mjs', ['--port', '0', '--secret', secret]);
  check('mas-server.mjs prints its URL', /^http:\/\/127\.0\.0\.1:\d+$/.test(mas.url), mas.url);
  const t0 = Date.now();
  const hs = startSynapse('synapse-mas', synapseMasConfig({ endpoint: mas.url, secret }), { users: false });
  note('Synapse with MAS started in', `${Date.now() - t0} ms`);
  const base = hs.base_url;
  const setHs = await json('PUT', `${mas.url}/_test/homeserver`, { token: secret, body: { url: base } });
  check('mas-server learns the homeserver URL', setHs.status === 204, String(setHs.status));
  await checkMasFlows(base, mas.url, secret);
}

async function masAuthorize({ base, metadata, client, username, password, scope, cancel = false, state = b64url(randomBytes(12)) }) {
  const verifier = b64url(randomBytes(48));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const redirectUri = client.redirect_uris[0];
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope, state,
    code_challenge: challenge, code_challenge_method: 'S256', response_mode: 'query',
  }).toString();
  const agent = new Agent();
  const isBack = (u) => u.startsWith(redirectUri);
  const out = { verifier, state, redirectUri };
  let res = await agent.follow(url.href, { stop: isBack });
  out.loginPage = res;
  if (res.status === 200 && /name="password"/.test(res.text)) {
    res = await agent.request('POST', formAction(res.text, /login$/, res.url), { form: { username, password } });
    if (res.location) res = await agent.follow(res.location, { stop: isBack });
  }
  out.consentPage = res;
  if (res.status === 200 && !res.stopped) {
    const action = formAction(res.text, cancel ? /abort$/ : /consent$/, res.url);
    if (action) {
      res = await agent.request('POST', action, { form: {} });
      if (res.location) {
        res = isBack(res.location) ? { ...res, stopped: true } : await agent.follow(res.location, { stop: isBack });
      }
    }
  }
  out.last = res;
  if (res.stopped) {
    const back = new URL(res.location);
    out.back = back.href;
    out.params = Object.fromEntries(back.searchParams);
  }
  return out;
}

async function exchange(metadata, client, auth) {
  return json('POST', metadata.token_endpoint, {
    form: { grant_type: 'authorization_code', code: auth.params.code, redirect_uri: auth.redirectUri, client_id: client.client_id, code_verifier: auth.verifier },
    headers: { Origin: new URL(auth.redirectUri).origin },
  });
}

async function checkMasFlows(base, masUrl, secret) {
  const CONSOLE = 'http://127.0.0.1:9';
  // discovery through Synapse
  const meta = await json('GET', `${base}/_matrix/client/v1/auth_metadata`);
  check('GET /_matrix/client/v1/auth_metadata', meta.status === 200 && meta.data.issuer && meta.data.registration_endpoint,
    `${meta.status} issuer=${meta.data.issuer}`);
  const unstable = await json('GET', `${base}/_matrix/client/unstable/org.matrix.msc2965/auth_metadata`);
  check('GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata is the same', unstable.status === 200
    && JSON.stringify(unstable.data) === JSON.stringify(meta.data), String(unstable.status));
  note('auth_metadata endpoints', Object.fromEntries(Object.entries(meta.data).filter(([k]) => /endpoint|issuer|account_management_uri/.test(k))));
  const versions = await json('GET', `${base}/_matrix/client/versions`);
  note('/versions unstable_features with MAS', Object.keys(versions.data.unstable_features || {}).filter((k) => /2965|3861|2967|4108|4190/.test(k)));
  const flows = await json('GET', `${base}/_matrix/client/v3/login`);
  note('GET /_matrix/client/v3/login on a MAS Synapse', `${flows.status} ${JSON.stringify(flows.data)}`);
  const pw = await json('POST', `${base}/_matrix/client/v3/login`, {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'mas-admin' }, password: 'mas-admin-pass' },
  });
  check('m.login.password on a MAS Synapse fails (the servlet is not there)', pw.status === 404, `${pw.status} ${JSON.stringify(pw.data)}`);
  const wk = await json('GET', `${base}/.well-known/matrix/client`);
  note('/.well-known/matrix/client (served by Synapse itself)', `${wk.status} ${JSON.stringify(wk.data)}`);
  const regShared = await json('GET', `${base}/_synapse/admin/v1/register`);
  note('GET /_synapse/admin/v1/register (shared-secret registration) with MAS', `${regShared.status} ${regShared.data.errcode}`);

  const metadata = meta.data;
  const corsOrigin = { Origin: CONSOLE };
  for (const [name, url, method] of [['discovery', `${metadata.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, 'GET'],
    ['registration', metadata.registration_endpoint, 'POST'], ['token', metadata.token_endpoint, 'POST'],
    ['revocation', metadata.revocation_endpoint, 'POST'], ['auth_metadata (Synapse)', `${base}/_matrix/client/v1/auth_metadata`, 'GET']]) {
    const pre = await fetch(url, { method: 'OPTIONS', headers: { ...corsOrigin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type' } });
    note(`CORS preflight ${name}`, `${pre.status} ACAO=${pre.headers.get('access-control-allow-origin')} methods=${pre.headers.get('access-control-allow-methods')} headers=${pre.headers.get('access-control-allow-headers')} max-age=${pre.headers.get('access-control-max-age')}`);
    check(`CORS preflight ${name} allows the console's origin`, pre.status < 300
      && ['*', CONSOLE].includes(pre.headers.get('access-control-allow-origin'))
      && /content-type|\*/i.test(pre.headers.get('access-control-allow-headers') || ''));
  }

  // registration (RFC 7591 / MSC2966)
  const clientMeta = {
    client_name: 'Synapse Console (test)',
    client_uri: `${CONSOLE}/`,
    redirect_uris: [`${CONSOLE}/signin`],
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  const reg = await json('POST', metadata.registration_endpoint, { body: clientMeta, headers: corsOrigin });
  check('dynamic client registration (public web client)', reg.status === 201 && reg.data.client_id,
    `${reg.status} ${reg.data.client_id || JSON.stringify(reg.data)}`);
  check('registration answers with ACAO for the console', ['*', CONSOLE].includes(reg.headers.get('access-control-allow-origin')));
  note('registration response keys', Object.keys(reg.data));
  const reg2 = await json('POST', metadata.registration_endpoint, { body: clientMeta });
  note('same metadata registered again gives the same client_id (as MAS)', reg2.data.client_id === reg.data.client_id);
  const client = reg.data;
  const badHost = await json('POST', metadata.registration_endpoint, { body: { ...clientMeta, redirect_uris: ['http://localhost:9/signin'] } });
  check('a redirect URI on another host than client_uri is refused (MAS policy)', badHost.status === 400, `${badHost.status} ${JSON.stringify(badHost.data)}`);
  const noUri = await json('POST', metadata.registration_endpoint, { body: { ...clientMeta, client_uri: undefined } });
  check('a registration without client_uri is refused (MAS policy)', noUri.status === 400, `${noUri.status} ${JSON.stringify(noUri.data)}`);

  const device = b64url(randomBytes(8)).replace(/[-_]/g, 'A').slice(0, 10);
  const ADMIN_SCOPE = `urn:matrix:client:api:* urn:matrix:client:device:${device} urn:synapse:admin:*`;

  // mas-admin with the admin scope
  const a = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: ADMIN_SCOPE });
  check('sign-in page has User name / Password / Sign in', /User name/.test(a.loginPage.text || '') && /Sign in/.test(a.loginPage.text || ''));
  check('consent page has Continue and Cancel', /Continue/.test(a.consentPage.text || '') && /Cancel/.test(a.consentPage.text || ''));
  check('authorization returns code and the same state', a.params?.code && a.params.state === a.state, a.back);
  note('authorization response (redirect back)', a.back);
  const tok = await exchange(metadata, client, a);
  check('token exchange with the PKCE verifier', tok.status === 200 && tok.data.access_token && tok.data.refresh_token,
    `${tok.status} ${JSON.stringify({ ...tok.data, access_token: '…', refresh_token: '…' })}`);
  check('token response answers CORS for the console', ['*', CONSOLE].includes(tok.headers.get('access-control-allow-origin')));
  const at = tok.data.access_token;
  const who = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: at });
  check('whoami with the token', who.status === 200 && who.data.user_id === '@mas-admin:localhost' && who.data.device_id === device,
    JSON.stringify(who.data));
  const ver = await json('GET', `${base}/_synapse/admin/v1/server_version`, { token: at });
  check('GET /_synapse/admin/v1/server_version', ver.status === 200, JSON.stringify(ver.data));
  const noGuests = await json('GET', `${base}/_synapse/admin/v2/users?limit=1`, { token: at });
  note('GET /_synapse/admin/v2/users?limit=1 on a MAS Synapse (guests defaults to true)', `${noGuests.status} ${JSON.stringify(noGuests.data)}`);
  const users = await json('GET', `${base}/_synapse/admin/v2/users?limit=1&guests=false`, { token: at });
  check('admin call with urn:synapse:admin:* answers 200 for mas-admin', users.status === 200, `${users.status} total=${users.data.total} ${users.status === 200 ? '' : JSON.stringify(users.data)}`);
  const isAdmin = await json('GET', `${base}/_synapse/admin/v1/users/${encodeURIComponent('@mas-admin:localhost')}/admin`, { token: at });
  note('GET /_synapse/admin/v1/users/<id>/admin on a MAS Synapse', `${isAdmin.status} ${JSON.stringify(isAdmin.data)}`);
  const userInfo = await json('GET', `${base}/_synapse/admin/v2/users/${encodeURIComponent('@mas-admin:localhost')}`, { token: at });
  note('GET /_synapse/admin/v2/users/<id> (admin flag as Synapse stores it)', `${userInfo.status} admin=${userInfo.data.admin}`);

  // refresh
  const ref = await json('POST', metadata.token_endpoint, {
    form: { grant_type: 'refresh_token', refresh_token: tok.data.refresh_token, client_id: client.client_id }, headers: corsOrigin,
  });
  check('refresh_token grant', ref.status === 200 && ref.data.access_token && ref.data.access_token !== at,
    `${ref.status} rotated refresh token: ${ref.data.refresh_token && ref.data.refresh_token !== tok.data.refresh_token}`);
  note('refreshed scope', ref.data.scope);
  const who2 = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: ref.data.access_token });
  const users2 = await json('GET', `${base}/_synapse/admin/v2/users?limit=1&guests=false`, { token: ref.data.access_token });
  check('the refreshed token works, admin included', who2.status === 200 && who2.data.device_id === device && users2.status === 200,
    `${who2.status} ${users2.status}`);
  const oldRefresh = await json('POST', metadata.token_endpoint, {
    form: { grant_type: 'refresh_token', refresh_token: tok.data.refresh_token, client_id: client.client_id },
  });
  note('the old refresh token after rotation', `${oldRefresh.status} ${JSON.stringify(oldRefresh.data)}`);
  const oldAt = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: at });
  note('the first access token after refresh (Synapse caches introspection 2 min)', `${oldAt.status} ${oldAt.data.errcode || ''}`);

  // token without the admin scope
  const plainScope = `urn:matrix:client:api:* urn:matrix:client:device:${device}B`;
  const p = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: plainScope });
  const ptok = p.params?.code && await exchange(metadata, client, p);
  const pusers = ptok && await json('GET', `${base}/_synapse/admin/v2/users?limit=1&guests=false`, { token: ptok.data.access_token });
  check('mas-admin without urn:synapse:admin:* gets 403 from the admin API', pusers?.status === 403, `${pusers?.status} ${JSON.stringify(pusers?.data)}`);

  // mas-user
  const u = await masAuthorize({ base, metadata, client, username: 'mas-user', password: 'mas-user-pass', scope: ADMIN_SCOPE.replace(device, `${device}U`) });
  check('mas-user asking for urn:synapse:admin:* is stopped by the policy page (no code)', !u.params?.code && /urn:synapse:admin/.test(u.consentPage.text || ''),
    textOf(u.consentPage.text || '').slice(0, 120));
  const uc = await masAuthorize({ base, metadata, client, username: 'mas-user', password: 'mas-user-pass', scope: ADMIN_SCOPE.replace(device, `${device}V`), cancel: true });
  check('its Cancel link goes back with error=access_denied and the state', uc.params?.error === 'access_denied' && uc.params.state === uc.state, uc.back);
  const u2 = await masAuthorize({ base, metadata, client, username: 'mas-user', password: 'mas-user-pass', scope: `urn:matrix:client:api:* urn:matrix:client:device:${device}W` });
  const utok = u2.params?.code && await exchange(metadata, client, u2);
  const uwho = utok && await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: utok.data.access_token });
  const uusers = utok && await json('GET', `${base}/_synapse/admin/v2/users?limit=1&guests=false`, { token: utok.data.access_token });
  check('mas-user without the admin scope: whoami 200, admin API 403', uwho?.status === 200 && uusers?.status === 403,
    `${uwho?.status} ${uusers?.status} ${JSON.stringify(uusers?.data)}`);
  const selfUser = utok && await json('GET', `${base}/_synapse/admin/v2/users/${encodeURIComponent('@mas-user:localhost')}`, { token: utok.data.access_token });
  const selfAdmin = await json('GET', `${base}/_synapse/admin/v2/users/${encodeURIComponent('@mas-admin:localhost')}`, { token: at });
  check('GET /_synapse/admin/v2/users/<own id> tells admin (200) from not (403) on MAS', selfUser?.status === 403 && selfAdmin.status === 200,
    `${selfUser?.status} ${selfAdmin.status}`);

  // consent cancelled
  const cc = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: ADMIN_SCOPE, cancel: true });
  check('Cancel on the consent page: error=access_denied with the state', cc.params?.error === 'access_denied' && cc.params.state === cc.state, cc.back);

  // PKCE and redirect checks
  const bad = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: ADMIN_SCOPE });
  const wrongVerifier = await exchange(metadata, client, { ...bad, verifier: b64url(randomBytes(48)) });
  check('a wrong code_verifier is refused', wrongVerifier.status === 400, `${wrongVerifier.status} ${JSON.stringify(wrongVerifier.data)}`);
  const errCors = await json('POST', metadata.token_endpoint, { form: { grant_type: 'authorization_code', code: 'nope', redirect_uri: client.redirect_uris[0], client_id: client.client_id, code_verifier: 'x'.repeat(43) }, headers: corsOrigin });
  check('token errors carry CORS headers too (the console can read them)', errCors.status === 400 && errCors.headers.get('access-control-allow-origin') === '*',
    `${errCors.status} ${errCors.data.error} ACAO=${errCors.headers.get('access-control-allow-origin')}`);
  const createUser = await json('PUT', `${base}/_synapse/admin/v2/users/${encodeURIComponent('@newbie:localhost')}`, { token: at, body: { password: 'x' } });
  note('creating a user with the admin API on a MAS Synapse', `${createUser.status} ${JSON.stringify(createUser.data)}`);
  const reused = await exchange(metadata, client, bad);
  note('the code after a failed exchange', `${reused.status} ${JSON.stringify(reused.data)}`);
  const badRedirect = await new Agent().follow(`${metadata.authorization_endpoint}?${new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: `${CONSOLE}/other`, scope: ADMIN_SCOPE, state: 'x',
    code_challenge: b64url(createHash('sha256').update('v'.repeat(43)).digest()), code_challenge_method: 'S256',
  })}`);
  note('an unregistered redirect_uri', `${badRedirect.status} «${textOf(badRedirect.text)}»`);
  const noPkce = await new Agent().follow(`${metadata.authorization_endpoint}?${new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: client.redirect_uris[0], scope: ADMIN_SCOPE, state: 'x',
  })}`, { stop: (u) => u.startsWith(client.redirect_uris[0]) });
  note('no code_challenge (public client)', noPkce.stopped ? noPkce.location || noPkce.hops.at(-1) : `${noPkce.status} «${textOf(noPkce.text)}»`);
  const mixed = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: `urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:${device}M` });
  note('stable and unstable scopes mixed', mixed.params ? mixed.back : `policy page «${textOf(mixed.consentPage.text || '').slice(0, 140)}»`);
  const unstableScope = `urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:org.matrix.msc2967.client:device:${device}X urn:synapse:admin:*`;
  const us = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: unstableScope });
  const ustok = us.params?.code && await exchange(metadata, client, us);
  const uswho = ustok && await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: ustok.data.access_token });
  const ususers = ustok && await json('GET', `${base}/_synapse/admin/v2/users?limit=1&guests=false`, { token: ustok.data.access_token });
  check('the unstable MSC2967 scopes work too', uswho?.status === 200 && uswho.data.device_id === `${device}X` && ususers?.status === 200,
    `${uswho?.status} ${ususers?.status}`);
  const noDevice = await masAuthorize({ base, metadata, client, username: 'mas-admin', password: 'mas-admin-pass', scope: 'urn:matrix:client:api:* urn:synapse:admin:*' });
  const ndtok = noDevice.params?.code && await exchange(metadata, client, noDevice);
  const ndwho = ndtok && await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: ndtok.data.access_token });
  note('a token without a device scope: whoami', `${ndwho?.status} ${JSON.stringify(ndwho?.data)}`);

  // introspection as Synapse does it
  const intro = await json('POST', `${masUrl}/oauth2/introspect`, { token: secret, form: { token: ref.data.access_token, token_type_hint: 'access_token' } });
  note('introspection answer (Synapse\'s request)', intro.data);
  const introBad = await json('POST', `${masUrl}/oauth2/introspect`, { token: 'wrong', form: { token: ref.data.access_token } });
  check('introspection refuses another secret', introBad.status === 401, String(introBad.status));

  // revocation (RFC 7009)
  const rev = await json('POST', metadata.revocation_endpoint, {
    form: { token: ref.data.access_token, token_type_hint: 'access_token', client_id: client.client_id }, headers: corsOrigin,
  });
  check('revocation answers 200 with CORS', rev.status === 200 && ['*', CONSOLE].includes(rev.headers.get('access-control-allow-origin')), String(rev.status));
  const afterRev = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: ref.data.access_token });
  check('after revocation Synapse answers 401', afterRev.status === 401, `${afterRev.status} ${JSON.stringify(afterRev.data)}`);
  const refAfterRev = await json('POST', metadata.token_endpoint, { form: { grant_type: 'refresh_token', refresh_token: ref.data.refresh_token, client_id: client.client_id } });
  check('revoking the access token ends the session: its refresh token is dead too (as MAS)', refAfterRev.status === 400, `${refAfterRev.status} ${refAfterRev.data.error}`);
  const revAgain = await json('POST', metadata.revocation_endpoint, { form: { token: ref.data.access_token, client_id: client.client_id } });
  note('revoking an unknown/revoked token', `${revAgain.status} ${JSON.stringify(revAgain.data)}`);
  if (ndtok?.data?.access_token) {
    await json('POST', metadata.revocation_endpoint, { form: { token: ndtok.data.access_token, client_id: client.client_id } });
    const ndAfter = await json('GET', `${base}/_matrix/client/v3/account/whoami`, { token: ndtok.data.access_token });
    note('a revoked token WITHOUT a device scope, on Synapse right after (introspection cache)', `${ndAfter.status} ${ndAfter.data.errcode || ''}`);
  }
  const devices = await json('GET', `${base}/_synapse/admin/v2/users/${encodeURIComponent('@mas-admin:localhost')}/devices`, { token: ustok?.data?.access_token });
  note('mas-admin devices on Synapse after the revocations', devices.data.devices?.map((d) => d.device_id));
}

async function main() {
  mkdirSync(opts.dir, { recursive: true });
  try {
    if (parts.includes('sso')) await checkSso();
    if (parts.includes('mas')) await checkMas();
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${err.stack || err}`);
  } finally {
    for (const stop of cleanup.reverse()) {
      try {
        stop();
      } catch (err) {
        console.log(`cleanup: ${err.message}`);
      }
    }
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
