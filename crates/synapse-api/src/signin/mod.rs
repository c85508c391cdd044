//! Signing in to a Synapse: ask the server what it offers (`discover`), prove who you
//! are one of the ways it offers (a password, a pasted token, single sign-on, or OAuth
//! 2.0 where it delegates authentication to MAS), and check the result belongs to a
//! server admin (`complete`). Problems are reasons; the app words them.

pub mod checks;
pub mod discover;
pub mod failure;
pub mod form;
pub mod oauth;
pub mod pending;
pub mod pkce;
pub mod sso;

pub use checks::{complete, Proof, Target};
pub use discover::{discover, Method, Server};
pub use failure::{Field, Flow, SignInFailure, Step};
pub use form::{
    safe_return_path, validate, validate_homeserver, CredentialKind, Credentials, FieldErrors,
    HomeserverProblem, PasswordProblem, SignInForm, SignInPlan, TokenProblem, UserProblem,
};

use crate::client::Transport;
use crate::config::Config;
use crate::session::Session;

impl Server {
    /// Where a sign-in on this server ends.
    pub fn target(&self) -> Target {
        Target {
            base: self.base.clone(),
            version: self.version.clone(),
            delegated_to: self.oauth().map(|m| m.issuer.clone()),
        }
    }
}

impl From<Credentials> for Proof {
    fn from(credentials: Credentials) -> Self {
        match credentials {
            Credentials::Password { user, password } => Proof::Password { user, password },
            Credentials::Token(token) => Proof::PastedToken(token),
        }
    }
}

/// A typed form's whole sign-in: discovery, then the form's credentials, refused if
/// the server takes no passwords.
pub async fn sign_in(
    transport: &dyn Transport,
    plan: SignInPlan,
    config: &Config,
    now_ms: u64,
) -> Result<Session, SignInFailure> {
    let server = discover(transport, &plan.homeserver, config).await?;
    with_server(transport, &server, plan.credentials, now_ms).await
}

/// The form's credentials on a server already discovered.
pub async fn with_server(
    transport: &dyn Transport,
    server: &Server,
    credentials: Credentials,
    now_ms: u64,
) -> Result<Session, SignInFailure> {
    if matches!(credentials, Credentials::Password { .. }) && !server.offers(&Method::Password) {
        return Err(SignInFailure::PasswordNotOffered);
    }
    complete(transport, &server.target(), credentials.into(), now_ms).await
}
