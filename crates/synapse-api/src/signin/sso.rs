//! Single sign-on (`m.login.sso`): where to send the person, and what comes back.
//! Synapse sends them to the provider and back to `redirectUrl` with a `loginToken`
//! added, which `m.login.token` exchanges for a session.

use crate::homeserver::BaseUrl;
use crate::path::{query_pairs, segment};

/// The homeserver URL that starts single sign-on with `provider` (or the server's
/// choice), returning to `return_to`.
pub fn redirect_url(base: &BaseUrl, provider: Option<&str>, return_to: &str) -> String {
    let path = match provider {
        Some(id) => format!("/_matrix/client/v3/login/sso/redirect/{}", segment(id)),
        None => "/_matrix/client/v3/login/sso/redirect".to_owned(),
    };
    base.join(&format!("{path}?redirectUrl={}", segment(return_to)))
}

/// The sign-in page's URL with this flow's nonce: a return without it (or with
/// another) was not started by this tab.
pub fn return_to(sign_in_page: &str, nonce: &str) -> String {
    format!("{sign_in_page}?sso={}", segment(nonce))
}

/// What came back from single sign-on.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoReturn {
    pub nonce: Option<String>,
    pub login_token: String,
}

// The login token is a credential: Debug leaves it out.
impl std::fmt::Debug for SsoReturn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SsoReturn {{ nonce: {:?}, .. }}", self.nonce)
    }
}

/// Reads a single sign-on return from the page's query string (without `?`).
pub fn read_return(query: &str) -> Option<SsoReturn> {
    let pairs = query_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    Some(SsoReturn {
        login_token: get("loginToken")?,
        nonce: get("sso"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_encode_the_provider_and_the_return() {
        let base: BaseUrl = "https://matrix.example.org".parse().unwrap();
        let back = return_to("https://admin.example.org/signin", "n0nce");
        assert_eq!(back, "https://admin.example.org/signin?sso=n0nce");
        assert_eq!(
            redirect_url(&base, Some("oidc-keycloak"), &back),
            "https://matrix.example.org/_matrix/client/v3/login/sso/redirect/oidc-keycloak?redirectUrl=https%3A%2F%2Fadmin.example.org%2Fsignin%3Fsso%3Dn0nce"
        );
        assert_eq!(
            redirect_url(&base, None, "x"),
            "https://matrix.example.org/_matrix/client/v3/login/sso/redirect?redirectUrl=x"
        );
    }

    #[test]
    fn returns_carry_the_token_and_the_nonce() {
        let back = read_return("sso=n0nce&loginToken=syl_abc%2Bd").unwrap();
        assert_eq!(back.login_token, "syl_abc+d");
        assert_eq!(back.nonce.as_deref(), Some("n0nce"));
        assert!(!format!("{back:?}").contains("syl_"));
        assert_eq!(read_return("loginToken=t").unwrap().nonce, None);
        assert_eq!(read_return("next=%2Fmedia"), None);
    }
}
