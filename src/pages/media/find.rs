//! Choosing whose media to list: a user or a file typed, a room picked. It only
//! changes the URL.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use synapse_api::endpoints::rooms::RoomDetailsResponse;
use synapse_api::ids::{MxcUri, UserId};
use synapse_api::path::segment;

use crate::components::choice::Choice;
use crate::components::room_picker::RoomPicker;
use crate::words::ids::id_problem;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum FindBy {
    #[default]
    User,
    Room,
    File,
}

/// Chooses what to list; it only changes the URL. Users and files are typed; rooms
/// are chosen with the same room picker as purge history.
#[component]
pub(super) fn FindMedia() -> impl IntoView {
    let navigate = use_navigate();
    // Opened on a list (a link, a reload), the form says which kind it is.
    let (opened_by, opened_text) = use_query_map().with_untracked(|q| {
        if let Some(user) = q.get("user") {
            (FindBy::User, user)
        } else if q.get("room").is_some() {
            (FindBy::Room, String::new())
        } else if let Some(mxc) = q.get("mxc") {
            (FindBy::File, mxc)
        } else {
            (FindBy::User, String::new())
        }
    });
    let by = RwSignal::new(opened_by);
    let text = RwSignal::new(opened_text);
    let error = RwSignal::new(None::<String>);
    let go = {
        let navigate = navigate.clone();
        move |query: String| navigate(&format!("/media?{query}"), Default::default())
    };
    let choose_room = {
        let go = go.clone();
        Callback::new(move |chosen: RoomDetailsResponse| {
            go(format!("room={}", segment(chosen.room_id.as_str())))
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let raw = text.get_untracked().trim().to_owned();
        let query = match by.get_untracked() {
            FindBy::User => raw
                .parse::<UserId>()
                .map(|u| format!("user={}", segment(u.as_str()))),
            // `server/media_id` is accepted as well as an mxc URI.
            _ => if raw.contains("://") {
                raw
            } else {
                format!("mxc://{raw}")
            }
            .parse::<MxcUri>()
            .map(|m| format!("mxc={}", segment(&m.to_string()))),
        };
        match query {
            Ok(query) => {
                error.set(None);
                go(query);
            }
            Err(e) => error.set(Some(id_problem(&e))),
        }
    };
    let is_user = move || by.get() == FindBy::User;
    view! {
        <section class="card" aria-labelledby="find-heading">
            <h2 id="find-heading">"Find media"</h2>
            <Choice
                legend="Media of"
                name="find-by"
                options=vec![("A user", FindBy::User), ("A room", FindBy::Room), ("One file", FindBy::File)]
                value=by
            />
            <Show
                when=move || by.get() != FindBy::Room
                fallback=move || view! { <RoomPicker on_choose=choose_room /> }
            >
                <form class="inline-form" on:submit=on_submit.clone() novalidate>
                    <div class="field">
                        <label for="media-target">{move || if is_user() { "User id" } else { "Media URI" }}</label>
                        <p class="hint" id="media-target-hint">
                            {move || if is_user() {
                                "Like @alice:example.org."
                            } else {
                                "Like mxc://example.org/ETTAJhOSHsGNUMSslZkshPKC, or example.org/ETTAJhOSHsGNUMSslZkshPKC."
                            }}
                        </p>
                        <input
                            id="media-target"
                            type="text"
                            spellcheck="false"
                            bind:value=text
                            aria-describedby="media-target-hint media-target-error"
                            aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                        />
                        <p class="field-error" id="media-target-error" role="alert">{move || error.get()}</p>
                    </div>
                    <button type="submit" class="primary">"Show media"</button>
                </form>
            </Show>
        </section>
    }
}
