//! The dry run: Synapse's rule applied to every local user's media, read page by page,
//! before anything is deleted (Synapse itself has no dry run).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use crate::client::{Admin, LocalFuture};
use crate::endpoints::media::{MediaDetails, MediaOrder, UserMedia};
use crate::endpoints::rooms::{ListRooms, RoomDetails};
use crate::endpoints::statistics::{UsageOrder, UserMediaUsage, UserUsage};
use crate::endpoints::users::ListUsers;
use crate::error::ApiError;
use crate::ids::{RoomId, ServerName, UserId};
use crate::media::run_bulk;
use crate::paging::every_page;
use crate::Endpoint;

use super::*;

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
                            unreadable.borrow_mut().push((user_id, e.clone()));
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
