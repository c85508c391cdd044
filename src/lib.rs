//! Synapse Console: a browser admin console for Synapse, in Rust and WebAssembly.
//!
//! Two bundles share this library: the sign-in page (`start_sign_in`, small) and the
//! console (`start_console`: `App` with its contexts and routes). Pages live in `pages/`, shared pieces in `components/`;
//! every rule about Synapse lives in the pure `synapse_api` crate.

mod api;
mod components;
mod config;
mod http;
mod navigation;
mod pages;
mod purge_tracker;
mod rate_limit;
mod session;
mod sign_in;
mod storage;
mod time;
pub mod words;

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

pub use api::{use_api, Api};
pub use components::reclaim_record::{keep as keep_reclaim, Keeping};
pub use components::shell::Shell;
pub use http::sleep;
pub use purge_tracker::{PollEnv, PurgeTracker};
pub use session::Auth;
pub use sign_in::mount_form as mount_sign_in_form;

/// A value that is not `Send` (an `Rc`, a JS closure), kept in Leptos's thread-local
/// reactive arena: Leptos's own storage type, nothing to do with the browser's web
/// storage (the console keeps data in sessionStorage only, see `storage`).
pub(crate) type Unshared<T> = StoredValue<T, leptos::prelude::LocalStorage>;

/// Panics are logged with their message where the build keeps std's panic machinery
/// (debug builds). Release builds abort at once without it (scripts/build.sh); in
/// both, the trap that ends the instance is what boot.js turns into the crash page.
fn log_panics() {
    #[cfg(any(panic = "unwind", panic = "abort"))]
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
}

/// Mounts the console on `<body>` (the `synapse-console` binary).
pub fn start_console() {
    log_panics();
    leptos::mount::mount_to_body(App);
}

/// Puts the sign-in page in `<body>` (the `signin` binary, a smaller wasm without
/// Leptos: see `sign_in`).
pub fn start_sign_in() {
    log_panics();
    sign_in::start();
}

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::load();
    provide_context(auth);
    let waits = rate_limit::RateLimitWaits::new();
    provide_context(waits);
    let api = Api::new(auth, Rc::new(http::BrowserTransport::new(Rc::new(waits))));
    provide_context(api);
    let tracker = PurgeTracker::new(api, PollEnv::browser());
    provide_context(tracker);
    // Purges are followed on every page while signed in, and resumed after a new
    // sign-in to the same server.
    Effect::new(move |_| match auth.session().get() {
        Some(session) => tracker.activate(session.homeserver),
        None => tracker.deactivate(),
    });

    view! {
        <Router base=navigation::router_base()>
            <Routes fallback=pages::not_found::NotFound>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=pages::overview::Overview />
                    <Route path=path!("purge") view=pages::purge::PurgePage />
                    <Route path=path!("media") view=pages::media::MediaPage />
                    <Route path=path!("storage") view=pages::storage::StoragePage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
