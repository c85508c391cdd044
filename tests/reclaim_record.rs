//! Browser tests of keeping the last dry run in a tab whose storage is nearly full: the
//! real sessionStorage of headless Chromium, filled to a known slack.

mod common;

use common::clear_session_storage;
use synapse_api::reclaim::{DryRunReport, LeftOut, SavedReclaim};
use synapse_console::{keep_reclaim, Keeping};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORD_KEY: &str = "synapse-console.reclaim";

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

/// Fills the tab's storage but for `slack` characters.
fn fill_but(slack: usize) {
    let s = storage();
    s.set_item("slack", &"x".repeat(slack)).unwrap();
    let mut key = 0;
    let mut size = 1 << 20;
    while size > 0 {
        let chunk = "x".repeat(size);
        while s.set_item(&format!("filler-{key}"), &chunk).is_ok() {
            key += 1;
        }
        size /= 2;
    }
    s.remove_item("slack").unwrap();
}

/// A dry run of `n` files: its ids are most of its record.
fn record(n: usize) -> SavedReclaim {
    let ids: Vec<String> = (0..n).map(|i| format!("media{i:020}")).collect();
    SavedReclaim {
        homeserver: "http://127.0.0.1:8008/".into(),
        ran_at_ms: 1,
        report: DryRunReport {
            count: n,
            ids: Some(ids.iter().map(String::as_str).collect()),
            complete: true,
            ..DryRunReport::default()
        },
        outcome: None,
    }
}

fn kept() -> Option<SavedReclaim> {
    storage()
        .get_item(RECORD_KEY)
        .unwrap()
        .and_then(|json| SavedReclaim::from_json(&json))
}

#[wasm_bindgen_test]
fn a_record_that_fits_is_kept_whole() {
    clear_session_storage();
    let whole = record(1_000);
    assert_eq!(keep_reclaim(&whole), Keeping::Whole);
    assert_eq!(kept(), Some(whole));
    clear_session_storage();
}

#[wasm_bindgen_test]
fn a_record_too_big_for_the_slack_is_kept_without_its_ids() {
    clear_session_storage();
    fill_but(20_000);
    // 5,000 ids are about 130,000 characters: only the lighter record fits.
    let big = record(5_000);
    assert_eq!(keep_reclaim(&big), Keeping::Without(LeftOut::CandidateIds));
    let back = kept().expect("the lighter record is kept");
    assert_eq!(back.report.ids, None);
    assert_eq!(back.report.count, 5_000);
    clear_session_storage();
}

#[wasm_bindgen_test]
fn a_full_storage_keeps_nothing_and_removes_the_older_record() {
    clear_session_storage();
    assert_eq!(keep_reclaim(&record(0)), Keeping::Whole);
    fill_but(0);
    // Even without its ids, this record is larger than the one it would replace.
    let bigger = SavedReclaim {
        homeserver: format!("http://{}.example/", "h".repeat(2_000)),
        ..record(5_000)
    };
    assert!(matches!(keep_reclaim(&bigger), Keeping::Not(_)));
    assert_eq!(kept(), None, "no older record comes back after a reload");
    clear_session_storage();
}
