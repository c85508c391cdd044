//! What the sign-in page knows besides the text in its fields, and what follows from
//! it: which server the field names, which credentials the form asks for, and the
//! message each field shows. The page draws itself from this after every change.

use synapse_api::signin::{CredentialKind, Field, FieldErrors, Method, Server, SignInFailure};

use super::words;

/// What the server behind the homeserver field offers, for the text it was asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Discovered {
    pub text: String,
    pub server: Server,
}

#[derive(Debug, Default)]
pub struct SignInState {
    /// The choice between a password and a pasted token.
    pub kind: CredentialKind,
    pub discovered: Option<Discovered>,
    /// The last submit's problems with the input (nothing was sent).
    pub errors: FieldErrors,
    /// Why the last sign-in failed.
    pub failure: Option<SignInFailure>,
    /// A sign-in is under way (or the page is leaving for a provider).
    pub busy: bool,
}

impl SignInState {
    /// The server behind the field as it reads now, once asked.
    pub fn server(&self, homeserver: &str) -> Option<&Server> {
        self.discovered
            .as_ref()
            .filter(|d| d.text == homeserver)
            .map(|d| &d.server)
    }

    /// Whether the password choice is offered: until the server says otherwise.
    pub fn password_offered(&self, homeserver: &str) -> bool {
        self.server(homeserver)
            .is_none_or(|s| s.offers(&Method::Password))
    }

    /// The credentials the form asks for: where the server takes no passwords, the
    /// token is the form's only one.
    pub fn credential(&self, homeserver: &str) -> CredentialKind {
        if self.password_offered(homeserver) {
            self.kind
        } else {
            CredentialKind::Token
        }
    }

    /// Starts a sign-in: the last one's messages go.
    pub fn begin(&mut self) {
        self.busy = true;
        self.failure = None;
    }

    /// Ends a sign-in that did not leave the page.
    pub fn end(&mut self, failure: Option<SignInFailure>) {
        self.busy = false;
        self.failure = failure;
    }

    fn failure_at(&self, field: Field) -> Option<String> {
        self.failure
            .as_ref()
            .filter(|f| f.field() == field)
            .map(words::failure)
    }

    pub fn homeserver_message(&self) -> Option<String> {
        self.errors
            .homeserver
            .as_ref()
            .map(words::homeserver_problem)
            .or_else(|| self.failure_at(Field::Homeserver))
    }

    pub fn user_message(&self) -> Option<String> {
        self.errors.user.as_ref().map(words::user_problem)
    }

    pub fn password_message(&self) -> Option<String> {
        self.errors
            .password
            .map(words::password_problem)
            .or_else(|| self.failure_at(Field::Password))
    }

    pub fn token_message(&self) -> Option<String> {
        self.errors
            .token
            .map(words::token_problem)
            .or_else(|| self.failure_at(Field::Token))
    }

    pub fn form_message(&self) -> Option<String> {
        self.failure_at(Field::Form)
    }
}
