//! The table of one page of media: selection of the page or the whole list, the
//! rows (only those near the screen are drawn), and the pager.

use leptos::html;
use leptos::prelude::*;
use synapse_api::endpoints::media::MediaAction;
use synapse_api::media::MediaRow;

use super::listing::Listing;
use super::row::MediaRowView;
use crate::components::bulk_media::Selection;
use crate::components::pager::Pager;
use crate::components::row_window::use_row_window;
use crate::words::media::listing_note;
use synapse_api::paging::thousands;

#[component]
pub(super) fn MediaTable(
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
        {found.note.map(|note| view! { <p class="notice">{listing_note(note)}</p> })}
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
