//! Browser test (wasm-bindgen-test in headless Chromium): the page a panic leaves.
//! It renders into a container here, not into <body>, which the test runner uses;
//! a real panic cannot be caught in wasm (`panic = "abort"`), so the hook itself
//! only calls this same function.

use synapse_console::render_panic_page;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A container holding some "app" content, as <body> does when a panic happens.
fn page_with_app() -> HtmlElement {
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    let app = document().create_element("main").unwrap();
    app.set_attribute("class", "the-app").unwrap();
    app.append_child(&document().create_text_node("Media"))
        .unwrap();
    root.append_child(&app).unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

fn by_role(root: &Element, role: &str) -> Vec<Element> {
    let selector = match role {
        "alert" => "[role=alert]",
        "heading" => "h1, h2, h3, [role=heading]",
        "button" => "button, [role=button]",
        "main" => "main, [role=main]",
        other => panic!("no selector for role {other}"),
    };
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().unchecked_into())
        .collect()
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
fn replaces_the_page_with_an_alert_a_heading_and_a_reload_button() {
    let root = page_with_app();
    render_panic_page(&root).unwrap();

    assert!(
        root.query_selector(".the-app").unwrap().is_none(),
        "the frozen app is gone"
    );
    let mains = by_role(&root, "main");
    assert_eq!(mains.len(), 1, "one main landmark");

    let alerts = by_role(&root, "alert");
    assert_eq!(alerts.len(), 1);
    let alert = &alerts[0];
    let headings = by_role(alert, "heading");
    assert_eq!(headings.len(), 1);
    assert_eq!(text(&headings[0]), "Something went wrong");
    let message = text(alert);
    assert!(message.contains("Reload"), "{message}");
    assert!(
        message.contains("you stay signed in") && message.contains("purges you follow"),
        "says what reloading keeps: {message}"
    );

    let buttons = by_role(&root, "button");
    assert_eq!(buttons.len(), 1);
    let reload = &buttons[0];
    assert_eq!(text(reload), "Reload");
    assert_eq!(reload.get_attribute("type").as_deref(), Some("button"));
    assert_eq!(
        document().active_element().as_ref(),
        Some(reload),
        "the button has focus, for the keyboard"
    );
    root.remove();
}

#[wasm_bindgen_test]
fn renders_text_only_and_once_even_if_called_again() {
    let root = page_with_app();
    render_panic_page(&root).unwrap();
    render_panic_page(&root).unwrap();
    assert_eq!(by_role(&root, "alert").len(), 1, "replaced, not appended");
    // Only elements the page itself made: no markup parsed from strings.
    let all = root.query_selector_all("*").unwrap();
    let tags: Vec<String> = (0..all.length())
        .map(|i| all.item(i).unwrap().node_name().to_lowercase())
        .collect();
    assert_eq!(tags, ["main", "div", "h1", "p", "button"]);
    root.remove();
}
