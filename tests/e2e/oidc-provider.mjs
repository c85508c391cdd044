#!/usr/bin/env node
// OpenID Connect provider for the single sign-on tests (npm `oidc-provider`), loopback only.
// Synapse signs users in through it with `oidc_providers` (m.login.sso); see AUTH-SERVERS.md.
//
//   node tests/e2e/oidc-provider.mjs [--port 0] [--issuer http://127.0.0.1:PORT]
//        [--client-id synapse] [--client-secret synapse-secret] [--redirect-uri URL ...]
//        [--remember]
//
// - Prints `listening http://127.0.0.1:PORT/` once it answers (harness.js startServer()).
//   The issuer is that URL without the trailing slash, unless --issuer names another origin
//   on the same port (http://localhost:PORT); the server always binds 127.0.0.1.
// - One confidential client for Synapse (client_secret_basic). Its redirect URI is Synapse's
//   callback: by default `http://127.0.0.1/_synapse/client/oidc/callback` on any port (it is
//   registered as a "native" client, for which loopback ports are ignored, RFC 8252), so the
//   provider can start before Synapse's port is known. --redirect-uri replaces that list.
// - Accounts (user name / password): sso-admin / sso-admin-pass, sso-user / sso-user-pass,
//   sso-noname / sso-noname-pass (no preferred_username claim: Synapse cannot map it).
// - Sign-in page: "User name", "Password", "Sign in", and "Cancel" (back to Synapse with
//   error=access_denied). No consent page: the Synapse client is first-party. The form comes
//   on every authorization, even in a browser that signed in before, unless --remember (then
//   the provider's session cookie signs the same user in again without a form, as real IdPs do).
// - Exits cleanly on SIGTERM/SIGINT.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

// Expected on this setup and said once here instead: Node 20 is older than the LTS the library
// asks for (it works), and the in-memory store is what a throwaway test server wants.
const EXPECTED_WARNINGS = [/Unsupported runtime/, /in-memory adapter/];
const warn = console.warn;
console.warn = (...args) => {
  if (!EXPECTED_WARNINGS.some((re) => re.test(String(args[0])))) warn(...args);
};
const { default: Provider, interactionPolicy } = await import('oidc-provider');

export const ACCOUNTS = {
  'sso-admin': { password: 'sso-admin-pass', name: 'SSO Admin', email: 'sso-admin@example.test' },
  'sso-user': { password: 'sso-user-pass', name: 'SSO User', email: 'sso-user@example.test' },
  // Signs in at the provider, but its ID token has no preferred_username: Synapse's
  // localpart_template then renders empty and the SSO login fails on Synapse's side.
  'sso-noname': { password: 'sso-noname-pass', name: 'No Name', email: 'sso-noname@example.test', noUsername: true },
};

/**
 * The Synapse settings (merged into homeserver.yaml with `scripts/synapse.py start
 * --extra-config FILE.json`) for SSO through this provider: password login off, the provider
 * as `oidc-<idpId>`, users mapped by preferred_username (sso-admin -> @sso-admin:localhost),
 * and `sso.client_whitelist` so Synapse redirects to the console at once instead of showing
 * its "Continue to your account" page. `clientWhitelist` entries are URL prefixes.
 */
export function synapseSsoConfig({
  issuer,
  clientId = 'synapse',
  clientSecret = 'synapse-secret',
  idpId = 'test',
  idpName = 'Test SSO',
  clientWhitelist = ['http://127.0.0.1:'],
  passwordLogin = false,
} = {}) {
  if (!issuer) throw new Error('synapseSsoConfig: issuer is required');
  return {
    password_config: { enabled: passwordLogin },
    sso: { client_whitelist: clientWhitelist },
    oidc_providers: [{
      idp_id: idpId, // listed and addressed as "oidc-<idp_id>"
      idp_name: idpName,
      issuer,
      client_id: clientId,
      client_secret: clientSecret,
      client_auth_method: 'client_secret_basic',
      scopes: ['openid', 'profile'],
      skip_verification: true, // an http:// issuer is refused without it
      // A user registered beforehand (e.g. as admin with the shared secret) is taken over on
      // their first SSO login instead of failing with "mapping attempt failed".
      allow_existing_users: true,
      user_mapping_provider: {
        config: {
          localpart_template: '{{ user.preferred_username }}',
          display_name_template: '{{ user.name }}',
        },
      },
    }],
  };
}

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      issuer: { type: 'string' },
      'client-id': { type: 'string', default: 'synapse' },
      'client-secret': { type: 'string', default: 'synapse-secret' },
      'redirect-uri': { type: 'string', multiple: true },
      remember: { type: 'boolean', default: false },
    },
  });
  let port = Number(values.port);
  let issuerOrigin;
  if (values.issuer) {
    const url = new URL(values.issuer);
    if (url.pathname !== '/' || url.search || url.hash || url.protocol !== 'http:') {
      console.error('oidc-provider: --issuer must be an http origin without a path');
      process.exit(2);
    }
    issuerOrigin = url.origin;
    port = Number(url.port || 80);
  }
  return { ...values, port, issuerOrigin };
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

