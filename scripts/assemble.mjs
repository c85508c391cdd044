// Makes one page of the two bundles trunk builds (scripts/build.sh): index.html starts
// either the sign-in bundle or the console from boot.js, which decides from the tab's
// sessionStorage before any wasm is fetched (see boot.js).
//
//   node scripts/assemble.mjs DIST SIGN_IN_BUILD
//
// - Copies the sign-in bundle's script and wasm from SIGN_IN_BUILD into DIST.
// - Adds their names to the query of index.html's boot.js tag (signin_js, signin_wasm),
//   next to the console's (js, wasm).
// - Removes trunk's preload links for the console's script and wasm, and the link to
//   the console's stylesheet (its name goes into the query too, as css): they would
//   fetch the console's files on every first visit, before boot.js has decided anything.
// - Writes the same page as DIST/signin/index.html, so that a web server serves
//   /signin/ as a file, and an upgrade copied over an older dist/ (whose signin/ held
//   a page of its own) replaces that page too.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dist, signInBuild] = process.argv.slice(2);
if (!dist || !signInBuild) throw new Error('usage: node scripts/assemble.mjs DIST SIGN_IN_BUILD');

// trunk writes `boot.js?js=NAME&amp;wasm=NAME` (Trunk.toml, pattern_script).
const BOOT = /(boot\.js\?)([^"'\s>]+)/;

function bundleOf(html, file) {
  const match = BOOT.exec(html);
  if (!match) throw new Error(`${file}: no boot.js tag`);
  const query = new URLSearchParams(match[2].replaceAll('&amp;', '&'));
  const js = query.get('js');
  const wasm = query.get('wasm');
  if (!js || !wasm) throw new Error(`${file}: boot.js tag without js and wasm`);
  return { js, wasm };
}

const pageFile = path.join(dist, 'index.html');
const signInFile = path.join(signInBuild, 'index.html');
let page = readFileSync(pageFile, 'utf8');
const signIn = bundleOf(readFileSync(signInFile, 'utf8'), signInFile);
const consoleBundle = bundleOf(page, pageFile);

for (const name of [signIn.js, signIn.wasm]) {
  copyFileSync(path.join(signInBuild, name), path.join(dist, name));
}
page = page.replace(BOOT, (_, head, query) => `${head}${query}&amp;signin_js=${signIn.js}&amp;signin_wasm=${signIn.wasm}`);

const links = [...page.matchAll(/<link\b[^>]*>/g)].map(([tag]) => tag);
// <link rel=modulepreload|preload href=…console…>, in whatever attribute order trunk uses.
const preloads = links
  .filter((tag) => /\brel="?(modulepreload|preload)"?/.test(tag))
  .filter((tag) => tag.includes(consoleBundle.js) || tag.includes(consoleBundle.wasm));
for (const tag of preloads) page = page.replace(tag, '');
// The console's own styles (style/console.css) are boot.js's to load, with the console.
const consoleCss = links.filter((tag) => /\brel="?stylesheet"?/.test(tag) && /\/console-[\w]+\.css\b/.test(tag));
if (consoleCss.length !== 1) throw new Error(`${pageFile}: expected one console-*.css link, found ${consoleCss.length}`);
const cssName = /\/(console-\w+\.css)/.exec(consoleCss[0])[1];
page = page.replace(consoleCss[0], '');
page = page.replace(BOOT, (_, head, query) => `${head}${query}&amp;css=${cssName}`);
for (const name of [consoleBundle.js, consoleBundle.wasm, cssName]) {
  if (page.split(name).length !== 2) throw new Error(`${pageFile}: ${name} is referenced outside boot.js's tag`);
}

writeFileSync(pageFile, page);
mkdirSync(path.join(dist, 'signin'), { recursive: true });
writeFileSync(path.join(dist, 'signin', 'index.html'), page);
console.log(`assemble: index.html starts ${signIn.wasm}, or ${consoleBundle.wasm} with ${cssName}; ${preloads.length} preload links removed`);
