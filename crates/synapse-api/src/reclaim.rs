//! Winning back disk: the delete-by-age form's rules, Synapse's own rule for which
//! local files such a delete removes, and the dry run that applies that rule to every
//! local user's media before anything is deleted (Synapse itself has no dry run).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use crate::client::{Admin, LocalFuture};
use crate::endpoints::media::DeletedMedia;
use crate::endpoints::media::{MediaDetails, MediaOrder, UserMedia};
use crate::endpoints::rooms::{ListRooms, RoomDetails};
use crate::endpoints::statistics::{UsageOrder, UserMediaUsage, UserUsage};
use crate::endpoints::users::ListUsers;
use crate::error::ApiError;
use crate::ids::{MediaId, RoomId, ServerName, UserId};
use crate::media::run_bulk;
use crate::paging::every_page;
use crate::purge::LocalDateTime;
use crate::Endpoint;
use serde::{Deserialize, Serialize};

/// Synapse refuses a `before_ts` below this (Dec 1970 in ms, year 2920 in seconds):
/// it is how it catches a timestamp given in seconds by mistake.
pub const MIN_BEFORE_TS: u64 = 30_000_000_000;

/// A unit for "larger than". Powers of 1024, as the console shows every size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SizeUnit {
    Bytes,
    #[default]
    KiB,
    MiB,
    GiB,
}

impl SizeUnit {
    pub const ALL: [SizeUnit; 4] = [SizeUnit::Bytes, SizeUnit::KiB, SizeUnit::MiB, SizeUnit::GiB];

    pub fn bytes(self) -> u64 {
        match self {
            SizeUnit::Bytes => 1,
            SizeUnit::KiB => 1 << 10,
            SizeUnit::MiB => 1 << 20,
            SizeUnit::GiB => 1 << 30,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SizeUnit::Bytes => "bytes",
            SizeUnit::KiB => "KiB",
            SizeUnit::MiB => "MiB",
            SizeUnit::GiB => "GiB",
        }
    }
}

impl std::str::FromStr for SizeUnit {
    type Err = String;
    /// Reads a unit as people write it: "MB", "mb", "MiB", "M" are all mebibytes here.
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "b" | "byte" | "bytes" => Ok(SizeUnit::Bytes),
            "k" | "kb" | "kib" => Ok(SizeUnit::KiB),
            "m" | "mb" | "mib" => Ok(SizeUnit::MiB),
            "g" | "gb" | "gib" => Ok(SizeUnit::GiB),
            _ => Err(format!(
                "'{}' is not a size unit: use bytes, KiB, MiB or GiB.",
                raw.trim()
            )),
        }
    }
}

/// "larger than" as typed: a number (a fraction is fine, "1.5") in `unit`, or empty
/// for any size. Returns whole bytes.
pub fn parse_size(amount: &str, unit: SizeUnit) -> Result<u64, String> {
    let raw = amount.trim();
    if raw.is_empty() {
        return Ok(0);
    }
    let bad = || {
        format!(
            "'{raw}' is not a size: type a number such as 500 or 1.5, and pick the unit beside it."
        )
    };
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(if raw.starts_with('-') {
            "A size cannot be negative.".into()
        } else {
            bad()
        });
    }
    let too_big = || "That size is larger than any disk: check the number and unit.".to_owned();
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_big())?
    };
    let mut bytes = whole.checked_mul(unit.bytes()).ok_or_else(too_big)?;
    // The fraction in exact integer steps: at most 9 digits count (GiB has 30 bits).
    let fraction = &fraction[..fraction.len().min(9)];
    if !fraction.is_empty() {
        let scale = 10u64.pow(fraction.len() as u32);
        let part: u64 = fraction.parse().map_err(|_| bad())?;
        bytes = bytes
            .checked_add(part * unit.bytes() / scale)
            .ok_or_else(too_big)?;
    }
    Ok(bytes)
}

/// A date a person picked for "not used since" or "cached and not used since", as the
/// `before_ts` Synapse takes. Refuses what would be dangerous: no date (a default of 0
/// or now is never assumed), a date in the future (Synapse then deletes every eligible
/// file), or one before Dec 1970 (Synapse refuses it as seconds given for ms).
pub fn cutoff_from_input(
    raw: &str,
    now_ms: u64,
    offset_minutes_at: impl Fn(&LocalDateTime) -> i32,
) -> Result<u64, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Choose a date and time: files not used since then are deleted.".into());
    }
    let local: LocalDateTime = raw.parse()?;
    let ts = local.to_utc_ms(offset_minutes_at(&local));
    if ts < MIN_BEFORE_TS as i64 {
        return Err("Choose a date after December 1970.".into());
    }
    if ts as u64 > now_ms {
        return Err(
            "That is in the future. Synapse would then delete every file it is \
                    allowed to, however recently used: choose a past date and time."
                .into(),
        );
    }
    Ok(ts as u64)
}

