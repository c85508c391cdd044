//! The signed-in session: a reactive context for the console, mirrored into
//! sessionStorage, and the plain reads and writes the sign-in page makes there.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use synapse_api::session::Session;

use crate::storage::{self, Key, NotKept};

/// A message the sign-in page shows once, after being sent there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// A request answered 401: the token was logged out or expired.
    Expired,
    SignedOut,
    /// Signed out here, but the server could not be told.
    SignedOutServerUnreachable,
}

impl Notice {
    pub fn text(self) -> &'static str {
        match self {
            Notice::Expired => {
                "Your session has expired or was signed out elsewhere. Sign in again to go back \
                 to where you were."
            }
            Notice::SignedOut => "You are signed out.",
            Notice::SignedOutServerUnreachable => {
                "You are signed out of this console, but the server could not be reached to \
                 end the session there. It ends when the token expires, or remove the device \
                 from your account."
            }
        }
    }
}

/// Non-secret details of the last session, to fill the form in again after an expiry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSignIn {
    pub homeserver: String,
    pub user: String,
}

/// The session context: `None` when signed out. Copy, so closures can hold it.
#[derive(Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    not_kept: RwSignal<Option<NotKept>>,
}

impl Auth {
    /// Reads the session this tab stored, if any. One that cannot be read is removed:
    /// boot.js starts the console whenever the key is there, so a stale value left in
    /// place would bounce between the console and sign-in.
    pub fn load() -> Self {
        Self {
            session: RwSignal::new(stored_session()),
            not_kept: RwSignal::new(None),
        }
    }

    /// A context with a given session, for tests.
    pub fn with(session: Option<Session>) -> Self {
        Self {
            session: RwSignal::new(session),
            not_kept: RwSignal::new(None),
        }
    }

    pub fn session(&self) -> Signal<Option<Session>> {
        self.session.into()
    }

    /// The session now; `None` when signed out (or once this context is disposed).
    pub fn current(&self) -> Option<Session> {
        self.session.try_get_untracked().flatten()
    }

    /// The same session with new tokens (an OAuth refresh). If the tab cannot keep
    /// them, the session goes on in this page, and the shell says a reload would end it.
    pub fn refreshed(&self, session: Session) {
        self.not_kept
            .set(storage::write(Key::Session, &session.to_json()).err());
        self.session.set(Some(session));
    }

    /// Why the session's latest tokens are not kept in this tab, if they are not.
    pub fn not_kept(&self) -> Signal<Option<NotKept>> {
        self.not_kept.into()
    }

    /// The server refused the token: forget it, keep what fills the form in again.
    pub fn expired(&self) {
        if self.session.get_untracked().is_none() {
            return;
        }
        storage::remove(Key::Session);
        set_notice(Notice::Expired);
        // The pages go a moment later: the request that met the refusal may still be
        // updating the component that asked (a preview saying it failed), and a signal
        // update queued for a component already gone would panic. A zero timeout runs
        // after every task already queued.
        let session = self.session;
        leptos::task::spawn_local(async move {
            crate::http::sleep(0).await;
            let _ = session.try_set(None);
        });
    }

    /// Signing out empties this tab's storage.
    pub fn signed_out(&self, notice: Notice) {
        storage::clear();
        set_notice(notice);
        self.session.set(None);
    }
}

/// Best effort: if the tab cannot keep it, the sign-in page shows no notice, and the
/// person is on the sign-in page all the same.
/// The session this tab holds, if it reads as one (one that does not is removed).
pub fn stored_session() -> Option<Session> {
    storage::read(Key::Session).and_then(|json| {
        let session = Session::from_json(&json);
        if session.is_none() {
            storage::remove(Key::Session);
        }
        session
    })
}

/// Keeps a new session in this tab (the sign-in page's last step), with the form's
/// prefill for next time; one the tab cannot keep is refused (the console reads it
/// from sessionStorage).
pub fn keep_signed_in(session: &Session) -> Result<(), NotKept> {
    storage::write(Key::Session, &session.to_json())?;
    storage::remove(Key::Notice);
    let last = LastSignIn {
        homeserver: session.homeserver.to_string(),
        user: session.user_id.to_string(),
    };
    // Best effort: it only fills the form in again after an expiry.
    let _ = storage::write(
        Key::LastSignIn,
        &serde_json::to_string(&last).unwrap_or_default(),
    );
    Ok(())
}

fn set_notice(notice: Notice) {
    let _ = storage::write(
        Key::Notice,
        &serde_json::to_string(&notice).unwrap_or_default(),
    );
}

/// The pending notice for the sign-in page, removed once read.
pub fn take_notice() -> Option<Notice> {
    let notice = storage::read(Key::Notice).and_then(|json| serde_json::from_str(&json).ok());
    storage::remove(Key::Notice);
    notice
}

pub fn last_sign_in() -> LastSignIn {
    storage::read(Key::LastSignIn)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
