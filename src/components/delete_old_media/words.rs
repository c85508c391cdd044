//! The dry run's words: the rule and the progress.

use synapse_api::media::format_size;
use synapse_api::reclaim::{DeleteOldRule, ScanPhase, ScanProgress};

use crate::time::format_local;

/// "not used since 2026-11-01 12:00:00 and larger than 1.0 MiB".
pub fn describe_rule(rule: &DeleteOldRule) -> String {
    let size = if rule.size_gt == 0 {
        "of any size".to_owned()
    } else {
        format!("larger than {}", format_size(rule.size_gt))
    };
    let avatars = if rule.keep_profiles {
        "profile pictures and room avatars kept"
    } else {
        "profile pictures and room avatars included"
    };
    format!(
        "not used since {} and {size}; {avatars}",
        format_local(rule.before_ts)
    )
}

pub fn describe_progress(p: &ScanProgress) -> String {
    match p.phase {
        ScanPhase::ListingUsers => "Listing the users who uploaded media…".into(),
        ScanPhase::ReadingMedia => format!(
            "Reading media: {} of {} users, {} files so far.",
            p.users_done, p.users_total, p.files_seen
        ),
        ScanPhase::CheckingAvatars => format!(
            "Checking avatars: {} of {} rooms.",
            p.rooms_done, p.rooms_total
        ),
    }
}