/// The delete-by-age form as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteOldForm {
    /// From a `datetime-local` input, in the browser's time zone.
    pub not_used_since: String,
    pub larger_than: String,
    pub unit: SizeUnit,
    pub keep_avatars: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOldErrors {
    pub date: Option<String>,
    pub size: Option<String>,
}

/// Which local files a delete by age and size removes, as Synapse decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOldRule {
    pub before_ts: u64,
    pub size_gt: u64,
    pub keep_profiles: bool,
}

pub fn validate_delete_old(
    form: &DeleteOldForm,
    now_ms: u64,
    offset_minutes_at: impl Fn(&LocalDateTime) -> i32,
) -> Result<DeleteOldRule, DeleteOldErrors> {
    let before = cutoff_from_input(&form.not_used_since, now_ms, offset_minutes_at);
    let size = parse_size(&form.larger_than, form.unit);
    match (before, size) {
        (Ok(before_ts), Ok(size_gt)) => Ok(DeleteOldRule {
            before_ts,
            size_gt,
            keep_profiles: form.keep_avatars,
        }),
        (before, size) => Err(DeleteOldErrors {
            date: before.err(),
            size: size.err(),
        }),
    }
}

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
    fn add(&mut self, why: KeptBecause) {
        self.add_many(why, 1);
    }

    fn add_many(&mut self, why: KeptBecause, files: u64) {
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
    pub unreadable: Vec<(UserId, String)>,
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

/// Page sizes for the walk: large, so that the lists of every user and every room
/// are a request or two on most servers (a page of 5,000 users is about 1.5 MB), and
/// a user's files before the cut usually one.
const USERS_PAGE: u32 = 5_000;
const MEDIA_PAGE: u32 = 1_000;
const ROOMS_PAGE: u32 = 5_000;
/// Requests in flight at once, as for bulk actions.
const IN_FLIGHT: usize = 4;

/// How the dry run reads a user's list, so that it can stop before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadOrder {
    /// Oldest upload first: once a file is uploaded at or after the cut, so is every
    /// later one, and a file is last used no earlier than its upload.
    OldestFirst,
    /// Largest first: once a file is not larger than the size, neither is any later
    /// one. For users with more than a page of files from before the cut, most of them
    /// usually small, where oldest first would read them all.
    LargestFirst,
}

impl ReadOrder {
    fn for_user(files_before_cut: u64) -> Self {
        if files_before_cut > u64::from(MEDIA_PAGE) {
            ReadOrder::LargestFirst
        } else {
            ReadOrder::OldestFirst
        }
    }

    /// Synapse's `order_by`, and whether descending. Both columns are NOT NULL, so
    /// the order is the same on SQLite and PostgreSQL.
    fn as_query(self) -> (MediaOrder, bool) {
        match self {
            ReadOrder::OldestFirst => (MediaOrder::Created, false),
            ReadOrder::LargestFirst => (MediaOrder::Size, true),
        }
    }

    /// Why every file after `last` is kept, if nothing after it can qualify.
    fn rest_kept(self, last: &MediaDetails, rule: &DeleteOldRule) -> Option<KeptBecause> {
        match self {
            ReadOrder::OldestFirst => {
                (last.created_ts >= rule.before_ts).then_some(KeptBecause::UsedSince)
            }
            ReadOrder::LargestFirst => {
                (last.media_length <= rule.size_gt).then_some(KeptBecause::NotLarger)
            }
        }
    }
}

/// Counts every request a walk makes.
struct Counting<'a, A> {
    inner: &'a A,
    requests: Cell<u32>,
}

impl<A: Admin> Admin for Counting<'_, A> {
    fn call<E>(&self, endpoint: E) -> LocalFuture<'static, Result<E::Response, ApiError>>
    where
        E: Endpoint + 'static,
        E::Response: 'static,
    {
        self.requests.set(self.requests.get() + 1);
        self.inner.call(endpoint)
    }
}

/// Every user the media statistics name, and the row of files no user owns.
pub async fn all_usage(
    admin: &impl Admin,
    until_ts: Option<u64>,
) -> Result<Vec<UserUsage>, ApiError> {
    every_page(
        admin,
        |from| UserMediaUsage {
            from,
            limit: USERS_PAGE,
            order: UsageOrder::UserId,
            descending: false,
            search_term: None,
            until_ts,
        },
        |page| (page.users, page.next_token),
    )
    .await
}

/// Files and bytes in the statistics, summed.
pub fn totals(users: &[UserUsage]) -> (u64, u64) {
    users.iter().fold((0, 0), |(files, bytes), u| {
        (files + u.media_count, bytes + u.media_length)
    })
}

