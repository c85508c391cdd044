//! The confirmation: the preview in a dialog, named for the room, with the count of
//! what goes as it comes in.

use leptos::prelude::*;
use synapse_api::endpoints::purge::CutPoint;
use synapse_api::purge::{LocalMessagesFate, PurgeRefusal};
use synapse_api::ApiError;

use super::preview::{count_before_cut, server_version, Preview};
use crate::api::use_api;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::purges_panel::describe_cut;
use crate::words::purge as words;
use crate::words::purge::purge_refusal;

/// The preview and the explicit, named confirmation.
#[component]
pub(super) fn Confirm(
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
    let first_kept = words::first_kept(&preview.first_kept);
    // Counted while the confirmation shows, which never waits for it.
    let read_so_far = RwSignal::new(0usize);
    let counting = {
        let api = use_api();
        let (room_id, cut) = (preview.room.room_id.clone(), preview.cut.clone());
        LocalResource::new(move || count_before_cut(api, room_id.clone(), cut.clone(), read_so_far))
    };
    let (delete_local_events, local_fate) = (preview.delete_local_events, preview.local_fate);
    let counts = move || match counting.get() {
        None => words::counting(read_so_far.get()),
        Some(None) => words::COUNT_FAILED.to_owned(),
        Some(Some(t)) => words::tally(&t, delete_local_events, local_fate),
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
                <li>{words::what_local_choice_does(preview.delete_local_events)}</li>
                {(preview.local_fate == LocalMessagesFate::DeletedAnyway && !preview.delete_local_events)
                    .then(|| view! { <li class="warning">{words::deleted_anyway_warning(&confirm_version)}</li> })}
            </ul>
            <p><strong>"A purge cannot be undone."</strong></p>
            <p class="form-error" role="alert">{refusal}</p>
        </ConfirmDialog>
    }
}
