//! Acting on many media items: the selected ones with a progress bar and a result per
//! item, or everything of a room or a user through the server's own bulk endpoints.

use std::collections::BTreeMap;

use leptos::prelude::*;
use synapse_api::endpoints::media::{ActOnMedia, DeleteUserMediaPage, MediaAction, QuarantineAll};
use synapse_api::ids::UserId;
use synapse_api::media::{format_size, progress_of, run_bulk, BulkProgress, MediaRow};

use crate::api::use_api;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::media_outcome::MediaOutcome;
use crate::words::errors;
use crate::words::media::{self as words, action_label, past_tense};

/// Requests in flight at once during a bulk action: enough to be quick, few enough not
/// to crowd a busy server.
const IN_FLIGHT: usize = 4;
/// `DELETE users/<id>/media` deletes this many per call.
const DELETE_PAGE: u32 = 100;

/// The selection: rows by URI.
pub type Selection = RwSignal<BTreeMap<String, MediaRow>>;

/// The bar above the list while items are selected.
#[component]
pub fn BulkBar(
    /// The selected rows.
    selection: Selection,
    /// Called when a run ends, to reload the list.
    #[prop(into)]
    on_done: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let confirming = RwSignal::new(None::<MediaAction>);
    let progress = RwSignal::new(BulkProgress::default());
    let failures = RwSignal::new(Vec::<String>::new());
    let summary = RwSignal::new(None::<String>);
    let cancel = RwSignal::new(false);
    // What failed in the last run, to run again on those rows only.
    let retry = RwSignal::new(None::<(MediaAction, Vec<MediaRow>)>);
    let run = Action::new_local(move |(action, chosen): &(MediaAction, Vec<MediaRow>)| {
        let action = *action;
        let (rows, skipped): (Vec<MediaRow>, Vec<MediaRow>) = chosen
            .iter()
            .cloned()
            .partition(|row| row.can(action).is_ok());
        cancel.set(false);
        retry.set(None);
        failures.set(Vec::new());
        summary.set(None);
        progress.set(BulkProgress {
            total: rows.len(),
            ..Default::default()
        });
        async move {
            let results = run_bulk(
                &rows,
                IN_FLIGHT,
                |row: &MediaRow| {
                    let request = ActOnMedia {
                        action,
                        uri: row.uri.clone(),
                    };
                    async move { api.send(&request).await.map(|_| ()) }
                },
                || cancel.get_untracked(),
                |index, result| {
                    progress.update(|p| match result {
                        Ok(()) => p.succeeded += 1,
                        Err(_) => p.failed += 1,
                    });
                    if let Err(e) = result {
                        let row = &rows[index];
                        failures
                            .update(|f| f.push(format!("{}: {}", row.label(), errors::summary(e))));
                    }
                },
            )
            .await;
            let failed_rows: Vec<MediaRow> = results
                .iter()
                .zip(&rows)
                .filter(|(result, _)| matches!(result, Some(Err(_))))
                .map(|(_, row)| row.clone())
                .collect();
            retry.set((!failed_rows.is_empty()).then_some((action, failed_rows)));
            let done = progress_of(&results);
            let mut text = format!("{} {}", done.succeeded, past_tense(action));
            if done.failed > 0 {
                text.push_str(&format!(", {} failed", done.failed));
            }
            if done.skipped > 0 {
                text.push_str(&format!(", {} not started (cancelled)", done.skipped));
            }
            if !skipped.is_empty() {
                text.push_str(&format!(
                    ", {} left out (the action does not apply to them)",
                    skipped.len()
                ));
            }
            summary.set(Some(format!("{text}.")));
            progress.update(|p| p.skipped = done.skipped);
            selection.set(BTreeMap::new());
            confirming.set(None);
            on_done.run(());
        }
    });
    let count = move || selection.with(BTreeMap::len);
    let bytes = move || selection.with(|s| s.values().filter_map(|r| r.size).sum::<u64>());
    let selected_rows = move || selection.get_untracked().into_values().collect::<Vec<_>>();
    let start = move |action: MediaAction| {
        if matches!(action, MediaAction::Delete | MediaAction::Quarantine) {
            confirming.set(Some(action));
        } else {
            run.dispatch((action, selected_rows()));
        }
    };
    let actions = [
        MediaAction::Quarantine,
        MediaAction::Unquarantine,
        MediaAction::Protect,
        MediaAction::Unprotect,
        MediaAction::Delete,
    ];

    view! {
        <Show when=move || count() != 0 || run.pending().get()>
            <div class="bulk" role="group" aria-label="Selected files">
                <span>{move || format!("{} selected ({})", count(), format_size(bytes()))}</span>
                {actions.into_iter().map(|action| view! {
                    <button type="button" disabled=move || run.pending().get() on:click=move |_| start(action)>
                        {format!("{} selected", action_label(action))}
                    </button>
                }).collect_view()}
                <button type="button" disabled=move || run.pending().get() on:click=move |_| selection.set(BTreeMap::new())>
                    "Clear selection"
                </button>
            </div>
        </Show>
        {move || confirming.get().map(|action| {
            let n = count();
            let text = words::selection_consequence(action, n, bytes());
            let effect = words::many_files(action, n);
            view! {
                <ConfirmDialog
                    confirm=effect
                    busy=run.pending()
                    // The dialog goes as the run starts: its progress and Cancel are on the page.
                    on_confirm=Callback::new(move |()| {
                        confirming.set(None);
                        run.dispatch((action, selected_rows()));
                    })
                    on_cancel=Callback::new(move |()| confirming.set(None))
                >
                    <p>{text}</p>
                </ConfirmDialog>
            }
        })}
        <Show when=move || run.pending().get()>
            <div class="progress-box">
                <label for="bulk-progress">"Progress"</label>
                <progress id="bulk-progress" max=move || progress.get().total value=move || progress.get().done()></progress>
                <span role="status">{move || { let p = progress.get(); format!("{} / {} done", p.done(), p.total) }}</span>
                <button type="button" on:click=move |_| cancel.set(true) disabled=move || cancel.get()>
                    {move || if cancel.get() { "Cancelling…" } else { "Cancel" }}
                </button>
            </div>
        </Show>
        <p class="notice" role="status" hidden=move || summary.get().is_none()>{move || summary.get()}</p>
        <Show when=move || !failures.with(Vec::is_empty)>
            <div class="error-view" role="alert">
                <p class="error-summary">"These failed:"</p>
                <ul>{move || failures.get().into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                {move || retry.get().map(|(action, rows)| {
                    let label = format!("Retry the {} that failed ({})", rows.len(), action_label(action).to_lowercase());
                    view! {
                        <button type="button" disabled=move || run.pending().get() on:click=move |_| {
                            run.dispatch((action, rows.clone()));
                        }>{label}</button>
                    }
                })}
            </div>
        </Show>
    }
}

/// What a whole-room or whole-user action applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Everything {
    Room {
        room: synapse_api::ids::RoomId,
        files: u64,
    },
    User {
        user: UserId,
        files: u64,
    },
}

