//! Room listing and details.

use serde::Deserialize;

use crate::ids::{EventId, RoomAlias, RoomId};
use crate::path::{build, with_query, Part};
use crate::request::{Endpoint, Request};

/// `GET /_synapse/admin/v1/rooms?from=&limit=&search_term=`: rooms on the server.
#[derive(Clone, Debug, Default)]
pub struct ListRooms {
    pub search_term: Option<String>,
    pub from: Option<u64>,
    pub limit: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ListRoomsResponse {
    #[serde(default)]
    pub rooms: Vec<RoomSummary>,
    #[serde(default)]
    pub total_rooms: u64,
    #[serde(default)]
    pub next_batch: Option<u64>,
}

/// One room as the list describes it. Names and aliases are the room's own text:
/// show them as text, never as markup.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RoomSummary {
    pub room_id: RoomId,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub canonical_alias: Option<String>,
    #[serde(default)]
    pub joined_members: u64,
    #[serde(default)]
    pub joined_local_members: u64,
    #[serde(default)]
    pub encryption: Option<String>,
}

impl Endpoint for ListRooms {
    type Response = ListRoomsResponse;
    fn request(&self) -> Request {
        Request::get(with_query(
            "/_synapse/admin/v1/rooms".into(),
            &[
                ("from", self.from.map(|n| n.to_string())),
                ("limit", self.limit.map(|n| n.to_string())),
                ("search_term", self.search_term.clone()),
            ],
        ))
    }
}

