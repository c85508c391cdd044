//! The session-bound client every page uses: `use_api().send(&endpoint)`.

use std::rc::Rc;

use futures::lock::Mutex;
use leptos::prelude::*;
use synapse_api::client::{self, Admin, LocalFuture, Transport};
use synapse_api::deployment::{diagnose, DeploymentProblem};
use synapse_api::request::decode;
use synapse_api::retry::RawResponse;
use synapse_api::session::Session;
use synapse_api::signin::oauth;
use synapse_api::{ApiError, Endpoint, Request};

use crate::session::Auth;
use crate::time::now_ms;

/// Sends requests as the signed-in admin. An OAuth session is refreshed before its
/// token expires (and once more if the server refuses it); a 401 otherwise ends the
/// session, which sends the person to sign in again (see `components::shell`).
#[derive(Clone, Copy)]
pub struct Api {
    auth: Auth,
    transport: crate::Unshared<Rc<dyn Transport>>,
    /// One refresh at a time: requests that find the token expiring wait for it.
    refreshing: crate::Unshared<Rc<Mutex<()>>>,
    /// The last deployment mistake a failed request pointed at (the shell shows it).
    problem: RwSignal<Option<DeploymentProblem>>,
}

impl Api {
    pub fn new(auth: Auth, transport: Rc<dyn Transport>) -> Self {
        Self {
            auth,
            transport: StoredValue::new_local(transport),
            refreshing: StoredValue::new_local(Rc::new(Mutex::new(()))),
            problem: RwSignal::new(None),
        }
    }

    /// A deployment mistake seen in an answer, for the shell to explain.
    pub fn deployment_problem(&self) -> RwSignal<Option<DeploymentProblem>> {
        self.problem
    }

    pub fn auth(&self) -> Auth {
        self.auth
    }

    pub fn transport(&self) -> Rc<dyn Transport> {
        self.transport.get_value()
    }

    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response, ApiError> {
        let raw = self.send_request(endpoint.request()).await?;
        decode(raw.status, &raw.body)
    }

    /// Sends a request whose answer is kept as a local URL (`Answer::ObjectUrl`): the
    /// same path as every call (session, refresh, retries, a 401 ends the session).
    pub async fn object_url(&self, request: Request) -> Result<String, ApiError> {
        let raw = self.send_request(request).await?;
        if raw.status == 200 {
            Ok(raw.body)
        } else {
            Err(ApiError::from_status(raw.status, &raw.body))
        }
    }

    /// The part of [`Api::send`] that does not depend on the endpoint. It is not
    /// generic, so its state machine is compiled once instead of once per endpoint
    /// (that cost about 4 KB of wasm per endpoint).
    async fn send_request(&self, request: Request) -> Result<RawResponse, ApiError> {
        let mut session = self.auth.current().ok_or_else(ApiError::not_signed_in)?;
        if session
            .oauth
            .as_ref()
            .is_some_and(|o| o.needs_refresh(now_ms()))
        {
            session = self.refresh(session).await?;
        }
        let mut result = self.attempt(&session, &request).await;
        let refused =
            |r: &Result<RawResponse, ApiError>| r.as_ref().is_ok_and(|raw| raw.status == 401);
        if refused(&result)
            && session
                .oauth
                .as_ref()
                .is_some_and(|o| o.refresh_token.is_some())
        {
            // Revoked or expired early: one refresh, one more try.
            session = self.refresh(session).await?;
            result = self.attempt(&session, &request).await;
        }
        // Only the session that was refused ends, not one signed in meanwhile. A
        // refusal's status is in the raw answer: decoding it comes later.
        if refused(&result) && self.is_current(&session) {
            self.auth.expired();
        }
        if let Ok(raw) = &result {
            if matches!(raw.status, 404 | 500) {
                let error = ApiError::from_status(raw.status, &raw.body);
                if let Some(problem) = diagnose(&request, &error, &session.server_version) {
                    self.problem.set(Some(problem));
                }
            }
        }
        result
    }

    async fn attempt(&self, session: &Session, request: &Request) -> Result<RawResponse, ApiError> {
        let transport = self.transport();
        client::send_request(
            transport.as_ref(),
            session.homeserver.join(&request.path),
            request,
            Some(&session.access_token),
        )
        .await
    }

    fn is_current(&self, session: &Session) -> bool {
        self.auth
            .current()
            .is_some_and(|now| now.access_token == session.access_token)
    }

    /// New tokens for an OAuth session from its refresh token; a refusal ends it.
    async fn refresh(&self, stale: Session) -> Result<Session, ApiError> {
        let lock = self.refreshing.get_value();
        let _one_at_a_time = lock.lock().await;
        let now = self.auth.current().ok_or_else(ApiError::not_signed_in)?;
        if now.access_token != stale.access_token {
            return Ok(now); // refreshed by another request meanwhile
        }
        let (Some(old), Some(refresh_token)) = (
            stale.oauth.clone(),
            stale.oauth.as_ref().and_then(|o| o.refresh_token.clone()),
        ) else {
            return Ok(stale);
        };
        let transport = self.transport();
        match oauth::refresh(transport.as_ref(), &old, &refresh_token).await {
            Ok(grant) => {
                let (access_token, oauth) = grant.refresh_session(&old, now_ms());
                let session = Session {
                    access_token,
                    oauth: Some(oauth),
                    ..stale
                };
                self.auth.refreshed(session.clone());
                Ok(session)
            }
            // A network failure is not the end of the session: the request says so.
            Err(oauth::OAuthFailure::Request(error)) if error.status().is_none() => Err(error),
            Err(_) => {
                self.auth.expired();
                Err(ApiError::not_signed_in())
            }
        }
    }
}

/// Long walks over the API (the reclaim dry run) are written against [`Admin`].
impl Admin for Api {
    fn call<E>(&self, endpoint: E) -> LocalFuture<'static, Result<E::Response, ApiError>>
    where
        E: Endpoint + 'static,
        E::Response: 'static,
    {
        let api = *self;
        Box::pin(async move { api.send(&endpoint).await })
    }
}

pub fn use_api() -> Api {
    expect_context::<Api>()
}
