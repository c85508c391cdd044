//! Every parser of what a person types, and every decoder of what a server answers,
//! fed many generated inputs: none panics; valid identifiers are accepted and read
//! back as typed; every rejection names the field and a reason that fits the input.
//!
//! A seeded generator (no dependency): each run tries the same inputs, so a failure
//! reproduces; inputs mix valid shapes, their near misses and plain noise. `make test`
//! runs 4,000 inputs per property; `make bench` runs 1,000,000 (`PARSER_CASES`).

use synapse_api::config::{Config, ConfigProblem};
use synapse_api::endpoints::media::{MediaInfoResponse, UserMediaResponse};
use synapse_api::endpoints::statistics::UserMediaUsageResponse;
use synapse_api::homeserver::{BaseUrl, HomeserverInput};
use synapse_api::ids::{
    EventId, IdError, IdKind, IdProblem, MediaId, MxcUri, PurgeId, RoomAlias, RoomId, ServerName,
    UserId, MAX_ID_BYTES,
};
use synapse_api::purge::{validate_purge, CutKind, DateProblem, LocalDateTime, PurgeForm, RoomRef};
use synapse_api::reclaim::{cutoff_from_input, parse_size, SizeProblem, SizeUnit, UnknownSizeUnit};
use synapse_api::request::decode;
use synapse_api::signin::{validate, CredentialKind, SignInForm};
use synapse_api::ApiError;

/// Inputs per property: `PARSER_CASES` or 4,000.
fn cases() -> usize {
    std::env::var("PARSER_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4_000)
}
const NOW: u64 = 1_795_341_000_000;

/// xorshift64*: small, fast, reproducible.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A string built from pieces that matter to these parsers, and noise.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "@",
            "!",
            "$",
            "#",
            ":",
            "/",
            "+",
            "=",
            ".",
            "-",
            "_",
            "~",
            " ",
            "\t",
            "\n",
            "\0",
            "mxc://",
            "https://",
            "http://",
            "localhost",
            "example.org",
            "[::1]",
            "8448",
            "a",
            "Z",
            "0",
            "9",
            "é",
            "日本",
            "🦀",
            "\u{202e}",
            "%",
            "%00",
            "?",
            "&",
            "T",
            "2026",
            "-02-",
            "29",
            "13",
            "24:00",
            "23:59:59",
            "1.5",
            "1e9",
            "-1",
            "99999999999999999999",
            "<script>",
            "'",
            "\"",
            "\\",
            "..",
            "KiB",
            "GB",
        ];
        let n = self.below(8);
        let mut s = String::new();
        for _ in 0..n {
            if self.below(5) == 0 {
                s.push(char::from_u32(self.below(0x3000) as u32).unwrap_or('?'));
            } else {
                s.push_str(self.pick(PIECES));
            }
        }
        s
    }
}

/// A rejection names the field it was parsed as, and its reason fits the input: an
/// empty text is refused as empty, spaces as spaces, a missing sigil as that.
fn refused_for_a_reason<T>(input: &str, result: Result<T, IdError>, kinds: &[IdKind]) {
    let Err(e) = result else {
        return;
    };
    assert!(kinds.contains(&e.kind), "{input:?} refused as {e:?}");
    let typed = input;
    // Some parsers trim what was typed first (a room, a homeserver).
    let input = input.trim();
    let fits = match &e.problem {
        IdProblem::Empty => input.is_empty(),
        IdProblem::HasSpaces => typed.chars().any(char::is_whitespace),
        IdProblem::TooLong => input.len() > MAX_ID_BYTES,
        IdProblem::NoSigil(sigil) => !input.starts_with(*sigil),
        IdProblem::NothingAfterSigil(sigil) => input == sigil.to_string(),
        IdProblem::NoServer => !input.contains(':'),
        IdProblem::NoMxcScheme => !input.starts_with("mxc://"),
        IdProblem::NoHttpScheme => !input.to_ascii_lowercase().starts_with("http"),
        IdProblem::AliasNotId => input.starts_with('#'),
        IdProblem::UserNotRoom => input.starts_with('@'),
        IdProblem::EventNotRoom => input.starts_with('$'),
        IdProblem::NotAServerName(text)
        | IdProblem::NotAHost(text)
        | IdProblem::NeitherUrlNorName(text) => input.contains(text.as_str()),
        _ => true,
    };
    assert!(
        fits,
        "{input:?} refused for a reason it does not have: {e:?}"
    );
}