/// Every local mxc URI in use as an avatar: users' profile pictures (deactivated
/// users too) and rooms' avatars. Per-room member avatars that differ from the
/// profile, and avatars replaced since, are beyond what the admin API lists.
async fn avatars(
    admin: &impl Admin,
    cancelled: &impl Fn() -> bool,
    progress: &RefCell<&mut dyn FnMut(ScanProgress)>,
    state: &Cell<ScanProgress>,
) -> Result<(HashSet<String>, usize), ApiError> {
    let users = every_page(
        admin,
        |from| ListUsers {
            name: None,
            from: Some(from),
            limit: Some(USERS_PAGE),
            deactivated: true,
        },
        // `next_token` is a string in some versions, a number in others.
        |page| {
            let next = page.next_token.as_ref().and_then(|t| match t {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.parse().ok(),
                _ => None,
            });
            (page.users, next)
        },
    )
    .await?;
    let mut found: HashSet<String> = users.into_iter().filter_map(|u| u.avatar_url).collect();
    let rooms: Vec<RoomId> = every_page(
        admin,
        |from| ListRooms {
            search_term: None,
            from: Some(from),
            limit: Some(ROOMS_PAGE),
        },
        |page| {
            let ids = page.rooms.into_iter().map(|r| r.room_id).collect();
            (ids, page.next_batch)
        },
    )
    .await?;
    let mut p = state.get();
    p.rooms_total = rooms.len();
    state.set(p);
    (progress.borrow_mut())(p);
    // The room list has no avatar field; each room's details do.
    let room_avatars = RefCell::new(Vec::new());
    let results = run_bulk(
        &rooms,
        IN_FLIGHT,
        |room_id| {
            let details = admin.call(RoomDetails {
                room_id: room_id.clone(),
            });
            let room_avatars = &room_avatars;
            async move {
                if let Some(avatar) = details.await?.avatar {
                    room_avatars.borrow_mut().push(avatar);
                }
                Ok(())
            }
        },
        cancelled,
        |_, _| {
            let mut p = state.get();
            p.rooms_done += 1;
            state.set(p);
            (progress.borrow_mut())(p);
        },
    )
    .await;
    found.extend(room_avatars.into_inner());
    let unchecked = results
        .iter()
        .filter(|r| !matches!(r, Some(Ok(()))))
        .count();
    Ok((found, unchecked))
}

