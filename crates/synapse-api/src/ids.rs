//! One newtype per Matrix identifier, each parsed with a message a person understands.
//!
//! Parsing is lenient where Synapse is (historical user ids, room ids without a server
//! part since room version 12) and strict where a mistake is likely (a missing sigil,
//! spaces from a copy-paste, a user id without its server).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a piece of text is not the identifier it should be. The text is the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdError(pub String);

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdError {}

/// Matrix caps every identifier at 255 bytes.
const MAX_ID_BYTES: usize = 255;

fn common_checks(raw: &str, what: &str, example: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError(format!("Enter a {what}, like {example}.")));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(IdError(format!(
            "A {what} has no spaces; check what was pasted (like {example})."
        )));
    }
    if raw.len() > MAX_ID_BYTES {
        return Err(IdError(format!(
            "That is too long for a {what} (at most {MAX_ID_BYTES} bytes)."
        )));
    }
    Ok(())
}

fn sigil_checks(raw: &str, sigil: char, what: &str, example: &str) -> Result<(), IdError> {
    common_checks(raw, what, example)?;
    if !raw.starts_with(sigil) {
        return Err(IdError(format!(
            "A {what} starts with '{sigil}', like {example}."
        )));
    }
    if raw.len() == 1 {
        return Err(IdError(format!(
            "A {what} needs something after '{sigil}', like {example}."
        )));
    }
    Ok(())
}

/// Declares a `String` newtype with `as_str`, `Display`, serde through `FromStr`.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                raw.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

string_id!(
    /// A server name: a host name or IP literal with an optional port (`example.org:8448`).
    ServerName
);

fn is_valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

fn is_valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        // IPv6 literal: hex digits, colons and dots (for an embedded IPv4) inside brackets.
        return inner.strip_suffix(']').is_some_and(|ip| {
            !ip.is_empty()
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        });
    }
    !host.is_empty()
        && host.len() <= 230
        && !host.starts_with(['.', '-'])
        && !host.ends_with('-')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

impl FromStr for ServerName {
    type Err = IdError;

    fn from_str(raw: &str) -> Result<Self, IdError> {
        common_checks(raw, "server name", "example.org")?;
        let (host, port) = match raw.rfind(':') {
            // A colon inside an IPv6 literal is not a port separator.
            Some(i) if !raw[i..].contains(']') => (&raw[..i], Some(&raw[i + 1..])),
            _ => (raw, None),
        };
        if !is_valid_host(host) || port.is_some_and(|p| !is_valid_port(p)) {
            return Err(IdError(format!(
                "'{raw}' is not a server name: use a host name with an optional port, like example.org or matrix.example.org:8448."
            )));
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }
}

/// Splits `<sigil>local:server` at the first colon and checks the server part.
fn split_server<'a>(
    raw: &'a str,
    what: &str,
    example: &str,
) -> Result<(&'a str, &'a str), IdError> {
    let body = &raw[1..];
    let Some((local, server)) = body.split_once(':') else {
        return Err(IdError(format!(
            "A {what} ends with ':' and its server, like {example}."
        )));
    };
    if local.is_empty() {
        return Err(IdError(format!(
            "A {what} needs a name before ':', like {example}."
        )));
    }
    server.parse::<ServerName>().map_err(|_| {
        IdError(format!(
            "The part after ':' in a {what} must be a server name, like {example}."
        ))
    })?;
    Ok((local, server))
}

string_id!(
    /// `@localpart:server`. Historical localparts are allowed; the server part is required.
    UserId
);

impl UserId {
    pub fn localpart(&self) -> &str {
        let body = &self.0[1..];
        body.split_once(':').map_or(body, |(local, _)| local)
    }

    pub fn server_name(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, server)| server)
    }
}

impl FromStr for UserId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        const EX: &str = "@alice:example.org";
        sigil_checks(raw, '@', "user id", EX)?;
        split_server(raw, "user id", EX)?;
        Ok(Self(raw.to_owned()))
    }
}

