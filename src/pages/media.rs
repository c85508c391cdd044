//! Media: find a user's, a room's, or one file's media; see its state; act on it.
//!
//! What is shown is set by the URL (`?user=`, `?room=`, `?mxc=`), so a list survives a
//! reload and can be linked to.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use synapse_api::endpoints::media::{
    ActOnMedia, MediaAction, MediaInfo, MediaOrder, RoomMedia, UserMedia,
};
use synapse_api::endpoints::rooms::{RoomDetails, RoomDetailsResponse};
use synapse_api::endpoints::users::ListUsers;
use synapse_api::ids::{MxcUri, RoomId, UserId};
use synapse_api::media::{format_size, MediaRow};
use synapse_api::path::segment;
use synapse_api::room_media::room_page_rows;
use synapse_api::ApiError;

use crate::api::{use_api, Api};
use crate::components::bulk_media::{AllMediaActions, BulkBar, Everything, Selection};
use crate::components::choice::Choice;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::components::media_outcome::MediaOutcome;
use crate::components::pager::Pager;
use crate::components::room_picker::RoomPicker;
use crate::components::row_window::use_row_window;
use crate::components::thumbnail::Thumbnail;
use crate::navigation;
use crate::time::format_local;
use crate::words::ids::id_problem;
use crate::words::media::{action_label, not_applicable};
use synapse_api::paging::{every_page, thousands};

/// Users per page of a user search.
const USER_SEARCH_PAGE: u32 = 20;

/// Page sizes offered for a user's list; the first is the default.
const PAGE_SIZES: [u32; 4] = [50, 100, 500, 1000];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum FindBy {
    #[default]
    User,
    Room,
    File,
}

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

