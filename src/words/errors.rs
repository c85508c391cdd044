//! What went wrong with a request, in words, and what to do next: the one place the
//! app says it (the core gives the reason, `synapse_api::ApiError`).

use synapse_api::ApiError;

/// A sentence saying what went wrong, in plain words.
pub fn summary(error: &ApiError) -> String {
    match error {
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
        ApiError::Matrix { message, .. } if error.is_unrecognized() => {
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
pub fn next_step(error: &ApiError) -> &'static str {
    match error {
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
        ApiError::Matrix { .. } if error.is_unrecognized() => {
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

/// "3 seconds", "5 min 31 s": how long the server asks to wait.
pub fn human_wait(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    if secs < 60 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}