string_id!(
    /// `!opaque` (room version 12 and later) or `!opaque:server` (older rooms).
    RoomId
);

impl FromStr for RoomId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        const EX: &str = "!abc123 or !abc123:example.org";
        if raw.starts_with('#') {
            return Err(IdError(
                "That is a room alias (#…), not a room id (!…); look the alias up first.".into(),
            ));
        }
        sigil_checks(raw, '!', "room id", EX)?;
        if raw.contains(':') {
            split_server(raw, "room id", EX)?;
        }
        Ok(Self(raw.to_owned()))
    }
}

string_id!(
    /// `$opaque` (room version 3 and later, may hold `/` and `+`) or `$opaque:server`.
    EventId
);

impl FromStr for EventId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        const EX: &str = "$Qx55djE292M4k4IAKrQXVdV4BfqX5KX4fBjK_8U3x28";
        sigil_checks(raw, '$', "event id", EX)?;
        Ok(Self(raw.to_owned()))
    }
}

string_id!(
    /// `#alias:server`.
    RoomAlias
);

impl FromStr for RoomAlias {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        const EX: &str = "#general:example.org";
        sigil_checks(raw, '#', "room alias", EX)?;
        split_server(raw, "room alias", EX)?;
        Ok(Self(raw.to_owned()))
    }
}

string_id!(
    /// A media id, the last part of an `mxc://` URI: letters, digits, `_` and `-`.
    MediaId
);

impl FromStr for MediaId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        common_checks(raw, "media id", "ETTAJhOSHsGNUMSslZkshPKC")?;
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(IdError(
                "A media id has only letters, digits, '_' and '-'.".into(),
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

string_id!(
    /// The id Synapse returns for a purge, used to ask for its status.
    PurgeId
);

impl FromStr for PurgeId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        common_checks(raw, "purge id", "HCJVhkvPgbCAxVfR")?;
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(IdError(
                "A purge id has only letters and digits, like HCJVhkvPgbCAxVfR.".into(),
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// `mxc://server/media_id`: the address of one piece of media.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MxcUri {
    server: ServerName,
    media: MediaId,
}

impl MxcUri {
    pub fn new(server: ServerName, media: MediaId) -> Self {
        Self { server, media }
    }
    pub fn server_name(&self) -> &ServerName {
        &self.server
    }
    pub fn media_id(&self) -> &MediaId {
        &self.media
    }
}

impl fmt::Display for MxcUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mxc://{}/{}", self.server, self.media)
    }
}

impl FromStr for MxcUri {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        const EX: &str = "mxc://example.org/ETTAJhOSHsGNUMSslZkshPKC";
        common_checks(raw, "media URI", EX)?;
        let Some(rest) = raw.strip_prefix("mxc://") else {
            return Err(IdError(format!(
                "A media URI starts with mxc://, like {EX}."
            )));
        };
        let Some((server, media)) = rest.split_once('/') else {
            return Err(IdError(format!(
                "A media URI has a server and a media id separated by '/', like {EX}."
            )));
        };
        let server = server
            .parse()
            .map_err(|e: IdError| IdError(format!("In the media URI: {e}")))?;
        let media = media
            .parse()
            .map_err(|e: IdError| IdError(format!("In the media URI: {e}")))?;
        Ok(Self { server, media })
    }
}

impl TryFrom<String> for MxcUri {
    type Error = IdError;
    fn try_from(raw: String) -> Result<Self, IdError> {
        raw.parse()
    }
}

