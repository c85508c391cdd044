//! Shared by the browser tests: a scripted transport that records every request.

// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use synapse_api::client::{LocalFuture, Transport};
use synapse_api::retry::RawResponse;
use synapse_api::session::AccessToken;
use synapse_api::{ApiError, Request};

/// Answers from a script, in order; status 0 (or an empty script) is a network failure.
#[derive(Default)]
pub struct FakeTransport {
    pub answers: RefCell<VecDeque<(u16, &'static str)>>,
    pub urls: RefCell<Vec<String>>,
    pub sleeps: Cell<usize>,
}

impl FakeTransport {
    pub fn new(answers: &[(u16, &'static str)]) -> Rc<Self> {
        Rc::new(Self {
            answers: RefCell::new(answers.iter().copied().collect()),
            ..Default::default()
        })
    }

    pub fn requests(&self) -> usize {
        self.urls.borrow().len()
    }
}

impl Transport for FakeTransport {
    fn fetch<'a>(
        &'a self,
        url: String,
        _request: &'a Request,
        _token: Option<&'a AccessToken>,
    ) -> LocalFuture<'a, Result<RawResponse, ApiError>> {
        self.urls.borrow_mut().push(url);
        let answer = self.answers.borrow_mut().pop_front();
        Box::pin(async move {
            match answer {
                Some((0, _)) | None => Err(ApiError::Network {
                    detail: "TypeError: Failed to fetch".into(),
                }),
                Some((status, body)) => Ok(RawResponse {
                    status,
                    body: body.into(),
                }),
            }
        })
    }

    /// Waits no real time, but yields to the browser (a zero timeout) so loops that
    /// sleep between requests let the test run.
    fn sleep(&self, _ms: u64) -> LocalFuture<'static, ()> {
        self.sleeps.set(self.sleeps.get() + 1);
        Box::pin(yield_now())
    }
}

/// Lets the browser's event loop run once.
pub async fn yield_now() {
    synapse_console::sleep(0).await;
}

pub fn clear_session_storage() {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}
