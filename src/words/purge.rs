//! The purge page's words: what the core refuses (the date of the cut, a purge Synapse
//! would not start), and what the preview found a purge will do.

use synapse_api::paging::thousands;
use synapse_api::purge::{DateProblem, FirstKept, LocalMessagesFate, PurgeRefusal, PurgeTally};

use crate::time::format_local;

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

/// Said before the confirmation where keeping local messages is not safe.
pub fn deleted_anyway_warning(server_version: &str) -> String {
    format!(
        "This server runs Synapse {server_version}, which deletes this server's users' \
         messages from the database even when a purge is told to keep them (in rooms of \
         version 3 and later; fixed in Synapse 1.156). A purge here deletes them too. To \
         keep them, upgrade Synapse first."
    )
}

pub fn what_local_choice_does(delete: bool) -> &'static str {
    if delete {
        "On: messages sent by this server's own users are deleted too, which frees disk space."
    } else {
        "Off: messages sent by this server's own users disappear from the room's history but \
         stay on disk; messages from other servers are deleted."
    }
}

/// The preview's word on the first event the purge keeps.
pub fn first_kept(first_kept: &FirstKept) -> String {
    match first_kept {
        FirstKept::Event(event) => format!(
            "First event kept: {} from {} at {}{}",
            event.kind,
            event.sender,
            format_local(event.origin_server_ts),
            event
                .body()
                .map(|b| format!(
                    ": \u{201c}{}\u{201d}",
                    b.chars().take(120).collect::<String>()
                ))
                .unwrap_or_default()
        ),
        FirstKept::NothingAfter => "No message was sent after that time: everything but the \
                                    room's latest event will be purged."
            .into(),
        FirstKept::Unavailable => "This server cannot show which event is kept (its Synapse \
                                   lacks the preview endpoints); the purge can still run."
            .into(),
    }
}

/// While the preview counts: how far it has read.
pub fn counting(read_so_far: usize) -> String {
    format!(
        "Counting the messages before the cut… {} event(s) read so far.",
        thousands(read_so_far as u64)
    )
}

/// The timeline could not be read for the count.
pub const COUNT_FAILED: &str =
    "The room's timeline could not be read, so the number of messages is unknown.";

/// What goes before the cut, by kind, and what becomes of local messages.
pub fn tally(tally: &PurgeTally, delete_local_events: bool, fate: LocalMessagesFate) -> String {
    let at_least = if tally.complete { "" } else { "at least " };
    let local_fate = if delete_local_events {
        "deleted"
    } else if fate == LocalMessagesFate::DeletedAnyway {
        "deleted all the same: see the warning"
    } else {
        "hidden, kept on disk"
    };
    format!(
        "Before the cut: {at_least}{} message(s) from this server's users ({local_fate}), \
         {at_least}{} from other servers (deleted), and {} state event(s) (kept).",
        thousands(tally.local),
        thousands(tally.remote),
        thousands(tally.state)
    )
}
