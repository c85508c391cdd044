//! `config.json`, served next to `index.html` by whoever deploys the console.
//!
//! Keys follow the existing Synapse admin UIs: `restrictBaseUrl` (a URL or a list)
//! limits which homeservers may be used; `defaultHomeserver` fills the field. No file
//! means no restriction. A file that is present but wrong fails closed: nobody can
//! sign in until it is fixed, because a broken restriction must not become none.

use serde::Deserialize;

use crate::homeserver::BaseUrl;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Homeservers that may be used; empty means any.
    pub allowed: Vec<BaseUrl>,
    /// Pre-filled homeserver field (a URL or a server name, as a person would type it).
    pub default_homeserver: Option<String>,
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
    /// Parses the file's text; the error says what to fix in it.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let raw: RawConfig = serde_json::from_str(text)
            .map_err(|e| format!("config.json is not valid: {e}. Fix or remove it."))?;
        let urls = match raw.restrict_base_url {
            None => Vec::new(),
            Some(OneOrMany::One(url)) => vec![url],
            Some(OneOrMany::Many(urls)) => urls,
        };
        let allowed = urls
            .iter()
            .map(|url| {
                url.parse::<BaseUrl>().map_err(|e| {
                    format!("config.json: restrictBaseUrl has '{url}', which is not usable: {e}")
                })
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
    fn broken_files_fail_closed_with_a_message() {
        assert!(Config::from_json("{").unwrap_err().contains("not valid"));
        assert!(Config::from_json(r#"{"restrictBaseUrl":"example.org"}"#)
            .unwrap_err()
            .contains("restrictBaseUrl"));
        assert!(Config::from_json(r#"{"restrictBaseUrl":5}"#).is_err());
    }
}
