//! Requests as plain values and the decoding of answers.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Whether the request carries the session's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No Authorization header (`server_version`, login, `.well-known`).
    Anonymous,
    /// `Authorization: Bearer <token>`; a 401 then means the session is over.
    Bearer,
}

/// How a request's body is written, and so its `Content-Type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`: the Matrix and Synapse APIs.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: OAuth 2.0 token and revocation endpoints.
    Form,
}

impl Encoding {
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Json => "application/json",
            Encoding::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// What the caller reads of a successful answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Answer {
    /// The body as text (JSON, for every API call).
    #[default]
    Text,
    /// The body kept by the transport, given as a local URL to it (in the browser a
    /// `blob:` URL): media shown in the page, which `<img src>` cannot fetch with the
    /// token. Only a 200 answer is kept so; any other is read as text, to explain it.
    ObjectUrl,
}

/// One HTTP request, ready to send: the path is already percent-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Absolute path with query, relative to the homeserver's base URL (or, for an
    /// authorization server's endpoint, the whole URL).
    pub path: String,
    /// The body's text, written as `encoding` says.
    pub body: Option<String>,
    pub encoding: Encoding,
    pub auth: Auth,
    pub answer: Answer,
}

impl Request {
    pub fn get(path: String) -> Self {
        Self {
            method: Method::Get,
            path,
            body: None,
            encoding: Encoding::Json,
            auth: Auth::Bearer,
            answer: Answer::Text,
        }
    }

    /// A GET whose answer is kept as a local URL (`Answer::ObjectUrl`).
    pub fn object_url(path: String) -> Self {
        Self {
            answer: Answer::ObjectUrl,
            ..Self::get(path)
        }
    }

    pub fn post_json(path: String, body: &impl serde::Serialize) -> Self {
        Self {
            method: Method::Post,
            path,
            // Serializing our own plain structs cannot fail.
            body: Some(serde_json::to_string(body).unwrap_or_else(|_| "{}".into())),
            encoding: Encoding::Json,
            auth: Auth::Bearer,
            answer: Answer::Text,
        }
    }

    /// An anonymous form POST (OAuth 2.0), each value percent-encoded.
    pub fn post_form(url: String, fields: &[(&str, &str)]) -> Self {
        let body = fields
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}={}",
                    crate::path::segment(name),
                    crate::path::segment(value)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        Self {
            method: Method::Post,
            path: url,
            body: Some(body),
            encoding: Encoding::Form,
            auth: Auth::Anonymous,
            answer: Answer::Text,
        }
    }

    pub fn anonymous(mut self) -> Self {
        self.auth = Auth::Anonymous;
        self
    }
}

/// An endpoint: how to build its request and what its success body decodes to.
pub trait Endpoint {
    type Response: DeserializeOwned;

    fn request(&self) -> Request;
}

/// Turns a status and body into the endpoint's response or an [`ApiError`].
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if !(200..300).contains(&status) {
        return Err(ApiError::from_status(status, body));
    }
    serde_json::from_str(body).map_err(|err| ApiError::Decode {
        status,
        detail: err.to_string(),
    })
}

/// The `{}` that many admin endpoints take and answer. Extra fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Version {
        server_version: String,
    }

    #[test]
    fn decodes_success_and_ignores_unknown_fields() {
        let v: Version = decode(200, r#"{"server_version":"1.163.2","extra":1}"#).unwrap();
        assert_eq!(v.server_version, "1.163.2");
        let _: Empty = decode(200, "{}").unwrap();
    }

    #[test]
    fn error_status_wins_over_body_shape() {
        let e = decode::<Version>(404, r#"{"errcode":"M_NOT_FOUND","error":"Unknown media"}"#)
            .unwrap_err();
        assert!(e.is_not_found());
    }

    #[test]
    fn wrong_shapes_are_decode_errors() {
        for body in [
            "<html>",
            r#"{"server_version":1}"#,
            r#"{"server_version":"1.1"#,
            "",
        ] {
            let e = decode::<Version>(200, body).unwrap_err();
            assert!(
                matches!(e, ApiError::Decode { status: 200, .. }),
                "{body}: {e:?}"
            );
        }
    }

    #[test]
    fn post_json_serializes_the_body() {
        #[derive(serde::Serialize)]
        struct B {
            delete_local_events: bool,
        }
        let r = Request::post_json(
            "/x".into(),
            &B {
                delete_local_events: false,
            },
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"delete_local_events":false}"#));
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.auth, Auth::Bearer);
        assert_eq!(Request::get("/y".into()).anonymous().auth, Auth::Anonymous);
    }
}
