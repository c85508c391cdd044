//! Delete local media by age and size: the form, the dry run (what would go, found
//! by applying Synapse's own rule to every user's media), the named confirmation,
//! and the server's answer beside the dry run's.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::endpoints::media::{DeleteOldMedia as DeleteOld, DeleteOldPath};
use synapse_api::ids::ServerName;
use synapse_api::media::format_size;
use synapse_api::paging::thousands;
use synapse_api::path::segment;
use synapse_api::reclaim::{
    dry_run, validate_delete_old, DeleteOldErrors, DeleteOldForm, DeleteOldRule, DeleteOutcome,
    DryRunReport, SavedReclaim, ScanPhase, ScanProgress, SizeUnit,
};
use synapse_api::ApiError;

use crate::api::use_api;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_view::ErrorView;
use crate::components::field::DateTimeField;
use crate::components::reclaim_record::{keep, saved_for, Keeping, KeepingNotice};
use crate::navigation;
use crate::time::{format_local, now_ms, offset_minutes_at};

/// "not used since 2026-11-01 12:00:00 and larger than 1.0 MiB".
fn describe_rule(rule: &DeleteOldRule) -> String {
    let size = if rule.size_gt == 0 {
        "of any size".to_owned()
    } else {
        format!("larger than {}", format_size(rule.size_gt))
    };
    let avatars = if rule.keep_profiles {
        "profile pictures and room avatars kept"
    } else {
        "profile pictures and room avatars included"
    };
    format!(
        "not used since {} and {size}; {avatars}",
        format_local(rule.before_ts)
    )
}

fn describe_progress(p: &ScanProgress) -> String {
    match p.phase {
        ScanPhase::ListingUsers => "Listing the users who uploaded media…".into(),
        ScanPhase::ReadingMedia => format!(
            "Reading media: {} of {} users, {} files so far.",
            p.users_done, p.users_total, p.files_seen
        ),
        ScanPhase::CheckingAvatars => format!(
            "Checking avatars: {} of {} rooms.",
            p.rooms_done, p.rooms_total
        ),
    }
}

