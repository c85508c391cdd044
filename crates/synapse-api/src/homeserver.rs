//! What a person types as "homeserver", and the base URL requests go to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{IdError, IdKind, IdProblem, ServerName};

/// An `http(s)://host[:port][/prefix]` URL without a trailing slash, query or fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The full URL of an API path (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }

    /// `host[:port]` of the URL, for display.
    pub fn authority(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BaseUrl {
    type Err = IdError;

    fn from_str(raw: &str) -> Result<Self, IdError> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        let (scheme, rest) = if lower.starts_with("https://") {
            ("https", &raw[8..])
        } else if lower.starts_with("http://") {
            ("http", &raw[7..])
        } else {
            return Err(IdError::new(IdKind::HomeserverUrl, IdProblem::NoHttpScheme));
        };
        if rest.contains(['?', '#', ' ', '\\']) {
            return Err(IdError::new(IdKind::HomeserverUrl, IdProblem::UrlExtras));
        }
        let (authority, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            return Err(IdError::new(IdKind::HomeserverUrl, IdProblem::UrlWithUser));
        }
        let host = authority.parse::<ServerName>().map_err(|_| {
            IdError::new(
                IdKind::HomeserverUrl,
                IdProblem::NotAHost(authority.to_owned()),
            )
        })?;
        let prefix = prefix.trim_end_matches('/');
        let mut url = format!("{scheme}://{host}");
        if !prefix.is_empty() {
            url.push('/');
            url.push_str(prefix);
        }
        Ok(Self(url))
    }
}

impl TryFrom<String> for BaseUrl {
    type Error = IdError;
    fn try_from(raw: String) -> Result<Self, IdError> {
        raw.parse()
    }
}

impl From<BaseUrl> for String {
    fn from(url: BaseUrl) -> String {
        url.0
    }
}

/// The homeserver as typed: a URL to use as is, or a server name to look up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeserverInput {
    Url(BaseUrl),
    /// Resolved through `https://<name>/.well-known/matrix/client`, falling back to
    /// `https://<name>` when there is none.
    Name(ServerName),
}

impl HomeserverInput {
    /// Where to look for `.well-known`, if this input needs it.
    pub fn well_known_url(&self) -> Option<String> {
        match self {
            HomeserverInput::Url(_) => None,
            HomeserverInput::Name(name) => {
                Some(format!("https://{name}/.well-known/matrix/client"))
            }
        }
    }

    /// The base URL to use when there is no `.well-known` (or it is unusable).
    pub fn fallback(&self) -> BaseUrl {
        match self {
            HomeserverInput::Url(url) => url.clone(),
            HomeserverInput::Name(name) => BaseUrl(format!("https://{name}")),
        }
    }
}

impl FromStr for HomeserverInput {
    type Err = IdError;

    fn from_str(raw: &str) -> Result<Self, IdError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(IdError::new(IdKind::Homeserver, IdProblem::Empty));
        }
        if raw.contains("://") {
            return raw.parse().map(HomeserverInput::Url);
        }
        raw.trim_end_matches('/')
            .parse::<ServerName>()
            .map(HomeserverInput::Name)
            .map_err(|_| {
                IdError::new(
                    IdKind::Homeserver,
                    IdProblem::NeitherUrlNorName(raw.to_owned()),
                )
            })
    }
}

/// `.well-known/matrix/client`, read leniently: only `m.homeserver.base_url` matters.
#[derive(Debug, Deserialize)]
pub struct WellKnown {
    #[serde(rename = "m.homeserver")]
    homeserver: Option<WellKnownHomeserver>,
}

#[derive(Debug, Deserialize)]
struct WellKnownHomeserver {
    base_url: Option<String>,
}

impl WellKnown {
    /// The advertised base URL, if present and usable.
    pub fn base_url(&self) -> Option<BaseUrl> {
        self.homeserver.as_ref()?.base_url.as_deref()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalized() {
        let url: BaseUrl = "HTTPS://Matrix.Example.org/".parse().unwrap();
        assert_eq!(url.as_str(), "https://matrix.example.org");
        let local: BaseUrl = "http://127.0.0.1:8008".parse().unwrap();
        assert_eq!(
            local.join("/_matrix/client/versions"),
            "http://127.0.0.1:8008/_matrix/client/versions"
        );
        assert_eq!(local.authority(), "127.0.0.1:8008");
        let prefixed: BaseUrl = "https://example.org/matrix/".parse().unwrap();
        assert_eq!(prefixed.as_str(), "https://example.org/matrix");
    }

    #[test]
    fn bad_urls_say_why() {
        assert_eq!(
            "ftp://x.org".parse::<BaseUrl>().unwrap_err().problem,
            IdProblem::NoHttpScheme
        );
        assert!("https://x.org/?a=1".parse::<BaseUrl>().is_err());
        assert_eq!(
            "https://user@x.org".parse::<BaseUrl>().unwrap_err().problem,
            IdProblem::UrlWithUser
        );
        assert!("https://".parse::<BaseUrl>().is_err());
        assert!("https://exa mple.org".parse::<BaseUrl>().is_err());
    }

    #[test]
    fn input_is_a_url_or_a_server_name() {
        assert_eq!(
            "https://m.example.org".parse::<HomeserverInput>().unwrap(),
            HomeserverInput::Url("https://m.example.org".parse().unwrap())
        );
        let name: HomeserverInput = " example.org ".parse().unwrap();
        assert_eq!(
            name.well_known_url().as_deref(),
            Some("https://example.org/.well-known/matrix/client")
        );
        assert_eq!(name.fallback().as_str(), "https://example.org");
        assert_eq!(
            "".parse::<HomeserverInput>().unwrap_err(),
            IdError::new(IdKind::Homeserver, IdProblem::Empty)
        );
        assert!("not a server".parse::<HomeserverInput>().is_err());
        assert_eq!(
            "http://127.0.0.1:8008"
                .parse::<HomeserverInput>()
                .unwrap()
                .well_known_url(),
            None
        );
    }

    #[test]
    fn well_known_is_read_leniently() {
        let wk: WellKnown = serde_json::from_str(
            r#"{"m.homeserver":{"base_url":"http://127.0.0.1:18008/"},"m.identity_server":{}}"#,
        )
        .unwrap();
        assert_eq!(wk.base_url().unwrap().as_str(), "http://127.0.0.1:18008");
        let empty: WellKnown = serde_json::from_str("{}").unwrap();
        assert!(empty.base_url().is_none());
        let junk: WellKnown =
            serde_json::from_str(r#"{"m.homeserver":{"base_url":"not a url"}}"#).unwrap();
        assert!(junk.base_url().is_none());
    }
}
