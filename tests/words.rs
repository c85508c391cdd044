//! The app's words for the core's reasons (`src/words/`): every kind of failure says
//! what went wrong and what to do next, and the sentences people rely on stay put.

use synapse_api::endpoints::media::MediaAction;
use synapse_api::ids::{IdError, IdKind, IdProblem};
use synapse_api::media::MediaRow;
use synapse_api::media::NotApplicable;
use synapse_api::purge::{DateProblem, FirstKept, LocalMessagesFate, PurgeRefusal, PurgeTally};
use synapse_api::reclaim::SizeProblem;
use synapse_api::ApiError;
use synapse_console::words::errors::{human_wait, next_step, summary};
use synapse_console::words::ids::id_problem;
use synapse_console::words::media::{
    consequence, listing_note, many_files, not_applicable, selection_consequence, ListingNote,
};
use synapse_console::words::purge::{first_kept, purge_date_problem, purge_refusal, tally};
use synapse_console::words::storage::{cutoff_problem, size_problem};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_kind_of_failure_says_what_and_what_next() {
    let all = [
        ApiError::Network {
            detail: "TypeError: Failed to fetch".into(),
        },
        ApiError::from_status(
            401,
            r#"{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}"#,
        ),
        ApiError::from_status(
            404,
            r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
        ),
        ApiError::from_status(400, r#"{"errcode":"M_UNKNOWN","error":""}"#),
        ApiError::from_status(500, "oops"),
        ApiError::Decode {
            status: 200,
            detail: "missing field".into(),
        },
        ApiError::Blocked {
            origin: "https://matrix.example.org".into(),
        },
    ];
    for e in all {
        assert!(!summary(&e).is_empty(), "{e:?}");
        assert!(!next_step(&e).is_empty(), "{e:?}");
    }
}

#[wasm_bindgen_test]
fn synapse_errors_in_words() {
    let expired = ApiError::from_status(
        401,
        r#"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed."}"#,
    );
    assert_eq!(summary(&expired), "Your session has expired.");
    let limited = ApiError::from_status(
        429,
        r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":330688}"#,
    );
    assert!(summary(&limited).contains("5 min 31 s"));
    let refused = ApiError::from_status(
        403,
        r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
    );
    assert!(summary(&refused).contains("not a server admin"));
    // Synapse's own 500 is the server's fault, not the input's.
    let failed = ApiError::from_status(
        500,
        r#"{"errcode":"M_UNKNOWN","error":"Internal server error"}"#,
    );
    assert_eq!(
        summary(&failed),
        "The server failed while answering (HTTP 500): Internal server error"
    );
    assert!(next_step(&failed).contains("homeserver.log"));
    let bad_input = ApiError::from_status(400, r#"{"errcode":"M_UNKNOWN","error":"bad"}"#);
    assert_eq!(next_step(&bad_input), "Check the input and try again.");
    let proxy = ApiError::from_status(502, "<html>Bad Gateway</html>");
    assert!(summary(&proxy).contains("HTTP 502"));
    assert!(next_step(&ApiError::from_status(404, "")).contains("proxy"));
    let blocked = ApiError::Blocked {
        origin: "https://matrix.example.org".into(),
    };
    assert!(summary(&blocked).contains("https://matrix.example.org"));
    assert!(next_step(&blocked).contains("connect-src"));
}

#[wasm_bindgen_test]
fn waits_round_up() {
    assert_eq!(human_wait(1), "1 second");
    assert_eq!(human_wait(2500), "3 seconds");
    assert_eq!(human_wait(61_000), "1 min 1 s");
}

#[wasm_bindgen_test]
fn identifier_problems_name_the_field_and_the_fix() {
    let said = |kind, problem| id_problem(&IdError::new(kind, problem));
    assert_eq!(
        said(IdKind::RoomId, IdProblem::Empty),
        "Enter a room id, like !abc123 or !abc123:example.org."
    );
    assert_eq!(
        said(IdKind::UserId, IdProblem::NoServer),
        "A user id ends with ':' and its server, like @alice:example.org."
    );
    assert!(said(IdKind::Homeserver, IdProblem::Empty).starts_with("Enter your homeserver"));
    assert!(said(IdKind::Room, IdProblem::Empty).starts_with("Choose a room"));
    let inside = IdError::new(IdKind::ServerName, IdProblem::NotAServerName("a b".into()));
    assert!(
        said(IdKind::MediaUri, IdProblem::InMediaUri(Box::new(inside)))
            .starts_with("In the media URI: 'a b' is not a server name")
    );
}

#[wasm_bindgen_test]
fn date_size_and_purge_refusals_in_words() {
    assert!(purge_date_problem(&DateProblem::InFuture).contains("cannot go past now"));
    assert!(cutoff_problem(&DateProblem::InFuture).contains("delete every file"));
    assert!(
        cutoff_problem(&DateProblem::Unreadable("soon".into())).starts_with("'soon' is not a date")
    );
    assert_eq!(
        size_problem(&SizeProblem::Negative),
        "A size cannot be negative."
    );
    assert!(purge_refusal(&PurgeRefusal::NothingToPurge).starts_with("Nothing to purge"));
    assert!(purge_refusal(&PurgeRefusal::WrongRoom).contains("another room"));
    assert!(purge_refusal(&PurgeRefusal::UnknownEvent).contains("no event with that id"));
    let other = PurgeRefusal::Other(ApiError::from_status(500, "boom"));
    assert!(purge_refusal(&other).contains("HTTP 500"));
}

#[wasm_bindgen_test]
fn a_disabled_action_says_why() {
    assert_eq!(
        not_applicable(MediaAction::Delete, NotApplicable::Remote),
        "Remote media cannot be deleted, only its cached copy purged."
    );
    assert_eq!(
        not_applicable(MediaAction::Protect, NotApplicable::Remote),
        "Only this server's own media can be protected."
    );
    assert_eq!(
        not_applicable(MediaAction::Quarantine, NotApplicable::Protected),
        "Protected media cannot be quarantined."
    );
}

#[wasm_bindgen_test]
fn a_purge_preview_says_what_goes_and_what_stays() {
    let counted = PurgeTally {
        local: 1_200,
        remote: 3,
        state: 7,
        complete: false,
    };
    assert_eq!(
        tally(&counted, false, LocalMessagesFate::Hidden),
        "Before the cut: at least 1,200 message(s) from this server's users (hidden, kept on disk), \
         at least 3 from other servers (deleted), and 7 state event(s) (kept)."
    );
    let whole = PurgeTally {
        complete: true,
        ..counted
    };
    assert!(
        tally(&whole, false, LocalMessagesFate::DeletedAnyway).starts_with(
            "Before the cut: 1,200 message(s) from this server's users (deleted all the same"
        )
    );
    assert!(tally(&whole, true, LocalMessagesFate::Hidden).contains("users (deleted)"));
    assert!(first_kept(&FirstKept::NothingAfter).contains("everything but the room's latest event"));
    assert!(first_kept(&FirstKept::Unavailable).contains("the purge can still run"));
}

#[wasm_bindgen_test]
fn a_media_confirmation_names_the_file_its_size_and_the_effect() {
    let row = MediaRow::bare(
        "mxc://example.org/abc".parse().unwrap(),
        "example.org",
        false,
    );
    let delete = consequence(MediaAction::Delete, &row);
    assert!(delete.contains("size unknown"), "{delete}");
    assert!(delete.ends_with("This cannot be undone."), "{delete}");
    let quarantine = consequence(MediaAction::Quarantine, &row);
    assert!(quarantine.contains("every identical copy"), "{quarantine}");
    assert_eq!(
        many_files(MediaAction::Quarantine, 12),
        "Quarantine 12 files"
    );
    let many = selection_consequence(MediaAction::Delete, 12, 3 * 1024);
    assert!(many.starts_with("Delete 12 file(s), 3"), "{many}");
    assert!(many.ends_with("This cannot be undone."), "{many}");
    assert!(listing_note(ListingNote::NoDetailsBefore1140)
        .contains("older than 1.140: it shows one file's details only in its"));
}
