//! The few DOM operations the sign-in page is built from: elements made once, then
//! updated in place. Text always goes in as text nodes, so server-provided words
//! (a provider's name, an error's description) are never read as markup.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement};

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a page with a document")
}

/// An element being made: `el("p").class("hint").text("…").build()`.
pub struct El(Element);

pub fn el(tag: &str) -> El {
    El(document().create_element(tag).expect("an HTML tag"))
}

impl El {
    pub fn attr(self, name: &str, value: &str) -> Self {
        let _ = self.0.set_attribute(name, value);
        self
    }

    pub fn class(self, class: &str) -> Self {
        self.attr("class", class)
    }

    pub fn text(self, text: &str) -> Self {
        let _ = self.0.append_with_str_1(text);
        self
    }

    pub fn child(self, child: &Element) -> Self {
        let _ = self.0.append_with_node_1(child);
        self
    }

    pub fn on(self, event: &str, handler: impl FnMut(Event) + 'static) -> Self {
        listen(&self.0, event, handler);
        self
    }

    pub fn build(self) -> Element {
        self.0
    }

    pub fn input(self) -> HtmlInputElement {
        self.0.unchecked_into()
    }
}

/// Listens for as long as the page lives: the sign-in page is never taken apart, only
/// replaced whole by the console (boot.js), so its handlers are never removed.
pub fn listen(target: &Element, event: &str, handler: impl FnMut(Event) + 'static) {
    // Boxed here, once, rather than a closure type per handler: less wasm.
    let closure = Closure::wrap(Box::new(handler) as Box<dyn FnMut(Event)>);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// Sets an element's whole text (none clears it), only when it changes: the page is
/// redrawn after every change, and an alert given the same text again is read out again.
pub fn set_text(element: &Element, text: Option<&str>) {
    if element.text_content().as_deref().unwrap_or_default() != text.unwrap_or_default() {
        element.set_text_content(text);
    }
}

/// Sets or removes a boolean attribute (`hidden`, `disabled`).
pub fn set_flag(element: &Element, name: &str, on: bool) {
    let _ = element.toggle_attribute_with_force(name, on);
}

/// Puts `content` in `slot` in place of what was there (`None` empties it).
pub fn fill(slot: &Element, content: Option<&Element>) {
    match content {
        Some(content) => slot.replace_children_with_node_1(content),
        None => slot.replace_children_with_node_0(),
    }
}
