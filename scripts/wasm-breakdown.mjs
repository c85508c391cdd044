// Part of `make bench` when twiggy is installed (`cargo install twiggy`): which crates
// the console's code comes from. Reads cargo's wasm (before wasm-bindgen and wasm-opt,
// which strip the names), so the bytes are pre-optimisation: read them as shares.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The crate an item belongs to: the first path segment of its (demangled) name. */
function crateOf(name) {
  const clean = name.replace(/^<+/, '').replace(/^(dyn |&(mut )?)/, '');
  const head = clean.split(/::|[ <>(,]/)[0].replace(/\[[0-9a-f]+\]$/, '');
  if (/^(data segment|custom section|"function names"|elem|table|memory|global|type|import|export|code)/.test(name)) return null;
  // `<T as Trait>::f`: a generic impl, monomorphised for the app's own types.
  return head === 'T' ? '(generic impls)' : head || '?';
}

export function wasmBreakdown(wasm, top = 10) {
  const twiggy = [path.join(os.homedir(), '.cargo', 'bin', 'twiggy'), 'twiggy'].find((t) => t === 'twiggy' || existsSync(t));
  let csv;
  try {
    csv = execFileSync(twiggy, ['top', '-n', '1000000', '--format', 'csv', wasm], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch {
    return null;
  }
  const byCrate = new Map();
  let code = 0;
  for (const line of csv.split('\n').slice(1)) {
    const match = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
    if (!match) continue;
    const name = match[1].replace(/^"|"$/g, '').replace(/""/g, '"');
    const crate = crateOf(name);
    if (!crate) continue;
    const bytes = Number(match[2]);
    code += bytes;
    byCrate.set(crate, (byCrate.get(crate) || 0) + bytes);
  }
  const rows = [...byCrate.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([crate, bytes]) => ({ crate, bytes, share: bytes / code }));
  return { code, rows };
}
