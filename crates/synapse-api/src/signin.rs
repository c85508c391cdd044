//! Signing in: the form's validation, the checks in order, and a message for each failure.
//!
//! Order of checks: resolve the homeserver, is it allowed, does it answer as Synapse
//! (`server_version`), log in if a password was given, is the token valid (`whoami`),
//! is the user a server admin. Nothing is returned (so nothing is stored) unless
//! every check passed.

use crate::client::{send, send_request, Transport};
use crate::config::Config;
use crate::endpoints::account::{Logout, PasswordLogin, ServerVersion, UserIsAdmin, WhoAmI};
use crate::error::{human_wait, ApiError};
use crate::homeserver::{BaseUrl, HomeserverInput, WellKnown};
use crate::ids::UserId;
use crate::request::{decode, Request};
use crate::session::{AccessToken, Session, SignInMethod};

/// Which way the admin proves who they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CredentialKind {
    #[default]
    Password,
    Token,
}

/// The sign-in form's raw text, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInForm {
    pub homeserver: String,
    pub kind: CredentialKind,
    pub user: String,
    pub password: String,
    pub token: String,
}

/// A message per field; `None` where the field is fine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub homeserver: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Password { user: String, password: String },
    Token(AccessToken),
}

// Secrets stay out of Debug output, like the token's own Debug.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Password { user, .. } => write!(f, "Password {{ user: {user:?}, .. }}"),
            Credentials::Token(token) => write!(f, "Token({token:?})"),
        }
    }
}

/// A validated form: what [`sign_in`] needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInPlan {
    pub homeserver: HomeserverInput,
    pub credentials: Credentials,
}

/// Checks the form before any request is sent.
pub fn validate(form: &SignInForm, config: &Config) -> Result<SignInPlan, FieldErrors> {
    let mut errors = FieldErrors::default();
    let homeserver = match form.homeserver.parse::<HomeserverInput>() {
        Ok(HomeserverInput::Url(url)) if !config.allows(&url) => {
            errors.homeserver = Some(not_allowed_message(config));
            None
        }
        Ok(input) => Some(input),
        Err(e) => {
            errors.homeserver = Some(e.0);
            None
        }
    };
    let credentials = match form.kind {
        CredentialKind::Password => {
            let user = form.user.trim();
            if user.is_empty() {
                errors.user =
                    Some("Enter your user name, like admin or @admin:example.org.".into());
            } else if user.starts_with('@') {
                if let Err(e) = user.parse::<UserId>() {
                    errors.user = Some(e.0);
                }
            } else if user.chars().any(char::is_whitespace) {
                errors.user = Some("A user name has no spaces.".into());
            }
            if form.password.is_empty() {
                errors.password = Some("Enter your password.".into());
            }
            Credentials::Password {
                user: user.to_owned(),
                password: form.password.clone(),
            }
        }
        CredentialKind::Token => {
            let token = form.token.trim();
            if token.is_empty() {
                errors.token = Some(
                    "Paste an access token (in Element: Settings, Help & About, Access token)."
                        .into(),
                );
            } else if token.to_ascii_lowercase().starts_with("bearer") {
                errors.token = Some("Paste only the token, without the word Bearer.".into());
            } else if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                errors.token = Some("An access token has no spaces or line breaks.".into());
            }
            Credentials::Token(AccessToken::new(token.to_owned()))
        }
    };
    match homeserver {
        Some(homeserver) if errors.is_empty() => Ok(SignInPlan {
            homeserver,
            credentials,
        }),
        _ => Err(errors),
    }
}

fn not_allowed_message(config: &Config) -> String {
    let list: Vec<&str> = config.allowed.iter().map(BaseUrl::as_str).collect();
    format!("This console may only be used with {}.", list.join(", "))
}

/// Where to go after signing in: the `next` path the person was sent from, if it is
/// a path inside this site (never another site: `//evil.org` or `https://…` give
/// `None`, and so does the sign-in page itself).
pub fn safe_return_path(next: Option<&str>) -> Option<String> {
    let path = next?;
    let page = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !page.ends_with("/signin")
        && !path.chars().any(char::is_control);
    safe.then(|| path.to_owned())
}

