//! The sign-in form: the homeserver first (what it offers is asked as soon as it is
//! known: on arrival when the field is filled, when the field is left, or on submit),
//! then a way to sign in among those it offers. Nothing is sent for input that does
//! not validate. Its elements are made once; `render` brings them in line with the
//! page's state after every change.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use synapse_api::config::Config;
use synapse_api::homeserver::BaseUrl;
use synapse_api::signin::{
    discover, sign_in, validate, validate_homeserver, with_server, CredentialKind, FieldErrors,
    Method, Server, SignInForm as FormText,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

use super::dom::{el, fill, listen, set_flag, set_text};
use super::state::{Discovered, SignInState};
use super::{redirect, words, Page};
use crate::navigation;
use crate::session::last_sign_in;
use crate::time::now_ms;

/// A labelled text input with its hint and its error message, the error announced
/// and tied to the input.
struct TextField {
    root: Element,
    input: HtmlInputElement,
    error: Element,
    hint_id: Option<String>,
    error_id: String,
}

impl TextField {
    fn new(label: &str, id: &str, hint: Option<&str>, kind: &str, autocomplete: &str) -> Self {
        let hint_id = hint.map(|_| format!("{id}-hint"));
        let error_id = format!("{id}-error");
        let input = el("input")
            .attr("id", id)
            .attr("name", id)
            .attr("type", kind)
            .attr("autocomplete", autocomplete)
            .attr("spellcheck", "false")
            .input();
        let error = el("p")
            .class("field-error")
            .attr("id", &error_id)
            .attr("role", "alert")
            .build();
        let mut root = el("div")
            .class("field")
            .child(&el("label").attr("for", id).text(label).build());
        if let (Some(hint), Some(hint_id)) = (hint, &hint_id) {
            root = root.child(&el("p").class("hint").attr("id", hint_id).text(hint).build());
        }
        let field = Self {
            root: root.child(&input).child(&error).build(),
            input,
            error,
            hint_id,
            error_id,
        };
        field.show(None);
        field
    }

    fn value(&self) -> String {
        self.input.value()
    }

    fn show(&self, message: Option<String>) {
        set_text(&self.error, message.as_deref());
        let invalid = if message.is_some() { "true" } else { "false" };
        let _ = self.input.set_attribute("aria-invalid", invalid);
        let described_by: Vec<&str> = self
            .hint_id
            .iter()
            .map(String::as_str)
            .chain(message.is_some().then_some(self.error_id.as_str()))
            .collect();
        let _ = self
            .input
            .set_attribute("aria-describedby", &described_by.join(" "));
    }
}

/// The homeserver: typed, or chosen among the ones `config.json` allows.
enum Homeserver {
    Typed(TextField),
    Chosen {
        root: Element,
        select: HtmlSelectElement,
        error: Element,
    },
}

impl Homeserver {
    fn value(&self) -> String {
        match self {
            Homeserver::Typed(field) => field.value(),
            Homeserver::Chosen { select, .. } => select.value(),
        }
    }

    fn show(&self, message: Option<String>) {
        match self {
            Homeserver::Typed(field) => field.show(message),
            Homeserver::Chosen { error, .. } => set_text(error, message.as_deref()),
        }
    }
}

/// A part of the form that is there or not (taken out, not hidden, so that it is
/// neither read out nor filled in), put in and taken out only when that changes: a
/// field moved in the DOM would lose the focus.
struct Part {
    slot: Element,
    content: Element,
    shown: Cell<bool>,
}

impl Part {
    fn new(content: Element) -> Self {
        Self {
            slot: el("div").build(),
            content,
            shown: Cell::new(false),
        }
    }

    fn show(&self, shown: bool) {
        if self.shown.replace(shown) != shown {
            fill(&self.slot, shown.then_some(&self.content));
        }
    }
}

/// The providers' buttons shown, and the server they are for.
#[derive(Default)]
struct Providers {
    server: Option<Server>,
    buttons: Vec<Element>,
}

pub struct FormView {
    config: Config,
    root: Element,
    homeserver: Homeserver,
    providers_slot: Element,
    providers: RefCell<Providers>,
    choice: Part,
    radios: Vec<(HtmlInputElement, CredentialKind)>,
    password_fields: Part,
    user: TextField,
    password: TextField,
    token_fields: Part,
    token: TextField,
    mas_hint: Part,
    form_error: Element,
    submit: Element,
    status: Element,
}

impl FormView {
    pub fn root(&self) -> &Element {
        &self.root
    }

    /// Brings every element in line with `state`.
    pub fn render(&self, page: &Rc<Page>, state: &SignInState) {
        let text = self.homeserver.value();
        let server = state.server(&text);
        self.homeserver.show(state.homeserver_message());
        self.render_providers(page, server, state.busy);
        self.choice.show(state.password_offered(&text));
        for (radio, kind) in &self.radios {
            radio.set_checked(state.kind == *kind);
        }
        let credential = state.credential(&text);
        self.password_fields
            .show(credential == CredentialKind::Password);
        self.token_fields.show(credential == CredentialKind::Token);
        self.mas_hint
            .show(server.is_some_and(|s| s.oauth().is_some()));
        self.user.show(state.user_message());
        self.password.show(state.password_message());
        self.token.show(state.token_message());
        set_text(&self.form_error, state.form_message().as_deref());
        set_flag(&self.submit, "disabled", state.busy);
        set_text(
            &self.submit,
            Some(if state.busy {
                "Signing in…"
            } else {
                "Sign in"
            }),
        );
        set_text(
            &self.status,
            state
                .busy
                .then_some("Checking the server, the token and admin rights…"),
        );
    }

    fn render_providers(&self, page: &Rc<Page>, server: Option<&Server>, busy: bool) {
        let mut shown = self.providers.borrow_mut();
        if shown.server.as_ref() != server {
            let (group, buttons) = server.map(|s| providers(page, s)).unwrap_or_default();
            fill(&self.providers_slot, group.as_ref());
            *shown = Providers {
                server: server.cloned(),
                buttons,
            };
        }
        for button in &shown.buttons {
            set_flag(button, "disabled", busy);
        }
    }

    /// Empties the secret fields once they have done their work.
    pub fn forget_secrets(&self) {
        self.password.input.set_value("");
        self.token.input.set_value("");
    }
}

/// Makes the form for `page`; `started` then asks the server what it offers.
pub fn build(page: &Rc<Page>, config: Config) -> FormView {
    let last = last_sign_in();
    let homeserver_text = if last.homeserver.is_empty() {
        config.default_homeserver.clone().unwrap_or_default()
    } else {
        last.homeserver
    };
    let homeserver = if config.allowed.is_empty() {
        let field = TextField::new(
            "Homeserver",
            "homeserver",
            Some("A URL like https://matrix.example.org, or a server name like example.org."),
            "text",
            "url",
        );
        field.input.set_value(&homeserver_text);
        // Typing changes which server the field names: the page follows it.
        listen(&field.input, "input", {
            let page = page.clone();
            move |_| page.render()
        });
        Homeserver::Typed(field)
    } else {
        homeserver_choice(page, &config.allowed, &homeserver_text)
    };
    let (choice, radios) = credential_choice(page);
    let user = TextField::new(
        "User name",
        "user",
        Some("Your localpart (admin) or full id (@admin:example.org)."),
        "text",
        "username",
    );
    user.input.set_value(&last.user);
    let password = TextField::new("Password", "password", None, "password", "current-password");
    let token = TextField::new(
        "Access token",
        "token",
        Some("An admin's token, e.g. from Element: Settings, Help & About."),
        "password",
        "off",
    );
    let mas_hint = Part::new(
        el("p")
            .class("hint")
            .text(
                "This server leaves sign-in to its account provider (MAS): a token with admin \
                 rights comes from ",
            )
            .child(&el("code").text(words::MAS_ADMIN_TOKEN).build())
            .build(),
    );
    let password_fields = Part::new(el("div").child(&user.root).child(&password.root).build());
    let token_fields = Part::new(el("div").child(&token.root).child(&mas_hint.slot).build());
    let providers_slot = el("div").build();
    let form_error = el("p").class("form-error").attr("role", "alert").build();
    let submit = el("button")
        .attr("type", "submit")
        .class("primary")
        .text("Sign in")
        .build();
    let status = el("span").attr("role", "status").class("progress").build();
    let homeserver_root = match &homeserver {
        Homeserver::Typed(field) => el("div")
            .on("focusout", {
                let page = page.clone();
                move |_| ask_current(&page)
            })
            .child(&field.root)
            .build(),
        Homeserver::Chosen { root, .. } => root.clone(),
    };
    let root = el("form")
        .class("card sign-in-form")
        .attr("novalidate", "")
        .on("submit", {
            let page = page.clone();
            move |event| {
                event.prevent_default();
                submit_form(&page);
            }
        })
        .child(&el("h2").text("Sign in").build())
        .child(&homeserver_root)
        .child(&providers_slot)
        .child(&choice.slot)
        .child(&password_fields.slot)
        .child(&token_fields.slot)
        .child(&form_error)
        .child(
            &el("div")
                .class("actions")
                .child(&submit)
                .child(&status)
                .build(),
        )
        .child(
            &el("p")
                .class("privacy")
                .text(
                    "Your session stays in this browser tab only (sessionStorage) and ends when \
                     the tab is closed.",
                )
                .build(),
        )
        .build();
    FormView {
        config,
        root,
        homeserver,
        providers_slot,
        providers: RefCell::default(),
        choice,
        radios,
        password_fields,
        user,
        password,
        token_fields,
        token,
        mas_hint,
        form_error,
        submit,
        status,
    }
}

/// Once the form is in the page: draws it, asks about a homeserver already filled in,
/// and tells boot.js the form is up.
pub fn started(page: &Rc<Page>) {
    page.render();
    ask_current(page);
    navigation::sign_in_form_ready();
}

/// "Sign in with": a password or a pasted token.
fn credential_choice(page: &Rc<Page>) -> (Part, Vec<(HtmlInputElement, CredentialKind)>) {
    let mut fieldset = el("fieldset")
        .class("choice")
        .child(&el("legend").text("Sign in with").build());
    let mut radios = Vec::new();
    for (label, kind) in [
        ("User name and password", CredentialKind::Password),
        ("A pasted access token", CredentialKind::Token),
    ] {
        let page = page.clone();
        let radio = el("input")
            .attr("type", "radio")
            .attr("name", "kind")
            .on("change", move |_| page.update(|s| s.kind = kind))
            .input();
        fieldset = fieldset.child(&el("label").class("check").child(&radio).text(label).build());
        radios.push((radio, kind));
    }
    (Part::new(fieldset.build()), radios)
}

/// The homeserver as a choice among the ones `config.json` allows.
fn homeserver_choice(page: &Rc<Page>, allowed: &[BaseUrl], wanted: &str) -> Homeserver {
    let mut select = el("select")
        .attr("id", "homeserver")
        .attr("aria-describedby", "homeserver-error")
        .on("change", {
            let page = page.clone();
            move |_| {
                page.render();
                ask_current(&page);
            }
        });
    for url in allowed {
        select = select.child(
            &el("option")
                .attr("value", url.as_str())
                .text(url.as_str())
                .build(),
        );
    }
    let select: HtmlSelectElement = select.build().unchecked_into();
    // The last homeserver if it is still allowed, else the first allowed.
    if allowed.iter().any(|url| url.as_str() == wanted) {
        select.set_value(wanted);
    }
    let error = el("p")
        .class("field-error")
        .attr("id", "homeserver-error")
        .attr("role", "alert")
        .build();
    let root = el("div")
        .class("field")
        .child(
            &el("label")
                .attr("for", "homeserver")
                .text("Homeserver")
                .build(),
        )
        .child(&select)
        .child(&error)
        .build();
    Homeserver::Chosen {
        root,
        select,
        error,
    }
}

/// The ways to sign in that leave this page: the server's account provider (OAuth)
/// and its single sign-on providers, each a button named for where it goes.
fn providers(page: &Rc<Page>, server: &Server) -> (Option<Element>, Vec<Element>) {
    let buttons: Vec<Element> = server
        .methods
        .iter()
        .filter_map(|method| {
            let label = match method {
                Method::OAuth(metadata) => {
                    format!("Continue with {}", words::issuer_name(&metadata.issuer))
                }
                Method::SingleSignOn(Some(provider)) => format!("Continue with {}", provider.name),
                Method::SingleSignOn(None) => "Continue with single sign-on".into(),
                Method::Password | Method::PastedToken => return None,
            };
            let (page, method, server) = (page.clone(), method.clone(), server.clone());
            let button = el("button")
                .attr("type", "button")
                .class("provider")
                .text(&label)
                .on("click", move |_| {
                    leave_for_provider(&page, &server, &method)
                })
                .build();
            Some(button)
        })
        .collect();
    if buttons.is_empty() {
        return (None, buttons);
    }
    let mut group = el("div")
        .class("providers")
        .attr("role", "group")
        .attr("aria-label", "Sign in through");
    for button in &buttons {
        group = group.child(button);
    }
    (Some(group.build()), buttons)
}

fn leave_for_provider(page: &Rc<Page>, server: &Server, method: &Method) {
    match method {
        Method::OAuth(metadata) => {
            page.update(SignInState::begin);
            let (page, server, metadata) = (page.clone(), server.clone(), metadata.clone());
            spawn_local(async move {
                // On success the page is left; only a failure comes back.
                let transport = page.transport.clone();
                if let Err(failure) = redirect::start_oauth(transport, server, metadata).await {
                    page.update(|s| s.end(Some(failure)));
                }
            });
        }
        Method::SingleSignOn(provider) => {
            page.update(|s| s.failure = None);
            if let Err(failure) = redirect::start_single_sign_on(server, provider.as_ref()) {
                page.update(|s| s.failure = Some(failure));
            }
        }
        Method::Password | Method::PastedToken => {}
    }
}

/// Asks the server named in the field what it offers, unless the text is not a
/// homeserver yet (said on submit, not while typing) or was asked already.
fn ask_current(page: &Rc<Page>) {
    let Some(form) = page.form.get() else {
        return;
    };
    let text = form.homeserver.value();
    let Ok(input) = validate_homeserver(&text, &form.config) else {
        return;
    };
    if page.state.borrow().server(&text).is_some() {
        return;
    }
    let page = page.clone();
    spawn_local(async move {
        let Some(form) = page.form.get() else {
            return;
        };
        let found = discover(page.transport.as_ref(), &input, &form.config).await;
        // An answer for a field that has changed since is not this field's.
        if form.homeserver.value() != text {
            return;
        }
        page.update(|s| match found {
            Ok(server) => s.discovered = Some(Discovered { text, server }),
            Err(failure) => s.failure = Some(failure),
        });
    });
}

fn submit_form(page: &Rc<Page>) {
    let Some(form) = page.form.get() else {
        return;
    };
    let homeserver = form.homeserver.value();
    let (busy, kind, known) = {
        let state = page.state.borrow();
        (
            state.busy,
            state.credential(&homeserver),
            state.server(&homeserver).cloned(),
        )
    };
    if busy {
        return;
    }
    let text = FormText {
        homeserver,
        kind,
        user: form.user.value(),
        password: form.password.value(),
        token: form.token.value(),
    };
    match validate(&text, &form.config) {
        Ok(plan) => {
            page.update(|s| s.errors = FieldErrors::default());
            let transport = page.transport.clone();
            let config = form.config.clone();
            page.run(navigation::next_param(), async move {
                match known {
                    Some(server) => {
                        with_server(transport.as_ref(), &server, plan.credentials, now_ms()).await
                    }
                    None => sign_in(transport.as_ref(), plan, &config, now_ms()).await,
                }
            });
        }
        Err(found) => page.update(|s| {
            // A new attempt's messages replace the last attempt's.
            s.failure = None;
            s.errors = found;
        }),
    }
}
