//! Storage: where the space goes (media per user, database per room), and the ways
//! to win it back (delete old local media after a dry run, purge the remote cache).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::statistics::{
    is_postgres_only_refusal, is_room_size_estimate_failure, RoomDatabaseSizes, UsageOrder,
    UserMediaUsage,
};
use synapse_api::media::format_size;
use synapse_api::paging::thousands;
use synapse_api::path::segment;
use synapse_api::reclaim::{all_usage, totals, usage_bars};

use crate::api::use_api;
use crate::components::delete_old_media::DeleteOldMedia;
use crate::components::error_view::ErrorView;
use crate::components::pager::Pager;
use crate::components::remote_cache::PurgeRemoteCache;
use crate::components::usage_chart::UsageChart;
use crate::navigation;

/// Bars in the chart.
const TOP_USERS: usize = 10;
/// Rows per page of the users table.
const TABLE_PAGE: u32 = 20;

#[component]
pub fn StoragePage() -> impl IntoView {
    view! {
        <h1>"Storage"</h1>
        <p class="lede">
            "See where the disk goes, then win it back: delete local media nobody has used \
             for a while (after a dry run that shows exactly what would go), and drop cached \
             copies of other servers' media."
        </p>
        <MediaUsage />
        <UsersTable />
        <RoomSizes />
        <DeleteOldMedia />
        <PurgeRemoteCache />
    }
}

