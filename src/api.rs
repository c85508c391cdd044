//! The session-bound client every page uses: `use_api().send(&endpoint)`.

use std::rc::Rc;

use leptos::prelude::*;
use synapse_api::client::{self, Admin, LocalFuture, Transport};
use synapse_api::request::decode;
use synapse_api::retry::RawResponse;
use synapse_api::{ApiError, Endpoint, Request};

use crate::session::Auth;

/// Sends requests as the signed-in admin. A 401 from any of them ends the session,
/// which sends the person to sign in again (see `components::shell`).
#[derive(Clone, Copy)]
pub struct Api {
    auth: Auth,
    transport: crate::Unshared<Rc<dyn Transport>>,
}

impl Api {
    pub fn new(auth: Auth, transport: Rc<dyn Transport>) -> Self {
        Self {
            auth,
            transport: StoredValue::new_local(transport),
        }
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

    /// The part of [`Api::send`] that does not depend on the endpoint. It is not
    /// generic, so its state machine is compiled once instead of once per endpoint
    /// (that cost about 4 KB of wasm per endpoint).
    async fn send_request(&self, request: Request) -> Result<RawResponse, ApiError> {
        let Some(session) = self.auth.current() else {
            return Err(ApiError::Matrix {
                status: 401,
                errcode: "M_MISSING_TOKEN".into(),
                message: "Not signed in".into(),
                retry_after_ms: None,
            });
        };
        let transport = self.transport();
        let result = client::send_request(
            transport.as_ref(),
            session.homeserver.join(&request.path),
            &request,
            Some(&session.access_token),
        )
        .await;
        // Only the session that was refused ends, not one signed in meanwhile. A
        // refusal's status is in the raw answer: decoding it comes later.
        let refused = result.as_ref().is_ok_and(|raw| raw.status == 401);
        if refused
            && self
                .auth
                .current()
                .is_some_and(|now| now.access_token == session.access_token)
        {
            self.auth.expired();
        }
        result
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
