//! The one way a failed request is shown: what happened, and what to do next.

use crate::words::errors::{next_step, summary};
use leptos::prelude::*;
use synapse_api::ApiError;

/// Shows `error` in words, in an alert region, with a retry button when given one.
/// A page's hint, if any, comes before the general advice.
#[component]
pub fn ErrorView(
    /// The failure to explain.
    error: ApiError,
    /// Runs the failed request again.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
    /// What this failure usually means where it happens, when the page knows more.
    #[prop(default = None)]
    hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="error-view" role="alert">
            <p class="error-summary">{summary(&error)}</p>
            {hint.map(|hint| view! { <p>{hint}</p> })}
            <p>{next_step(&error)}</p>
            {retry.map(|retry| {
                view! {
                    <button type="button" on:click=move |_| retry.run(())>
                        "Try again"
                    </button>
                }
            })}
        </div>
    }
}
