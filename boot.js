// Starts the page: the sign-in bundle or the console, decided here from the tab's
// sessionStorage before any wasm is fetched, so a first visit (a bookmark, a deep
// link) loads only the small sign-in bundle. It is a file rather than the inline
// <script> trunk would write, so the Content-Security-Policy allows scripts from
// 'self' only (README, Deploying); scripts/build.sh writes the tag that loads it,
// with both bundles' hashed file names (next to this file) in the query.
//
// - Signed out on a console URL: the address becomes signin?next=<that URL> (no page
//   load) and the sign-in bundle starts. Once its form is up and the page is idle, the
//   console bundle is fetched and compiled, and when sign-in succeeds the console starts in this same
//   document, at the return path the sign-in bundle put in the address bar.
// - Signed in: the console starts (on the sign-in page's address, the sign-in
//   bundle hands over to its return path at once).
//
// It also puts up the page a crash leaves. A Rust panic ends the wasm instance on the
// spot (release builds use panic = "immediate-abort", which keeps the panic machinery
// out of the wasm): no Rust code runs after it, so this page is plain DOM, made here.
const query = new URL(import.meta.url).searchParams;
// Where the console is served ("/", or "/admin/" for a sub-path): boot.js sits there.
const root = new URL('./', import.meta.url).pathname;
// src/storage.rs's Key::Session: the one key read outside that module, and only to
// know whether this tab holds a session (the console checks what it holds).
const SESSION_KEY = 'synapse-console.session';
// What the sign-in bundle dispatches on window (src/navigation.rs): its form is up,
// and this tab has just signed in.
const FORM_READY_EVENT = 'synapse-console:sign-in-ready';
const SIGNED_IN_EVENT = 'synapse-console:signed-in';

function sibling(key) {
  const name = query.get(key) || '';
  // Only a plain file name next to this one: never another directory or site.
  if (!/^[\w.-]+$/.test(name)) throw new Error(`boot.js: bad ${key} file name`);
  return new URL(name, import.meta.url).href;
}

// The sign-in page's own address: `signin` or `signin/` under the root.
const onSignInPage = location.pathname.slice(root.length).replace(/\/$/, '') === 'signin';

const CONSOLE = { js: sibling('js'), wasm: sibling('wasm'), css: sibling('css') };
const SIGN_IN = { js: sibling('signin_js'), wasm: sibling('signin_wasm') };

function signedIn() {
  try {
    return sessionStorage.getItem(SESSION_KEY) !== null;
  } catch {
    return false; // storage disabled: the sign-in page says what it can
  }
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

// The console's glue and compiled module, fetched ahead while the sign-in form waits.
let prefetched = null;

function prefetchConsole() {
  if (prefetched) return;
  // compileStreaming needs application/wasm; on any failure the hand-over fetches again.
  const module = WebAssembly.compileStreaming(fetch(CONSOLE.wasm)).catch(() => CONSOLE.wasm);
  const glue = import(CONSOLE.js);
  // A failed prefetch (offline, a server restarted) is not an error yet: the hand-over
  // imports again, and says so if that fails too.
  glue.catch(() => {
    if (prefetched?.glue === glue) prefetched = null;
  });
  document.head.append(element('link', { rel: 'prefetch', as: 'style', href: CONSOLE.css }));
  prefetched = { glue, module };
}

// The console's stylesheet (the sign-in page needs only base.css), loaded before the
// console mounts so it never shows unstyled. A failed load still starts the console.
function consoleStyles() {
  return new Promise((resolve) => {
    const link = element('link', { rel: 'stylesheet', href: CONSOLE.css });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.head.append(link);
  });
}

function whenIdle(run) {
  if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 500);
}

// Starts a bundle; `ready` holds what was prefetched of it, `styles` what must load
// first. `replacing` clears the page (the sign-in page's nodes) once the new bundle
// is about to mount.
async function start(bundle, { ready = null, styles = null, replacing = false } = {}) {
  const [{ default: init }, module] = await Promise.all([
    ready?.glue ?? import(bundle.js),
    ready?.module ?? bundle.wasm,
    styles,
  ]);
  if (replacing) document.body.replaceChildren();
  await init({ module_or_path: module });
}

async function startConsole(replacing = false) {
  document.title = 'Synapse Console';
  await start(CONSOLE, { ready: prefetched, styles: consoleStyles(), replacing });
}

async function startSignIn() {
  if (!onSignInPage) {
    // The sign-in page's address, so a reload stays there; it returns here afterwards.
    const path = location.pathname + location.search;
    const next = path === root ? '' : `?next=${encodeURIComponent(path)}`;
    history.replaceState(null, '', `${root}signin${next}`);
  }
  document.title = 'Sign in · Synapse Console';
  addEventListener(SIGNED_IN_EVENT, () => startConsole(true).catch(failed), { once: true });
  // Not before the form is up: the sign-in page's own files come first.
  addEventListener(FORM_READY_EVENT, () => whenIdle(prefetchConsole), { once: true });
  await start(SIGN_IN);
}

function failed(error) {
  if (error instanceof WebAssembly.RuntimeError) showCrashPage();
  throw error;
}

// Signed in on the sign-in page's address, the sign-in bundle hands over at once, to
// the return path it validates (src/navigation.rs).
(signedIn() && !onSignInPage ? startConsole() : startSignIn()).catch(failed);
