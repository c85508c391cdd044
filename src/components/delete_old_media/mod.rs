//! Delete local media by age and size: the form (`rule_form`), the dry run (what
//! would go, found by applying Synapse's own rule to every user's media), the named
//! confirmation and the server's answer beside the dry run's (`result`).

mod result;
mod rule_form;
mod words;

use leptos::prelude::*;
use synapse_api::endpoints::media::{DeleteOldMedia as DeleteOld, DeleteOldPath};
use synapse_api::ids::ServerName;
use synapse_api::reclaim::{
    dry_run, validate_delete_old, DeleteOldErrors, DeleteOldForm, DeleteOldRule, DeleteOutcome,
    DryRunReport, SavedReclaim, ScanProgress, SizeUnit,
};
use synapse_api::ApiError;

use crate::api::use_api;
use crate::components::error_view::ErrorView;
use crate::components::reclaim_record::{keep, saved_for, Keeping, KeepingNotice};
use crate::time::{format_local, now_ms, offset_minutes_at};

use self::result::DryRunResult;
use self::rule_form::RuleForm;
use self::words::describe_progress;

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

    let on_dry_run = move |()| {
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
            <RuleForm
                date
                size
                unit
                keep_avatars
                errors
                running=dry.pending()
                busy=Signal::derive(move || dry.pending().get() || delete.pending().get())
                on_submit=Callback::new(on_dry_run)
            />
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
