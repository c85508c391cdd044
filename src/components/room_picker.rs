//! Choosing a room: by id or alias, or by searching names; shows the chosen room.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::rooms::{
    ListRooms, ResolveAlias, RoomDetails, RoomDetailsResponse, RoomSummary,
};
use synapse_api::paging::thousands;
use synapse_api::purge::RoomRef;
use synapse_api::ApiError;

use crate::api::{use_api, Api};
use crate::components::error_view::ErrorView;
use crate::components::field::TextField;
use crate::components::pager::Pager;
use crate::words::errors::{next_step, summary};
use crate::words::ids::id_problem;

/// Rooms per page of search results.
const SEARCH_PAGE: u32 = 20;

/// A search's answer: the rooms shown, how many matched in all, and the page they are.
type SearchAnswer = Option<Result<(Vec<RoomSummary>, u64, u64), ApiError>>;

/// Looks a typed room up: an alias through the directory, then the room's details.
pub async fn look_up(api: Api, room: RoomRef) -> Result<RoomDetailsResponse, String> {
    let room_id = match room {
        RoomRef::Id(id) => id,
        RoomRef::Alias(alias) => match api
            .send(&ResolveAlias {
                alias: alias.clone(),
            })
            .await
        {
            Ok(found) => found.room_id,
            Err(e) if e.is_not_found() => return Err(format!("No room has the alias {alias}.")),
            Err(e) => return Err(format!("{} {}", summary(&e), next_step(&e))),
        },
    };
    match api
        .send(&RoomDetails {
            room_id: room_id.clone(),
        })
        .await
    {
        Ok(details) => Ok(details),
        Err(e) if e.is_not_found() => Err(format!(
            "This server does not know the room {room_id}. Check the id, or search by name."
        )),
        Err(e) => Err(format!("{} {}", summary(&e), next_step(&e))),
    }
}

