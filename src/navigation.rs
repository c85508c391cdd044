//! Moving between the two bundles. The sign-in page is its own small wasm (it loads
//! only what signing in needs); the console is the other. boot.js starts one of them
//! from the tab's sessionStorage: the sign-in page hands over to the console in the
//! same document (boot.js has fetched and compiled it meanwhile); the console goes
//! back to sign-in with a page load, which leaves nothing of its own running.

use synapse_api::path::segment;

/// Where the console is served, ending in `/`: `/`, or `/admin/` for a sub-path
/// deployment. scripts/build.sh sets it from `PUBLIC_URL`, as it does trunk's asset
/// URLs. Compiled in rather than read from a `<base href>`: the Content-Security-Policy
/// has `base-uri 'none'`, so pages carry no `<base>` (README, Deploying).
pub const PUBLIC_URL: &str = match option_env!("SYNAPSE_CONSOLE_PUBLIC_URL") {
    Some(url) => url,
    None => "/",
};

/// `path` (no leading `/`) under [`PUBLIC_URL`]. Links use it: the router resolves a
/// `navigate("/x")` against its base, but leaves an absolute `<A href="/x">` as it is.
pub fn app_url(path: &str) -> String {
    format!("{PUBLIC_URL}{path}")
}

/// The router's base: [`PUBLIC_URL`] without its trailing `/` (empty at the root).
pub fn router_base() -> &'static str {
    PUBLIC_URL.trim_end_matches('/')
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The current path and query, e.g. `/media?user=…`.
pub fn current_path() -> String {
    location()
        .map(|l| {
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Replaces this page by the sign-in page, which comes back to `next` afterwards.
pub fn go_to_sign_in(next: Option<&str>) {
    let url = match next {
        Some(path) => app_url(&format!("signin?next={}", segment(path))),
        None => app_url("signin"),
    };
    replace(&url);
}

/// The event boot.js waits for to start the console (boot.js's SIGNED_IN_EVENT).
const SIGNED_IN_EVENT: &str = "synapse-console:signed-in";
/// The event that tells boot.js the sign-in form is up (boot.js's FORM_READY_EVENT):
/// from then on it may fetch the console while the person types.
const FORM_READY_EVENT: &str = "synapse-console:sign-in-ready";

fn dispatch(name: &str) {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(name)) {
        let _ = window.dispatch_event(&event);
    }
}

/// Says the sign-in form is up (see [`FORM_READY_EVENT`]).
pub fn sign_in_form_ready() {
    dispatch(FORM_READY_EVENT);
}

/// Ends the sign-in page: puts `next` (a path inside the console) in the address bar
/// and has boot.js start the console in this document, where the console's router
/// reads it.
pub fn hand_over_to_console(next: &str) {
    replace_address(next);
    dispatch(SIGNED_IN_EVENT);
}

/// Puts `url` (an absolute path) in the address bar in place of the current entry,
/// without loading anything.
pub fn replace_address(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Replaces this page by `url` (an absolute path).
fn replace(url: &str) {
    if let Some(location) = location() {
        let _ = location.replace(url);
    }
}

/// The `next` query parameter of this page, decoded.
pub fn next_param() -> Option<String> {
    let search = location()?.search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("next")
}
