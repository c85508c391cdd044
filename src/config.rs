//! Loading `config.json` from next to `index.html`.

use leptos::prelude::*;
use synapse_api::client::send_request;
use synapse_api::config::Config;
use synapse_api::Request;

use crate::api::Api;
use crate::navigation;

/// The deployment's config: `Ok(default)` when there is no file, `Err(message)` when
/// there is one that cannot be used (sign-in then stays closed: see `Config`).
pub type ConfigResource = LocalResource<Result<Config, String>>;

pub fn load(api: Api) -> ConfigResource {
    LocalResource::new(move || async move {
        let request = Request::get(String::new()).anonymous();
        // Next to the console's index.html, also when asked from the sign-in page.
        match send_request(
            api.transport().as_ref(),
            navigation::app_url("config.json"),
            &request,
            None,
        )
        .await
        {
            Ok(raw) if raw.status == 404 => Ok(Config::default()),
            Ok(raw) if raw.status == 200 => Config::from_json(&raw.body),
            Ok(raw) => Err(format!(
                "config.json could not be loaded (HTTP {}). Reload the page; if it persists, \
                 check the web server that serves this console.",
                raw.status
            )),
            Err(err) => Err(format!(
                "config.json could not be loaded: {}",
                err.summary()
            )),
        }
    })
}

pub fn use_config() -> ConfigResource {
    expect_context::<ConfigResource>()
}
