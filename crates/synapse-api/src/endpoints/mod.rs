//! One module per area of the API; one type per endpoint, named after what it does.
//! Each type's doc line gives the method and path.

pub mod account;
pub mod media;
pub mod purge;
pub mod rooms;
pub mod statistics;
pub mod users;
