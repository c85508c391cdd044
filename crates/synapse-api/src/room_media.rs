//! One page of a room's media, each file with its details. Synapse lists a room's
//! files in one answer (ids only, not paged), so the console pages that list itself
//! and asks the details of the files on the page shown: media info by id, a few at a
//! time; before Synapse 1.140, which has none, what the room's messages and the
//! senders' lists hold (`older_media`).

use std::cell::RefCell;

use crate::client::Admin;
use crate::endpoints::media::MediaInfo;
use crate::error::ApiError;
use crate::ids::{MxcUri, RoomId};
use crate::media::{run_bulk, MediaRow};
use crate::older_media::room_media_rows;

/// Media info requests in flight at once, as for bulk actions.
const IN_FLIGHT: usize = 4;

/// The rows for `page` (a slice of the room's list), in its order. A file the server
/// no longer has is shown bare, as deleted.
pub async fn room_page_rows(
    admin: &impl Admin,
    room_id: &RoomId,
    page: &[MxcUri],
    server_name: &str,
) -> Result<Vec<MediaRow>, ApiError> {
    let rows = RefCell::new(vec![None; page.len()]);
    let failure = RefCell::new(None::<ApiError>);
    let slots: Vec<(usize, &MxcUri)> = page.iter().enumerate().collect();
    run_bulk(
        &slots,
        IN_FLIGHT,
        |&(slot, uri)| {
            let (rows, failure) = (&rows, &failure);
            let info = admin.call(MediaInfo { uri: uri.clone() });
            async move {
                let row = match info.await {
                    Ok(info) => MediaRow::from_details(uri.clone(), info.media_info, server_name),
                    Err(e) if e.is_not_found() && !e.is_unrecognized() => {
                        MediaRow::bare(uri.clone(), server_name, true)
                    }
                    Err(e) => {
                        failure.borrow_mut().get_or_insert(e.clone());
                        return Err(e);
                    }
                };
                rows.borrow_mut()[slot] = Some(row);
                Ok(())
            }
        },
        // One answer that is not a file's stops the rest: the page is explained whole.
        || failure.borrow().is_some(),
        |_, _| {},
    )
    .await;
    match failure.into_inner() {
        // Before 1.140 there is no media info by id.
        Some(e) if e.is_unrecognized() => room_media_rows(admin, room_id, page, server_name).await,
        Some(e) => Err(e),
        None => Ok(rows.into_inner().into_iter().flatten().collect()),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::client::fake::{run, FakeServer};

    fn uri(text: &str) -> MxcUri {
        text.parse().unwrap()
    }

    fn info(id: &str) -> String {
        format!(
            r#"{{"media_info":{{"media_id":"{id}","media_type":"image/png","media_length":2048,"upload_name":"{id}.png","created_ts":1690000000000,"last_access_ts":null,"quarantined_by":null,"safe_from_quarantine":0}}}}"#
        )
    }

    #[test]
    fn a_page_gets_each_files_details_in_the_lists_order() {
        let server = FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|r| {
                let id = r.path.rsplit('/').next().unwrap_or_default().to_owned();
                if id == "gone" {
                    (
                        404,
                        r#"{"errcode":"M_NOT_FOUND","error":"Unknown media"}"#.into(),
                    )
                } else {
                    (200, info(&id))
                }
            }),
        };
        let page = [
            uri("mxc://t.l/b"),
            uri("mxc://t.l/gone"),
            uri("mxc://t.l/a"),
        ];
        let room: RoomId = "!r:t.l".parse().unwrap();
        let rows = run(room_page_rows(&server, &room, &page, "t.l")).unwrap();
        let ids: Vec<String> = rows.iter().map(|r| r.uri.to_string()).collect();
        assert_eq!(ids, ["mxc://t.l/b", "mxc://t.l/gone", "mxc://t.l/a"]);
        assert_eq!(rows[0].size, Some(2048));
        assert!(rows[1].deleted);
        assert_eq!(
            server.seen.borrow().len(),
            3,
            "one request per file on the page"
        );
    }

    #[test]
    fn a_refusal_fails_the_page_and_asks_no_more() {
        let server = FakeServer {
            seen: RefCell::default(),
            answer: Box::new(|_| (403, r#"{"errcode":"M_FORBIDDEN","error":"no"}"#.into())),
        };
        let page: Vec<MxcUri> = (0..20).map(|i| uri(&format!("mxc://t.l/f{i}"))).collect();
        let room: RoomId = "!r:t.l".parse().unwrap();
        let error = run(room_page_rows(&server, &room, &page, "t.l")).unwrap_err();
        assert_eq!(error.status(), Some(403));
        assert!(
            server.seen.borrow().len() <= IN_FLIGHT,
            "stopped after the first answers"
        );
    }
}
