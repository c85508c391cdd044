//! The frame around every signed-in page: header, navigation, and the way back to
//! sign-in when the session ends.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::components::deployment_problem::DeploymentProblemNotice;
use crate::components::sign_out::SignOut;
use crate::navigation;
use crate::rate_limit::RateLimitNotice;
use crate::session::use_auth;

/// Shows the signed-in pages, or sends the person to sign in, remembering where
/// they were so they land back there afterwards.
#[component]
pub fn Shell() -> impl IntoView {
    let auth = use_auth();
    Effect::new(move |_| {
        if auth.session().get().is_none() {
            let here = navigation::current_path();
            navigation::go_to_sign_in((here != navigation::PUBLIC_URL).then_some(here.as_str()));
        }
    });

    view! {
        <Show when=move || auth.session().get().is_some()>
            <Header />
            <main id="main" class="page">
                <RateLimitNotice />
                <DeploymentProblemNotice />
                {move || auth.not_kept().get().map(|reason| view! {
                    <p class="notice" role="alert">
                        {format!(
                            "Your session's new tokens could not be kept in this tab ({}): it \
                             goes on in this page, but a reload would sign you out.",
                            reason.why()
                        )}
                    </p>
                })}
                <Outlet />
            </main>
        </Show>
    }
}

/// Server, version, signed-in admin, sections, and sign out.
#[component]
fn Header() -> impl IntoView {
    let auth = use_auth();
    let session = move || auth.session().get();
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-name">"Synapse Console"</span>
                <span class="server" data-testid="server">
                    {move || session().map(|s| s.server_name().to_owned())}
                    <span class="version">
                        {move || session().map(|s| format!("Synapse {}", s.server_version))}
                    </span>
                </span>
            </div>
            <nav aria-label="Sections" class="sections">
                <A href=navigation::app_url("") exact=true>
                    "Overview"
                </A>
                <A href=navigation::app_url("purge")>"Purge history"</A>
                <A href=navigation::app_url("media")>"Media"</A>
                <A href=navigation::app_url("storage")>"Storage"</A>
            </nav>
            <div class="account">
                <span>
                    "Signed in as "
                    <strong>{move || session().map(|s| s.user_id.to_string())}</strong>
                </span>
                <SignOut />
            </div>
        </header>
    }
}
