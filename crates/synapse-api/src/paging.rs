//! Paged lists: where a page sits ("51–100 of 50,000", which pages exist), and reading
//! a listing to its end (`every_page`, the one loop every walk over pages takes).

use crate::client::Admin;
use crate::{ApiError, Endpoint};

/// Page `page` (from 0) of `page_size` items in a list of `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageWindow {
    pub page: u64,
    pub pages: u64,
    /// 1-based, inclusive; `first > last` when the list is empty.
    pub first: u64,
    pub last: u64,
    pub total: u64,
}

impl PageWindow {
    pub fn new(page: u64, page_size: u32, total: u64) -> Self {
        let size = u64::from(page_size.max(1));
        let pages = total.div_ceil(size).max(1);
        let page = page.min(pages - 1);
        let first = page * size + 1;
        Self {
            page,
            pages,
            first: first.min(total + 1),
            last: (first + size - 1).min(total),
            total,
        }
    }

    pub fn has_previous(&self) -> bool {
        self.page > 0
    }

    pub fn has_next(&self) -> bool {
        self.page + 1 < self.pages
    }

    pub fn last_page(&self) -> u64 {
        self.pages - 1
    }
}

/// `50000` as "50,000": counts people read at a glance.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every item of a paged listing: `request(from)` asks for a page; `split` takes its
/// items and where the next page starts (absent on the last).
pub async fn every_page<E, T>(
    admin: &impl Admin,
    request: impl Fn(u64) -> E,
    split: impl Fn(E::Response) -> (Vec<T>, Option<u64>),
) -> Result<Vec<T>, ApiError>
where
    E: Endpoint + 'static,
    E::Response: 'static,
{
    let mut items = Vec::new();
    let mut from = 0;
    loop {
        let (page, next) = split(admin.call(request(from)).await?);
        let got = page.len();
        items.extend(page);
        match next {
            // A server that does not move on would loop forever: stop instead.
            Some(next) if got > 0 && next > from => from = next,
            _ => return Ok(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_list_exactly_once() {
        for total in [0u64, 1, 49, 50, 51, 999, 50_000] {
            for size in [1u32, 50, 1000] {
                let pages = PageWindow::new(0, size, total).pages;
                let mut next = 1;
                for page in 0..pages {
                    let w = PageWindow::new(page, size, total);
                    assert_eq!(w.first, next, "total {total} size {size} page {page}");
                    assert!(w.last <= total);
                    next = w.last + 1;
                    assert_eq!(w.has_next(), page + 1 < pages);
                    assert_eq!(w.has_previous(), page > 0);
                }
                assert_eq!(next, total + 1, "total {total} size {size}");
            }
        }
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let w = PageWindow::new(7, 50, 120);
        assert_eq!((w.page, w.first, w.last), (2, 101, 120));
        let empty = PageWindow::new(0, 50, 0);
        assert_eq!((empty.pages, empty.first, empty.last), (1, 1, 0));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(50_000), "50,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
