//! The sign-in page (its own bundle): asks the server what it offers, then signs in
//! with a password, a pasted token, single sign-on or OAuth 2.0, and finishes a
//! redirect flow that came back here.
//!
//! It is written without Leptos, on plain DOM calls (`dom`): this page is the whole
//! of a first visit, and Leptos's reactive graph and views were half of its wasm (README,
//! Measured). The state is plain data (`state`); the form draws itself from it after
//! every change (`form::FormView::render`).

mod dom;
mod form;
mod redirect;
mod state;
mod words;

use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
use std::rc::Rc;

use synapse_api::client::Transport;
use synapse_api::config::Config;
use synapse_api::session::{Session, SignInMethod};
use synapse_api::signin::checks::end_on_server;
use synapse_api::signin::pending::Arrival;
use synapse_api::signin::{safe_return_path, SignInFailure};
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;

use self::dom::{el, set_flag, set_text};
use self::form::FormView;
use self::state::SignInState;
use crate::config;
use crate::http::BrowserTransport;
use crate::navigation;
use crate::rate_limit::{WaitReport, Waits};
use crate::session::{keep_signed_in, stored_session, take_notice, Notice};

/// The page's state, the transport, and the form once the config allows it.
pub struct Page {
    transport: Rc<dyn Transport>,
    state: RefCell<SignInState>,
    form: OnceCell<FormView>,
}

impl Page {
    fn new(transport: Rc<dyn Transport>) -> Rc<Self> {
        Rc::new(Self {
            transport,
            state: RefCell::default(),
            form: OnceCell::new(),
        })
    }

    fn render(self: &Rc<Self>) {
        if let Some(form) = self.form.get() {
            form.render(self, &self.state.borrow());
        }
    }

    /// Changes the state, then the page.
    fn update(self: &Rc<Self>, change: impl FnOnce(&mut SignInState)) {
        change(&mut self.state.borrow_mut());
        self.render();
    }

    /// Runs a sign-in: a session is kept and the console started, a failure shown.
    fn run(
        self: &Rc<Self>,
        next: Option<String>,
        sign_in: impl Future<Output = Result<Session, SignInFailure>> + 'static,
    ) {
        self.update(SignInState::begin);
        let page = self.clone();
        spawn_local(async move {
            let failure = match sign_in.await {
                Ok(session) => {
                    if let Some(form) = page.form.get() {
                        form.forget_secrets();
                    }
                    match keep_signed_in(&session) {
                        Ok(()) => {
                            hand_over(next.as_deref());
                            None
                        }
                        Err(_) => {
                            // Not kept, so not usable: the session made here is ended
                            // rather than left as a device nobody can sign out of. A
                            // pasted token may be in use elsewhere: it stays.
                            if session.method != SignInMethod::PastedToken {
                                let _ = end_on_server(page.transport.as_ref(), &session).await;
                            }
                            Some(SignInFailure::SessionNotKept)
                        }
                    }
                }
                Err(failure) => Some(failure),
            };
            page.update(|s| s.end(failure));
        });
    }

    /// Puts the form in place of `placeholder` and starts it.
    fn show_form(self: &Rc<Self>, placeholder: &Element, config: Config) {
        let form = form::build(self, config);
        let _ = placeholder.replace_with_with_node_1(form.root());
        let _ = self.form.set(form);
        form::started(self);
    }
}

/// "The server is rate limiting …: waiting 4 seconds", while any request waits.
struct WaitNotice {
    waits: Cell<Waits>,
    element: Element,
}

impl WaitNotice {
    fn change(&self, change: impl FnOnce(&mut Waits)) {
        let mut waits = self.waits.get();
        change(&mut waits);
        self.waits.set(waits);
        let text = waits.text();
        set_text(&self.element, text.as_deref());
        set_flag(&self.element, "hidden", text.is_none());
    }
}

impl WaitReport for WaitNotice {
    fn begin(&self, ms: u64) {
        self.change(|w| w.begin(ms));
    }

    fn end(&self) {
        self.change(Waits::end);
    }
}

/// Puts the sign-in page in `<body>`, or hands over to the console at once when this
/// tab is already signed in.
pub fn start() {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let signed_in = stored_session().is_some();
    let notice = take_notice();
    // First: whatever a redirect flow left in the address bar goes, at once.
    let arrival = redirect::arrival();

    // Already signed in on arrival (the sign-in page's address opened in a signed-in
    // tab): straight on to where the person was going.
    if signed_in {
        let _ = body.append_with_node_1(
            &el("p")
                .attr("role", "status")
                .text("Opening the console…")
                .build(),
        );
        hand_over(navigation::next_param().as_deref());
        return;
    }

    let rate_limit = el("p")
        .class("notice rate-limit")
        .attr("role", "status")
        .attr("hidden", "")
        .build();
    let waits = Rc::new(WaitNotice {
        waits: Cell::default(),
        element: rate_limit.clone(),
    });
    let page = Page::new(Rc::new(BrowserTransport::new(waits)));
    let loading = el("p").attr("role", "status").text("Loading…").build();
    let mut main = el("main")
        .attr("id", "main")
        .class("sign-in")
        .child(&el("h1").text("Synapse Console").build())
        .child(
            &el("p")
                .class("lede")
                .text("Purge room history and manage media on your Synapse homeserver.")
                .build(),
        );
    if let Some(notice) = notice {
        let role = if notice == Notice::Expired {
            "alert"
        } else {
            "status"
        };
        main = main.child(
            &el("p")
                .class("notice")
                .attr("role", role)
                .text(notice.text())
                .build(),
        );
    }
    let _ = body.append_with_node_1(&main.child(&rate_limit).child(&loading).build());

    match arrival {
        Arrival::Form => {}
        Arrival::Refused(failure) => page.update(|s| s.failure = Some(failure)),
        Arrival::Finish { pending, proof } => {
            let next = pending.next.clone();
            let transport = page.transport.clone();
            page.run(next, redirect::finish(transport, *pending, proof));
        }
    }

    spawn_local(async move {
        match config::fetch(page.transport.as_ref()).await {
            Ok(config) => page.show_form(&loading, config),
            Err(problem) => {
                let said = el("p")
                    .class("error-view")
                    .attr("role", "alert")
                    .text(&config::problem_text(&problem))
                    .build();
                let _ = loading.replace_with_with_node_1(&said);
            }
        }
    });
}

/// The form alone, in `parent`, with `transport` and `config`: for the browser tests.
pub fn mount_form(parent: &Element, transport: Rc<dyn Transport>, config: Config) {
    let placeholder = el("p").build();
    let _ = parent.append_with_node_1(&placeholder);
    Page::new(transport).show_form(&placeholder, config);
}

/// On to the console, at `next` if it is one of the console's paths (else its home).
fn hand_over(next: Option<&str>) {
    let next = safe_return_path(next);
    navigation::hand_over_to_console(next.as_deref().unwrap_or(navigation::PUBLIC_URL));
}
