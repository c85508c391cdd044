//! Synapse's own rule for which local files a delete by age and size removes.

use crate::endpoints::media::MediaDetails;
use serde::{Deserialize, Serialize};

use super::*;

/// Why a file survives a delete by age and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeptBecause {
    UsedSince,
    NotLarger,
    Quarantined,
    Protected,
    Avatar,
}

/// Synapse's rule (`get_local_media_ids`, 1.163): last access before the date, or
/// upload before it when never accessed; size strictly over the threshold; not
/// quarantined; not protected; not an avatar when avatars are kept.
pub fn verdict(
    item: &MediaDetails,
    rule: &DeleteOldRule,
    is_avatar: bool,
) -> Result<(), KeptBecause> {
    let last_used = item.last_access_ts.unwrap_or(item.created_ts);
    if last_used >= rule.before_ts {
        Err(KeptBecause::UsedSince)
    } else if item.media_length <= rule.size_gt {
        Err(KeptBecause::NotLarger)
    } else if item.quarantined_by.is_some() {
        Err(KeptBecause::Quarantined)
    } else if item.safe_from_quarantine.unwrap_or(false) {
        Err(KeptBecause::Protected)
    } else if rule.keep_profiles && is_avatar {
        Err(KeptBecause::Avatar)
    } else {
        Ok(())
    }
}

/// How many files the rule keeps, and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptTally {
    pub used_since: u64,
    pub not_larger: u64,
    pub quarantined: u64,
    pub protected: u64,
    pub avatar: u64,
}

impl KeptTally {
    pub(super) fn add(&mut self, why: KeptBecause) {
        self.add_many(why, 1);
    }

    pub(super) fn add_many(&mut self, why: KeptBecause, files: u64) {
        let slot = match why {
            KeptBecause::UsedSince => &mut self.used_since,
            KeptBecause::NotLarger => &mut self.not_larger,
            KeptBecause::Quarantined => &mut self.quarantined,
            KeptBecause::Protected => &mut self.protected,
            KeptBecause::Avatar => &mut self.avatar,
        };
        *slot += files;
    }
}
