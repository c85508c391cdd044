//! The checks every way of signing in ends with: get a token, learn whose it is, and
//! make sure that user is a server admin. Nothing is returned (so nothing is stored)
//! unless every check passed; a session made here and refused is ended again.

use crate::client::{send, Transport};
use crate::endpoints::account::{Logout, PasswordLogin, TokenLogin, UserIsAdmin, WhoAmI};
use crate::error::ApiError;
use crate::homeserver::BaseUrl;
use crate::ids::UserId;
use crate::session::{AccessToken, OAuthSession, Session, SignInMethod};
use crate::signin::failure::{SignInFailure, Step};
use crate::signin::oauth::{self, OAuthFailure, PendingOAuth};

/// The server a sign-in ends on: what discovery found, or a pending flow kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub base: BaseUrl,
    pub version: String,
    /// The issuer it delegates authentication to (MAS), if any.
    pub delegated_to: Option<String>,
}

/// What proves who the person is.
#[derive(Clone)]
pub enum Proof {
    Password {
        user: String,
        password: String,
    },
    PastedToken(AccessToken),
    /// The `loginToken` single sign-on brought back.
    LoginToken(String),
    /// The authorization code OAuth brought back, and what was kept for it.
    OAuthCode {
        pending: PendingOAuth,
        code: String,
    },
}

// Secrets stay out of Debug output.
impl std::fmt::Debug for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Proof::Password { .. } => "Password { .. }",
            Proof::PastedToken(_) => "PastedToken(..)",
            Proof::LoginToken(_) => "LoginToken(..)",
            Proof::OAuthCode { .. } => "OAuthCode { .. }",
        })
    }
}

/// A token and what is known of it so far.
struct Obtained {
    token: AccessToken,
    method: SignInMethod,
    /// From a login answer; a pasted or OAuth token is asked (whoami).
    user: Option<(UserId, Option<String>)>,
    oauth: Option<OAuthSession>,
    granted_admin_scope: bool,
}

async fn obtain(
    transport: &dyn Transport,
    target: &Target,
    proof: Proof,
    now_ms: u64,
) -> Result<Obtained, SignInFailure> {
    let logged_in = |method, login: crate::endpoints::account::LoginResponse| Obtained {
        token: AccessToken::new(login.access_token),
        method,
        user: Some((login.user_id, login.device_id)),
        oauth: None,
        granted_admin_scope: false,
    };
    match proof {
        Proof::PastedToken(token) => Ok(Obtained {
            token,
            method: SignInMethod::PastedToken,
            user: None,
            oauth: None,
            granted_admin_scope: false,
        }),
        Proof::Password { user, password } => send(
            transport,
            &target.base,
            None,
            &PasswordLogin { user, password },
        )
        .await
        .map(|login| logged_in(SignInMethod::Password, login))
        .map_err(|error| match error.errcode() {
            Some("M_FORBIDDEN") => SignInFailure::WrongPassword,
            _ => SignInFailure::from_request(Step::PasswordLogin, error),
        }),
        Proof::LoginToken(token) => send(transport, &target.base, None, &TokenLogin { token })
            .await
            .map(|login| logged_in(SignInMethod::SingleSignOn, login))
            .map_err(|error| SignInFailure::from_request(Step::SingleSignOnLogin, error)),
        Proof::OAuthCode { pending, code } => {
            let grant = oauth::exchange(transport, &pending, &code)
                .await
                .map_err(|failure| refused(&pending.issuer, Step::ExchangingCode, failure))?;
            let granted_admin_scope = grant.has_admin_scope();
            let (token, session) = grant.into_session(&pending, now_ms);
            Ok(Obtained {
                token,
                method: SignInMethod::OAuth,
                user: None,
                oauth: Some(session),
                granted_admin_scope,
            })
        }
    }
}

/// An authorization server's refusal as a sign-in failure.
pub fn refused(issuer: &str, step: Step, failure: OAuthFailure) -> SignInFailure {
    match failure {
        OAuthFailure::Refused {
            error, description, ..
        } => SignInFailure::Refused {
            issuer: issuer.to_owned(),
            error,
            description,
        },
        OAuthFailure::Request(error) => SignInFailure::from_request(step, error),
    }
}

