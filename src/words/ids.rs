//! Why a typed id, homeserver or room is not one, in words (the core gives the reason,
//! `synapse_api::ids::IdError`).

use synapse_api::ids::{IdError, IdKind, IdProblem, MAX_ID_BYTES};

/// What a kind is called, and an example of one.
fn kind_words(kind: IdKind) -> (&'static str, &'static str) {
    match kind {
        IdKind::ServerName => ("server name", "example.org"),
        IdKind::UserId => ("user id", "@alice:example.org"),
        IdKind::RoomId => ("room id", "!abc123 or !abc123:example.org"),
        IdKind::EventId => ("event id", "$Qx55djE292M4k4IAKrQXVdV4BfqX5KX4fBjK_8U3x28"),
        IdKind::RoomAlias => ("room alias", "#general:example.org"),
        IdKind::MediaId => ("media id", "ETTAJhOSHsGNUMSslZkshPKC"),
        IdKind::PurgeId => ("purge id", "HCJVhkvPgbCAxVfR"),
        IdKind::MediaUri => ("media URI", "mxc://example.org/ETTAJhOSHsGNUMSslZkshPKC"),
        IdKind::HomeserverUrl => ("homeserver URL", "https://matrix.example.org"),
        IdKind::Homeserver => ("homeserver", "https://matrix.example.org or example.org"),
        IdKind::Room => ("room", "!abc123 or #general:example.org"),
    }
}

pub fn id_problem(error: &IdError) -> String {
    let (what, example) = kind_words(error.kind);
    match &error.problem {
        IdProblem::Empty => match error.kind {
            IdKind::Homeserver => "Enter your homeserver: a URL like https://matrix.example.org \
                                   or a server name like example.org."
                .into(),
            IdKind::Room => {
                "Choose a room: paste its id (!…) or alias (#…:server), or search by name.".into()
            }
            // Typed only as the purge's cut point.
            IdKind::EventId => format!("Paste the id of the first event to keep, like {example}."),
            _ => format!("Enter a {what}, like {example}."),
        },
        IdProblem::HasSpaces => {
            format!("A {what} has no spaces; check what was pasted (like {example}).")
        }
        IdProblem::TooLong => {
            format!("That is too long for a {what} (at most {MAX_ID_BYTES} bytes).")
        }
        IdProblem::NoSigil(sigil) => format!("A {what} starts with '{sigil}', like {example}."),
        IdProblem::NothingAfterSigil(sigil) => {
            format!("A {what} needs something after '{sigil}', like {example}.")
        }
        IdProblem::NoServer => format!("A {what} ends with ':' and its server, like {example}."),
        IdProblem::NoNameBeforeServer => {
            format!("A {what} needs a name before ':', like {example}.")
        }
        IdProblem::BadServer => {
            format!("The part after ':' in a {what} must be a server name, like {example}.")
        }
        IdProblem::NotAServerName(text) => format!(
            "'{text}' is not a server name: use a host name with an optional port, like \
             example.org or matrix.example.org:8448."
        ),
        IdProblem::AliasNotId => {
            "That is a room alias (#…), not a room id (!…); look the alias up first.".into()
        }
        IdProblem::BadCharacters => match error.kind {
            IdKind::PurgeId => {
                format!("A purge id has only letters and digits, like {example}.")
            }
            _ => format!("A {what} has only letters, digits, '_' and '-'."),
        },
        IdProblem::NoMxcScheme => format!("A media URI starts with mxc://, like {example}."),
        IdProblem::NoMediaPart => {
            format!("A media URI has a server and a media id separated by '/', like {example}.")
        }
        IdProblem::InMediaUri(inside) => format!("In the media URI: {}", id_problem(inside)),
        IdProblem::NoHttpScheme => {
            "A homeserver URL starts with https:// (or http:// for a local test server).".into()
        }
        IdProblem::UrlExtras => "A homeserver URL has no spaces, '?' or '#': use just the \
                                 address, like https://matrix.example.org."
            .into(),
        IdProblem::UrlWithUser => {
            "Leave the user name out of the homeserver URL; sign in below instead.".into()
        }
        IdProblem::NotAHost(text) => {
            format!("'{text}' is not a host name: use an address like https://matrix.example.org.")
        }
        IdProblem::NeitherUrlNorName(text) => format!(
            "'{text}' is neither a URL nor a server name: try https://matrix.example.org or \
             example.org."
        ),
        IdProblem::UserNotRoom => "That is a user id (@…); a room id starts with '!'.".into(),
        IdProblem::EventNotRoom => "That is an event id ($…); put it under \"Up to an event\", \
                                    and choose the room here."
            .into(),
        IdProblem::NotARoom => {
            "A room is given by its id (!abc…) or its alias (#name:server).".into()
        }
    }
}
