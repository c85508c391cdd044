//! Moving between the two bundles. The sign-in page is its own small wasm (it loads
//! only what signing in needs); the console is the other. Both run in the same tab and
//! share its sessionStorage, so going from one to the other is a full page load.

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

/// Replaces this page by `url` (an absolute path).
pub fn replace(url: &str) {
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
