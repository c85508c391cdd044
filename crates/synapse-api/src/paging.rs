//! Where a page sits in a paged list: "51–100 of 50,000", and which pages exist.

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