/// `/_synapse/admin/v1/rooms/<room_id>` followed by `tail`.
fn admin_room_path(room_id: &RoomId, tail: &[Part<'_>]) -> String {
    let mut parts = vec![
        Part::Fixed("_synapse/admin/v1/rooms"),
        Part::Data(room_id.as_str()),
    ];
    parts.extend_from_slice(tail);
    build(&parts)
}

/// `GET /_synapse/admin/v1/rooms/<room_id>`: one room's details. Unknown room: 404.
#[derive(Clone, Debug)]
pub struct RoomDetails {
    pub room_id: RoomId,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RoomDetailsResponse {
    pub room_id: RoomId,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub canonical_alias: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub joined_members: u64,
    #[serde(default)]
    pub joined_local_members: u64,
    #[serde(default)]
    pub state_events: u64,
    #[serde(default)]
    pub encryption: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    /// The room's avatar, an mxc URI.
    #[serde(default)]
    pub avatar: Option<String>,
}

impl Endpoint for RoomDetails {
    type Response = RoomDetailsResponse;
    fn request(&self) -> Request {
        Request::get(admin_room_path(&self.room_id, &[]))
    }
}

/// `GET /_matrix/client/v3/directory/room/<alias>`: the room an alias points to.
#[derive(Clone, Debug)]
pub struct ResolveAlias {
    pub alias: RoomAlias,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ResolveAliasResponse {
    pub room_id: RoomId,
}

impl Endpoint for ResolveAlias {
    type Response = ResolveAliasResponse;
    fn request(&self) -> Request {
        Request::get(build(&[
            Part::Fixed("_matrix/client/v3/directory/room"),
            Part::Data(self.alias.as_str()),
        ]))
    }
}

/// An event as the client and admin APIs return it. `content` is the sender's own
/// data: show it as text, never as markup.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RoomEvent {
    pub event_id: EventId,
    #[serde(default)]
    pub sender: String,
    #[serde(default)]
    pub origin_server_ts: u64,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub state_key: Option<String>,
    #[serde(default)]
    pub content: serde_json::Value,
}

impl RoomEvent {
    /// The text body of a message, if it has one.
    pub fn body(&self) -> Option<&str> {
        self.content.get("body")?.as_str()
    }

    pub fn is_state(&self) -> bool {
        self.state_key.is_some()
    }
}

/// `GET /_synapse/admin/v1/rooms/<room_id>/context/<event_id>?limit=0`: one event of
/// a room. An event of another room (or none at all) is 404 "No row found".
#[derive(Clone, Debug)]
pub struct EventInRoom {
    pub room_id: RoomId,
    pub event_id: EventId,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EventInRoomResponse {
    pub event: RoomEvent,
}

impl Endpoint for EventInRoom {
    type Response = EventInRoomResponse;
    fn request(&self) -> Request {
        let path = admin_room_path(
            &self.room_id,
            &[Part::Fixed("context"), Part::Data(self.event_id.as_str())],
        );
        Request::get(with_query(path, &[("limit", Some("0".into()))]))
    }
}

/// `GET /_synapse/admin/v1/rooms/<room_id>/timestamp_to_event?ts=&direction=f`: the
/// first event at or after `ts`. None after it: 404.
#[derive(Clone, Debug)]
pub struct TimestampToEvent {
    pub room_id: RoomId,
    pub ts: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TimestampToEventResponse {
    pub event_id: EventId,
    pub origin_server_ts: u64,
}

impl Endpoint for TimestampToEvent {
    type Response = TimestampToEventResponse;
    fn request(&self) -> Request {
        let path = admin_room_path(&self.room_id, &[Part::Fixed("timestamp_to_event")]);
        Request::get(with_query(
            path,
            &[
                ("ts", Some(self.ts.to_string())),
                ("direction", Some("f".into())),
            ],
        ))
    }
}

/// `GET /_synapse/admin/v1/rooms/<room_id>/messages?dir=f&from=&limit=`: the room's
/// timeline, oldest first, as the server still has it.
#[derive(Clone, Debug)]
pub struct RoomMessages {
    pub room_id: RoomId,
    pub from: Option<String>,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RoomMessagesResponse {
    #[serde(default)]
    pub chunk: Vec<RoomEvent>,
    /// Where the next page starts; absent or equal to `from` at the end.
    #[serde(default)]
    pub end: Option<String>,
}

impl Endpoint for RoomMessages {
    type Response = RoomMessagesResponse;
    fn request(&self) -> Request {
        let path = admin_room_path(&self.room_id, &[Part::Fixed("messages")]);
        Request::get(with_query(
            path,
            &[
                ("dir", Some("f".into())),
                ("from", self.from.clone()),
                ("limit", Some(self.limit.to_string())),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::decode;

    #[test]
    fn builds_the_query_and_decodes_a_real_list() {
        let r = ListRooms {
            search_term: Some("town sq".into()),
            from: None,
            limit: Some(1),
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/rooms?limit=1&search_term=town%20sq"
        );
        let list: ListRoomsResponse = decode(
            200,
            r##"{"rooms":[{"room_id":"!VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM","name":"purge-test","canonical_alias":"#purgetest:test.local","joined_members":1,"joined_local_members":1,"version":"12","creator":"@alice:test.local","encryption":null,"federatable":true,"public":true,"join_rules":"public","guest_access":null,"history_visibility":"shared","state_events":7,"room_type":null}],"offset":0,"total_rooms":3,"next_batch":1}"##,
        )
        .unwrap();
        assert_eq!(list.total_rooms, 3);
        assert_eq!(list.next_batch, Some(1));
        assert_eq!(list.rooms[0].name.as_deref(), Some("purge-test"));
        assert_eq!(list.rooms[0].encryption, None);
    }

    #[test]
    fn room_details_and_alias_resolution() {
        let r = RoomDetails {
            room_id: "!abc".parse().unwrap(),
        }
        .request();
        assert_eq!(r.path, "/_synapse/admin/v1/rooms/%21abc");
        let d: RoomDetailsResponse = decode(
            200,
            r##"{"room_id":"!9bC_ndM8jnZBK7pf_L6bZNIsOdK0ixJnV5VV8ZnW9xo","name":"Town square","canonical_alias":"#town-square:localhost","joined_members":1,"join_rules":"public","guest_access":null,"history_visibility":"shared","state_events":8,"avatar":null,"topic":"Demo chatter","room_type":null,"joined_local_members":1,"version":"12","creator":"@alice:localhost","encryption":null,"federatable":true,"public":true,"joined_local_devices":1,"forgotten":false,"tombstoned":false,"replacement_room":null}"##,
        )
        .unwrap();
        assert_eq!(d.name.as_deref(), Some("Town square"));
        assert_eq!(d.state_events, 8);
        let a = ResolveAlias {
            alias: "#town-square:localhost".parse().unwrap(),
        }
        .request();
        assert_eq!(
            a.path,
            "/_matrix/client/v3/directory/room/%23town-square%3Alocalhost"
        );
        let resolved: ResolveAliasResponse =
            decode(200, r#"{"room_id":"!9bC","servers":["localhost"]}"#).unwrap();
        assert_eq!(resolved.room_id.as_str(), "!9bC");
    }

    #[test]
    fn event_lookups() {
        let r = EventInRoom {
            room_id: "!r".parse().unwrap(),
            event_id: "$e/f".parse().unwrap(),
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/rooms/%21r/context/%24e%2Ff?limit=0"
        );
        let found: EventInRoomResponse = decode(
            200,
            r#"{"events_before":[],"event":{"age":5373,"content":{"body":"Message 20 of 40","msgtype":"m.text"},"event_id":"$kOePliDFmm6DqySgJ3Cl1Gmf2I-1chkegnOVnzwid7o","origin_server_ts":1795341037505,"room_id":"!9bC","sender":"@alice:localhost","type":"m.room.message","unsigned":{"age":5373},"user_id":"@alice:localhost"},"events_after":[],"state":[]}"#,
        )
        .unwrap();
        assert_eq!(found.event.body(), Some("Message 20 of 40"));
        assert!(!found.event.is_state());
        let other_room = decode::<EventInRoomResponse>(
            404,
            r#"{"errcode":"M_UNKNOWN","error":"No row found (events)"}"#,
        )
        .unwrap_err();
        assert!(other_room.is_not_found());

        let t = TimestampToEvent {
            room_id: "!r".parse().unwrap(),
            ts: 1000,
        }
        .request();
        assert_eq!(
            t.path,
            "/_synapse/admin/v1/rooms/%21r/timestamp_to_event?ts=1000&direction=f"
        );
        let first: TimestampToEventResponse = decode(
            200,
            r#"{"event_id":"$9bC_ndM8jnZBK7pf_L6bZNIsOdK0ixJnV5VV8ZnW9xo","origin_server_ts":1795341035156}"#,
        )
        .unwrap();
        assert_eq!(first.origin_server_ts, 1_795_341_035_156);
    }

    #[test]
    fn messages_pages_forward() {
        let m = RoomMessages {
            room_id: "!r".parse().unwrap(),
            from: Some("t2-3_0".into()),
            limit: 500,
        }
        .request();
        assert_eq!(
            m.path,
            "/_synapse/admin/v1/rooms/%21r/messages?dir=f&from=t2-3_0&limit=500"
        );
        let page: RoomMessagesResponse = decode(
            200,
            r#"{"chunk":[{"age":7848,"content":{"room_version":"12"},"event_id":"$9bC","origin_server_ts":1795341035156,"room_id":"!9bC","sender":"@alice:localhost","state_key":"","type":"m.room.create","unsigned":{"age":7848},"user_id":"@alice:localhost"}],"start":"s0_0","end":"t2-3_0"}"#,
        )
        .unwrap();
        assert!(page.chunk[0].is_state());
        assert_eq!(page.end.as_deref(), Some("t2-3_0"));
    }
}
