//! Purge history (the purge form and tracker arrive with their own issue).

use leptos::prelude::*;

#[component]
pub fn PurgePage() -> impl IntoView {
    view! {
        <h1>"Purge history"</h1>
        <p class="card">
            "Purging a room's history deletes its messages up to an event or a date. "
            "This section is not available in this version of the console yet."
        </p>
    }
}
