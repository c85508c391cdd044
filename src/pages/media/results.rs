//! The list of one target: its sort and page choices, the actions and their
//! confirmation, and the outcome.

use std::collections::BTreeMap;

use leptos::prelude::*;
use synapse_api::endpoints::media::{ActOnMedia, MediaAction, MediaOrder};
use synapse_api::media::MediaRow;
use synapse_api::ApiError;

use super::listing::{all_user_rows, load, Paging, RoomIndex};
use super::table::MediaTable;
use super::Target;
use crate::api::use_api;
use crate::components::bulk_media::{AllMediaActions, BulkBar, Everything, Selection};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::components::media_outcome::MediaOutcome;
use crate::words::media::{action_label, consequence};

/// Page sizes offered for a user's list; the first is the default.
const PAGE_SIZES: [u32; 4] = [50, 100, 500, 1000];

/// A user's list's sort orders, as the "Sort by" choice offers them.
const SORT_ORDERS: [(&str, MediaOrder); 5] = [
    ("Upload date", MediaOrder::Created),
    ("Size", MediaOrder::Size),
    ("Last access", MediaOrder::LastAccess),
    ("Name", MediaOrder::Name),
    ("Type", MediaOrder::Type),
];

/// The list for one target, with sorting and paging for users, and the actions.
#[component]
pub(super) fn MediaResults(
    /// Whose media.
    target: Target,
) -> impl IntoView {
    let api = use_api();
    let server_name = api
        .auth()
        .current()
        .map(|s| s.server_name().to_owned())
        .unwrap_or_default();
    let is_user = matches!(target, Target::User(_));
    // A user's list and a room's are paged; one file is not.
    let pageable = !matches!(target, Target::File(_));
    let page = RwSignal::new(0u64);
    let page_size = RwSignal::new(PAGE_SIZES[0]);
    let order = RwSignal::new(MediaOrder::Created);
    let descending = RwSignal::new(true);
    let target = StoredValue::new(target);
    // A room's file list, read once for all its pages (and the actions' reloads).
    let room_index = StoredValue::new_local(None::<RoomIndex>);
    let listing = LocalResource::new(move || {
        let (target, server_name) = (target.get_value(), server_name.clone());
        let asked = page.get();
        let paging = Paging {
            from: asked * u64::from(page_size.get()),
            limit: page_size.get(),
            order: order.get(),
            descending: descending.get(),
        };
        let known = room_index.get_value();
        // With the page it is, so that the pager says what is on screen.
        async move {
            let (found, index) = load(api, target, server_name, paging, known).await?;
            // The page may be gone by now (another target chosen): nothing to keep then.
            let _ = room_index.try_update_value(|kept| *kept = index);
            Ok::<_, ApiError>((asked, found))
        }
    });
    let selection: Selection = RwSignal::new(BTreeMap::new());
    let confirming = RwSignal::new(None::<(MediaRow, MediaAction)>);
    let outcome = RwSignal::new(None::<MediaOutcome>);
    let act = Action::new_local(move |(row, action): &(MediaRow, MediaAction)| {
        let (row, action) = (row.clone(), *action);
        async move {
            let result = api
                .send(&ActOnMedia {
                    action,
                    uri: row.uri.clone(),
                })
                .await;
            let file = row.label();
            outcome.set(Some(match result {
                Ok(_) => MediaOutcome::Done { file, action },
                Err(error) => MediaOutcome::Refused {
                    file,
                    action,
                    error,
                },
            }));
            confirming.set(None);
            listing.refetch();
        }
    });
    let request = move |row: MediaRow, action: MediaAction| {
        if matches!(action, MediaAction::Delete | MediaAction::Quarantine) {
            confirming.set(Some((row, action)));
        } else {
            act.dispatch((row, action));
        }
    };

    view! {
        <section class="card" aria-labelledby="list-heading">
            <h2 id="list-heading">"Files"</h2>
            <Show when=move || pageable>
                <div class="sort">
                    <Show when=move || is_user>
                    <label for="media-order">"Sort by"</label>
                    <select id="media-order" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let chosen = SORT_ORDERS.iter().map(|(_, o)| *o).find(|o| o.as_param() == value);
                        order.set(chosen.unwrap_or_default());
                        page.set(0);
                    }>
                        {SORT_ORDERS.iter().map(|(label, o)| view! { <option value=o.as_param()>{*label}</option> }).collect_view()}
                    </select>
                    <label for="media-dir">"Order"</label>
                    <select id="media-dir" on:change=move |ev| { descending.set(event_target_value(&ev) == "desc"); page.set(0); }>
                        <option value="desc">"Newest / largest first"</option>
                        <option value="asc">"Oldest / smallest first"</option>
                    </select>
                    </Show>
                    <label for="media-page-size">"Per page"</label>
                    <select id="media-page-size" on:change=move |ev| {
                        page_size.set(event_target_value(&ev).parse().unwrap_or(PAGE_SIZES[0]));
                        page.set(0);
                    }>
                        {PAGE_SIZES.map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                    </select>
                </div>
            </Show>
            <p class="notice" role="status" hidden=move || outcome.with(|o| o.as_ref().is_none_or(MediaOutcome::is_failure))>
                {move || outcome.with(|o| o.as_ref().filter(|o| !o.is_failure()).map(MediaOutcome::text))}
            </p>
            <p class="form-error" role="alert">
                {move || outcome.with(|o| o.as_ref().filter(|o| o.is_failure()).map(MediaOutcome::text))}
            </p>
            {move || confirming.get().map(|(row, action)| {
                let effect = format!("{} {}", action_label(action), row.label());
                let go = (row.clone(), action);
                view! {
                    <ConfirmDialog
                            confirm=effect
                        busy=act.pending()
                        // Open while the one request runs; its outcome is told on the page.
                        on_confirm=Callback::new(move |()| {
                            act.dispatch(go.clone());
                        })
                        on_cancel=Callback::new(move |()| confirming.set(None))
                    >
                        <p>{consequence(action, &row)}</p>
                    </ConfirmDialog>
                }
            })}
            <BulkBar selection on_done=move |()| listing.refetch() />
            <Transition fallback=|| view! { <p role="status">"Loading media…"</p> }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Err(error) => view! { <ErrorView error retry=move |()| listing.refetch() /> }.into_any(),
                        Ok((shown, found)) => {
                            let files = found.total.unwrap_or(found.rows.len() as u64);
                            let scope = match target.get_value() {
                                Target::Room(room) => Some(Everything::Room { room, files }),
                                Target::User(user) => Some(Everything::User { user, files }),
                                Target::File(_) => None,
                            };
                            // A user's whole list can be selected; a room's files are acted on
                            // all at once by the room-wide actions above the list.
                            let select_all = is_user.then(|| Callback::new(move |()| {
                                if let Target::User(user) = target.get_value() {
                                    let server_name = api.auth().current().map(|s| s.server_name().to_owned()).unwrap_or_default();
                                    leptos::task::spawn_local(async move {
                                        match all_user_rows(api, user, server_name).await {
                                            Ok(rows) => selection.set(rows.into_iter().map(|r| (r.uri.to_string(), r)).collect()),
                                            Err(e) => outcome.set(Some(MediaOutcome::ListUnreadable(e))),
                                        }
                                    });
                                }
                            }));
                            view! {
                                {scope.filter(|_| files > 0).map(|scope| view! { <AllMediaActions scope on_done=move |()| listing.refetch() message=outcome /> })}
                                <MediaTable found page shown page_size=page_size.get_untracked() pageable request selection select_all />
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