/// Totals and the chart, from every page of the per-user statistics.
#[component]
fn MediaUsage() -> impl IntoView {
    let api = use_api();
    let usage = LocalResource::new(move || async move { all_usage(&api, None).await });
    view! {
        <section class="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">"Media by user"</h2>
            <Transition fallback=|| view! { <p role="status">"Reading media statistics…"</p> }>
                {move || Suspend::new(async move {
                    match usage.await {
                        Ok(users) => {
                            let (files, bytes) = totals(&users);
                            let owners = users.iter().filter(|u| u.user_id.is_some()).count();
                            view! {
                                <p data-testid="media-totals">
                                    {format!(
                                        "{} local file(s), {} in all, uploaded by {} user(s).",
                                        thousands(files),
                                        format_size(bytes),
                                        thousands(owners as u64)
                                    )}
                                </p>
                                <UsageChart bars=usage_bars(&users, TOP_USERS) />
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <ErrorView error retry=move |()| usage.refetch() /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The per-user statistics, sorted, searched and paged by the server.
#[component]
fn UsersTable() -> impl IntoView {
    let api = use_api();
    let order = RwSignal::new(UsageOrder::Bytes);
    let descending = RwSignal::new(true);
    // The page shown (from 0): "Users 51–100 of 20,000" and First to Last.
    let page_no = RwSignal::new(0u64);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(None::<String>);
    let page = LocalResource::new(move || {
        let asked = page_no.get();
        let request = UserMediaUsage {
            from: asked * u64::from(TABLE_PAGE),
            limit: TABLE_PAGE,
            order: order.get(),
            descending: descending.get(),
            search_term: search.get(),
            until_ts: None,
        };
        // With the page it is, so that the pager says what is on screen.
        async move { api.send(&request).await.map(|list| (asked, list)) }
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let term = typed.get_untracked().trim().to_owned();
        page_no.set(0);
        search.set((!term.is_empty()).then_some(term));
    };
    let orders = [
        ("Size", UsageOrder::Bytes),
        ("Number of files", UsageOrder::Count),
        ("User id", UsageOrder::UserId),
        ("Display name", UsageOrder::DisplayName),
    ];
    view! {
        <section class="card" aria-labelledby="users-heading">
            <h2 id="users-heading">"Every user's media"</h2>
            <form class="inline-form" on:submit=on_search novalidate>
                <div class="field">
                    <label for="usage-search">"Search by user id or display name"</label>
                    <input id="usage-search" type="search" bind:value=typed />
                </div>
                <button type="submit">"Search"</button>
            </form>
            <div class="sort">
                <label>
                    "Sort by "
                    <select on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some((_, o)) = orders.iter().find(|(_, o)| o.as_param() == chosen) {
                            page_no.set(0);
                            order.set(*o);
                        }
                    }>
                        {orders
                            .iter()
                            .map(|(label, o)| {
                                let o = *o;
                                view! {
                                    <option value=o.as_param() selected=move || order.get() == o>
                                        {*label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Order "
                    <select on:change=move |ev| {
                        page_no.set(0);
                        descending.set(event_target_value(&ev) == "desc");
                    }>
                        <option value="desc" selected=move || descending.get()>"Largest first"</option>
                        <option value="asc" selected=move || !descending.get()>"Smallest first"</option>
                    </select>
                </label>
            </div>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorView error retry=move |()| page.refetch() /> }.into_any(),
                        Ok((shown, list)) => {
                            let total = list.total;
                            view! {
                                {(total == 0).then(|| view! {
                                    <p role="status" data-testid="usage-summary">"No user matches."</p>
                                })}
                                <table class="usage">
                                    <thead>
                                        <tr>
                                            <th scope="col">"User"</th>
                                            <th scope="col">"Display name"</th>
                                            <th scope="col">"Files"</th>
                                            <th scope="col">"Size"</th>
                                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.users.into_iter().map(|u| {
                                            let who = u.user_id.as_ref().map(ToString::to_string);
                                            let link = u.user_id.as_ref().map(|id| {
                                                let href = navigation::app_url(&format!("media?user={}", segment(id.as_str())));
                                                let label = format!("Show media of {id}");
                                                view! { <a href=href aria-label=label>"Show media"</a> }
                                            });
                                            view! {
                                                <tr>
                                                    <td>{who.unwrap_or_else(|| "no user (URL previews)".into())}</td>
                                                    <td>{u.displayname.clone().unwrap_or_default()}</td>
                                                    <td>{thousands(u.media_count)}</td>
                                                    <td>{format_size(u.media_length)}</td>
                                                    <td>{link}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {(total > 0).then(|| view! {
                                    <Pager noun="Users" page=page_no page_size=TABLE_PAGE total shown />
                                })}
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Why Synapse's room size estimate fails on PostgreSQL (see
/// `is_room_size_estimate_failure`), in words for the person reading the page.
const ROOM_SIZE_ESTIMATE_FAILED: &str =
    "Synapse's estimate fails when PostgreSQL's statistics list no rooms for one of the \
     tables it reads. Synapse no longer records rooms in one of them (event_edges), so on a \
     server set up with a recent Synapse it fails every time; an empty table on a new server \
     does too. Nothing is wrong with your rooms, and purging history still frees space.";

/// The rooms that take the most database space, where Synapse can tell (PostgreSQL).
#[component]
fn RoomSizes() -> impl IntoView {
    let api = use_api();
    let sizes = LocalResource::new(move || async move { api.send(&RoomDatabaseSizes).await });
    view! {
        <section class="card" aria-labelledby="rooms-size-heading">
            <h2 id="rooms-size-heading">"Largest rooms in the database"</h2>
            <Transition fallback=|| view! { <p role="status">"Asking for room sizes…"</p> }>
                {move || Suspend::new(async move {
                    match sizes.await {
                        Err(error) if is_postgres_only_refusal(&error) => view! {
                            <p role="status" data-testid="room-sizes">
                                "This server keeps its database in SQLite: Synapse estimates room \
                                 sizes only on PostgreSQL. Purging a room's history still frees \
                                 space; see Purge history."
                            </p>
                        }.into_any(),
                        Err(error) => {
                            let hint = is_room_size_estimate_failure(&error).then_some(ROOM_SIZE_ESTIMATE_FAILED);
                            view! { <ErrorView error retry=move |()| sizes.refetch() hint /> }.into_any()
                        }
                        Ok(list) if list.rooms.is_empty() => view! {
                            <p role="status" data-testid="room-sizes">"No room sizes are known yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="usage" data-testid="room-sizes">
                                <thead>
                                    <tr>
                                        <th scope="col">"Room"</th>
                                        <th scope="col">"Estimated size"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.rooms.into_iter().map(|room| {
                                        let href = navigation::app_url(&format!("purge?room={}", segment(room.room_id.as_str())));
                                        let label = format!("Purge history of {}", room.room_id);
                                        view! {
                                            <tr>
                                                <td><code>{room.room_id.to_string()}</code></td>
                                                <td>{format_size(room.estimated_size)}</td>
                                                <td><a href=href aria-label=label>"Purge history"</a></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