/// Which check failed, each with its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInFailure {
    /// `.well-known` pointed somewhere the configuration does not allow.
    NotAllowed {
        message: String,
    },
    /// No answer from the homeserver at all.
    Unreachable {
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
    WrongPassword,
    BadToken,
    NotAdmin {
        user: UserId,
    },
    RateLimited {
        retry_after_ms: Option<u64>,
    },
    /// Anything else, with the step it happened at.
    Failed {
        step: &'static str,
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
    pub fn message(&self) -> String {
        match self {
            SignInFailure::NotAllowed { message } => message.clone(),
            SignInFailure::Unreachable { base } => format!(
                "Could not reach {base}. Check the address and that Synapse is running. If it \
                 is, a reverse proxy or its CORS settings may be blocking /_synapse/admin from \
                 this page."
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
                error.summary()
            ),
            SignInFailure::WrongPassword => {
                "Wrong user name or password. Check both and try again.".into()
            }
            SignInFailure::BadToken => "The server does not accept this access token: it may \
                 be mistyped, logged out, or expired. Copy a fresh one and try again."
                .into(),
            SignInFailure::NotAdmin { user } => format!(
                "{user} is signed in but is not a server admin on this homeserver. Use an admin \
                 account (one made with register_new_matrix_user -a, or promoted by an admin)."
            ),
            SignInFailure::RateLimited { retry_after_ms } => match retry_after_ms {
                Some(ms) => format!(
                    "Too many sign-in attempts: the server asks to wait {} before the next one.",
                    human_wait(*ms)
                ),
                None => "Too many sign-in attempts: wait a while, then try again.".into(),
            },
            SignInFailure::Failed { step, error } => {
                format!("{step} failed. {} {}", error.summary(), error.next_step())
            }
        }
    }

    pub fn field(&self) -> Field {
        match self {
            SignInFailure::NotAllowed { .. }
            | SignInFailure::Unreachable { .. }
            | SignInFailure::Blocked { .. }
            | SignInFailure::NotSynapse { .. } => Field::Homeserver,
            SignInFailure::WrongPassword => Field::Password,
            SignInFailure::BadToken => Field::Token,
            _ => Field::Form,
        }
    }
}

/// Finds the base URL: `.well-known` for a server name (falling back to the name), or
/// the URL as typed. A missing or broken `.well-known` is not an error.
pub async fn resolve(transport: &dyn Transport, input: &HomeserverInput) -> BaseUrl {
    if let Some(url) = input.well_known_url() {
        let request = Request::get(String::new()).anonymous();
        if let Ok(raw) = send_request(transport, url, &request, None).await {
            if let Some(base) = decode::<WellKnown>(raw.status, &raw.body)
                .ok()
                .and_then(|wk| wk.base_url())
            {
                return base;
            }
        }
    }
    input.fallback()
}

fn rate_limited(error: &ApiError) -> Option<SignInFailure> {
    (error.status() == Some(429)).then(|| SignInFailure::RateLimited {
        retry_after_ms: error.retry_after_ms(),
    })
}

/// Runs every check in order and returns the session only if all passed.
pub async fn sign_in(
    transport: &dyn Transport,
    plan: SignInPlan,
    config: &Config,
) -> Result<Session, SignInFailure> {
    let base = resolve(transport, &plan.homeserver).await;
    if !config.allows(&base) {
        return Err(SignInFailure::NotAllowed {
            message: not_allowed_message(config),
        });
    }

    let version =
        send(transport, &base, None, &ServerVersion)
            .await
            .map_err(|error| match error {
                ApiError::Network { .. } => SignInFailure::Unreachable { base: base.clone() },
                ApiError::Blocked { origin } => SignInFailure::Blocked { origin },
                error => rate_limited(&error).unwrap_or(SignInFailure::NotSynapse {
                    base: base.clone(),
                    error,
                }),
            })?;

    // Who the token belongs to: a password login says it; a pasted token is asked.
    let (token, method, user_id, device_id) = match plan.credentials {
        Credentials::Token(token) => {
            let (user_id, device_id) = identify(transport, &base, &token).await?;
            (token, SignInMethod::PastedToken, user_id, device_id)
        }
        Credentials::Password { user, password } => {
            let login = send(transport, &base, None, &PasswordLogin { user, password })
                .await
                .map_err(|error| {
                    if let Some(limited) = rate_limited(&error) {
                        limited
                    } else if error.errcode() == Some("M_FORBIDDEN") {
                        SignInFailure::WrongPassword
                    } else {
                        SignInFailure::Failed {
                            step: "Signing in with the password",
                            error,
                        }
                    }
                })?;
            let token = AccessToken::new(login.access_token);
            (
                token,
                SignInMethod::Password,
                login.user_id,
                login.device_id,
            )
        }
    };

    let checked = check_admin(transport, &base, &token, &user_id).await;
    if checked.is_err() && method == SignInMethod::Password {
        // Do not leave a device behind for a session we are not keeping.
        let _ = send(transport, &base, Some(&token), &Logout).await;
    }
    checked?;
    Ok(Session {
        homeserver: base,
        user_id,
        device_id,
        access_token: token,
        method,
        server_version: version.server_version,
    })
}

/// The user and device a pasted token belongs to, which also proves it valid.
async fn identify(
    transport: &dyn Transport,
    base: &BaseUrl,
    token: &AccessToken,
) -> Result<(UserId, Option<String>), SignInFailure> {
    let who = send(transport, base, Some(token), &WhoAmI)
        .await
        .map_err(|error| {
            if error.is_unauthorized() {
                SignInFailure::BadToken
            } else {
                rate_limited(&error).unwrap_or(SignInFailure::Failed {
                    step: "Checking the token",
                    error,
                })
            }
        })?;
    Ok((who.user_id, who.device_id))
}

async fn check_admin(
    transport: &dyn Transport,
    base: &BaseUrl,
    token: &AccessToken,
    user_id: &UserId,
) -> Result<(), SignInFailure> {
    let not_admin = || SignInFailure::NotAdmin {
        user: user_id.clone(),
    };
    let admin = send(
        transport,
        base,
        Some(token),
        &UserIsAdmin {
            user_id: user_id.clone(),
        },
    )
    .await
    .map_err(|error| {
        if error.is_forbidden() {
            not_admin()
        } else {
            SignInFailure::Failed {
                step: "Checking admin rights",
                error,
            }
        }
    })?;
    if !admin.admin {
        return Err(not_admin());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{run, ScriptedTransport};

    const VERSION: (u16, &str) = (200, r#"{"server_version":"1.163.2"}"#);
    const WHOAMI: (u16, &str) = (
        200,
        r#"{"user_id":"@admin:test.local","is_guest":false,"device_id":"DEV1"}"#,
    );
    const ADMIN: (u16, &str) = (200, r#"{"admin":true}"#);
    const LOGIN: (u16, &str) = (
        200,
        r#"{"user_id":"@admin:test.local","access_token":"syt_new","home_server":"test.local","device_id":"DEV2"}"#,
    );
    const NOT_ADMIN: (u16, &str) = (
        403,
        r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
    );

    fn form(kind: CredentialKind) -> SignInForm {
        SignInForm {
            homeserver: "http://127.0.0.1:8008".into(),
            kind,
            user: "admin".into(),
            password: "pw".into(),
            token: "syt_pasted".into(),
        }
    }

    fn plan(kind: CredentialKind) -> SignInPlan {
        validate(&form(kind), &Config::default()).unwrap()
    }

    fn run_sign_in(
        kind: CredentialKind,
        answers: Vec<(u16, &str)>,
    ) -> (Result<Session, SignInFailure>, Vec<String>) {
        let t = ScriptedTransport::new(answers);
        let result = run(sign_in(&t, plan(kind), &Config::default()));
        (result, t.urls())
    }

    #[test]
    fn validation_messages_per_field() {
        let empty = SignInForm::default();
        let errors = validate(&empty, &Config::default()).unwrap_err();
        assert!(errors
            .homeserver
            .unwrap()
            .starts_with("Enter your homeserver"));
        assert!(errors.user.unwrap().starts_with("Enter your user name"));
        assert_eq!(errors.password.as_deref(), Some("Enter your password."));
        assert_eq!(errors.token, None);

        let mut token = form(CredentialKind::Token);
        token.token = "Bearer syt_x".into();
        assert!(validate(&token, &Config::default())
            .unwrap_err()
            .token
            .unwrap()
            .contains("Bearer"));
        token.token = "   ".into();
        assert!(validate(&token, &Config::default())
            .unwrap_err()
            .token
            .is_some());

        let mut user = form(CredentialKind::Password);
        user.user = "@admin".into();
        assert!(validate(&user, &Config::default())
            .unwrap_err()
            .user
            .is_some());
    }

    #[test]
    fn validation_applies_the_restriction_to_typed_urls() {
        let config = Config::from_json(r#"{"restrictBaseUrl":"https://m.example.org"}"#).unwrap();
        let errors = validate(&form(CredentialKind::Token), &config).unwrap_err();
        assert!(errors.homeserver.unwrap().contains("https://m.example.org"));
    }

    #[test]
    fn return_paths_stay_inside_the_console() {
        assert_eq!(
            safe_return_path(Some("/media?user=%40a%3Ab")).as_deref(),
            Some("/media?user=%40a%3Ab")
        );
        assert_eq!(
            safe_return_path(Some("/admin/purge")).as_deref(),
            Some("/admin/purge")
        );
        assert_eq!(safe_return_path(None), None);
        for bad in [
            "//evil.org",
            "https://evil.org",
            "/\\evil.org",
            "media",
            "/signin?next=/x",
            "/admin/signin/",
            "/a\nb",
        ] {
            assert_eq!(safe_return_path(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn token_sign_in_runs_every_check() {
        let (result, urls) = run_sign_in(CredentialKind::Token, vec![VERSION, WHOAMI, ADMIN]);
        let session = result.unwrap();
        assert_eq!(session.method, SignInMethod::PastedToken);
        assert_eq!(session.access_token.secret(), "syt_pasted");
        assert_eq!(session.device_id.as_deref(), Some("DEV1"));
        assert_eq!(session.server_version, "1.163.2");
        assert_eq!(
            urls,
            [
                "GET http://127.0.0.1:8008/_synapse/admin/v1/server_version",
                "GET http://127.0.0.1:8008/_matrix/client/v3/account/whoami",
                "GET http://127.0.0.1:8008/_synapse/admin/v1/users/%40admin%3Atest.local/admin",
            ]
        );
    }

    #[test]
    fn password_sign_in_logs_in_first() {
        let (result, urls) = run_sign_in(CredentialKind::Password, vec![VERSION, LOGIN, ADMIN]);
        let session = result.unwrap();
        assert_eq!(session.method, SignInMethod::Password);
        assert_eq!(session.access_token.secret(), "syt_new");
        assert_eq!(session.device_id.as_deref(), Some("DEV2"));
        // The login answer names the user: no whoami.
        assert_eq!(
            urls,
            [
                "GET http://127.0.0.1:8008/_synapse/admin/v1/server_version",
                "POST http://127.0.0.1:8008/_matrix/client/v3/login",
                "GET http://127.0.0.1:8008/_synapse/admin/v1/users/%40admin%3Atest.local/admin",
            ]
        );
    }

    #[test]
    fn a_request_the_page_policy_blocked_says_which_origin_to_allow() {
        let t = ScriptedTransport::new(vec![]);
        t.answers.borrow_mut().push_back(Err(ApiError::Blocked {
            origin: "http://127.0.0.1:8008".into(),
        }));
        let failure =
            run(sign_in(&t, plan(CredentialKind::Token), &Config::default())).unwrap_err();
        assert_eq!(
            failure,
            SignInFailure::Blocked {
                origin: "http://127.0.0.1:8008".into()
            }
        );
        assert_eq!(failure.field(), Field::Homeserver);
        let message = failure.message();
        assert!(message.contains("Content-Security-Policy"), "{message}");
        assert!(
            message.contains("Add http://127.0.0.1:8008 to connect-src"),
            "{message}"
        );
        assert_eq!(t.urls().len(), 1, "not retried");
    }

    #[test]
    fn each_failure_has_its_own_kind() {
        let (r, _) = run_sign_in(CredentialKind::Token, vec![(0, "")]);
        assert!(matches!(r, Err(SignInFailure::Unreachable { .. })));
        assert!(r.unwrap_err().message().contains("CORS"));

        let (r, _) = run_sign_in(CredentialKind::Token, vec![(404, "<html>nginx</html>")]);
        assert!(matches!(r, Err(SignInFailure::NotSynapse { .. })));

        let wrong = (
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#,
        );
        let (r, _) = run_sign_in(CredentialKind::Password, vec![VERSION, wrong]);
        assert_eq!(r.unwrap_err(), SignInFailure::WrongPassword);

        let bad = (
            401,
            r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}"#,
        );
        let (r, _) = run_sign_in(CredentialKind::Token, vec![VERSION, bad]);
        assert_eq!(r.unwrap_err().field(), Field::Token);

        let (r, urls) = run_sign_in(CredentialKind::Token, vec![VERSION, WHOAMI, NOT_ADMIN]);
        assert!(matches!(r, Err(SignInFailure::NotAdmin { .. })));
        assert_eq!(urls.len(), 3, "a pasted token is not logged out");

        let (r, _) = run_sign_in(
            CredentialKind::Token,
            vec![VERSION, WHOAMI, (200, r#"{"admin":false}"#)],
        );
        assert!(matches!(r, Err(SignInFailure::NotAdmin { .. })));
    }

    #[test]
    fn a_refused_password_session_is_logged_out_again() {
        let (r, urls) = run_sign_in(
            CredentialKind::Password,
            vec![VERSION, LOGIN, NOT_ADMIN, (200, "{}")],
        );
        assert!(matches!(r, Err(SignInFailure::NotAdmin { .. })));
        assert_eq!(
            urls.last().unwrap(),
            "POST http://127.0.0.1:8008/_matrix/client/v3/logout"
        );
    }

    #[test]
    fn login_rate_limit_says_how_long() {
        let limited = (
            429,
            r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":330688}"#,
        );
        let (r, _) = run_sign_in(CredentialKind::Password, vec![VERSION, limited]);
        assert!(r.unwrap_err().message().contains("5 min 31 s"));
    }

    #[test]
    fn server_names_resolve_through_well_known_with_fallback() {
        let input: HomeserverInput = "example.org".parse().unwrap();
        let t = ScriptedTransport::new(vec![(
            200,
            r#"{"m.homeserver":{"base_url":"https://matrix.example.org/"}}"#,
        )]);
        assert_eq!(
            run(resolve(&t, &input)).as_str(),
            "https://matrix.example.org"
        );
        assert_eq!(
            t.urls(),
            ["GET https://example.org/.well-known/matrix/client"]
        );

        for answer in [(404, ""), (0, ""), (200, "garbage")] {
            let t = ScriptedTransport::new(vec![answer]);
            assert_eq!(run(resolve(&t, &input)).as_str(), "https://example.org");
        }
    }

    #[test]
    fn well_known_pointing_outside_the_restriction_is_refused() {
        let config = Config::from_json(r#"{"restrictBaseUrl":"https://a.org"}"#).unwrap();
        let mut f = form(CredentialKind::Token);
        f.homeserver = "example.org".into();
        let plan = validate(&f, &config).unwrap();
        let t = ScriptedTransport::new(vec![(
            200,
            r#"{"m.homeserver":{"base_url":"https://evil.org"}}"#,
        )]);
        let r = run(sign_in(&t, plan, &config));
        assert!(matches!(r, Err(SignInFailure::NotAllowed { .. })));
        assert_eq!(
            t.seen.borrow().len(),
            1,
            "nothing is sent to a refused server"
        );
    }
}