/// Gets a token with `proof`, checks it belongs to a server admin, and returns the
/// session to keep.
pub async fn complete(
    transport: &dyn Transport,
    target: &Target,
    proof: Proof,
    now_ms: u64,
) -> Result<Session, SignInFailure> {
    let obtained = obtain(transport, target, proof, now_ms).await?;
    let checked = check(transport, target, &obtained).await;
    if checked.is_err() {
        end(transport, target, &obtained).await;
    }
    let (user_id, device_id) = checked?;
    Ok(Session {
        homeserver: target.base.clone(),
        user_id,
        device_id,
        access_token: obtained.token,
        method: obtained.method,
        server_version: target.version.clone(),
        oauth: obtained.oauth,
    })
}

/// Whose the token is, and that they are an admin.
async fn check(
    transport: &dyn Transport,
    target: &Target,
    obtained: &Obtained,
) -> Result<(UserId, Option<String>), SignInFailure> {
    let (user_id, device_id) = match &obtained.user {
        Some(known) => known.clone(),
        None => identify(transport, &target.base, &obtained.token).await?,
    };
    let not_admin = || match &obtained.oauth {
        Some(session) if !obtained.granted_admin_scope => SignInFailure::NoAdminScope {
            user: user_id.clone(),
            issuer: session.issuer.clone(),
        },
        _ => SignInFailure::NotAdmin {
            user: user_id.clone(),
            delegated_to: target.delegated_to.clone(),
        },
    };
    let request = UserIsAdmin {
        user_id: user_id.clone(),
    };
    // The admin API answering at all is the proof: it refuses (403) any token without
    // admin rights. The record's `admin` flag is not: on a server that delegates to MAS
    // it stays false for admins, whose rights come from the token's scope.
    match send(transport, &target.base, Some(&obtained.token), &request).await {
        Ok(_) => Ok((user_id, device_id)),
        Err(error) if error.is_forbidden() => Err(not_admin()),
        Err(error) => Err(SignInFailure::from_request(Step::CheckingAdmin, error)),
    }
}

/// The user and device a token belongs to, which also proves it valid.
async fn identify(
    transport: &dyn Transport,
    base: &BaseUrl,
    token: &AccessToken,
) -> Result<(UserId, Option<String>), SignInFailure> {
    let who = send(transport, base, Some(token), &WhoAmI)
        .await
        .map_err(|error: ApiError| {
            if error.is_unauthorized() {
                SignInFailure::BadToken
            } else {
                SignInFailure::from_request(Step::CheckingToken, error)
            }
        })?;
    Ok((who.user_id, who.device_id))
}

/// Ends `session` on the server: an OAuth session is revoked at its issuer (MAS has no
/// `/logout`; without a revocation endpoint the token lapses when it expires), any
/// other is logged out at the homeserver. Signing out calls it, and so does a sign-in
/// whose session the browser would not keep, so that it leaves no device behind.
pub async fn end_on_server(transport: &dyn Transport, session: &Session) -> Result<(), ApiError> {
    match &session.oauth {
        Some(grant) => match &grant.revocation_endpoint {
            Some(endpoint) => {
                oauth::revoke(transport, endpoint, &grant.client_id, &session.access_token).await
            }
            None => Ok(()),
        },
        None => send(
            transport,
            &session.homeserver,
            Some(&session.access_token),
            &Logout,
        )
        .await
        .map(|_| ()),
    }
}

