//! The storage page's chart: who holds the most bytes.

use crate::endpoints::statistics::UserUsage;
use crate::ids::UserId;

/// One bar of the usage chart: its length as a share of the longest (0..=1).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub user_id: UserId,
    pub label: String,
    pub bytes: u64,
    pub files: u64,
    pub share: f64,
}

/// The chart's bars: the `top` users by bytes, largest first, each scaled to the
/// largest. Users without an id (URL previews) have no media page to open: left out.
pub fn usage_bars(users: &[UserUsage], top: usize) -> Vec<Bar> {
    let mut with_id: Vec<(&UserId, &UserUsage)> = users
        .iter()
        .filter_map(|u| u.user_id.as_ref().map(|id| (id, u)))
        .collect();
    with_id.sort_by(|a, b| {
        b.1.media_length
            .cmp(&a.1.media_length)
            .then_with(|| a.0.as_str().cmp(b.0.as_str()))
    });
    with_id.truncate(top);
    let largest = with_id.first().map_or(0, |(_, u)| u.media_length).max(1) as f64;
    with_id
        .into_iter()
        .map(|(id, u)| Bar {
            user_id: id.clone(),
            label: match u.displayname.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(name) if name != id.localpart() => format!("{name} ({id})"),
                _ => id.to_string(),
            },
            bytes: u.media_length,
            files: u.media_count,
            share: u.media_length as f64 / largest,
        })
        .collect()
}
