//! `config.json`, served next to `index.html` by whoever deploys the console.
//!
//! Keys follow the existing Synapse admin UIs: `restrictBaseUrl` (a URL or a list)
//! limits which homeservers may be used; `defaultHomeserver` fills the field. No file
//! means no restriction, whatever the web server answers for a missing file: a 404,
//! an empty body, or (behind a single-page-app fallback) an HTML page. A file that is
//! there but wrong fails closed: nobody can sign in until it is fixed, because a broken
//! restriction must not become none.

use serde::Deserialize;

use crate::homeserver::BaseUrl;
use crate::ids::IdError;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Homeservers that may be used; empty means any.
    pub allowed: Vec<BaseUrl>,
    /// Pre-filled homeserver field (a URL or a server name, as a person would type it).
    pub default_homeserver: Option<String>,
}

/// Why a `config.json` cannot be used. The app says it in words, with the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigProblem {
    /// Not JSON, or not an object of the known keys' types; `detail` is the parser's
    /// own words, with the line and column.
    Invalid { detail: String },
    /// A `restrictBaseUrl` entry that is not a homeserver URL.
    UnusableUrl { value: String, reason: IdError },
    /// The web server answered with this error status instead of the file.
    Unreadable { status: u16 },
    /// No answer at all (the network, the web server gone).
    Unreachable,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(rename = "restrictBaseUrl", default)]
    restrict_base_url: Option<OneOrMany>,
    #[serde(rename = "defaultHomeserver", default)]
    default_homeserver: Option<String>,
}

impl Config {
    /// The config from the web server's answer to `GET config.json`. An answer that is
    /// not a file (404, an empty body, an HTML page a fallback sends instead) means
    /// there is none; any other answer must be a valid file.
    pub fn from_response(status: u16, body: &str) -> Result<Self, ConfigProblem> {
        let text = body.trim_start();
        match status {
            404 | 410 => Ok(Self::default()),
            // No JSON document starts with "<": this is a page, not the file.
            200 if text.is_empty() || text.starts_with('<') => Ok(Self::default()),
            200 => Self::from_json(body),
            status => Err(ConfigProblem::Unreadable { status }),
        }
    }

    /// Parses the file's text.
    pub fn from_json(text: &str) -> Result<Self, ConfigProblem> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| ConfigProblem::Invalid {
            detail: e.to_string(),
        })?;
        let urls = match raw.restrict_base_url {
            None => Vec::new(),
            Some(OneOrMany::One(url)) => vec![url],
            Some(OneOrMany::Many(urls)) => urls,
        };
        let allowed = urls
            .into_iter()
            .map(|value| match value.parse::<BaseUrl>() {
                Ok(url) => Ok(url),
                Err(reason) => Err(ConfigProblem::UnusableUrl { value, reason }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let default_homeserver = raw
            .default_homeserver
            .or_else(|| allowed.first().map(|u| u.to_string()));
        Ok(Self {
            allowed,
            default_homeserver,
        })
    }

    pub fn allows(&self, url: &BaseUrl) -> bool {
        self.allowed.is_empty() || self.allowed.contains(url)
    }

    pub fn is_restricted(&self) -> bool {
        !self.allowed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_restricts_nothing() {
        let c = Config::from_json("{}").unwrap();
        assert!(!c.is_restricted());
        assert!(c.allows(&"https://any.example".parse().unwrap()));
        assert_eq!(c.default_homeserver, None);
    }

    #[test]
    fn one_url_restricts_and_becomes_the_default() {
        let c = Config::from_json(r#"{"restrictBaseUrl":"https://m.example.org/"}"#).unwrap();
        assert!(c.allows(&"https://m.example.org".parse().unwrap()));
        assert!(!c.allows(&"https://evil.example".parse().unwrap()));
        assert_eq!(
            c.default_homeserver.as_deref(),
            Some("https://m.example.org")
        );
    }

    #[test]
    fn a_list_and_an_explicit_default() {
        let c = Config::from_json(
            r#"{"restrictBaseUrl":["https://a.org","https://b.org"],"defaultHomeserver":"b.org","unknown":1}"#,
        )
        .unwrap();
        assert_eq!(c.allowed.len(), 2);
        assert_eq!(c.default_homeserver.as_deref(), Some("b.org"));
    }

    #[test]
    fn broken_files_fail_closed_with_the_reason() {
        let ConfigProblem::Invalid { detail } = Config::from_json("{").unwrap_err() else {
            panic!("not Invalid");
        };
        assert!(detail.contains("line 1"), "{detail}");
        assert!(matches!(
            Config::from_json(r#"{"restrictBaseUrl":"example.org"}"#),
            Err(ConfigProblem::UnusableUrl { value, .. }) if value == "example.org"
        ));
        assert!(matches!(
            Config::from_json(r#"{"restrictBaseUrl":5}"#),
            Err(ConfigProblem::Invalid { .. })
        ));
    }

    #[test]
    fn whatever_a_web_server_answers_for_a_missing_file_is_no_file() {
        let fallback_page =
            "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Synapse Console</title>";
        for (status, body) in [
            (404, "<html><body>404 Not Found</body></html>"),
            (404, ""),
            (410, ""),
            (200, fallback_page),
            (200, "  \n<html>"),
            (200, ""),
            (200, " \n"),
        ] {
            assert_eq!(
                Config::from_response(status, body),
                Ok(Config::default()),
                "{status} {body:?}"
            );
        }
    }

    #[test]
    fn a_file_that_is_there_must_be_valid() {
        let restricted = Config::from_response(200, r#" {"restrictBaseUrl":"https://a.org"}"#);
        assert!(restricted.unwrap().is_restricted());
        assert!(matches!(
            Config::from_response(200, "restrictBaseUrl: https://a.org"),
            Err(ConfigProblem::Invalid { .. })
        ));
        for status in [403, 500, 502] {
            assert_eq!(
                Config::from_response(status, "{}"),
                Err(ConfigProblem::Unreadable { status })
            );
        }
    }
}
