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

/**
 * The wasm's code bytes added up by `keyOf(symbol)`, largest first, with each key's
 * share of all code; null without the file or its names.
 */
function codeBy(wasm, keyOf) {
  if (!existsSync(wasm)) return null;
  const bytesOf = new Map();
  let code = 0;
  for (const { body, name } of functions(readFileSync(wasm))) {
    code += body;
    const key = keyOf(name);
    bytesOf.set(key, (bytesOf.get(key) || 0) + body);
  }
  if (code === 0) return null;
  const rows = [...bytesOf.entries()].sort((a, b) => b[1] - a[1])
    .map(([key, bytes]) => ({ key, bytes, share: bytes / code }));
  return { code, rows };
}

export function wasmBreakdown(wasm, top = 10) {
  const byCrate = codeBy(wasm, crateOf);
  if (!byCrate) return null;
  const rows = byCrate.rows.slice(0, top).map(({ key, ...row }) => ({ crate: key, ...row }));
  return { code: byCrate.code, rows };
}

// Which issue each of the project's modules belongs to (the console crate's and
// synapse-api's), for `featureBreakdown`. A module shared by several features is
// listed where it was introduced.
const FEATURES = [
  ['purge history', /^(pages::purge|components::(purges_panel|room_picker)|purge_tracker|purge|endpoints::purge)$/],
  ['media', /^(pages::media|components::(bulk_media|thumbnail)|media|endpoints::media)$/],
  ['disk reclamation', /^(pages::storage|components::(delete_old_media|remote_cache|usage_chart)|reclaim|endpoints::statistics)$/],
];
const PROJECT_CRATES = ['15synapse_console', '11synapse_api'];

/**
 * The project module a function was compiled for: the first of the project's
 * crates named in its symbol (a generic function instantiated for a component names
 * the component in its type arguments), then its module path, two levels deep for
 * `pages::`, `components::` and `endpoints::`. A name is `<length><ident>` in both
 * manglings. Null when the symbol names no module of the project.
 */
function projectModule(name) {
  for (const crate of PROJECT_CRATES) {
    for (let i = name.indexOf(crate); i >= 0; i = name.indexOf(crate, i + 1)) {
      let at = i + crate.length;
      const idents = [];
      while (idents.length < 2) {
        const length = /^\d+/.exec(name.slice(at));
        if (!length) break;
        at += length[0].length;
        const ident = name.slice(at, at + Number(length[0]));
        at += Number(length[0]);
        if (!/^[a-z_][a-z0-9_]*$/.test(ident)) break;
        idents.push(ident);
        if (!['pages', 'components', 'endpoints'].includes(idents[0])) break;
      }
      // v0 symbols end with the instantiating crate, which names no module.
      if (idents.length) return idents.join('::');
    }
  }
  return null;
}

/**
 * The console's code by feature (issue): functions compiled for a feature's modules,
 * the rest of the project's own code (the foundation: sign-in, session, shell, the
 * API layer), and the generic code they share (Leptos, std, serde, ...), which no
 * single feature owns. Shares of cargo's wasm, like `wasmBreakdown`.
 */
export function featureBreakdown(wasm) {
  const byFeature = codeBy(wasm, (name) => {
    const module = projectModule(name);
    if (module === null) return 'shared generic code';
    return (FEATURES.find(([, pattern]) => pattern.test(module)) || ['foundation'])[0];
  });
  return byFeature && byFeature.rows.map(({ key, ...row }) => ({ feature: key, ...row }));
}
