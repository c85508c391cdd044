//! Purge history: choose a room and a cut point, see what will go, confirm, follow.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use synapse_api::endpoints::purge::{CutPoint, PurgeHistory, PurgeState};
use synapse_api::endpoints::rooms::{
    EventInRoom, RoomDetailsResponse, RoomEvent, RoomMessages, TimestampToEvent,
};
use synapse_api::ids::RoomId;
use synapse_api::paging::thousands;
use synapse_api::purge::{
    local_messages_when_kept, validate_purge, CutKind, LocalMessagesFate, PurgeForm,
    PurgeFormErrors, PurgeRefusal, PurgeTally, RoomRef, TrackState, TrackedPurge,
};
use synapse_api::ApiError;

use crate::api::{use_api, Api};
use crate::components::choice::Choice;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::components::field::{DateTimeField, TextField};
use crate::components::purges_panel::{describe_cut, PurgesPanel};
use crate::components::room_picker::{look_up, ChosenRoom, RoomPicker};
use crate::purge_tracker::use_purge_tracker;
use crate::time::{format_local, now_ms, offset_minutes_at};
use crate::words::ids::id_problem;
use crate::words::purge::{purge_date_problem, purge_refusal};

/// The preview reads at most this many events to count what a purge removes.
const PREVIEW_EVENT_LIMIT: usize = 5_000;
/// A page at a time, for a count that moves on screen: a server can take seconds per
/// page (Synapse on SQLite, 25 ms an event on a seeded 100,000-event room).
const PREVIEW_PAGE: u32 = 250;
/// The count stops here too, and says "at least": the confirmation never waits on it.
const PREVIEW_TIME_LIMIT_MS: u64 = 15_000;

#[component]
pub fn PurgePage() -> impl IntoView {
    let chosen = RwSignal::new(None::<RoomDetailsResponse>);
    // `?room=!id` (a link from the storage page) chooses the room at once.
    let api = use_api();
    let linked = use_query_map()
        .read_untracked()
        .get("room")
        .and_then(|r| r.parse::<RoomId>().ok());
    if let Some(room_id) = linked {
        leptos::task::spawn_local(async move {
            if let Ok(details) = look_up(api, RoomRef::Id(room_id)).await {
                chosen.set(Some(details));
            }
        });
    }
    view! {
        <h1>"Purge history"</h1>
        <p class="lede">
            "Delete a room's messages older than a cut point. State events (names, members, \
             permissions) and the room's latest event are always kept. Media the messages \
             used is not deleted by a purge."
        </p>
        <section class="card" aria-labelledby="room-heading">
            <h2 id="room-heading">"Room"</h2>
            <Show
                when=move || chosen.get().is_none()
                fallback=move || view! { <ChosenRoom chosen /> }
            >
                <RoomPicker on_choose=Callback::new(move |room| chosen.set(Some(room))) />
            </Show>
        </section>
        {move || chosen.get().map(|room| view! { <StartPurge room /> })}
        <PurgesPanel />
    }
}

/// The first event a purge keeps, as far as the server can tell.
#[derive(Clone, Debug, PartialEq)]
enum FirstKept {
    Event(RoomEvent),
    /// No event at or after the date: everything but the latest event goes.
    NothingAfter,
    /// The server has no preview endpoint (older Synapse).
    Unavailable,
}

/// What the confirmation shows.
#[derive(Clone, Debug, PartialEq)]
struct Preview {
    room: RoomDetailsResponse,
    cut: CutPoint,
    delete_local_events: bool,
    /// What happens to local messages if they are to be kept, on this server.
    local_fate: LocalMessagesFate,
    first_kept: FirstKept,
}

/// Why a preview stops the purge: an input mistake, or a request that failed.
#[derive(Clone, Debug, PartialEq)]
enum PreviewRefusal {
    EventNotInRoom,
    Failed(ApiError),
}

