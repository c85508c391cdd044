//! Loading `config.json` from next to `index.html`, and saying what is wrong with it.

use leptos::prelude::*;
use synapse_api::client::send_request;
use synapse_api::config::{Config, ConfigProblem};
use synapse_api::Request;

use crate::api::Api;
use crate::navigation;

/// The deployment's config once loaded: `Ok(default)` when there is no file, `Err`
/// when there is one that cannot be used (sign-in then stays closed: see `Config`).
/// `None` while it loads.
pub type ConfigState = RwSignal<Option<Result<Config, ConfigProblem>>>;

/// Starts loading the config. A plain task and signal rather than a LocalResource:
/// this runs on the sign-in page, the first visit's whole download, where Leptos's
/// async resources cost 8 KB of gzip (README, Measured).
pub fn load(api: Api) -> ConfigState {
    let state = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let request = Request::get(String::new()).anonymous();
        // Next to the console's index.html, also when asked from the sign-in page.
        let url = navigation::app_url("config.json");
        let loaded = match send_request(api.transport().as_ref(), url, &request, None).await {
            Ok(raw) => Config::from_response(raw.status, &raw.body),
            Err(_) => Err(ConfigProblem::Unreachable),
        };
        state.set(Some(loaded));
    });
    state
}

pub fn use_config() -> ConfigState {
    expect_context::<ConfigState>()
}

/// What a person reads when the config stops sign-in: the problem, then the fix.
pub fn problem_text(problem: &ConfigProblem) -> String {
    let file = navigation::app_url("config.json");
    match problem {
        ConfigProblem::Invalid { detail } => format!(
            "Sign-in is closed: this console's settings file ({file}) is not valid: {detail}. \
             Fix it (README: config.json lists its keys), or remove it to allow any homeserver, \
             then reload this page."
        ),
        ConfigProblem::UnusableUrl { value, reason } => format!(
            "Sign-in is closed: restrictBaseUrl in this console's settings file ({file}) lists \
             \"{value}\", which is not a homeserver URL ({}). Write it like \
             https://matrix.example.org, then reload this page.",
            reason.0
        ),
        ConfigProblem::Unreadable { status } => format!(
            "Sign-in is closed: the web server answered HTTP {status} for this console's \
             settings file ({file}), so its restrictions cannot be checked. Make the file \
             readable by the web server, or remove it, then reload this page."
        ),
        ConfigProblem::Unreachable => format!(
            "Sign-in is closed: this console's settings file ({file}) could not be loaded (no \
             answer from the web server). Check your connection and reload this page."
        ),
    }
}
