//! OAuth 2.0 sign-in on a homeserver that delegates authentication (to the Matrix
//! Authentication Service, MSC3861): the server's auth metadata (MSC2965), dynamic
//! client registration (RFC 7591, MSC2966), the authorization code grant with PKCE S256
//! and `state` (MSC2964), the Matrix scopes (MSC2967), refresh and revocation (RFC 7009).
//! Requests to the authorization server go through the same `send_request` as every
//! other request.

use serde::{Deserialize, Serialize};

use crate::client::{send_request, Transport};
use crate::error::ApiError;
use crate::path::{query_pairs, segment};
use crate::request::{Endpoint, Request};
use crate::session::{AccessToken, OAuthSession, RefreshToken};
use crate::signin::pkce;

/// The whole client-server API (stable name of MSC2967's scope).
pub const SCOPE_API: &str = "urn:matrix:client:api:*";
/// Synapse's admin API: MAS grants it only to users allowed to request admin.
pub const SCOPE_ADMIN: &str = "urn:synapse:admin:*";
/// Followed by the device id the session gets.
pub const SCOPE_DEVICE: &str = "urn:matrix:client:device:";

/// What the homeserver says about its authorization server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub response_modes_supported: Option<Vec<String>>,
}

/// Where a homeserver publishes its auth metadata: the stable path (Matrix 1.15) and,
/// on servers older than that, MSC2965's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataPath {
    Stable,
    Unstable,
}

impl Endpoint for MetadataPath {
    type Response = AuthMetadata;
    fn request(&self) -> Request {
        let path = match self {
            MetadataPath::Stable => "/_matrix/client/v1/auth_metadata",
            MetadataPath::Unstable => "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata",
        };
        Request::get(path.into()).anonymous()
    }
}

/// Why an authorization server request did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OAuthFailure {
    /// An OAuth error answer (`{"error", "error_description"}`).
    Refused {
        status: u16,
        error: String,
        description: Option<String>,
    },
    /// No answer, a block, or an answer that is not OAuth's.
    Request(ApiError),
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Sends a request to an absolute URL of the authorization server and decodes it.
async fn call<T: serde::de::DeserializeOwned>(
    transport: &dyn Transport,
    url: &str,
    request: &Request,
) -> Result<T, OAuthFailure> {
    let raw = send_request(transport, url.to_owned(), request, None)
        .await
        .map_err(OAuthFailure::Request)?;
    if !(200..300).contains(&raw.status) {
        return Err(match serde_json::from_str::<OAuthErrorBody>(&raw.body) {
            Ok(body) => OAuthFailure::Refused {
                status: raw.status,
                error: body.error,
                description: body.error_description,
            },
            Err(_) => OAuthFailure::Request(ApiError::from_status(raw.status, &raw.body)),
        });
    }
    serde_json::from_str(&raw.body).map_err(|e| {
        OAuthFailure::Request(ApiError::Decode {
            status: raw.status,
            detail: e.to_string(),
        })
    })
}

/// RFC 7591 client metadata: a public browser client whose only redirect is the
/// console's sign-in page.
#[derive(Serialize)]
struct ClientMetadata<'a> {
    client_name: &'static str,
    client_uri: &'a str,
    redirect_uris: [&'a str; 1],
    application_type: &'static str,
    token_endpoint_auth_method: &'static str,
    grant_types: [&'static str; 2],
    response_types: [&'static str; 1],
}

#[derive(Deserialize)]
struct Registered {
    client_id: String,
}

/// Registers the console with the authorization server (MAS gives back the same
/// client id for the same metadata, so this is cheap to repeat). `client_uri` is the
/// console's root URL, `redirect_uri` its sign-in page: MAS wants the second under
/// the first's host.
pub async fn register(
    transport: &dyn Transport,
    registration_endpoint: &str,
    client_uri: &str,
    redirect_uri: &str,
) -> Result<String, OAuthFailure> {
    let metadata = ClientMetadata {
        client_name: "Synapse Console",
        client_uri,
        redirect_uris: [redirect_uri],
        application_type: "web",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
    };
    let request = Request::post_json(registration_endpoint.to_owned(), &metadata).anonymous();
    let registered: Registered = call(transport, registration_endpoint, &request).await?;
    Ok(registered.client_id)
}

/// Where the code comes back: the fragment keeps it out of the web server's logs and
/// the Referer; the query is the fallback for servers that offer nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    Fragment,
    Query,
}

/// Randomness the browser supplies for one authorization.
#[derive(Clone, Copy, Debug)]
pub struct Randomness {
    pub state: [u8; 16],
    pub verifier: [u8; 32],
    pub device: [u8; 10],
}

/// What this tab keeps between sending the person to the authorization server and
/// their return (sessionStorage): enough to check the return and exchange the code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOAuth {
    pub issuer: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    /// The PKCE verifier: a secret until the code is exchanged.
    pub verifier: String,
    pub device_id: String,
    pub response_mode: ResponseMode,
}

