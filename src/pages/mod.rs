//! One module per route.

pub mod media;
pub mod not_found;
pub mod overview;
pub mod purge;
pub mod storage;
