//! The delete-by-age form: the date, the size and its unit, and whether avatars are kept.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use synapse_api::reclaim::{DeleteOldErrors, SizeUnit};

use crate::components::field::DateTimeField;
use crate::words::storage::{cutoff_problem, size_problem};

#[component]
pub fn RuleForm(
    /// "Not used since", as typed.
    date: RwSignal<String>,
    /// "Larger than", as typed.
    size: RwSignal<String>,
    unit: RwSignal<SizeUnit>,
    keep_avatars: RwSignal<bool>,
    /// What the last submit found wrong.
    errors: RwSignal<DeleteOldErrors>,
    /// A dry run is running.
    #[prop(into)]
    running: Signal<bool>,
    /// A dry run or a delete is running: no new run.
    #[prop(into)]
    busy: Signal<bool>,
    /// Checks the form and starts the dry run.
    on_submit: Callback<()>,
) -> impl IntoView {
    view! {
        <form on:submit=move |ev: SubmitEvent| { ev.prevent_default(); on_submit.run(()); } novalidate>
            <DateTimeField
                label="Not used since"
                id="reclaim-date"
                value=date
                error=Signal::derive(move || errors.read().date.as_ref().map(cutoff_problem))
            />
            <div class="field">
                <label for="reclaim-size">"Larger than"</label>
                <p class="hint" id="reclaim-size-hint">"Empty or 0: files of any size."</p>
                <div class="size-input">
                    <input
                        id="reclaim-size"
                        type="text"
                        inputmode="decimal"
                        bind:value=size
                        aria-describedby="reclaim-size-hint reclaim-size-error"
                        aria-invalid=move || if errors.read().size.is_some() { "true" } else { "false" }
                    />
                    <select
                        aria-label="Size unit"
                        on:change=move |ev| {
                            if let Ok(u) = event_target_value(&ev).parse() {
                                unit.set(u);
                            }
                        }
                    >
                        {SizeUnit::ALL
                            .into_iter()
                            .map(|u| view! {
                                <option value=u.label() selected=move || unit.get() == u>{u.label()}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <p class="field-error" id="reclaim-size-error" role="alert">
                    {move || errors.read().size.as_ref().map(size_problem)}
                </p>
            </div>
            <label class="check">
                <input type="checkbox" bind:checked=keep_avatars />
                "Keep profile pictures and room avatars"
            </label>
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>
                    {move || if running.get() { "Dry run running…" } else { "Dry run: find what would be deleted" }}
                </button>
            </div>
        </form>
    }
}
