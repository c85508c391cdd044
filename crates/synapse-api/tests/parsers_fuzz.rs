//! Every parser of what a person types, and every decoder of what a server answers,
//! fed many generated inputs: none panics, and every rejection says something.
//!
//! A seeded generator (no dependency): each run tries the same inputs, so a failure
//! reproduces; inputs mix valid shapes, their near misses and plain noise.

use synapse_api::config::{Config, ConfigProblem};
use synapse_api::endpoints::media::{MediaInfoResponse, UserMediaResponse};
use synapse_api::endpoints::statistics::UserMediaUsageResponse;
use synapse_api::homeserver::{BaseUrl, HomeserverInput};
use synapse_api::ids::{EventId, MediaId, MxcUri, PurgeId, RoomAlias, RoomId, ServerName, UserId};
use synapse_api::purge::{validate_purge, CutKind, LocalDateTime, PurgeForm, RoomRef};
use synapse_api::reclaim::{cutoff_from_input, parse_size, SizeUnit};
use synapse_api::request::decode;
use synapse_api::signin::{validate, CredentialKind, SignInForm};
use synapse_api::ApiError;

const CASES: usize = 4_000;
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

fn check<T, E: std::fmt::Display>(what: &str, input: &str, result: Result<T, E>) {
    if let Err(e) = result {
        assert!(
            !e.to_string().trim().is_empty(),
            "{what} rejected {input:?} without a message"
        );
    }
}

#[test]
fn identifier_and_date_parsers_never_panic_and_always_explain() {
    let mut g = Gen(0x5EED_1234_ABCD_0001);
    for _ in 0..CASES {
        let s = g.text();
        check("UserId", &s, s.parse::<UserId>());
        check("RoomId", &s, s.parse::<RoomId>());
        check("EventId", &s, s.parse::<EventId>());
        check("RoomAlias", &s, s.parse::<RoomAlias>());
        check("MediaId", &s, s.parse::<MediaId>());
        check("PurgeId", &s, s.parse::<PurgeId>());
        check("MxcUri", &s, s.parse::<MxcUri>());
        check("ServerName", &s, s.parse::<ServerName>());
        check("RoomRef", &s, s.parse::<RoomRef>());
        check("LocalDateTime", &s, s.parse::<LocalDateTime>());
        check("BaseUrl", &s, s.parse::<BaseUrl>());
        check("HomeserverInput", &s, s.parse::<HomeserverInput>());
        check("SizeUnit", &s, s.parse::<SizeUnit>());
        for unit in SizeUnit::ALL {
            check("size", &s, parse_size(&s, unit));
        }
        check("cutoff", &s, cutoff_from_input(&s, NOW, |_| 0));
        check("cutoff", &s, cutoff_from_input(&s, NOW, |_| -720));
        match Config::from_response(200, &s) {
            Err(ConfigProblem::Invalid { detail }) => assert!(!detail.is_empty(), "{s:?}"),
            Err(ConfigProblem::UnusableUrl { reason, .. }) => {
                assert!(!reason.0.is_empty(), "{s:?}")
            }
            _ => {}
        }
    }
}

#[test]
fn forms_name_a_field_for_every_problem() {
    let mut g = Gen(0x5EED_1234_ABCD_0002);
    for _ in 0..CASES {
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
fn garbage_answers_become_errors_with_words() {
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
                assert!(!e.summary().is_empty() && !e.next_step().is_empty());
                // A huge body never becomes a huge message.
                assert!(e.summary().len() < 1_000, "{}", e.summary().len());
            }
        }
    }
}
