//! A room's media details on Synapse before 1.140, which has no media info by id
//! (`GET /_synapse/admin/v1/media/<server>/<id>` answers 404 `M_UNRECOGNIZED`). The same
//! details are found another way: the room's events say who sent each file (and its
//! name, type and size), and a local sender's media list holds the file's record with
//! its quarantine and protection state.
//!
//! Both walks are bounded (a room's first `EVENT_PAGES` pages of events, a sender's
//! `UPLOADER_PAGES` pages of media); a file not found within them is shown with what
//! its event said, or bare.

use std::collections::{HashMap, HashSet};

use crate::client::Admin;
use crate::endpoints::media::{MediaOrder, UserMedia};
use crate::endpoints::rooms::{RoomEvent, RoomMessages};
use crate::error::ApiError;
use crate::ids::{MxcUri, RoomId, UserId};
use crate::media::MediaRow;

/// Events read per page of the room's timeline, and pages at most.
const EVENTS_PER_PAGE: u32 = 1000;
const EVENT_PAGES: usize = 50;
/// A sender's media read per page (newest first: a room's files are usually recent),
/// and pages at most.
const MEDIA_PER_PAGE: u32 = 500;
const UPLOADER_PAGES: u64 = 20;

/// What a message said about a file it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mention {
    sender: String,
    name: Option<String>,
    media_type: Option<String>,
    size: Option<u64>,
    sent_ts: u64,
}

/// The files an event carries: its `url` and its thumbnail's.
fn carried(event: &RoomEvent) -> impl Iterator<Item = &str> {
    let content = &event.content;
    let info = content.get("info");
    [
        content.get("url"),
        info.and_then(|i| i.get("thumbnail_url")),
    ]
    .into_iter()
    .flatten()
    .filter_map(|v| v.as_str())
}

fn mention(event: &RoomEvent, is_thumbnail: bool) -> Mention {
    let info = event.content.get("info");
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let (media_type, size) = if is_thumbnail {
        let thumb = info.and_then(|i| i.get("thumbnail_info"));
        (
            text(thumb.and_then(|t| t.get("mimetype"))),
            thumb.and_then(|t| t.get("size")).and_then(|s| s.as_u64()),
        )
    } else {
        (
            text(info.and_then(|i| i.get("mimetype"))),
            info.and_then(|i| i.get("size")).and_then(|s| s.as_u64()),
        )
    };
    Mention {
        sender: event.sender.clone(),
        // A thumbnail has no name of its own; the file's is not its.
        name: (!is_thumbnail)
            .then(|| text(event.content.get("body")))
            .flatten(),
        media_type,
        size,
        sent_ts: event.origin_server_ts,
    }
}

/// Who sent each of `wanted`, reading the room's events from its start.
async fn mentions(
    api: &impl Admin,
    room_id: &RoomId,
    wanted: &[MxcUri],
) -> Result<HashMap<String, Mention>, ApiError> {
    let wanted: HashSet<String> = wanted.iter().map(ToString::to_string).collect();
    let mut found = HashMap::new();
    let mut from = None;
    for _ in 0..EVENT_PAGES {
        let page = api
            .call(RoomMessages {
                room_id: room_id.clone(),
                from: from.clone(),
                limit: EVENTS_PER_PAGE,
            })
            .await?;
        for event in &page.chunk {
            let url = event.content.get("url").and_then(|v| v.as_str());
            for uri in carried(event) {
                if wanted.contains(uri) && !found.contains_key(uri) {
                    found.insert(uri.to_owned(), mention(event, Some(uri) != url));
                }
            }
        }
        let at_end = page.chunk.is_empty() || page.end.is_none() || page.end == from;
        if at_end || found.len() == wanted.len() {
            break;
        }
        from = page.end;
    }
    Ok(found)
}

