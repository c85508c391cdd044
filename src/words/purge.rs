//! The purge page's words for what the core refuses: the date of the cut, and a
//! purge Synapse would not start.

use synapse_api::purge::{DateProblem, PurgeRefusal};

use super::errors::{next_step, summary};
use super::unreadable_date;

/// The purge form's date.
pub fn purge_date_problem(problem: &DateProblem) -> String {
    match problem {
        DateProblem::Missing => "Choose the date and time: history before it is purged.".into(),
        DateProblem::Unreadable(text) => unreadable_date(text),
        DateProblem::TooEarly => "Choose a date after 1970.".into(),
        DateProblem::InFuture => {
            "That is in the future: a purge cannot go past now. Choose a past date and time.".into()
        }
    }
}

/// A refusal to start a purge, in plain words with what to do next.
pub fn purge_refusal(refusal: &PurgeRefusal) -> String {
    match refusal {
        PurgeRefusal::NothingToPurge => "Nothing to purge: the cut point is before the room's \
                                         first message, or this server does not know the room. \
                                         Check the room, or choose a later cut point."
            .into(),
        PurgeRefusal::WrongRoom => "That event belongs to another room. Check the event id, or \
                                    choose the room it is in."
            .into(),
        PurgeRefusal::UnknownEvent => {
            "This server has no event with that id. Check that it was copied whole.".into()
        }
        PurgeRefusal::Other(error) => format!("{} {}", summary(error), next_step(error)),
    }
}
