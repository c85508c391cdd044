//! Media: find a user's, a room's, or one file's media; see its state; act on it.
//!
//! What is shown is set by the URL (`?user=`, `?room=`, `?mxc=`), so a list survives a
//! reload and can be linked to.

mod find;
mod listing;
mod results;
mod row;
mod table;
mod user_search;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use synapse_api::ids::{MxcUri, RoomId, UserId};

use find::FindMedia;
use results::MediaResults;
use user_search::UserSearch;

/// Whose media the URL asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    User(UserId),
    Room(RoomId),
    File(MxcUri),
}

#[component]
pub fn MediaPage() -> impl IntoView {
    let query = use_query_map();
    let target = Memo::new(move |_| {
        let q = query.read();
        if let Some(user) = q.get("user").and_then(|u| u.parse().ok()) {
            Some(Target::User(user))
        } else if let Some(room) = q.get("room").and_then(|r| r.parse().ok()) {
            Some(Target::Room(room))
        } else {
            q.get("mxc").and_then(|m| m.parse().ok()).map(Target::File)
        }
    });
    view! {
        <h1>"Media"</h1>
        <p class="lede">
            "Find media by user, room or file, and quarantine, protect or delete it. "
            "Quarantine acts on every identical copy of a file (same content), wherever it was uploaded."
        </p>
        <FindMedia />
        <UserSearch />
        {move || target.get().map(|target| view! { <MediaResults target /> })}
    }
}
