//! Reading one page of a target's list (a user's, a room's, one file), and a user's
//! whole list for "select all".

use std::rc::Rc;
use synapse_api::endpoints::media::{MediaInfo, MediaOrder, RoomMedia, UserMedia};
use synapse_api::endpoints::rooms::RoomDetails;

use synapse_api::ids::{MxcUri, RoomId, UserId};
use synapse_api::media::MediaRow;
use synapse_api::room_media::room_page_rows;
use synapse_api::ApiError;

use super::Target;
use crate::api::Api;
use crate::words::media::ListingNote;
use synapse_api::paging::every_page;

/// A loaded list: the rows, the total where the server tells it, and what else to know.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Listing {
    pub(super) rows: Vec<MediaRow>,
    pub(super) total: Option<u64>,
    pub(super) note: Option<ListingNote>,
}

/// How a user's list is read: where from, how many, in which order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Paging {
    pub(super) from: u64,
    pub(super) limit: u32,
    pub(super) order: MediaOrder,
    pub(super) descending: bool,
}

/// A room's files as Synapse lists them (all in one answer, however many) and whether
/// the room is encrypted: read with the first page, kept while the pages are turned,
/// so that each page asks only for its own files' details.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RoomIndex {
    room_id: RoomId,
    uris: Rc<[MxcUri]>,
    encrypted: bool,
}

impl RoomIndex {
    async fn read(api: Api, room_id: RoomId) -> Result<Self, ApiError> {
        let details = api
            .send(&RoomDetails {
                room_id: room_id.clone(),
            })
            .await?;
        let uris = api.send(&RoomMedia { room_id }).await?.uris();
        Ok(Self {
            room_id: details.room_id,
            uris: uris.into(),
            encrypted: details.encryption.is_some(),
        })
    }
}

/// One page of `target`'s list; for a room, with its index (`known`, if this room's
/// was read before, is used instead of reading it again).
pub(super) async fn load(
    api: Api,
    target: Target,
    server_name: String,
    paging: Paging,
    known: Option<RoomIndex>,
) -> Result<(Listing, Option<RoomIndex>), ApiError> {
    match target {
        Target::User(user_id) => {
            let Paging {
                from,
                limit,
                order,
                descending,
            } = paging;
            let request = UserMedia {
                user_id,
                from,
                limit,
                order,
                descending,
            };
            let page = api.send(&request).await?;
            let rows = page
                .media
                .into_iter()
                .filter_map(|m| MediaRow::from_list(m, &server_name))
                .collect();
            Ok((
                Listing {
                    rows,
                    total: Some(page.total),
                    note: None,
                },
                None,
            ))
        }
        Target::Room(room_id) => {
            let index = match known.filter(|k| k.room_id == room_id) {
                Some(index) => index,
                None => RoomIndex::read(api, room_id).await?,
            };
            let uris = &index.uris;
            let note = (uris.is_empty() && index.encrypted).then_some(ListingNote::EncryptedRoom);
            let total = uris.len() as u64;
            // The page is cut here, and only its files' details are asked for.
            let start = usize::try_from(paging.from)
                .unwrap_or(usize::MAX)
                .min(uris.len());
            let end = start.saturating_add(paging.limit as usize).min(uris.len());
            let rows =
                room_page_rows(&api, &index.room_id, &uris[start..end], &server_name).await?;
            Ok((
                Listing {
                    rows,
                    total: Some(total),
                    note,
                },
                Some(index),
            ))
        }
        Target::File(uri) => {
            let (row, note) = match api.send(&MediaInfo { uri: uri.clone() }).await {
                Ok(info) => (
                    MediaRow::from_details(uri, info.media_info, &server_name),
                    None,
                ),
                Err(e) if e.is_unrecognized() => (
                    MediaRow::bare(uri, &server_name, false),
                    Some(ListingNote::NoDetailsBefore1140),
                ),
                Err(e) => return Err(e),
            };
            Ok((
                Listing {
                    rows: vec![row],
                    total: None,
                    note,
                },
                None,
            ))
        }
    }
}

/// Every item of a user's list (for "select all in the list"), page by page.
pub(super) async fn all_user_rows(
    api: Api,
    user_id: UserId,
    server_name: String,
) -> Result<Vec<MediaRow>, ApiError> {
    let media = every_page(
        &api,
        |from| UserMedia {
            user_id: user_id.clone(),
            from,
            limit: 500,
            order: MediaOrder::Created,
            descending: true,
        },
        |page| (page.media, page.next_token),
    )
    .await?;
    Ok(media
        .into_iter()
        .filter_map(|m| MediaRow::from_list(m, &server_name))
        .collect())
}