/// Chooses what to list; it only changes the URL. Users and files are typed; rooms
/// are chosen with the same room picker as purge history.
#[component]
fn FindMedia() -> impl IntoView {
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

/// Finding a user by name, for admins who do not know the exact id.
#[component]
fn UserSearch() -> impl IntoView {
    let api = use_api();
    let term = RwSignal::new(String::new());
    // The name searched (empty: every user), once a search is made, and the page shown.
    let searched = RwSignal::new(None::<String>);
    let page = RwSignal::new(0u64);
    let search = LocalResource::new(move || {
        let name = searched.get();
        let from = page.get() * u64::from(USER_SEARCH_PAGE);
        async move {
            let name = name?;
            let request = ListUsers {
                name: (!name.is_empty()).then_some(name),
                from: Some(from),
                limit: Some(USER_SEARCH_PAGE),
                deactivated: false,
            };
            // With the page it is, so that the pager says what is on screen.
            let asked = from / u64::from(USER_SEARCH_PAGE);
            Some(api.send(&request).await.map(|list| (list, asked)))
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        searched.set(Some(term.get_untracked().trim().to_owned()));
    };
    view! {
        <details class="card">
            <summary>"Search users by name"</summary>
            <form class="inline-form" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="user-search">"User name or display name"</label>
                    <p class="hint" id="user-search-hint">"Empty: every user."</p>
                    <input id="user-search" type="search" bind:value=term aria-describedby="user-search-hint" />
                </div>
                <button type="submit">"Search users"</button>
            </form>
            {move || search.get().flatten().map(|found| match found {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok((list, _)) if list.users.is_empty() => view! { <p role="status">"No user matches."</p> }.into_any(),
                Ok((list, shown)) => view! {
                    <p role="status">{format!("{} user(s) found.", thousands(list.total))}</p>
                    <ul class="results">
                        {list.users.into_iter().map(|user| {
                            let href = navigation::app_url(&format!("media?user={}", segment(user.name.as_str())));
                            let label = format!("Show media of {}", user.name);
                            view! {
                                <li>
                                    <span class="result-name">{user.displayname.clone().unwrap_or_default()}</span>
                                    <code>{user.name.to_string()}</code>
                                    <a href=href aria-label=label>"Show media"</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(list.total > u64::from(USER_SEARCH_PAGE)).then(|| view! {
                        <Pager noun="Users" page page_size=USER_SEARCH_PAGE total=list.total shown />
                    })}
                }.into_any(),
            })}
        </details>
    }
}

/// A loaded list: the rows, the total where the server tells it, and a note.
#[derive(Clone, Debug, PartialEq)]
struct Listing {
    rows: Vec<MediaRow>,
    total: Option<u64>,
    note: Option<String>,
}

/// How a user's list is read: where from, how many, in which order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Paging {
    from: u64,
    limit: u32,
    order: MediaOrder,
    descending: bool,
}

async fn load(
    api: Api,
    target: Target,
    server_name: String,
    paging: Paging,
) -> Result<Listing, ApiError> {
    match target {
        Target::User(user_id) => {
            let Paging {
                from,
                limit,
                order,
                descending,
            } = paging;
            let request = UserMedia {
                user_id,
                from,
                limit,
                order,
                descending,
            };
            let page = api.send(&request).await?;
            let rows = page
                .media
                .into_iter()
                .filter_map(|m| MediaRow::from_list(m, &server_name))
                .collect();
            Ok(Listing {
                rows,
                total: Some(page.total),
                note: None,
            })
        }
        Target::Room(room_id) => {
            let details = api
                .send(&RoomDetails {
                    room_id: room_id.clone(),
                })
                .await?;
            let uris = api.send(&RoomMedia { room_id }).await?.uris();
            let note = (uris.is_empty() && details.encryption.is_some()).then(|| {
                "This room is encrypted: the server cannot read which files its messages use, so it lists none.".into()
            });
            let total = uris.len() as u64;
            // Synapse lists a room's files in one answer: the page is cut here, and only
            // its files' details are asked for.
            let start = usize::try_from(paging.from)
                .unwrap_or(usize::MAX)
                .min(uris.len());
            let end = start.saturating_add(paging.limit as usize).min(uris.len());
            let rows =
                room_page_rows(&api, &details.room_id, &uris[start..end], &server_name).await?;
            Ok(Listing {
                rows,
                total: Some(total),
                note,
            })
        }
        Target::File(uri) => {
            let (row, note) = match api.send(&MediaInfo { uri: uri.clone() }).await {
                Ok(info) => (
                    MediaRow::from_details(uri, info.media_info, &server_name),
                    None,
                ),
                Err(e) if e.is_unrecognized() => (
                    MediaRow::bare(uri, &server_name, false),
                    Some(
                        "This Synapse is older than 1.140: it shows one file's details only \
                          in its uploader's or its room's media list. Open one of those to see \
                          whether it is quarantined or protected."
                            .into(),
                    ),
                ),
                Err(e) => return Err(e),
            };
            Ok(Listing {
                rows: vec![row],
                total: None,
                note,
            })
        }
    }
}

/// Every item of a user's list (for "select all in the list"), page by page.
async fn all_user_rows(
    api: Api,
    user_id: UserId,
    server_name: String,
) -> Result<Vec<MediaRow>, ApiError> {
    let media = every_page(
        &api,
        |from| UserMedia {
            user_id: user_id.clone(),
            from,
            limit: 500,
            order: MediaOrder::Created,
            descending: true,
        },
        |page| (page.media, page.next_token),
    )
    .await?;
    Ok(media
        .into_iter()
        .filter_map(|m| MediaRow::from_list(m, &server_name))
        .collect())
}

/// What a confirmation says an action will do.
fn consequence(action: MediaAction, row: &MediaRow) -> String {
    let what = format!(
        "{} ({})",
        row.label(),
        row.size
            .map(format_size)
            .unwrap_or_else(|| "size unknown".into())
    );
    match action {
        MediaAction::Delete => format!("Delete {what} from the server's disk, with its thumbnails. This cannot be undone."),
        MediaAction::Quarantine => format!("Quarantine {what}: nobody can download it any more, and every identical copy on this server is quarantined too."),
        _ => String::new(),
    }
}

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
fn MediaResults(
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
    let listing = LocalResource::new(move || {
        let (target, server_name) = (target.get_value(), server_name.clone());
        let asked = page.get();
        let paging = Paging {
            from: asked * u64::from(page_size.get()),
            limit: page_size.get(),
            order: order.get(),
            descending: descending.get(),
        };
        // With the page it is, so that the pager says what is on screen.
        async move {
            load(api, target, server_name, paging)
                .await
                .map(|found| (asked, found))
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

#[component]
fn MediaTable(
    /// The loaded list.
    found: Listing,
    /// The page asked for (a user's or a room's list).
    page: RwSignal<u64>,
    /// The page `found` is.
    shown: u64,
    /// Items per page.
    page_size: u32,
    /// Paging applies (a user's or a room's list).
    pageable: bool,
    /// Asks for an action on a row.
    request: impl Fn(MediaRow, MediaAction) + Clone + Send + Sync + 'static,
    /// The selected rows.
    selection: Selection,
    /// Selects every item of the list, on every page (a user's list).
    select_all: Option<Callback<()>>,
) -> impl IntoView {
    let total = found.total.unwrap_or(found.rows.len() as u64);
    let paged = pageable && total > u64::from(page_size);
    let has_rows = !found.rows.is_empty();
    let rows = found.rows;
    let page_keys: Vec<(String, MediaRow)> = rows
        .iter()
        .map(|r| (r.uri.to_string(), r.clone()))
        .collect();
    let page_keys = StoredValue::new(page_keys);
    let page_selected = move || {
        selection.with(|s| {
            page_keys
                .with_value(|keys| !keys.is_empty() && keys.iter().all(|(k, _)| s.contains_key(k)))
        })
    };
    let toggle_page = move |on: bool| {
        selection.update(|s| {
            page_keys.with_value(|keys| {
                for (key, row) in keys {
                    if on {
                        s.insert(key.clone(), row.clone());
                    } else {
                        s.remove(key);
                    }
                }
            })
        })
    };
    let summary = if !has_rows {
        "No media.".to_owned()
    } else {
        format!("{} file(s).", thousands(total))
    };
    // Copy, so every row's closures can hold it.
    let request = Callback::new(move |(row, action): (MediaRow, MediaAction)| request(row, action));
    let total_rows = rows.len();
    let body = NodeRef::<html::Tbody>::new();
    let window = use_row_window(body, total_rows);
    let windowed = window.windowed;
    let rows = StoredValue::new(rows);

    view! {
        <p data-testid="media-summary">{summary}</p>
        {found.note.map(|note| view! { <p class="notice">{note}</p> })}
        {select_all.filter(|_| paged).map(|select_all| view! {
            <button type="button" on:click=move |_| select_all.run(())>
                {format!("Select all {} files in the list", thousands(total))}
            </button>
        })}
        <Show when=move || has_rows>
            <table class="media" class:windowed=windowed aria-rowcount=total_rows + 1 data-total=total_rows>
                <thead>
                    <tr>
                        <th scope="col">
                            <input
                                type="checkbox"
                                aria-label="Select all on this page"
                                prop:checked=page_selected
                                on:change=move |ev| toggle_page(event_target_checked(&ev))
                            />
                        </th>
                        <th scope="col">"Preview"</th>
                        <th scope="col">"File"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Uploader"</th>
                        <th scope="col">"Uploaded"</th>
                        <th scope="col">"Last access"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody node_ref=body>
                    <tr aria-hidden="true" class="spacer"><td colspan="9" style:height=move || window.before_px()></td></tr>
                    <For
                        each=move || {
                            let (start, end) = window.range();
                            rows.with_value(|rows| rows[start..end].iter().cloned().enumerate().map(|(i, r)| (start + i, r)).collect::<Vec<_>>())
                        }
                        key=|(_, row)| row.uri.to_string()
                        children=move |(index, row)| view! { <MediaRowView row request selection index /> }
                    />
                    <tr aria-hidden="true" class="spacer"><td colspan="9" style:height=move || window.after_px()></td></tr>
                </tbody>
            </table>
        </Show>
        <Show when=move || paged>
            <Pager noun="Files" page page_size total shown />
        </Show>
    }
}

#[component]
fn MediaRowView(
    /// The item.
    row: MediaRow,
    /// Asks for an action on it.
    request: Callback<(MediaRow, MediaAction)>,
    /// The selected rows.
    selection: Selection,
    /// Its place in the whole list (for `aria-rowindex`).
    index: usize,
) -> impl IntoView {
    let key = row.uri.to_string();
    let selected = {
        let key = key.clone();
        move || selection.with(|s| s.contains_key(&key))
    };
    let toggle = {
        let row = row.clone();
        move |on: bool| {
            selection.update(|s| {
                if on {
                    s.insert(key.clone(), row.clone());
                } else {
                    s.remove(&key);
                }
            })
        }
    };
    let mut badges = Vec::new();
    if row.deleted {
        badges.push(("deleted", "badge failed"));
    }
    if row.quarantined {
        badges.push(("quarantined", "badge failed"));
    }
    if row.protected {
        badges.push(("protected", "badge ok"));
    }
    if !row.local {
        badges.push(("remote", "badge"));
    }
    let toggles = [
        if row.quarantined {
            MediaAction::Unquarantine
        } else {
            MediaAction::Quarantine
        },
        if row.protected {
            MediaAction::Unprotect
        } else {
            MediaAction::Protect
        },
        MediaAction::Delete,
    ];
    let label = row.label();
    view! {
        <tr aria-rowindex=index + 2>
            <td>
                <input
                    type="checkbox"
                    aria-label=format!("Select {label}")
                    prop:checked=selected
                    on:change=move |ev| toggle(event_target_checked(&ev))
                />
            </td>
            <td>
                <Thumbnail row=row.clone() />
            </td>
            <td>
                <div class="file-cell">
                    <span class="file-name">{label.clone()}</span>
                    <span class="muted">{row.media_type.clone().unwrap_or_default()}</span>
                    <code class="muted">{row.uri.to_string()}</code>
                </div>
            </td>
            <td>{row.size.map(format_size).unwrap_or_default()}</td>
            <td class="uploader">{row.uploader.as_ref().map(ToString::to_string).unwrap_or_default()}</td>
            <td>{row.created_ts.map(format_local).unwrap_or_default()}</td>
            <td>{row.last_access_ts.map(format_local).unwrap_or_else(|| "never".into())}</td>
            <td>{badges.into_iter().map(|(text, class)| view! { <span class=class>{text}</span> }).collect_view()}</td>
            <td>
                <div class="row-actions">
                {toggles.into_iter().enumerate().map(|(n, action)| {
                    let reason = row.can(action).err().map(|why| not_applicable(action, why));
                    let aria = format!("{} {label}", action_label(action));
                    // The reason a button is disabled is its accessible description.
                    let reason_id = format!("why-{index}-{n}");
                    let row = row.clone();
                    view! {
                        <button
                            type="button"
                            class:danger=action == MediaAction::Delete && reason.is_none()
                            disabled=reason.is_some()
                            title=reason.unwrap_or_default()
                            aria-label=aria
                            aria-describedby=reason.map(|_| reason_id.clone())
                            on:click=move |_| request.run((row.clone(), action))
                        >
                            {action_label(action)}
                        </button>
                        {reason.map(|why| view! { <span class="visually-hidden" id=reason_id.clone()>{why}</span> })}
                    }
                }).collect_view()}
                </div>
            </td>
        </tr>
    }
}
