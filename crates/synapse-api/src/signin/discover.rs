//! Asking the server first: before any credentials, which server this is (its base
//! URL, that it is Synapse and which version) and which ways of signing in work there.

use crate::client::{join, send, send_request, Transport};
use crate::config::Config;
use crate::endpoints::account::{IdentityProvider, LoginFlow, LoginFlows, ServerVersion};
use crate::error::ApiError;
use crate::homeserver::{BaseUrl, HomeserverInput, WellKnown};
use crate::request::{decode, Request};
use crate::signin::failure::SignInFailure;
use crate::signin::oauth::{AuthMetadata, MetadataPath};

/// A way of signing in this server offers, in the order the page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// OAuth 2.0 with the server's authorization server (MAS).
    OAuth(AuthMetadata),
    /// Single sign-on through a provider (`None`: the server picks).
    SingleSignOn(Option<IdentityProvider>),
    Password,
    /// Always offered: an admin's token from elsewhere.
    PastedToken,
}

/// A homeserver that answered, and what it offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    pub base: BaseUrl,
    pub version: String,
    pub methods: Vec<Method>,
}

impl Server {
    /// The authorization server it delegates authentication to, if any.
    pub fn oauth(&self) -> Option<&AuthMetadata> {
        self.methods.iter().find_map(|m| match m {
            Method::OAuth(metadata) => Some(metadata),
            _ => None,
        })
    }

    pub fn offers(&self, method: &Method) -> bool {
        self.methods.contains(method)
    }
}

