// Part of `make bench`: which crates the console's code comes from. Reads cargo's wasm
// (before wasm-bindgen and wasm-opt, which strip the names) and adds up each
// function's body by the first crate its name names, so the bytes are
// pre-optimisation: read them as shares. No tool needed: a wasm file is a list of
// sections, and this reads two of them (code and the "name" custom section).
import { existsSync, readFileSync } from 'node:fs';

/**
 * The crate an item belongs to: the first crate named in its symbol. Rust's v0
 * mangling (`_R…`) names a crate as `C`, an optional `s<hash>_`, then `<length><name>`;
 * other names are plain (wasm-bindgen's shims, the allocator's C-like exports).
 */
function crateOf(name) {
  if (name.startsWith('_R')) {
    const match = /C(?:s[0-9A-Za-z]*_)?(\d+)/.exec(name.slice(2));
    if (match) {
      const start = 2 + match.index + match[0].length;
      return name.slice(start, start + Number(match[1]));
    }
  }
  return name.split(/::|[ <>(,]/)[0] || '?';
}

/** Function body sizes and names, indexed like the module's functions. */
function functions(bytes) {
  let at = 8; // magic and version
  const leb = () => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const skipName = () => { at += leb(); };
  const skipLimits = () => { const flags = bytes[at++]; leb(); if (flags & 1) leb(); };
  let imported = 0;
  const bodies = [];
  const names = new Map();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) { // imports: functions among them come first in the index space
      for (let n = leb(); n > 0; n -= 1) {
        skipName(); skipName();
        const kind = bytes[at++];
        if (kind === 0) { leb(); imported += 1; }
        else if (kind === 1) { at += 1; skipLimits(); }
        else if (kind === 2) skipLimits();
        else if (kind === 3) at += 2;
        else if (kind === 4) { at += 1; leb(); }
      }
    } else if (id === 10) { // code
      for (let n = leb(); n > 0; n -= 1) { const body = leb(); bodies.push(body); at += body; }
    } else if (id === 0) { // custom: only "name" has the function names
      const length = leb();
      const section = Buffer.from(bytes.subarray(at, at + length)).toString();
      at += length;
      while (section === 'name' && at < end) {
        const sub = bytes[at++];
        const subSize = leb();
        const subEnd = at + subSize;
        if (sub === 1) {
          for (let n = leb(); n > 0; n -= 1) {
            const index = leb();
            const nameLength = leb();
            names.set(index, Buffer.from(bytes.subarray(at, at + nameLength)).toString());
            at += nameLength;
          }
        }
        at = subEnd;
      }
    }
    at = end;
  }
  return bodies.map((body, i) => ({ body, name: names.get(imported + i) || '?' }));
}

export function wasmBreakdown(wasm, top = 10) {
  if (!existsSync(wasm)) return null;
  const byCrate = new Map();
  let code = 0;
  for (const { body, name } of functions(readFileSync(wasm))) {
    code += body;
    const crate = crateOf(name);
    byCrate.set(crate, (byCrate.get(crate) || 0) + body);
  }
  if (code === 0) return null;
  const rows = [...byCrate.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([crate, bytes]) => ({ crate, bytes, share: bytes / code }));
  return { code, rows };
}
