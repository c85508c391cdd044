//! One newtype per Matrix identifier, each parsed with a message a person understands.
//!
//! Parsing is lenient where Synapse is (historical user ids, room ids without a server
//! part since room version 12) and strict where a mistake is likely (a missing sigil,
//! spaces from a copy-paste, a user id without its server).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which identifier a piece of text was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    ServerName,
    UserId,
    RoomId,
    EventId,
    RoomAlias,
    MediaId,
    PurgeId,
    MediaUri,
    /// A homeserver's base URL (`https://matrix.example.org`).
    HomeserverUrl,
    /// What a person types as homeserver: a URL or a server name.
    Homeserver,
    /// A room to act on: its id or its alias.
    Room,
}

/// Why a piece of text is not the identifier it should be: reasons, with the text
/// where the reason needs it; the console words them (`src/id_words.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    HasSpaces,
    /// Longer than Matrix allows ([`MAX_ID_BYTES`]).
    TooLong,
    /// Does not start with the kind's sigil.
    NoSigil(char),
    NothingAfterSigil(char),
    /// No `:server` part.
    NoServer,
    NoNameBeforeServer,
    /// The part after `:` is not a server name.
    BadServer,
    /// Not a host name with an optional port.
    NotAServerName(String),
    /// A room alias where a room id is needed.
    AliasNotId,
    /// Characters a media or purge id does not have.
    BadCharacters,
    NoMxcScheme,
    /// An mxc URI without its `/media_id` part.
    NoMediaPart,
    /// The server or the media id inside an mxc URI.
    InMediaUri(Box<IdError>),
    NoHttpScheme,
    /// A URL with a query, a fragment, spaces or backslashes.
    UrlExtras,
    UrlWithUser,
    /// A URL whose host part is not a host name.
    NotAHost(String),
    NeitherUrlNorName(String),
    /// A user id where a room is asked for.
    UserNotRoom,
    /// An event id where a room is asked for.
    EventNotRoom,
    NotARoom,
}

/// Why a piece of text is not the identifier it should be, and which one it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdError {
    pub kind: IdKind,
    pub problem: IdProblem,
}

impl IdError {
    pub fn new(kind: IdKind, problem: IdProblem) -> Self {
        Self { kind, problem }
    }
}

/// For logs and decoding errors (serde needs one), not for people: the console words
/// an `IdError` itself.
impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {:?}: {:?}", self.kind, self.problem)
    }
}

impl std::error::Error for IdError {}

/// Matrix caps every identifier at 255 bytes.
pub const MAX_ID_BYTES: usize = 255;

fn common_checks(raw: &str, kind: IdKind) -> Result<(), IdError> {
    let problem = if raw.is_empty() {
        IdProblem::Empty
    } else if raw.chars().any(char::is_whitespace) {
        IdProblem::HasSpaces
    } else if raw.len() > MAX_ID_BYTES {
        IdProblem::TooLong
    } else {
        return Ok(());
    };
    Err(IdError::new(kind, problem))
}

fn sigil_checks(raw: &str, sigil: char, kind: IdKind) -> Result<(), IdError> {
    common_checks(raw, kind)?;
    if !raw.starts_with(sigil) {
        return Err(IdError::new(kind, IdProblem::NoSigil(sigil)));
    }
    if raw.len() == 1 {
        return Err(IdError::new(kind, IdProblem::NothingAfterSigil(sigil)));
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
        common_checks(raw, IdKind::ServerName)?;
        let (host, port) = match raw.rfind(':') {
            // A colon inside an IPv6 literal is not a port separator.
            Some(i) if !raw[i..].contains(']') => (&raw[..i], Some(&raw[i + 1..])),
            _ => (raw, None),
        };
        if !is_valid_host(host) || port.is_some_and(|p| !is_valid_port(p)) {
            return Err(IdError::new(
                IdKind::ServerName,
                IdProblem::NotAServerName(raw.to_owned()),
            ));
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }
}

/// Splits `<sigil>local:server` at the first colon and checks the server part.
fn split_server(raw: &str, kind: IdKind) -> Result<(&str, &str), IdError> {
    let body = &raw[1..];
    let Some((local, server)) = body.split_once(':') else {
        return Err(IdError::new(kind, IdProblem::NoServer));
    };
    if local.is_empty() {
        return Err(IdError::new(kind, IdProblem::NoNameBeforeServer));
    }
    server
        .parse::<ServerName>()
        .map_err(|_| IdError::new(kind, IdProblem::BadServer))?;
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
        sigil_checks(raw, '@', IdKind::UserId)?;
        split_server(raw, IdKind::UserId)?;
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
        if raw.starts_with('#') {
            return Err(IdError::new(IdKind::RoomId, IdProblem::AliasNotId));
        }
        sigil_checks(raw, '!', IdKind::RoomId)?;
        if raw.contains(':') {
            split_server(raw, IdKind::RoomId)?;
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
        sigil_checks(raw, '$', IdKind::EventId)?;
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
        sigil_checks(raw, '#', IdKind::RoomAlias)?;
        split_server(raw, IdKind::RoomAlias)?;
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
        common_checks(raw, IdKind::MediaId)?;
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(IdError::new(IdKind::MediaId, IdProblem::BadCharacters));
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
        common_checks(raw, IdKind::PurgeId)?;
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(IdError::new(IdKind::PurgeId, IdProblem::BadCharacters));
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
        let kind = IdKind::MediaUri;
        common_checks(raw, kind)?;
        let Some(rest) = raw.strip_prefix("mxc://") else {
            return Err(IdError::new(kind, IdProblem::NoMxcScheme));
        };
        let Some((server, media)) = rest.split_once('/') else {
            return Err(IdError::new(kind, IdProblem::NoMediaPart));
        };
        let inside = |e: IdError| IdError::new(kind, IdProblem::InMediaUri(Box::new(e)));
        let server = server.parse().map_err(inside)?;
        let media = media.parse().map_err(inside)?;
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
        assert_eq!(alias.problem, IdProblem::AliasNotId);
        let missing = "abc:test.local".parse::<RoomId>().unwrap_err();
        assert_eq!(missing.problem, IdProblem::NoSigil('!'));
        let spaces = "!abc def".parse::<RoomId>().unwrap_err();
        assert_eq!(spaces.problem, IdProblem::HasSpaces);
        assert_eq!(
            "".parse::<RoomId>().unwrap_err(),
            IdError::new(IdKind::RoomId, IdProblem::Empty)
        );
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
        assert_eq!(
            "@alice".parse::<UserId>().unwrap_err(),
            IdError::new(IdKind::UserId, IdProblem::NoServer)
        );
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
        assert_eq!(
            long.parse::<UserId>().unwrap_err().problem,
            IdProblem::TooLong
        );
    }
}
