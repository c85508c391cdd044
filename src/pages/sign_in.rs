//! The sign-in page: homeserver, then a password or a pasted token.

use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::config::Config;
use synapse_api::signin::{
    safe_return_path, sign_in, validate, CredentialKind, Field, FieldErrors, SignInFailure,
    SignInForm as FormText, SignInPlan,
};

use crate::api::use_api;
use crate::api::Api;
use crate::components::choice::Choice;
use crate::components::field::TextField;
use crate::config::{self, use_config};
use crate::http::BrowserTransport;
use crate::navigation;
use crate::rate_limit::{RateLimitNotice, RateLimitWaits};
use crate::session::{last_sign_in, take_notice, use_auth, Auth, Notice};

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

    // Already signed in on arrival (the sign-in page's address opened in a signed-in
    // tab): straight on to where the person was going.
    if auth.current().is_some() {
        hand_over();
        return view! { <p role="status">"Opening the console…"</p> }.into_any();
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

/// On to the console, at the path the person was sent from if it is one of the
/// console's (else its home).
fn hand_over() {
    let next = safe_return_path(navigation::next_param().as_deref());
    navigation::hand_over_to_console(next.as_deref().unwrap_or(navigation::PUBLIC_URL));
}

/// The form itself: validates before sending anything, then runs the sign-in checks
/// and stores the session only if all of them passed.
#[component]
pub fn SignInForm(
    /// The deployment's restrictions and default homeserver.
    config: Config,
) -> impl IntoView {
    let auth = use_auth();
    let api = use_api();
    let last = last_sign_in();
    let homeserver = RwSignal::new(if last.homeserver.is_empty() {
        config.default_homeserver.clone().unwrap_or_default()
    } else {
        last.homeserver
    });
    let kind = RwSignal::new(CredentialKind::Password);
    let user = RwSignal::new(last.user);
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let restricted = config.allowed.clone();
    let config = StoredValue::new(config);
    navigation::sign_in_form_ready();

    // Plain signals and a task rather than an Action: the sign-in page is the first
    // visit's whole download, and an Action costs it 5 KB of gzip (README, Measured).
    let busy = RwSignal::new(false);
    let last_failure = RwSignal::new(None::<SignInFailure>);
    let attempt = move |plan: SignInPlan| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let transport = api.transport();
            match sign_in(transport.as_ref(), plan, &config.get_value()).await {
                Ok(session) => {
                    password.set(String::new());
                    token.set(String::new());
                    auth.signed_in(session);
                    hand_over();
                }
                Err(failure) => last_failure.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let failure = move || last_failure.get();
    let failure_at = move |field: Field| {
        failure()
            .filter(|f| f.field() == field)
            .map(|f| f.message())
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = FormText {
            homeserver: homeserver.get_untracked(),
            kind: kind.get_untracked(),
            user: user.get_untracked(),
            password: password.get_untracked(),
            token: token.get_untracked(),
        };
        match validate(&text, &config.get_value()) {
            Ok(plan) => {
                errors.set(FieldErrors::default());
                last_failure.set(None);
                attempt(plan);
            }
            Err(found) => {
                // A new attempt's messages replace the last attempt's.
                last_failure.set(None);
                errors.set(found);
            }
        }
    };

    let homeserver_error = Signal::derive(move || {
        errors
            .read()
            .homeserver
            .clone()
            .or_else(|| failure_at(Field::Homeserver))
    });
    let user_error = Signal::derive(move || errors.read().user.clone());
    let password_error = Signal::derive(move || {
        errors
            .read()
            .password
            .clone()
            .or_else(|| failure_at(Field::Password))
    });
    let token_error = Signal::derive(move || {
        errors
            .read()
            .token
            .clone()
            .or_else(|| failure_at(Field::Token))
    });
    let form_error = move || {
        failure()
            .filter(|f| f.field() == Field::Form)
            .map(|f| f.message())
    };

    view! {
        <form class="card sign-in-form" on:submit=on_submit novalidate>
            <h2>"Sign in"</h2>
            {if restricted.is_empty() {
                view! {
                    <TextField
                        label="Homeserver"
                        id="homeserver"
                        value=homeserver
                        error=homeserver_error
                        hint="A URL like https://matrix.example.org, or a server name like example.org."
                        kind="text"
                        autocomplete="url"
                    />
                }
                    .into_any()
            } else {
                view! { <HomeserverChoice allowed=restricted value=homeserver error=homeserver_error /> }
                    .into_any()
            }}
            <Choice
                legend="Sign in with"
                name="kind"
                options=vec![
                    ("User name and password", CredentialKind::Password),
                    ("A pasted access token", CredentialKind::Token),
                ]
                value=kind
            />
            {move || match kind.get() {
                CredentialKind::Password => view! {
                    <TextField
                        label="User name"
                        id="user"
                        value=user
                        error=user_error
                        hint="Your localpart (admin) or full id (@admin:example.org)."
                        autocomplete="username"
                    />
                    <TextField
                        label="Password"
                        id="password"
                        value=password
                        error=password_error
                        kind="password"
                        autocomplete="current-password"
                    />
                }
                    .into_any(),
                CredentialKind::Token => view! {
                    <TextField
                        label="Access token"
                        id="token"
                        value=token
                        error=token_error
                        hint="An admin's token, e.g. from Element: Settings, Help & About."
                        kind="password"
                    />
                }
                    .into_any(),
            }}
            <p class="form-error" role="alert">{form_error}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <span role="status" class="progress">
                    {move || busy.get().then_some("Checking the server, the token and admin rights…")}
                </span>
            </div>
            <p class="privacy">
                "Your session stays in this browser tab only (sessionStorage) and ends when the tab is closed."
            </p>
        </form>
    }
}

/// The homeserver as a choice among the ones `config.json` allows.
#[component]
fn HomeserverChoice(
    /// The allowed base URLs.
    allowed: Vec<synapse_api::homeserver::BaseUrl>,
    /// The chosen URL.
    value: RwSignal<String>,
    /// A message about the choice.
    error: Signal<Option<String>>,
) -> impl IntoView {
    if !allowed
        .iter()
        .any(|url| url.as_str() == value.get_untracked())
    {
        value.set(allowed.first().map(|u| u.to_string()).unwrap_or_default());
    }
    view! {
        <div class="field">
            <label for="homeserver">"Homeserver"</label>
            <select
                id="homeserver"
                aria-describedby="homeserver-error"
                on:change=move |ev| value.set(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {allowed
                    .into_iter()
                    .map(|url| {
                        let text = url.to_string();
                        view! { <option value=text.clone()>{text.clone()}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id="homeserver-error" role="alert">{move || error.get()}</p>
        </div>
    }
}
