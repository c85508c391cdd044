//! Long tables keep only the rows near the screen in the page, so that 1,000 rows
//! render as fast as 50: `use_row_window` says which rows to draw, from where the
//! table's body sits on the screen (see `synapse_api::media::visible_rows`), and the
//! heights of the spacers that stand for the rows left out.

use leptos::html;
use leptos::prelude::*;
use synapse_api::media::visible_rows;

/// Shorter tables are drawn whole.
const WINDOW_FROM: usize = 200;
/// A windowed row's fixed height in CSS pixels (`table.media.windowed tbody tr`).
const ROW_HEIGHT: f64 = 88.0;
/// Rows drawn beyond the screen's edges.
const WINDOW_BUFFER: usize = 8;

/// The rows drawn: `start..end` of `total`.
#[derive(Clone, Copy)]
pub struct RowWindow {
    range: RwSignal<(usize, usize)>,
    total: usize,
    /// Whether rows are left out at all (the table then has fixed row heights).
    pub windowed: bool,
}

impl RowWindow {
    pub fn range(&self) -> (usize, usize) {
        self.range.get()
    }

    /// The space the rows above the window would take.
    pub fn before_px(&self) -> String {
        format!("{}px", self.range.get().0 as f64 * ROW_HEIGHT)
    }

    /// The space the rows below the window would take.
    pub fn after_px(&self) -> String {
        format!(
            "{}px",
            (self.total - self.range.get().1) as f64 * ROW_HEIGHT
        )
    }
}

/// Follows the window's scroll and size for a table body of `total` rows.
pub fn use_row_window(body: NodeRef<html::Tbody>, total: usize) -> RowWindow {
    let windowed = total > WINDOW_FROM;
    let first = if windowed { WINDOW_BUFFER * 3 } else { total };
    let range = RwSignal::new((0, first.min(total)));
    if windowed {
        let update = move || {
            let Some(tbody) = body.get_untracked() else {
                return;
            };
            let top = tbody.get_bounding_client_rect().top();
            let height = web_sys::window()
                .and_then(|w| w.inner_height().ok())
                .and_then(|h| h.as_f64())
                .unwrap_or(900.0);
            let now = visible_rows(total, ROW_HEIGHT, top, height, WINDOW_BUFFER);
            if range.get_untracked() != now {
                range.set(now);
            }
        };
        let on_scroll = window_event_listener(leptos::ev::scroll, move |_| update());
        let on_resize = window_event_listener(leptos::ev::resize, move |_| update());
        on_cleanup(move || {
            on_scroll.remove();
            on_resize.remove();
        });
        // Once the body is in the page, its place on the screen is known.
        Effect::new(move |_| {
            if body.get().is_some() {
                update();
            }
        });
    }
    RowWindow {
        range,
        total,
        windowed,
    }
}
