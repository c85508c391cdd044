//! Any path the console does not know.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::navigation;

#[component]
pub fn NotFound() -> impl IntoView {
    let path = use_location().pathname;
    view! {
        <main id="main" class="page not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{move || path.get()}</code> " in this console."</p>
            <p>
                <A href=navigation::app_url("")>"Go to the overview"</A>
            </p>
        </main>
    }
}
