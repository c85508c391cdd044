//! Why a sign-in did not end in a session: one reason per check, with the data the
//! app needs to say it and to say what to do next.

use crate::error::ApiError;
use crate::homeserver::BaseUrl;
use crate::ids::UserId;

/// The step a request failed at, for failures without a reason of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    PasswordLogin,
    SingleSignOnLogin,
    CheckingToken,
    CheckingAdmin,
    RegisteringClient,
    ExchangingCode,
}

/// Which way of signing in a failure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    SingleSignOn,
    OAuth,
}

/// Which check failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInFailure {
    /// The homeserver (typed, or where `.well-known` points) is not one config.json allows.
    NotAllowed {
        allowed: Vec<BaseUrl>,
    },
    /// No answer from the homeserver at all.
    Unreachable {
        base: BaseUrl,
    },
    /// The client API answered but the admin API did not: a reverse proxy shuts it out
    /// (its refusal has no CORS headers, so the browser sees no answer).
    AdminApiShut {
        base: BaseUrl,
    },
    /// The console's Content-Security-Policy does not let it connect to `origin`.
    Blocked {
        origin: String,
    },
    /// Something answered, but not as Synapse's admin API.
    NotSynapse {
        base: BaseUrl,
        error: ApiError,
    },
    /// The server takes no passwords (single sign-on or OAuth only).
    PasswordNotOffered,
    WrongPassword,
    BadToken,
    /// Signed in, but not a server admin.
    NotAdmin {
        user: UserId,
        /// The server delegates authentication to this issuer (MAS): a token needs the
        /// admin scope there, which password (compatibility) tokens never carry.
        delegated_to: Option<String>,
    },
    /// OAuth: the authorization server did not grant `urn:synapse:admin:*`.
    NoAdminScope {
        user: UserId,
        issuer: String,
    },
    RateLimited {
        retry_after_ms: Option<u64>,
    },
    /// The return from single sign-on or OAuth does not match a flow this tab started
    /// (another tab's, an old link, a forged one): nothing was sent.
    NotStartedHere {
        flow: Flow,
    },
    /// This tab started a flow and came back without finishing it (cancelled, or
    /// refused at the provider, whose page said why).
    Unfinished {
        flow: Flow,
    },
    /// The browser would not keep the flow in this tab (storage disabled or full):
    /// the return could not be checked, so it is not started.
    StorageUnavailable,
    /// Every check passed, but the browser would not keep the session in this tab
    /// (storage disabled or full): the console, which reads it there, cannot open.
    SessionNotKept,
    /// The authorization server answered the authorization with an error.
    Refused {
        issuer: String,
        error: String,
        description: Option<String>,
    },
    /// Anything else, with the step it happened at.
    Failed {
        step: Step,
        error: ApiError,
    },
}

/// The form field a failure belongs to, so the message appears there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Homeserver,
    Password,
    Token,
    Form,
}

impl SignInFailure {
    pub fn field(&self) -> Field {
        match self {
            SignInFailure::NotAllowed { .. }
            | SignInFailure::Unreachable { .. }
            | SignInFailure::AdminApiShut { .. }
            | SignInFailure::Blocked { .. }
            | SignInFailure::NotSynapse { .. } => Field::Homeserver,
            SignInFailure::WrongPassword | SignInFailure::PasswordNotOffered => Field::Password,
            SignInFailure::BadToken => Field::Token,
            _ => Field::Form,
        }
    }

    /// A failure of a request, as a reason where the error has one.
    pub(crate) fn from_request(step: Step, error: ApiError) -> Self {
        match error {
            ApiError::Blocked { origin } => SignInFailure::Blocked { origin },
            error if error.status() == Some(429) => SignInFailure::RateLimited {
                retry_after_ms: error.retry_after_ms(),
            },
            error => SignInFailure::Failed { step, error },
        }
    }
}
