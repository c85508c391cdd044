//! Purge history, beyond the endpoints: the form's rules, dates, what a purge will
//! remove, how to follow a purge, and what a refusal means.

use serde::{Deserialize, Serialize};

use crate::endpoints::purge::{CutPoint, PurgeState};
use crate::endpoints::rooms::RoomEvent;
use crate::error::ApiError;
use crate::ids::{EventId, IdError, IdKind, IdProblem, PurgeId, RoomAlias, RoomId};

/// A room as typed: an id to use, or an alias to look up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomRef {
    Id(RoomId),
    Alias(RoomAlias),
}

impl std::str::FromStr for RoomRef {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        let raw = raw.trim();
        match raw.chars().next() {
            None => Err(IdError::new(IdKind::Room, IdProblem::Empty)),
            Some('#') => raw.parse().map(RoomRef::Alias),
            Some('!') => raw.parse().map(RoomRef::Id),
            Some('@') => Err(IdError::new(IdKind::Room, IdProblem::UserNotRoom)),
            Some('$') => Err(IdError::new(IdKind::Room, IdProblem::EventNotRoom)),
            Some(_) => Err(IdError::new(IdKind::Room, IdProblem::NotARoom)),
        }
    }
}

/// A date and time as a `datetime-local` input gives it: `YYYY-MM-DDTHH:MM[:SS]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalDateTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Why a date typed as a cut-off is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateProblem {
    Missing,
    /// Not a date and time; the text.
    Unreadable(String),
    /// Before what the action takes (1970 for a purge, December 1970 for a delete).
    TooEarly,
    InFuture,
}

impl std::str::FromStr for LocalDateTime {
    type Err = DateProblem;

