//! Media, beyond the endpoints: sizes for people, and running one action over many
//! items with a bound on requests in flight, a result per item, and a way to stop.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use crate::endpoints::media::{MediaAction, MediaDetails};
use crate::error::ApiError;
use crate::ids::{MxcUri, UserId};

/// `1.5 MiB`: sizes in powers of 1024, as `df -h` and `du -h` count them.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} {}", if bytes == 1 { "byte" } else { "bytes" });
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// Why an action does not apply to an item now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotApplicable {
    Deleted,
    /// Only this server's own media can be deleted or protected.
    Remote,
    AlreadyQuarantined,
    /// Protected media is never quarantined.
    Protected,
    NotQuarantined,
    AlreadyProtected,
    NotProtected,
}

/// One media item as the console shows it, whichever list it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaRow {
    pub uri: MxcUri,
    /// Uploaded to this server (not a cached copy of remote media).
    pub local: bool,
    pub name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
    pub uploader: Option<UserId>,
    pub created_ts: Option<u64>,
    pub last_access_ts: Option<u64>,
    pub quarantined: bool,
    pub protected: bool,
    /// Listed (by a room's events) but gone from the server.
    pub deleted: bool,
}

impl MediaRow {
    /// From a user's media list: always this server's media.
    pub fn from_list(item: MediaDetails, server_name: &str) -> Option<Self> {
        let uri = format!("mxc://{server_name}/{}", item.media_id)
            .parse()
            .ok()?;
        Some(Self::from_details(uri, item, server_name))
    }

    /// From media info.
    pub fn from_details(uri: MxcUri, details: MediaDetails, server_name: &str) -> Self {
        Self {
            local: uri.server_name().as_str() == server_name,
            uri,
            name: details.upload_name,
            media_type: details.media_type,
            size: Some(details.media_length),
            uploader: details.user_id,
            created_ts: Some(details.created_ts),
            last_access_ts: details.last_access_ts,
            quarantined: details.quarantined_by.is_some(),
            protected: details.safe_from_quarantine.unwrap_or(false),
            deleted: false,
        }
    }

    /// Only the URI is known: media info is missing (older Synapse) or says "gone".
    pub fn bare(uri: MxcUri, server_name: &str, deleted: bool) -> Self {
        Self {
            local: uri.server_name().as_str() == server_name,
            uri,
            name: None,
            media_type: None,
            size: None,
            uploader: None,
            created_ts: None,
            last_access_ts: None,
            quarantined: false,
            protected: false,
            deleted,
        }
    }

    /// Whether `action` applies to this item now, or why not.
    pub fn can(&self, action: MediaAction) -> Result<(), NotApplicable> {
        if self.deleted {
            return Err(NotApplicable::Deleted);
        }
        if action.is_local_only() && !self.local {
            return Err(NotApplicable::Remote);
        }
        match action {
            MediaAction::Quarantine if self.quarantined => Err(NotApplicable::AlreadyQuarantined),
            MediaAction::Quarantine if self.protected => Err(NotApplicable::Protected),
            MediaAction::Unquarantine if !self.quarantined => Err(NotApplicable::NotQuarantined),
            MediaAction::Protect if self.protected => Err(NotApplicable::AlreadyProtected),
            MediaAction::Unprotect if !self.protected => Err(NotApplicable::NotProtected),
            _ => Ok(()),
        }
    }

    /// The file name, or the media id when it has none.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| self.uri.media_id().to_string())
    }
}

/// Which rows of a long list to put in the page: those on screen, and `buffer` more on
/// each side. `list_top` is where the first row would be, relative to the top of the
/// viewport (negative once scrolled past). Returns `start..end` row indices.
pub fn visible_rows(
    total: usize,
    row_height: f64,
    list_top: f64,
    viewport_height: f64,
    buffer: usize,
) -> (usize, usize) {
    if total == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = (-list_top / row_height).floor().max(0.0) as usize;
    let last = ((viewport_height - list_top) / row_height).ceil().max(0.0) as usize;
    let start = first.saturating_sub(buffer).min(total);
    let end = (last + buffer).min(total).max(start);
    (start, end)
}

/// Where a bulk run stands: for the progress bar and the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BulkProgress {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    /// Not started because the run was cancelled.
    pub skipped: usize,
}

impl BulkProgress {
    pub fn done(&self) -> usize {
        self.succeeded + self.failed
    }
}

