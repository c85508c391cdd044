//! Media: listing a room's or a user's media, details, quarantine, protection, deletion.

use serde::Deserialize;

use crate::ids::{MediaId, MxcUri, RoomId, ServerName, UserId};
use crate::path::{build, with_query, Part};
use crate::request::{Empty, Endpoint, Method, Request};

/// `GET /_synapse/admin/v1/room/<room_id>/media`: media referenced by the room's
/// unencrypted events. Not paginated; an unknown room answers empty lists; media
/// deleted since is still listed.
#[derive(Clone, Debug)]
pub struct RoomMedia {
    pub room_id: RoomId,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct RoomMediaResponse {
    #[serde(default)]
    pub local: Vec<String>,
    #[serde(default)]
    pub remote: Vec<String>,
}

impl RoomMediaResponse {
    /// Every listed URI that parses; a malformed one from the server is skipped.
    pub fn uris(&self) -> Vec<MxcUri> {
        self.local
            .iter()
            .chain(&self.remote)
            .filter_map(|u| u.parse().ok())
            .collect()
    }
}

impl Endpoint for RoomMedia {
    type Response = RoomMediaResponse;
    fn request(&self) -> Request {
        Request::get(build(&[
            Part::Fixed("_synapse/admin/v1/room"),
            Part::Data(self.room_id.as_str()),
            Part::Fixed("media"),
        ]))
    }
}

/// What a user's media list can be sorted by (Synapse's `order_by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MediaOrder {
    #[default]
    Created,
    LastAccess,
    Size,
    Name,
    Type,
}

impl MediaOrder {
    pub fn as_param(self) -> &'static str {
        match self {
            MediaOrder::Created => "created_ts",
            MediaOrder::LastAccess => "last_access_ts",
            MediaOrder::Size => "media_length",
            MediaOrder::Name => "upload_name",
            MediaOrder::Type => "media_type",
        }
    }
}

/// `GET /_synapse/admin/v1/users/<user_id>/media?from=&limit=&order_by=&dir=` (v1: v2 is
/// 404). Unknown user 404; remote user 400.
#[derive(Clone, Debug)]
pub struct UserMedia {
    pub user_id: UserId,
    pub from: u64,
    pub limit: u32,
    pub order: MediaOrder,
    /// Newest / largest first when true (`dir=b`).
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserMediaResponse {
    #[serde(default)]
    pub media: Vec<MediaDetails>,
    #[serde(default)]
    pub total: u64,
    /// Present only while more pages remain.
    #[serde(default)]
    pub next_token: Option<u64>,
}

impl Endpoint for UserMedia {
    type Response = UserMediaResponse;
    fn request(&self) -> Request {
        let path = build(&[
            Part::Fixed("_synapse/admin/v1/users"),
            Part::Data(self.user_id.as_str()),
            Part::Fixed("media"),
        ]);
        Request::get(with_query(
            path,
            &[
                ("from", Some(self.from.to_string())),
                ("limit", Some(self.limit.to_string())),
                ("order_by", Some(self.order.as_param().into())),
                ("dir", Some(if self.descending { "b" } else { "f" }.into())),
            ],
        ))
    }
}

/// `GET /_synapse/admin/v1/media/<server>/<media_id>` (Synapse ≥ 1.140): one item's
/// details, local or cached remote. Unknown or deleted: 404 "Unknown media".
#[derive(Clone, Debug)]
pub struct MediaInfo {
    pub uri: MxcUri,
}

/// One media item, as a user's list and media info both describe it. File names and
/// types are the uploader's own text: show them as text, never as markup.
/// `safe_from_quarantine` is `true/false` in lists, `0/1` in media info and `null` for
/// remote media.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MediaDetails {
    pub media_id: MediaId,
    /// `null` for local media, the origin server for cached remote media.
    #[serde(default)]
    pub media_origin: Option<String>,
    #[serde(default)]
    pub user_id: Option<UserId>,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub media_length: u64,
    #[serde(default)]
    pub upload_name: Option<String>,
    #[serde(default)]
    pub created_ts: u64,
    #[serde(default)]
    pub last_access_ts: Option<u64>,
    #[serde(default)]
    pub quarantined_by: Option<String>,
    #[serde(default, deserialize_with = "crate::loose::opt_bool_or_int")]
    pub safe_from_quarantine: Option<bool>,
    #[serde(default)]
    pub sha256: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MediaInfoResponse {
    pub media_info: MediaDetails,
}

impl Endpoint for MediaInfo {
    type Response = MediaInfoResponse;
    fn request(&self) -> Request {
        Request::get(build(&[
            Part::Fixed("_synapse/admin/v1/media"),
            Part::Data(self.uri.server_name().as_str()),
            Part::Data(self.uri.media_id().as_str()),
        ]))
    }
}

/// What can be done to one media item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaAction {
    /// `POST /_synapse/admin/v1/media/quarantine/<server>/<id>`: acts on every
    /// byte-identical copy (by sha256). Idempotent.
    Quarantine,
    /// `POST /_synapse/admin/v1/media/unquarantine/<server>/<id>`.
    Unquarantine,
    /// `POST /_synapse/admin/v1/media/protect/<id>`: local only.
    Protect,
    /// `POST /_synapse/admin/v1/media/unprotect/<id>`: local only.
    Unprotect,
    /// `DELETE /_synapse/admin/v1/media/<server>/<id>`: local only; deletes protected
    /// and quarantined media too.
    Delete,
}