impl From<MxcUri> for String {
    fn from(uri: MxcUri) -> String {
        uri.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_ids_with_and_without_server_part() {
        let v12: RoomId = "!VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM"
            .parse()
            .unwrap();
        assert_eq!(v12.as_str(), "!VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM");
        assert!("!abc:test.local".parse::<RoomId>().is_ok());
        assert!("!abc:test.local:8448".parse::<RoomId>().is_ok());
    }

    #[test]
    fn room_id_mistakes_say_what_is_wrong() {
        let alias = "#room:test.local".parse::<RoomId>().unwrap_err();
        assert!(alias.0.contains("alias"), "{alias}");
        let missing = "abc:test.local".parse::<RoomId>().unwrap_err();
        assert!(missing.0.contains("starts with '!'"), "{missing}");
        let spaces = "!abc def".parse::<RoomId>().unwrap_err();
        assert!(spaces.0.contains("no spaces"), "{spaces}");
        assert!(""
            .parse::<RoomId>()
            .unwrap_err()
            .0
            .starts_with("Enter a room id"));
        assert!("!".parse::<RoomId>().is_err());
        assert!("!abc:".parse::<RoomId>().is_err());
    }

    #[test]
    fn event_ids_with_slash_and_plus_are_kept_and_encoded() {
        let id: EventId = "$a/b+c_d-e".parse().unwrap();
        assert_eq!(id.as_str(), "$a/b+c_d-e");
        assert_eq!(crate::path::segment(id.as_str()), "%24a%2Fb%2Bc_d-e");
        assert!("a/b".parse::<EventId>().is_err());
    }

    #[test]
    fn user_ids_need_a_server() {
        let id: UserId = "@alice:test.local".parse().unwrap();
        assert_eq!(id.localpart(), "alice");
        assert_eq!(id.server_name(), "test.local");
        let port: UserId = "@admin:127.0.0.1:8008".parse().unwrap();
        assert_eq!(port.server_name(), "127.0.0.1:8008");
        assert!("@alice".parse::<UserId>().unwrap_err().0.contains("server"));
        assert!("alice:test.local".parse::<UserId>().is_err());
        assert!("@:test.local".parse::<UserId>().is_err());
        assert!("@alice:bad_server!".parse::<UserId>().is_err());
    }

    #[test]
    fn server_names() {
        assert!("example.org".parse::<ServerName>().is_ok());
        assert!("matrix.example.org:8448".parse::<ServerName>().is_ok());
        assert!("127.0.0.1".parse::<ServerName>().is_ok());
        assert!("[::1]:8008".parse::<ServerName>().is_ok());
        assert!("[::1]".parse::<ServerName>().is_ok());
        assert!("exa mple.org".parse::<ServerName>().is_err());
        assert!("example.org:".parse::<ServerName>().is_err());
        assert!("example.org:80a".parse::<ServerName>().is_err());
        assert!("-bad.org".parse::<ServerName>().is_err());
        assert_eq!(
            "Example.ORG".parse::<ServerName>().unwrap().as_str(),
            "example.org"
        );
    }

    #[test]
    fn mxc_uris() {
        let uri: MxcUri = "mxc://test.local/ETTAJhOSHsGNUMSslZkshPKC".parse().unwrap();
        assert_eq!(uri.server_name().as_str(), "test.local");
        assert_eq!(uri.media_id().as_str(), "ETTAJhOSHsGNUMSslZkshPKC");
        assert_eq!(uri.to_string(), "mxc://test.local/ETTAJhOSHsGNUMSslZkshPKC");
        assert!("http://x/y".parse::<MxcUri>().is_err());
        assert!("mxc://test.local".parse::<MxcUri>().is_err());
        assert!("mxc://test.local/a/b".parse::<MxcUri>().is_err());
        assert!("mxc://test.local/".parse::<MxcUri>().is_err());
    }

    #[test]
    fn ids_round_trip_through_json() {
        let id: UserId = serde_json::from_str("\"@a:b.c\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"@a:b.c\"");
        assert!(serde_json::from_str::<UserId>("\"nope\"").is_err());
        let uri: MxcUri = serde_json::from_str("\"mxc://s.org/abc\"").unwrap();
        assert_eq!(serde_json::to_string(&uri).unwrap(), "\"mxc://s.org/abc\"");
    }

    #[test]
    fn overlong_ids_are_refused() {
        let long = format!("@{}:example.org", "a".repeat(300));
        assert!(long.parse::<UserId>().unwrap_err().0.contains("too long"));
    }
}
