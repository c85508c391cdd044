//! What a purge will do, asked of the server before the confirmation: the first event
//! it keeps, and a count of what goes before the cut.

use leptos::prelude::*;
use synapse_api::endpoints::purge::CutPoint;
use synapse_api::endpoints::rooms::{
    EventInRoom, RoomDetailsResponse, RoomMessages, TimestampToEvent,
};
use synapse_api::ids::RoomId;
use synapse_api::purge::{local_messages_when_kept, FirstKept, LocalMessagesFate, PurgeTally};
use synapse_api::ApiError;

use crate::api::Api;
use crate::time::now_ms;

/// The preview reads at most this many events to count what a purge removes.
const PREVIEW_EVENT_LIMIT: usize = 5_000;
/// A page at a time, for a count that moves on screen: a server can take seconds per
/// page (Synapse on SQLite, 25 ms an event on a seeded 100,000-event room).
const PREVIEW_PAGE: u32 = 250;
/// The count stops here too, and says "at least": the confirmation never waits on it.
const PREVIEW_TIME_LIMIT_MS: u64 = 15_000;

/// What the confirmation shows.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Preview {
    pub(super) room: RoomDetailsResponse,
    pub(super) cut: CutPoint,
    pub(super) delete_local_events: bool,
    /// What happens to local messages if they are to be kept, on this server.
    pub(super) local_fate: LocalMessagesFate,
    pub(super) first_kept: FirstKept,
}

/// Why a preview stops the purge: an input mistake, or a request that failed.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum PreviewRefusal {
    EventNotInRoom,
    Failed(ApiError),
}

pub(super) async fn build_preview(
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
pub(super) async fn count_before_cut(
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

pub(super) fn server_version(api: Api) -> String {
    api.auth()
        .current()
        .map(|s| s.server_version)
        .unwrap_or_default()
}

pub(super) fn local_fate(api: Api, room: &RoomDetailsResponse) -> LocalMessagesFate {
    local_messages_when_kept(&server_version(api), room.version.as_deref())
}