/// Finds the files a delete with `rule` would remove, by reading every local user's
/// media and applying [`verdict`]. `cancelled` is asked between requests; `progress`
/// hears each step. Fails only when the list of users cannot be read; a user whose
/// media cannot be read is reported in the result.
pub async fn dry_run(
    admin: &impl Admin,
    rule: DeleteOldRule,
    server_name: &ServerName,
    cancelled: impl Fn() -> bool,
    mut progress: impl FnMut(ScanProgress),
) -> Result<DryRunReport, ApiError> {
    let admin = Counting {
        inner: admin,
        requests: Cell::new(0),
    };
    let progress: RefCell<&mut dyn FnMut(ScanProgress)> = RefCell::new(&mut progress);
    let state = Cell::new(ScanProgress::default());
    (progress.borrow_mut())(state.get());

    let usage = all_usage(&admin, None).await?;
    // What each user uploaded before the cut: only those files can qualify (a file is
    // last used no earlier than its upload).
    let before_cut: HashMap<UserId, (u64, u64)> =
        all_usage(&admin, Some(rule.before_ts.saturating_sub(1)))
            .await?
            .into_iter()
            .filter_map(|u| Some((u.user_id?, (u.media_count, u.media_length))))
            .collect();
    let mut report = DryRunReport {
        rule: Some(rule),
        ..Default::default()
    };
    let mut users = Vec::new();
    for u in usage {
        let Some(id) = u.user_id else {
            report.unattributed_files += u.media_count;
            continue;
        };
        let (old_files, old_bytes) = before_cut.get(&id).copied().unwrap_or_default();
        // None of what they uploaded before the cut is larger than its total: nothing
        // of theirs can qualify, and the rest was uploaded (so used) since.
        if old_bytes <= rule.size_gt {
            let newer = u.media_count.saturating_sub(old_files);
            report.kept.add_many(KeptBecause::NotLarger, old_files);
            report.kept.add_many(KeptBecause::UsedSince, newer);
            report.files_seen += u.media_count;
            report.files_not_read += u.media_count;
        } else {
            users.push((id, ReadOrder::for_user(old_files)));
        }
    }
    let skipped_files = report.files_seen;
    state.set(ScanProgress {
        phase: ScanPhase::ReadingMedia,
        users_total: users.len(),
        ..state.get()
    });
    (progress.borrow_mut())(state.get());

    // Candidates before the avatar check, and what is kept for other reasons.
    let found = RefCell::new(Vec::<Candidate>::new());
    let kept = RefCell::new(report.kept);
    let unreadable = RefCell::new(Vec::new());
    let seen = Cell::new(0u64);
    let not_read = Cell::new(0u64);
    let admin_ref = &admin;
    let results = run_bulk(
        &users,
        IN_FLIGHT,
        |(user_id, read_order)| {
            let (found, kept, unreadable, seen, not_read) =
                (&found, &kept, &unreadable, &seen, &not_read);
            let cancelled = &cancelled;
            let (user_id, read_order) = (user_id.clone(), *read_order);
            async move {
                let mut from = 0;
                loop {
                    let (order, descending) = read_order.as_query();
                    let page = match admin_ref
                        .call(UserMedia {
                            user_id: user_id.clone(),
                            from,
                            limit: MEDIA_PAGE,
                            order,
                            descending,
                        })
                        .await
                    {
                        Ok(page) => page,
                        Err(e) => {
                            unreadable.borrow_mut().push((user_id, e.summary()));
                            return Err(e);
                        }
                    };
                    let got = page.media.len() as u64;
                    seen.set(seen.get() + got);
                    let rest_kept = page
                        .media
                        .last()
                        .and_then(|last| read_order.rest_kept(last, &rule));
                    for item in page.media {
                        match verdict(&item, &rule, false) {
                            Ok(()) => found.borrow_mut().push(Candidate {
                                last_used_ts: item.last_access_ts.unwrap_or(item.created_ts),
                                media_id: item.media_id,
                                uploader: user_id.clone(),
                                name: item.upload_name,
                                size: item.media_length,
                            }),
                            Err(why) => kept.borrow_mut().add(why),
                        }
                    }
                    match (page.next_token, rest_kept) {
                        (Some(next), Some(why)) => {
                            let rest = page.total.saturating_sub(next);
                            kept.borrow_mut().add_many(why, rest);
                            seen.set(seen.get() + rest);
                            not_read.set(not_read.get() + rest);
                            return Ok(());
                        }
                        (Some(next), None) if got > 0 && next > from && !cancelled() => from = next,
                        _ => return Ok(()),
                    }
                }
            }
        },
        &cancelled,
        |_, _| {
            let mut p = state.get();
            p.users_done += 1;
            p.files_seen = seen.get();
            state.set(p);
            (progress.borrow_mut())(p);
        },
    )
    .await;
    report.users_scanned = results.iter().filter(|r| r.is_some()).count();
    report.files_seen = skipped_files + seen.get();
    report.files_not_read += not_read.get();
    report.unreadable = unreadable.into_inner();
    report.kept = kept.into_inner();
    let mut candidates = found.into_inner();
    report.complete = results.iter().all(Option::is_some) && !cancelled();

    if report.complete && rule.keep_profiles && !candidates.is_empty() {
        state.set(ScanProgress {
            phase: ScanPhase::CheckingAvatars,
            ..state.get()
        });
        (progress.borrow_mut())(state.get());
        let (in_use, unchecked) = avatars(&admin, &cancelled, &progress, &state).await?;
        report.rooms_unchecked = unchecked;
        report.complete = !cancelled();
        let prefix = format!("mxc://{server_name}/");
        candidates.retain(|c| {
            let avatar = in_use.contains(&format!("{prefix}{}", c.media_id));
            if avatar {
                report.kept.add(KeptBecause::Avatar);
            }
            !avatar
        });
    }
    candidates.sort_by(|a, b| b.size.cmp(&a.size).then(a.media_id.cmp(&b.media_id)));
    report.bytes = candidates.iter().map(|c| c.size).sum();
    report.count = candidates.len();
    report.ids = Some(candidates.iter().map(|c| c.media_id.as_str()).collect());
    candidates.truncate(LARGEST_KEPT);
    report.largest = candidates;
    report.requests = admin.requests.get();
    Ok(report)
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

/// One bar of the usage chart: its length as a share of the longest (0..=1).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub user_id: UserId,
    pub label: String,
    pub bytes: u64,
    pub files: u64,
    pub share: f64,
}

