//! The one error type for everything a request can end in.
//!
//! It is `Clone` (it lives in signals), carries only what the server or the browser
//! said (never the request headers, so never a token), and knows how to explain itself
//! in words with a next step.

use std::fmt;

use serde::Deserialize;

/// Synapse's answer to a request it does not know.
const UNRECOGNIZED: &str = "M_UNRECOGNIZED";

/// How a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// A sentence saying what went wrong, in plain words.
    pub fn summary(&self) -> String {
        match self {
            ApiError::Network { .. } => "The server could not be reached.".into(),
            ApiError::Blocked { origin } => format!(
                "The browser did not send the request: this console's Content-Security-Policy \
                 does not allow connecting to {origin}."
            ),
            ApiError::Matrix { status: 401, .. } => "Your session has expired.".into(),
            ApiError::Matrix {
                status: 403,
                message,
                ..
            } => {
                format!("The server refused this: {message}")
            }
            ApiError::Matrix {
                status: 429,
                retry_after_ms,
                ..
            } => match retry_after_ms {
                Some(ms) => format!(
                    "The server is rate limiting requests; it asks to wait {}.",
                    human_wait(*ms)
                ),
                None => "The server is rate limiting requests.".into(),
            },
            ApiError::Matrix {
                errcode, message, ..
            } if errcode == UNRECOGNIZED => {
                format!("This server does not offer that request ({message}).")
            }
            // Synapse's own 500 is a Matrix error: M_UNKNOWN, "Internal server error".
            ApiError::Matrix {
                status, message, ..
            } if *status >= 500 => {
                format!("The server failed while answering (HTTP {status}): {message}")
            }
            ApiError::Matrix {
                message, errcode, ..
            } => {
                if message.is_empty() {
                    format!("The server refused the request ({errcode}).")
                } else {
                    format!("The server said: {message}")
                }
            }
            ApiError::Http { status, .. } if *status >= 500 => {
                format!("The server failed with HTTP {status}.")
            }
            ApiError::Http { status, .. } => {
                format!("The server answered HTTP {status} without a Matrix error.")
            }
            ApiError::Decode { .. } => "The server's answer was not in the expected format.".into(),
        }
    }

    /// What the person can do next.
    pub fn next_step(&self) -> &'static str {
        match self {
            ApiError::Network { .. } => {
                "Check that the server is running and the address is right. A reverse proxy or \
                 CORS setting may also block /_synapse/admin from this page."
            }
            ApiError::Blocked { .. } => {
                "Add the homeserver's origin to connect-src in the Content-Security-Policy that \
                 the web server sends with this console, then reload the page."
            }
            ApiError::Matrix { status: 401, .. } => "Sign in again.",
            ApiError::Matrix { status: 403, .. } => {
                "Use an account that is a server admin on this homeserver."
            }
            ApiError::Matrix { status: 429, .. } => "Wait a moment, then try again.",
            ApiError::Matrix { errcode, .. } if errcode == UNRECOGNIZED => {
                "The server may run an older Synapse, or a proxy may not forward /_synapse/admin."
            }
            ApiError::Matrix { status, .. } | ApiError::Http { status, .. } if *status >= 500 => {
                "Nothing you entered caused this. Try again; if it keeps failing, the Synapse \
                 log (homeserver.log) says why."
            }
            ApiError::Http { .. } => {
                "A reverse proxy may be answering instead of Synapse: check that it forwards \
                 /_synapse/admin and /_matrix."
            }
            ApiError::Decode { .. } => {
                "Check that the address points at a Synapse homeserver, not another web site."
            }
            ApiError::Matrix { .. } => "Check the input and try again.",
        }
    }
}

/// "3 seconds", "5 min 31 s": how long the server asks to wait.
pub fn human_wait(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    if secs < 60 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.summary(), self.next_step())
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
        assert_eq!(e.summary(), "Your session has expired.");

        let e = ApiError::from_status(
            429,
            r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":330688}"#,
        );
        assert_eq!(e.retry_after_ms(), Some(330_688));
        assert!(e.summary().contains("5 min 31 s"), "{}", e.summary());

        let e = ApiError::from_status(
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
        );
        assert!(e.is_forbidden());
        assert!(e.summary().contains("not a server admin"));
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
        assert!(e.summary().contains("HTTP 502"));
        assert!(ApiError::from_status(404, "").next_step().contains("proxy"));
    }

    #[test]
    fn every_kind_explains_itself() {
        let all = [
            ApiError::Network {
                detail: "TypeError: Failed to fetch".into(),
            },
            ApiError::from_status(
                401,
                r#"{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}"#,
            ),
            ApiError::from_status(
                404,
                r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
            ),
            ApiError::from_status(400, r#"{"errcode":"M_UNKNOWN","error":""}"#),
            ApiError::from_status(500, "oops"),
            ApiError::Decode {
                status: 200,
                detail: "missing field".into(),
            },
            ApiError::Blocked {
                origin: "https://matrix.example.org".into(),
            },
        ];
        for e in all {
            assert!(!e.summary().is_empty());
            assert!(!e.next_step().is_empty());
        }
    }

    #[test]
    fn a_synapse_500_is_the_server_s_fault_not_the_input_s() {
        // Synapse's body for an exception, as Synapse 1.163 sends it.
        let e = ApiError::from_status(
            500,
            r#"{"errcode":"M_UNKNOWN","error":"Internal server error"}"#,
        );
        assert_eq!(e.errcode(), Some("M_UNKNOWN"));
        assert_eq!(
            e.summary(),
            "The server failed while answering (HTTP 500): Internal server error"
        );
        assert!(e
            .next_step()
            .starts_with("Nothing you entered caused this."));
        assert!(e.next_step().contains("homeserver.log"));
        // A 400 keeps the advice about the input.
        let refused = ApiError::from_status(400, r#"{"errcode":"M_UNKNOWN","error":"bad"}"#);
        assert_eq!(refused.next_step(), "Check the input and try again.");
    }

    #[test]
    fn a_policy_block_names_the_origin_and_the_directive() {
        let e = ApiError::Blocked {
            origin: "https://matrix.example.org".into(),
        };
        assert_eq!(e.status(), None);
        assert!(e.summary().contains("https://matrix.example.org"));
        assert!(e.summary().contains("Content-Security-Policy"));
        assert!(e.next_step().contains("connect-src"));
    }

    #[test]
    fn human_wait_rounds_up() {
        assert_eq!(human_wait(1), "1 second");
        assert_eq!(human_wait(2500), "3 seconds");
        assert_eq!(human_wait(61_000), "1 min 1 s");
    }
}
