//! Purge history: start a purge and ask for its status.

use serde::{Deserialize, Serialize};

use crate::ids::{EventId, PurgeId, RoomId};
use crate::path::{build, Part};
use crate::request::{Endpoint, Request};

/// Where the purge stops: everything older goes, the cut point itself stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutPoint {
    /// Purge up to this event (it is kept).
    Event(EventId),
    /// Purge events older than this time, in milliseconds since the epoch (the first
    /// event at or after it is kept).
    Before(u64),
}

/// `POST /_synapse/admin/v1/purge_history/<room_id>[/<event_id>]`.
///
/// The event id goes in the path; a time goes in the body as `purge_up_to_ts`.
/// `delete_local_events` is always a JSON boolean: Synapse reads it with Python's
/// `bool()`, so the string "false" would count as true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeHistory {
    pub room_id: RoomId,
    pub cut: CutPoint,
    pub delete_local_events: bool,
}

#[derive(Serialize)]
struct PurgeBody {
    delete_local_events: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    purge_up_to_ts: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PurgeStarted {
    pub purge_id: PurgeId,
}

impl Endpoint for PurgeHistory {
    type Response = PurgeStarted;
    fn request(&self) -> Request {
        let room = Part::Data(self.room_id.as_str());
        let base = Part::Fixed("_synapse/admin/v1/purge_history");
        let (path, purge_up_to_ts) = match &self.cut {
            CutPoint::Event(event) => (build(&[base, room, Part::Data(event.as_str())]), None),
            CutPoint::Before(ts) => (build(&[base, room]), Some(*ts)),
        };
        let body = PurgeBody {
            delete_local_events: self.delete_local_events,
            purge_up_to_ts,
        };
        Request::post_json(path, &body)
    }
}

/// `GET /_synapse/admin/v1/purge_history_status/<purge_id>`.
///
/// 404 means the server does not know the id (records are kept 7 days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeStatus {
    pub purge_id: PurgeId,
}

/// What the server says of a purge.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PurgeState {
    /// Running, or waiting its turn (at most 5 run at once).
    Active,
    Complete,
    Failed {
        #[serde(default)]
        error: String,
    },
}

impl PurgeState {
    pub fn is_finished(&self) -> bool {
        !matches!(self, PurgeState::Active)
    }
}

impl Endpoint for PurgeStatus {
    type Response = PurgeState;
    fn request(&self) -> Request {
        Request::get(build(&[
            Part::Fixed("_synapse/admin/v1/purge_history_status"),
            Part::Data(self.purge_id.as_str()),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{decode, Method};

    fn room() -> RoomId {
        "!VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM"
            .parse()
            .unwrap()
    }

    #[test]
    fn purge_by_event_puts_the_event_in_the_path() {
        let r = PurgeHistory {
            room_id: room(),
            cut: CutPoint::Event("$a/b+c".parse().unwrap()),
            delete_local_events: false,
        }
        .request();
        assert_eq!(r.method, Method::Post);
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/purge_history/%21VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM/%24a%2Fb%2Bc"
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"delete_local_events":false}"#));
    }

    #[test]
    fn purge_by_date_sends_milliseconds_and_a_real_boolean() {
        let r = PurgeHistory {
            room_id: "!old:test.local".parse().unwrap(),
            cut: CutPoint::Before(1_795_332_005_643),
            delete_local_events: true,
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/purge_history/%21old%3Atest.local"
        );
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"delete_local_events":true,"purge_up_to_ts":1795332005643}"#)
        );
        let started: PurgeStarted = decode(200, r#"{"purge_id":"HCJVhkvPgbCAxVfR"}"#).unwrap();
        assert_eq!(started.purge_id.as_str(), "HCJVhkvPgbCAxVfR");
    }

    #[test]
    fn status_decodes_every_state() {
        let r = PurgeStatus {
            purge_id: "HCJVhkvPgbCAxVfR".parse().unwrap(),
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/purge_history_status/HCJVhkvPgbCAxVfR"
        );
        assert_eq!(
            decode::<PurgeState>(200, r#"{"status":"active"}"#).unwrap(),
            PurgeState::Active
        );
        assert_eq!(
            decode::<PurgeState>(200, r#"{"status":"complete"}"#).unwrap(),
            PurgeState::Complete
        );
        assert_eq!(
            decode::<PurgeState>(200, r#"{"status":"failed","error":"boom"}"#).unwrap(),
            PurgeState::Failed {
                error: "boom".into()
            }
        );
        assert!(decode::<PurgeState>(200, r#"{"status":"weird"}"#).is_err());
        let gone = decode::<PurgeState>(
            404,
            r#"{"errcode":"M_NOT_FOUND","error":"purge id 'x' not found"}"#,
        )
        .unwrap_err();
        assert!(gone.is_not_found());
        assert!(PurgeState::Complete.is_finished() && !PurgeState::Active.is_finished());
    }

    #[test]
    fn server_refusals_keep_their_words() {
        let wrong_room = decode::<PurgeStarted>(
            400,
            r#"{"errcode":"M_UNKNOWN","error":"Event is for wrong room."}"#,
        )
        .unwrap_err();
        assert_eq!(
            wrong_room.server_message(),
            Some("Event is for wrong room.")
        );
    }
}
