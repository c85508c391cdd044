//! The media page's words: what each action is called, what it did and will do, why
//! it does not apply to a file now, and what to know of a list.

use synapse_api::endpoints::media::MediaAction;
use synapse_api::media::{format_size, MediaRow, NotApplicable};

use crate::components::bulk_media::WholeAction;

pub fn action_label(action: MediaAction) -> &'static str {
    match action {
        MediaAction::Quarantine => "Quarantine",
        MediaAction::Unquarantine => "Unquarantine",
        MediaAction::Protect => "Protect",
        MediaAction::Unprotect => "Unprotect",
        MediaAction::Delete => "Delete",
    }
}

pub fn past_tense(action: MediaAction) -> &'static str {
    match action {
        MediaAction::Quarantine => "quarantined",
        MediaAction::Unquarantine => "released from quarantine",
        MediaAction::Protect => "protected",
        MediaAction::Unprotect => "no longer protected",
        MediaAction::Delete => "deleted",
    }
}

/// Why a row's `action` button is disabled: its title and accessible description.
pub fn not_applicable(action: MediaAction, reason: NotApplicable) -> &'static str {
    match reason {
        NotApplicable::Deleted => "This media is deleted.",
        NotApplicable::Remote if action == MediaAction::Delete => {
            "Remote media cannot be deleted, only its cached copy purged."
        }
        NotApplicable::Remote => "Only this server's own media can be protected.",
        NotApplicable::AlreadyQuarantined => "Already quarantined.",
        NotApplicable::Protected => "Protected media cannot be quarantined.",
        NotApplicable::NotQuarantined => "Not quarantined.",
        NotApplicable::AlreadyProtected => "Already protected.",
        NotApplicable::NotProtected => "Not protected.",
    }
}

/// What a confirmation says an action will do.
pub fn consequence(action: MediaAction, row: &MediaRow) -> String {
    let what = format!(
        "{} ({})",
        row.label(),
        row.size
            .map(format_size)
            .unwrap_or_else(|| "size unknown".into())
    );
    match action {
        MediaAction::Delete => format!("Delete {what} from the server's disk, with its thumbnails. This cannot be undone."),
        MediaAction::Quarantine => format!("Quarantine {what}: nobody can download it any more, and every identical copy on this server is quarantined too."),
        _ => String::new(),
    }
}

/// What to know of a list beyond its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListingNote {
    /// An encrypted room lists no files: the server cannot read its messages.
    EncryptedRoom,
    /// One file's details need Synapse 1.140 (`GET /media/<server>/<id>`).
    NoDetailsBefore1140,
}

pub fn listing_note(note: ListingNote) -> &'static str {
    match note {
        ListingNote::EncryptedRoom => "This room is encrypted: the server cannot read which files its messages use, so it lists none.",
        ListingNote::NoDetailsBefore1140 => "This Synapse is older than 1.140: it shows one file's details only \
             in its uploader's or its room's media list. Open one of those to see \
             whether it is quarantined or protected.",
    }
}

/// What an action on the selection will do, as its confirmation says.
pub fn selection_consequence(action: MediaAction, files: usize, bytes: u64) -> String {
    let what = format!("{files} file(s), {}", format_size(bytes));
    match action {
        MediaAction::Delete => format!("Delete {what} from the server's disk, with their thumbnails. Protected and quarantined files are deleted too. This cannot be undone."),
        _ => format!("Quarantine {what}: nobody can download them any more, and identical copies are quarantined too."),
    }
}

/// The confirm button of an action on many files: its effect and count.
pub fn many_files(action: MediaAction, files: usize) -> String {
    format!("{} {files} files", action_label(action))
}

/// What an action on a whole room's or user's media will do (`whose`: the user, or
/// "room !id").
pub fn whole_consequence(whole: WholeAction, files: u64, whose: &str) -> String {
    match whole {
        WholeAction::Delete => format!("Delete all {files} file(s) of {whose}. Protected files are deleted too. This cannot be undone."),
        WholeAction::Quarantine => format!("Quarantine all {files} file(s) of {whose}. Protected files are skipped; identical copies elsewhere are quarantined too."),
    }
}

/// The confirm button of an action on a whole room's or user's media.
pub fn whole_effect(whole: WholeAction, files: u64) -> String {
    match whole {
        WholeAction::Delete => format!("Delete all {files} files"),
        WholeAction::Quarantine => format!("Quarantine all {files} files"),
    }
}