/// Runs `act` on every item, at most `in_flight` at once. One failure does not stop
/// the rest; `cancelled` is asked before each item starts (running ones finish).
/// `on_result` hears each item's index and result as it ends. Returns the results in
/// the items' order (`None` for items skipped by a cancel).
pub async fn run_bulk<T, A, F>(
    items: &[T],
    in_flight: usize,
    act: A,
    cancelled: impl Fn() -> bool,
    mut on_result: impl FnMut(usize, &Result<(), ApiError>),
) -> Vec<Option<Result<(), ApiError>>>
where
    A: Fn(&T) -> F,
    F: Future<Output = Result<(), ApiError>>,
{
    let queue = RefCell::new((0..items.len()).collect::<VecDeque<_>>());
    let results = RefCell::new(vec![None; items.len()]);
    let stop = Cell::new(false);
    let on_result = RefCell::new(&mut on_result);
    let worker = || async {
        loop {
            if stop.get() || cancelled() {
                stop.set(true);
                return;
            }
            let Some(index) = queue.borrow_mut().pop_front() else {
                return;
            };
            let result = act(&items[index]).await;
            (on_result.borrow_mut())(index, &result);
            results.borrow_mut()[index] = Some(result);
        }
    };
    join_all(
        (0..in_flight.max(1).min(items.len().max(1)))
            .map(|_| worker())
            .collect(),
    )
    .await;
    results.into_inner()
}

