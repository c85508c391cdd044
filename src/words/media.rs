//! The media page's words: what each action is called, what it did, and why it does
//! not apply to a file now.

use synapse_api::endpoints::media::MediaAction;
use synapse_api::media::NotApplicable;

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
