//! Loading `config.json` from next to `index.html`, and saying what is wrong with it.

use synapse_api::client::{send_request, Transport};
use synapse_api::config::{Config, ConfigProblem};
use synapse_api::Request;

use crate::navigation;
use crate::words::ids::id_problem;

/// The deployment's config: `Ok(default)` when there is no file, `Err` when there is
/// one that cannot be used (sign-in then stays closed: see `Config`).
pub async fn fetch(transport: &dyn Transport) -> Result<Config, ConfigProblem> {
    let request = Request::get(String::new()).anonymous();
    // Next to the console's index.html, also when asked from the sign-in page.
    let url = navigation::app_url("config.json");
    match send_request(transport, url, &request, None).await {
        Ok(raw) => Config::from_response(raw.status, &raw.body),
        Err(_) => Err(ConfigProblem::Unreachable),
    }
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
            id_problem(reason)
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
