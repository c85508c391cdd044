//! Browser tests (wasm-bindgen-test in headless Chromium): components mounted in a
//! real DOM, driven by events, against a fake transport that counts requests.

mod common;

use std::rc::Rc;

use common::{clear_session_storage, yield_now, FakeTransport};
use synapse_api::config::Config;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Puts the sign-in form in a fresh container.
fn mount_form(transport: Rc<FakeTransport>) -> HtmlElement {
    clear_session_storage();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    synapse_console::mount_sign_in_form(&container, transport, Config::default());
    container
}

/// Lets the page's tasks run until the form stops changing (the fake transport
/// answers at once, so a few turns of the event loop are enough).
async fn settle(root: &HtmlElement) {
    let mut before = root.inner_html();
    for _ in 0..50 {
        yield_now().await;
        let now = root.inner_html();
        if now == before {
            return;
        }
        before = now;
    }
    panic!("the form never settled");
}

fn input(root: &HtmlElement, id: &str) -> HtmlInputElement {
    root.query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("no #{id}"))
        .unchecked_into()
}

fn type_into(root: &HtmlElement, id: &str, text: &str) {
    let field = input(root, id);
    field.set_value(text);
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn click_radio(root: &HtmlElement, label: &str) {
    let labels = root.query_selector_all("label.check").unwrap();
    for i in 0..labels.length() {
        let node: HtmlElement = labels.item(i).unwrap().unchecked_into();
        if node.text_content().unwrap_or_default().contains(label) {
            node.click();
            return;
        }
    }
    panic!("no option {label}");
}

fn error_of(root: &HtmlElement, id: &str) -> String {
    root.query_selector(&format!("#{id}-error"))
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

fn form_error(root: &HtmlElement) -> String {
    root.query_selector(".form-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

async fn submit(root: &HtmlElement) {
    let button: HtmlElement = root
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    settle(root).await;
}

fn stored_session() -> Option<String> {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item("synapse-console.session")
        .unwrap()
}

const PASSWORD_FLOWS: &str = r#"{"flows":[{"type":"m.login.password"},{"type":"m.login.token"}]}"#;
const NOT_FOUND: &str = r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#;

/// Leaves the homeserver field, which asks the server what it offers.
async fn leave_homeserver(root: &HtmlElement) {
    let init = web_sys::FocusEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::FocusEvent::new_with_focus_event_init_dict("focusout", &init).unwrap();
    input(root, "homeserver").dispatch_event(&event).unwrap();
    settle(root).await;
}

fn buttons(root: &HtmlElement) -> Vec<String> {
    let found = root.query_selector_all("button").unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn a_server_that_delegates_to_mas_offers_oauth_and_the_token_not_the_password() {
    let transport = FakeTransport::new(&[
        (200, r#"{"server_version":"1.163.2"}"#),
        (404, NOT_FOUND),
        (
            200,
            r#"{"issuer":"http://127.0.0.1:8090/","authorization_endpoint":"http://127.0.0.1:8090/authorize","token_endpoint":"http://127.0.0.1:8090/oauth2/token","registration_endpoint":"http://127.0.0.1:8090/oauth2/registration"}"#,
        ),
    ]);
    let root = mount_form(transport.clone());
    type_into(&root, "homeserver", "http://127.0.0.1:8008");
    leave_homeserver(&root).await;
    assert_eq!(
        buttons(&root),
        ["Continue with 127.0.0.1:8090", "Sign in"],
        "OAuth first, no SSO"
    );
    assert!(root.query_selector("#password").unwrap().is_none());
    assert!(root.query_selector("#token").unwrap().is_some());
    assert!(
        root.text_content()
            .unwrap()
            .contains("issue-compatibility-token"),
        "the token hint names MAS's command"
    );
    assert_eq!(transport.requests(), 3, "nothing sent but discovery");
}

#[wasm_bindgen_test]
async fn each_single_sign_on_provider_is_a_button_named_for_it() {
    let transport = FakeTransport::new(&[
        (200, r#"{"server_version":"1.163.2"}"#),
        (
            200,
            r#"{"flows":[{"type":"m.login.sso","identity_providers":[{"id":"oidc-a","name":"Company SSO"},{"id":"oidc-b","name":"<b>GitLab</b>"}]},{"type":"m.login.token"}]}"#,
        ),
        (404, NOT_FOUND),
        (404, NOT_FOUND),
    ]);
    let root = mount_form(transport.clone());
    type_into(&root, "homeserver", "http://127.0.0.1:8008");
    leave_homeserver(&root).await;
    assert_eq!(
        buttons(&root),
        [
            "Continue with Company SSO",
            "Continue with <b>GitLab</b>",
            "Sign in"
        ],
        "server-provided names are text"
    );
    assert!(root.query_selector("b").unwrap().is_none());
    assert!(
        root.query_selector("#password").unwrap().is_none(),
        "password login is off there"
    );
}

#[wasm_bindgen_test]
async fn empty_form_shows_a_message_per_field_and_sends_nothing() {
    let transport = FakeTransport::new(&[]);
    let root = mount_form(transport.clone());
    submit(&root).await;
    assert!(error_of(&root, "homeserver").starts_with("Enter your homeserver"));
    assert!(error_of(&root, "user").starts_with("Enter your user name"));
    assert_eq!(error_of(&root, "password"), "Enter your password.");
    assert_eq!(
        input(&root, "homeserver")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(
        transport.urls.borrow().is_empty(),
        "no request before the input is valid"
    );
}

#[wasm_bindgen_test]
async fn malformed_homeserver_and_token_are_refused_before_any_request() {
    let transport = FakeTransport::new(&[]);
    let root = mount_form(transport.clone());
    click_radio(&root, "A pasted access token");
    settle(&root).await;
    type_into(&root, "homeserver", "ftp://matrix.example.org");
    type_into(&root, "token", "Bearer syt_abc");
    submit(&root).await;
    assert!(
        error_of(&root, "homeserver").contains("https://"),
        "{}",
        error_of(&root, "homeserver")
    );
    assert!(error_of(&root, "token").contains("without the word Bearer"));
    assert!(transport.requests() == 0);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_explained_at_the_homeserver_field() {
    let transport = FakeTransport::new(&[(0, "")]);
    let root = mount_form(transport.clone());
    type_into(&root, "homeserver", "http://127.0.0.1:9");
    type_into(&root, "user", "admin");
    type_into(&root, "password", "secret");
    submit(&root).await;
    let message = error_of(&root, "homeserver");
    assert!(
        message.contains("Could not reach http://127.0.0.1:9"),
        "{message}"
    );
    assert!(message.contains("CORS"), "{message}");
    // Discovery asks three things at once (the auth metadata at two paths), then stops.
    assert_eq!(
        *transport.urls.borrow(),
        [
            "http://127.0.0.1:9/_synapse/admin/v1/server_version",
            "http://127.0.0.1:9/_matrix/client/v3/login",
            "http://127.0.0.1:9/_matrix/client/v1/auth_metadata",
            "http://127.0.0.1:9/_matrix/client/unstable/org.matrix.msc2965/auth_metadata",
        ]
    );
    assert_eq!(stored_session(), None);
}

#[wasm_bindgen_test]
async fn a_non_admin_is_refused_and_nothing_is_stored() {
    let transport = FakeTransport::new(&[
        (200, r#"{"server_version":"1.163.2"}"#),
        (200, PASSWORD_FLOWS),
        (404, NOT_FOUND),
        (404, NOT_FOUND),
        (200, r#"{"user_id":"@alice:localhost","device_id":"D"}"#),
        (
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#,
        ),
    ]);
    let root = mount_form(transport.clone());
    click_radio(&root, "A pasted access token");
    settle(&root).await;
    type_into(&root, "homeserver", "http://127.0.0.1:8008");
    type_into(&root, "token", "syt_alice");
    submit(&root).await;
    assert!(
        form_error(&root).contains("@alice:localhost is signed in but is not a server admin"),
        "{}",
        form_error(&root)
    );
    assert_eq!(transport.requests(), 6);
    assert_eq!(
        transport.urls.borrow()[5],
        "http://127.0.0.1:8008/_synapse/admin/v2/users/%40alice%3Alocalhost"
    );
    assert_eq!(stored_session(), None);
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_explained_at_the_password_field() {
    let transport = FakeTransport::new(&[
        (200, r#"{"server_version":"1.163.2"}"#),
        (200, PASSWORD_FLOWS),
        (404, NOT_FOUND),
        (404, NOT_FOUND),
        (
            403,
            r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#,
        ),
    ]);
    let root = mount_form(transport.clone());
    type_into(&root, "homeserver", "http://127.0.0.1:8008");
    type_into(&root, "user", "admin");
    type_into(&root, "password", "wrong");
    submit(&root).await;
    assert!(error_of(&root, "password").starts_with("Wrong user name or password"));
    assert_eq!(stored_session(), None);
}
