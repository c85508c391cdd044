//! Signing out: what it does on the server depends on how the session was made.

use leptos::prelude::*;
use synapse_api::session::SignInMethod;
use synapse_api::signin::checks;

use crate::api::use_api;
use crate::session::{use_auth, Notice};

/// A password, SSO or OAuth session is ended on the server too. A pasted token may
/// be in use elsewhere, so it is only invalidated if the admin ticks the box for it.
#[component]
pub fn SignOut() -> impl IntoView {
    let auth = use_auth();
    let api = use_api();
    let asking = RwSignal::new(false);
    let invalidate = RwSignal::new(false);
    let sign_out = Action::new_local(move |end_on_server: &bool| {
        let end_on_server = *end_on_server;
        async move {
            let mut notice = Notice::SignedOut;
            if let (true, Some(session)) = (end_on_server, auth.current()) {
                if let Err(err) = checks::end_on_server(api.transport().as_ref(), &session).await {
                    if !err.is_unauthorized() {
                        notice = Notice::SignedOutServerUnreachable;
                    }
                }
            }
            auth.signed_out(notice);
        }
    });
    let pasted = move || {
        auth.session()
            .with(|s| s.as_ref().map(|s| s.method) == Some(SignInMethod::PastedToken))
    };
    let busy = sign_out.pending();

    view! {
        <div class="sign-out">
            <button
                type="button"
                aria-expanded=move || if pasted() { Some(asking.get().to_string()) } else { None }
                disabled=busy
                on:click=move |_| {
                    if pasted() {
                        asking.update(|open| *open = !*open);
                    } else {
                        sign_out.dispatch(true);
                    }
                }
            >
                {move || if busy.get() { "Signing out…" } else { "Sign out" }}
            </button>
            <Show when=move || asking.get() && pasted()>
                <div class="sign-out-panel" role="group" aria-label="Sign out">
                    <p>
                        "This session uses a pasted access token. Signing out forgets it in this tab."
                    </p>
                    <label class="check">
                        <input type="checkbox" bind:checked=invalidate />
                        "Also invalidate the token on the server (it stops working everywhere it is used)"
                    </label>
                    <div class="actions">
                        <button
                            type="button"
                            class="primary"
                            on:click=move |_| {
                                sign_out.dispatch(invalidate.get_untracked());
                            }
                        >
                            "Sign out now"
                        </button>
                        <button type="button" on:click=move |_| asking.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </div>
            </Show>
        </div>
    }
}