async fn build_preview(
    api: Api,
    room: RoomDetailsResponse,
    cut: CutPoint,
    delete_local_events: bool,
) -> Result<Preview, PreviewRefusal> {
    let room_id = room.room_id.clone();
    let first_kept = match &cut {
        CutPoint::Event(event_id) => {
            match api
                .send(&EventInRoom {
                    room_id: room_id.clone(),
                    event_id: event_id.clone(),
                })
                .await
            {
                Ok(found) => FirstKept::Event(found.event),
                Err(e) if e.is_unrecognized() => FirstKept::Unavailable,
                Err(e) if e.is_not_found() => return Err(PreviewRefusal::EventNotInRoom),
                Err(e) => return Err(PreviewRefusal::Failed(e)),
            }
        }
        CutPoint::Before(ts) => {
            match api
                .send(&TimestampToEvent {
                    room_id: room_id.clone(),
                    ts: *ts,
                })
                .await
            {
                Ok(found) => {
                    let lookup = EventInRoom {
                        room_id: room_id.clone(),
                        event_id: found.event_id,
                    };
                    match api.send(&lookup).await {
                        Ok(event) => FirstKept::Event(event.event),
                        Err(_) => FirstKept::Unavailable,
                    }
                }
                Err(e) if e.is_unrecognized() => FirstKept::Unavailable,
                Err(e) if e.is_not_found() => FirstKept::NothingAfter,
                Err(e) => return Err(PreviewRefusal::Failed(e)),
            }
        }
    };
    Ok(Preview {
        local_fate: local_fate(api, &room),
        room,
        cut,
        delete_local_events,
        first_kept,
    })
}

/// Reads the timeline from its start up to the cut (bounded in events and time) and
/// counts what goes, telling `read` how far it got. Stops when the confirmation that
/// shows it is gone (`read` disposed).
async fn count_before_cut(
    api: Api,
    room_id: RoomId,
    cut: CutPoint,
    read_so_far: RwSignal<usize>,
) -> Option<PurgeTally> {
    let server_name = api
        .auth()
        .current()
        .map(|s| s.server_name().to_owned())
        .unwrap_or_default();
    let started = now_ms();
    let mut tally = PurgeTally::default();
    let mut from = None;
    let mut read = 0;
    loop {
        let request = RoomMessages {
            room_id: room_id.clone(),
            from: from.clone(),
            limit: PREVIEW_PAGE,
        };
        let page = api.send(&request).await.ok()?;
        tally.add_page(&page.chunk, &cut, &server_name);
        read += page.chunk.len();
        // `Some` hands the value back: the confirmation is gone, and so is the reader.
        if read_so_far.try_set(read).is_some() {
            return None;
        }
        let at_end = page.chunk.is_empty() || page.end.is_none() || page.end == from;
        if at_end {
            // Reaching the end before the cut means everything was counted.
            tally.complete = true;
        }
        if tally.complete
            || read >= PREVIEW_EVENT_LIMIT
            || now_ms().saturating_sub(started) >= PREVIEW_TIME_LIMIT_MS
        {
            return Some(tally);
        }
        from = page.end;
    }
}

fn server_version(api: Api) -> String {
    api.auth()
        .current()
        .map(|s| s.server_version)
        .unwrap_or_default()
}

fn local_fate(api: Api, room: &RoomDetailsResponse) -> LocalMessagesFate {
    local_messages_when_kept(&server_version(api), room.version.as_deref())
}

/// Said before the confirmation where keeping local messages is not safe.
fn deleted_anyway_warning(server_version: &str) -> String {
    format!(
        "This server runs Synapse {server_version}, which deletes this server's users' \
         messages from the database even when a purge is told to keep them (in rooms of \
         version 3 and later; fixed in Synapse 1.156). A purge here deletes them too. To \
         keep them, upgrade Synapse first."
    )
}

fn what_local_choice_does(delete: bool) -> &'static str {
    if delete {
        "On: messages sent by this server's own users are deleted too, which frees disk space."
    } else {
        "Off: messages sent by this server's own users disappear from the room's history but \
         stay on disk; messages from other servers are deleted."
    }
}