/// A valid identifier of each kind, from valid parts.
fn valid_ids(g: &mut Gen) -> [(String, String); 7] {
    const LOCAL: &[&str] = &["alice", "bob.smith", "_bridge", "x-1", "Z9", "a=b", "u/1"];
    const SERVERS: &[&str] = &[
        "example.org",
        "matrix.example.org:8448",
        "localhost",
        "127.0.0.1:8008",
        "[::1]:8448",
        "a-b.c-d.example",
    ];
    const OPAQUE: &[&str] = &["abc123", "VJcHV5ap2_EMBO8yy", "Qx5+5d/jE", "x", "0-_"];
    const MEDIA: &[&str] = &["ETTAJhOSHsGNUMSslZkshPKC", "a", "abc_DEF-123", "0"];
    let (local, server, opaque, media) = (
        g.pick(LOCAL),
        g.pick(SERVERS),
        g.pick(OPAQUE),
        g.pick(MEDIA),
    );
    let round = |text: String, read: Result<String, IdError>| {
        (
            text.clone(),
            read.unwrap_or_else(|e| panic!("{text:?} refused: {e:?}")),
        )
    };
    let user = format!("@{local}:{server}");
    let room = if g.below(2) == 0 {
        format!("!{opaque}")
    } else {
        format!("!{opaque}:{server}")
    };
    let event = format!("${opaque}");
    let alias = format!("#{local}:{server}");
    let mxc = format!("mxc://{server}/{media}");
    let purge = media.replace(['_', '-'], "");
    let purge = if purge.is_empty() {
        "HCJVhkvPgbCAxVfR".to_owned()
    } else {
        purge
    };
    [
        round(
            user.clone(),
            user.parse::<UserId>().map(|id| id.to_string()),
        ),
        round(
            room.clone(),
            room.parse::<RoomId>().map(|id| id.to_string()),
        ),
        round(
            event.clone(),
            event.parse::<EventId>().map(|id| id.to_string()),
        ),
        round(
            alias.clone(),
            alias.parse::<RoomAlias>().map(|id| id.to_string()),
        ),
        round(mxc.clone(), mxc.parse::<MxcUri>().map(|id| id.to_string())),
        round(
            media.to_owned(),
            media.parse::<MediaId>().map(|id| id.to_string()),
        ),
        round(
            purge.clone(),
            purge.parse::<PurgeId>().map(|id| id.to_string()),
        ),
    ]
}

#[test]
fn valid_identifiers_are_accepted_and_read_back_as_typed() {
    let mut g = Gen(0x5EED_1234_ABCD_0003);
    for _ in 0..cases() {
        for (typed, read) in valid_ids(&mut g) {
            assert_eq!(read, typed);
        }
    }
}

#[test]
fn identifier_and_date_parsers_never_panic_and_always_explain() {
    let mut g = Gen(0x5EED_1234_ABCD_0001);
    for _ in 0..cases() {
        let s = g.text();
        refused_for_a_reason(&s, s.parse::<UserId>(), &[IdKind::UserId]);
        refused_for_a_reason(&s, s.parse::<RoomId>(), &[IdKind::RoomId]);
        refused_for_a_reason(&s, s.parse::<EventId>(), &[IdKind::EventId]);
        refused_for_a_reason(&s, s.parse::<RoomAlias>(), &[IdKind::RoomAlias]);
        refused_for_a_reason(&s, s.parse::<MediaId>(), &[IdKind::MediaId]);
        refused_for_a_reason(&s, s.parse::<PurgeId>(), &[IdKind::PurgeId]);
        refused_for_a_reason(&s, s.parse::<MxcUri>(), &[IdKind::MediaUri]);
        refused_for_a_reason(&s, s.parse::<ServerName>(), &[IdKind::ServerName]);
        let room_kinds = [IdKind::Room, IdKind::RoomId, IdKind::RoomAlias];
        refused_for_a_reason(&s, s.parse::<RoomRef>(), &room_kinds);
        let homeserver_kinds = [IdKind::Homeserver, IdKind::HomeserverUrl];
        refused_for_a_reason(&s, s.parse::<HomeserverInput>(), &homeserver_kinds);
        refused_for_a_reason(&s, s.parse::<BaseUrl>(), &[IdKind::HomeserverUrl]);
        if let Err(DateProblem::Unreadable(text)) = s.parse::<LocalDateTime>() {
            assert_eq!(text, s, "the refusal quotes what was typed");
        }
        if let Err(UnknownSizeUnit(text)) = s.parse::<SizeUnit>() {
            assert_eq!(text, s.trim());
        }
        for unit in SizeUnit::ALL {
            let fits = match parse_size(&s, unit) {
                Ok(_) => true,
                Err(SizeProblem::Negative) => s.trim().starts_with('-'),
                Err(SizeProblem::NotANumber(text)) => text == s.trim(),
                // Only digits and one '.' get this far.
                Err(SizeProblem::TooLarge) => {
                    s.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.')
                }
            };
            assert!(fits, "{s:?} as a size in {unit:?}");
        }
        for offset in [0, -720] {
            let fits = match cutoff_from_input(&s, NOW, |_| offset) {
                Ok(ts) => ts <= NOW,
                Err(DateProblem::Missing) => s.trim().is_empty(),
                Err(DateProblem::Unreadable(text)) => text == s.trim(),
                Err(DateProblem::TooEarly | DateProblem::InFuture) => {
                    s.parse::<LocalDateTime>().is_ok()
                }
            };
            assert!(fits, "{s:?} as a cut-off");
        }
        match Config::from_response(200, &s) {
            Err(ConfigProblem::Invalid { detail }) => assert!(!detail.is_empty(), "{s:?}"),
            Err(ConfigProblem::UnusableUrl { reason, .. }) => {
                assert_eq!(reason.kind, IdKind::HomeserverUrl, "{s:?}")
            }
            _ => {}
        }
    }
}