    fn from_str(raw: &str) -> Result<Self, DateProblem> {
        let bad = || DateProblem::Unreadable(raw.to_owned());
        let raw_t = raw.trim().replacen(' ', "T", 1);
        let (date, time) = raw_t.split_once('T').ok_or_else(bad)?;
        let mut date_parts = date.split('-');
        let year: i32 = date_parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let month: u32 = date_parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let day: u32 = date_parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let mut time_parts = time.split(':');
        let hour: u32 = time_parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let minute: u32 = time_parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        let second: u32 = match time_parts.next() {
            // Seconds may carry a fraction ("05.250"): whole seconds are enough here.
            Some(p) => p
                .split('.')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)?,
            None => 0,
        };
        if date_parts.next().is_some() || time_parts.next().is_some() {
            return Err(bad());
        }
        let valid = (1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid {
            return Err(bad());
        }
        Ok(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl LocalDateTime {
    /// Milliseconds since the epoch if this wall-clock time were UTC.
    pub fn as_if_utc_ms(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs * 1000
    }

    /// The instant this wall-clock time names in a zone `offset_minutes` east of UTC
    /// (JavaScript's `getTimezoneOffset()` is the negation of that).
    pub fn to_utc_ms(&self, offset_minutes: i32) -> i64 {
        self.as_if_utc_ms() - i64::from(offset_minutes) * 60_000
    }
}

/// `2026-11-22 09:50:18 UTC`.
pub fn format_utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// How the cut point is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CutKind {
    #[default]
    Date,
    Event,
}

/// The purge form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeForm {
    pub room: String,
    pub cut_kind: CutKind,
    pub event: String,
    /// From a `datetime-local` input, in the browser's time zone.
    pub date: String,
    pub delete_local_events: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeFormErrors {
    pub room: Option<IdError>,
    pub event: Option<IdError>,
    pub date: Option<DateProblem>,
}

impl PurgeFormErrors {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A checked form: the room still to resolve, and the cut point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgePlan {
    pub room: RoomRef,
    pub cut: CutPoint,
    pub delete_local_events: bool,
}

/// Checks the form. `now_ms` is the current time; `offset_minutes_at` gives the
/// browser's UTC offset (east positive) at a given wall-clock time, DST included.
pub fn validate_purge(
    form: &PurgeForm,
    now_ms: u64,
    offset_minutes_at: impl Fn(&LocalDateTime) -> i32,
) -> Result<PurgePlan, PurgeFormErrors> {
    let mut errors = PurgeFormErrors::default();
    let room = form
        .room
        .parse::<RoomRef>()
        .map_err(|e| errors.room = Some(e))
        .ok();
    let cut = match form.cut_kind {
        CutKind::Event => {
            let raw = form.event.trim();
            if raw.is_empty() {
                errors.event = Some(IdError::new(IdKind::EventId, IdProblem::Empty));
                None
            } else {
                raw.parse::<EventId>()
                    .map(CutPoint::Event)
                    .map_err(|e| errors.event = Some(e))
                    .ok()
            }
        }
        CutKind::Date => match form.date.trim() {
            "" => {
                errors.date = Some(DateProblem::Missing);
                None
            }
            raw => match raw.parse::<LocalDateTime>() {
                Err(problem) => {
                    errors.date = Some(problem);
                    None
                }
                Ok(local) => {
                    let ts = local.to_utc_ms(offset_minutes_at(&local));
                    if ts <= 0 {
                        errors.date = Some(DateProblem::TooEarly);
                        None
                    } else if ts as u64 > now_ms {
                        errors.date = Some(DateProblem::InFuture);
                        None
                    } else {
                        Some(CutPoint::Before(ts as u64))
                    }
                }
            },
        },
    };
    match (room, cut) {
        (Some(room), Some(cut)) if errors.is_empty() => Ok(PurgePlan {
            room,
            cut,
            delete_local_events: form.delete_local_events,
        }),
        _ => Err(errors),
    }
}

/// Why Synapse refused to start a purge, read from what it said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PurgeRefusal {
    /// The cut point is before the room's first message, or the room is unknown.
    NothingToPurge,
    /// The event belongs to another room.
    WrongRoom,
    /// The server has no event with that id.
    UnknownEvent,
    Other(ApiError),
}

impl PurgeRefusal {
    pub fn of(error: &ApiError) -> Self {
        let said = error.server_message().unwrap_or_default();
        if said.contains("there is no event to be purged") {
            PurgeRefusal::NothingToPurge
        } else if said.contains("wrong room") {
            PurgeRefusal::WrongRoom
        } else if said.starts_with("Could not find event") {
            PurgeRefusal::UnknownEvent
        } else {
            PurgeRefusal::Other(error.clone())
        }
    }
}

/// What the preview found before the cut point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeTally {
    /// Non-state events sent by this server's users.
    pub local: u64,
    /// Non-state events sent by users of other servers.
    pub remote: u64,
    /// State events before the cut: never deleted.
    pub state: u64,
    /// The cut point was found: the counts are complete.
    pub complete: bool,
}

impl PurgeTally {
    /// Adds a page of events (oldest first); stops at the cut point.
    pub fn add_page(&mut self, events: &[RoomEvent], cut: &CutPoint, server_name: &str) {
        for event in events {
            let reached = match cut {
                CutPoint::Event(id) => &event.event_id == id,
                CutPoint::Before(ts) => event.origin_server_ts >= *ts,
            };
            if reached {
                self.complete = true;
                return;
            }
            if event.is_state() {
                self.state += 1;
            } else if event.sender.rsplit_once(':').map(|(_, s)| s) == Some(server_name)
                || event.sender.split_once(':').map(|(_, s)| s) == Some(server_name)
            {
                self.local += 1;
            } else {
                self.remote += 1;
            }
        }
    }
}

/// A purge this tab follows, kept in sessionStorage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedPurge {
    pub purge_id: PurgeId,
    /// Unknown for a purge started elsewhere and followed by id.
    pub room_id: Option<RoomId>,
    pub room_name: Option<String>,
    pub cut: Option<CutPoint>,
    pub delete_local_events: Option<bool>,
    pub started_at_ms: u64,
    pub state: TrackState,
    /// When the server last answered about it.
    pub checked_at_ms: Option<u64>,
    /// When it was first seen complete or failed.
    pub finished_at_ms: Option<u64>,
}

/// What is known of a followed purge.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TrackState {
    Server(PurgeState),
    /// 404: the server no longer knows it (records are kept 7 days) or never did.
    Unknown,
}

impl TrackedPurge {
    /// No more polling: complete, failed, or unknown to the server.
    pub fn is_settled(&self) -> bool {
        match &self.state {
            TrackState::Server(state) => state.is_finished(),
            TrackState::Unknown => true,
        }
    }

