// Starts a bundle (the console or the sign-in page) from a file rather than the inline
// <script> trunk would write, so the Content-Security-Policy allows scripts from 'self'
// only, with no 'unsafe-inline' and no hash to update on every release (README,
// Deploying). Trunk.toml's pattern_script writes the tag that loads this file, with
// the bundle's hashed file names (next to this file) in the query.
const query = new URL(import.meta.url).searchParams;

function sibling(key) {
  const name = query.get(key) || '';
  // Only a plain file name next to this one: never another directory or site.
  if (!/^[\w.-]+$/.test(name)) throw new Error(`boot.js: bad ${key} file name`);
  return new URL(name, import.meta.url).href;
}

const { default: init } = await import(sibling('js'));
await init({ module_or_path: sibling('wasm') });
