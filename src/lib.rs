//! Synapse Console: a browser admin console for Synapse, in Rust and WebAssembly.
//!
//! `App` provides three contexts (the session, the API client, the deployment's
//! config) and the routes. Pages live in `pages/`, shared pieces in `components/`;
//! every rule about Synapse lives in the pure `synapse_api` crate.

mod api;
mod components;
mod config;
mod http;
mod pages;
mod purge_tracker;
mod session;
mod storage;
mod time;

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

pub use api::{use_api, Api};
pub use components::shell::Shell;
pub use pages::sign_in::SignInForm;
pub use purge_tracker::{PollEnv, PurgeTracker};
pub use session::Auth;

/// Mounts the console on `<body>`; called by `main`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::load();
    provide_context(auth);
    let api = Api::new(auth, Rc::new(http::BrowserTransport));
    provide_context(api);
    provide_context(config::load(api));
    let tracker = PurgeTracker::new(api, PollEnv::browser());
    provide_context(tracker);
    // Purges are followed on every page while signed in, and resumed after a new
    // sign-in to the same server.
    Effect::new(move |_| match auth.session().get() {
        Some(session) => tracker.activate(session.homeserver),
        None => tracker.deactivate(),
    });

    view! {
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/signin") view=pages::sign_in::SignInPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=pages::overview::Overview />
                    <Route path=path!("purge") view=pages::purge::PurgePage />
                    <Route path=path!("media") view=pages::media::MediaPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