// The verifier stays out of Debug output.
impl std::fmt::Debug for PendingOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingOAuth")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// A device id made of upper-case letters, as Synapse's own are.
fn device_id(random: &[u8; 10]) -> String {
    random.iter().map(|b| char::from(b'A' + b % 26)).collect()
}

/// The URL to send the person to, and what to keep until they return. Asks for the
/// client-server API, the admin API and a device of its own.
pub fn authorization(
    metadata: &AuthMetadata,
    client_id: &str,
    redirect_uri: &str,
    random: &Randomness,
) -> (String, PendingOAuth) {
    // Without a list, RFC 8414 says both query and fragment are supported.
    let fragment = metadata
        .response_modes_supported
        .as_ref()
        .is_none_or(|modes| modes.iter().any(|m| m == "fragment"));
    let response_mode = if fragment {
        ResponseMode::Fragment
    } else {
        ResponseMode::Query
    };
    let pending = PendingOAuth {
        issuer: metadata.issuer.clone(),
        token_endpoint: metadata.token_endpoint.clone(),
        revocation_endpoint: metadata.revocation_endpoint.clone(),
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: pkce::base64url(&random.state),
        verifier: pkce::base64url(&random.verifier),
        device_id: device_id(&random.device),
        response_mode,
    };
    let scope = format!(
        "{SCOPE_API} {SCOPE_ADMIN} {SCOPE_DEVICE}{}",
        pending.device_id
    );
    let mode = match response_mode {
        ResponseMode::Fragment => "fragment",
        ResponseMode::Query => "query",
    };
    let query = [
        ("response_type", "code"),
        ("response_mode", mode),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", &scope),
        ("state", &pending.state),
        ("code_challenge", &pkce::challenge(&pending.verifier)),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(name, value)| format!("{name}={}", segment(value)))
    .collect::<Vec<_>>()
    .join("&");
    let separator = if metadata.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    (
        format!("{}{separator}{query}", metadata.authorization_endpoint),
        pending,
    )
}

/// What came back to the sign-in page from the authorization server.
#[derive(Clone, PartialEq, Eq)]
pub enum OAuthReturn {
    Code {
        state: String,
        code: String,
    },
    Error {
        state: Option<String>,
        error: String,
        description: Option<String>,
    },
}

// The code stays out of Debug output.
impl std::fmt::Debug for OAuthReturn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OAuthReturn::Code { state, .. } => write!(f, "Code {{ state: {state:?}, .. }}"),
            OAuthReturn::Error { error, .. } => write!(f, "Error {{ error: {error:?}, .. }}"),
        }
    }
}

/// Reads an authorization response from a query string or fragment (without `?`/`#`).
pub fn read_return(params: &str) -> Option<OAuthReturn> {
    let pairs = query_pairs(params);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match (get("code"), get("error"), get("state")) {
        (Some(code), None, Some(state)) => Some(OAuthReturn::Code { state, code }),
        (_, Some(error), state) => Some(OAuthReturn::Error {
            state,
            error,
            description: get("error_description"),
        }),
        _ => None,
    }
}

/// A token endpoint's answer.
#[derive(Clone, Deserialize)]
pub struct Grant {
    pub access_token: AccessToken,
    #[serde(default)]
    pub refresh_token: Option<RefreshToken>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl Grant {
    /// Whether the server granted Synapse's admin scope.
    pub fn has_admin_scope(&self) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|scope| scope.split(' ').any(|s| s == SCOPE_ADMIN))
    }

    /// The session's OAuth part, made from this grant at `now_ms`.
    pub fn into_session(self, pending: &PendingOAuth, now_ms: u64) -> (AccessToken, OAuthSession) {
        let session = OAuthSession {
            issuer: pending.issuer.clone(),
            token_endpoint: pending.token_endpoint.clone(),
            revocation_endpoint: pending.revocation_endpoint.clone(),
            client_id: pending.client_id.clone(),
            refresh_token: self.refresh_token,
            expires_at_ms: self.expires_in.map(|s| now_ms + s * 1000),
        };
        (self.access_token, session)
    }
}

