//! One file's row: its details, its state, and the actions that apply to it.

use leptos::prelude::*;
use synapse_api::endpoints::media::MediaAction;
use synapse_api::media::{format_size, MediaRow};

use crate::components::bulk_media::Selection;
use crate::components::thumbnail::Thumbnail;
use crate::time::format_local;
use crate::words::media::{action_label, not_applicable};

#[component]
pub(super) fn MediaRowView(
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
