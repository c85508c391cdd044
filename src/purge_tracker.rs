//! Follows every purge started or followed in this tab to its end, whatever page is
//! shown, and keeps the list in sessionStorage (per homeserver) so that a reload, a
//! navigation or a new sign-in to the same server goes on following them.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;
use synapse_api::endpoints::purge::{PurgeState, PurgeStatus};
use synapse_api::homeserver::BaseUrl;
use synapse_api::ids::PurgeId;
use synapse_api::purge::{next_poll_ms, TrackState, TrackedPurge};

use crate::api::Api;
use crate::storage::{self, Key};

/// What the poller needs from the browser, replaceable in tests.
pub struct PollEnv {
    pub now_ms: Rc<dyn Fn() -> u64>,
    /// True while the tab is hidden: no status requests then.
    pub hidden: Rc<dyn Fn() -> bool>,
}

impl PollEnv {
    pub fn browser() -> Self {
        Self {
            now_ms: Rc::new(crate::time::now_ms),
            hidden: Rc::new(|| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
            }),
        }
    }
}

/// The purges of the signed-in homeserver, and their followers.
#[derive(Clone, Copy)]
pub struct PurgeTracker {
    api: Api,
    homeserver: RwSignal<Option<BaseUrl>>,
    purges: RwSignal<Vec<TrackedPurge>>,
    /// Purges whose last status request got no answer: "server unreachable, retrying".
    unreachable: RwSignal<HashSet<PurgeId>>,
    /// The latest completion, for the `role=status` region.
    announcement: RwSignal<String>,
    /// Why the list could not be kept in the tab, if its last save failed.
    not_kept: RwSignal<Option<storage::NotKept>>,
    following: crate::Unshared<HashSet<PurgeId>>,
    env: crate::Unshared<Rc<PollEnv>>,
}

type Book = BTreeMap<String, Vec<TrackedPurge>>;

