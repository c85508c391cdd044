//! The tab's sessionStorage: the only place the console keeps anything.
//!
//! Every key is a [`Key`] variant, so no other module names a storage key, and
//! nothing here can reach any other browser storage (cookies, IndexedDB, …).

/// Everything the console stores, one variant per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The signed-in session (JSON of `synapse_api::session::Session`).
    Session,
    /// Homeserver and user of the last session, to fill the form after an expiry.
    LastSignIn,
    /// A one-time message for the sign-in page ("session expired", …).
    Notice,
    /// The purges this tab follows, per homeserver.
    Purges,
    /// The last delete-old-media dry run and its delete (`reclaim::SavedReclaim`).
    Reclaim,
    /// A single sign-on or OAuth sign-in under way (`signin::pending::PendingSignIn`).
    PendingSignIn,
}

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Session => "synapse-console.session",
            Key::LastSignIn => "synapse-console.last-sign-in",
            Key::Notice => "synapse-console.notice",
            Key::Purges => "synapse-console.purges",
            Key::Reclaim => "synapse-console.reclaim",
            Key::PendingSignIn => "synapse-console.pending-sign-in",
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn read(key: Key) -> Option<String> {
    storage()?.get_item(key.name()).ok().flatten()
}

/// Why a value was not kept. The caller says it to the person: what is not kept is
/// lost on a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotKept {
    /// This page has no session storage (disabled by the browser's settings).
    Unavailable,
    /// The storage refused the value: full (a few MB per site), or blocked.
    Refused,
}

impl NotKept {
    /// The reason, as a clause for the sentence that says what was not kept.
    pub fn why(self) -> &'static str {
        match self {
            NotKept::Unavailable => "this browser gives the page no session storage",
            NotKept::Refused => "this tab's storage is full or blocked",
        }
    }
}

/// Writes a value, or says why it could not.
#[must_use = "a value not kept is lost on a reload: say so"]
pub fn write(key: Key, value: &str) -> Result<(), NotKept> {
    let storage = storage().ok_or(NotKept::Unavailable)?;
    storage
        .set_item(key.name(), value)
        .map_err(|_| NotKept::Refused)
}

pub fn remove(key: Key) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key.name());
    }
}

/// Empties this tab's storage entirely (sign out).
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.clear();
    }
}