impl Grant {
    /// A refreshed session: the new access token, the rotated refresh token (or the
    /// old one when the server keeps it), and the new expiry.
    pub fn refresh_session(self, old: &OAuthSession, now_ms: u64) -> (AccessToken, OAuthSession) {
        let session = OAuthSession {
            refresh_token: self.refresh_token.or_else(|| old.refresh_token.clone()),
            expires_at_ms: self.expires_in.map(|s| now_ms + s * 1000),
            ..old.clone()
        };
        (self.access_token, session)
    }
}

/// Exchanges the code that came back for tokens (with the PKCE verifier).
pub async fn exchange(
    transport: &dyn Transport,
    pending: &PendingOAuth,
    code: &str,
) -> Result<Grant, OAuthFailure> {
    let request = Request::post_form(
        pending.token_endpoint.clone(),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &pending.redirect_uri),
            ("client_id", &pending.client_id),
            ("code_verifier", &pending.verifier),
        ],
    );
    call(transport, &pending.token_endpoint, &request).await
}

/// A new access token from the refresh token (which the server may rotate too).
pub async fn refresh(
    transport: &dyn Transport,
    session: &OAuthSession,
    refresh_token: &RefreshToken,
) -> Result<Grant, OAuthFailure> {
    let request = Request::post_form(
        session.token_endpoint.clone(),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("client_id", &session.client_id),
        ],
    );
    call(transport, &session.token_endpoint, &request).await
}

