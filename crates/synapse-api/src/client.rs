//! Sending an [`Endpoint`] through a [`Transport`]: token, retry and decoding in one place.
//!
//! The browser's transport (fetch) lives in the app; tests use fakes. Either way every
//! request goes through [`send`], so the Bearer header, the 429 policy and the error
//! model are the same everywhere.

use std::future::Future;
use std::pin::Pin;

use crate::error::ApiError;
use crate::homeserver::BaseUrl;
use crate::request::{decode, Auth, Endpoint, Request};
use crate::retry::{send_with_retry, RawResponse, RetryPolicy};
use crate::session::AccessToken;

/// A boxed future that need not be `Send` (browser futures are not).
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Moves one request over the wire. Implementations add nothing of their own: no
/// retries, no status checks, no logging of the request.
pub trait Transport {
    /// One attempt at `url`. `token`, when given, goes in `Authorization: Bearer`.
    /// An answer of any status is `Ok`; only "no answer at all" is `Err(Network)`.
    fn fetch<'a>(
        &'a self,
        url: String,
        request: &'a Request,
        token: Option<&'a AccessToken>,
    ) -> LocalFuture<'a, Result<RawResponse, ApiError>>;

    /// Waits `ms` milliseconds (between rate-limited attempts).
    fn sleep(&self, ms: u64) -> LocalFuture<'static, ()>;
}

/// Something that sends endpoints as the signed-in admin (the app's `Api`; fakes in
/// tests). Long walks over the API, like the reclaim dry run, are written against it
/// so they run natively in tests.
pub trait Admin {
    fn call<E>(&self, endpoint: E) -> LocalFuture<'static, Result<E::Response, ApiError>>
    where
        E: Endpoint + 'static,
        E::Response: 'static;
}

/// Sends `endpoint` to `base`, with `token` if the endpoint needs one.
pub async fn send<E: Endpoint>(
    transport: &dyn Transport,
    base: &BaseUrl,
    token: Option<&AccessToken>,
    endpoint: &E,
) -> Result<E::Response, ApiError> {
    let request = endpoint.request();
    let raw = send_request(transport, base.join(&request.path), &request, token).await?;
    decode(raw.status, &raw.body)
}

/// Sends an already built request to an absolute URL, with the retry policy.
pub async fn send_request(
    transport: &dyn Transport,
    url: String,
    request: &Request,
    token: Option<&AccessToken>,
) -> Result<RawResponse, ApiError> {
    let token = match request.auth {
        Auth::Bearer => token,
        Auth::Anonymous => None,
    };
    send_with_retry(
        RetryPolicy::default(),
        || transport.fetch(url.clone(), request, token),
        |ms| transport.sleep(ms),
    )
    .await
}

/// Runs two futures at once and waits for both (requests that need not wait for
/// each other: one round trip instead of two).
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    match (out_a, out_b) {
        (Some(a), Some(b)) => (a, b),
        _ => unreachable!("both are ready"),
    }
}