    /// Records an answer; returns true if the purge just reached its end.
    pub fn record(&mut self, state: TrackState, now_ms: u64) -> bool {
        let was_settled = self.is_settled();
        self.state = state;
        self.checked_at_ms = Some(now_ms);
        if !was_settled && self.is_settled() {
            self.finished_at_ms = Some(now_ms);
            return true;
        }
        false
    }
}

/// How long to wait before asking again about a purge that has run `elapsed_ms`,
/// after `failures` network failures in a row: about once a second at first, slower
/// as it runs long; backing off while the server is unreachable.
pub fn next_poll_ms(elapsed_ms: u64, failures: u32) -> u64 {
    if failures > 0 {
        return (1000u64 << failures.min(5)).min(30_000);
    }
    match elapsed_ms {
        0..=15_000 => 1_000,
        15_001..=60_000 => 2_000,
        60_001..=600_000 => 5_000,
        _ => 15_000,
    }
}

/// Elapsed time as "42 s", "3 min 5 s", "2 h 4 min".
pub fn format_elapsed(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// The first event a purge keeps, as far as the server can tell.
#[derive(Clone, Debug, PartialEq)]
pub enum FirstKept {
    Event(RoomEvent),
    /// No event at or after the date: everything but the latest event goes.
    NothingAfter,
    /// The server has no preview endpoint (older Synapse).
    Unavailable,
}

/// What a purge that keeps this server's users' messages (`delete_local_events: false`)
/// really does to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalMessagesFate {
    /// Hidden from the room's history, kept in the database: as documented.
    Hidden,
    /// Deleted from the database all the same: Synapse before 1.156.0 did so in rooms
    /// of version 3 and later (element-hq/synapse#19850).
    DeletedAnyway,
}

