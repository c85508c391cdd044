//! The top users by media bytes, as bars. Each bar is a link to that user's media.

use leptos::prelude::*;
use synapse_api::media::format_size;
use synapse_api::paging::thousands;
use synapse_api::path::segment;
use synapse_api::reclaim::Bar;

use crate::navigation;

/// Bar widths are in this SVG's own units; the SVG scales to its box.
const CHART_WIDTH: f64 = 400.0;

/// A list of links, each with its user, its size and a plain SVG bar scaled to the
/// largest: a screen reader reads the links' text, everyone can click a bar.
#[component]
pub fn UsageChart(
    /// Largest first (see `synapse_api::reclaim::usage_bars`).
    bars: Vec<Bar>,
) -> impl IntoView {
    if bars.is_empty() {
        return view! { <p class="muted">"No user has uploaded media."</p> }.into_any();
    }
    view! {
        <ol class="usage-chart" aria-label="Users with the most media, by size">
            {bars
                .into_iter()
                .map(|bar| {
                    let href = navigation::app_url(&format!("media?user={}", segment(bar.user_id.as_str())));
                    let size = format_size(bar.bytes);
                    // A sliver stays visible for tiny shares.
                    let width = (bar.share * CHART_WIDTH).max(2.0);
                    view! {
                        <li>
                            <a href=href class="usage-bar">
                                <span class="usage-name">{bar.label.clone()}</span>
                                <svg
                                    class="usage-svg"
                                    viewBox=format!("0 0 {CHART_WIDTH} 16")
                                    preserveAspectRatio="none"
                                    aria-hidden="true"
                                    focusable="false"
                                >
                                    <rect x="0" y="0" width=format!("{width:.1}") height="16" rx="3"></rect>
                                </svg>
                                <span class="usage-size">{format!("{size} in {} file(s)", thousands(bar.files))}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
