//! Media administration (listing and actions arrive with their own issue).

use leptos::prelude::*;

#[component]
pub fn MediaPage() -> impl IntoView {
    view! {
        <h1>"Media"</h1>
        <p class="card">
            "Media administration lists a room's or a user's files and quarantines, protects or deletes them. "
            "This section is not available in this version of the console yet."
        </p>
    }
}