/// Polls every future until all are done (single-threaded: no executor needed).
async fn join_all<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut futures: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    poll_fn(|cx| {
        let mut pending = false;
        for slot in &mut futures {
            if let Some(future) = slot {
                if future.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    pending = true;
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await
}

/// Tallies results into progress.
pub fn progress_of(results: &[Option<Result<(), ApiError>>]) -> BulkProgress {
    let mut p = BulkProgress {
        total: results.len(),
        ..Default::default()
    };
    for r in results {
        match r {
            Some(Ok(())) => p.succeeded += 1,
            Some(Err(_)) => p.failed += 1,
            None => p.skipped += 1,
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::task::{Context, Waker};

    fn item(json: &str) -> MediaDetails {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn rows_from_a_user_list_and_what_can_be_done_to_them() {
        let row = MediaRow::from_list(
            item(r#"{"media_id":"FAQFNdAJEsdPuGjsiPWIJbHk","media_type":"image/png","media_length":358,"upload_name":"img1.png","created_ts":1,"last_access_ts":null,"quarantined_by":null,"safe_from_quarantine":false,"user_id":"@alice:test.local"}"#),
            "test.local",
        )
        .unwrap();
        assert_eq!(
            row.uri.to_string(),
            "mxc://test.local/FAQFNdAJEsdPuGjsiPWIJbHk"
        );
        assert_eq!(row.label(), "img1.png");
        assert_eq!(row.can(MediaAction::Quarantine), Ok(()));
        assert_eq!(
            row.can(MediaAction::Unquarantine),
            Err(NotApplicable::NotQuarantined)
        );
        assert_eq!(row.can(MediaAction::Protect), Ok(()));
        assert_eq!(row.can(MediaAction::Delete), Ok(()));
        let protected = MediaRow {
            protected: true,
            ..row.clone()
        };
        assert_eq!(
            protected.can(MediaAction::Quarantine),
            Err(NotApplicable::Protected)
        );
        assert_eq!(protected.can(MediaAction::Unprotect), Ok(()));
        let quarantined = MediaRow {
            quarantined: true,
            ..row.clone()
        };
        assert_eq!(quarantined.can(MediaAction::Unquarantine), Ok(()));
        assert_eq!(quarantined.can(MediaAction::Delete), Ok(()));
    }

    #[test]
    fn remote_and_deleted_rows_refuse_with_a_reason() {
        let remote = MediaRow::bare(
            "mxc://remote.example/remoteA".parse().unwrap(),
            "test.local",
            false,
        );
        assert!(!remote.local);
        assert_eq!(remote.can(MediaAction::Delete), Err(NotApplicable::Remote));
        assert!(remote.can(MediaAction::Protect).is_err());
        assert_eq!(remote.can(MediaAction::Quarantine), Ok(()));
        assert_eq!(remote.label(), "remoteA");
        let gone = MediaRow::bare("mxc://test.local/x".parse().unwrap(), "test.local", true);
        assert_eq!(
            gone.can(MediaAction::Quarantine),
            Err(NotApplicable::Deleted)
        );
    }

    #[test]
    fn the_window_follows_the_scroll() {
        // List 500 px below the top, 900 px viewport, 100 px rows: rows 0..4 show.
        assert_eq!(visible_rows(1000, 100.0, 500.0, 900.0, 2), (0, 6));
        // Scrolled 10,000 px into the list: rows 100..109 show.
        assert_eq!(visible_rows(1000, 100.0, -10_000.0, 900.0, 5), (95, 114));
        // Past the end, and empty lists.
        assert_eq!(visible_rows(10, 100.0, -5_000.0, 900.0, 3), (10, 10));
        assert_eq!(visible_rows(0, 100.0, 0.0, 900.0, 3), (0, 0));
        // Below the viewport entirely: only the buffer.
        assert_eq!(visible_rows(1000, 100.0, 2_000.0, 900.0, 4), (0, 4));
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(1023), "1023 bytes");
        assert_eq!(format_size(1024), "1.0 KiB");
        assert_eq!(format_size(300_000), "293 KiB");
        assert_eq!(format_size(1_572_864), "1.5 MiB");
        assert_eq!(format_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }

    /// A request that stays in flight until the test lets it finish.
    struct Gate {
        open: Rc<Cell<bool>>,
        in_flight: Rc<Cell<usize>>,
        counted: bool,
    }

    impl Future for Gate {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            if !self.counted {
                self.counted = true;
                self.in_flight.set(self.in_flight.get() + 1);
            }
            if self.open.get() {
                self.in_flight.set(self.in_flight.get() - 1);
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    #[test]
    fn never_more_than_the_bound_in_flight_and_failures_do_not_stop_the_rest() {
        let open = Rc::new(Cell::new(false));
        let in_flight = Rc::new(Cell::new(0));
        let most = Rc::new(Cell::new(0));
        let items: Vec<u32> = (0..10).collect();
        let heard = RefCell::new(Vec::new());
        let act = |item: &u32| {
            let gate = Gate {
                open: open.clone(),
                in_flight: in_flight.clone(),
                counted: false,
            };
            let most = most.clone();
            let in_flight = in_flight.clone();
            let item = *item;
            async move {
                gate.await;
                most.set(most.get().max(in_flight.get() + 1));
                if item.is_multiple_of(3) {
                    Err(ApiError::Network {
                        detail: "down".into(),
                    })
                } else {
                    Ok(())
                }
            }
        };
        let run = run_bulk(
            &items,
            3,
            act,
            || false,
            |i, r| heard.borrow_mut().push((i, r.is_ok())),
        );
        let mut run = std::pin::pin!(run);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(run.as_mut().poll(&mut cx).is_pending());
        assert_eq!(in_flight.get(), 3, "three requests in flight, no more");
        open.set(true);
        let Poll::Ready(results) = run.as_mut().poll(&mut cx) else {
            panic!("not done")
        };
        assert!(most.get() <= 3);
        let p = progress_of(&results);
        assert_eq!((p.total, p.succeeded, p.failed, p.skipped), (10, 6, 4, 0));
        assert_eq!(heard.borrow().len(), 10);
    }

    #[test]
    fn cancel_lets_running_items_finish_and_skips_the_rest() {
        let items: Vec<u32> = (0..10).collect();
        let started = Cell::new(0);
        let act = |_: &u32| {
            started.set(started.get() + 1);
            async { Ok(()) }
        };
        let cancelled = || started.get() >= 4;
        let mut cx = Context::from_waker(Waker::noop());
        let run = run_bulk(&items, 2, act, cancelled, |_, _| {});
        let Poll::Ready(results) = std::pin::pin!(run).poll(&mut cx) else {
            panic!("not done")
        };
        let p = progress_of(&results);
        assert_eq!((p.succeeded, p.skipped), (4, 6));
        assert_eq!(p.done(), 4);
    }

    #[test]
    fn an_empty_list_is_done_at_once() {
        let mut cx = Context::from_waker(Waker::noop());
        let run = run_bulk(&[] as &[u32], 4, |_| async { Ok(()) }, || false, |_, _| {});
        let Poll::Ready(results) = std::pin::pin!(run).poll(&mut cx) else {
            panic!("pending")
        };
        assert!(results.is_empty());
    }
}
