#!/usr/bin/env node
// A stand-in for the Matrix Authentication Service (MAS) for the OAuth 2.0 sign-in tests
// ("next-generation auth", MSC3861/MSC2965/MSC2966/MSC2967), on npm `oidc-provider`. Loopback
// only; it does what Synapse 1.163's `matrix_authentication_service` integration and a browser
// client ask of MAS, with MAS's paths, policies and CORS. See AUTH-SERVERS.md.
//
//   node tests/e2e/mas-server.mjs [--port 0] [--secret S] [--homeserver URL]
//        [--server-name localhost] [--access-token-ttl 300] [--strict-uris] [--remember]
//
// - Prints `listening http://127.0.0.1:PORT/` (harness.js startServer()). The issuer is that
//   URL, with its trailing slash, as MAS's is.
// - Synapse: `matrix_authentication_service: {enabled: true, endpoint: <that URL>, secret: S}`
//   (synapseMasConfig() below). Synapse introspects tokens at /oauth2/introspect with S as a
//   Bearer token; this server calls Synapse's /_synapse/mas/* API with S to create the users
//   and devices (Synapse never creates them itself), so it must know Synapse's URL:
//   --homeserver, or later `PUT /_test/homeserver {"url": ...}` with `Authorization: Bearer S`
//   (Synapse's port is only known once it runs, and it must be configured with ours first).
// - Accounts: mas-admin / mas-admin-pass (may request urn:synapse:admin:*), mas-user /
//   mas-user-pass (may not: asking for it ends on the policy page, as MAS's default policy does).
// - Pages: sign-in ("User name", "Password", "Sign in", "Cancel"), consent ("Continue",
//   "Cancel"), policy violation ("Cancel"). Cancel returns error=access_denied to the client.
//   The sign-in form comes on every authorization unless --remember.
// - CORS as MAS: every API route (discovery, keys, userinfo, token, revoke, registration,
//   introspect) answers any origin with `Access-Control-Allow-Origin: *`; preflights get 200,
//   `Access-Control-Allow-Methods: *`, the allowed headers and `Access-Control-Max-Age: 3600`.
// - Client registration follows MAS's default policy, except that http and loopback URIs are
//   allowed (MAS's `policy.data.client_registration.allow_insecure_uris: true`) unless
//   --strict-uris. Public clients with identical metadata get the same client_id back.
// - Exits cleanly on SIGTERM/SIGINT. Everything is in memory.

import { createServer } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

// Expected here and said once instead: Node 20 is older than the LTS oidc-provider asks for
// (it works); the in-memory store is what a throwaway server wants; the registration body is
// read before oidc-provider (to apply MAS's policy first).
const EXPECTED_WARNINGS = [/Unsupported runtime/, /in-memory adapter/, /already parsed request body/];
const warn = console.warn;
console.warn = (...args) => {
  if (!EXPECTED_WARNINGS.some((re) => re.test(String(args[0])))) warn(...args);
};
const { default: Provider, interactionPolicy, errors } = await import('oidc-provider');

export const DEFAULT_SECRET = 'mas-test-shared-secret';

export const ACCOUNTS = {
  'mas-admin': { password: 'mas-admin-pass', name: 'MAS Admin', email: 'mas-admin@example.test', canRequestAdmin: true },
  'mas-user': { password: 'mas-user-pass', name: 'MAS User', email: 'mas-user@example.test', canRequestAdmin: false },
};

/**
 * The Synapse settings (merged into homeserver.yaml with `scripts/synapse.py start
 * --extra-config FILE.json`) that delegate auth to this server. Synapse 1.163 refuses to start
 * with MAS enabled and password login, registration, SSO providers, user consent, session
 * lifetimes or 3PID changes on (synapse/config/mas.py); the base config only needs password
 * login turned off.
 */
export function synapseMasConfig({ endpoint, secret = DEFAULT_SECRET } = {}) {
  if (!endpoint) throw new Error('synapseMasConfig: endpoint is required');
  return {
    matrix_authentication_service: { enabled: true, endpoint, secret },
    password_config: { enabled: false },
    enable_registration: false,
  };
}

