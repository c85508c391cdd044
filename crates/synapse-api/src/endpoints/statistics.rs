//! Where the space goes: media per user, and database size per room.

use serde::Deserialize;

use crate::ids::{RoomId, UserId};
use crate::path::with_query;
use crate::request::{Endpoint, Request};

/// What the per-user media statistics can be sorted by (Synapse's `order_by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UsageOrder {
    #[default]
    Bytes,
    Count,
    UserId,
    DisplayName,
}

impl UsageOrder {
    pub fn as_param(self) -> &'static str {
        match self {
            UsageOrder::Bytes => "media_length",
            UsageOrder::Count => "media_count",
            UsageOrder::UserId => "user_id",
            UsageOrder::DisplayName => "displayname",
        }
    }
}

/// `GET /_synapse/admin/v1/statistics/users/media?from=&limit=&order_by=&dir=&search_term=`:
/// media count and bytes of every user that uploaded any. An empty `search_term` is a
/// 400, so it is left out instead.
#[derive(Clone, Debug, Default)]
pub struct UserMediaUsage {
    pub from: u64,
    pub limit: u32,
    pub order: UsageOrder,
    /// Largest first when true (`dir=b`).
    pub descending: bool,
    pub search_term: Option<String>,
    /// Only media uploaded at or before this time (ms; Synapse's `until_ts` is
    /// inclusive).
    pub until_ts: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserMediaUsageResponse {
    #[serde(default)]
    pub users: Vec<UserUsage>,
    /// Users with media that match the search.
    #[serde(default)]
    pub total: u64,
    /// Present only while more pages remain.
    #[serde(default)]
    pub next_token: Option<u64>,
}

/// One user's uploads. `user_id` is `null` for media no user uploaded (URL previews);
/// the display name is the user's own text: show it as text.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserUsage {
    #[serde(default)]
    pub user_id: Option<UserId>,
    #[serde(default)]
    pub displayname: Option<String>,
    #[serde(default)]
    pub media_count: u64,
    #[serde(default)]
    pub media_length: u64,
}

impl Endpoint for UserMediaUsage {
    type Response = UserMediaUsageResponse;
    fn request(&self) -> Request {
        let search = self
            .search_term
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        Request::get(with_query(
            "/_synapse/admin/v1/statistics/users/media".into(),
            &[
                ("from", Some(self.from.to_string())),
                ("limit", Some(self.limit.to_string())),
                ("order_by", Some(self.order.as_param().into())),
                ("dir", Some(if self.descending { "b" } else { "f" }.into())),
                ("search_term", search.map(str::to_owned)),
                ("until_ts", self.until_ts.map(|ts| ts.to_string())),
            ],
        ))
    }
}

/// `GET /_synapse/admin/v1/statistics/database/rooms`: the rooms that take the most
/// database space, estimated. PostgreSQL only: on SQLite it is a 400 "Endpoint
/// requires using PostgreSQL" (see [`is_postgres_only_refusal`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct RoomDatabaseSizes;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RoomDatabaseSizesResponse {
    #[serde(default)]
    pub rooms: Vec<RoomSize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RoomSize {
    pub room_id: RoomId,
    /// Bytes, a rough estimate from PostgreSQL's statistics.
    #[serde(default)]
    pub estimated_size: u64,
}

impl Endpoint for RoomDatabaseSizes {
    type Response = RoomDatabaseSizesResponse;
    fn request(&self) -> Request {
        Request::get("/_synapse/admin/v1/statistics/database/rooms".into())
    }
}

/// Whether the server refused the room sizes because it runs on SQLite.
pub fn is_postgres_only_refusal(error: &crate::ApiError) -> bool {
    error.status() == Some(400)
        && error
            .server_message()
            .is_some_and(|m| m.contains("PostgreSQL"))
}

/// Whether Synapse failed to estimate the room sizes. Synapse 1.163 does, with a
/// 500, when PostgreSQL's `pg_stats` has no most common `room_id` values for one of
/// the tables it reads (`get_room_db_size_estimate_txn` asserts a row, then zips the
/// values). It writes no `event_edges.room_id` any more (a new server here: 220 edges,
/// none with a room), so a server set up with it always fails; so does an empty
/// `event_push_actions`.
pub fn is_room_size_estimate_failure(error: &crate::ApiError) -> bool {
    error.status() == Some(500)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::decode;

    #[test]
    fn usage_query_leaves_out_an_empty_search() {
        let r = UserMediaUsage {
            from: 0,
            limit: 10,
            order: UsageOrder::Bytes,
            descending: true,
            search_term: Some("  ".into()),
            until_ts: None,
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/statistics/users/media?from=0&limit=10&order_by=media_length&dir=b"
        );
        let r = UserMediaUsage {
            from: 20,
            limit: 10,
            order: UsageOrder::Count,
            descending: false,
            search_term: Some("al ice".into()),
            until_ts: Some(1_700_000_000_000),
        }
        .request();
        assert!(r
            .path
            .ends_with("order_by=media_count&dir=f&search_term=al%20ice&until_ts=1700000000000"));
    }

    #[test]
    fn usage_decodes_the_real_body_and_the_userless_row() {
        let page: UserMediaUsageResponse = decode(
            200,
            r#"{"users":[{"user_id":"@alice:localhost","displayname":"alice","media_count":7,"media_length":31570},{"user_id":null,"displayname":null,"media_count":2,"media_length":10}],"total":3,"next_token":2}"#,
        )
        .unwrap();
        assert_eq!(page.users[0].media_length, 31570);
        assert_eq!(page.users[1].user_id, None);
        assert_eq!((page.total, page.next_token), (3, Some(2)));
    }

    #[test]
    fn room_sizes_and_the_sqlite_refusal() {
        let sizes: RoomDatabaseSizesResponse = decode(
            200,
            r#"{"rooms":[{"room_id":"!OGEhHVWSdvArJzumhm:matrix.org","estimated_size":47325417353}]}"#,
        )
        .unwrap();
        assert_eq!(sizes.rooms[0].estimated_size, 47_325_417_353);
        let sqlite = decode::<RoomDatabaseSizesResponse>(
            400,
            r#"{"errcode":"M_UNKNOWN","error":"Endpoint requires using PostgreSQL"}"#,
        )
        .unwrap_err();
        assert!(is_postgres_only_refusal(&sqlite));
        let other = decode::<RoomDatabaseSizesResponse>(
            404,
            r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#,
        )
        .unwrap_err();
        assert!(!is_postgres_only_refusal(&other));
        assert!(!is_room_size_estimate_failure(&other));
        assert!(!is_room_size_estimate_failure(&sqlite));
        // What Synapse 1.163 on PostgreSQL answered before its tables had statistics.
        let unestimated = decode::<RoomDatabaseSizesResponse>(
            500,
            r#"{"errcode":"M_UNKNOWN","error":"Internal server error"}"#,
        )
        .unwrap_err();
        assert!(is_room_size_estimate_failure(&unestimated));
        assert!(!is_postgres_only_refusal(&unestimated));
    }
}
