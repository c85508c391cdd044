//! What a panic leaves on screen: a "Something went wrong" page with a Reload button,
//! instead of a page that silently stopped responding.
//!
//! The release profile has `panic = "abort"`: the hook below still runs first (std
//! calls the hook, then traps), so it is the last code the wasm instance runs.
//! Hence the page is built with plain web-sys calls (no Leptos: its reactive state
//! may be mid-update) and the button's listener is a JS function, not a Rust
//! closure (nothing may call back into the dead instance).

use std::sync::Once;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// Both bundles call this first: panics are still logged to the console (with the
/// message and location), then the page is replaced by [`render`].
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let body = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body());
            if let Some(body) = body {
                // Nothing left to report a failure to: the console already has the panic.
                let _ = render(&body);
            }
        }));
    });
}

/// Replaces everything in `root` (the page's `<body>`) with the message. Text nodes
/// only. Reloading loses nothing: the session and the followed purges are written to
/// the tab's sessionStorage as they change (see `storage`, `purge_tracker`).
pub fn render(root: &Element) -> Result<(), JsValue> {
    let document = root
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    root.replace_children_with_node_0();

    let main = element(&document, "main", &[("id", "main"), ("class", "page")])?;
    let alert = element(
        &document,
        "div",
        &[("role", "alert"), ("class", "error-view")],
    )?;
    let heading = element(&document, "h1", &[])?;
    heading.append_child(&document.create_text_node("Something went wrong"))?;
    let text = element(&document, "p", &[])?;
    text.append_child(&document.create_text_node(
        "The console stopped because of an error and cannot continue on this page. \
         Reload it: you stay signed in, and the purges you follow are kept, because both \
         are kept in this tab's session storage. Details are in the browser's console.",
    ))?;
    alert.append_child(&heading)?;
    alert.append_child(&text)?;

    let button = element(
        &document,
        "button",
        &[("type", "button"), ("class", "primary")],
    )?;
    button.append_child(&document.create_text_node("Reload"))?;
    // `location.reload` bound to `location`: a plain JS function, see the module docs.
    let location = document
        .location()
        .ok_or_else(|| JsValue::from_str("no location"))?;
    let reload: js_sys::Function =
        js_sys::Reflect::get(&location, &JsValue::from_str("reload"))?.dyn_into()?;
    button.add_event_listener_with_callback("click", &reload.bind0(&location))?;

    main.append_child(&alert)?;
    main.append_child(&button)?;
    root.append_child(&main)?;
    // Keyboard users can reload at once.
    if let Some(button) = button.dyn_ref::<web_sys::HtmlElement>() {
        let _ = button.focus();
    }
    Ok(())
}

fn element(
    document: &Document,
    tag: &str,
    attributes: &[(&str, &str)],
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    for (name, value) in attributes {
        element.set_attribute(name, value)?;
    }
    Ok(element)
}
