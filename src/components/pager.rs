//! Paging controls for a server-paged list: where you are ("Files 51–100 of 50,000")
//! and First, Previous, Next and Last.

use leptos::prelude::*;
use synapse_api::paging::{thousands, PageWindow};

#[component]
pub fn Pager(
    /// What the list holds, for "Files 51–100 of …".
    noun: &'static str,
    /// The page shown (from 0).
    page: RwSignal<u64>,
    /// Items per page.
    page_size: u32,
    /// Items in the whole list.
    total: u64,
    /// The page whose items are on screen, when it can lag behind `page` (a list that
    /// keeps showing the last page while the next one loads): the position and the
    /// buttons then follow what is shown, not what was asked for.
    #[prop(optional)]
    shown: Option<u64>,
) -> impl IntoView {
    let window = move || PageWindow::new(shown.unwrap_or_else(|| page.get()), page_size, total);
    let nav = NodeRef::<leptos::html::Nav>::new();
    // The pager sits below its list: paging from there starts the new page at its top,
    // not at its end. A list whose top is on screen is left where it is.
    let go = move |to: u64| {
        page.set(to);
        if let Some(list) = nav
            .get_untracked()
            .and_then(|n| n.previous_element_sibling())
        {
            if list.get_bounding_client_rect().top() < 0.0 {
                list.scroll_into_view();
            }
        }
    };
    let at_start = move || !window().has_previous();
    let at_end = move || !window().has_next();
    let position = move || {
        let w = window();
        format!(
            "{noun} {}\u{2013}{} of {} (page {} of {})",
            thousands(w.first),
            thousands(w.last),
            thousands(w.total),
            thousands(w.page + 1),
            thousands(w.pages)
        )
    };
    view! {
        <nav class="pager" aria-label=format!("{noun} pages") node_ref=nav>
            <p class="pager-position" role="status">{position}</p>
            <div class="actions">
                <button type="button" disabled=at_start on:click=move |_| go(0)>
                    "First page"
                </button>
                <button type="button" disabled=at_start on:click=move |_| go(window().page.saturating_sub(1))>
                    "Previous page"
                </button>
                <button type="button" disabled=at_end on:click=move |_| go(window().page + 1)>
                    "Next page"
                </button>
                <button type="button" disabled=at_end on:click=move |_| go(window().last_page())>
                    "Last page"
                </button>
            </div>
        </nav>
    }
}
