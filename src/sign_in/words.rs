//! What the sign-in page says: every reason the core gives, in words, with what to do
//! next. The one place these sentences live.

use crate::words::errors::human_wait;
use crate::words::errors::{next_step, summary};
use synapse_api::homeserver::BaseUrl;
use synapse_api::signin::{
    Flow, HomeserverProblem, PasswordProblem, SignInFailure, Step, TokenProblem, UserProblem,
};

use crate::words::ids::id_problem;

fn allowed_list(allowed: &[BaseUrl]) -> String {
    let list: Vec<&str> = allowed.iter().map(BaseUrl::as_str).collect();
    format!("This console may only be used with {}.", list.join(", "))
}

pub fn homeserver_problem(problem: &HomeserverProblem) -> String {
    match problem {
        HomeserverProblem::Invalid(reason) => id_problem(reason),
        HomeserverProblem::NotAllowed { allowed } => allowed_list(allowed),
    }
}

pub fn user_problem(problem: &UserProblem) -> String {
    match problem {
        UserProblem::Missing => "Enter your user name, like admin or @admin:example.org.".into(),
        UserProblem::Invalid(reason) => id_problem(reason),
        UserProblem::HasSpaces => "A user name has no spaces.".into(),
    }
}

pub fn password_problem(problem: PasswordProblem) -> String {
    match problem {
        PasswordProblem::Missing => "Enter your password.".into(),
    }
}

pub fn token_problem(problem: TokenProblem) -> String {
    match problem {
        TokenProblem::Missing => {
            "Paste an access token (in Element: Settings, Help & About, Access token).".into()
        }
        TokenProblem::HasBearerWord => "Paste only the token, without the word Bearer.".into(),
        TokenProblem::HasSpaces => "An access token has no spaces or line breaks.".into(),
    }
}

fn step(step: Step) -> &'static str {
    match step {
        Step::PasswordLogin => "Signing in with the password",
        Step::SingleSignOnLogin => "Finishing single sign-on",
        Step::CheckingToken => "Checking the token",
        Step::CheckingAdmin => "Checking admin rights",
        Step::RegisteringClient => "Registering this console with the account provider",
        Step::ExchangingCode => "Finishing the sign-in with the account provider",
    }
}

fn flow(flow: Flow) -> &'static str {
    match flow {
        Flow::SingleSignOn => "Single sign-on",
        Flow::OAuth => "Signing in with the account provider",
    }
}

/// The issuer as people know it: its host.
pub fn issuer_name(issuer: &str) -> &str {
    let rest = issuer.split_once("://").map_or(issuer, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// MAS's command for a token with admin rights, for scripts and for this form.
pub const MAS_ADMIN_TOKEN: &str =
    "mas-cli manage issue-compatibility-token --yes-i-want-to-grant-synapse-admin-privileges <user>";

pub fn failure(failure: &SignInFailure) -> String {
    match failure {
        SignInFailure::NotAllowed { allowed } => allowed_list(allowed),
        SignInFailure::Unreachable { base } => format!(
            "Could not reach {base}. Check the address and that Synapse is running. If it \
             is, a reverse proxy or its CORS settings may be blocking /_synapse/admin from \
             this page."
        ),
        SignInFailure::AdminApiShut { base } => format!(
            "{base} answers, but not its admin API (/_synapse/admin): a reverse proxy in \
             front of Synapse shuts it out from this page. Let /_synapse/admin through the \
             proxy from where admins work (README: The homeserver), then try again."
        ),
        SignInFailure::Blocked { origin } => format!(
            "This console's Content-Security-Policy does not allow it to connect to \
             {origin}, so the browser did not send the request. Add {origin} to connect-src \
             in the policy your web server sends with the console (README: Deploying), then \
             reload this page."
        ),
        SignInFailure::NotSynapse { base, error } => format!(
            "{base} answered, but not as a Synapse admin API ({}). Check the address, and \
             that a reverse proxy forwards /_synapse/admin to Synapse.",
            summary(error)
        ),
        SignInFailure::PasswordNotOffered => "This server does not sign in with passwords \
             here: use a sign-in button above, or paste an access token."
            .into(),
        SignInFailure::WrongPassword => {
            "Wrong user name or password. Check both and try again.".into()
        }
        SignInFailure::BadToken => "The server does not accept this access token: it may \
             be mistyped, logged out, or expired. Copy a fresh one and try again."
            .into(),
        SignInFailure::NotAdmin {
            user,
            delegated_to: None,
        } => format!(
            "{user} is signed in but is not a server admin on this homeserver. Use an admin \
             account (one made with register_new_matrix_user -a, or promoted by an admin)."
        ),
        SignInFailure::NotAdmin {
            user,
            delegated_to: Some(issuer),
        } => format!(
            "{user} is signed in, but this token has no admin rights. This server leaves \
             sign-in to {}: the admin API answers only tokens with the scope \
             urn:synapse:admin:*, which tokens from a password login never have. Sign in \
             with the button for {} instead, or use a token from {MAS_ADMIN_TOKEN}.",
            issuer_name(issuer),
            issuer_name(issuer)
        ),
        SignInFailure::NoAdminScope { user, issuer } => format!(
            "{user} signed in at {}, but it did not grant admin rights (the scope \
             urn:synapse:admin:*). It grants them only to accounts allowed to request admin: \
             ask an administrator of {} to allow yours (on MAS: mas-cli manage promote-admin \
             <user>), then sign in again.",
            issuer_name(issuer),
            issuer_name(issuer)
        ),
        SignInFailure::RateLimited { retry_after_ms } => match retry_after_ms {
            Some(ms) => format!(
                "Too many sign-in attempts: the server asks to wait {} before the next one.",
                human_wait(*ms)
            ),
            None => "Too many sign-in attempts: wait a while, then try again.".into(),
        },
        SignInFailure::NotStartedHere { flow: which } => format!(
            "{} came back to this page, but not from a sign-in started in this tab in the \
             last 15 minutes, so it was not used. Start again from here.",
            flow(*which)
        ),
        SignInFailure::Unfinished { flow: which } => format!(
            "{} did not finish: it was cancelled, or refused on the provider's page (which \
             said why). Try again, or choose another way to sign in.",
            flow(*which)
        ),
        SignInFailure::StorageUnavailable => "This browser does not let the page keep a \
             sign-in in progress in this tab (its session storage is disabled or full), so it \
             could not be checked on the way back. Allow site data for this page, or paste \
             an access token."
            .into(),
        SignInFailure::SessionNotKept => "Signed in, but this browser would not let the \
             console keep the session in this tab (its session storage is disabled or full), \
             and the console reads it from there. Allow site data for this page, or close \
             other tabs of it to free their storage, then sign in again."
            .into(),
        SignInFailure::Refused {
            issuer,
            error,
            description,
        } => {
            let said = description
                .as_deref()
                .map(|d| format!(" It said: {d}"))
                .unwrap_or_default();
            if error == "access_denied" {
                format!(
                    "{} did not sign you in: the sign-in was cancelled or refused.{said} An \
                     account not allowed to request admin rights is refused them there: ask \
                     its administrator (on MAS: mas-cli manage promote-admin <user>).",
                    issuer_name(issuer)
                )
            } else {
                format!(
                    "{} refused the sign-in ({error}).{said} Try again; if it persists, \
                     its administrator can tell why.",
                    issuer_name(issuer)
                )
            }
        }
        SignInFailure::Failed { step: at, error } => {
            format!(
                "{} failed. {} {}",
                step(*at),
                summary(error),
                next_step(error)
            )
        }
    }
}
