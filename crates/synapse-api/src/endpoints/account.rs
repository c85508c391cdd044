//! Endpoints used to sign in, check who we are, and sign out.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::path::{build, Part};
use crate::request::{Empty, Endpoint, Request};

/// `GET /_synapse/admin/v1/server_version` (no token needed): is this a Synapse?
#[derive(Clone, Debug, Default)]
pub struct ServerVersion;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ServerVersionResponse {
    pub server_version: String,
}

impl Endpoint for ServerVersion {
    type Response = ServerVersionResponse;
    fn request(&self) -> Request {
        Request::get("/_synapse/admin/v1/server_version".into()).anonymous()
    }
}

/// `GET /_matrix/client/v3/account/whoami`: whose token is this?
#[derive(Clone, Debug, Default)]
pub struct WhoAmI;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct WhoAmIResponse {
    pub user_id: UserId,
    #[serde(default)]
    pub device_id: Option<String>,
}

impl Endpoint for WhoAmI {
    type Response = WhoAmIResponse;
    fn request(&self) -> Request {
        Request::get("/_matrix/client/v3/account/whoami".into())
    }
}

/// `GET /_synapse/admin/v2/users/<user_id>` for the caller's own id: does this token
/// have admin rights? Any answer says yes; a token without them gets 403 `M_FORBIDDEN`.
///
/// The v2 account details answer on every Synapse, also one that delegates
/// authentication to MAS (where `v1/users/<id>/admin` is 404, and the record's `admin`
/// flag stays false for admins: their rights are the token's scope).
#[derive(Clone, Debug)]
pub struct UserIsAdmin {
    pub user_id: UserId,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserIsAdminResponse {
    #[serde(default, deserialize_with = "crate::loose::bool_or_int")]
    pub admin: bool,
}

impl Endpoint for UserIsAdmin {
    type Response = UserIsAdminResponse;
    fn request(&self) -> Request {
        Request::get(build(&[
            Part::Fixed("_synapse/admin/v2/users"),
            Part::Data(self.user_id.as_str()),
        ]))
    }
}

/// `GET /_matrix/client/v3/login`: the ways this server lets a client log in.
#[derive(Clone, Debug, Default)]
pub struct LoginFlows;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct LoginFlowsResponse {
    #[serde(default)]
    pub flows: Vec<LoginFlow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct LoginFlow {
    #[serde(rename = "type")]
    pub kind: String,
    /// For `m.login.sso`: the providers a person can choose among.
    #[serde(default)]
    pub identity_providers: Vec<IdentityProvider>,
}

/// A single sign-on provider, as `m.login.sso` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct IdentityProvider {
    pub id: String,
    pub name: String,
}

impl Endpoint for LoginFlows {
    type Response = LoginFlowsResponse;
    fn request(&self) -> Request {
        Request::get("/_matrix/client/v3/login".into()).anonymous()
    }
}

/// `POST /_matrix/client/v3/login` with `m.login.token`: the login token single
/// sign-on hands back.
#[derive(Clone)]
pub struct TokenLogin {
    pub token: String,
}

// The login token is a credential: Debug leaves it out.
impl std::fmt::Debug for TokenLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenLogin { .. }")
    }
}

#[derive(Serialize)]
struct TokenLoginBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    token: &'a str,
    initial_device_display_name: &'static str,
}

impl Endpoint for TokenLogin {
    type Response = LoginResponse;
    fn request(&self) -> Request {
        let body = TokenLoginBody {
            kind: "m.login.token",
            token: &self.token,
            initial_device_display_name: DEVICE_DISPLAY_NAME,
        };
        Request::post_json("/_matrix/client/v3/login".into(), &body).anonymous()
    }
}

/// The device display name sessions made by password sign-in get, so an admin can
/// recognise (and remove) them in their device list.
pub const DEVICE_DISPLAY_NAME: &str = "Synapse Console (browser admin session)";

/// `POST /_matrix/client/v3/login` with `m.login.password`.
#[derive(Clone, Debug)]
pub struct PasswordLogin {
    /// A full user id or a bare localpart: the server resolves either.
    pub user: String,
    pub password: String,
}

#[derive(Serialize)]
struct LoginBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    identifier: Identifier<'a>,
    password: &'a str,
    initial_device_display_name: &'static str,
}

#[derive(Serialize)]
struct Identifier<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    user: &'a str,
}

#[derive(Clone, Deserialize)]
pub struct LoginResponse {
    pub user_id: UserId,
    pub access_token: String,
    #[serde(default)]
    pub device_id: Option<String>,
}

// The token must never reach a log line, so Debug leaves it out.
impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("user_id", &self.user_id)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl Endpoint for PasswordLogin {
    type Response = LoginResponse;
    fn request(&self) -> Request {
        let body = LoginBody {
            kind: "m.login.password",
            identifier: Identifier {
                kind: "m.id.user",
                user: &self.user,
            },
            password: &self.password,
            initial_device_display_name: DEVICE_DISPLAY_NAME,
        };
        Request::post_json("/_matrix/client/v3/login".into(), &body).anonymous()
    }
}

