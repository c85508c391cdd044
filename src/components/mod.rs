//! Pieces shared by several pages.

pub mod error_view;
pub mod field;
pub mod shell;
pub mod sign_out;
