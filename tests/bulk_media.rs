//! Browser tests of bulk media actions: the real runner and API client over a transport
//! whose requests stay in flight for a few turns of the event loop.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::{clear_session_storage, yield_now};
use leptos::prelude::*;
use synapse_api::client::{LocalFuture, Transport};
use synapse_api::endpoints::media::{ActOnMedia, MediaAction};
use synapse_api::ids::MxcUri;
use synapse_api::media::{progress_of, run_bulk};
use synapse_api::retry::RawResponse;
use synapse_api::session::{AccessToken, Session, SignInMethod};
use synapse_api::{ApiError, Request};
use synapse_console::{Api, Auth};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Holds each request for three event-loop turns; media ids ending in "bad" fail.
#[derive(Default)]
struct SlowTransport {
    in_flight: Cell<usize>,
    most: Cell<usize>,
    urls: RefCell<Vec<String>>,
}

impl Transport for SlowTransport {
    fn fetch<'a>(
        &'a self,
        url: String,
        _request: &'a Request,
        _token: Option<&'a AccessToken>,
    ) -> LocalFuture<'a, Result<RawResponse, ApiError>> {
        Box::pin(async move {
            self.in_flight.set(self.in_flight.get() + 1);
            self.most.set(self.most.get().max(self.in_flight.get()));
            for _ in 0..3 {
                yield_now().await;
            }
            self.in_flight.set(self.in_flight.get() - 1);
            let failed = url.ends_with("bad");
            self.urls.borrow_mut().push(url);
            Ok(if failed {
                RawResponse {
                    status: 404,
                    body: r#"{"errcode":"M_NOT_FOUND","error":"Unknown media"}"#.into(),
                }
            } else {
                RawResponse {
                    status: 200,
                    body: "{}".into(),
                }
            })
        })
    }

    fn sleep(&self, _ms: u64) -> LocalFuture<'static, ()> {
        Box::pin(yield_now())
    }
}

fn api(transport: Rc<SlowTransport>) -> (Owner, Api) {
    clear_session_storage();
    let owner = Owner::new();
    let api = owner.with(|| {
        let auth = Auth::with(Some(Session {
            homeserver: "http://127.0.0.1:8008".parse().unwrap(),
            user_id: "@admin:localhost".parse().unwrap(),
            device_id: None,
            access_token: AccessToken::new("syt_test".into()),
            method: SignInMethod::PastedToken,
            server_version: "1.163.2".into(),
            oauth: None,
        }));
        Api::new(auth, transport)
    });
    (owner, api)
}

fn items(n: usize) -> Vec<MxcUri> {
    (0..n)
        .map(|i| {
            let id = if i % 4 == 3 {
                format!("m{i}bad")
            } else {
                format!("m{i}")
            };
            format!("mxc://localhost/{id}").parse().unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn at_most_four_in_flight_and_one_failure_does_not_stop_the_rest() {
    let transport = Rc::new(SlowTransport::default());
    let (_owner, api) = api(transport.clone());
    let uris = items(12);
    let heard = RefCell::new(0);
    let results = run_bulk(
        &uris,
        4,
        |uri| {
            let request = ActOnMedia {
                action: MediaAction::Quarantine,
                uri: uri.clone(),
            };
            async move { api.send(&request).await.map(|_| ()) }
        },
        || false,
        |_, _| *heard.borrow_mut() += 1,
    )
    .await;
    assert_eq!(
        transport.most.get(),
        4,
        "four requests ran at once, never more"
    );
    let p = progress_of(&results);
    assert_eq!((p.succeeded, p.failed, p.skipped), (9, 3, 0));
    assert_eq!(*heard.borrow(), 12);
    assert!(results[3]
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap_err()
        .is_not_found());
}

#[wasm_bindgen_test]
async fn cancel_stops_new_requests_and_lets_running_ones_finish() {
    let transport = Rc::new(SlowTransport::default());
    let (_owner, api) = api(transport.clone());
    let uris = items(20);
    let finished = Cell::new(0);
    let results = run_bulk(
        &uris,
        3,
        |uri| {
            let request = ActOnMedia {
                action: MediaAction::Protect,
                uri: uri.clone(),
            };
            async move { api.send(&request).await.map(|_| ()) }
        },
        || finished.get() >= 5,
        |_, _| finished.set(finished.get() + 1),
    )
    .await;
    let p = progress_of(&results);
    assert!(
        p.done() >= 5 && p.done() <= 7,
        "running requests finish: {p:?}"
    );
    assert_eq!(p.skipped, 20 - p.done());
    assert_eq!(
        transport.urls.borrow().len(),
        p.done(),
        "nothing started after the cancel"
    );
}
