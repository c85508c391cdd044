// The README's deployment snippets, run as they are in real nginx and Caddy: read
// from README.md at test time (`<!-- deployment: NAME -->` before a fenced block), so
// the docs and the tests cannot drift apart. Only what a test machine must change is
// changed (README, Deploying, lists it): the port, TLS, the directories, the
// homeserver origin in the policy, and the Synapse behind the proxy.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { killPid, ROOT, WORK } from './harness.js';

/** The fenced block after `<!-- deployment: name -->` in README.md. */
export function readmeSnippet(name) {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const marker = `<!-- deployment: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at + marker.length));
  if (!block) throw new Error(`README.md: no code block after ${marker}`);
  return block[1];
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The suite's homeservers run on loopback ports chosen at run time. */
export const LOOPBACK = 'http://127.0.0.1:*';

/**
 * What a test machine changes in a snippet: `www` and `etc` stand for /var/www and
 * /etc/synapse-console, `synapse` for the Synapse behind the proxy (localhost:8008),
 * `origins` for the homeserver origin in the policy's connect-src.
 */
function adapt(snippet, { port, www, etc, synapse, origins = LOOPBACK }) {
  let text = snippet
    .replaceAll('/var/www', www)
    .replaceAll('/etc/synapse-console', etc)
    .replaceAll("connect-src 'self' https://matrix.example.org", `connect-src 'self'${origins ? ` ${origins}` : ''}`);
  if (synapse) text = text.replaceAll('http://localhost:8008', synapse).replaceAll('localhost:8008', new URL(synapse).host);
  return text
    .replace(/listen 443 ssl;/g, `listen 127.0.0.1:${port};`)
    .replace(/^\s*ssl_[a-z_]+ .*\n/gm, '')
    .replace(/^(admin|matrix)\.example\.org \{/m, `http://127.0.0.1:${port} {`);
}

/** Starts `command` detached in its own process group; resolves when `port` answers. */
async function startOn(port, command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...options });
  child.unref();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let answered = 0;
  for (let i = 0; i < 200; i += 1) {
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 50))]);
    if (code !== undefined) throw new Error(`${command} exited with ${code}: ${stderr}`);
    // Up when it answers HTTP, three times running, not when the port accepts: Caddy
    // may accept on a listener it replaces while it applies its config (a page loaded
    // after one answer was once refused).
    const up = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })
      .then(async (res) => { await res.arrayBuffer(); return true; }, () => false);
    answered = up ? answered + 1 : 0;
    if (answered >= 3) {
      child.stderr.destroy();
      return child.pid;
    }
  }
  killPid(child.pid);
  throw new Error(`${command} did not listen on ${port}: ${stderr}`);
}

/**
 * A directory laid out like a server, `under/name`: `www/<site>` holds a copy of a
 * build (`sites`: { site: dist }; `precompressed: false` leaves out its .gz and .br
 * copies), `etc/` the config (`config`: the config.json text, or absent).
 */
export function serverTree(name, { sites = {}, config, under = path.join(WORK, 'deployments'), precompressed = true } = {}) {
  const dir = path.join(under, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [site, dist] of Object.entries(sites)) {
    if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist} has no build`);
    // Without the .gz/.br copies, the server compresses on the fly (or not at all).
    const filter = (file) => precompressed || !/\.(gz|br)$/.test(file);
    cpSync(dist, path.join(dir, 'www', site), { recursive: true, filter });
  }
  mkdirSync(path.join(dir, 'www'), { recursive: true });
  mkdirSync(path.join(dir, 'etc'), { recursive: true });
  if (config !== undefined) writeFileSync(path.join(dir, 'etc', 'config.json'), config);
  return { dir, www: path.join(dir, 'www'), etc: path.join(dir, 'etc') };
}

/**
 * Runs README snippet `name` in nginx over `tree` (from serverTree). A sub-path
 * fragment (no `server {`) is put in a server block of its own. Options: `synapse`
 * (the proxied Synapse's URL), `origins` (connect-src; default loopback), `port`.
 * Resolves to { pid, url, dir, accessLog }.
 */
export function startNginx(name, tree, options = {}) {
  return nginxWith(name, readmeSnippet(name), tree, options);
}

/** startNginx with a site written by the test instead of the README's. */
export async function nginxWith(name, snippet, tree, { synapse, origins, port: wanted } = {}) {
  const port = wanted || (await freePort());
  let site = adapt(snippet, { port, www: tree.www, etc: tree.etc, synapse, origins });
  if (!/^\s*server \{/m.test(site)) site = `server {\n    listen 127.0.0.1:${port};\n${site}}\n`;
  const run = path.join(tree.dir, `nginx-${name}`);
  mkdirSync(path.join(run, 'tmp'), { recursive: true });
  const accessLog = path.join(run, 'access.log');
  // Debian's nginx.conf, less what a test run cannot use (its pid file, system logs,
  // sites-enabled on port 80). `user root`: the test tree may be in root's home.
  const conf = `user root;
worker_processes 1;
pid ${run}/nginx.pid;
error_log ${run}/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    access_log ${accessLog};
    client_body_temp_path ${run}/tmp/body;
    proxy_temp_path ${run}/tmp/proxy;
    fastcgi_temp_path ${run}/tmp/fastcgi;
    uwsgi_temp_path ${run}/tmp/uwsgi;
    scgi_temp_path ${run}/tmp/scgi;
${site}
}
`;
  const file = path.join(run, 'nginx.conf');
  writeFileSync(file, conf);
  const pid = await startOn(port, '/usr/sbin/nginx', ['-c', file, '-p', run, '-g', 'daemon off;']);
  return { pid, url: `http://127.0.0.1:${port}`, dir: run, accessLog };
}

/** Runs README snippet `name` in Caddy over `tree`, like startNginx. */
export async function startCaddy(name, tree, { synapse, origins, port: wanted } = {}) {
  const port = wanted || (await freePort());
  let site = adapt(readmeSnippet(name), { port, www: tree.www, etc: tree.etc, synapse, origins });
  if (!/^http:\/\/127\.0\.0\.1:\d+ \{/m.test(site)) site = `http://127.0.0.1:${port} {\n${site}}\n`;
  const run = path.join(tree.dir, `caddy-${name}`);
  mkdirSync(run, { recursive: true });
  // No admin endpoint (a fixed port), no certificates, state in the run directory.
  const global = `{\n\tadmin off\n\tauto_https off\n\tstorage file_system {\n\t\troot ${run}/data\n\t}\n}\n\n`;
  const file = path.join(run, 'Caddyfile');
  writeFileSync(file, global + site);
  const env = { ...process.env, HOME: run, XDG_CONFIG_HOME: `${run}/config`, XDG_DATA_HOME: `${run}/data` };
  const pid = await startOn(port, '/usr/bin/caddy', ['run', '--config', file, '--adapter', 'caddyfile'], { env });
  return { pid, url: `http://127.0.0.1:${port}`, dir: run };
}

/** Stops a server started here, by its PID, and waits until it is gone. */
export async function stopServer(server) {
  if (!server) return;
  killPid(server.pid);
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(server.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    process.kill(server.pid, 'SIGKILL');
  } catch {
    // gone
  }
}
