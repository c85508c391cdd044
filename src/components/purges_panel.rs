//! Every purge this tab follows, with its live status, and a way to follow one by id.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::purge::{CutPoint, PurgeState};
use synapse_api::ids::PurgeId;
use synapse_api::path::segment;
use synapse_api::purge::{format_elapsed, format_utc, TrackState, TrackedPurge};

use crate::components::field::TextField;
use crate::navigation;
use crate::purge_tracker::use_purge_tracker;
use crate::time::format_local;
use crate::words::ids::id_problem;

/// Describes a cut point for a table cell.
pub fn describe_cut(cut: &CutPoint) -> String {
    match cut {
        CutPoint::Event(id) => format!("up to event {id}"),
        CutPoint::Before(ms) => format!("before {} ({})", format_local(*ms), format_utc(*ms)),
    }
}

fn describe_state(purge: &TrackedPurge, unreachable: bool) -> String {
    match &purge.state {
        TrackState::Server(PurgeState::Active) if unreachable => {
            "Active; server unreachable, retrying".into()
        }
        TrackState::Server(PurgeState::Active) => "Active".into(),
        TrackState::Server(PurgeState::Complete) => "Complete".into(),
        TrackState::Server(PurgeState::Failed { error }) => format!("Failed: {error}"),
        TrackState::Unknown => "Unknown to the server (it keeps purge records for 7 days)".into(),
    }
}

/// The purges panel. Following happens in the background (`PurgeTracker`); this shows it.
#[component]
pub fn PurgesPanel() -> impl IntoView {
    let tracker = use_purge_tracker();
    // A clock for the elapsed column, ticking only while a purge is active.
    let now = RwSignal::new(tracker.now_ms());
    let ticker = set_interval_with_handle(
        move || {
            if tracker
                .purges()
                .with_untracked(|list| list.iter().any(|p| !p.is_settled()))
            {
                now.set(tracker.now_ms());
            }
        },
        std::time::Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });

    let follow_id = RwSignal::new(String::new());
    let follow_error = RwSignal::new(None::<String>);
    let on_follow = move |ev: SubmitEvent| {
        ev.prevent_default();
        match follow_id.get_untracked().trim().parse::<PurgeId>() {
            Ok(purge_id) => {
                follow_error.set(None);
                follow_id.set(String::new());
                tracker.add(TrackedPurge {
                    purge_id,
                    room_id: None,
                    room_name: None,
                    cut: None,
                    delete_local_events: None,
                    started_at_ms: tracker.now_ms(),
                    state: TrackState::Server(PurgeState::Active),
                    checked_at_ms: None,
                    finished_at_ms: None,
                });
            }
            Err(e) => follow_error.set(Some(id_problem(&e))),
        }
    };

    view! {
        <section class="card" aria-labelledby="purges-heading">
            <h2 id="purges-heading">"Purges in this tab"</h2>
            <p class="announce" role="status">{move || tracker.announcement().get()}</p>
            {move || tracker.not_kept().get().map(|reason| view! {
                <p class="notice" role="alert">
                    {format!(
                        "The purges listed here could not be kept in this tab ({}): a reload \
                         would stop following them here. They go on on the server; follow one \
                         again by its id.",
                        reason.why()
                    )}
                </p>
            })}
            <Show
                when=move || !tracker.purges().with(Vec::is_empty)
                fallback=|| view! { <p class="muted">"No purge followed yet."</p> }
            >
                <table class="purges">
                    <thead>
                        <tr>
                            <th scope="col">"Purge"</th>
                            <th scope="col">"Room"</th>
                            <th scope="col">"Cut point"</th>
                            <th scope="col">"Local users' messages"</th>
                            <th scope="col">"Started"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Elapsed"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || tracker.purges().get()
                            // A row is rebuilt when its state changes.
                            key=|p| (p.purge_id.clone(), p.state.clone())
                            let:purge
                        >
                            <PurgeRow purge now />
                        </For>
                    </tbody>
                </table>
            </Show>
            <form class="inline-form" on:submit=on_follow novalidate>
                <TextField
                    label="Follow a purge by id"
                    id="follow-purge"
                    value=follow_id
                    error=follow_error
                    hint="A purge started in another tab or by a script."
                />
                <button type="submit">"Follow"</button>
            </form>
        </section>
    }
}

#[component]
fn PurgeRow(
    /// The purge, as last recorded.
    purge: TrackedPurge,
    /// The panel's clock.
    now: RwSignal<u64>,
) -> impl IntoView {
    let tracker = use_purge_tracker();
    let id = purge.purge_id.clone();
    let settled = purge.is_settled();
    let state_class = match &purge.state {
        TrackState::Server(PurgeState::Active) => "state active",
        TrackState::Server(PurgeState::Complete) => "state complete",
        _ => "state failed",
    };
    let elapsed = {
        let purge = purge.clone();
        move || {
            let end = purge.finished_at_ms.unwrap_or_else(|| now.get());
            format_elapsed(end.saturating_sub(purge.started_at_ms))
        }
    };
    let status = {
        let purge = purge.clone();
        let id = id.clone();
        move || describe_state(&purge, tracker.is_unreachable(&id))
    };
    let forget_label = format!("Remove purge {id} from this list");
    // A purge frees messages, not the files they used: the next step is the room's media.
    let review_media = match (&purge.state, &purge.room_id) {
        (TrackState::Server(PurgeState::Complete), Some(room_id)) => Some((
            navigation::app_url(&format!("media?room={}", segment(room_id.as_str()))),
            format!(
                "Review its media: {} (the purge did not delete the files)",
                purge
                    .room_name
                    .clone()
                    .unwrap_or_else(|| room_id.to_string())
            ),
        )),
        _ => None,
    };
    view! {
        <tr>
            <td><code>{id.to_string()}</code></td>
            <td>
                {purge
                    .room_name
                    .clone()
                    .or_else(|| purge.room_id.as_ref().map(ToString::to_string))
                    .unwrap_or_else(|| "unknown (followed by id)".into())}
            </td>
            <td>{purge.cut.as_ref().map(describe_cut).unwrap_or_else(|| "unknown".into())}</td>
            <td>
                {match purge.delete_local_events {
                    Some(true) => "deleted",
                    Some(false) => "hidden, kept on disk",
                    None => "unknown",
                }}
            </td>
            <td>{format_local(purge.started_at_ms)}</td>
            <td class=state_class>
                {status}
                {review_media.map(|(href, label)| view! {
                    " "
                    <a href=href aria-label=label>"Review its media"</a>
                })}
            </td>
            <td>{elapsed}</td>
            <td>
                <Show when=move || settled>
                    <button type="button" aria-label=forget_label.clone() on:click={
                        let id = id.clone();
                        move |_| tracker.forget(&id)
                    }>
                        "Remove"
                    </button>
                </Show>
            </td>
        </tr>
    }
}
