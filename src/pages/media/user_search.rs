//! Finding a user by name, for admins who do not know the exact id.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::users::ListUsers;
use synapse_api::path::segment;

use crate::api::use_api;
use crate::components::error_view::ErrorView;
use crate::components::pager::Pager;
use crate::navigation;
use synapse_api::paging::thousands;

/// Users per page of a user search.
const USER_SEARCH_PAGE: u32 = 20;

/// Finding a user by name, for admins who do not know the exact id.
#[component]
pub(super) fn UserSearch() -> impl IntoView {
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
