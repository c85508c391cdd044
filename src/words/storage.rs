//! The storage page's words for what the core refuses: a delete's or a cache purge's
//! cut-off, a delete's size.

use synapse_api::purge::DateProblem;
use synapse_api::reclaim::SizeProblem;

use super::unreadable_date;

/// "Not used since" for a delete of local media or a purge of the remote cache.
pub fn cutoff_problem(problem: &DateProblem) -> String {
    match problem {
        DateProblem::Missing => {
            "Choose a date and time: files not used since then are deleted.".into()
        }
        DateProblem::Unreadable(text) => unreadable_date(text),
        DateProblem::TooEarly => "Choose a date after December 1970.".into(),
        DateProblem::InFuture => "That is in the future. Synapse would then delete every file \
                                  it is allowed to, however recently used: choose a past date \
                                  and time."
            .into(),
    }
}

pub fn size_problem(problem: &SizeProblem) -> String {
    match problem {
        SizeProblem::Negative => "A size cannot be negative.".into(),
        SizeProblem::NotANumber(text) => format!(
            "'{text}' is not a size: type a number such as 500 or 1.5, and pick the unit beside it."
        ),
        SizeProblem::TooLarge => {
            "That size is larger than any disk: check the number and unit.".into()
        }
    }
}
