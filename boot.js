// Starts a bundle (the console or the sign-in page) from a file rather than the inline
// <script> trunk would write, so the Content-Security-Policy allows scripts from 'self'
// only, with no 'unsafe-inline' and no hash to update on every release (README,
// Deploying). Trunk.toml's pattern_script writes the tag that loads this file, with
// the bundle's hashed file names (next to this file) in the query.
//
// It also puts up the page a crash leaves. A Rust panic ends the wasm instance on the
// spot (release builds use panic = "immediate-abort", which keeps the panic machinery
// out of the wasm): no Rust code runs after it, so this page is plain DOM, made here.
const query = new URL(import.meta.url).searchParams;

function sibling(key) {
  const name = query.get(key) || '';
  // Only a plain file name next to this one: never another directory or site.
  if (!/^[\w.-]+$/.test(name)) throw new Error(`boot.js: bad ${key} file name`);
  return new URL(name, import.meta.url).href;
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children); // strings become text nodes
  return node;
}

// Replaces the page with "Something went wrong" and a Reload button. Reloading
// loses nothing: the session and the followed purges are in sessionStorage.
function showCrashPage() {
  if (document.getElementById('crash')) return; // a dead instance may trap again
  const reload = element('button', { type: 'button', class: 'primary' }, 'Reload');
  reload.addEventListener('click', () => location.reload());
  const page = element(
    'main',
    { id: 'crash', class: 'page' },
    element(
      'div',
      { role: 'alert', class: 'error-view' },
      element('h1', {}, 'Something went wrong'),
      element(
        'p',
        {},
        'The console stopped because of an error and cannot continue on this page. ' +
          'Reload it: you stay signed in, and the purges you follow are kept, because both ' +
          "are kept in this tab's session storage. Details are in the browser's console.",
      ),
    ),
    reload,
  );
  document.body.replaceChildren(page);
  reload.focus(); // keyboard users can reload at once
}

// A trap reaches JS as a WebAssembly.RuntimeError: thrown out of an event handler
// (an error event) or out of a task the wasm was running (a rejected promise).
addEventListener('error', (event) => {
  if (event.error instanceof WebAssembly.RuntimeError) showCrashPage();
});
addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof WebAssembly.RuntimeError) showCrashPage();
});

try {
  const { default: init } = await import(sibling('js'));
  await init({ module_or_path: sibling('wasm') });
} catch (error) {
  if (error instanceof WebAssembly.RuntimeError) showCrashPage();
  throw error;
}
