//! Moving between the two bundles. The sign-in page is its own small wasm (it loads
//! only what signing in needs); the console is the other. Both run in the same tab and
//! share its sessionStorage, so going from one to the other is a full page load.

use synapse_api::path::segment;

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
/// Relative to the document's base, so a sub-path deployment works.
pub fn go_to_sign_in(next: Option<&str>) {
    let url = match next {
        Some(path) => format!("signin?next={}", segment(path)),
        None => "signin".to_owned(),
    };
    replace(&url);
}

/// Replaces this page by `url` (a path, or a URL relative to the document's base).
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