/// What to offer, from the login flows and the auth metadata. A server that
/// delegates authentication to MAS may still list `m.login.password`, but those are
/// compatibility sessions without admin rights: not offered.
pub fn offered(flows: &[LoginFlow], oauth: Option<AuthMetadata>) -> Vec<Method> {
    let mut methods = Vec::new();
    let delegated = oauth.is_some();
    if let Some(metadata) = oauth {
        methods.push(Method::OAuth(metadata));
    }
    for flow in flows {
        match flow.kind.as_str() {
            "m.login.sso" if !delegated && flow.identity_providers.is_empty() => {
                methods.push(Method::SingleSignOn(None));
            }
            "m.login.sso" if !delegated => methods.extend(
                flow.identity_providers
                    .iter()
                    .cloned()
                    .map(|p| Method::SingleSignOn(Some(p))),
            ),
            "m.login.password" if !delegated => methods.push(Method::Password),
            _ => {}
        }
    }
    methods.push(Method::PastedToken);
    methods
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

/// The auth metadata at the stable path, else at MSC2965's; `None` when the server
/// has neither (it does not delegate authentication).
async fn auth_metadata(transport: &dyn Transport, base: &BaseUrl) -> Option<AuthMetadata> {
    for path in [MetadataPath::Stable, MetadataPath::Unstable] {
        if let Ok(metadata) = send(transport, base, None, &path).await {
            return Some(metadata);
        }
    }
    None
}

/// Resolves the homeserver, checks config.json allows it and that it is a Synapse,
/// and reads what it offers (three requests at once after the base URL is known).
pub async fn discover(
    transport: &dyn Transport,
    input: &HomeserverInput,
    config: &Config,
) -> Result<Server, SignInFailure> {
    let base = resolve(transport, input).await;
    if !config.allows(&base) {
        return Err(SignInFailure::NotAllowed {
            allowed: config.allowed.clone(),
        });
    }
    let (version, (flows, oauth)) = join(
        send(transport, &base, None, &ServerVersion),
        join(
            send(transport, &base, None, &LoginFlows),
            auth_metadata(transport, &base),
        ),
    )
    .await;
    let client_api_answers = flows.is_ok();
    let version = version.map_err(|error| match error {
        ApiError::Network { .. } if client_api_answers => {
            SignInFailure::AdminApiShut { base: base.clone() }
        }
        ApiError::Network { .. } => SignInFailure::Unreachable { base: base.clone() },
        ApiError::Blocked { origin } => SignInFailure::Blocked { origin },
        error if error.status() == Some(429) => SignInFailure::RateLimited {
            retry_after_ms: error.retry_after_ms(),
        },
        error => SignInFailure::NotSynapse {
            base: base.clone(),
            error,
        },
    })?;
    // A server that delegates authentication answers /login with 404: no flows. Any
    // other failure tells nothing: offer the password, as Synapse does by default.
    let flows = match flows {
        Ok(found) => found.flows,
        Err(error) if error.status() == Some(404) => Vec::new(),
        Err(_) => vec![LoginFlow {
            kind: "m.login.password".into(),
            identity_providers: Vec::new(),
        }],
    };
    Ok(Server {
        methods: offered(&flows, oauth),
        version: version.server_version,
        base,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{run, ScriptedTransport};

    fn flows(json: &str) -> Vec<LoginFlow> {
        serde_json::from_str::<crate::endpoints::account::LoginFlowsResponse>(json)
            .unwrap()
            .flows
    }

    fn provider(id: &str) -> Option<IdentityProvider> {
        Some(IdentityProvider {
            id: id.into(),
            name: id.to_uppercase(),
        })
    }

    const METADATA: &str = r#"{"issuer":"http://127.0.0.1:9000/","authorization_endpoint":"http://127.0.0.1:9000/authorize","token_endpoint":"http://127.0.0.1:9000/oauth2/token"}"#;

    #[test]
    fn only_what_works_there_is_offered() {
        let password_only =
            flows(r#"{"flows":[{"type":"m.login.password"},{"type":"m.login.token"}]}"#);
        assert_eq!(
            offered(&password_only, None),
            [Method::Password, Method::PastedToken]
        );
        let sso = flows(
            r#"{"flows":[{"type":"m.login.sso","identity_providers":[{"id":"a","name":"A"},{"id":"b","name":"B"}]},{"type":"m.login.token"}]}"#,
        );
        assert_eq!(
            offered(&sso, None),
            [
                Method::SingleSignOn(provider("a")),
                Method::SingleSignOn(provider("b")),
                Method::PastedToken
            ]
        );
        let bare_sso = flows(r#"{"flows":[{"type":"m.login.sso"}]}"#);
        assert_eq!(
            offered(&bare_sso, None),
            [Method::SingleSignOn(None), Method::PastedToken]
        );
        // MAS: its compatibility password sessions are not admins.
        let metadata: AuthMetadata = serde_json::from_str(METADATA).unwrap();
        assert_eq!(
            offered(&password_only, Some(metadata.clone())),
            [Method::OAuth(metadata), Method::PastedToken]
        );
        assert_eq!(offered(&[], None), [Method::PastedToken]);
    }

    #[test]
    fn discovery_asks_version_flows_and_metadata() {
        let t = ScriptedTransport::new(vec![
            (200, r#"{"server_version":"1.163.2"}"#),
            (
                404,
                r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
            ),
            (200, METADATA),
        ]);
        let input: HomeserverInput = "http://127.0.0.1:8008".parse().unwrap();
        let server = run(discover(&t, &input, &Config::default())).unwrap();
        assert_eq!(server.version, "1.163.2");
        assert!(server.oauth().is_some());
        assert!(!server.offers(&Method::Password));
        assert_eq!(
            t.urls(),
            [
                "GET http://127.0.0.1:8008/_synapse/admin/v1/server_version",
                "GET http://127.0.0.1:8008/_matrix/client/v3/login",
                "GET http://127.0.0.1:8008/_matrix/client/v1/auth_metadata",
            ]
        );
    }

    #[test]
    fn an_older_server_answers_the_unstable_metadata_path_or_none() {
        let t = ScriptedTransport::new(vec![
            (200, r#"{"server_version":"1.120.0"}"#),
            (200, r#"{"flows":[{"type":"m.login.password"}]}"#),
            (
                404,
                r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
            ),
            (
                404,
                r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
            ),
        ]);
        let input: HomeserverInput = "http://127.0.0.1:8008".parse().unwrap();
        let server = run(discover(&t, &input, &Config::default())).unwrap();
        assert_eq!(server.methods, [Method::Password, Method::PastedToken]);
        assert!(t.urls()[3].ends_with("/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"));
    }

    #[test]
    fn each_failure_of_the_server_has_its_own_reason() {
        let input: HomeserverInput = "http://127.0.0.1:8008".parse().unwrap();
        let failure = |answer: Result<(u16, &str), ApiError>| {
            let t = ScriptedTransport::new(vec![]);
            t.answers
                .borrow_mut()
                .push_back(answer.map(|(status, body)| crate::retry::RawResponse {
                    status,
                    body: body.into(),
                }));
            for _ in 0..3 {
                t.answers
                    .borrow_mut()
                    .push_back(Ok(crate::retry::RawResponse {
                        status: 404,
                        body: String::new(),
                    }));
            }
            run(discover(&t, &input, &Config::default())).unwrap_err()
        };
        assert!(matches!(
            failure(Err(ApiError::Network {
                detail: String::new()
            })),
            SignInFailure::Unreachable { .. }
        ));
        assert_eq!(
            failure(Err(ApiError::Blocked {
                origin: "http://127.0.0.1:8008".into()
            })),
            SignInFailure::Blocked {
                origin: "http://127.0.0.1:8008".into()
            }
        );
        assert!(matches!(
            failure(Ok((404, "<html>nginx</html>"))),
            SignInFailure::NotSynapse { .. }
        ));
        // The client API answers, the admin API does not: a proxy shuts it out.
        let t = ScriptedTransport::new(vec![
            (0, ""),
            (200, r#"{"flows":[{"type":"m.login.password"}]}"#),
            (404, ""),
            (404, ""),
        ]);
        assert!(matches!(
            run(discover(&t, &input, &Config::default())).unwrap_err(),
            SignInFailure::AdminApiShut { .. }
        ));
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
        let input: HomeserverInput = "example.org".parse().unwrap();
        let t = ScriptedTransport::new(vec![(
            200,
            r#"{"m.homeserver":{"base_url":"https://evil.org"}}"#,
        )]);
        let r = run(discover(&t, &input, &config));
        assert!(matches!(r, Err(SignInFailure::NotAllowed { .. })));
        assert_eq!(
            t.seen.borrow().len(),
            1,
            "nothing is sent to a refused server"
        );
    }
}
