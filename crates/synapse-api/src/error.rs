//! The one error type for everything a request can end in.
//!
//! It is `Clone` (it lives in signals), carries only what the server or the browser
//! said (never the request headers, so never a token), and is data: the console says
//! it in words, with a next step (`src/words/errors.rs`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Synapse's answer to a request it does not know.
const UNRECOGNIZED: &str = "M_UNRECOGNIZED";

/// How a request failed. Serializable: a dry run keeps why a user's media could not
/// be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// No HTTP answer at all: server down, DNS, TLS, or a CORS/proxy block.
    Network { detail: String },
    /// Not sent: the browser refused it, because the page's Content-Security-Policy
    /// does not allow connecting to `origin` (connect-src). Otherwise it would look
    /// like [`ApiError::Network`].
    Blocked { origin: String },
    /// The server answered with a Matrix error body `{errcode, error}`.
    Matrix {
        status: u16,
        errcode: String,
        message: String,
        retry_after_ms: Option<u64>,
    },
    /// An error status without a Matrix body: a proxy's HTML page, a gateway error.
    Http { status: u16, snippet: String },
    /// A success status whose body is not what this endpoint returns.
    Decode { status: u16, detail: String },
}

/// Matrix error body. Unknown fields are ignored.
#[derive(Deserialize)]
struct MatrixErrorBody {
    errcode: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    retry_after_ms: Option<u64>,
}

/// How much of a non-Matrix error body is kept: enough to recognise a proxy page.
const SNIPPET_CHARS: usize = 200;

impl ApiError {
    /// Builds the error for a non-2xx answer from its status and body text.
    pub fn from_status(status: u16, body: &str) -> Self {
        match serde_json::from_str::<MatrixErrorBody>(body) {
            Ok(err) => ApiError::Matrix {
                status,
                errcode: err.errcode,
                message: err.error,
                retry_after_ms: err.retry_after_ms,
            },
            Err(_) => ApiError::Http {
                status,
                snippet: body.chars().take(SNIPPET_CHARS).collect(),
            },
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Network { .. } | ApiError::Blocked { .. } => None,
            ApiError::Matrix { status, .. }
            | ApiError::Http { status, .. }
            | ApiError::Decode { status, .. } => Some(*status),
        }
    }

    pub fn errcode(&self) -> Option<&str> {
        match self {
            ApiError::Matrix { errcode, .. } => Some(errcode),
            _ => None,
        }
    }

    /// The server's own message (`error`), if it sent one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            ApiError::Matrix { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The token is missing, unknown or expired: the session is over.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The server does not know the request (an older Synapse, a path not routed).
    pub fn is_unrecognized(&self) -> bool {
        self.errcode() == Some(UNRECOGNIZED)
    }

    /// What a request meets without a session: as the server says it to a missing token.
    pub fn not_signed_in() -> Self {
        ApiError::Matrix {
            status: 401,
            errcode: "M_MISSING_TOKEN".into(),
            message: "Not signed in".into(),
            retry_after_ms: None,
        }
    }

    pub fn is_network(&self) -> bool {
        matches!(self, ApiError::Network { .. })
    }

    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            ApiError::Matrix { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }
}

/// For logs, not for people: the console words an `ApiError` itself
/// (`src/words/errors.rs`).
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_matrix_error_bodies_from_synapse() {
        let e = ApiError::from_status(
            401,
            r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}"#,
        );
        assert!(e.is_unauthorized());
        assert_eq!(e.errcode(), Some("M_UNKNOWN_TOKEN"));

        let e = ApiError::from_status(
            429,
            r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":330688}"#,
        );
        assert_eq!(e.retry_after_ms(), Some(330_688));

        let e = ApiError::from_status(
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
        );
        assert!(e.is_forbidden());
        assert_eq!(e.server_message(), Some("You are not a server admin"));
    }

    #[test]
    fn non_matrix_bodies_become_http_errors_with_a_short_snippet() {
        let html = format!("<html>{}</html>", "x".repeat(1000));
        let e = ApiError::from_status(502, &html);
        match &e {
            ApiError::Http { status, snippet } => {
                assert_eq!(*status, 502);
                assert_eq!(snippet.chars().count(), SNIPPET_CHARS);
            }
            other => panic!("expected Http, got {other:?}"),
        }
        assert_eq!(e.status(), Some(502));
    }

    #[test]
    fn a_policy_block_has_no_status() {
        let e = ApiError::Blocked {
            origin: "https://matrix.example.org".into(),
        };
        assert_eq!(e.status(), None);
    }
}
