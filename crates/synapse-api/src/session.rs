//! A signed-in admin session: what is kept in the tab's sessionStorage.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::homeserver::BaseUrl;
use crate::ids::UserId;

/// An access token. It has no `Display`, and its `Debug` is redacted, so it cannot
/// end up in an error text or a log line by accident; [`AccessToken::secret`] is the
/// one way out, used by the transport for the Authorization header.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// An OAuth 2.0 refresh token: like [`AccessToken`], no `Display`, a redacted `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RefreshToken(String);

impl RefreshToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// How the session was made; it decides what signing out does on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// Made here by `m.login.password`: signing out also logs the device out.
    Password,
    /// Pasted by the admin: it may be in use elsewhere, so it is only invalidated
    /// when the admin asks for it.
    PastedToken,
    /// Made here by single sign-on (`m.login.token`): signing out logs it out.
    SingleSignOn,
    /// Made here by OAuth 2.0 with the server's authorization server (MAS): refreshed
    /// before it expires, revoked on sign-out.
    #[serde(rename = "oauth")]
    OAuth,
}

/// What an OAuth session needs to stay alive and to end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthSession {
    pub issuer: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub client_id: String,
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires (ms since the epoch), if the server said.
    pub expires_at_ms: Option<u64>,
}

impl OAuthSession {
    /// Whether the access token should be refreshed before a request at `now_ms`: it
    /// expires within a minute and there is a refresh token.
    pub fn needs_refresh(&self, now_ms: u64) -> bool {
        const MARGIN_MS: u64 = 60_000;
        self.refresh_token.is_some()
            && self
                .expires_at_ms
                .is_some_and(|at| now_ms + MARGIN_MS >= at)
    }
}

/// Everything the console needs to act as the signed-in admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub homeserver: BaseUrl,
    pub user_id: UserId,
    pub device_id: Option<String>,
    pub access_token: AccessToken,
    pub method: SignInMethod,
    /// As `server_version` reported it at sign-in, e.g. "1.163.2".
    pub server_version: String,
    /// For [`SignInMethod::OAuth`]: refreshing and revoking.
    #[serde(default)]
    pub oauth: Option<OAuthSession>,
}

impl Session {
    /// Reads a stored session; anything unreadable counts as "no session".
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The server name admins know their server by (the user id's server part).
    pub fn server_name(&self) -> &str {
        self.user_id.server_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            homeserver: "http://127.0.0.1:8008".parse().unwrap(),
            user_id: "@admin:test.local".parse().unwrap(),
            device_id: Some("DEV".into()),
            access_token: AccessToken::new("syt_secret".into()),
            method: SignInMethod::Password,
            server_version: "1.163.2".into(),
            oauth: None,
        }
    }

    #[test]
    fn round_trips_through_json() {
        let s = session();
        assert_eq!(Session::from_json(&s.to_json()), Some(s));
    }

    #[test]
    fn debug_never_shows_the_token() {
        assert!(!format!("{:?}", session()).contains("syt_secret"));
    }

    #[test]
    fn unreadable_storage_is_no_session() {
        assert_eq!(Session::from_json("{"), None);
        assert_eq!(Session::from_json(r#"{"homeserver":"nope"}"#), None);
    }

    #[test]
    fn server_name_comes_from_the_user_id() {
        assert_eq!(session().server_name(), "test.local");
    }

    #[test]
    fn oauth_sessions_refresh_a_minute_before_expiry_and_hide_the_refresh_token() {
        let oauth = OAuthSession {
            issuer: "https://auth.example.org/".into(),
            token_endpoint: "https://auth.example.org/oauth2/token".into(),
            revocation_endpoint: None,
            client_id: "c".into(),
            refresh_token: Some(RefreshToken::new("mar_secret".into())),
            expires_at_ms: Some(1_000_000),
        };
        assert!(!oauth.needs_refresh(900_000));
        assert!(oauth.needs_refresh(940_000));
        assert!(!OAuthSession {
            refresh_token: None,
            ..oauth.clone()
        }
        .needs_refresh(999_999));
        let s = Session {
            method: SignInMethod::OAuth,
            oauth: Some(oauth),
            ..session()
        };
        assert!(!format!("{s:?}").contains("mar_secret"));
        assert_eq!(Session::from_json(&s.to_json()), Some(s));
    }
}
