//! Winning back disk: the delete-by-age form's rules (`form`), Synapse's own rule for
//! which local files such a delete removes (`rule`), the dry run that applies that rule
//! to every local user's media before anything is deleted (`walk`; Synapse itself has
//! no dry run), what it found and what the delete did (`report`), and the usage chart
//! (`chart`).

mod chart;
mod form;
mod report;
mod rule;
mod walk;

pub use chart::*;
pub use form::*;
pub use report::*;
pub use rule::*;
pub use walk::*;

#[cfg(test)]
mod tests;
