//! User listing.

use serde::Deserialize;

use crate::ids::UserId;
use crate::path::with_query;
use crate::request::{Endpoint, Request};

/// `GET /_synapse/admin/v2/users?from=&limit=&name=`: local user accounts.
#[derive(Clone, Debug, Default)]
pub struct ListUsers {
    pub name: Option<String>,
    pub from: Option<u64>,
    pub limit: Option<u32>,
    /// Deactivated accounts too (Synapse leaves them out by default).
    pub deactivated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ListUsersResponse {
    #[serde(default)]
    pub users: Vec<UserSummary>,
    #[serde(default)]
    pub total: u64,
    /// Synapse sends it as a string in some versions and a number in others.
    #[serde(default)]
    pub next_token: Option<serde_json::Value>,
}

/// One account. The display name is the user's own text: show it as text.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserSummary {
    pub name: UserId,
    #[serde(default)]
    pub displayname: Option<String>,
    #[serde(default, deserialize_with = "crate::loose::bool_or_int")]
    pub admin: bool,
    #[serde(default, deserialize_with = "crate::loose::bool_or_int")]
    pub deactivated: bool,
    /// The profile picture, an mxc URI.
    #[serde(default)]
    pub avatar_url: Option<String>,
}

impl Endpoint for ListUsers {
    type Response = ListUsersResponse;
    fn request(&self) -> Request {
        Request::get(with_query(
            "/_synapse/admin/v2/users".into(),
            &[
                ("from", self.from.map(|n| n.to_string())),
                ("limit", self.limit.map(|n| n.to_string())),
                ("name", self.name.clone()),
                ("deactivated", self.deactivated.then(|| "true".to_owned())),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::decode;

    #[test]
    fn builds_the_query_and_decodes_loose_flags() {
        let r = ListUsers {
            name: Some("ali".into()),
            from: Some(10),
            limit: Some(5),
            deactivated: false,
        }
        .request();
        assert_eq!(r.path, "/_synapse/admin/v2/users?from=10&limit=5&name=ali");
        let list: ListUsersResponse = decode(
            200,
            r#"{"users":[{"name":"@alice:test.local","user_type":null,"is_guest":0,"admin":0,"deactivated":false,"shadow_banned":false,"displayname":"Alice","avatar_url":null,"creation_ts":1795332000000,"approved":true,"erased":false,"last_seen_ts":null,"locked":false}],"total":2,"next_token":"1"}"#,
        )
        .unwrap();
        assert_eq!(list.total, 2);
        assert!(!list.users[0].admin);
        assert_eq!(list.users[0].displayname.as_deref(), Some("Alice"));
    }
}
