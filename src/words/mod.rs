//! The app's words for the reasons the core gives, one file per area, so that a second
//! language is a change here (the sign-in page's own words are in `sign_in/words.rs`).

pub mod errors;
pub mod ids;
pub mod media;
pub mod purge;
pub mod storage;

/// A date that does not read as one, as both date fields say it.
fn unreadable_date(text: &str) -> String {
    format!("'{text}' is not a date and time: pick one, or type it as 2026-01-31 14:30.")
}