/// The records of `media_ids` in `user`'s media list (the ones found).
async fn records(
    api: &impl Admin,
    user: UserId,
    media_ids: &HashSet<String>,
    server_name: &str,
) -> Result<Vec<MediaRow>, ApiError> {
    let mut rows = Vec::new();
    let mut from = 0;
    for _ in 0..UPLOADER_PAGES {
        let page = match api
            .call(UserMedia {
                user_id: user.clone(),
                from,
                limit: MEDIA_PER_PAGE,
                order: MediaOrder::Created,
                descending: true,
            })
            .await
        {
            Ok(page) => page,
            // A sender gone from the server (deactivated and erased) has no list.
            Err(e) if e.is_not_found() => break,
            Err(e) => return Err(e),
        };
        let listed = page.media.len() as u64;
        rows.extend(
            page.media
                .into_iter()
                .filter(|m| media_ids.contains(m.media_id.as_str()))
                .filter_map(|m| MediaRow::from_list(m, server_name))
                // The list is the user's own: its records do not name them.
                .map(|row| MediaRow {
                    uploader: row.uploader.or_else(|| Some(user.clone())),
                    ..row
                }),
        );
        match page.next_token {
            Some(next) if rows.len() < media_ids.len() && listed > 0 => from = next,
            _ => break,
        }
    }
    Ok(rows)
}

