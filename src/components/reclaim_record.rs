//! Keeping the last dry run (and its delete) in the tab: whole if it fits, lighter if
//! it must (see `SavedReclaim::lighter`), and saying what was left out or why nothing
//! could be kept, since a reload would lose it.

use leptos::prelude::*;
use synapse_api::reclaim::{LeftOut, SavedReclaim};

use crate::storage::{self, Key, NotKept};

/// How the last record was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keeping {
    Whole,
    Without(LeftOut),
    Not(NotKept),
}

/// The last record kept in this tab for `homeserver`, if any.
pub fn saved_for(homeserver: &str) -> Option<SavedReclaim> {
    storage::read(Key::Reclaim)
        .and_then(|json| SavedReclaim::from_json(&json))
        .filter(|saved| saved.homeserver == homeserver)
}

/// Keeps `record`, lighter until it fits.
pub fn keep(record: &SavedReclaim) -> Keeping {
    let mut attempt = record.clone();
    let mut left_out = None;
    loop {
        match storage::write(Key::Reclaim, &attempt.to_json()) {
            Ok(()) => return left_out.map_or(Keeping::Whole, Keeping::Without),
            Err(NotKept::Refused) => match attempt.lighter() {
                Some((lighter, what)) => {
                    attempt = lighter;
                    // The first thing left out says the most (the later ones follow it).
                    left_out.get_or_insert(what);
                }
                None => {
                    // An older record must not come back in its place after a reload.
                    storage::remove(Key::Reclaim);
                    return Keeping::Not(NotKept::Refused);
                }
            },
            Err(reason) => return Keeping::Not(reason),
        }
    }
}

fn words(keeping: Keeping) -> Option<String> {
    match keeping {
        Keeping::Whole => None,
        Keeping::Without(LeftOut::CandidateIds) => Some(
            "This dry run is kept in this tab without its list of file ids, too large for the \
             tab's storage: after a reload, a delete is compared with it by count only."
                .into(),
        ),
        Keeping::Without(LeftOut::DeletedIds) => Some(
            "This result is kept in this tab without the list of deleted ids, too large for the \
             tab's storage: after a reload, its counts and differences remain."
                .into(),
        ),
        Keeping::Not(reason) => Some(format!(
            "This result could not be kept in this tab ({}): a reload will lose it. Note what \
             you need from it now.",
            reason.why()
        )),
    }
}

/// Says what the last save left out, or that it failed; nothing when it was whole.
#[component]
pub fn KeepingNotice(
    /// How the last record was kept (`None`: nothing saved yet on this page).
    keeping: RwSignal<Option<Keeping>>,
) -> impl IntoView {
    move || {
        keeping.get().and_then(words).map(|text| {
            view! { <p class="notice" role="alert" data-testid="reclaim-keeping">{text}</p> }
        })
    }
}
