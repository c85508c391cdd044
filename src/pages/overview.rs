//! The landing page: which server this is, and a first look at it.

use futures::future::try_join;
use leptos::prelude::*;
use leptos_router::components::A;
use synapse_api::endpoints::rooms::ListRooms;
use synapse_api::endpoints::users::ListUsers;
use synapse_api::session::SignInMethod;
use synapse_api::ApiError;

use crate::api::use_api;
use crate::components::error_view::ErrorView;
use crate::navigation;
use crate::session::use_auth;

#[component]
pub fn Overview() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    // Both counts at once: this is the first page after signing in.
    let counts = LocalResource::new(move || async move {
        let rooms = ListRooms {
            limit: Some(1),
            ..Default::default()
        };
        let users = ListUsers {
            limit: Some(1),
            ..Default::default()
        };
        let (rooms, users) = try_join(api.send(&rooms), api.send(&users)).await?;
        Ok::<_, ApiError>((rooms.total_rooms, users.total))
    });
    let session = move || auth.session().get();

    view! {
        <h1>"Overview"</h1>
        <section class="card" aria-labelledby="server-heading">
            <h2 id="server-heading">"This server"</h2>
            <dl class="facts">
                <dt>"Server name"</dt>
                <dd>{move || session().map(|s| s.server_name().to_owned())}</dd>
                <dt>"Homeserver URL"</dt>
                <dd>{move || session().map(|s| s.homeserver.to_string())}</dd>
                <dt>"Synapse version"</dt>
                <dd>{move || session().map(|s| s.server_version)}</dd>
                <dt>"Signed in as"</dt>
                <dd>{move || session().map(|s| s.user_id.to_string())}</dd>
                <dt>"Session"</dt>
                <dd>
                    {move || {
                        session()
                            .map(|s| match s.method {
                                SignInMethod::Password => "Made here with a password",
                                SignInMethod::PastedToken => "A pasted access token",
                                SignInMethod::SingleSignOn => "Made here with single sign-on",
                                SignInMethod::OAuth => {
                                    "Made here with the server's account provider (OAuth 2.0)"
                                }
                            })
                    }}
                </dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="counts-heading">
            <h2 id="counts-heading">"At a glance"</h2>
            <Transition fallback=|| view! { <p role="status">"Counting rooms and users…"</p> }>
                {move || Suspend::new(async move {
                    match counts.await {
                        Ok((rooms, users)) => {
                            view! {
                                <dl class="facts">
                                    <dt>"Rooms"</dt>
                                    <dd data-testid="room-count">{rooms}</dd>
                                    <dt>"Local users"</dt>
                                    <dd data-testid="user-count">{users}</dd>
                                </dl>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <ErrorView error retry=move |()| counts.refetch() /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        <section class="sections-grid" aria-label="What you can do">
            <A href=navigation::app_url("purge")>
                <strong>"Purge history"</strong>
                <span>"Delete a room's old messages up to an event or a date, and follow each purge to its end."</span>
            </A>
            <A href=navigation::app_url("media")>
                <strong>"Media"</strong>
                <span>"Find a room's or a user's media; quarantine, protect or delete it; free disk space."</span>
            </A>
            <A href=navigation::app_url("storage")>
                <strong>"Storage"</strong>
                <span>"See which users' media fill the disk; delete old media after a dry run; purge the remote cache."</span>
            </A>
        </section>
    }
}
