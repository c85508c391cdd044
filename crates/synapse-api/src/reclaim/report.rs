//! What a dry run found, what the delete after it did, and what the tab keeps of both.

use std::collections::HashSet;

use crate::endpoints::media::DeletedMedia;
use crate::error::ApiError;
use crate::ids::{MediaId, UserId};
use serde::{Deserialize, Serialize};

use super::*;

/// A file the delete would remove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub media_id: MediaId,
    pub uploader: UserId,
    pub name: Option<String>,
    pub size: u64,
    pub last_used_ts: u64,
}

/// Where a dry run stands, for the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanProgress {
    pub phase: ScanPhase,
    pub users_total: usize,
    pub users_done: usize,
    pub files_seen: u64,
    pub rooms_total: usize,
    pub rooms_done: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScanPhase {
    #[default]
    ListingUsers,
    ReadingMedia,
    CheckingAvatars,
}

/// The candidates shown in full (the largest); the rest are kept as ids only.
pub const LARGEST_KEPT: usize = 20;

/// Media ids in one newline-separated text: a dry run of 50,000 files keeps 1.3 MB of
/// ids instead of every record, stored as one JSON string, and shown as one text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdList(String);

impl IdList {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split('\n').filter(|id| !id.is_empty())
    }

    /// One id per line.
    pub fn as_lines(&self) -> &str {
        &self.0
    }
}

impl<'a> FromIterator<&'a str> for IdList {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let mut text = String::new();
        for id in ids {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(id);
        }
        Self(text)
    }
}

/// What the dry run found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRunReport {
    pub rule: Option<DeleteOldRule>,
    /// The `LARGEST_KEPT` largest candidates, largest first.
    pub largest: Vec<Candidate>,
    /// How many files the delete would remove.
    pub count: usize,
    /// Every candidate's id, for the comparison with what the server deletes; `None`
    /// in a record kept without them (too large for the tab's storage).
    pub ids: Option<IdList>,
    pub bytes: u64,
    pub kept: KeptTally,
    pub files_seen: u64,
    /// Of `files_seen`, the ones kept without reading them: all of a user whose uploads
    /// before the cut (from the statistics) total no more than the size, and the files
    /// uploaded after the cut (read in upload order, a user's list stops at the first).
    pub files_not_read: u64,
    pub users_scanned: usize,
    /// Users whose media list could not be read, with the reason.
    pub unreadable: Vec<(UserId, ApiError)>,
    /// Files the statistics attribute to no user (URL previews): not listable.
    pub unattributed_files: u64,
    /// Rooms whose avatar could not be read (with keep avatars on).
    pub rooms_unchecked: usize,
    /// Requests the dry run made.
    pub requests: u32,
    /// False when cancelled: the counts are then partial.
    pub complete: bool,
}

impl DryRunReport {
    /// Everything could be checked: the preview should match the server's delete.
    pub fn is_exact(&self) -> bool {
        self.complete
            && self.unreadable.is_empty()
            && self.unattributed_files == 0
            && self.rooms_unchecked == 0
    }
}

/// What a delete did, beside its dry run: what the page shows after it, and all that
/// is kept of it (the server's list of ids is not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOutcome {
    /// Files the server says it deleted.
    pub total: u64,
    /// The difference by id; `None` when the dry run's ids were not kept.
    pub comparison: Option<Comparison>,
    /// The ids the server deleted; `None` in a record kept without them.
    pub deleted: Option<IdList>,
}

impl DeleteOutcome {
    pub fn of(report: &DryRunReport, deleted: &DeletedMedia) -> Self {
        Self {
            total: deleted.total,
            comparison: report
                .ids
                .as_ref()
                .map(|ids| compare(ids, &deleted.deleted_media)),
            deleted: Some(deleted.deleted_media.iter().map(String::as_str).collect()),
        }
    }
}

/// What a lighter record leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeftOut {
    CandidateIds,
    DeletedIds,
}

/// The last dry run, and the delete that followed it if one did, as kept in the tab
/// (sessionStorage) so that a reload shows them again: the delete cannot be undone,
/// and what it removed would otherwise be lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReclaim {
    /// The homeserver (base URL) it was made on: shown only there.
    pub homeserver: String,
    /// When the dry run ended (ms since the epoch).
    pub ran_at_ms: u64,
    pub report: DryRunReport,
    pub outcome: Option<DeleteOutcome>,
}

impl SavedReclaim {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record once its delete is done: the outcome added, the candidates' ids
    /// dropped (the comparison made with them is kept instead).
    pub fn after_delete(&self, outcome: DeleteOutcome) -> Self {
        Self {
            report: DryRunReport {
                ids: None,
                ..self.report.clone()
            },
            outcome: Some(outcome),
            ..self.clone()
        }
    }

    /// A smaller record for a storage too small for this one, and what it leaves out;
    /// `None` when only the counts are left. First the candidates' ids go (a delete
    /// after a reload is then compared by count only), then the deleted ids.
    pub fn lighter(&self) -> Option<(Self, LeftOut)> {
        if self.report.ids.is_some() {
            let report = DryRunReport {
                ids: None,
                ..self.report.clone()
            };
            return Some((
                Self {
                    report,
                    ..self.clone()
                },
                LeftOut::CandidateIds,
            ));
        }
        let outcome = self.outcome.as_ref().filter(|o| o.deleted.is_some())?;
        let outcome = DeleteOutcome {
            deleted: None,
            ..outcome.clone()
        };
        Some((
            Self {
                outcome: Some(outcome),
                ..self.clone()
            },
            LeftOut::DeletedIds,
        ))
    }

    /// `None` for anything unreadable (an older format, a hand-edited value).
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }
}

/// The dry run's list beside what the server deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub matched: usize,
    /// Previewed, but the server kept them.
    pub only_previewed: Vec<String>,
    /// Deleted, but not previewed (uploaded or left unused since the dry run, or
    /// beyond what the console can see).
    pub only_deleted: Vec<String>,
}

impl Comparison {
    pub fn is_exact(&self) -> bool {
        self.only_previewed.is_empty() && self.only_deleted.is_empty()
    }
}

pub fn compare(previewed: &IdList, deleted: &[String]) -> Comparison {
    let deleted_set: HashSet<&str> = deleted.iter().map(String::as_str).collect();
    let previewed_set: HashSet<&str> = previewed.iter().collect();
    let mut only_previewed: Vec<String> = previewed
        .iter()
        .filter(|id| !deleted_set.contains(id))
        .map(str::to_owned)
        .collect();
    let mut only_deleted: Vec<String> = deleted
        .iter()
        .filter(|id| !previewed_set.contains(id.as_str()))
        .cloned()
        .collect();
    only_previewed.sort();
    only_deleted.sort();
    Comparison {
        matched: previewed_set.len() - only_previewed.len(),
        only_previewed,
        only_deleted,
    }
}
