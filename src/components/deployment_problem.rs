//! A deployment mistake a failed request pointed at, said once for the whole console
//! with what to change on the server (`synapse_api::deployment` finds it).

use leptos::prelude::*;
use synapse_api::deployment::DeploymentProblem;

use crate::api::use_api;

fn words(problem: &DeploymentProblem) -> (String, String) {
    match problem {
        DeploymentProblem::MediaPathNotRouted { path, route } => (
            format!(
                "Synapse's main process answered {path} with \u{201c}Unrecognized request\u{201d}: \
                 on a server with a media repository worker, that means the reverse proxy \
                 sends this media path to the main process instead of the worker."
            ),
            format!(
                "Route the pattern {route} to your media_repository worker in the reverse \
                 proxy (Synapse's docs/workers.md lists every media path), reload it, then \
                 try again."
            ),
        ),
        DeploymentProblem::QuarantineWithoutStreamWriter => (
            "Quarantining failed with a server error. Since Synapse 1.152, a media repository \
             worker can only quarantine if it writes the quarantined_media_changes stream."
                .into(),
            "If this server runs a media worker, add it to homeserver.yaml as \
             stream_writers: {quarantined_media_changes: [<media worker name>]}, restart \
             Synapse, then try again. Otherwise, homeserver.log says why."
                .into(),
        ),
    }
}

/// Shown above the page while a deployment problem is known; dismissable.
#[component]
pub fn DeploymentProblemNotice() -> impl IntoView {
    let problem = use_api().deployment_problem();
    move || {
        problem.get().map(|found| {
            let (what, fix) = words(&found);
            view! {
                <div class="error-view deployment-problem" role="alert">
                    <p class="error-summary">{what}</p>
                    <p>{fix}</p>
                    <button type="button" on:click=move |_| problem.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}
