//! The sign-ins that leave the page and come back: single sign-on and OAuth 2.0.
//! Before leaving, what the return needs is kept in this tab (sessionStorage); on the
//! way back, the login token or code is taken out of the address bar at once, checked
//! against what was kept, and the kept record is removed whatever happens.

use std::rc::Rc;

use synapse_api::client::Transport;
use synapse_api::endpoints::account::IdentityProvider;
use synapse_api::session::Session;
use synapse_api::signin::oauth::{self, AuthMetadata, Randomness};
use synapse_api::signin::pending::{arrive, read_returned, Arrival, PendingFlow, PendingSignIn};
use synapse_api::signin::pkce::random_text;
use synapse_api::signin::{checks, complete, sso, Proof, Server, SignInFailure, Step};

use crate::navigation;
use crate::storage::{self, Key};
use crate::time::now_ms;

/// This console's sign-in page, where the providers send the person back.
pub fn sign_in_page_url() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{}", navigation::app_url("signin"))
}

/// The console's root URL: the OAuth client's `client_uri`.
fn console_url() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{}", navigation::PUBLIC_URL)
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

/// What the page does on arrival. Removes the kept record and any return in the
/// address bar (the login token or code is never left there, nor in history).
pub fn arrival() -> Arrival {
    let pending =
        storage::read(Key::PendingSignIn).and_then(|json| PendingSignIn::from_json(&json));
    storage::remove(Key::PendingSignIn);
    let location = web_sys::window().map(|w| w.location());
    let part = |text: Option<String>| text.unwrap_or_default().chars().skip(1).collect::<String>();
    let query = part(location.as_ref().and_then(|l| l.search().ok()));
    let fragment = part(location.as_ref().and_then(|l| l.hash().ok()));
    let returned = read_returned(&query, &fragment);
    if returned.is_some() {
        navigation::replace_address(&navigation::app_url("signin"));
    }
    arrive(pending, returned, now_ms())
}

/// Keeps `pending` in this tab: without it the return would be refused as not
/// started here, so a flow that cannot be kept is not started.
fn keep(pending: &PendingSignIn) -> Result<(), SignInFailure> {
    storage::write(Key::PendingSignIn, &pending.to_json())
        .map_err(|_| SignInFailure::StorageUnavailable)
}

fn pending(server: &Server, flow: PendingFlow) -> PendingSignIn {
    PendingSignIn {
        base: server.base.clone(),
        version: server.version.clone(),
        delegated_to: server.oauth().map(|m| m.issuer.clone()),
        next: navigation::next_param(),
        started_ms: now_ms(),
        flow,
    }
}

fn leave_for(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// Sends the person to single sign-on with `provider` (or the server's choice).
pub fn start_single_sign_on(
    server: &Server,
    provider: Option<&IdentityProvider>,
) -> Result<(), SignInFailure> {
    let nonce = random_text(&random::<16>());
    keep(&pending(
        server,
        PendingFlow::SingleSignOn {
            nonce: nonce.clone(),
        },
    ))?;
    let back = sso::return_to(&sign_in_page_url(), &nonce);
    leave_for(&sso::redirect_url(
        &server.base,
        provider.map(|p| p.id.as_str()),
        &back,
    ));
    Ok(())
}

/// Registers the console with the server's authorization server and sends the person
/// there (authorization code, PKCE S256, state).
pub async fn start_oauth(
    transport: Rc<dyn Transport>,
    server: Server,
    metadata: AuthMetadata,
) -> Result<(), SignInFailure> {
    let redirect_uri = sign_in_page_url();
    let registration =
        metadata
            .registration_endpoint
            .as_deref()
            .ok_or_else(|| SignInFailure::Refused {
                issuer: metadata.issuer.clone(),
                error: "registration_not_supported".into(),
                description: Some("it offers no dynamic client registration".into()),
            })?;
    let client_id = oauth::register(
        transport.as_ref(),
        registration,
        &console_url(),
        &redirect_uri,
    )
    .await
    .map_err(|failure| checks::refused(&metadata.issuer, Step::RegisteringClient, failure))?;
    let randomness = Randomness {
        state: random(),
        verifier: random(),
        device: random(),
    };
    let (url, kept) = oauth::authorization(&metadata, &client_id, &redirect_uri, &randomness);
    keep(&pending(&server, PendingFlow::OAuth(kept)))?;
    leave_for(&url);
    Ok(())
}

/// Finishes a flow that came back: the login token or code becomes a session.
pub async fn finish(
    transport: Rc<dyn Transport>,
    pending: PendingSignIn,
    proof: Proof,
) -> Result<Session, SignInFailure> {
    complete(transport.as_ref(), &pending.target(), proof, now_ms()).await
}
