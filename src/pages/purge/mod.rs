//! Purge history: choose a room and a cut point, see what will go, confirm, follow.

mod confirm;
mod preview;
mod start;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use synapse_api::endpoints::rooms::RoomDetailsResponse;
use synapse_api::ids::RoomId;
use synapse_api::purge::RoomRef;

use crate::api::use_api;
use crate::components::purges_panel::PurgesPanel;
use crate::components::room_picker::{look_up, ChosenRoom, RoomPicker};
use start::StartPurge;

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
