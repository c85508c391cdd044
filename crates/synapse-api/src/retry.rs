//! The rate-limit policy: wait out a 429 a bounded number of times, never hammer.
//!
//! The loop is generic over the transport and the sleep so the browser code passes
//! `fetch` and `setTimeout`, and tests pass fakes.

use std::future::Future;

use crate::error::ApiError;

/// A raw answer: status and body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub body: String,
}

/// How often and how long a rate-limited request is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// A longer wait than this is not waited out: the error goes to the person, who
    /// is told how long the server asks to wait (login's limit is ~5 minutes).
    pub max_wait_ms: u64,
    /// Used when the server sends no `retry_after_ms`.
    pub default_wait_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            max_wait_ms: 10_000,
            default_wait_ms: 1_000,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retry number `retry` (0-based), or `None` to give up.
    pub fn wait_before(&self, retry: u32, response: &RawResponse) -> Option<u64> {
        if response.status != 429 || retry >= self.max_retries {
            return None;
        }
        let asked = ApiError::from_status(429, &response.body)
            .retry_after_ms()
            .unwrap_or(self.default_wait_ms);
        (asked <= self.max_wait_ms).then_some(asked)
    }
}

/// Sends with `attempt`, waiting with `sleep` between rate-limited attempts.
///
/// Returns the last answer (which may still be a 429) or the network error.
pub async fn send_with_retry<A, AF, S, SF>(
    policy: RetryPolicy,
    mut attempt: A,
    mut sleep: S,
) -> Result<RawResponse, ApiError>
where
    A: FnMut() -> AF,
    AF: Future<Output = Result<RawResponse, ApiError>>,
    S: FnMut(u64) -> SF,
    SF: Future<Output = ()>,
{
    let mut retry = 0;
    loop {
        let response = attempt().await?;
        match policy.wait_before(retry, &response) {
            Some(wait_ms) => {
                sleep(wait_ms).await;
                retry += 1;
            }
            None => return Ok(response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// The futures here never pend, so one poll finishes them.
    fn run<F: Future>(future: F) -> F::Output {
        let mut cx = Context::from_waker(Waker::noop());
        match pin!(future).poll(&mut cx) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("test future pended"),
        }
    }

    fn limited(ms: u64) -> RawResponse {
        RawResponse {
            status: 429,
            body: format!(r#"{{"errcode":"M_LIMIT_EXCEEDED","error":"x","retry_after_ms":{ms}}}"#),
        }
    }

    fn ok() -> RawResponse {
        RawResponse {
            status: 200,
            body: "{}".into(),
        }
    }

    fn scripted(
        answers: Vec<Result<RawResponse, ApiError>>,
    ) -> (Vec<u64>, usize, Result<RawResponse, ApiError>) {
        let answers = RefCell::new(answers.into_iter());
        let calls = RefCell::new(0);
        let slept = RefCell::new(Vec::new());
        let result = run(send_with_retry(
            RetryPolicy::default(),
            || {
                *calls.borrow_mut() += 1;
                let next = answers
                    .borrow_mut()
                    .next()
                    .expect("more attempts than scripted");
                async move { next }
            },
            |ms| {
                slept.borrow_mut().push(ms);
                async {}
            },
        ));
        (slept.into_inner(), calls.into_inner(), result)
    }

    #[test]
    fn waits_what_the_server_asks_then_succeeds() {
        let (slept, calls, result) = scripted(vec![Ok(limited(250)), Ok(limited(400)), Ok(ok())]);
        assert_eq!(slept, vec![250, 400]);
        assert_eq!(calls, 3);
        assert_eq!(result.unwrap().status, 200);
    }

    #[test]
    fn gives_up_after_the_bound() {
        let (slept, calls, result) = scripted(vec![Ok(limited(1)); 4]);
        assert_eq!(slept.len(), 3);
        assert_eq!(calls, 4);
        assert_eq!(result.unwrap().status, 429);
    }

    #[test]
    fn a_long_wait_is_returned_not_waited() {
        let (slept, calls, result) = scripted(vec![Ok(limited(330_688))]);
        assert!(slept.is_empty());
        assert_eq!(calls, 1);
        assert_eq!(result.unwrap().status, 429);
    }

    #[test]
    fn network_errors_and_other_statuses_are_not_retried() {
        let (slept, calls, result) = scripted(vec![Err(ApiError::Network {
            detail: "down".into(),
        })]);
        assert!(slept.is_empty() && calls == 1 && result.unwrap_err().is_network());
        let (slept, _, result) = scripted(vec![Ok(RawResponse {
            status: 500,
            body: String::new(),
        })]);
        assert!(slept.is_empty());
        assert_eq!(result.unwrap().status, 500);
    }

    #[test]
    fn missing_retry_after_uses_the_default() {
        let no_hint = RawResponse {
            status: 429,
            body: "{}".into(),
        };
        assert_eq!(RetryPolicy::default().wait_before(0, &no_hint), Some(1_000));
    }
}
