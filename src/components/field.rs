//! A labelled text input with its hint and its error message.

use leptos::prelude::*;

/// An `<input>` with a visible label; the error is announced and tied to the input.
#[component]
pub fn TextField(
    /// The visible label.
    label: &'static str,
    /// The input's id (also the base of the hint's and error's ids).
    id: &'static str,
    /// The text, two-way bound.
    value: RwSignal<String>,
    /// A message when the value is not usable.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// One line of help under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The input type: "text", "password", "url", …
    #[prop(default = "text")]
    kind: &'static str,
    /// The autocomplete hint for the browser.
    #[prop(default = "off")]
    autocomplete: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                spellcheck="false"
                bind:value=value
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A `datetime-local` input in the browser's time zone, with the instant it names
/// in UTC under the label, and its error.
#[component]
pub fn DateTimeField(
    /// The visible label.
    label: &'static str,
    /// The input's id (also the base of the hint's and error's ids).
    id: &'static str,
    /// The text, two-way bound (`YYYY-MM-DDTHH:MM:SS`).
    value: RwSignal<String>,
    /// A message when the value is not usable.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    use synapse_api::purge::{format_utc, LocalDateTime};

    use crate::time::{datetime_local_value, now_ms, offset_minutes_at, time_zone_name};

    let zone = time_zone_name();
    let in_utc = move || {
        let local = value.get().parse::<LocalDateTime>().ok()?;
        let ms = local.to_utc_ms(offset_minutes_at(&local));
        (ms > 0).then(|| {
            format!(
                "That is {} (your time zone: {zone}).",
                format_utc(ms as u64)
            )
        })
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id.clone()>
                {move || in_utc().unwrap_or_else(|| "In your browser's time zone.".into())}
            </p>
            <input
                id=id
                type="datetime-local"
                step="1"
                max=datetime_local_value(now_ms())
                bind:value=value
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}
