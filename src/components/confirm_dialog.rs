//! The one confirmation every destructive action takes: a modal `<dialog>`. Shown, it
//! takes the focus and keeps it (the page behind is inert); Escape or Cancel closes
//! it and the focus goes back to the button that opened it. The confirm button is
//! named for its effect and count ("Delete 12 files"), never just "OK".

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Dialog;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};

/// Shown while it is in the view: the parent decides with a signal (`Some` of what is
/// being confirmed) and takes it out on `on_cancel` or once the action is done.
#[component]
pub fn ConfirmDialog(
    /// The question, the dialog's name; by default the confirm button's text asked
    /// ("Delete 12 files?").
    #[prop(optional, into)]
    title: Option<String>,
    /// The confirm button's text: the effect and its count.
    #[prop(into)]
    confirm: String,
    /// While the action runs, the confirm button waits.
    #[prop(into)]
    busy: Signal<bool>,
    /// Runs the action.
    on_confirm: Callback<()>,
    /// Closes without acting (Cancel, Escape).
    on_cancel: Callback<()>,
    /// What will happen, in words (and, for some, what went wrong).
    children: Children,
) -> impl IntoView {
    let title = title.unwrap_or_else(|| format!("{confirm}?"));
    let dialog = NodeRef::<Dialog>::new();
    // Where the focus goes back to when the dialog goes.
    let opener = SendWrapper::new(active_element());
    let shown = Rc::new(RefCell::new(None::<HtmlDialogElement>));
    dialog.on_load({
        let shown = shown.clone();
        // The element exists before it is in the page, and only a dialog in the page
        // can be shown: after the render that inserts it.
        move |element: HtmlDialogElement| {
            *shown.borrow_mut() = Some(element.clone());
            queue_microtask(move || show(element));
        }
    });
    // Cleanups must be Send; this one runs on the page's only thread.
    let shown = SendWrapper::new(shown);
    on_cleanup(move || {
        if let Some(element) = shown.borrow_mut().take() {
            element.close();
        }
        if let Some(opener) = opener.as_ref().filter(|o| o.is_connected()) {
            let _ = opener.focus();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby="confirm-title"
            on:cancel=move |event: web_sys::Event| {
                // Escape: closed by taking the dialog out of the view, like Cancel.
                event.prevent_default();
                on_cancel.run(());
            }
        >
            <h2 id="confirm-title">{title}</h2>
            {children()}
            <div class="actions">
                <button type="button" class="danger" disabled=busy on:click=move |_| on_confirm.run(())>
                    {confirm}
                </button>
                // The focus starts on the harmless choice: Enter alone never destroys.
                <button type="button" autofocus=true on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </dialog>
    }
}

fn show(dialog: HtmlDialogElement) {
    if dialog.is_connected() {
        let _ = dialog.show_modal();
    } else {
        request_animation_frame(move || {
            let _ = dialog.show_modal();
        });
    }
}

fn active_element() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<HtmlElement>()
        .ok()
}