function loginPage(uid, clientName, error, username = '') {
  return page('Test SSO: sign in', `
<p>Sign in to continue to ${escapeHtml(clientName)}.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <p><label for="username">User name</label>
     <input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required></p>
  <p><label for="password">Password</label>
     <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Sign in</button></p>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort">
  <p><button type="submit">Cancel</button></p>
</form>`);
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The sign-in form on every authorization unless --remember: a test that signs in as another
 * user in the same browser context then still sees the form (a real IdP would remember the
 * first user in its session cookie and send them straight back to Synapse).
 */
function loginPolicy(remember) {
  const policy = interactionPolicy.base();
  if (!remember) {
    policy.get('login').checks.push(new interactionPolicy.Check('login_every_time',
      'this test provider asks for a sign-in on every authorization', 'login_required',
      (ctx) => (ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT)));
  }
  return policy;
}

function configuration(opts) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-sso', use: 'sig', alg: 'RS256' };
  const redirectUris = opts['redirect-uri']?.length
    ? opts['redirect-uri']
    : ['http://127.0.0.1/_synapse/client/oidc/callback'];
  return {
    clients: [{
      client_id: opts['client-id'],
      client_secret: opts['client-secret'],
      client_name: 'Synapse',
      // "native": oidc-provider then ignores the port of a loopback redirect URI (RFC 8252 7.3).
      application_type: opts['redirect-uri']?.length ? 'web' : 'native',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'profile', 'email'],
    // Put the scope's claims into the ID token too (Synapse reads the ID token by default).
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: false },
      introspection: { enabled: false },
      registration: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    pkce: { required: () => false },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { policy: loginPolicy(opts.remember) },
    async findAccount(_ctx, sub) {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const claims = { sub, name: account.name, email: account.email, email_verified: true };
          if (!account.noUsername) claims.preferred_username = sub;
          return claims;
        },
      };
    },
    // First-party client: every requested scope is granted without a consent page.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!grant) {
        grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      }
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Test SSO: error', Object.entries(out)
        .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</p>`).join('\n'));
    },
  };
}

/** Sign-in page routes (plain node http), in front of the provider's own routes. */
function interactionHandler(provider) {
  return async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
    if (!match) return false;
    const [, , action] = match;
    try {
      const details = await provider.interactionDetails(req, res);
      const client = await provider.Client.find(details.params.client_id);
      const clientName = client?.clientName || details.params.client_id;
      if (!action && req.method === 'GET' && details.prompt.name === 'consent') {
        // No consent page (first-party client). oidc-provider asks for consent on every
        // authorization of a "native" client, so grant what is asked and go on.
        const { prompt: { details: missing }, session, params } = details;
        const grant = (details.grantId && await provider.Grant.find(details.grantId))
          || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      } else if (!action && req.method === 'GET') {
        send(res, 200, loginPage(details.uid, clientName));
      } else if (action === 'login' && req.method === 'POST') {
        const form = await readForm(req);
        const username = (form.get('username') || '').trim();
        const account = ACCOUNTS[username];
        if (!account || account.password !== form.get('password')) {
          send(res, 200, loginPage(details.uid, clientName, 'Wrong user name or password.', username));
        } else {
          await provider.interactionFinished(req, res, { login: { accountId: username } },
            { mergeWithLastSubmission: false });
        }
      } else if (action === 'abort' && req.method === 'POST') {
        await provider.interactionFinished(req, res,
          { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
          { mergeWithLastSubmission: false });
      } else {
        send(res, 405, page('Method not allowed', ''));
      }
    } catch (err) {
      // SessionNotFound etc.: an expired or replayed interaction.
      send(res, err.statusCode || err.status || 400, page('Test SSO: error',
        `<p role="alert">${escapeHtml(err.error_description || err.message)}</p>`));
    }
    return true;
  };
}

function main() {
  const opts = options();
  let handle = (_req, res) => {
    res.writeHead(503);
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  server.on('error', (err) => {
    console.error(`oidc-provider: ${err.message}`);
    process.exit(1);
  });
  server.listen(opts.port, '127.0.0.1', () => {
    const { port } = server.address();
    const issuer = opts.issuerOrigin || `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, configuration(opts));
    const interactions = interactionHandler(provider);
    const callback = provider.callback();
    handle = async (req, res) => {
      if (!(await interactions(req, res))) callback(req, res);
    };
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