#[test]
fn forms_name_a_field_for_every_problem() {
    let mut g = Gen(0x5EED_1234_ABCD_0002);
    for _ in 0..cases() {
        let purge = PurgeForm {
            room: g.text(),
            cut_kind: if g.below(2) == 0 {
                CutKind::Date
            } else {
                CutKind::Event
            },
            event: g.text(),
            date: g.text(),
            delete_local_events: g.below(2) == 0,
        };
        if let Err(errors) = validate_purge(&purge, NOW, |_| 60) {
            assert!(!errors.is_empty(), "{purge:?} refused with no message");
        }
        let sign_in = SignInForm {
            homeserver: g.text(),
            kind: if g.below(2) == 0 {
                CredentialKind::Password
            } else {
                CredentialKind::Token
            },
            user: g.text(),
            password: g.text(),
            token: g.text(),
        };
        if let Err(errors) = validate(&sign_in, &Config::default()) {
            assert!(!errors.is_empty(), "sign-in form refused with no message");
        }
    }
}

/// What a hostile or broken homeserver might answer.
fn garbage(g: &mut Gen) -> String {
    let shapes = [
        "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned(),
        r#"{"media":[{"media_id":"#.to_owned(),
        r#"{"media":"not a list","total":"many"}"#.to_owned(),
        r#"{"media":[{"media_id":42,"media_length":-1}]}"#.to_owned(),
        r#"{"users":[{"user_id":"not a user","media_length":1e400}]}"#.to_owned(),
        r#"{"media_info":null}"#.to_owned(),
        "[]".to_owned(),
        "null".to_owned(),
        String::new(),
        "{".repeat(10_000),
        format!(
            r#"{{"media":[],"total":1,"pad":"{}"}}"#,
            "x".repeat(2_000_000)
        ),
        g.text(),
    ];
    shapes[g.below(shapes.len())].clone()
}

#[test]
fn garbage_answers_become_errors_that_say_what_came() {
    let mut g = Gen(0x5EED_1234_ABCD_0003);
    for _ in 0..400 {
        let body = garbage(&mut g);
        let status = [200u16, 200, 404, 500, 502][g.below(5)];
        let outcomes: [Result<(), ApiError>; 3] = [
            decode::<UserMediaResponse>(status, &body).map(drop),
            decode::<MediaInfoResponse>(status, &body).map(drop),
            decode::<UserMediaUsageResponse>(status, &body).map(drop),
        ];
        for outcome in outcomes {
            if let Err(e) = outcome {
                // The status as it came: a success that does not read is a decoding
                // error, an error status is the server's error.
                assert_eq!(e.status(), Some(status));
                assert_eq!(matches!(e, ApiError::Decode { .. }), status == 200, "{e:?}");
                // A huge body never becomes a huge error.
                assert!(format!("{e:?}").len() < 2_000, "{}", format!("{e:?}").len());
            }
        }
    }
}