/// Revokes a token (RFC 7009): MAS ends the whole session with it.
pub async fn revoke(
    transport: &dyn Transport,
    revocation_endpoint: &str,
    client_id: &str,
    token: &AccessToken,
) -> Result<(), ApiError> {
    let request = Request::post_form(
        revocation_endpoint.to_owned(),
        &[("token", token.secret()), ("client_id", client_id)],
    );
    let raw = send_request(transport, revocation_endpoint.to_owned(), &request, None).await?;
    if (200..300).contains(&raw.status) {
        Ok(())
    } else {
        Err(ApiError::from_status(raw.status, &raw.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{run, ScriptedTransport};
    use crate::request::Encoding;

    fn metadata(modes: Option<&[&str]>) -> AuthMetadata {
        AuthMetadata {
            issuer: "http://127.0.0.1:9000/".into(),
            authorization_endpoint: "http://127.0.0.1:9000/authorize".into(),
            token_endpoint: "http://127.0.0.1:9000/oauth2/token".into(),
            registration_endpoint: Some("http://127.0.0.1:9000/oauth2/registration".into()),
            revocation_endpoint: Some("http://127.0.0.1:9000/oauth2/revoke".into()),
            response_modes_supported: modes.map(|m| m.iter().map(|s| s.to_string()).collect()),
        }
    }

    const RANDOM: Randomness = Randomness {
        state: [1; 16],
        verifier: [2; 32],
        device: [0, 1, 2, 3, 4, 5, 6, 7, 8, 25],
    };

    #[test]
    fn metadata_decodes_mas_answer() {
        let m: AuthMetadata = crate::request::decode(
            200,
            r#"{"issuer":"https://auth.example.org/","authorization_endpoint":"https://auth.example.org/authorize","token_endpoint":"https://auth.example.org/oauth2/token","registration_endpoint":"https://auth.example.org/oauth2/registration","revocation_endpoint":"https://auth.example.org/oauth2/revoke","response_types_supported":["code"],"response_modes_supported":["form_post","query","fragment"],"code_challenge_methods_supported":["plain","S256"],"account_management_uri":"https://auth.example.org/account/"}"#,
        )
        .unwrap();
        assert_eq!(m.token_endpoint, "https://auth.example.org/oauth2/token");
        assert_eq!(
            MetadataPath::Unstable.request().path,
            "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"
        );
    }

    #[test]
    fn the_authorization_url_asks_for_admin_with_pkce_and_state() {
        let (url, pending) = authorization(
            &metadata(Some(&["query", "fragment"])),
            "01CLIENT",
            "http://127.0.0.1:8080/signin",
            &RANDOM,
        );
        let (endpoint, query) = url.split_once('?').unwrap();
        assert_eq!(endpoint, "http://127.0.0.1:9000/authorize");
        let pairs: std::collections::HashMap<_, _> = query_pairs(query).into_iter().collect();
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["response_mode"], "fragment");
        assert_eq!(pairs["client_id"], "01CLIENT");
        assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:8080/signin");
        assert_eq!(
            pairs["scope"],
            "urn:matrix:client:api:* urn:synapse:admin:* urn:matrix:client:device:ABCDEFGHIZ"
        );
        assert_eq!(pairs["state"], pending.state);
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["code_challenge"], pkce::challenge(&pending.verifier));
        assert!(
            !url.contains(&pending.verifier),
            "the verifier never leaves the tab"
        );
        assert_eq!(pending.verifier.len(), 43);
        assert!(!format!("{pending:?}").contains(&pending.verifier));

        let (_, query_only) = authorization(&metadata(Some(&["query"])), "c", "r", &RANDOM);
        assert_eq!(query_only.response_mode, ResponseMode::Query);
    }

    #[test]
    fn returns_are_read_from_the_query_or_fragment() {
        assert_eq!(
            read_return("code=abc%2B1&state=s1&iss=http%3A%2F%2Fx"),
            Some(OAuthReturn::Code {
                state: "s1".into(),
                code: "abc+1".into()
            })
        );
        assert_eq!(
            read_return("error=access_denied&error_description=The+user+cancelled&state=s1"),
            Some(OAuthReturn::Error {
                state: Some("s1".into()),
                error: "access_denied".into(),
                description: Some("The user cancelled".into()),
            })
        );
        assert_eq!(read_return("next=%2Fmedia"), None);
        assert_eq!(
            read_return("code=abc"),
            None,
            "a code without state is not ours"
        );
    }

    #[test]
    fn registration_then_exchange_send_what_mas_expects() {
        let t = ScriptedTransport::new(vec![
            (201, r#"{"client_id":"01CLIENT","client_id_issued_at":1}"#),
            (
                200,
                r#"{"access_token":"mat_a","refresh_token":"mar_r","expires_in":300,"token_type":"Bearer","scope":"urn:matrix:client:api:* urn:synapse:admin:* urn:matrix:client:device:ABCDEFGHIZ"}"#,
            ),
        ]);
        let m = metadata(None);
        let client = run(register(
            &t,
            m.registration_endpoint.as_deref().unwrap(),
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/signin",
        ))
        .unwrap();
        assert_eq!(client, "01CLIENT");
        let (_, pending) = authorization(&m, &client, "http://127.0.0.1:8080/signin", &RANDOM);
        let grant = run(exchange(&t, &pending, "the-code")).unwrap();
        assert!(grant.has_admin_scope());
        let (token, session) = grant.into_session(&pending, 1_000);
        assert_eq!(token.secret(), "mat_a");
        assert_eq!(session.expires_at_ms, Some(301_000));
        assert_eq!(session.refresh_token.as_ref().unwrap().secret(), "mar_r");

        let seen = t.requests.borrow();
        let (register_request, exchange_request) = (&seen[0], &seen[1]);
        let body: serde_json::Value =
            serde_json::from_str(register_request.1.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["token_endpoint_auth_method"], "none");
        assert_eq!(body["redirect_uris"][0], "http://127.0.0.1:8080/signin");
        assert_eq!(body["grant_types"][1], "refresh_token");
        assert_eq!(exchange_request.0, "http://127.0.0.1:9000/oauth2/token");
        assert_eq!(exchange_request.1.encoding, Encoding::Form);
        let form: std::collections::HashMap<_, _> =
            query_pairs(exchange_request.1.body.as_deref().unwrap())
                .into_iter()
                .collect();
        assert_eq!(form["grant_type"], "authorization_code");
        assert_eq!(form["code"], "the-code");
        assert_eq!(form["code_verifier"], pending.verifier);
    }

    #[test]
    fn oauth_errors_are_reasons() {
        let t = ScriptedTransport::new(vec![(
            400,
            r#"{"error":"invalid_grant","error_description":"refresh token already used"}"#,
        )]);
        let session = OAuthSession {
            issuer: "i".into(),
            token_endpoint: "http://127.0.0.1:9000/oauth2/token".into(),
            revocation_endpoint: None,
            client_id: "c".into(),
            refresh_token: None,
            expires_at_ms: None,
        };
        let failure = run(refresh(&t, &session, &RefreshToken::new("mar_old".into())))
            .err()
            .unwrap();
        assert_eq!(
            failure,
            OAuthFailure::Refused {
                status: 400,
                error: "invalid_grant".into(),
                description: Some("refresh token already used".into())
            }
        );
        let no_admin: Grant = serde_json::from_str(
            r#"{"access_token":"a","scope":"urn:matrix:client:api:* urn:matrix:client:device:X"}"#,
        )
        .unwrap();
        assert!(!no_admin.has_admin_scope());
    }
}