/// Looks up or searches rooms; `on_choose` gets the room the admin picks.
#[component]
pub fn RoomPicker(
    /// Called with the chosen room's details.
    on_choose: Callback<RoomDetailsResponse>,
) -> impl IntoView {
    let api = use_api();
    let typed = RwSignal::new(String::new());
    let typed_error = RwSignal::new(None::<String>);
    let lookup = Action::new_local(move |room: &RoomRef| {
        let room = room.clone();
        async move {
            match look_up(api, room).await {
                Ok(details) => on_choose.run(details),
                Err(message) => typed_error.set(Some(message)),
            }
        }
    });
    let on_lookup = move |ev: SubmitEvent| {
        ev.prevent_default();
        match typed.get_untracked().parse::<RoomRef>() {
            Ok(room) => {
                typed_error.set(None);
                lookup.dispatch(room);
            }
            Err(e) => typed_error.set(Some(id_problem(&e))),
        }
    };

    let term = RwSignal::new(String::new());
    let term_error = RwSignal::new(None::<String>);
    // The name searched (once a search is made) and the page of its results shown.
    let searched = RwSignal::new(None::<String>);
    let page = RwSignal::new(0u64);
    let search = LocalResource::new(move || {
        let term = searched.get();
        let from = page.get() * u64::from(SEARCH_PAGE);
        async move {
            let request = ListRooms {
                search_term: Some(term?),
                limit: Some(SEARCH_PAGE),
                from: Some(from),
            };
            // With the page it is, so that the pager says what is on screen.
            let asked = from / u64::from(SEARCH_PAGE);
            Some(
                api.send(&request)
                    .await
                    .map(|list| (list.rooms, list.total_rooms, asked)),
            )
        }
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let name = term.get_untracked().trim().to_owned();
        // Synapse refuses an empty search term; say so before asking.
        if name.is_empty() {
            term_error.set(Some("Type part of a room's name to search.".into()));
            return;
        }
        term_error.set(None);
        page.set(0);
        searched.set(Some(name));
    };

    view! {
            <div class="picker">
                <form class="inline-form" on:submit=on_lookup novalidate>
                    <TextField
                        label="Room id or alias"
                        id="room"
                        value=typed
                        error=typed_error
                        hint="Like !abc123:example.org, !abc123 (newer rooms) or #general:example.org."
                    />
                    <button type="submit" disabled=lookup.pending()>
                        "Look up room"
                    </button>
                </form>
                <form class="inline-form" on:submit=on_search novalidate>
                    <div class="field">
                        <label for="room-search">"Or search rooms by name"</label>
                        <input
                            id="room-search"
                            type="search"
                            bind:value=term
                            aria-describedby="room-search-error"
                            aria-invalid=move || if term_error.get().is_some() { "true" } else { "false" }
                        />
                        <p class="field-error" id="room-search-error" role="alert">
                            {move || term_error.get()}
                        </p>
                    </div>
                    <button type="submit">"Search"</button>
                </form>
                <SearchResults results=Signal::derive(move || search.get().flatten()) page on_choose />
            </div>
    }
}

/// The rooms a search found, each with a button to choose it.
#[component]
fn SearchResults(
    /// The last search's answer.
    #[prop(into)]
    results: Signal<SearchAnswer>,
    /// The page of results shown (from 0).
    page: RwSignal<u64>,
    /// Called with the chosen room's details.
    on_choose: Callback<RoomDetailsResponse>,
) -> impl IntoView {
    let api = use_api();
    let choose_error = RwSignal::new(None::<String>);
    let choose = Action::new_local(move |room: &RoomSummary| {
        let room = room.clone();
        async move {
            match look_up(api, RoomRef::Id(room.room_id)).await {
                Ok(details) => on_choose.run(details),
                Err(message) => choose_error.set(Some(message)),
            }
        }
    });
    let list = move || {
        match results.get() {
        None => ().into_any(),
        Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
        Some(Ok((rooms, _, _))) if rooms.is_empty() => {
            view! { <p role="status">"No room matches that name."</p> }.into_any()
        }
        Some(Ok((rooms, total, shown))) => view! {
            <p role="status">{format!("{} room(s) found.", thousands(total))}</p>
            <ul class="results">
                {rooms
                    .into_iter()
                    .map(|room| {
                        let label = room.name.clone().unwrap_or_else(|| "(no name)".into());
                        let button_label = format!("Choose {label}");
                        view! {
                            <li>
                                <span class="result-name">{label}</span>
                                <code>{room.room_id.to_string()}</code>
                                <span class="muted">
                                    {match &room.canonical_alias {
                                        Some(alias) => format!("{alias} · {} member(s)", room.joined_members),
                                        None => format!("{} member(s)", room.joined_members),
                                    }}
                                </span>
                                <button type="button" aria-label=button_label on:click=move |_| {
                                    choose.dispatch(room.clone());
                                }>
                                    "Choose"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(total > u64::from(SEARCH_PAGE)).then(|| view! {
                <Pager noun="Rooms" page page_size=SEARCH_PAGE total shown />
            })}
        }
        .into_any(),
    }
    };
    view! {
        <p class="form-error" role="alert">{move || choose_error.get()}</p>
        {list}
    }
}

/// What the admin should know of the chosen room before purging it.
#[component]
pub fn ChosenRoom(
    /// The chosen room; "Change room" clears it.
    chosen: RwSignal<Option<RoomDetailsResponse>>,
) -> impl IntoView {
    move || {
        chosen.get().map(|room| {
            view! {
                <div class="chosen-room" aria-label="Chosen room" role="group">
                    <dl class="facts">
                        <dt>"Room"</dt>
                        <dd data-testid="room-name">{room.name.clone().unwrap_or_else(|| "(no name)".into())}</dd>
                        <dt>"Room id"</dt>
                        <dd><code data-testid="room-id">{room.room_id.to_string()}</code></dd>
                        <dt>"Alias"</dt>
                        <dd>{room.canonical_alias.clone().unwrap_or_else(|| "none".into())}</dd>
                        <dt>"Members"</dt>
                        <dd>{format!("{} ({} on this server)", room.joined_members, room.joined_local_members)}</dd>
                        <dt>"State events"</dt>
                        <dd>{room.state_events}</dd>
                        <dt>"Encryption"</dt>
                        <dd>{room.encryption.clone().unwrap_or_else(|| "none".into())}</dd>
                    </dl>
                    <button type="button" on:click=move |_| chosen.set(None)>
                        "Change room"
                    </button>
                </div>
            }
        })
    }
}
