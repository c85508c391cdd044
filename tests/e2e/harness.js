// Starts and stops what the end-to-end suite needs: a real Synapse (scripts/synapse.py)
// and the release build served as the README deploys it (deployments.js). Everything binds 127.0.0.1 and
// is stopped by the PID it recorded.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WORK = path.join(ROOT, '.work', 'e2e');
export const SYNAPSE_DIR = path.join(WORK, 'synapse');
const STATE = path.join(WORK, 'harness.json');
const CACHE = process.env.SYNAPSE_CONSOLE_CACHE || path.join(os.homedir(), '.cache', 'synapse-console');
export const PYTHON = path.join(CACHE, 'venv', 'bin', 'python');

export function synapse(command, ...args) {
  return synapseAt(SYNAPSE_DIR, command, ...args);
}

/** Runs scripts/synapse.py for the Synapse whose data lives in `dir`. */
export function synapseAt(dir, command, ...args) {
  const out = execFileSync(PYTHON, [path.join(ROOT, 'scripts', 'synapse.py'), command, '--dir', dir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim() ? JSON.parse(out.trim().split('\n').pop()) : null;
}

/**
 * Serves builds as the README deploys them, in a process of its own (scripts/serve.mjs:
 * README snippet `snippet` in nginx or Caddy); `sites` maps a directory under /var/www
 * to a build. Resolves to { pid, url }; killPid(pid) stops the web server too.
 */
export function serveBuild(snippet, sites, { dir = path.join(WORK, 'serve'), args = [] } = {}) {
  const siteArgs = Object.entries(sites).flatMap(([site, dist]) => ['--site', `${site}=${dist}`]);
  return startServer(path.join(ROOT, 'scripts', 'serve.mjs'), ['--snippet', snippet, '--dir', dir, ...siteArgs, ...args]);
}

/** Runs a node server script that prints `listening http://127.0.0.1:PORT/`; resolves to { pid, url }. */
export function startServer(script, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    child.unref();
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) {
        child.stdout.destroy();
        resolve({ pid: child.pid, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`${path.basename(script)} exited with ${code}`)));
  });
}

/** One JSON request to a homeserver (for seeding outside the test runner); fails on an error status. */
export async function call(base, method, route, token, body) {
  const res = await fetch(base + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route} -> ${res.status}`);
  return res.json();
}

/**
 * The Content-Security-Policy the build wrote (dist/csp.txt), with connect-src set to
 * loopback, where a deployer sets their homeserver's origin: the suite runs several
 * homeservers (Synapses of their own, a fake one) on ports chosen at run time.
 */
export function testPolicy(dist) {
  const file = path.join(dist, 'csp.txt');
  if (!existsSync(file)) throw new Error('dist/csp.txt is missing: build with scripts/build.sh (make dist)');
  const built = readFileSync(file, 'utf8').trim();
  const origins = ['http://127.0.0.1:*'];
  const directives = built.split(';').map((d) => d.trim()).filter(Boolean);
  if (!directives.some((d) => d.startsWith('connect-src '))) {
    throw new Error(`dist/csp.txt has no connect-src: ${built}`);
  }
  return directives
    .map((d) => (d.startsWith('connect-src ') ? `connect-src 'self' ${origins.join(' ')}` : d))
    .join('; ');
}

export function killPid(pid) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export function saveState(state) {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(STATE, JSON.stringify(state));
}

export function loadState() {
  return existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : null;
}

export function freshWorkDir() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
}

/** A valid solid-colour PNG, so Synapse can make real thumbnails of it. */
export function makePng(width, height, [r, g, b]) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0)),
  ]);
}