/// What is done to everything at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WholeAction {
    Quarantine,
    /// A user's only.
    Delete,
}

/// Quarantine (or, for a user, delete) everything, through Synapse's own endpoints.
#[component]
pub fn AllMediaActions(
    /// Whose media.
    scope: Everything,
    /// Called when an action ends, to reload the list.
    #[prop(into)]
    on_done: Callback<()>,
    /// Where the outcome is told: the page's status region, which outlives this
    /// component (the reload after the action replaces it).
    message: RwSignal<Option<MediaOutcome>>,
) -> impl IntoView {
    let api = use_api();
    let confirming = RwSignal::new(None::<WholeAction>);
    let deleted_so_far = RwSignal::new(0u64);
    let scope = StoredValue::new(scope);
    let (whose, files, is_user) = scope.with_value(|s| match s {
        Everything::Room { room, files } => (format!("room {room}"), *files, false),
        Everything::User { user, files } => (user.to_string(), *files, true),
    });
    let run = Action::new_local(move |whole: &WholeAction| {
        let delete = *whole == WholeAction::Delete;
        async move {
            let result = match (scope.get_value(), delete) {
                (Everything::Room { room, .. }, _) => api
                    .send(&QuarantineAll::Room(room))
                    .await
                    .map(|q| MediaOutcome::QuarantinedAll {
                        count: q.num_quarantined,
                        newly: false,
                    }),
                (Everything::User { user, .. }, false) => api
                    .send(&QuarantineAll::User(user))
                    .await
                    .map(|q| MediaOutcome::QuarantinedAll {
                        count: q.num_quarantined,
                        newly: true,
                    }),
                (Everything::User { user, .. }, true) => {
                    deleted_so_far.set(0);
                    let mut outcome = Ok(());
                    // One page per call: repeat until a call deletes nothing.
                    loop {
                        let page = DeleteUserMediaPage {
                            user_id: user.clone(),
                            limit: DELETE_PAGE,
                        };
                        match api.send(&page).await {
                            Ok(done) if done.total == 0 => break,
                            Ok(done) => deleted_so_far.update(|n| *n += done.total),
                            Err(e) => {
                                outcome = Err(e);
                                break;
                            }
                        }
                    }
                    outcome.map(|()| MediaOutcome::DeletedAll {
                        count: deleted_so_far.get_untracked(),
                    })
                }
            };
            message.set(Some(result.unwrap_or_else(MediaOutcome::AllFailed)));
            confirming.set(None);
            on_done.run(());
        }
    });
    let whose_q = whose.clone();
    view! {
        <div class="actions all-actions">
            <button type="button" disabled=move || run.pending().get() on:click=move |_| confirming.set(Some(WholeAction::Quarantine))>
                {if is_user { format!("Quarantine all media of {whose}") } else { "Quarantine all media in this room".to_owned() }}
            </button>
            <Show when=move || is_user>
                <button type="button" class="danger" disabled=move || run.pending().get() on:click=move |_| confirming.set(Some(WholeAction::Delete))>
                    {format!("Delete all media of {whose_q}")}
                </button>
            </Show>
        </div>
        {move || confirming.get().map(|whole| {
            let text = words::whole_consequence(whole, files, &whose);
            let effect = words::whole_effect(whole, files);
            view! {
                <ConfirmDialog
                    confirm=effect
                    busy=run.pending()
                    // The dialog goes as the run starts: its progress is told on the page.
                    on_confirm=Callback::new(move |()| {
                        confirming.set(None);
                        run.dispatch(whole);
                    })
                    on_cancel=Callback::new(move |()| confirming.set(None))
                >
                    <p>{text}</p>
                </ConfirmDialog>
            }
        })}
        <Show when=move || run.pending().get() && deleted_so_far.get() != 0>
            <p role="status">{move || format!("Deleted {} of {files} so far…", deleted_so_far.get())}</p>
        </Show>
    }
}
