//! Room listing and details.

use serde::Deserialize;

use crate::ids::RoomId;
use crate::path::with_query;
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
}