/// `POST /_matrix/client/v3/logout`: invalidates the token it is sent with.
#[derive(Clone, Debug, Default)]
pub struct Logout;

impl Endpoint for Logout {
    type Response = Empty;
    fn request(&self) -> Request {
        Request::post_json("/_matrix/client/v3/logout".into(), &Empty {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{decode, Auth, Method};

    #[test]
    fn server_version_is_anonymous_and_decodes() {
        let r = ServerVersion.request();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "/_synapse/admin/v1/server_version");
        assert_eq!(r.auth, Auth::Anonymous);
        let v: ServerVersionResponse = decode(200, r#"{"server_version":"1.163.2"}"#).unwrap();
        assert_eq!(v.server_version, "1.163.2");
    }

    #[test]
    fn whoami_decodes_the_real_body() {
        assert_eq!(WhoAmI.request().auth, Auth::Bearer);
        let w: WhoAmIResponse = decode(
            200,
            r#"{"user_id":"@admin:test.local","is_guest":false,"device_id":"CKTIOGXIXF"}"#,
        )
        .unwrap();
        assert_eq!(w.user_id.as_str(), "@admin:test.local");
        assert_eq!(w.device_id.as_deref(), Some("CKTIOGXIXF"));
    }

    #[test]
    fn admin_check_encodes_the_user_id() {
        let r = UserIsAdmin {
            user_id: "@admin:test.local".parse().unwrap(),
        }
        .request();
        assert_eq!(r.path, "/_synapse/admin/v2/users/%40admin%3Atest.local");
        let yes: UserIsAdminResponse = decode(200, r#"{"admin":true}"#).unwrap();
        assert!(yes.admin);
        let one: UserIsAdminResponse = decode(200, r#"{"admin":1}"#).unwrap();
        assert!(one.admin);
        let refused = decode::<UserIsAdminResponse>(
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
        )
        .unwrap_err();
        assert!(refused.is_forbidden());
    }

    #[test]
    fn password_login_body_and_response() {
        let r = PasswordLogin {
            user: "admin".into(),
            password: "p\"w".into(),
        }
        .request();
        assert_eq!(r.path, "/_matrix/client/v3/login");
        assert_eq!(r.auth, Auth::Anonymous);
        let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["type"], "m.login.password");
        assert_eq!(body["identifier"]["type"], "m.id.user");
        assert_eq!(body["identifier"]["user"], "admin");
        assert_eq!(body["password"], "p\"w");
        assert_eq!(body["initial_device_display_name"], DEVICE_DISPLAY_NAME);

        let login: LoginResponse = decode(
            200,
            r#"{"user_id":"@admin:test.local","access_token":"syt_secret","home_server":"test.local","device_id":"CKTIOGXIXF","well_known":{"m.homeserver":{"base_url":"http://127.0.0.1:18008/"}}}"#,
        )
        .unwrap();
        assert_eq!(login.access_token, "syt_secret");
        assert!(!format!("{login:?}").contains("syt_secret"));
    }

    #[test]
    fn wrong_password_is_a_403() {
        let e = decode::<LoginResponse>(
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#,
        )
        .unwrap_err();
        assert_eq!(e.errcode(), Some("M_FORBIDDEN"));
    }

    #[test]
    fn logout_posts_an_empty_object_with_the_token() {
        let r = Logout.request();
        assert_eq!((r.method, r.auth), (Method::Post, Auth::Bearer));
        assert_eq!(r.body.as_deref(), Some("{}"));
    }

    #[test]
    fn login_flows_decode_synapse_with_sso_providers() {
        assert_eq!(LoginFlows.request().auth, Auth::Anonymous);
        // As Synapse 1.163 answers with password login off and one OIDC provider.
        let flows: LoginFlowsResponse = decode(
            200,
            r#"{"flows":[{"type":"m.login.sso","identity_providers":[{"id":"oidc-test","name":"Test IdP","brand":null}]},{"type":"m.login.token"},{"type":"m.login.application_service"}]}"#,
        )
        .unwrap();
        assert_eq!(flows.flows[0].kind, "m.login.sso");
        assert_eq!(flows.flows[0].identity_providers[0].id, "oidc-test");
        assert!(flows.flows[1].identity_providers.is_empty());
    }

    #[test]
    fn token_login_sends_the_token_and_hides_it_from_debug() {
        let login = TokenLogin {
            token: "syl_secret".into(),
        };
        assert!(!format!("{login:?}").contains("syl_secret"));
        let r = login.request();
        assert_eq!(r.auth, Auth::Anonymous);
        let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["type"], "m.login.token");
        assert_eq!(body["token"], "syl_secret");
    }
}