// Scopes, as MAS's default policy (policies/authorization_grant/authorization_grant.rego).
const STABLE_API = 'urn:matrix:client:api:*';
const UNSTABLE_API = 'urn:matrix:org.matrix.msc2967.client:api:*';
const STABLE_DEVICE = 'urn:matrix:client:device:';
const UNSTABLE_DEVICE = 'urn:matrix:org.matrix.msc2967.client:device:';
const ADMIN_SCOPE = 'urn:synapse:admin:*';
const DEVICE_RE = /^urn:matrix:(?:client|org\.matrix\.msc2967\.client):device:([A-Za-z0-9._~!$&'()*+,;=:@/-]{10,})$/;
const MATRIX_RESOURCE = 'urn:matrix:synapse';
const MATRIX_SCOPE_RE = /^(urn:matrix:client:api:\*|urn:matrix:org\.matrix\.msc2967\.client:api:\*|urn:synapse:admin:\*|urn:mas:graphql:\*|urn:mas:admin|urn:matrix:(client|org\.matrix\.msc2967\.client):device:.*)$/;

/** MAS's authorization_grant policy for an authorization_code grant: a list of violations. */
export function policyViolations(scope, account) {
  const scopes = (scope || '').split(' ').filter(Boolean);
  const out = [];
  for (const s of scopes) {
    const ok = s === 'openid' || s === 'email' || s === 'urn:mas:graphql:*'
      || s === STABLE_API || s === UNSTABLE_API || DEVICE_RE.test(s)
      || ((s === ADMIN_SCOPE || s === 'urn:mas:admin') && account?.canRequestAdmin);
    if (!ok) out.push(`scope '${s}' not allowed`);
  }
  const count = (prefix) => scopes.filter((s) => s.startsWith(prefix)).length;
  if (count(STABLE_DEVICE) > 1 || count(UNSTABLE_DEVICE) > 1) out.push('only one device scope is allowed at a time');
  if ((count(STABLE_DEVICE) || count(UNSTABLE_DEVICE)) && !count('urn:matrix:client:api:') && !count('urn:matrix:org.matrix.msc2967.client:api:')) {
    out.push('device scopes are only allowed when the client-server API scope is requested');
  }
  if (count('urn:matrix:client:') && count('urn:matrix:org.matrix.msc2967.client:')) out.push('request cannot mix unstable and stable scopes');
  return out;
}

// Client registration, as MAS's default policy (policies/client_registration/*.rego) and
// registration handler.
function parseUri(value) {
  try {
    return typeof value === 'string' ? new URL(value) : null;
  } catch {
    return null;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

function registrationViolations(meta, { strictUris }) {
  const out = [];
  const secure = (u) => {
    if (!strictUris) return Boolean(parseUri(u));
    const url = parseUri(u);
    return Boolean(url && url.protocol === 'https:' && !LOOPBACK.has(url.hostname));
  };
  const clientUri = parseUri(meta.client_uri);
  const sameSite = (u) => {
    const url = parseUri(u);
    if (!url || !clientUri) return false;
    const host = clientUri.hostname.split('.').reverse();
    const sub = url.hostname.split('.').reverse();
    return host.every((part, i) => sub[i] === part);
  };
  if (!meta.client_uri) out.push('missing client_uri');
  else if (!secure(meta.client_uri)) out.push('invalid client_uri');
  for (const key of ['tos_uri', 'policy_uri', 'logo_uri']) {
    if (meta[key] === undefined) continue;
    if (!secure(meta[key])) out.push(`invalid ${key}`);
    if (!sameSite(meta[key])) out.push(`${key} not on the same host as the client_uri`);
  }
  const grants = meta.grant_types || ['authorization_code'];
  if (grants.includes('client_credentials') && meta.token_endpoint_auth_method === 'none') {
    out.push('client_credentials grant_type requires some form of client authentication');
  }
  if (grants.includes('authorization_code') || grants.includes('implicit')) {
    if (!Array.isArray(meta.redirect_uris)) out.push('missing redirect_uris');
    else if (meta.redirect_uris.length === 0) out.push('invalid redirect_uris: it must have at least one redirect_uri');
  }
  for (const uri of Array.isArray(meta.redirect_uris) ? meta.redirect_uris : []) {
    const url = parseUri(uri);
    let ok;
    if (meta.application_type === 'native') {
      ok = url && ((url.protocol === 'http:' && LOOPBACK.has(url.hostname))
        || (!['http:', 'https:'].includes(url.protocol) && !url.host && clientUri
          && `${url.protocol.slice(0, -1)}.`.startsWith(`${clientUri.hostname.split('.').reverse().join('.')}.`)));
    }
    ok = ok || (secure(uri) && sameSite(uri));
    if (!ok) out.push(`invalid redirect_uri ${uri}`);
  }
  return out;
}

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      secret: { type: 'string', default: DEFAULT_SECRET },
      homeserver: { type: 'string' },
      'server-name': { type: 'string', default: 'localhost' },
      'access-token-ttl': { type: 'string', default: '300' },
      'strict-uris': { type: 'boolean', default: false },
      remember: { type: 'boolean', default: false },
    },
  });
  return {
    port: Number(values.port),
    secret: values.secret,
    homeserver: values.homeserver?.replace(/\/$/, ''),
    serverName: values['server-name'],
    accessTokenTtl: Number(values['access-token-ttl']),
    strictUris: values['strict-uris'],
    remember: values.remember,
  };
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

const cancelForm = (uid, label = 'Cancel') => `<form method="post" action="/interaction/${escapeHtml(uid)}/abort">
  <p><button type="submit">${escapeHtml(label)}</button></p>
</form>`;

function loginPage(uid, clientName, error, username = '') {
  return page('Test MAS: sign in', `
<p>Sign in to continue to ${escapeHtml(clientName)}.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <p><label for="username">User name</label>
     <input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required></p>
  <p><label for="password">Password</label>
     <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Sign in</button></p>
</form>
${cancelForm(uid)}`);
}

function consentPage(uid, clientName, clientUri, mxid, scopes) {
  return page('Test MAS: allow access', `
<p><strong>${escapeHtml(clientName)}</strong>${clientUri ? ` (${escapeHtml(clientUri)})` : ''} wants to access your account
<strong>${escapeHtml(mxid)}</strong>.</p>
<ul>${scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/consent">
  <p><button type="submit">Continue</button></p>
</form>
${cancelForm(uid)}`);
}

function policyPage(uid, clientName, username, violations) {
  return page('Test MAS: this request was not allowed', `
<p>The authorization request from ${escapeHtml(clientName)} was denied by the policy of this service.</p>
<ul role="alert">${violations.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul>
<p>Signed in as ${escapeHtml(username)}.</p>
${cancelForm(uid)}`);
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(status === 204 ? undefined : JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 56 * 1024) throw new Error('request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// CORS, as MAS's api_router and discovery_router (tower-http CorsLayer: any origin, any
// method, these request headers, max-age one hour).
const CORS_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/webfinger', '/oauth2/keys.json',
  '/oauth2/userinfo', '/oauth2/introspect', '/oauth2/revoke', '/oauth2/token', '/oauth2/registration']);
const CORS_HEADERS = 'authorization,accept,accept-language,content-language,content-type,x-requested-with';

function applyCors(req, res) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Vary', 'origin, access-control-request-method, access-control-request-headers');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(200, {
      'Access-Control-Allow-Methods': '*',
      'Access-Control-Allow-Headers': CORS_HEADERS,
      'Access-Control-Max-Age': '3600',
      'Content-Length': '0',
    });
    res.end();
    return true;
  }
  return false;
}