/// Test helpers shared by this crate's tests: a scripted transport and a runner.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::task::{Context, Poll, Waker};

    /// Status and body for a request.
    pub type Answer = Box<dyn Fn(&crate::Request) -> (u16, String)>;

    /// A fake admin that answers by path, as the real server would, and records the
    /// paths asked (for the walks written against [`Admin`]).
    pub struct FakeServer {
        pub answer: Answer,
        pub seen: RefCell<Vec<String>>,
    }

    impl Admin for FakeServer {
        fn call<E>(&self, endpoint: E) -> LocalFuture<'static, Result<E::Response, ApiError>>
        where
            E: Endpoint + 'static,
            E::Response: 'static,
        {
            let request = endpoint.request();
            self.seen.borrow_mut().push(request.path.clone());
            let (status, body) = (self.answer)(&request);
            Box::pin(async move { decode(status, &body) })
        }
    }

    /// Answers from a script, in order, and records what was asked.
    #[derive(Default)]
    pub struct ScriptedTransport {
        pub answers: RefCell<VecDeque<Result<RawResponse, ApiError>>>,
        /// `(method, url, bearer token or "")` of every attempt.
        pub seen: RefCell<Vec<(String, String, String)>>,
        /// `(url, request)` of every attempt, for checking bodies.
        pub requests: RefCell<Vec<(String, Request)>>,
    }

    impl ScriptedTransport {
        pub fn new(answers: Vec<(u16, &str)>) -> Self {
            let answers = answers
                .into_iter()
                .map(|(status, body)| {
                    if status == 0 {
                        Err(ApiError::Network {
                            detail: "TypeError: Failed to fetch".into(),
                        })
                    } else {
                        Ok(RawResponse {
                            status,
                            body: body.into(),
                        })
                    }
                })
                .collect();
            Self {
                answers: RefCell::new(answers),
                seen: RefCell::default(),
                requests: RefCell::default(),
            }
        }

        pub fn urls(&self) -> Vec<String> {
            self.seen
                .borrow()
                .iter()
                .map(|(m, u, _)| format!("{m} {u}"))
                .collect()
        }
    }

    impl Transport for ScriptedTransport {
        fn fetch<'a>(
            &'a self,
            url: String,
            request: &'a Request,
            token: Option<&'a AccessToken>,
        ) -> LocalFuture<'a, Result<RawResponse, ApiError>> {
            self.seen.borrow_mut().push((
                request.method.as_str().into(),
                url.clone(),
                token.map(|t| t.secret().to_owned()).unwrap_or_default(),
            ));
            self.requests
                .borrow_mut()
                .push((url.clone(), request.clone()));
            let answer = self
                .answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| panic!("no scripted answer for {url}"));
            Box::pin(async move { answer })
        }

        fn sleep(&self, _ms: u64) -> LocalFuture<'static, ()> {
            Box::pin(async {})
        }
    }

    /// Runs a future whose leaves never pend (scripted answers are ready at once).
    pub fn run<F: Future>(future: F) -> F::Output {
        let mut cx = Context::from_waker(Waker::noop());
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("test future pended"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{run, ScriptedTransport};
    use super::*;
    use crate::endpoints::account::{ServerVersion, WhoAmI};

    fn base() -> BaseUrl {
        "http://127.0.0.1:8008".parse().unwrap()
    }

    #[test]
    fn bearer_endpoints_carry_the_token_and_anonymous_ones_do_not() {
        let t = ScriptedTransport::new(vec![
            (200, r#"{"server_version":"1.163.2"}"#),
            (200, r#"{"user_id":"@a:b.c"}"#),
        ]);
        let token = AccessToken::new("syt_x".into());
        run(send(&t, &base(), Some(&token), &ServerVersion)).unwrap();
        run(send(&t, &base(), Some(&token), &WhoAmI)).unwrap();
        let seen = t.seen.borrow();
        assert_eq!(
            seen[0].1,
            "http://127.0.0.1:8008/_synapse/admin/v1/server_version"
        );
        assert_eq!(seen[0].2, "", "server_version must go without a token");
        assert_eq!(seen[1].2, "syt_x");
        assert!(seen.iter().all(|(_, url, _)| !url.contains("access_token")));
    }

    #[test]
    fn rate_limits_are_waited_out_then_decoded() {
        let t = ScriptedTransport::new(vec![
            (
                429,
                r#"{"errcode":"M_LIMIT_EXCEEDED","error":"x","retry_after_ms":10}"#,
            ),
            (200, r#"{"server_version":"1.163.2"}"#),
        ]);
        let v = run(send(&t, &base(), None, &ServerVersion)).unwrap();
        assert_eq!(v.server_version, "1.163.2");
        assert_eq!(t.seen.borrow().len(), 2);
    }

    #[test]
    fn network_failure_is_its_own_kind() {
        let t = ScriptedTransport::new(vec![(0, "")]);
        assert!(run(send(&t, &base(), None, &ServerVersion))
            .unwrap_err()
            .is_network());
    }
}
