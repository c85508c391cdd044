// Starts and stops what the end-to-end suite needs: a real Synapse (scripts/synapse.py)
// and the release build served by static-server.mjs. Everything binds 127.0.0.1 and
// is stopped by the PID it recorded.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WORK = path.join(ROOT, '.work', 'e2e');
export const SYNAPSE_DIR = path.join(WORK, 'synapse');
const STATE = path.join(WORK, 'harness.json');
const CACHE = process.env.SYNAPSE_CONSOLE_CACHE || path.join(os.homedir(), '.cache', 'synapse-console');
export const PYTHON = path.join(CACHE, 'venv', 'bin', 'python');

export function synapse(command, ...args) {
  const out = execFileSync(PYTHON, [path.join(ROOT, 'scripts', 'synapse.py'), command, '--dir', SYNAPSE_DIR, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim() ? JSON.parse(out.trim().split('\n').pop()) : null;
}

/** Serves `root` on a free loopback port; resolves to { pid, url }. */
export function serveStatic(root, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'tests', 'e2e', 'static-server.mjs'), '--root', root, '--port', '0', ...extraArgs], {
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
    child.on('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
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