/// The fate of local messages a purge is told to keep, on `server_version` (as
/// `server_version` reports it) for a room of `room_version` (unknown counts as
/// affected: a warning too many is better than messages lost).
pub fn local_messages_when_kept(
    server_version: &str,
    room_version: Option<&str>,
) -> LocalMessagesFate {
    let unaffected_room = matches!(room_version, Some("1" | "2"));
    if unaffected_room || crate::version::at_least(server_version, 1, 156) {
        LocalMessagesFate::Hidden
    } else {
        LocalMessagesFate::DeletedAnyway
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_341_000_000; // 2026-11-22

    fn form(kind: CutKind) -> PurgeForm {
        PurgeForm {
            room: "!9bC_ndM8jnZBK7pf_L6bZNIsOdK0ixJnV5VV8ZnW9xo".into(),
            cut_kind: kind,
            event: "$kOePliDFmm6DqySgJ3Cl1Gmf2I-1chkegnOVnzwid7o".into(),
            date: "2026-11-01T12:00".into(),
            delete_local_events: false,
        }
    }

    #[test]
    fn room_refs() {
        assert!(matches!(
            "#town-square:localhost".parse(),
            Ok(RoomRef::Alias(_))
        ));
        assert!(matches!("!abc".parse(), Ok(RoomRef::Id(_))));
        let problem = |raw: &str| raw.parse::<RoomRef>().unwrap_err().problem;
        assert_eq!(problem("@alice:localhost"), IdProblem::UserNotRoom);
        assert_eq!(problem("$event"), IdProblem::EventNotRoom);
        assert_eq!(problem(""), IdProblem::Empty);
        assert!("town square".parse::<RoomRef>().is_err());
    }

    #[test]
    fn local_dates_convert_with_the_offset_of_that_date() {
        let local: LocalDateTime = "2026-11-01T12:00".parse().unwrap();
        assert_eq!(local.as_if_utc_ms(), 1_793_534_400_000);
        // Berlin in winter is UTC+1: 12:00 there is 11:00 UTC.
        assert_eq!(local.to_utc_ms(60), 1_793_534_400_000 - 3_600_000);
        // New York in winter is UTC-5.
        assert_eq!(local.to_utc_ms(-300), 1_793_534_400_000 + 5 * 3_600_000);
        assert_eq!(
            "1970-01-01T00:00:00"
                .parse::<LocalDateTime>()
                .unwrap()
                .as_if_utc_ms(),
            0
        );
        assert_eq!(
            "2024-02-29 23:59:59"
                .parse::<LocalDateTime>()
                .unwrap()
                .second,
            59
        );
        assert_eq!(
            "2026-11-01T12:00:05.250"
                .parse::<LocalDateTime>()
                .unwrap()
                .second,
            5
        );
    }

    #[test]
    fn unparseable_dates_say_so() {
        for bad in [
            "yesterday",
            "2026-13-01T00:00",
            "2025-02-29T10:00",
            "2026-11-01",
            "2026-11-01T25:00",
            "2026-11-01T10:00:00:00",
        ] {
            assert_eq!(
                bad.parse::<LocalDateTime>().unwrap_err(),
                DateProblem::Unreadable(bad.to_owned())
            );
        }
    }

    #[test]
    fn utc_formatting_inverts_the_conversion() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_793_534_400_000), "2026-11-01 12:00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn a_valid_form_becomes_a_plan() {
        let by_event = validate_purge(&form(CutKind::Event), NOW, |_| 0).unwrap();
        assert!(matches!(by_event.cut, CutPoint::Event(_)));
        let by_date = validate_purge(&form(CutKind::Date), NOW, |_| 60).unwrap();
        assert_eq!(by_date.cut, CutPoint::Before(1_793_534_400_000 - 3_600_000));
        assert!(!by_date.delete_local_events);
    }

    #[test]
    fn bad_input_is_caught_at_its_field() {
        let mut f = form(CutKind::Date);
        f.room = String::new();
        f.date = "2027-01-01T00:00".into();
        let errors = validate_purge(&f, NOW, |_| 0).unwrap_err();
        assert_eq!(
            errors.room,
            Some(IdError::new(IdKind::Room, IdProblem::Empty))
        );
        assert_eq!(errors.date, Some(DateProblem::InFuture));

        f.date = "not a date".into();
        assert_eq!(
            validate_purge(&f, NOW, |_| 0).unwrap_err().date,
            Some(DateProblem::Unreadable("not a date".into()))
        );
        f.date = String::new();
        assert!(validate_purge(&f, NOW, |_| 0).unwrap_err().date.is_some());

        let mut e = form(CutKind::Event);
        e.event = "!notanevent".into();
        assert_eq!(
            validate_purge(&e, NOW, |_| 0).unwrap_err().event,
            Some(IdError::new(IdKind::EventId, IdProblem::NoSigil('$')))
        );
        e.event = " ".into();
        assert!(validate_purge(&e, NOW, |_| 0).unwrap_err().event.is_some());
        // The event field is ignored when cutting by date, and vice versa.
        let mut d = form(CutKind::Date);
        d.event = "garbage".into();
        assert!(validate_purge(&d, NOW, |_| 0).is_ok());
    }

    #[test]
    fn refusals_are_told_apart() {
        let refusal = |status, body| PurgeRefusal::of(&ApiError::from_status(status, body));
        assert_eq!(
            refusal(
                404,
                r#"{"errcode":"M_NOT_FOUND","error":"there is no event to be purged"}"#
            ),
            PurgeRefusal::NothingToPurge
        );
        assert_eq!(
            refusal(
                400,
                r#"{"errcode":"M_UNKNOWN","error":"Event is for wrong room."}"#
            ),
            PurgeRefusal::WrongRoom
        );
        assert_eq!(
            refusal(
                404,
                r#"{"errcode":"M_NOT_FOUND","error":"Could not find event $x"}"#
            ),
            PurgeRefusal::UnknownEvent
        );
        assert_eq!(
            refusal(500, "boom"),
            PurgeRefusal::Other(ApiError::from_status(500, "boom"))
        );
    }

    fn event(id: &str, sender: &str, ts: u64, state: bool) -> RoomEvent {
        RoomEvent {
            event_id: id.parse().unwrap(),
            sender: sender.into(),
            origin_server_ts: ts,
            kind: if state {
                "m.room.member".into()
            } else {
                "m.room.message".into()
            },
            state_key: state.then(String::new),
            content: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_tally_counts_up_to_the_cut_and_splits_local_from_remote() {
        let page = [
            event("$1", "@alice:localhost", 10, true),
            event("$2", "@alice:localhost", 20, false),
            event("$3", "@bob:remote.org", 30, false),
            event("$4", "@alice:localhost", 40, false),
            event("$5", "@alice:localhost", 50, false),
        ];
        let mut by_event = PurgeTally::default();
        by_event.add_page(&page, &CutPoint::Event("$4".parse().unwrap()), "localhost");
        assert_eq!(
            by_event,
            PurgeTally {
                local: 1,
                remote: 1,
                state: 1,
                complete: true
            }
        );

        let mut by_date = PurgeTally::default();
        by_date.add_page(&page[..2], &CutPoint::Before(35), "localhost");
        assert!(!by_date.complete);
        by_date.add_page(&page[2..], &CutPoint::Before(35), "localhost");
        assert_eq!(
            by_date,
            PurgeTally {
                local: 1,
                remote: 1,
                state: 1,
                complete: true
            }
        );

        let mut port = PurgeTally::default();
        port.add_page(
            &[event("$9", "@a:127.0.0.1:8008", 1, false)],
            &CutPoint::Before(5),
            "127.0.0.1:8008",
        );
        assert_eq!(port.local, 1);
    }

    fn tracked() -> TrackedPurge {
        TrackedPurge {
            purge_id: "HCJVhkvPgbCAxVfR".parse().unwrap(),
            room_id: None,
            room_name: None,
            cut: None,
            delete_local_events: None,
            started_at_ms: 0,
            state: TrackState::Server(PurgeState::Active),
            checked_at_ms: None,
            finished_at_ms: None,
        }
    }

    #[test]
    fn tracking_records_the_end_once() {
        let mut p = tracked();
        assert!(!p.record(TrackState::Server(PurgeState::Active), 1000));
        assert!(!p.is_settled());
        assert!(p.record(TrackState::Server(PurgeState::Complete), 2000));
        assert_eq!(p.finished_at_ms, Some(2000));
        assert!(!p.record(TrackState::Server(PurgeState::Complete), 3000));
        assert_eq!(p.finished_at_ms, Some(2000));
        let mut gone = tracked();
        assert!(gone.record(TrackState::Unknown, 5));
        assert!(gone.is_settled());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<TrackedPurge>(&json).unwrap(), p);
    }

    #[test]
    fn polling_slows_down_and_backs_off() {
        assert_eq!(next_poll_ms(0, 0), 1_000);
        assert_eq!(next_poll_ms(30_000, 0), 2_000);
        assert_eq!(next_poll_ms(120_000, 0), 5_000);
        assert_eq!(next_poll_ms(3_600_000, 0), 15_000);
        assert_eq!(next_poll_ms(0, 1), 2_000);
        assert_eq!(next_poll_ms(0, 3), 8_000);
        assert_eq!(next_poll_ms(0, 10), 30_000);
    }

    #[test]
    fn elapsed_formatting() {
        assert_eq!(format_elapsed(42_000), "42 s");
        assert_eq!(format_elapsed(185_000), "3 min 5 s");
        assert_eq!(format_elapsed(7_440_000), "2 h 4 min");
    }

    #[test]
    fn keeping_local_messages_is_unsafe_before_1_156_in_room_versions_3_and_later() {
        use LocalMessagesFate::*;
        assert_eq!(local_messages_when_kept("1.163.2", Some("12")), Hidden);
        assert_eq!(local_messages_when_kept("1.156.0", Some("10")), Hidden);
        assert_eq!(
            local_messages_when_kept("1.155.1", Some("10")),
            DeletedAnyway
        );
        assert_eq!(
            local_messages_when_kept("1.120.0", Some("3")),
            DeletedAnyway
        );
        assert_eq!(local_messages_when_kept("1.120.0", Some("2")), Hidden);
        assert_eq!(local_messages_when_kept("1.120.0", Some("1")), Hidden);
        assert_eq!(local_messages_when_kept("1.120.0", None), DeletedAnyway);
        assert_eq!(
            local_messages_when_kept("1.140.0", Some("org.matrix.msc2176")),
            DeletedAnyway
        );
    }
}