impl MediaAction {
    pub fn is_local_only(self) -> bool {
        matches!(
            self,
            MediaAction::Protect | MediaAction::Unprotect | MediaAction::Delete
        )
    }
}

/// One action on one item: the request, ready to send.
#[derive(Clone, Debug)]
pub struct ActOnMedia {
    pub action: MediaAction,
    pub uri: MxcUri,
}

impl Endpoint for ActOnMedia {
    /// `{}`, or `{"deleted_media":[…],"total":1}` for a delete: neither is needed.
    type Response = serde_json::Value;
    fn request(&self) -> Request {
        let server = Part::Data(self.uri.server_name().as_str());
        let id = Part::Data(self.uri.media_id().as_str());
        let post = |parts: &[Part<'_>]| Request::post_json(build(parts), &Empty {});
        match self.action {
            MediaAction::Quarantine => post(&[
                Part::Fixed("_synapse/admin/v1/media/quarantine"),
                server,
                id,
            ]),
            MediaAction::Unquarantine => post(&[
                Part::Fixed("_synapse/admin/v1/media/unquarantine"),
                server,
                id,
            ]),
            MediaAction::Protect => post(&[Part::Fixed("_synapse/admin/v1/media/protect"), id]),
            MediaAction::Unprotect => post(&[Part::Fixed("_synapse/admin/v1/media/unprotect"), id]),
            MediaAction::Delete => Request {
                method: Method::Delete,
                ..Request::get(build(&[Part::Fixed("_synapse/admin/v1/media"), server, id]))
            },
        }
    }
}

/// `DELETE /_synapse/admin/v1/users/<user_id>/media?limit=`: deletes one page of a
/// user's media, protected media included. Repeat until `total` is 0.
#[derive(Clone, Debug)]
pub struct DeleteUserMediaPage {
    pub user_id: UserId,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct DeletedMedia {
    #[serde(default)]
    pub deleted_media: Vec<String>,
    #[serde(default)]
    pub total: u64,
}

impl Endpoint for DeleteUserMediaPage {
    type Response = DeletedMedia;
    fn request(&self) -> Request {
        let path = build(&[
            Part::Fixed("_synapse/admin/v1/users"),
            Part::Data(self.user_id.as_str()),
            Part::Fixed("media"),
        ]);
        Request {
            method: Method::Delete,
            ..Request::get(with_query(path, &[("limit", Some(self.limit.to_string()))]))
        }
    }
}

/// Quarantines all media of a room or of a user. Protected media is skipped.
#[derive(Clone, Debug)]
pub enum QuarantineAll {
    /// `POST /_synapse/admin/v1/room/<room_id>/media/quarantine`: counts every
    /// unprotected match again on a repeat call.
    Room(RoomId),
    /// `POST /_synapse/admin/v1/user/<user_id>/media/quarantine` (singular `user`):
    /// counts only newly quarantined media.
    User(UserId),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Quarantined {
    #[serde(default)]
    pub num_quarantined: u64,
}

impl Endpoint for QuarantineAll {
    type Response = Quarantined;
    fn request(&self) -> Request {
        let path = match self {
            QuarantineAll::Room(room) => build(&[
                Part::Fixed("_synapse/admin/v1/room"),
                Part::Data(room.as_str()),
                Part::Fixed("media/quarantine"),
            ]),
            QuarantineAll::User(user) => build(&[
                Part::Fixed("_synapse/admin/v1/user"),
                Part::Data(user.as_str()),
                Part::Fixed("media/quarantine"),
            ]),
        };
        Request::post_json(path, &Empty {})
    }
}

/// Which path deletes local media by age and size: `/media/delete` since Synapse 1.78,
/// `/media/<server_name>/delete` before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeleteOldPath {
    Current,
    Legacy(ServerName),
}

impl DeleteOldPath {
    /// The path the server of `version` (as `server_version` says it) understands.
    pub fn for_server(version: &str, server_name: ServerName) -> Self {
        if crate::version::at_least(version, 1, 78) {
            DeleteOldPath::Current
        } else {
            DeleteOldPath::Legacy(server_name)
        }
    }
}

/// `POST /_synapse/admin/v1/media/delete?before_ts=&size_gt=&keep_profiles=`: deletes
/// local media last used (or, never used, uploaded) before `before_ts` and larger than
/// `size_gt` bytes. Never quarantined or protected media. A `before_ts` in the future
/// deletes every eligible file: see `reclaim::cutoff_from_input` for the guards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteOldMedia {
    pub path: DeleteOldPath,
    pub before_ts: u64,
    pub size_gt: u64,
    /// Keep files used as a profile picture or room avatar.
    pub keep_profiles: bool,
}

impl Endpoint for DeleteOldMedia {
    type Response = DeletedMedia;
    fn request(&self) -> Request {
        let path = match &self.path {
            DeleteOldPath::Current => "/_synapse/admin/v1/media/delete".to_owned(),
            DeleteOldPath::Legacy(server) => build(&[
                Part::Fixed("_synapse/admin/v1/media"),
                Part::Data(server.as_str()),
                Part::Fixed("delete"),
            ]),
        };
        // A JSON boolean in a query is still text: Synapse reads "true"/"false" exactly.
        let path = with_query(
            path,
            &[
                ("before_ts", Some(self.before_ts.to_string())),
                ("size_gt", Some(self.size_gt.to_string())),
                (
                    "keep_profiles",
                    Some(if self.keep_profiles { "true" } else { "false" }.into()),
                ),
            ],
        );
        Request::post_json(path, &Empty {})
    }
}

/// `POST /_synapse/admin/v1/purge_media_cache?before_ts=`: deletes cached copies of
/// remote media last used before `before_ts` (quarantined ones are kept). The files
/// stay on their own servers and are fetched again when someone asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurgeRemoteMediaCache {
    pub before_ts: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PurgedCache {
    #[serde(default)]
    pub deleted: u64,
}

impl Endpoint for PurgeRemoteMediaCache {
    type Response = PurgedCache;
    fn request(&self) -> Request {
        Request::post_json(
            with_query(
                "/_synapse/admin/v1/purge_media_cache".into(),
                &[("before_ts", Some(self.before_ts.to_string()))],
            ),
            &Empty {},
        )
    }
}

/// `/_matrix/client/v1/media/thumbnail/<server>/<id>?width=&height=&method=scale`: the
/// only thumbnail path that serves authenticated media (it needs the Bearer header, so
/// its answer is kept as a local URL: `<img src>` cannot carry the header).
pub fn thumbnail(uri: &MxcUri, width: u32, height: u32) -> Request {
    Request::object_url(thumbnail_path(uri, width, height))
}

fn thumbnail_path(uri: &MxcUri, width: u32, height: u32) -> String {
    let path = build(&[
        Part::Fixed("_matrix/client/v1/media/thumbnail"),
        Part::Data(uri.server_name().as_str()),
        Part::Data(uri.media_id().as_str()),
    ]);
    with_query(
        path,
        &[
            ("width", Some(width.to_string())),
            ("height", Some(height.to_string())),
            ("method", Some("scale".into())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::decode;

    fn uri(s: &str) -> MxcUri {
        s.parse().unwrap()
    }

    #[test]
    fn room_media_lists_local_and_remote_and_skips_garbage() {
        let r = RoomMedia {
            room_id: "!VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM"
                .parse()
                .unwrap(),
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/room/%21VJcHV5ap2_EMBO8yy_eMr0-8NotGwexQjFxlyevbIFM/media"
        );
        let list: RoomMediaResponse = decode(
            200,
            r#"{"local":["mxc://test.local/fwWUnpbFFZijiQXiRxkfJcCg","not an mxc"],"remote":["mxc://remote.example/remoteA"]}"#,
        )
        .unwrap();
        assert_eq!(list.uris().len(), 2);
    }

    #[test]
    fn user_media_query_and_the_real_body() {
        let r = UserMedia {
            user_id: "@alice:test.local".parse().unwrap(),
            from: 2,
            limit: 2,
            order: MediaOrder::Size,
            descending: false,
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/users/%40alice%3Atest.local/media?from=2&limit=2&order_by=media_length&dir=f"
        );
        let page: UserMediaResponse = decode(
            200,
            r#"{"media":[{"media_id":"FAQFNdAJEsdPuGjsiPWIJbHk","media_type":"image/png","media_length":358,"upload_name":"img1.png","created_ts":1795332016188,"url_cache":null,"last_access_ts":null,"quarantined_by":null,"safe_from_quarantine":false,"user_id":"@alice:test.local","authenticated":1,"sha256":"3dfd"},{"media_id":"JYTVPGmpNpdLfTQLjjDagbTi","media_type":"image/png","media_length":758,"upload_name":null,"created_ts":1795332016298,"url_cache":null,"last_access_ts":1795332016300,"quarantined_by":"@admin:test.local","safe_from_quarantine":true,"user_id":"@alice:test.local","authenticated":1,"sha256":"3c5a"}],"total":6,"next_token":4}"#,
        )
        .unwrap();
        assert_eq!((page.total, page.next_token), (6, Some(4)));
        assert_eq!(page.media[0].upload_name.as_deref(), Some("img1.png"));
        assert_eq!(page.media[1].safe_from_quarantine, Some(true));
        assert_eq!(
            page.media[1].quarantined_by.as_deref(),
            Some("@admin:test.local")
        );
        let last: UserMediaResponse = decode(200, r#"{"media":[],"total":0}"#).unwrap();
        assert_eq!(last.next_token, None);
    }

    #[test]
    fn media_info_reads_loose_flags_of_local_and_remote_media() {
        let r = MediaInfo {
            uri: uri("mxc://test.local/rLvTDXZsabHofKBDIropRcEV"),
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/media/test.local/rLvTDXZsabHofKBDIropRcEV"
        );
        let local: MediaInfoResponse = decode(
            200,
            r#"{"media_info":{"media_origin":null,"user_id":"@alice:test.local","media_id":"FAQFNdAJEsdPuGjsiPWIJbHk","media_type":"image/png","media_length":358,"upload_name":"img1.png","created_ts":1795332016188,"filesystem_id":null,"url_cache":null,"last_access_ts":null,"quarantined_by":null,"authenticated":1,"safe_from_quarantine":1,"sha256":"3dfd"}}"#,
        )
        .unwrap();
        assert_eq!(local.media_info.safe_from_quarantine, Some(true));
        let remote: MediaInfoResponse = decode(
            200,
            r#"{"media_info":{"media_origin":"remote.example","user_id":null,"media_id":"remoteA","media_type":"image/png","media_length":152,"upload_name":"r.png","created_ts":1795245711128,"filesystem_id":"abcdefghijklmnop","url_cache":null,"last_access_ts":1795245711128,"quarantined_by":null,"authenticated":1,"safe_from_quarantine":null,"sha256":"aaaa"}}"#,
        )
        .unwrap();
        assert_eq!(remote.media_info.safe_from_quarantine, None);
        assert_eq!(
            remote.media_info.media_origin.as_deref(),
            Some("remote.example")
        );
        let gone = decode::<MediaInfoResponse>(
            404,
            r#"{"errcode":"M_NOT_FOUND","error":"Unknown media"}"#,
        )
        .unwrap_err();
        assert!(gone.is_not_found());
    }

    #[test]
    fn every_action_builds_its_request() {
        let u = uri("mxc://test.local/abc_D-1");
        let path = |action| {
            ActOnMedia {
                action,
                uri: u.clone(),
            }
            .request()
        };
        let q = path(MediaAction::Quarantine);
        assert_eq!(
            (q.method, q.path.as_str(), q.body.as_deref()),
            (
                Method::Post,
                "/_synapse/admin/v1/media/quarantine/test.local/abc_D-1",
                Some("{}")
            )
        );
        assert_eq!(
            path(MediaAction::Unquarantine).path,
            "/_synapse/admin/v1/media/unquarantine/test.local/abc_D-1"
        );
        assert_eq!(
            path(MediaAction::Protect).path,
            "/_synapse/admin/v1/media/protect/abc_D-1"
        );
        assert_eq!(
            path(MediaAction::Unprotect).path,
            "/_synapse/admin/v1/media/unprotect/abc_D-1"
        );
        let d = path(MediaAction::Delete);
        assert_eq!(
            (d.method, d.path.as_str(), d.body),
            (
                Method::Delete,
                "/_synapse/admin/v1/media/test.local/abc_D-1",
                None
            )
        );
        let deleted: serde_json::Value =
            decode(200, r#"{"deleted_media":["abc_D-1"],"total":1}"#).unwrap();
        assert_eq!(deleted["total"], 1);
    }

    #[test]
    fn thumbnails_use_the_authenticated_path_and_are_kept_as_local_urls() {
        let request = thumbnail(&uri("mxc://test.local/abc"), 96, 64);
        assert_eq!(
            request.path,
            "/_matrix/client/v1/media/thumbnail/test.local/abc?width=96&height=64&method=scale"
        );
        assert_eq!(request.answer, crate::Answer::ObjectUrl);
        assert_eq!(request.auth, crate::request::Auth::Bearer);
    }

    #[test]
    fn bulk_endpoints() {
        let d = DeleteUserMediaPage {
            user_id: "@bob:test.local".parse().unwrap(),
            limit: 100,
        }
        .request();
        assert_eq!(
            (d.method, d.path.as_str()),
            (
                Method::Delete,
                "/_synapse/admin/v1/users/%40bob%3Atest.local/media?limit=100"
            )
        );
        let page: DeletedMedia = decode(
            200,
            r#"{"deleted_media":["dRsbpgopYLWqsCJpvDjEqsxl","KvwFgdJFStTJQjKutMUYlliS"],"total":2}"#,
        )
        .unwrap();
        assert_eq!(page.total, 2);
        let room = QuarantineAll::Room("!r:test.local".parse().unwrap()).request();
        assert_eq!(
            room.path,
            "/_synapse/admin/v1/room/%21r%3Atest.local/media/quarantine"
        );
        let user = QuarantineAll::User("@alice:test.local".parse().unwrap()).request();
        assert_eq!(
            user.path,
            "/_synapse/admin/v1/user/%40alice%3Atest.local/media/quarantine"
        );
        let n: Quarantined = decode(200, r#"{"num_quarantined":4}"#).unwrap();
        assert_eq!(n.num_quarantined, 4);
    }

    #[test]
    fn delete_by_age_on_both_paths() {
        let modern = DeleteOldMedia {
            path: DeleteOldPath::for_server("1.163.2", "test.local".parse().unwrap()),
            before_ts: 1_795_000_000_000,
            size_gt: 1024,
            keep_profiles: true,
        }
        .request();
        assert_eq!(
            (modern.method, modern.path.as_str(), modern.body.as_deref()),
            (
                Method::Post,
                "/_synapse/admin/v1/media/delete?before_ts=1795000000000&size_gt=1024&keep_profiles=true",
                Some("{}")
            )
        );
        let legacy = DeleteOldMedia {
            path: DeleteOldPath::for_server("1.77.0", "test.local".parse().unwrap()),
            before_ts: 1_795_000_000_000,
            size_gt: 0,
            keep_profiles: false,
        }
        .request();
        assert_eq!(
            legacy.path,
            "/_synapse/admin/v1/media/test.local/delete?before_ts=1795000000000&size_gt=0&keep_profiles=false"
        );
        assert_eq!(
            DeleteOldPath::for_server("1.78.0", "a.b".parse().unwrap()),
            DeleteOldPath::Current
        );
        let answer: DeletedMedia = decode(
            200,
            r#"{"deleted_media":["GpGFZURrRYhBCIjvsKimBYVB"],"total":1}"#,
        )
        .unwrap();
        assert_eq!(answer.deleted_media, ["GpGFZURrRYhBCIjvsKimBYVB"]);
    }

    #[test]
    fn remote_cache_purge() {
        let r = PurgeRemoteMediaCache {
            before_ts: 1_795_000_000_000,
        }
        .request();
        assert_eq!(
            r.path,
            "/_synapse/admin/v1/purge_media_cache?before_ts=1795000000000"
        );
        assert_eq!(r.method, Method::Post);
        let n: PurgedCache = decode(200, r#"{"deleted":0}"#).unwrap();
        assert_eq!(n.deleted, 0);
    }
}