/// The cut-point form, the preview, the confirmation, and starting the purge.
#[component]
fn StartPurge(
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
                <p class="hint">{move || what_local_choice_does(delete_local.get())}</p>
                {move || {
                    (fate == LocalMessagesFate::DeletedAnyway && !delete_local.get())
                        .then(|| view! {
                            <p class="warning" role="alert">{deleted_anyway_warning(&server_version(api))}</p>
                        })
                }}
                <div class="actions">
                    <button type="submit" disabled=preview.pending()>
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

/// The preview and the explicit, named confirmation.
#[component]
fn Confirm(
    /// What the purge will do.
    preview: Preview,
    /// Starts the purge.
    start: Action<Preview, Result<synapse_api::ids::PurgeId, ApiError>>,
    /// Puts the preview away without purging.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let room_label = preview
        .room
        .name
        .clone()
        .unwrap_or_else(|| preview.room.room_id.to_string());
    let cut_text = describe_cut(&preview.cut);
    let first_kept = match &preview.first_kept {
        FirstKept::Event(event) => format!(
            "First event kept: {} from {} at {}{}",
            event.kind,
            event.sender,
            format_local(event.origin_server_ts),
            event
                .body()
                .map(|b| format!(
                    ": \u{201c}{}\u{201d}",
                    b.chars().take(120).collect::<String>()
                ))
                .unwrap_or_default()
        ),
        FirstKept::NothingAfter => "No message was sent after that time: everything but the \
                                    room's latest event will be purged."
            .into(),
        FirstKept::Unavailable => "This server cannot show which event is kept (its Synapse \
                                   lacks the preview endpoints); the purge can still run."
            .into(),
    };
    // Counted while the confirmation shows, which never waits for it.
    let read_so_far = RwSignal::new(0usize);
    let counting = {
        let api = use_api();
        let (room_id, cut) = (preview.room.room_id.clone(), preview.cut.clone());
        LocalResource::new(move || count_before_cut(api, room_id.clone(), cut.clone(), read_so_far))
    };
    let (delete_local_events, local_fate) = (preview.delete_local_events, preview.local_fate);
    let counts = move || match counting.get() {
        None => format!(
            "Counting the messages before the cut… {} event(s) read so far.",
            thousands(read_so_far.get() as u64)
        ),
        Some(None) => {
            "The room's timeline could not be read, so the number of messages is unknown."
                .to_owned()
        }
        Some(Some(t)) => {
            let at_least = if t.complete { "" } else { "at least " };
            let local_fate = if delete_local_events {
                "deleted"
            } else if local_fate == LocalMessagesFate::DeletedAnyway {
                "deleted all the same: see the warning"
            } else {
                "hidden, kept on disk"
            };
            format!(
                "Before the cut: {at_least}{} message(s) from this server's users ({local_fate}), \
                 {at_least}{} from other servers (deleted), and {} state event(s) (kept).",
                thousands(t.local),
                thousands(t.remote),
                thousands(t.state)
            )
        }
    };
    let button = format!("Purge history of {room_label}");
    let refusal = move || match start.value().get() {
        Some(Err(error)) => Some(purge_refusal(&PurgeRefusal::of(&error))),
        _ => None,
    };
    let for_start = preview.clone();
    let confirm_version = server_version(use_api());
    view! {
        <ConfirmDialog
            title=format!("Purge the history of {room_label}?")
            confirm=button
            busy=start.pending()
            // Open until the purge has started (the action then puts the preview away),
            // so a refusal is read here.
            on_confirm=Callback::new(move |()| {
                start.dispatch(for_start.clone());
            })
            on_cancel
        >
            <ul>
                <li>{format!("Room: {room_label} ({})", preview.room.room_id)}</li>
                <li>{format!("Cut point: {cut_text}")}</li>
                <li data-testid="first-kept">{first_kept}</li>
                {matches!(preview.cut, CutPoint::Before(_)).then(|| view! {
                    <li>"Synapse compares the time it stored each message, a few milliseconds after it was sent: a message sent just before the cut may be kept."</li>
                })}
                <li data-testid="tally" aria-live="polite">{counts}</li>
                <li>{what_local_choice_does(preview.delete_local_events)}</li>
                {(preview.local_fate == LocalMessagesFate::DeletedAnyway && !preview.delete_local_events)
                    .then(|| view! { <li class="warning">{deleted_anyway_warning(&confirm_version)}</li> })}
            </ul>
            <p><strong>"A purge cannot be undone."</strong></p>
            <p class="form-error" role="alert">{refusal}</p>
        </ConfirmDialog>
    }
}