/// The chart's bars: the `top` users by bytes, largest first, each scaled to the
/// largest. Users without an id (URL previews) have no media page to open: left out.
pub fn usage_bars(users: &[UserUsage], top: usize) -> Vec<Bar> {
    let mut with_id: Vec<(&UserId, &UserUsage)> = users
        .iter()
        .filter_map(|u| u.user_id.as_ref().map(|id| (id, u)))
        .collect();
    with_id.sort_by(|a, b| {
        b.1.media_length
            .cmp(&a.1.media_length)
            .then_with(|| a.0.as_str().cmp(b.0.as_str()))
    });
    with_id.truncate(top);
    let largest = with_id.first().map_or(0, |(_, u)| u.media_length).max(1) as f64;
    with_id
        .into_iter()
        .map(|(id, u)| Bar {
            user_id: id.clone(),
            label: match u.displayname.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(name) if name != id.localpart() => format!("{name} ({id})"),
                _ => id.to_string(),
            },
            bytes: u.media_length,
            files: u.media_count,
            share: u.media_length as f64 / largest,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{run, FakeServer};

    const NOW: u64 = 1_795_341_000_000; // 2026-11-22
    const UTC: fn(&LocalDateTime) -> i32 = |_| 0;

    fn item(id: &str, size: u64, created: u64, last_access: Option<u64>) -> MediaDetails {
        MediaDetails {
            media_id: id.parse().unwrap(),
            media_origin: None,
            user_id: None,
            media_type: Some("image/png".into()),
            media_length: size,
            upload_name: Some(format!("{id}.png")),
            created_ts: created,
            last_access_ts: last_access,
            quarantined_by: None,
            safe_from_quarantine: Some(false),
            sha256: None,
        }
    }

    /// A dry run to its end, without cancelling or watching progress.
    fn dry_run_quietly(
        server: &FakeServer,
        rule: DeleteOldRule,
        name: &ServerName,
    ) -> DryRunReport {
        run(dry_run(server, rule, name, || false, |_| {})).unwrap()
    }

    fn rule(before_ts: u64, size_gt: u64, keep_profiles: bool) -> DeleteOldRule {
        DeleteOldRule {
            before_ts,
            size_gt,
            keep_profiles,
        }
    }

    #[test]
    fn the_rule_branch_by_branch() {
        let r = rule(1000, 100, true);
        // Never accessed: the upload date decides.
        assert_eq!(verdict(&item("a", 101, 999, None), &r, false), Ok(()));
        assert_eq!(
            verdict(&item("a", 101, 1000, None), &r, false),
            Err(KeptBecause::UsedSince),
            "uploaded exactly at the date: kept (Synapse compares with <)"
        );
        // Accessed: the last access decides, whatever the upload date.
        assert_eq!(verdict(&item("a", 101, 10, Some(999)), &r, false), Ok(()));
        assert_eq!(
            verdict(&item("a", 101, 10, Some(1000)), &r, false),
            Err(KeptBecause::UsedSince)
        );
        // Size: strictly larger than the threshold.
        assert_eq!(
            verdict(&item("a", 100, 10, None), &r, false),
            Err(KeptBecause::NotLarger)
        );
        assert_eq!(verdict(&item("a", 101, 10, None), &r, false), Ok(()));
        assert_eq!(
            verdict(&item("a", 0, 10, None), &rule(1000, 0, true), false),
            Err(KeptBecause::NotLarger),
            "an empty file is never over 0"
        );
        let quarantined = MediaDetails {
            quarantined_by: Some("@admin:test.local".into()),
            ..item("q", 500, 10, None)
        };
        assert_eq!(
            verdict(&quarantined, &r, false),
            Err(KeptBecause::Quarantined)
        );
        let protected = MediaDetails {
            safe_from_quarantine: Some(true),
            ..item("p", 500, 10, None)
        };
        assert_eq!(verdict(&protected, &r, false), Err(KeptBecause::Protected));
        // Avatars: kept only when asked.
        assert_eq!(
            verdict(&item("v", 500, 10, None), &r, true),
            Err(KeptBecause::Avatar)
        );
        assert_eq!(
            verdict(&item("v", 500, 10, None), &rule(1000, 100, false), true),
            Ok(())
        );
    }

    #[test]
    fn sizes_with_units() {
        assert_eq!(parse_size("", SizeUnit::MiB), Ok(0));
        assert_eq!(parse_size(" 0 ", SizeUnit::GiB), Ok(0));
        assert_eq!(parse_size("500", SizeUnit::Bytes), Ok(500));
        assert_eq!(parse_size("2", SizeUnit::KiB), Ok(2048));
        assert_eq!(parse_size("1.5", SizeUnit::MiB), Ok(1_572_864));
        assert_eq!(parse_size(".5", SizeUnit::KiB), Ok(512));
        assert_eq!(parse_size("3.", SizeUnit::KiB), Ok(3072));
        assert_eq!(parse_size("1", SizeUnit::GiB), Ok(1 << 30));
        assert!(parse_size("-1", SizeUnit::KiB)
            .unwrap_err()
            .contains("negative"));
        for bad in ["abc", "1,5", "1.2.3", "1e3", ".", "10 MB", "+1"] {
            let e = parse_size(bad, SizeUnit::KiB).unwrap_err();
            assert!(e.contains("not a size"), "{bad}: {e}");
        }
        assert!(parse_size("99999999999999999999", SizeUnit::Bytes)
            .unwrap_err()
            .contains("larger than any disk"));
        assert!(parse_size("18446744073709551615", SizeUnit::GiB).is_err());
        assert_eq!("MB".parse(), Ok(SizeUnit::MiB));
        assert_eq!("kib".parse(), Ok(SizeUnit::KiB));
        assert_eq!(" G ".parse(), Ok(SizeUnit::GiB));
        assert!("parsecs".parse::<SizeUnit>().is_err());
        for unit in SizeUnit::ALL {
            assert_eq!(unit.label().parse(), Ok(unit));
        }
    }

    #[test]
    fn cutoff_guards() {
        assert!(cutoff_from_input("", NOW, UTC)
            .unwrap_err()
            .contains("Choose a date"));
        assert!(cutoff_from_input("2026-11-23T00:00", NOW, UTC)
            .unwrap_err()
            .contains("future"));
        assert!(cutoff_from_input("1970-01-01T00:00", NOW, UTC)
            .unwrap_err()
            .contains("1970"));
        assert!(cutoff_from_input("yesterday", NOW, UTC)
            .unwrap_err()
            .contains("not a date"));
        assert_eq!(
            cutoff_from_input("2026-11-01T12:00", NOW, UTC),
            Ok(1_793_534_400_000)
        );
        // The browser's offset applies: 12:00 in UTC+2 is 10:00 UTC.
        assert_eq!(
            cutoff_from_input("2026-11-01T12:00", NOW, |_| 120),
            Ok(1_793_534_400_000 - 7_200_000)
        );
    }

    #[test]
    fn the_form_reports_every_field() {
        let form = DeleteOldForm {
            not_used_since: "2030-01-01T00:00".into(),
            larger_than: "x".into(),
            unit: SizeUnit::MiB,
            keep_avatars: true,
        };
        let e = validate_delete_old(&form, NOW, UTC).unwrap_err();
        assert!(e.date.is_some() && e.size.is_some());
        let ok = DeleteOldForm {
            not_used_since: "2026-11-01T12:00".into(),
            larger_than: "1".into(),
            ..form
        };
        assert_eq!(
            validate_delete_old(&ok, NOW, UTC),
            Ok(rule(1_793_534_400_000, 1 << 20, true))
        );
    }

    #[test]
    fn comparison_names_the_differences() {
        let ids: IdList = ["a", "b"].into_iter().collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(IdList::default().iter().count(), 0);
        let same = compare(&ids, &["b".into(), "a".into()]);
        assert!(same.is_exact());
        assert_eq!(same.matched, 2);
        let off = compare(&ids, &["b".into(), "z".into()]);
        assert_eq!(off.matched, 1);
        assert_eq!(off.only_previewed, ["a"]);
        assert_eq!(off.only_deleted, ["z"]);
    }

    #[test]
    fn bars_scale_to_the_largest_and_skip_userless_rows() {
        let u = |id: Option<&str>, name: Option<&str>, bytes| UserUsage {
            user_id: id.map(|i| i.parse().unwrap()),
            displayname: name.map(Into::into),
            media_count: 1,
            media_length: bytes,
        };
        let bars = usage_bars(
            &[
                u(Some("@small:t.l"), Some("small"), 100),
                u(None, None, 10_000),
                u(Some("@big:t.l"), Some("Big <b>Boss</b>"), 400),
                u(Some("@mid:t.l"), None, 200),
            ],
            2,
        );
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].label, "Big <b>Boss</b> (@big:t.l)");
        assert_eq!(bars[0].share, 1.0);
        assert_eq!(bars[1].label, "@mid:t.l");
        assert_eq!(bars[1].share, 0.5);
        assert_eq!(usage_bars(&[], 5), vec![]);
        assert_eq!(
            usage_bars(&[u(Some("@z:t.l"), None, 0)], 5)[0].share,
            0.0,
            "all zero: no division by zero"
        );
    }

    fn media_json(id: &str, size: u64, created: u64, quarantined_by: &str) -> String {
        format!(
            r#"{{"media_id":"{id}","media_type":"image/png","media_length":{size},"upload_name":"{id}.png","created_ts":{created},"last_access_ts":null,"quarantined_by":{quarantined_by},"safe_from_quarantine":false}}"#
        )
    }

    #[test]
    fn the_dry_run_reads_only_what_can_qualify() {
        // @small's total is within the size: none of its files is read. @big's list,
        // read oldest first, stops at its first file uploaded at or after the cut.
        let server = FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|r| {
                let p = r.path.as_str();
                let body = if p.starts_with("/_synapse/admin/v1/statistics/users/media")
                    && p.ends_with("until_ts=999")
                {
                    // Before the cut: @recent uploaded nothing yet.
                    r#"{"users":[{"user_id":"@big:t.l","displayname":null,"media_count":1000,"media_length":8000000},{"user_id":"@huge:t.l","displayname":null,"media_count":3000,"media_length":8000000},{"user_id":"@small:t.l","displayname":null,"media_count":40,"media_length":100}],"total":3}"#.to_owned()
                } else if p.starts_with("/_synapse/admin/v1/statistics/users/media") {
                    r#"{"users":[{"user_id":"@big:t.l","displayname":null,"media_count":2500,"media_length":9000000},{"user_id":"@huge:t.l","displayname":null,"media_count":3000,"media_length":8000000},{"user_id":"@recent:t.l","displayname":null,"media_count":7,"media_length":90000000},{"user_id":"@small:t.l","displayname":null,"media_count":40,"media_length":100}],"total":4}"#.to_owned()
                } else if p.starts_with(
                    "/_synapse/admin/v1/users/%40huge%3At.l/media?from=0&limit=1000&order_by=media_length&dir=b",
                ) {
                    // Largest first: 999 over the size, then one that is not.
                    let mut items: Vec<String> = (0..999)
                        .map(|i| media_json(&format!("huge{i}"), 9000 - i, i, "null"))
                        .collect();
                    items.push(media_json("small0", 100, 5, "null"));
                    format!(r#"{{"media":[{}],"total":3000,"next_token":1000}}"#, items.join(","))
                } else if p.starts_with(
                    "/_synapse/admin/v1/users/%40big%3At.l/media?from=0&limit=1000&order_by=created_ts&dir=f",
                ) {
                    let mut items: Vec<String> = (0..999)
                        .map(|i| media_json(&format!("old{i}"), 5000, i, "null"))
                        .collect();
                    items.push(media_json("new0", 5000, 1000, "null"));
                    format!(
                        r#"{{"media":[{}],"total":2500,"next_token":1000}}"#,
                        items.join(",")
                    )
                } else {
                    return (
                        404,
                        r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#.into(),
                    );
                };
                (200, body)
            }),
        };
        let name: ServerName = "t.l".parse().unwrap();
        let report = dry_run_quietly(&server, rule(1000, 100, false), &name);
        assert_eq!(report.count, 999 + 999);
        assert_eq!(
            report.kept.not_larger,
            40 + 1 + 2000,
            "@small's files, by its total; small0, and the 2,000 after it"
        );
        assert_eq!(
            report.kept.used_since,
            7 + 1 + 1500,
            "@recent's (all after the cut), new0, and the 1,500 after it"
        );
        assert_eq!(report.files_seen, 5547);
        assert_eq!(report.files_not_read, 3547);
        assert!(report.complete);
        // Both statistics walks and one page each of @big and @huge: @small, @recent
        // and the other pages are never asked.
        assert_eq!(server.seen.borrow().len(), 4, "{:?}", server.seen.borrow());
    }

    fn server() -> FakeServer {
        FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|r| {
                let p = r.path.as_str();
                let body = if p.starts_with("/_synapse/admin/v1/statistics/users/media") {
                    r#"{"users":[{"user_id":"@alice:t.l","displayname":"alice","media_count":3,"media_length":18000},{"user_id":"@gone:t.l","displayname":null,"media_count":1,"media_length":500}],"total":2}"#.to_owned()
                } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=0") {
                    format!(
                        r#"{{"media":[{},{}],"total":3,"next_token":2}}"#,
                        media_json("old_big", 5000, 10, "null"),
                        media_json("avatar", 6000, 10, "null")
                    )
                } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=2") {
                    format!(
                        r#"{{"media":[{}],"total":3}}"#,
                        media_json("guarded", 7000, 10, r#""@admin:t.l""#)
                    )
                } else if p.starts_with("/_synapse/admin/v1/users/%40gone%3At.l/media") {
                    return (
                        404,
                        r#"{"errcode":"M_NOT_FOUND","error":"Unknown user"}"#.into(),
                    );
                } else if p.starts_with("/_synapse/admin/v2/users") {
                    assert!(p.contains("deactivated=true"));
                    r#"{"users":[{"name":"@alice:t.l","avatar_url":"mxc://t.l/avatar"}],"total":1}"#
                        .into()
                } else if p.starts_with("/_synapse/admin/v1/rooms?") {
                    r#"{"rooms":[{"room_id":"!r:t.l"}],"total_rooms":1}"#.into()
                } else if p == "/_synapse/admin/v1/rooms/%21r%3At.l" {
                    r#"{"room_id":"!r:t.l","avatar":null}"#.into()
                } else {
                    panic!("unexpected request {p}")
                };
                (200, body)
            }),
        }
    }

    #[test]
    fn the_dry_run_walks_every_user_and_applies_the_rule() {
        let server = server();
        let mut heard = Vec::new();
        let name: ServerName = "t.l".parse().unwrap();
        let report = run(dry_run(
            &server,
            rule(1000, 100, true),
            &name,
            || false,
            |p| heard.push(p),
        ))
        .unwrap();
        let ids: Vec<&str> = report.ids.as_ref().unwrap().iter().collect();
        assert_eq!(ids, ["old_big"]);
        assert_eq!(report.count, 1);
        assert_eq!(report.largest[0].media_id.as_str(), "old_big");
        assert_eq!(report.bytes, 5000);
        assert_eq!((report.kept.avatar, report.kept.quarantined), (1, 1));
        assert_eq!(report.files_seen, 3);
        assert_eq!(report.unreadable.len(), 1);
        assert_eq!(report.unreadable[0].0.as_str(), "@gone:t.l");
        assert!(report.complete);
        assert!(!report.is_exact(), "a user could not be read");
        // stats, stats before the cut + 2 alice pages + gone + users + rooms + 1 room.
        assert_eq!(report.requests, 8);
        assert_eq!(server.seen.borrow().len(), 8);
        assert_eq!(heard.last().unwrap().rooms_done, 1);
        assert!(heard.iter().any(|p| p.phase == ScanPhase::ReadingMedia));

        // Without keeping avatars, no avatar lookups and the avatar goes too.
        let server = self::server();
        let report = dry_run_quietly(&server, rule(1000, 100, false), &name);
        let ids: Vec<&str> = report.ids.as_ref().unwrap().iter().collect();
        assert_eq!(ids, ["avatar", "old_big"], "largest first");
        let largest: Vec<&str> = report.largest.iter().map(|c| c.media_id.as_str()).collect();
        assert_eq!(largest, ids);
        // Both statistics walks and the media lists; no avatar lookups.
        assert_eq!(report.requests, 5);
    }

    #[test]
    fn a_cancelled_dry_run_is_marked_incomplete() {
        let server = server();
        let name: ServerName = "t.l".parse().unwrap();
        let report = run(dry_run(
            &server,
            rule(1000, 100, true),
            &name,
            || true,
            |_| {},
        ))
        .unwrap();
        assert!(!report.complete);
        assert_eq!(report.users_scanned, 0);
    }

    #[test]
    fn a_failed_statistics_request_fails_the_dry_run() {
        let server = FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|_| {
                (
                    403,
                    r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#.into(),
                )
            }),
        };
        let name: ServerName = "t.l".parse().unwrap();
        let e = run(dry_run(
            &server,
            rule(1000, 0, true),
            &name,
            || false,
            |_| {},
        ))
        .unwrap_err();
        assert!(e.is_forbidden());
    }

    #[test]
    fn a_saved_dry_run_and_delete_read_back_as_they_were() {
        let report = DryRunReport {
            rule: Some(rule(1000, 1024, true)),
            largest: vec![Candidate {
                media_id: "abc".parse().unwrap(),
                uploader: "@alice:t.l".parse().unwrap(),
                name: Some("<b>cat</b>.png".into()),
                size: 2048,
                last_used_ts: 900,
            }],
            count: 2,
            ids: Some(["abc", "def"].into_iter().collect()),
            bytes: 2048,
            unreadable: vec![("@bob:t.l".parse().unwrap(), "HTTP 500".into())],
            complete: true,
            ..DryRunReport::default()
        };
        let deleted = DeletedMedia {
            deleted_media: vec!["abc".into(), "xyz".into()],
            total: 2,
        };
        let saved = SavedReclaim {
            homeserver: "http://127.0.0.1:8008/".into(),
            ran_at_ms: 1_700_000_000_000,
            outcome: Some(DeleteOutcome::of(&report, &deleted)),
            report,
        };
        assert_eq!(
            SavedReclaim::from_json(&saved.to_json()),
            Some(saved.clone())
        );
        let comparison = saved.outcome.as_ref().unwrap().comparison.as_ref().unwrap();
        assert_eq!(
            (
                comparison.only_previewed.as_slice(),
                comparison.only_deleted.as_slice()
            ),
            (&["def".to_owned()][..], &["xyz".to_owned()][..])
        );
        // The ids are one JSON string, not a record each.
        assert!(saved.to_json().contains(r#""ids":"abc\ndef""#));

        // Lighter and lighter: first the candidates' ids (a later delete is then
        // compared by count only), then the deleted ids; never the counts.
        let dry_only = SavedReclaim {
            outcome: None,
            ..saved.clone()
        };
        let (small, left_out) = dry_only.lighter().unwrap();
        assert_eq!(left_out, LeftOut::CandidateIds);
        assert_eq!(small.report.ids, None);
        assert_eq!(
            (small.report.count, &small.report.largest),
            (2, &saved.report.largest)
        );
        assert_eq!(DeleteOutcome::of(&small.report, &deleted).comparison, None);
        assert_eq!(small.lighter(), None, "nothing left to drop");
        let done = dry_only.after_delete(DeleteOutcome::of(&dry_only.report, &deleted));
        assert_eq!(done.report.ids, None, "the comparison replaces the ids");
        assert_eq!(
            done.outcome
                .as_ref()
                .unwrap()
                .deleted
                .as_ref()
                .unwrap()
                .as_lines(),
            "abc\nxyz"
        );
        let (smaller, left_out) = done.lighter().unwrap();
        assert_eq!(left_out, LeftOut::DeletedIds);
        assert_eq!(
            smaller.outcome.as_ref().unwrap().comparison,
            done.outcome.as_ref().unwrap().comparison
        );
        assert_eq!(smaller.lighter(), None);
        assert_eq!(SavedReclaim::from_json("{\"homeserver\":1}"), None);
        assert_eq!(SavedReclaim::from_json(""), None);
    }
}