/// Ends a session made here that is not kept, so it leaves no device behind. A
/// pasted token is never ended: it may be in use elsewhere.
async fn end(transport: &dyn Transport, target: &Target, obtained: &Obtained) {
    match (&obtained.method, &obtained.oauth) {
        (SignInMethod::OAuth, Some(session)) => {
            if let Some(endpoint) = &session.revocation_endpoint {
                let _ =
                    oauth::revoke(transport, endpoint, &session.client_id, &obtained.token).await;
            }
        }
        (SignInMethod::Password | SignInMethod::SingleSignOn, _) => {
            let _ = send(transport, &target.base, Some(&obtained.token), &Logout).await;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_session(oauth: Option<OAuthSession>) -> Session {
        Session {
            homeserver: "http://127.0.0.1:8008".parse().unwrap(),
            user_id: "@admin:test.local".parse().unwrap(),
            device_id: Some("DEV1".into()),
            access_token: AccessToken::new("syt_made_here".into()),
            method: if oauth.is_some() {
                SignInMethod::OAuth
            } else {
                SignInMethod::Password
            },
            server_version: "1.163.2".into(),
            oauth,
        }
    }

    #[test]
    fn ending_a_session_logs_out_at_the_homeserver_or_revokes_at_the_issuer() {
        let t = ScriptedTransport::new(vec![(200, "{}")]);
        run(end_on_server(&t, &made_session(None))).unwrap();
        assert_eq!(
            t.seen.borrow()[0],
            (
                "POST".into(),
                "http://127.0.0.1:8008/_matrix/client/v3/logout".into(),
                "syt_made_here".into()
            )
        );

        let grant = OAuthSession {
            issuer: "http://127.0.0.1:9000/".into(),
            token_endpoint: "http://127.0.0.1:9000/oauth2/token".into(),
            revocation_endpoint: Some("http://127.0.0.1:9000/oauth2/revoke".into()),
            client_id: "CLIENT".into(),
            refresh_token: None,
            expires_at_ms: None,
        };
        let t = ScriptedTransport::new(vec![(200, "")]);
        run(end_on_server(&t, &made_session(Some(grant.clone())))).unwrap();
        let seen = t.seen.borrow();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].1, "http://127.0.0.1:9000/oauth2/revoke");

        // No revocation endpoint: nothing to call.
        let t = ScriptedTransport::new(vec![]);
        let lapsing = OAuthSession {
            revocation_endpoint: None,
            ..grant
        };
        run(end_on_server(&t, &made_session(Some(lapsing)))).unwrap();
        assert!(t.seen.borrow().is_empty());
    }
    use crate::client::fake::{run, ScriptedTransport};
    use crate::signin::oauth::{authorization, AuthMetadata, Randomness};

    const WHOAMI: (u16, &str) = (
        200,
        r#"{"user_id":"@admin:test.local","is_guest":false,"device_id":"DEV1"}"#,
    );
    const ADMIN: (u16, &str) = (200, r#"{"admin":true,"name":"@admin:test.local"}"#);
    const LOGIN: (u16, &str) = (
        200,
        r#"{"user_id":"@admin:test.local","access_token":"syt_new","home_server":"test.local","device_id":"DEV2"}"#,
    );
    const NOT_ADMIN: (u16, &str) = (
        403,
        r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
    );

    fn target(delegated_to: Option<&str>) -> Target {
        Target {
            base: "http://127.0.0.1:8008".parse().unwrap(),
            version: "1.163.2".into(),
            delegated_to: delegated_to.map(Into::into),
        }
    }

    fn run_complete(
        proof: Proof,
        answers: Vec<(u16, &str)>,
    ) -> (Result<Session, SignInFailure>, Vec<String>) {
        let t = ScriptedTransport::new(answers);
        let result = run(complete(&t, &target(None), proof, 0));
        (result, t.urls())
    }

    fn password() -> Proof {
        Proof::Password {
            user: "admin".into(),
            password: "pw".into(),
        }
    }

    #[test]
    fn a_pasted_token_is_identified_then_checked() {
        let (result, urls) = run_complete(
            Proof::PastedToken(AccessToken::new("syt_pasted".into())),
            vec![WHOAMI, ADMIN],
        );
        let session = result.unwrap();
        assert_eq!(session.method, SignInMethod::PastedToken);
        assert_eq!(session.device_id.as_deref(), Some("DEV1"));
        assert_eq!(
            urls,
            [
                "GET http://127.0.0.1:8008/_matrix/client/v3/account/whoami",
                "GET http://127.0.0.1:8008/_synapse/admin/v2/users/%40admin%3Atest.local",
            ]
        );
    }

    #[test]
    fn a_password_login_names_the_user_itself() {
        let (result, urls) = run_complete(password(), vec![LOGIN, ADMIN]);
        let session = result.unwrap();
        assert_eq!(session.method, SignInMethod::Password);
        assert_eq!(session.access_token.secret(), "syt_new");
        assert_eq!(session.device_id.as_deref(), Some("DEV2"));
        assert_eq!(urls.len(), 2, "no whoami after a login: {urls:?}");
    }

    #[test]
    fn single_sign_on_exchanges_the_login_token() {
        let (result, urls) = run_complete(Proof::LoginToken("syl_x".into()), vec![LOGIN, ADMIN]);
        assert_eq!(result.unwrap().method, SignInMethod::SingleSignOn);
        assert_eq!(
            urls[0],
            "POST http://127.0.0.1:8008/_matrix/client/v3/login"
        );
    }

    #[test]
    fn a_session_made_here_and_refused_is_ended() {
        let (r, urls) = run_complete(password(), vec![LOGIN, NOT_ADMIN, (200, "{}")]);
        assert!(matches!(r, Err(SignInFailure::NotAdmin { .. })));
        assert_eq!(
            urls.last().unwrap(),
            "POST http://127.0.0.1:8008/_matrix/client/v3/logout"
        );

        let (r, urls) = run_complete(
            Proof::PastedToken(AccessToken::new("syt_p".into())),
            vec![WHOAMI, NOT_ADMIN],
        );
        assert!(matches!(r, Err(SignInFailure::NotAdmin { .. })));
        assert_eq!(urls.len(), 2, "a pasted token is not logged out");
    }

    #[test]
    fn each_failure_has_its_own_reason() {
        let wrong = (
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#,
        );
        assert_eq!(
            run_complete(password(), vec![wrong]).0.unwrap_err(),
            SignInFailure::WrongPassword
        );
        let bad = (
            401,
            r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed."}"#,
        );
        assert_eq!(
            run_complete(Proof::PastedToken(AccessToken::new("x".into())), vec![bad])
                .0
                .unwrap_err(),
            SignInFailure::BadToken
        );
        let limited = (
            429,
            r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":330688}"#,
        );
        // A long wait is not waited out: it is the failure.
        assert_eq!(
            run_complete(password(), vec![limited]).0.unwrap_err(),
            SignInFailure::RateLimited {
                retry_after_ms: Some(330_688)
            }
        );
        // The admin API answered: the token has admin rights, whatever the stored flag
        // says (false for a MAS admin, whose rights are the token's scope).
        let (r, _) = run_complete(password(), vec![LOGIN, (200, r#"{"admin":false}"#)]);
        assert!(r.is_ok());
    }

    fn pending() -> PendingOAuth {
        let metadata = AuthMetadata {
            issuer: "http://127.0.0.1:9000/".into(),
            authorization_endpoint: "http://127.0.0.1:9000/authorize".into(),
            token_endpoint: "http://127.0.0.1:9000/oauth2/token".into(),
            registration_endpoint: None,
            revocation_endpoint: Some("http://127.0.0.1:9000/oauth2/revoke".into()),
            response_modes_supported: None,
        };
        let random = Randomness {
            state: [1; 16],
            verifier: [2; 32],
            device: [3; 10],
        };
        authorization(
            &metadata,
            "01CLIENT",
            "http://127.0.0.1:8080/signin",
            &random,
        )
        .1
    }

    #[test]
    fn oauth_without_the_admin_scope_is_told_so_and_revoked() {
        let no_admin = (
            200,
            r#"{"access_token":"mat_a","refresh_token":"mar_r","expires_in":300,"scope":"urn:matrix:client:api:* urn:matrix:client:device:DDDDDDDDDD"}"#,
        );
        let t = ScriptedTransport::new(vec![
            no_admin,
            (
                200,
                r#"{"user_id":"@mas-user:localhost","device_id":"DDDDDDDDDD"}"#,
            ),
            NOT_ADMIN,
            (200, ""),
        ]);
        let proof = Proof::OAuthCode {
            pending: pending(),
            code: "c".into(),
        };
        let failure = run(complete(
            &t,
            &target(Some("http://127.0.0.1:9000/")),
            proof,
            0,
        ))
        .unwrap_err();
        assert_eq!(
            failure,
            SignInFailure::NoAdminScope {
                user: "@mas-user:localhost".parse().unwrap(),
                issuer: "http://127.0.0.1:9000/".into()
            }
        );
        assert_eq!(
            t.urls().last().unwrap(),
            "POST http://127.0.0.1:9000/oauth2/revoke"
        );
    }

    #[test]
    fn oauth_with_the_admin_scope_keeps_what_refreshing_needs() {
        let granted = (
            200,
            r#"{"access_token":"mat_a","refresh_token":"mar_r","expires_in":300,"scope":"urn:matrix:client:api:* urn:synapse:admin:* urn:matrix:client:device:DDDDDDDDDD"}"#,
        );
        let t = ScriptedTransport::new(vec![
            granted,
            (
                200,
                r#"{"user_id":"@mas-admin:localhost","device_id":"DDDDDDDDDD"}"#,
            ),
            ADMIN,
        ]);
        let proof = Proof::OAuthCode {
            pending: pending(),
            code: "c".into(),
        };
        let session = run(complete(
            &t,
            &target(Some("http://127.0.0.1:9000/")),
            proof,
            1_000,
        ))
        .unwrap();
        assert_eq!(session.method, SignInMethod::OAuth);
        let oauth = session.oauth.unwrap();
        assert_eq!(oauth.expires_at_ms, Some(301_000));
        assert_eq!(oauth.client_id, "01CLIENT");
    }
}
