#!/usr/bin/env node
// Tiny static file server for the built app (end-to-end tests and the demo). No dependencies.
//
//   node tests/e2e/static-server.mjs --root DIR --port PORT [--host 127.0.0.1]
//        [--csp "policy string"] [--base /sub/path/] [--encodings br,gzip]
//
// - Serves files under --root with fixed content types and `Cache-Control: no-store`.
// - A missing path gets <path>/index.html if there is one (the sign-in page), else
//   index.html (client-side routes), except when it ends in an asset
//   extension (/config.json, /x.js, /x.wasm, /x.css, ...): that is a real 404.
// - Sends `Content-Security-Policy` on HTML responses when --csp is given.
// - Like nginx `gzip_static` / `brotli_static`: when the browser accepts it, sends the
//   build's precompressed copy (<file>.br, <file>.gz) as it is, in --encodings' order
//   ("" sends only the plain files).
// - With --base, only paths under that prefix are served, with the prefix stripped (the
//   printed URL is still the server root; append the base yourself).
// - Refuses path traversal. Port 0 picks a free port. Prints `listening http://HOST:PORT/`
//   once listening. Exits cleanly on SIGTERM/SIGINT.

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};
// A missing path ending in one of these is a real 404; any other missing path is a client-side
// route and gets index.html (routes may hold dots, e.g. /users/@bob:example.org).
const ASSET_EXTENSIONS = new Set([...Object.keys(TYPES), ".woff", ".ttf", ".jpg", ".jpeg",
  ".gif", ".webp", ".webmanifest", ".ts", ".br", ".gz"]);

// Content-Encoding → the extension of the build's precompressed copy.
const PRECOMPRESSED = { br: ".br", gzip: ".gz" };

/** The precompressed copy of `file` to send for this request, if any. */
async function precompressed(req, file, encodings) {
  const accepted = (req.headers["accept-encoding"] || "")
    .toLowerCase()
    .split(",")
    .map((token) => token.trim().split(";")[0]);
  for (const encoding of encodings) {
    if (!accepted.includes(encoding)) continue;
    const copy = file + PRECOMPRESSED[encoding];
    const info = await fileStat(copy);
    if (info) return { encoding, file: copy, info };
  }
  return null;
}

function options() {
  const { values } = parseArgs({
    options: {
      root: { type: "string" },
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      csp: { type: "string" },
      base: { type: "string", default: "/" },
      encodings: { type: "string", default: "br,gzip" },
    },
  });
  if (!values.root) {
    console.error("usage: static-server.mjs --root DIR --port PORT [--host H] [--csp P] [--base /b/]");
    process.exit(2);
  }
  let base = values.base.startsWith("/") ? values.base : `/${values.base}`;
  if (!base.endsWith("/")) base += "/";
  const encodings = values.encodings.split(",").map((e) => e.trim()).filter(Boolean);
  for (const e of encodings) {
    if (!PRECOMPRESSED[e]) {
      console.error(`static-server: --encodings takes br and gzip, not ${e}`);
      process.exit(2);
    }
  }
  return { ...values, base, encodings, port: Number(values.port) };
}

/** File info if `file` is a regular file, else null. */
async function fileStat(file) {
  try {
    const info = await stat(file);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

/** Map a URL path to { file, status }, or { status } for errors. */
async function resolve(root, base, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes("\0") || decoded.split(/[\\/]/).includes("..")) return { status: 403 };
  if (decoded === base.slice(0, -1)) decoded = base; // "/sub/path" → "/sub/path/"
  if (!decoded.startsWith(base)) return { status: 404 };
  const rel = decoded.slice(base.length);
  let file = path.resolve(root, `./${rel}`);
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 403 };
  if (!rel || rel.endsWith("/")) file = path.join(file, "index.html");
  const info = await fileStat(file);
  if (info) {
    // Symlinks must not lead outside the root either.
    const real = await realpath(file);
    if (!real.startsWith(root + path.sep)) return { status: 403 };
    return { file, info, status: 200 };
  }
  if (ASSET_EXTENSIONS.has(path.extname(rel).toLowerCase())) return { status: 404 };
  // Like nginx `try_files $uri $uri/index.html /index.html`: "/signin" is signin/index.html.
  const dirIndex = path.join(file, "index.html");
  const dirIndexInfo = rel && (await fileStat(dirIndex));
  if (dirIndexInfo) return { file: dirIndex, info: dirIndexInfo, status: 200 };
  const index = path.join(root, "index.html");
  const indexInfo = await fileStat(index);
  return indexInfo ? { file: index, info: indexInfo, status: 200 } : { status: 404 };
}

function main() {
  const opts = options();
  const root = path.resolve(opts.root);
  let realRoot = root;
  const server = createServer(async (req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" });
      return res.end("method not allowed\n");
    }
    const urlPath = (req.url || "/").split("?")[0].split("#")[0];
    const found = await resolve(realRoot, opts.base, urlPath);
    if (found.status !== 200) {
      res.writeHead(found.status, { "Content-Type": "text/plain; charset=utf-8" });
      return res.end(`${found.status}\n`);
    }
    const type = TYPES[path.extname(found.file).toLowerCase()] || "application/octet-stream";
    const copy = await precompressed(req, found.file, opts.encodings);
    const sent = copy || found;
    const headers = { "Content-Type": type, "Content-Length": sent.info.size, Vary: "Accept-Encoding" };
    if (copy) headers["Content-Encoding"] = copy.encoding;
    if (opts.csp && type.startsWith("text/html")) headers["Content-Security-Policy"] = opts.csp;
    res.writeHead(200, headers);
    if (req.method === "HEAD") return res.end();
    createReadStream(sent.file)
      .on("error", () => res.destroy())
      .pipe(res);
  });
  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  realpath(root)
    .then((real) => {
      realRoot = real;
      server.listen(opts.port, opts.host, () => {
        const { port } = server.address();
        const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
        process.stdout.write(`listening http://${host}:${port}/\n`);
      });
    })
    .catch((err) => {
      console.error(`static-server: bad --root ${root}: ${err.message}`);
      process.exit(2);
    });
  server.on("error", (err) => {
    console.error(`static-server: ${err.message}`);
    process.exit(1);
  });
}

main();
