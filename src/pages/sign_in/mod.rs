//! The sign-in page (its own bundle): asks the server what it offers, then signs in
//! with a password, a pasted token, single sign-on or OAuth 2.0, and finishes a
//! redirect flow that came back here.

mod form;
mod redirect;
mod words;

use std::rc::Rc;

use leptos::prelude::*;
use synapse_api::session::Session;
use synapse_api::signin::pending::Arrival;
use synapse_api::signin::{safe_return_path, SignInFailure};

use crate::api::Api;
use crate::config::{self, use_config};
use crate::http::BrowserTransport;
use crate::navigation;
use crate::rate_limit::{RateLimitNotice, RateLimitWaits};
use crate::session::{take_notice, use_auth, Auth, Notice};

pub use form::SignInForm;

/// A sign-in under way, shared by the form and a redirect flow finishing: plain
/// signals rather than an Action (an Action costs the first visit 5 KB of gzip).
#[derive(Clone, Copy)]
pub struct Attempt {
    pub busy: RwSignal<bool>,
    pub failure: RwSignal<Option<SignInFailure>>,
}

impl Attempt {
    pub fn new() -> Self {
        Self {
            busy: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    /// Runs a sign-in; a session is kept and the console started, a failure shown.
    pub fn run(
        self,
        auth: Auth,
        next: Option<String>,
        sign_in: impl std::future::Future<Output = Result<Session, SignInFailure>> + 'static,
    ) {
        self.busy.set(true);
        self.failure.set(None);
        leptos::task::spawn_local(async move {
            match sign_in.await {
                Ok(session) => match auth.signed_in(session) {
                    Ok(()) => hand_over(next.as_deref()),
                    Err(_) => self.failure.set(Some(SignInFailure::SessionNotKept)),
                },
                Err(failure) => self.failure.set(Some(failure)),
            }
            self.busy.set(false);
        });
    }
}

impl Default for Attempt {
    fn default() -> Self {
        Self::new()
    }
}

/// The root of the sign-in bundle: its own contexts, no router, no console code.
#[component]
pub fn SignInApp() -> impl IntoView {
    let auth = Auth::load();
    provide_context(auth);
    let waits = RateLimitWaits::new();
    provide_context(waits);
    let api = Api::new(auth, Rc::new(BrowserTransport::new(waits)));
    provide_context(api);
    provide_context(config::load(api));
    view! { <SignInPage /> }
}

#[component]
fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let config = use_config();
    let notice = take_notice();
    // First: whatever a redirect flow left in the address bar goes, at once.
    let arrival = redirect::arrival();

    // Already signed in on arrival (the sign-in page's address opened in a signed-in
    // tab): straight on to where the person was going.
    if auth.current().is_some() {
        hand_over(navigation::next_param().as_deref());
        return view! { <p role="status">"Opening the console…"</p> }.into_any();
    }

    let attempt = Attempt::new();
    provide_context(attempt);
    match arrival {
        Arrival::Form => {}
        Arrival::Refused(failure) => attempt.failure.set(Some(failure)),
        Arrival::Finish { pending, proof } => {
            let api = leptos::prelude::expect_context::<Api>();
            let next = pending.next.clone();
            attempt.run(auth, next, redirect::finish(api, *pending, proof));
        }
    }

    view! {
        <main id="main" class="sign-in">
            <h1>"Synapse Console"</h1>
            <p class="lede">"Purge room history and manage media on your Synapse homeserver."</p>
            {notice.map(|notice| {
                let role = if notice == Notice::Expired { "alert" } else { "status" };
                view! { <p class="notice" role=role>{notice.text()}</p> }
            })}
            <RateLimitNotice />
            {move || match config.get() {
                None => view! { <p role="status">"Loading…"</p> }.into_any(),
                Some(Ok(config)) => view! { <SignInForm config /> }.into_any(),
                Some(Err(problem)) => view! { <p class="error-view" role="alert">{config::problem_text(&problem)}</p> }.into_any(),
            }}
        </main>
    }
    .into_any()
}

/// On to the console, at `next` if it is one of the console's paths (else its home).
fn hand_over(next: Option<&str>) {
    let next = safe_return_path(next);
    navigation::hand_over_to_console(next.as_deref().unwrap_or(navigation::PUBLIC_URL));
}
