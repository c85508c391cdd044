//! The sign-in form: the homeserver first (what it offers is asked as soon as it is
//! known: on arrival when the field is filled, when the field is left, or on submit),
//! then a way to sign in among those it offers. Nothing is sent for input that does
//! not validate.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::config::Config;
use synapse_api::homeserver::BaseUrl;
use synapse_api::signin::{
    discover, sign_in, validate, validate_homeserver, with_server, CredentialKind, Field,
    FieldErrors, Method, Server, SignInForm as FormText,
};

use super::{redirect, words, Attempt};
use crate::api::use_api;
use crate::components::choice::Choice;
use crate::components::field::TextField;
use crate::navigation;
use crate::session::{last_sign_in, use_auth};
use crate::time::now_ms;

/// What the server behind the homeserver field offers, for the text it was asked for.
#[derive(Clone, Debug, PartialEq)]
struct Discovered {
    text: String,
    server: Server,
}

/// The form itself: validates before sending anything, asks the server what it
/// offers, and keeps the session only if every check passed.
#[component]
pub fn SignInForm(
    /// The deployment's restrictions and default homeserver.
    config: Config,
) -> impl IntoView {
    let auth = use_auth();
    let api = use_api();
    let attempt = use_context::<Attempt>().unwrap_or_default();
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
    let discovered = RwSignal::new(None::<Discovered>);
    let restricted = config.allowed.clone();
    let config = StoredValue::new(config);
    navigation::sign_in_form_ready();

    // The server behind the field as it reads now, once asked.
    let server = move || {
        discovered.with(|d| {
            d.as_ref()
                .filter(|d| homeserver.with(|h| *h == d.text))
                .map(|d| d.server.clone())
        })
    };
    let ask = move |text: String| {
        let Ok(input) = config.with_value(|c| validate_homeserver(&text, c)) else {
            return; // said on submit, not while typing
        };
        if discovered.with_untracked(|d| d.as_ref().is_some_and(|d| d.text == text)) {
            return;
        }
        leptos::task::spawn_local(async move {
            let transport = api.transport();
            let found = discover(transport.as_ref(), &input, &config.get_value()).await;
            // An answer for a field that has changed since is not this field's.
            if homeserver.get_untracked() != text {
                return;
            }
            match found {
                Ok(server) => discovered.set(Some(Discovered { text, server })),
                Err(failure) => attempt.failure.set(Some(failure)),
            }
        });
    };
    if !homeserver.get_untracked().is_empty() {
        ask(homeserver.get_untracked());
    }

    let password_offered = move || server().is_none_or(|s| s.offers(&Method::Password));
    // Where the server takes no passwords, the token is the form's only credential.
    let credential = move || {
        if password_offered() {
            kind.get()
        } else {
            CredentialKind::Token
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if attempt.busy.get_untracked() {
            return;
        }
        let text = FormText {
            homeserver: homeserver.get_untracked(),
            kind: credential(),
            user: user.get_untracked(),
            password: password.get_untracked(),
            token: token.get_untracked(),
        };
        match validate(&text, &config.get_value()) {
            Ok(plan) => {
                errors.set(FieldErrors::default());
                let known = untrack(server);
                let transport = api.transport();
                let config = config.get_value();
                attempt.run(auth, navigation::next_param(), async move {
                    let session = match known {
                        Some(server) => {
                            with_server(transport.as_ref(), &server, plan.credentials, now_ms())
                                .await
                        }
                        None => sign_in(transport.as_ref(), plan, &config, now_ms()).await,
                    };
                    if session.is_ok() {
                        password.set(String::new());
                        token.set(String::new());
                    }
                    session
                });
            }
            Err(found) => {
                // A new attempt's messages replace the last attempt's.
                attempt.failure.set(None);
                errors.set(found);
            }
        }
    };

    let failure_at = move |field: Field| {
        attempt.failure.with(|f| {
            f.as_ref()
                .filter(|f| f.field() == field)
                .map(words::failure)
        })
    };
    let homeserver_error = Signal::derive(move || {
        errors
            .with(|e| e.homeserver.as_ref().map(words::homeserver_problem))
            .or_else(|| failure_at(Field::Homeserver))
    });
    let user_error =
        Signal::derive(move || errors.with(|e| e.user.as_ref().map(words::user_problem)));
    let password_error = Signal::derive(move || {
        errors
            .with(|e| e.password.map(words::password_problem))
            .or_else(|| failure_at(Field::Password))
    });
    let token_error = Signal::derive(move || {
        errors
            .with(|e| e.token.map(words::token_problem))
            .or_else(|| failure_at(Field::Token))
    });
    let busy = attempt.busy;

    view! {
        <form class="card sign-in-form" on:submit=on_submit novalidate>
            <h2>"Sign in"</h2>
            {if restricted.is_empty() {
                view! {
                    <div on:focusout=move |_| ask(homeserver.get_untracked())>
                        <TextField
                            label="Homeserver"
                            id="homeserver"
                            value=homeserver
                            error=homeserver_error
                            hint="A URL like https://matrix.example.org, or a server name like example.org."
                            kind="text"
                            autocomplete="url"
                        />
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <HomeserverChoice
                        allowed=restricted
                        value=homeserver
                        error=homeserver_error
                        on_choose=Callback::new(ask)
                    />
                }
                    .into_any()
            }}
            {move || server().map(|server| view! { <Providers server attempt /> })}
            <Show when=password_offered>
                <Choice
                    legend="Sign in with"
                    name="kind"
                    options=vec![
                        ("User name and password", CredentialKind::Password),
                        ("A pasted access token", CredentialKind::Token),
                    ]
                    value=kind
                />
            </Show>
            {move || match credential() {
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
                    {move || server().filter(|s| s.oauth().is_some()).map(|_| view! {
                        <p class="hint">
                            "This server leaves sign-in to its account provider (MAS): a token \
                             with admin rights comes from "
                            <code>{words::MAS_ADMIN_TOKEN}</code>
                        </p>
                    })}
                }
                    .into_any(),
            }}
            <p class="form-error" role="alert">{move || failure_at(Field::Form)}</p>
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

/// The ways to sign in that leave this page: the server's account provider (OAuth)
/// and its single sign-on providers, each a button named for where it goes.
#[component]
fn Providers(
    /// The discovered server.
    server: Server,
    /// The sign-in under way.
    attempt: Attempt,
) -> impl IntoView {
    let api = use_api();
    let buttons: Vec<_> = server
        .methods
        .iter()
        .filter_map(|method| {
            let label = match method {
                Method::OAuth(metadata) => {
                    format!("Continue with {}", words::issuer_name(&metadata.issuer))
                }
                Method::SingleSignOn(Some(provider)) => format!("Continue with {}", provider.name),
                Method::SingleSignOn(None) => "Continue with single sign-on".into(),
                Method::Password | Method::PastedToken => return None,
            };
            let (method, server) = (method.clone(), server.clone());
            let go = move |_| {
                attempt.failure.set(None);
                match method.clone() {
                    Method::OAuth(metadata) => {
                        attempt.busy.set(true);
                        let server = server.clone();
                        leptos::task::spawn_local(async move {
                            // On success the page is left; only a failure comes back.
                            if let Err(failure) = redirect::start_oauth(api, server, metadata).await {
                                attempt.failure.set(Some(failure));
                                attempt.busy.set(false);
                            }
                        });
                    }
                    Method::SingleSignOn(provider) => {
                        if let Err(failure) = redirect::start_single_sign_on(&server, provider.as_ref()) {
                            attempt.failure.set(Some(failure));
                        }
                    }
                    Method::Password | Method::PastedToken => {}
                }
            };
            Some(view! {
                <button type="button" class="provider" disabled=attempt.busy on:click=go>{label}</button>
            })
        })
        .collect();
    (!buttons.is_empty()).then(|| {
        view! {
            <div class="providers" role="group" aria-label="Sign in through">
                {buttons}
            </div>
        }
    })
}

/// The homeserver as a choice among the ones `config.json` allows.
#[component]
fn HomeserverChoice(
    /// The allowed base URLs.
    allowed: Vec<BaseUrl>,
    /// The chosen URL.
    value: RwSignal<String>,
    /// A message about the choice.
    error: Signal<Option<String>>,
    /// Called with the chosen URL, so the server is asked what it offers.
    on_choose: Callback<String>,
) -> impl IntoView {
    if !allowed
        .iter()
        .any(|url| url.as_str() == value.get_untracked())
    {
        let first = allowed.first().map(|u| u.to_string()).unwrap_or_default();
        value.set(first.clone());
        on_choose.run(first);
    }
    view! {
        <div class="field">
            <label for="homeserver">"Homeserver"</label>
            <select
                id="homeserver"
                aria-describedby="homeserver-error"
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    on_choose.run(event_target_value(&ev));
                }
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