/** ULID-like ids (MAS's client ids are ULIDs). */
function ulid() {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Date.now();
  let out = '';
  for (let i = 0; i < 10; i += 1) {
    out = alphabet[time % 32] + out;
    time = Math.floor(time / 32);
  }
  for (const byte of randomBytes(16)) out += alphabet[byte % 32];
  return out;
}

function sortedJson(value) {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

class MasServer {
  constructor(opts, issuer) {
    this.opts = opts;
    this.issuer = issuer;
    this.homeserver = opts.homeserver;
    this.provisioned = new Set();
    this.publicClients = new Map(); // metadata digest -> registration response (MAS reuses them)
    this.grantDevices = new Map(); // grantId -> { localpart, deviceId }
    this.grantAccessTokens = new Map(); // grantId -> [access token values]
    this.provider = new Provider(issuer, this.configuration());
    this.provider.on('grant.revoked', (ctx, grantId) => {
      if (ctx?.state) (ctx.state.revokedGrants ||= []).push(grantId);
    });
    this.provider.use(this.afterRoutes.bind(this));
    this.callback = this.provider.callback();
  }

  configuration() {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-mas', use: 'sig', alg: 'RS256' };
    const policy = interactionPolicy.base();
    if (!this.opts.remember) {
      policy.get('login').checks.push(new interactionPolicy.Check('login_every_time',
        'this test server asks for a sign-in on every authorization', 'login_required',
        (ctx) => (ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT)));
    }
    // MAS asks for consent on every authorization code grant.
    policy.get('consent').checks.push(new interactionPolicy.Check('consent_every_time',
      'MAS asks for consent on every authorization', 'consent_required',
      (ctx) => (ctx.oidc.result?.consent ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT)));
    const matrixScopes = (ctx) => {
      const { oidc } = ctx;
      const sources = [oidc.params?.scope, oidc.entities?.AuthorizationCode?.scope, oidc.entities?.RefreshToken?.scope];
      return [...new Set(sources.filter(Boolean).join(' ').split(' '))].filter((s) => MATRIX_SCOPE_RE.test(s)).join(' ');
    };
    return {
      jwks: { keys: [jwk] },
      cookies: {
        keys: [randomBytes(32).toString('hex')],
        // Distinct from oidc-provider.mjs's: browsers share cookies across ports of one host.
        names: { session: '_mas_session', interaction: '_mas_interaction', resume: '_mas_interaction_resume' },
      },
      routes: {
        authorization: '/authorize',
        token: '/oauth2/token',
        jwks: '/oauth2/keys.json',
        userinfo: '/oauth2/userinfo',
        registration: '/oauth2/registration',
        revocation: '/oauth2/revoke',
        introspection: '/oauth2/_oidc_provider_introspection', // disabled; ours is /oauth2/introspect
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      scopes: ['openid', 'email'],
      discovery: {
        // MSC4191 (and required by Synapse's ServerMetadata).
        account_management_uri: `${this.issuer}account/`,
        account_management_actions_supported: ['org.matrix.profile', 'org.matrix.devices_list', 'org.matrix.device_view',
          'org.matrix.device_delete', 'org.matrix.cross_signing_reset', 'org.matrix.sessions_list', 'org.matrix.session_view',
          'org.matrix.session_end'],
        introspection_endpoint: `${this.issuer}oauth2/introspect`,
        prompt_values_supported: ['login'],
      },
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true, issueRegistrationAccessToken: false, idFactory: ulid },
        registrationManagement: { enabled: false },
        revocation: { enabled: true },
        introspection: { enabled: false },
        userinfo: { enabled: true },
        rpInitiatedLogout: { enabled: false },
        pushedAuthorizationRequests: { enabled: false },
        resourceIndicators: {
          enabled: true,
          // Matrix scopes are not OpenID Connect scopes: oidc-provider issues them for a
          // "resource server", which here is always Synapse, without a `resource` parameter.
          defaultResource: () => MATRIX_RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (ctx, resource) => {
            if (resource !== MATRIX_RESOURCE) throw new errors.InvalidTarget();
            return { scope: matrixScopes(ctx), accessTokenFormat: 'opaque', accessTokenTTL: this.opts.accessTokenTtl };
          },
        },
      },
      clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
      pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
      ttl: {
        AccessToken: this.opts.accessTokenTtl,
        AuthorizationCode: 600,
        IdToken: 3600,
        RefreshToken: 30 * 24 * 3600,
        Interaction: 3600,
        Session: 14 * 24 * 3600,
        Grant: 365 * 24 * 3600,
      },
      // MAS: refresh tokens for every client allowed the grant (no offline_access needed), not
      // tied to the browser session, rotated on each use.
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      expiresWithSession: async () => false,
      rotateRefreshToken: true,
      // MAS ends the whole session whichever of its tokens is revoked.
      revokeGrantPolicy: () => true,
      interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx, sub) => {
        const account = ACCOUNTS[sub];
        if (!account) return undefined;
        return {
          accountId: sub,
          claims: async () => ({ sub, email: account.email, email_verified: true }),
        };
      },
      loadExistingGrant: async (ctx) => {
        const grantId = ctx.oidc.result?.consent?.grantId;
        return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
      },
      clientBasedCORS: () => true,
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = page('Test MAS: error', Object.entries(out)
          .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</p>`).join('\n'));
      },
    };
  }

  /** Calls Synapse's MAS API (/_synapse/mas/...) with the shared secret. */
  async synapse(path, body) {
    if (!this.homeserver) throw new Error('the homeserver URL is not set (--homeserver or PUT /_test/homeserver)');
    const res = await fetch(`${this.homeserver}/_synapse/mas/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.opts.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Synapse /_synapse/mas/${path} -> ${res.status} ${await res.text()}`);
  }

  async provision(localpart) {
    if (this.provisioned.has(localpart)) return;
    await this.synapse('provision_user', { localpart, set_displayname: ACCOUNTS[localpart].name });
    this.provisioned.add(localpart);
  }

  /** Koa middleware after oidc-provider's routes: devices on Synapse, MAS-like cleanups. */
  async afterRoutes(ctx, next) {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'registration' && ctx.status === 201 && ctx.body) {
      delete ctx.body.registration_client_uri;
      if (ctx.req.masDigest) this.publicClients.set(ctx.req.masDigest, ctx.body);
    }
    if (route === 'token' && ctx.status === 200 && ctx.body?.access_token) {
      const token = await this.provider.AccessToken.find(ctx.body.access_token);
      if (!token) return;
      const { grantId } = token;
      // As MAS: a refresh revokes the access token issued before it.
      for (const old of this.grantAccessTokens.get(grantId) || []) {
        const previous = await this.provider.AccessToken.find(old);
        if (previous) await previous.destroy();
      }
      this.grantAccessTokens.set(grantId, [ctx.body.access_token]);
      const device = (token.scope || '').split(' ').map((s) => s.match(DEVICE_RE)).find(Boolean);
      if (device) {
        // As MAS at the code exchange: the device must exist on Synapse before the token is used.
        await this.synapse('upsert_device', { localpart: token.accountId, device_id: device[1] });
        this.grantDevices.set(grantId, { localpart: token.accountId, deviceId: device[1] });
      }
    }
    if (ctx.state.revokedGrants) {
      // As MAS: ending a session deletes its device on Synapse (MAS does it in a job, soon
      // after; here before the answer, so that tests see Synapse refuse the token at once).
      for (const grantId of ctx.state.revokedGrants) {
        const device = this.grantDevices.get(grantId);
        this.grantDevices.delete(grantId);
        this.grantAccessTokens.delete(grantId);
        if (device) await this.synapse('delete_device', { localpart: device.localpart, device_id: device.deviceId });
      }
    }
  }

  /** The requests handled here rather than by oidc-provider. Returns true when answered. */
  async handle(req, res) {
    const url = new URL(req.url, this.issuer);
    const { pathname } = url;
    if (CORS_PATHS.has(pathname) && applyCors(req, res)) return true;
    if (pathname === '/oauth2/introspect') return this.introspect(req, res);
    if (pathname === '/oauth2/registration' && req.method === 'POST') return this.register(req, res);
    if (pathname === '/oauth2/token' && req.method === 'POST') return this.checkRefreshReuse(req, res);
    if (pathname === '/_test/homeserver' && req.method === 'PUT') return this.setHomeserver(req, res);
    if (pathname === '/account/' || pathname === '/account') {
      sendHtml(res, 200, page('Test MAS: your account', '<p>Account management is not part of this test server.</p>'));
      return true;
    }
    const match = pathname.match(/^\/interaction\/([^/]+)(?:\/(login|consent|abort))?$/);
    if (match) return this.interaction(req, res, match[2]);
    return false;
  }

  bearer(req) {
    const header = req.headers.authorization || '';
    return header.startsWith('Bearer ') ? header.slice(7) : null;
  }

  async setHomeserver(req, res) {
    if (this.bearer(req) !== this.opts.secret) return sendJson(res, 401, { error: 'invalid_client' }) || true;
    const { url } = JSON.parse((await readBody(req)).toString() || '{}');
    if (!parseUri(url)) return sendJson(res, 400, { error: 'invalid_request', error_description: 'url' }) || true;
    this.homeserver = url.replace(/\/$/, '');
    this.provisioned.clear();
    sendJson(res, 204);
    return true;
  }

  /** Synapse's token introspection (synapse/api/auth/mas.py): Bearer <shared secret>. */
  async introspect(req, res) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' }) || true;
    const form = new URLSearchParams((await readBody(req)).toString());
    if (this.bearer(req) !== this.opts.secret) {
      sendJson(res, 401, { error: 'invalid_client', error_description: 'introspection needs the shared secret as a Bearer token' });
      return true;
    }
    const value = form.get('token') || '';
    const token = value && await this.provider.AccessToken.find(value);
    const grant = token && await this.provider.Grant.find(token.grantId);
    const now = Math.floor(Date.now() / 1000);
    if (!token || !grant || token.isExpired || !ACCOUNTS[token.accountId]) {
      sendJson(res, 200, { active: false });
      return true;
    }
    sendJson(res, 200, {
      active: true,
      scope: token.scope,
      client_id: token.clientId,
      username: token.accountId, // the localpart: Synapse makes @<username>:<server_name> of it
      sub: token.accountId,
      token_type: 'access_token',
      exp: token.exp,
      expires_in: token.exp - now,
      iat: token.iat,
      nbf: token.iat,
      jti: token.jti,
    });
    return true;
  }

  /** MAS's registration policy first, then oidc-provider's registration (or MAS's reuse). */
  async register(req, res) {
    const raw = await readBody(req);
    let meta;
    try {
      meta = JSON.parse(raw.toString() || 'null');
    } catch {
      meta = null;
    }
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
      sendJson(res, 400, { error: 'invalid_request' });
      return true;
    }
    const violations = registrationViolations(meta, this.opts);
    if (violations.length) {
      const error = violations.some((v) => v.includes('redirect_uri')) ? 'invalid_redirect_uri' : 'invalid_client_metadata';
      sendJson(res, 400, { error, error_description: violations.join(', ') });
      return true;
    }
    if (meta.token_endpoint_auth_method === 'none') {
      const digest = createHash('sha256').update(sortedJson(meta)).digest('hex');
      const known = this.publicClients.get(digest);
      if (known && await this.provider.Client.find(known.client_id)) {
        sendJson(res, 201, known);
        return true;
      }
      req.masDigest = digest;
    }
    req.body = raw; // oidc-provider reads an already-consumed body from req.body
    return false;
  }

  /**
   * MAS answers a consumed refresh token with invalid_grant and keeps the session; oidc-provider
   * would revoke the whole grant. Answer those here; pass the rest on.
   */
  async checkRefreshReuse(req, res) {
    const raw = await readBody(req);
    req.body = raw;
    const form = new URLSearchParams(raw.toString());
    if (form.get('grant_type') === 'refresh_token') {
      const token = await this.provider.RefreshToken.find(form.get('refresh_token') || '');
      if (token?.consumed) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token already used' });
        return true;
      }
    }
    return false;
  }

  async interaction(req, res, action) {
    try {
      const details = await this.provider.interactionDetails(req, res);
      const { uid, prompt, params, session } = details;
      const client = await this.provider.Client.find(params.client_id);
      const clientName = client?.clientName || params.client_id;
      if (action === 'abort' && req.method === 'POST') {
        await this.provider.interactionFinished(req, res,
          { error: 'access_denied', error_description: 'The user cancelled the authorization' }, { mergeWithLastSubmission: false });
      } else if (prompt.name === 'login' && !action && req.method === 'GET') {
        sendHtml(res, 200, loginPage(uid, clientName));
      } else if (prompt.name === 'login' && action === 'login' && req.method === 'POST') {
        const form = new URLSearchParams((await readBody(req)).toString());
        const username = (form.get('username') || '').trim();
        const account = ACCOUNTS[username];
        if (!account || account.password !== form.get('password')) {
          sendHtml(res, 200, loginPage(uid, clientName, 'Wrong user name or password.', username));
        } else {
          // MAS creates the user on Synapse when the account is created; here at its first login.
          await this.provision(username);
          await this.provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
        }
      } else if (prompt.name === 'consent') {
        const account = ACCOUNTS[session.accountId];
        const violations = policyViolations(params.scope, account);
        if (violations.length) {
          sendHtml(res, 200, policyPage(uid, clientName, session.accountId, violations));
        } else if (!action && req.method === 'GET') {
          const scopes = (params.scope || '').split(' ').filter(Boolean);
          sendHtml(res, 200, consentPage(uid, clientName, client?.clientUri, `@${session.accountId}:${this.opts.serverName}`, scopes));
        } else if (action === 'consent' && req.method === 'POST') {
          await readBody(req);
          // A new grant each time: one grant is one MAS "session" (one device).
          const grant = new this.provider.Grant({ accountId: session.accountId, clientId: params.client_id });
          const missing = prompt.details;
          const oidcScopes = (params.scope || '').split(' ').filter((s) => s === 'openid' || s === 'email');
          if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
          if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
          const matrix = (params.scope || '').split(' ').filter((s) => MATRIX_SCOPE_RE.test(s));
          if (matrix.length) grant.addResourceScope(MATRIX_RESOURCE, matrix.join(' '));
          const grantId = await grant.save();
          await this.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        } else {
          sendHtml(res, 405, page('Method not allowed', ''));
        }
      } else {
        sendHtml(res, 400, page('Test MAS: error', `<p role="alert">Unexpected step ${escapeHtml(prompt.name)}.</p>`));
      }
    } catch (err) {
      sendHtml(res, err.statusCode || err.status || 400, page('Test MAS: error',
        `<p role="alert">${escapeHtml(err.error_description || err.message)}</p>`));
    }
    return true;
  }
}

function main() {
  const opts = options();
  let app = null;
  const server = createServer(async (req, res) => {
    if (!app) {
      res.writeHead(503);
      res.end();
      return;
    }
    try {
      if (!(await app.handle(req, res))) app.callback(req, res);
    } catch (err) {
      console.error(`mas-server: ${err.stack || err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: err.message });
      else res.destroy();
    }
  });
  server.on('error', (err) => {
    console.error(`mas-server: ${err.message}`);
    process.exit(1);
  });
  server.listen(opts.port, '127.0.0.1', () => {
    const { port } = server.address();
    app = new MasServer(opts, `http://127.0.0.1:${port}/`);
    process.stdout.write(`listening http://127.0.0.1:${port}/\n`);
  });
  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