/// The section: inputs, dry run, confirmation, result.
#[component]
pub fn DeleteOldMedia() -> impl IntoView {
    let api = use_api();
    let date = RwSignal::new(String::new());
    let size = RwSignal::new(String::new());
    let unit = RwSignal::new(SizeUnit::MiB);
    let keep_avatars = RwSignal::new(true);
    let errors = RwSignal::new(DeleteOldErrors::default());
    let scan = RwSignal::new(ScanProgress::default());
    let cancel = RwSignal::new(false);
    let homeserver = api
        .auth()
        .current()
        .map(|s| s.homeserver.to_string())
        .unwrap_or_default();
    // When the shown dry run ended: `None` for one run on this page, else the time of
    // the one read back after a reload.
    let restored_at = RwSignal::new(None::<u64>);
    // A reload shows the last dry run and delete again; each new result replaces them,
    // and is kept as it arrives.
    let saved = StoredValue::new(saved_for(&homeserver));
    let keeping = RwSignal::new(None::<Keeping>);
    let homeserver = StoredValue::new(homeserver);

    let dry = Action::new_local(move |rule: &DeleteOldRule| {
        let rule = *rule;
        async move {
            let server: ServerName = api
                .auth()
                .current()
                .and_then(|s| s.server_name().parse().ok())
                .ok_or_else(ApiError::not_signed_in)?;
            let report = dry_run(
                &api,
                rule,
                &server,
                move || cancel.get_untracked(),
                move |p| scan.set(p),
            )
            .await?;
            let record = SavedReclaim {
                homeserver: homeserver.get_value(),
                ran_at_ms: now_ms(),
                report: report.clone(),
                outcome: None,
            };
            keeping.set(Some(keep(&record)));
            saved.set_value(Some(record));
            Ok(report)
        }
    });
    let delete = Action::new_local(move |report: &DryRunReport| {
        let report = report.clone();
        async move {
            let session = api.auth().current();
            let (version, server) = session
                .map(|s| (s.server_version.clone(), s.server_name().parse().ok()))
                .unwrap_or_default();
            let (Some(rule), Some(server)) = (report.rule, server) else {
                return Err(ApiError::not_signed_in());
            };
            let request = DeleteOld {
                path: DeleteOldPath::for_server(&version, server),
                before_ts: rule.before_ts,
                size_gt: rule.size_gt,
                keep_profiles: rule.keep_profiles,
            };
            let deleted = api.send(&request).await?;
            let outcome = DeleteOutcome::of(&report, &deleted);
            if let Some(record) = saved.get_value() {
                let record = record.after_delete(outcome.clone());
                keeping.set(Some(keep(&record)));
                saved.set_value(Some(record));
            }
            Ok((report, outcome))
        }
    });

    if let Some(saved) = saved.get_value() {
        restored_at.set(Some(saved.ran_at_ms));
        dry.value().set(Some(Ok(saved.report.clone())));
        if let Some(outcome) = saved.outcome {
            delete.value().set(Some(Ok((saved.report, outcome))));
        }
    }

    let on_dry_run = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = DeleteOldForm {
            not_used_since: date.get_untracked(),
            larger_than: size.get_untracked(),
            unit: unit.get_untracked(),
            keep_avatars: keep_avatars.get_untracked(),
        };
        delete.value().set(None);
        restored_at.set(None);
        match validate_delete_old(&form, now_ms(), offset_minutes_at) {
            Ok(rule) => {
                errors.set(DeleteOldErrors::default());
                cancel.set(false);
                scan.set(ScanProgress::default());
                dry.dispatch(rule);
            }
            Err(found) => {
                dry.value().set(None);
                errors.set(found);
            }
        }
    };

    view! {
        <section class="card" aria-labelledby="reclaim-heading">
            <h2 id="reclaim-heading">"Delete old local media"</h2>
            <p>
                "Deletes files uploaded to this server that nobody has viewed since a date \
                 (or, never viewed, uploaded before it), with their thumbnails. Quarantined and \
                 protected files are never deleted this way. A dry run shows first what would go."
            </p>
            <form on:submit=on_dry_run novalidate>
                <DateTimeField
                    label="Not used since"
                    id="reclaim-date"
                    value=date
                    error=Signal::derive(move || errors.read().date.clone())
                />
                <div class="field">
                    <label for="reclaim-size">"Larger than"</label>
                    <p class="hint" id="reclaim-size-hint">"Empty or 0: files of any size."</p>
                    <div class="size-input">
                        <input
                            id="reclaim-size"
                            type="text"
                            inputmode="decimal"
                            bind:value=size
                            aria-describedby="reclaim-size-hint reclaim-size-error"
                            aria-invalid=move || if errors.read().size.is_some() { "true" } else { "false" }
                        />
                        <select
                            aria-label="Size unit"
                            on:change=move |ev| {
                                if let Ok(u) = event_target_value(&ev).parse() {
                                    unit.set(u);
                                }
                            }
                        >
                            {SizeUnit::ALL
                                .into_iter()
                                .map(|u| view! {
                                    <option value=u.label() selected=move || unit.get() == u>{u.label()}</option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <p class="field-error" id="reclaim-size-error" role="alert">
                        {move || errors.read().size.clone()}
                    </p>
                </div>
                <label class="check">
                    <input type="checkbox" bind:checked=keep_avatars />
                    "Keep profile pictures and room avatars"
                </label>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || dry.pending().get() || delete.pending().get()>
                        {move || if dry.pending().get() { "Dry run running…" } else { "Dry run: find what would be deleted" }}
                    </button>
                </div>
            </form>
            <Show when=move || dry.pending().get()>
                <div class="progress-box">
                    <label for="reclaim-progress">"Dry run"</label>
                    <progress
                        id="reclaim-progress"
                        max=move || scan.get().users_total.max(1)
                        value=move || scan.get().users_done
                    ></progress>
                    <span role="status">{move || describe_progress(&scan.get())}</span>
                    <button type="button" on:click=move |_| cancel.set(true) disabled=move || cancel.get()>
                        {move || if cancel.get() { "Cancelling…" } else { "Cancel dry run" }}
                    </button>
                </div>
            </Show>
            {move || match dry.value().get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <ErrorView error /> }.into_any(),
                Some(Ok(report)) => view! {
                    {move || restored_at.get().map(|at| view! {
                        <p class="hint" data-testid="dry-run-restored">
                            {format!(
                                "This dry run ended at {}, before the page was reloaded: run it again for the files as they are now.",
                                format_local(at)
                            )}
                        </p>
                    })}
                    <DryRunResult report delete />
                    <KeepingNotice keeping />
                }
                .into_any(),
            }}
        </section>
    }
}

/// What the dry run found, and the confirmation that deletes exactly that rule.
#[component]
fn DryRunResult(
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
        let effect = format!("Delete {n} files ({bytes})");
        let text = StoredValue::new(format!(
            "Delete {n} local file(s), {bytes}, {rule_text}. Their thumbnails go too. This cannot be undone."
        ));
        let effect = StoredValue::new(effect);
        let (trigger, title) = (format!("Delete these {n} files…"), format!("Delete {n} files?"));
        let title = StoredValue::new(title);
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
                    title=title.get_value()
                    confirm=effect.get_value()
                    busy=delete.pending()
                    on_confirm=Callback::new(move |()| {
                        confirming.set(false);
                        delete.dispatch(for_delete.get_value());
                    })
                    on_cancel=Callback::new(move |()| confirming.set(false))
                >
                    <p>{text.get_value()}</p>
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
