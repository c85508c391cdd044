//! A group of radio buttons with a visible legend.

use leptos::prelude::*;

/// One choice among `options`, each a visible label and the value it stands for.
#[component]
pub fn Choice<T>(
    /// The question, shown as the group's legend.
    legend: &'static str,
    /// The radio group's name (unique on the page).
    name: &'static str,
    /// The choices, in order: label and value.
    options: Vec<(&'static str, T)>,
    /// The chosen value, two-way bound.
    value: RwSignal<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <fieldset class="choice">
            <legend>{legend}</legend>
            {options
                .into_iter()
                .map(|(label, option)| {
                    view! {
                        <label class="check">
                            <input
                                type="radio"
                                name=name
                                prop:checked=move || value.get() == option
                                on:change=move |_| value.set(option)
                            />
                            {label}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
