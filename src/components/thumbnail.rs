//! Media previews. Authenticated media needs the Bearer header, which `<img src>` cannot
//! send, so each preview is fetched into a blob URL: only once its row is on screen, a
//! few at a time, and revoked when the row goes.

use std::cell::Cell;

use leptos::html;
use leptos::prelude::*;
use synapse_api::endpoints::media::thumbnail;
use synapse_api::media::MediaRow;
use synapse_api::ApiError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry};

use crate::api::{use_api, Api};
use crate::http::{revoke_object_url, sleep};
use crate::words::errors::summary;

/// Previews loading at once, across the page.
const MAX_LOADING: usize = 3;
const SMALL: (u32, u32) = (64, 64);
const LARGE: (u32, u32) = (800, 600);

thread_local! {
    static LOADING: Cell<usize> = const { Cell::new(0) };
}

/// Waits for a free slot, then fetches the thumbnail into a blob URL.
async fn load(api: Api, row: &MediaRow, (width, height): (u32, u32)) -> Result<String, ApiError> {
    while LOADING.with(Cell::get) >= MAX_LOADING {
        sleep(50).await;
    }
    LOADING.with(|n| n.set(n.get() + 1));
    let result = api.object_url(thumbnail(&row.uri, width, height)).await;
    LOADING.with(|n| n.set(n.get() - 1));
    result
}

/// Why there is no preview at all, if there is none to fetch.
fn no_preview(row: &MediaRow) -> Option<&'static str> {
    if row.deleted {
        Some("No preview: deleted")
    } else if row.quarantined {
        Some("No preview: quarantined")
    } else if row
        .media_type
        .as_deref()
        .is_some_and(|t| !t.starts_with("image/"))
    {
        Some("No preview for this type")
    } else {
        None
    }
}

/// An observer and its callback, kept together so both go when the row goes.
type Watcher = (
    IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array, IntersectionObserver)>,
);

/// Runs `start` once, the first time `element` comes on screen.
fn when_visible(element: &web_sys::Element, start: impl FnOnce() + 'static) -> Option<Watcher> {
    let mut start = Some(start);
    let callback = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
        move |entries: js_sys::Array, observer: IntersectionObserver| {
            let visible = entries.iter().any(|e| {
                e.unchecked_into::<IntersectionObserverEntry>()
                    .is_intersecting()
            });
            if visible {
                observer.disconnect();
                if let Some(start) = start.take() {
                    start();
                }
            }
        },
    );
    let observer = IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some((observer, callback))
}

/// A small preview that opens a larger one when clicked.
#[component]
pub fn Thumbnail(
    /// The media to preview.
    row: MediaRow,
) -> impl IntoView {
    if let Some(reason) = no_preview(&row) {
        return view! { <span class="no-preview">{reason}</span> }.into_any();
    }
    let api = use_api();
    let src = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    let open = RwSignal::new(false);
    let node = NodeRef::<html::Button>::new();
    let label = row.label();
    let row = StoredValue::new(row);
    let watcher = StoredValue::new_local(None);
    Effect::new(move |_| {
        let Some(button) = node.get() else { return };
        if watcher.with_value(Option::is_some) {
            return;
        }
        let start = move || {
            leptos::task::spawn_local(async move {
                match load(api, &row.get_value(), SMALL).await {
                    // The row may be gone by now: then the URL is revoked at once.
                    Ok(url) => {
                        if src.try_set(Some(url.clone())).is_some() {
                            revoke_object_url(&url);
                        }
                    }
                    Err(_) => {
                        let _ = failed.try_set(true);
                    }
                }
            });
        };
        watcher.set_value(when_visible(&button, start));
    });
    on_cleanup(move || {
        if let Some((observer, _callback)) = watcher.try_update_value(Option::take).flatten() {
            observer.disconnect();
        }
        if let Some(url) = src.try_get_untracked().flatten() {
            revoke_object_url(&url);
        }
    });
    view! {
        <button
            type="button"
            class="thumb"
            node_ref=node
            // The visible words are in the name too (WCAG 2.5.3): "No preview" when it failed.
            aria-label=move || if failed.get() { format!("Preview {label}: no preview") } else { format!("Preview {label}") }
            on:click=move |_| open.set(true)
        >
            {move || match src.get() {
                Some(url) => view! { <img src=url alt="" /> }.into_any(),
                None if failed.get() => view! { <span class="no-preview">"No preview"</span> }.into_any(),
                None => view! { <span class="thumb-placeholder" aria-hidden="true"></span> }.into_any(),
            }}
        </button>
        <Show when=move || open.get()>
            <LargePreview row=row.get_value() on_close=move |()| {
                open.set(false);
                // Back to the thumbnail that opened it, as a dialog does.
                if let Some(button) = node.get_untracked() {
                    let _ = button.focus();
                }
            } />
        </Show>
    }
    .into_any()
}

/// The larger preview, over the page; Escape or the button closes it.
#[component]
fn LargePreview(
    /// The media to show.
    row: MediaRow,
    /// Closes the preview.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let label = row.label();
    let dialog_label = format!("Preview of {label}");
    let alt = dialog_label.clone();
    let image = LocalResource::new(move || {
        let row = row.clone();
        async move { load(api, &row, LARGE).await }
    });
    on_cleanup(move || {
        if let Some(Ok(url)) = image.try_get_untracked().flatten() {
            revoke_object_url(&url);
        }
    });
    let close = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = close.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="overlay" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <div class="preview" role="dialog" aria-modal="true" aria-label=dialog_label.clone()>
                <div class="preview-head">
                    <strong>{label.clone()}</strong>
                    <button type="button" node_ref=close on:click=move |_| on_close.run(())>"Close preview"</button>
                </div>
                {move || match image.get() {
                    None => view! { <p role="status">"Loading the preview…"</p> }.into_any(),
                    Some(Ok(url)) => view! { <img src=url alt=alt.clone() /> }.into_any(),
                    Some(Err(e)) => view! { <p role="alert">{format!("No preview: {}", summary(&e))}</p> }.into_any(),
                }}
            </div>
        </div>
    }
}