/// A row for each of `uris` (in their order), with the details the room's events and
/// the local senders' media lists hold.
pub async fn room_media_rows(
    api: &impl Admin,
    room_id: &RoomId,
    uris: &[MxcUri],
    server_name: &str,
) -> Result<Vec<MediaRow>, ApiError> {
    let mentions = mentions(api, room_id, uris).await?;
    // Local files, grouped by who sent them: one walk over each sender's list.
    let mut by_sender: HashMap<UserId, HashSet<String>> = HashMap::new();
    for uri in uris
        .iter()
        .filter(|u| u.server_name().as_str() == server_name)
    {
        let Some(sender) = mentions
            .get(&uri.to_string())
            .and_then(|m| m.sender.parse::<UserId>().ok())
            .filter(|s| s.server_name() == server_name)
        else {
            continue;
        };
        let id = uri.media_id().as_str().to_owned();
        by_sender.entry(sender).or_default().insert(id);
    }
    let mut known: HashMap<String, MediaRow> = HashMap::new();
    for (sender, ids) in by_sender {
        for row in records(api, sender, &ids, server_name).await? {
            known.insert(row.uri.to_string(), row);
        }
    }
    Ok(uris
        .iter()
        .map(|uri| {
            let key = uri.to_string();
            known.remove(&key).unwrap_or_else(|| {
                let mut row = MediaRow::bare(uri.clone(), server_name, false);
                if let Some(m) = mentions.get(&key) {
                    row.name = m.name.clone();
                    row.media_type = m.media_type.clone();
                    row.size = m.size;
                    row.created_ts = Some(m.sent_ts).filter(|ts| *ts > 0);
                    row.uploader = m.sender.parse().ok();
                }
                row
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::client::fake::{run, FakeServer};

    fn event(id: &str, sender: &str, content: &str) -> String {
        format!(
            r#"{{"event_id":"${id}","sender":"{sender}","origin_server_ts":1700000000000,"type":"m.room.message","content":{content}}}"#
        )
    }

    fn media(id: &str, quarantined_by: &str) -> String {
        format!(
            r#"{{"media_id":"{id}","media_type":"image/png","media_length":2048,"upload_name":"{id}.png","created_ts":1690000000000,"last_access_ts":null,"quarantined_by":{quarantined_by},"safe_from_quarantine":true}}"#
        )
    }

    fn server() -> FakeServer {
        FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|r| {
                let p = r.path.as_str();
                let body = if p.contains("/messages?dir=f&limit") {
                    format!(
                        r#"{{"chunk":[{},{}],"end":"t2"}}"#,
                        event("a", "@alice:t.l", r#"{"msgtype":"m.text","body":"hello"}"#),
                        event(
                            "b",
                            "@alice:t.l",
                            r#"{"msgtype":"m.image","body":"cat.png","url":"mxc://t.l/cat","info":{"mimetype":"image/png","size":2048,"thumbnail_url":"mxc://t.l/catthumb","thumbnail_info":{"mimetype":"image/jpeg","size":99}}}"#
                        )
                    )
                } else if p.contains("/messages?dir=f&from=t2") {
                    format!(
                        r#"{{"chunk":[{},{}],"end":"t3"}}"#,
                        event(
                            "c",
                            "@bob:remote.example",
                            r#"{"msgtype":"m.file","body":"notes.pdf","url":"mxc://remote.example/far","info":{"mimetype":"application/pdf","size":777}}"#
                        ),
                        event(
                            "d",
                            "@carol:t.l",
                            r#"{"msgtype":"m.image","body":"fwd.png","url":"mxc://t.l/forwarded"}"#
                        )
                    )
                } else if p.contains("/messages") {
                    r#"{"chunk":[],"end":"t3"}"#.to_owned()
                } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=0") {
                    format!(
                        r#"{{"media":[{},{}],"total":3,"next_token":2}}"#,
                        media("other", "null"),
                        media("catthumb", "null")
                    )
                } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=2") {
                    format!(
                        r#"{{"media":[{}],"total":3}}"#,
                        media("cat", r#""@admin:t.l""#)
                    )
                } else if p.starts_with("/_synapse/admin/v1/users/%40carol%3At.l/media") {
                    r#"{"media":[],"total":0}"#.to_owned()
                } else {
                    return (
                        404,
                        r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#.into(),
                    );
                };
                (200, body)
            }),
        }
    }

    fn uris(list: &[&str]) -> Vec<MxcUri> {
        list.iter().map(|u| u.parse().unwrap()).collect()
    }

    #[test]
    fn local_files_get_their_records_from_the_senders_list() {
        let s = server();
        let room: RoomId = "!r:t.l".parse().unwrap();
        let wanted = uris(&[
            "mxc://t.l/cat",
            "mxc://t.l/catthumb",
            "mxc://remote.example/far",
            "mxc://t.l/forwarded",
            "mxc://t.l/unmentioned",
        ]);
        let rows = run(room_media_rows(&s, &room, &wanted, "t.l")).unwrap();
        assert_eq!(rows.len(), 5);
        // The uploader's record: the quarantine and protection state it holds.
        let cat = &rows[0];
        assert_eq!(cat.uri.to_string(), "mxc://t.l/cat");
        assert!(cat.quarantined && cat.protected && cat.local);
        assert_eq!(cat.name.as_deref(), Some("cat.png"));
        assert_eq!(cat.size, Some(2048));
        assert_eq!(
            cat.uploader.as_ref().map(|u| u.as_str()),
            Some("@alice:t.l")
        );
        assert!(!rows[1].quarantined && rows[1].size == Some(2048));
        // Remote: what the message said, nothing more.
        let far = &rows[2];
        assert!(!far.local && !far.quarantined);
        assert_eq!(far.name.as_deref(), Some("notes.pdf"));
        assert_eq!(far.media_type.as_deref(), Some("application/pdf"));
        assert_eq!(far.size, Some(777));
        assert_eq!(
            far.uploader.as_ref().map(|u| u.as_str()),
            Some("@bob:remote.example")
        );
        // Sent by someone whose list does not hold it (forwarded): the message's details.
        assert_eq!(rows[3].name.as_deref(), Some("fwd.png"));
        assert_eq!(rows[3].size, None);
        // Never mentioned in the events read: only its id.
        assert_eq!(rows[4], MediaRow::bare(wanted[4].clone(), "t.l", false));
        // Each sender's list is walked once, and no further than needed.
        let seen = s.seen.borrow();
        assert_eq!(
            seen.iter()
                .filter(|p| p.contains("%40alice%3At.l/media"))
                .count(),
            2
        );
        assert_eq!(seen.iter().filter(|p| p.contains("/messages")).count(), 3);
        assert!(!seen.iter().any(|p| p.contains("remote.example/media")));
    }

    #[test]
    fn the_event_walk_stops_once_every_file_is_found() {
        let s = server();
        let room: RoomId = "!r:t.l".parse().unwrap();
        let rows = run(room_media_rows(&s, &room, &uris(&["mxc://t.l/cat"]), "t.l")).unwrap();
        assert!(rows[0].quarantined);
        assert_eq!(
            s.seen
                .borrow()
                .iter()
                .filter(|p| p.contains("/messages"))
                .count(),
            1
        );
    }

    #[test]
    fn a_refusal_is_the_lists_error() {
        let s = FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|_| (403, r#"{"errcode":"M_FORBIDDEN","error":"no"}"#.into())),
        };
        let room: RoomId = "!r:t.l".parse().unwrap();
        let e = run(room_media_rows(&s, &room, &uris(&["mxc://t.l/cat"]), "t.l")).unwrap_err();
        assert!(e.is_forbidden());
    }
}
