//! Browser tests of following purges: the real `PurgeTracker` polling through a fake
//! transport, with the tab's visibility under the test's control.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{clear_session_storage, yield_now, FakeTransport};
use leptos::prelude::*;
use synapse_api::endpoints::purge::PurgeState;
use synapse_api::purge::{TrackState, TrackedPurge};
use synapse_api::session::{AccessToken, Session, SignInMethod};
use synapse_console::{Api, Auth, PollEnv, PurgeTracker};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ACTIVE: (u16, &str) = (200, r#"{"status":"active"}"#);
const COMPLETE: (u16, &str) = (200, r#"{"status":"complete"}"#);
const DOWN: (u16, &str) = (0, "");
const GONE: (u16, &str) = (
    404,
    r#"{"errcode":"M_NOT_FOUND","error":"purge id 'HCJVhkvPgbCAxVfR' not found"}"#,
);

fn session() -> Session {
    Session {
        homeserver: "http://127.0.0.1:8008".parse().unwrap(),
        user_id: "@admin:localhost".parse().unwrap(),
        device_id: None,
        access_token: AccessToken::new("syt_test".into()),
        method: SignInMethod::PastedToken,
        server_version: "1.163.2".into(),
        oauth: None,
    }
}

fn active_purge() -> TrackedPurge {
    TrackedPurge {
        purge_id: "HCJVhkvPgbCAxVfR".parse().unwrap(),
        room_id: Some("!room".parse().unwrap()),
        room_name: Some("Town square".into()),
        cut: None,
        delete_local_events: Some(false),
        started_at_ms: 1_000,
        state: TrackState::Server(PurgeState::Active),
        checked_at_ms: None,
        finished_at_ms: None,
    }
}

/// A tracker under its own owner, signed in, with `hidden_checks` counting how often
/// it asked whether the tab is hidden (hidden for the first `hidden_for` asks).
struct Harness {
    _owner: Owner,
    tracker: PurgeTracker,
    transport: Rc<FakeTransport>,
    hidden_checks: Rc<Cell<usize>>,
}

fn tracker(answers: &[(u16, &'static str)], hidden_for: usize) -> Harness {
    // Mounting a view would do this; the tracker runs without one.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let transport = FakeTransport::new(answers);
    let hidden_checks = Rc::new(Cell::new(0));
    let owner = Owner::new();
    let tracker = owner.with(|| {
        let auth = Auth::with(Some(session()));
        let api = Api::new(auth, transport.clone());
        let checks = hidden_checks.clone();
        let env = PollEnv {
            now_ms: Rc::new(|| 2_000),
            hidden: Rc::new(move || {
                checks.set(checks.get() + 1);
                checks.get() <= hidden_for
            }),
        };
        let tracker = PurgeTracker::new(api, env);
        tracker.activate(session().homeserver);
        tracker
    });
    Harness {
        _owner: owner,
        tracker,
        transport,
        hidden_checks,
    }
}

/// Runs the event loop until no purge is followed any more (bounded).
async fn until_idle(h: &Harness) {
    for _ in 0..500 {
        yield_now().await;
        if h.tracker.following_count() == 0 {
            return;
        }
    }
    panic!("the follower did not stop");
}

fn state(h: &Harness) -> TrackState {
    h.tracker.purges().get_untracked()[0].state.clone()
}

#[wasm_bindgen_test]
async fn active_then_complete_stops_polling() {
    clear_session_storage();
    let h = tracker(&[ACTIVE, ACTIVE, COMPLETE], 0);
    h.tracker.add(active_purge());
    until_idle(&h).await;
    assert_eq!(state(&h), TrackState::Server(PurgeState::Complete));
    assert_eq!(h.transport.requests(), 3);
    for _ in 0..20 {
        yield_now().await;
    }
    assert_eq!(h.transport.requests(), 3, "no request after complete");
    assert!(h
        .tracker
        .announcement()
        .get_untracked()
        .contains("of Town square is complete"));
    assert_eq!(
        h.tracker.purges().get_untracked()[0].finished_at_ms,
        Some(2_000)
    );
}

#[wasm_bindgen_test]
async fn network_errors_are_retried_until_the_server_answers() {
    clear_session_storage();
    let h = tracker(&[DOWN, DOWN, ACTIVE, COMPLETE], 0);
    h.tracker.add(active_purge());
    let id = active_purge().purge_id;
    let mut saw_unreachable = false;
    for _ in 0..500 {
        yield_now().await;
        saw_unreachable |= h.tracker.is_unreachable(&id);
        if h.tracker.following_count() == 0 {
            break;
        }
    }
    assert!(saw_unreachable, "the panel said the server is unreachable");
    assert!(
        !h.tracker.is_unreachable(&id),
        "and stopped saying so once it answered"
    );
    assert_eq!(state(&h), TrackState::Server(PurgeState::Complete));
    assert_eq!(h.transport.requests(), 4);
}

#[wasm_bindgen_test]
async fn a_404_stops_following() {
    clear_session_storage();
    let h = tracker(&[GONE], 0);
    h.tracker.add(active_purge());
    until_idle(&h).await;
    assert_eq!(state(&h), TrackState::Unknown);
    assert_eq!(h.transport.requests(), 1);
    assert!(h
        .tracker
        .announcement()
        .get_untracked()
        .contains("no longer knows"));
}

#[wasm_bindgen_test]
async fn a_hidden_tab_asks_nothing() {
    clear_session_storage();
    let h = tracker(&[COMPLETE], 6);
    h.tracker.add(active_purge());
    while h.hidden_checks.get() < 4 {
        yield_now().await;
    }
    assert_eq!(h.transport.requests(), 0, "no request while hidden");
    until_idle(&h).await;
    assert!(h.hidden_checks.get() > 6);
    assert_eq!(h.transport.requests(), 1);
    assert_eq!(state(&h), TrackState::Server(PurgeState::Complete));
}

#[wasm_bindgen_test]
async fn a_new_tracker_resumes_what_the_tab_stored() {
    clear_session_storage();
    // The first page asks nothing (hidden) and is then gone, as on a reload.
    {
        let first = tracker(&[], usize::MAX);
        first.tracker.add(active_purge());
        yield_now().await;
    }
    let second = tracker(&[COMPLETE], 0);
    until_idle(&second).await;
    assert_eq!(state(&second), TrackState::Server(PurgeState::Complete));
    assert_eq!(second.transport.requests(), 1);
}
