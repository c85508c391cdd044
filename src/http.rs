//! The browser transport: the only module that touches gloo-net (fetch).
//!
//! It moves bytes and nothing else; the token, retries and decoding are decided in
//! `synapse_api::client::send`, the one path every request takes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use synapse_api::client::{LocalFuture, Transport};
use synapse_api::retry::RawResponse;
use synapse_api::session::AccessToken;
use synapse_api::{Answer, ApiError, Method, Request};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::rate_limit::WaitReport;

/// `fetch` with default credentials mode and only the headers Synapse's CORS allows
/// (Authorization, Content-Type): anything more fails cross-origin.
pub struct BrowserTransport {
    /// Where rate-limit waits are reported, for the person to see.
    waits: Rc<dyn WaitReport>,
}

impl BrowserTransport {
    pub fn new(waits: Rc<dyn WaitReport>) -> Self {
        watch_policy_blocks();
        Self { waits }
    }
}

thread_local! {
    /// The origins this page's Content-Security-Policy refused to connect to, as the
    /// browser reported them.
    static BLOCKED_ORIGINS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static WATCHING: Cell<bool> = const { Cell::new(false) };
}

/// A fetch the policy refuses fails exactly like one to a server that is down; only
/// the `securitypolicyviolation` event tells them apart. Installed once per page,
/// before the first request.
fn watch_policy_blocks() {
    let Some(window) = web_sys::window().filter(|_| !WATCHING.replace(true)) else {
        return;
    };
    let on_violation = Closure::<dyn FnMut(web_sys::SecurityPolicyViolationEvent)>::new(
        |event: web_sys::SecurityPolicyViolationEvent| {
            if event.effective_directive() != "connect-src" {
                return;
            }
            if let Some(origin) = origin_of(&event.blocked_uri()) {
                BLOCKED_ORIGINS.with_borrow_mut(|blocked| {
                    if !blocked.contains(&origin) {
                        blocked.push(origin);
                    }
                });
            }
        },
    );
    let _ = window.add_event_listener_with_callback(
        "securitypolicyviolation",
        on_violation.as_ref().unchecked_ref(),
    );
    // It listens for as long as the page lives.
    on_violation.forget();
}

fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|url| url.origin())
}

/// Whether the policy refused a request to `url`'s origin. The browser may report the
/// violation just after the fetch fails, hence one short wait before saying no.
async fn blocked_by_policy(url: &str) -> Option<ApiError> {
    let origin = origin_of(url)?;
    let reported = || BLOCKED_ORIGINS.with_borrow(|blocked| blocked.contains(&origin));
    if !reported() {
        sleep(50).await;
    }
    reported().then(|| ApiError::Blocked {
        origin: origin.clone(),
    })
}

fn network(err: gloo_net::Error) -> ApiError {
    // gloo's text is the browser's ("TypeError: Failed to fetch"): no URL, no headers.
    ApiError::Network {
        detail: err.to_string(),
    }
}

impl Transport for BrowserTransport {
    fn fetch<'a>(
        &'a self,
        url: String,
        request: &'a Request,
        token: Option<&'a AccessToken>,
    ) -> LocalFuture<'a, Result<RawResponse, ApiError>> {
        Box::pin(async move {
            let method = match request.method {
                Method::Get => HttpMethod::GET,
                Method::Post => HttpMethod::POST,
                Method::Put => HttpMethod::PUT,
                Method::Delete => HttpMethod::DELETE,
            };
            // Never from the HTTP cache: an admin reads the server as it is now, and a
            // config.json an admin just changed takes effect on the next load.
            let mut builder = RequestBuilder::new(&url)
                .method(method)
                .cache(web_sys::RequestCache::NoStore);
            if let Some(token) = token {
                builder = builder.header("Authorization", &format!("Bearer {}", token.secret()));
            }
            let built = match &request.body {
                Some(body) => builder
                    .header("Content-Type", request.encoding.content_type())
                    .body(body.clone()),
                None => builder.build(),
            };
            let response = match built.map_err(network)?.send().await {
                Ok(response) => response,
                Err(err) => return Err(blocked_by_policy(&url).await.unwrap_or(network(err))),
            };
            let status = response.status();
            let body = if status == 200 && request.answer == Answer::ObjectUrl {
                object_url(response).await?
            } else {
                response.text().await.map_err(network)?
            };
            Ok(RawResponse { status, body })
        })
    }

    fn sleep(&self, ms: u64) -> LocalFuture<'static, ()> {
        let waits = self.waits.clone();
        Box::pin(async move {
            waits.begin(ms);
            sleep(ms).await;
            waits.end();
        })
    }
}

/// Resolves after `ms` milliseconds (setTimeout as a future).
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                resolve.unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Keeps the answer's body as a blob and gives a `blob:` URL to it.
async fn object_url(response: gloo_net::http::Response) -> Result<String, ApiError> {
    let unreadable = |_| ApiError::Network {
        detail: "the answer could not be read".into(),
    };
    let raw: web_sys::Response = response.into();
    let promise = raw.blob().map_err(unreadable)?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(unreadable)?
        .unchecked_into();
    web_sys::Url::create_object_url_with_blob(&blob).map_err(unreadable)
}

pub fn revoke_object_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
