//! Purge the remote media cache: drop this server's copies of other servers' media
//! that nobody has viewed since a date. The originals stay on their servers.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::media::PurgeRemoteMediaCache;
use synapse_api::reclaim::cutoff_from_input;

use crate::api::use_api;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::components::field::DateTimeField;
use crate::time::{format_local, now_ms, offset_minutes_at};
use crate::words::storage::cutoff_problem;

/// The date, the confirmation naming it, and the count the server deleted.
#[component]
pub fn PurgeRemoteCache() -> impl IntoView {
    let api = use_api();
    let date = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<u64>);
    let purge = Action::new_local(move |before_ts: &u64| {
        let request = PurgeRemoteMediaCache {
            before_ts: *before_ts,
        };
        async move { api.send(&request).await }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        purge.value().set(None);
        match cutoff_from_input(&date.get_untracked(), now_ms(), offset_minutes_at) {
            Ok(ts) => {
                error.set(None);
                confirming.set(Some(ts));
            }
            Err(problem) => {
                confirming.set(None);
                error.set(Some(cutoff_problem(&problem)));
            }
        }
    };
    view! {
        <section class="card" aria-labelledby="cache-heading">
            <h2 id="cache-heading">"Purge the remote media cache"</h2>
            <p>
                "Deletes this server's cached copies of media from other servers that nobody \
                 here has viewed since a date. Quarantined copies are kept. A copy is fetched \
                 again from its own server when someone asks for it."
            </p>
            <form on:submit=on_submit novalidate>
                <DateTimeField
                    label="Cached remote media not used since"
                    id="cache-date"
                    value=date
                    error=error
                />
                <div class="actions">
                    <button type="submit">"Review the purge"</button>
                </div>
            </form>
            {move || confirming.get().map(|ts| {
                let text = format!(
                    "Delete every cached copy of remote media not used since {}? This cannot be undone, but copies can be fetched again.",
                    format_local(ts)
                );
                view! {
                    <ConfirmDialog
                        title="Purge the remote media cache?"
                        confirm="Purge the remote cache"
                        busy=purge.pending()
                        on_confirm=Callback::new(move |()| {
                            confirming.set(None);
                            purge.dispatch(ts);
                        })
                        on_cancel=Callback::new(move |()| confirming.set(None))
                    >
                        <p>{text}</p>
                    </ConfirmDialog>
                }
            })}
            {move || match purge.value().get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
                Some(Ok(done)) => view! {
                    <p class="notice" role="status" data-testid="cache-result">
                        {format!("Deleted {} cached remote file(s).", done.deleted)}
                    </p>
                }.into_any(),
            }}
        </section>
    }
}
