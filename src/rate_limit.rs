//! Rate limits are waited out, and said: the transport reports each wait it makes
//! (see `synapse_api::retry`), and `RateLimitNotice` tells the person, so a slow
//! answer is never a silent one.

use crate::words::errors::human_wait;
use leptos::prelude::*;

/// Told of every wait out of a 429 the transport makes (`http::BrowserTransport`).
pub trait WaitReport {
    fn begin(&self, ms: u64);
    fn end(&self);
}

/// Requests now waiting out a 429, and the longest wait among them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    waiting: u32,
    longest_ms: u64,
}

impl Waits {
    pub fn begin(&mut self, ms: u64) {
        self.waiting += 1;
        self.longest_ms = self.longest_ms.max(ms);
    }

    pub fn end(&mut self) {
        self.waiting = self.waiting.saturating_sub(1);
        if self.waiting == 0 {
            self.longest_ms = 0;
        }
    }

    /// What the person reads while any request waits.
    pub fn text(&self) -> Option<String> {
        (self.waiting > 0).then(|| {
            format!(
                "The server is rate limiting requests: waiting {} before trying again.",
                human_wait(self.longest_ms)
            )
        })
    }
}

/// Shared by the transport (which records waits) and the notice (which shows them).
#[derive(Clone, Copy)]
pub struct RateLimitWaits(RwSignal<Waits>);

impl RateLimitWaits {
    pub fn new() -> Self {
        Self(RwSignal::new(Waits::default()))
    }
}

impl WaitReport for RateLimitWaits {
    fn begin(&self, ms: u64) {
        self.0.try_update(|w| w.begin(ms));
    }

    fn end(&self) {
        self.0.try_update(Waits::end);
    }
}

impl Default for RateLimitWaits {
    fn default() -> Self {
        Self::new()
    }
}

/// "The server is rate limiting …: waiting 4 seconds", while any request waits.
#[component]
pub fn RateLimitNotice() -> impl IntoView {
    let waits = expect_context::<RateLimitWaits>().0;
    let text = move || waits.with(Waits::text);
    view! {
        <p class="notice rate-limit" role="status" hidden=move || text().is_none()>
            {text}
        </p>
    }
}