fn read_book() -> Book {
    storage::read(Key::Purges)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

impl PurgeTracker {
    pub fn new(api: Api, env: PollEnv) -> Self {
        Self {
            api,
            homeserver: RwSignal::new(None),
            purges: RwSignal::new(Vec::new()),
            unreachable: RwSignal::new(HashSet::new()),
            announcement: RwSignal::new(String::new()),
            not_kept: RwSignal::new(None),
            following: StoredValue::new_local(HashSet::new()),
            env: StoredValue::new_local(Rc::new(env)),
        }
    }

    pub fn purges(&self) -> Signal<Vec<TrackedPurge>> {
        self.purges.into()
    }

    pub fn is_unreachable(&self, id: &PurgeId) -> bool {
        self.unreachable.with(|set| set.contains(id))
    }

    /// Why the followed purges are not kept in this tab (a reload would lose them).
    pub fn not_kept(&self) -> Signal<Option<storage::NotKept>> {
        self.not_kept.into()
    }

    /// How many purges have a follower right now.
    pub fn following_count(&self) -> usize {
        self.following.with_value(HashSet::len)
    }

    pub fn announcement(&self) -> Signal<String> {
        self.announcement.into()
    }

    pub fn now_ms(&self) -> u64 {
        (self.env.get_value().now_ms)()
    }

    /// Loads and resumes the purges of the homeserver just signed in to.
    pub fn activate(&self, homeserver: BaseUrl) {
        let list = read_book().remove(homeserver.as_str()).unwrap_or_default();
        self.homeserver.set(Some(homeserver));
        self.purges.set(list);
        for purge in self.purges.get_untracked() {
            self.follow(purge.purge_id.clone());
        }
    }

    /// Signed out or expired: followers stop by themselves; the list stays stored.
    pub fn deactivate(&self) {
        self.homeserver.set(None);
        self.purges.set(Vec::new());
    }

    /// Starts following a purge (a new one, or one started elsewhere).
    pub fn add(&self, purge: TrackedPurge) {
        let id = purge.purge_id.clone();
        self.purges.update(|list| {
            if !list.iter().any(|p| p.purge_id == id) {
                list.insert(0, purge);
            }
        });
        self.save();
        self.follow(id);
    }

    /// Removes a purge from the list (it is not stopped on the server: that cannot be).
    pub fn forget(&self, id: &PurgeId) {
        self.purges
            .update(|list| list.retain(|p| &p.purge_id != id));
        self.save();
    }

    fn save(&self) {
        let Some(homeserver) = self.homeserver.get_untracked() else {
            return;
        };
        let mut book = read_book();
        book.insert(homeserver.to_string(), self.purges.get_untracked());
        let saved = storage::write(
            Key::Purges,
            &serde_json::to_string(&book).unwrap_or_default(),
        );
        self.not_kept.set(saved.err());
    }

    /// `None` also once the tracker is gone (its owner disposed): followers then stop.
    fn get(&self, id: &PurgeId) -> Option<TrackedPurge> {
        self.purges
            .try_with_untracked(|list| list.iter().find(|p| &p.purge_id == id).cloned())
            .flatten()
    }

    fn record(&self, id: &PurgeId, state: TrackState) {
        let now = self.now_ms();
        let mut finished = None;
        self.purges.update(|list| {
            if let Some(purge) = list.iter_mut().find(|p| &p.purge_id == id) {
                if purge.record(state, now) {
                    finished = Some(purge.clone());
                }
            }
        });
        if let Some(purge) = finished {
            self.announcement.set(announce(&purge));
        }
        self.set_unreachable(id, false);
        self.save();
    }

    fn set_unreachable(&self, id: &PurgeId, on: bool) {
        if on != self.is_unreachable(id) {
            self.unreachable.update(|set| {
                if on {
                    set.insert(id.clone());
                } else {
                    set.remove(id);
                }
            });
        }
    }

    /// Is the follower of `homeserver` still wanted: same server, signed in?
    fn still_wanted(&self, homeserver: &BaseUrl) -> bool {
        self.homeserver.try_get_untracked().flatten().as_ref() == Some(homeserver)
            && self
                .api
                .auth()
                .current()
                .is_some_and(|s| &s.homeserver == homeserver)
    }

    /// One follower per purge: polls until the purge is settled, the session ends, or
    /// it is forgotten.
    fn follow(&self, id: PurgeId) {
        let Some(homeserver) = self.homeserver.get_untracked() else {
            return;
        };
        if self.get(&id).is_none_or(|p| p.is_settled()) {
            return;
        }
        let started = self
            .following
            .try_update_value(|set| set.insert(id.clone()));
        if started != Some(true) {
            return;
        }
        let tracker = *self;
        leptos::task::spawn_local(async move {
            tracker.poll_until_settled(&id, &homeserver).await;
            tracker.following.try_update_value(|set| set.remove(&id));
        });
    }

    async fn poll_until_settled(&self, id: &PurgeId, homeserver: &BaseUrl) {
        let env = self.env.get_value();
        let transport = self.api.transport();
        let mut failures = 0;
        loop {
            if !self.still_wanted(homeserver) {
                return;
            }
            let Some(purge) = self.get(id) else { return };
            if purge.is_settled() {
                return;
            }
            if (env.hidden)() {
                // Nothing is asked while nobody looks; check again soon.
                transport.sleep(1_000).await;
                continue;
            }
            match self
                .api
                .send(&PurgeStatus {
                    purge_id: id.clone(),
                })
                .await
            {
                Ok(state) => {
                    failures = 0;
                    self.record(id, TrackState::Server(state));
                }
                Err(err) if err.is_not_found() => self.record(id, TrackState::Unknown),
                // The session ended: the follower stops; a new sign-in resumes it.
                Err(err) if err.is_unauthorized() => return,
                Err(_) => {
                    failures += 1;
                    self.set_unreachable(id, true);
                }
            }
            let elapsed = (env.now_ms)().saturating_sub(purge.started_at_ms);
            transport.sleep(next_poll_ms(elapsed, failures)).await;
        }
    }
}

fn announce(purge: &TrackedPurge) -> String {
    let room = purge
        .room_name
        .clone()
        .or_else(|| purge.room_id.as_ref().map(|r| r.to_string()))
        .map(|r| format!(" of {r}"))
        .unwrap_or_default();
    match &purge.state {
        TrackState::Server(PurgeState::Complete) => {
            format!("Purge {}{room} is complete.", purge.purge_id)
        }
        TrackState::Server(PurgeState::Failed { error }) => {
            format!("Purge {}{room} failed: {error}", purge.purge_id)
        }
        TrackState::Unknown => {
            format!("The server no longer knows purge {}{room}.", purge.purge_id)
        }
        TrackState::Server(PurgeState::Active) => String::new(),
    }
}

pub fn use_purge_tracker() -> PurgeTracker {
    expect_context::<PurgeTracker>()
}
