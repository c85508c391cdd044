//! The cut-point form: checked before any request, then previewed, confirmed and
//! started; a started purge is followed by the tracker.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::purge::{CutPoint, PurgeHistory, PurgeState};
use synapse_api::endpoints::rooms::RoomDetailsResponse;
use synapse_api::purge::{
    validate_purge, CutKind, LocalMessagesFate, PurgeForm, PurgeFormErrors, TrackState,
    TrackedPurge,
};

use super::confirm::Confirm;
use super::preview::{build_preview, local_fate, server_version, Preview, PreviewRefusal};
use crate::api::use_api;
use crate::components::choice::Choice;
use crate::components::error_view::ErrorView;
use crate::components::field::{DateTimeField, TextField};
use crate::purge_tracker::use_purge_tracker;
use crate::time::{now_ms, offset_minutes_at};
use crate::words::ids::id_problem;
use crate::words::purge as words;
use crate::words::purge::purge_date_problem;

/// The cut-point form, the preview, the confirmation, and starting the purge.
#[component]
pub(super) fn StartPurge(
    /// The room to purge.
    room: RoomDetailsResponse,
) -> impl IntoView {
    let api = use_api();
    let tracker = use_purge_tracker();
    let fate = local_fate(api, &room);
    let room = StoredValue::new(room);
    let cut_kind = RwSignal::new(CutKind::Date);
    let date = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let delete_local = RwSignal::new(false);
    let errors = RwSignal::new(PurgeFormErrors::default());
    let started = RwSignal::new(None::<String>);

    let preview = Action::new_local(move |(cut, delete): &(CutPoint, bool)| {
        build_preview(api, room.get_value(), cut.clone(), *delete)
    });
    let start = Action::new_local(move |confirmed: &Preview| {
        let confirmed = confirmed.clone();
        async move {
            let request = PurgeHistory {
                room_id: confirmed.room.room_id.clone(),
                cut: confirmed.cut.clone(),
                delete_local_events: confirmed.delete_local_events,
            };
            let started_at = now_ms();
            let result = api.send(&request).await;
            result.map(|answer| {
                tracker.add(TrackedPurge {
                    purge_id: answer.purge_id.clone(),
                    room_id: Some(confirmed.room.room_id.clone()),
                    room_name: confirmed.room.name.clone(),
                    cut: Some(confirmed.cut.clone()),
                    delete_local_events: Some(confirmed.delete_local_events),
                    started_at_ms: started_at,
                    state: TrackState::Server(PurgeState::Active),
                    checked_at_ms: None,
                    finished_at_ms: None,
                });
                // Started: the preview goes, and the page says which purge it made.
                started.set(Some(format!(
                    "Purge {} started. Its progress is followed below.",
                    answer.purge_id
                )));
                preview.value().set(None);
                answer.purge_id
            })
        }
    });

    let on_preview = move |ev: SubmitEvent| {
        ev.prevent_default();
        if preview.pending().get_untracked() {
            return;
        }
        started.set(None);
        start.value().set(None);
        let form = PurgeForm {
            room: room.with_value(|r| r.room_id.to_string()),
            cut_kind: cut_kind.get_untracked(),
            event: event.get_untracked(),
            date: date.get_untracked(),
            delete_local_events: delete_local.get_untracked(),
        };
        match validate_purge(&form, now_ms(), offset_minutes_at) {
            Ok(plan) => {
                errors.set(PurgeFormErrors::default());
                preview.dispatch((plan.cut, plan.delete_local_events));
            }
            Err(found) => {
                preview.value().set(None);
                errors.set(found);
            }
        }
    };

    let event_error = Signal::derive(move || {
        errors.read().event.as_ref().map(id_problem).or_else(|| {
            matches!(
                preview.value().get(),
                Some(Err(PreviewRefusal::EventNotInRoom))
            )
            .then(|| {
                "This event is not in the chosen room (or does not exist): check the event id."
                    .to_owned()
            })
        })
    });

    view! {
        <section class="card" aria-labelledby="cut-heading">
            <h2 id="cut-heading">"Cut point"</h2>
            <form on:submit=on_preview novalidate>
                <Choice
                    legend="Purge messages"
                    name="cut-kind"
                    options=vec![
                        ("Older than a date and time", CutKind::Date),
                        ("Older than an event", CutKind::Event),
                    ]
                    value=cut_kind
                />
                <Show
                    when=move || cut_kind.get() == CutKind::Date
                    fallback=move || {
                        view! {
                            <TextField
                                label="First event to keep"
                                id="cut-event"
                                value=event
                                error=event_error
                                hint="Its id ($…). This event stays; every older message goes."
                            />
                        }
                    }
                >
                    <DateTimeField
                        label="Purge messages sent before"
                        id="cut-date"
                        value=date
                        error=Signal::derive(move || errors.read().date.as_ref().map(purge_date_problem))
                    />
                </Show>
                <label class="check">
                    <input type="checkbox" bind:checked=delete_local />
                    "Also delete messages sent by this server's own users"
                </label>
                <p class="hint">{move || words::what_local_choice_does(delete_local.get())}</p>
                {move || {
                    (fate == LocalMessagesFate::DeletedAnyway && !delete_local.get())
                        .then(|| view! {
                            <p class="warning" role="alert">{words::deleted_anyway_warning(&server_version(api))}</p>
                        })
                }}
                <div class="actions">
                    // Not `disabled`: a disabled button loses the focus, and the dialog
                    // gives it back to the button that opened it.
                    <button type="submit" aria-disabled=move || if preview.pending().get() { "true" } else { "false" }>
                        {move || if preview.pending().get() { "Preparing the preview…" } else { "Preview the purge" }}
                    </button>
                </div>
            </form>
            <p role="status" class="notice" hidden=move || started.get().is_none()>{move || started.get()}</p>
            {move || match preview.value().get() {
                Some(Ok(found)) => view! {
                    <Confirm preview=found start on_cancel=Callback::new(move |()| preview.value().set(None)) />
                }
                .into_any(),
                Some(Err(PreviewRefusal::Failed(error))) => view! { <ErrorView error /> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}
