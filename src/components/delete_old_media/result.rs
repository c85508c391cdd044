//! What the dry run found, the dialog that deletes exactly that, and the server's
//! answer beside the dry run's.

use leptos::prelude::*;
use synapse_api::media::format_size;
use synapse_api::paging::thousands;
use synapse_api::path::segment;
use synapse_api::reclaim::{DeleteOutcome, DryRunReport};
use synapse_api::ApiError;

use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::navigation;
use crate::time::format_local;

use super::words::describe_rule;

/// What the dry run found, and the confirmation that deletes exactly that rule.
#[component]
pub fn DryRunResult(
    /// The dry run's findings.
    report: DryRunReport,
    /// Sends the real delete with the report's rule.
    delete: Action<DryRunReport, Result<(DryRunReport, DeleteOutcome), ApiError>>,
) -> impl IntoView {
    let Some(rule) = report.rule else {
        return ().into_any();
    };
    let n = thousands(report.count as u64);
    let bytes = format_size(report.bytes);
    let rule_text = describe_rule(&rule);
    if !report.complete {
        return view! {
            <p role="status" class="notice" data-testid="dry-run-summary">
                {format!(
                    "Dry run cancelled after {} user(s): {n} file(s), {bytes}, found so far. \
                     Run it to the end to delete.",
                    thousands(report.users_scanned as u64)
                )}
            </p>
        }
        .into_any();
    }
    let k = report.kept;
    let unread = if report.files_not_read > 0 {
        format!(
            " ({} of them without reading them: by their uploader's total, or uploaded after the date)",
            thousands(report.files_not_read)
        )
    } else {
        String::new()
    };
    let kept = format!(
        "Kept: {} used since the date, {} not larger than the size, {} quarantined, {} protected, {} avatar(s). {} file(s) checked{unread}; {} request(s).",
        thousands(k.used_since),
        thousands(k.not_larger),
        thousands(k.quarantined),
        thousands(k.protected),
        thousands(k.avatar),
        thousands(report.files_seen),
        thousands(u64::from(report.requests))
    );
    let mut warnings = Vec::new();
    for (user, why) in &report.unreadable {
        warnings.push(format!(
            "The media of {user} could not be read ({why}): the server may delete some of it too."
        ));
    }
    if report.unattributed_files > 0 {
        warnings.push(format!(
            "{} file(s) belong to no user (URL previews): the dry run cannot list them, and the server may delete them too.",
            report.unattributed_files
        ));
    }
    if report.rooms_unchecked > 0 {
        warnings.push(format!(
            "The avatars of {} room(s) could not be read: the dry run may list a room avatar that the server keeps.",
            report.rooms_unchecked
        ));
    }
    let avatar_note = rule.keep_profiles.then_some(
        "Synapse also keeps avatars named in older membership events (a picture replaced since, \
         or set for one room only), which the admin API does not list: the server may keep a few \
         files the dry run lists.",
    );
    let largest = report.largest.clone();
    let confirm = (report.count > 0).then(|| {
        let for_delete = StoredValue::new(report.clone());
        let trigger = format!("Delete these {n} files…");
        // The dialog's question, its confirm button and what it says.
        let words = StoredValue::new((
            format!("Delete {n} files?"),
            format!("Delete {n} files ({bytes})"),
            format!("Delete {n} local file(s), {bytes}, {rule_text}. Their thumbnails go too. This cannot be undone."),
        ));
        let confirming = RwSignal::new(false);
        let done = move || delete.value().with(|v| v.as_ref().is_some_and(Result::is_ok));
        view! {
            <div class="actions">
                <button
                    type="button"
                    class="danger"
                    disabled=move || delete.pending().get() || done()
                    on:click=move |_| confirming.set(true)
                >
                    {move || if delete.pending().get() { "Deleting…".to_owned() } else { trigger.clone() }}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <ConfirmDialog
                    title=words.with_value(|w| w.0.clone())
                    confirm=words.with_value(|w| w.1.clone())
                    busy=delete.pending()
                    on_confirm=Callback::new(move |()| {
                        confirming.set(false);
                        delete.dispatch(for_delete.get_value());
                    })
                    on_cancel=Callback::new(move |()| confirming.set(false))
                >
                    <p>{words.with_value(|w| w.2.clone())}</p>
                </ConfirmDialog>
            </Show>
        }
    });
    view! {
        <div class="dry-run" data-testid="dry-run">
            <p role="status" class="notice" data-testid="dry-run-summary">
                {if report.count == 0 {
                    format!("Nothing would be deleted: no file is {rule_text}.")
                } else {
                    format!("The dry run found {n} file(s), {bytes}, that would be deleted: {rule_text}.")
                }}
            </p>
            <p class="muted" data-testid="dry-run-kept">{kept}</p>
            {avatar_note.map(|note| view! { <p class="hint">{note}</p> })}
            {(!warnings.is_empty()).then(|| view! {
                <ul class="warnings">{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            })}
            {(!largest.is_empty()).then(|| view! {
                <table class="usage" aria-label="Largest files that would be deleted">
                    <thead>
                        <tr>
                            <th scope="col">"File"</th>
                            <th scope="col">"Uploader"</th>
                            <th scope="col">"Size"</th>
                            <th scope="col">"Last used"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {largest.into_iter().map(|c| {
                            let server = c.uploader.server_name().to_owned();
                            let href = navigation::app_url(&format!("media?mxc={}", segment(&format!("mxc://{server}/{}", c.media_id))));
                            let label = c.name.clone().unwrap_or_else(|| c.media_id.to_string());
                            view! {
                                <tr>
                                    <td><a href=href>{label}</a></td>
                                    <td>{c.uploader.to_string()}</td>
                                    <td>{format_size(c.size)}</td>
                                    <td>{format_local(c.last_used_ts)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {confirm}
            {move || match delete.value().get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
                Some(Ok((report, outcome))) => view! { <DeleteResult report outcome /> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

/// The server's count beside the dry run's, and any difference by id.
#[component]
fn DeleteResult(
    /// The dry run the delete followed.
    report: DryRunReport,
    /// What the delete did.
    outcome: DeleteOutcome,
) -> impl IntoView {
    let headline = format!(
        "The server deleted {} file(s); the dry run found {}.",
        thousands(outcome.total),
        thousands(report.count as u64)
    );
    let detail = match &outcome.comparison {
        None => "The dry run's list of ids was not kept in this tab, so only the counts can be compared.".to_owned(),
        Some(c) if c.is_exact() => "They are the same files.".to_owned(),
        Some(c) => {
            let mut parts = Vec::new();
            if !c.only_previewed.is_empty() {
                parts.push(format!(
                    "Kept by the server though the dry run listed them: {}.",
                    c.only_previewed.join(", ")
                ));
            }
            if !c.only_deleted.is_empty() {
                parts.push(format!(
                    "Deleted though not in the dry run (used or changed meanwhile, or beyond what it could see): {}.",
                    c.only_deleted.join(", ")
                ));
            }
            parts.join(" ")
        }
    };
    view! {
        <div class="notice" role="status" data-testid="delete-result">
            <p>{headline}</p>
            <p>{detail}</p>
            {outcome.deleted.map(|ids| view! {
                <details>
                    <summary>"Deleted media ids"</summary>
                    // One text, one id a line: 50,000 ids stay one DOM node.
                    <pre class="id-list">{ids.as_lines().to_owned()}</pre>
                </details>
            })}
        </div>
    }
}
