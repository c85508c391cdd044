//! Rate limits are waited out, and said: the transport reports each wait it makes
//! (see `synapse_api::retry`), and `RateLimitNotice` tells the person, so a slow
//! answer is never a silent one.

use leptos::prelude::*;
use synapse_api::error::human_wait;

/// Requests now waiting out a 429, and the longest wait among them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Waits {
    waiting: u32,
    longest_ms: u64,
}

/// Shared by the transport (which records waits) and the notice (which shows them).
#[derive(Clone, Copy)]
pub struct RateLimitWaits(RwSignal<Waits>);

impl RateLimitWaits {
    pub fn new() -> Self {
        Self(RwSignal::new(Waits::default()))
    }

    pub fn begin(&self, ms: u64) {
        self.0.try_update(|w| {
            w.waiting += 1;
            w.longest_ms = w.longest_ms.max(ms);
        });
    }

    pub fn end(&self) {
        self.0.try_update(|w| {
            w.waiting = w.waiting.saturating_sub(1);
            if w.waiting == 0 {
                w.longest_ms = 0;
            }
        });
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
    let text = move || {
        let w = waits.get();
        (w.waiting > 0).then(|| {
            format!(
                "The server is rate limiting requests: waiting {} before trying again.",
                human_wait(w.longest_ms)
            )
        })
    };
    view! {
        <p class="notice rate-limit" role="status" hidden=move || text().is_none()>
            {text}
        </p>
    }
}
