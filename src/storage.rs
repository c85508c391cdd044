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

/// Writes a value; a full or disabled storage is ignored (the tab still works,
/// it only forgets on reload).
pub fn write(key: Key, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key.name(), value);
    }
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
