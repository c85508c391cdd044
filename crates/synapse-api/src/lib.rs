//! The Synapse admin API as plain Rust values.
//!
//! Requests become [`Request`] values (method, percent-encoded path, JSON body) and
//! responses come back from a status and a body text. Nothing here does I/O, touches
//! the browser or knows about Leptos: the app's one `send` function moves the bytes.
//! That keeps every rule about Synapse unit-testable natively, in seconds.

pub mod client;
pub mod config;
pub mod deployment;
pub mod endpoints;
pub mod error;
pub mod homeserver;
pub mod ids;
pub mod loose;
pub mod media;
pub mod older_media;
pub mod paging;
pub mod path;
pub mod purge;
pub mod reclaim;
pub mod request;
pub mod retry;
pub mod room_media;
pub mod session;
pub mod signin;
pub mod version;

pub use error::ApiError;
pub use request::{Answer, Endpoint, Method, Request};
