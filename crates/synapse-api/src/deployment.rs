//! What a failed request says about how the homeserver is deployed, beyond the request
//! itself: a reverse proxy that does not send a media path to the media repository
//! worker, or a media worker that may not write quarantine changes. Only answers that
//! can mean nothing else on the server's version are diagnosed.

use crate::error::ApiError;
use crate::request::{Method, Request};
use crate::version::at_least;

/// A deployment mistake a failed request points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeploymentProblem {
    /// The path answered 404 `M_UNRECOGNIZED`, which Synapse's main process says for
    /// media admin paths it does not serve when a media worker does: the reverse proxy
    /// sends `path` to main. `route` is docs/workers.md's pattern for it.
    MediaPathNotRouted { path: String, route: &'static str },
    /// Quarantine answered 500 on a Synapse (1.152 and later) whose media worker is not
    /// the writer of the `quarantined_media_changes` stream.
    QuarantineWithoutStreamWriter,
}

/// A route as docs/workers.md writes it, and whether a path (without query) matches it.
type Route = (&'static str, fn(&str) -> bool);

/// Synapse's docs/workers.md routes for a `synapse.app.media_repository` worker.
const MEDIA_ROUTES: [Route; 9] = [
    ("^/_matrix/media/", |p| p.starts_with("/_matrix/media/")),
    ("^/_matrix/client/v1/media/", |p| {
        p.starts_with("/_matrix/client/v1/media/")
    }),
    ("^/_matrix/federation/v1/media/", |p| {
        p.starts_with("/_matrix/federation/v1/media/")
    }),
    ("^/_synapse/admin/v1/purge_media_cache$", |p| {
        p == "/_synapse/admin/v1/purge_media_cache"
    }),
    ("^/_synapse/admin/v1/room/.*/media.*$", |p| {
        p.strip_prefix("/_synapse/admin/v1/room/")
            .is_some_and(|rest| rest.contains("/media"))
    }),
    ("^/_synapse/admin/v1/user/.*/media.*$", |p| {
        p.strip_prefix("/_synapse/admin/v1/user/")
            .is_some_and(|rest| rest.contains("/media"))
    }),
    ("^/_synapse/admin/v1/media/.*$", |p| {
        p.starts_with("/_synapse/admin/v1/media/")
    }),
    ("^/_synapse/admin/v1/quarantine_media/.*$", |p| {
        p.starts_with("/_synapse/admin/v1/quarantine_media/")
    }),
    ("^/_synapse/admin/v1/users/.*/media$", |p| {
        p.starts_with("/_synapse/admin/v1/users/") && p.ends_with("/media")
    }),
];

fn without_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(path, _)| path)
}

/// docs/workers.md's pattern for a media path, if it is one.
pub fn media_route(path: &str) -> Option<&'static str> {
    let path = without_query(path);
    MEDIA_ROUTES
        .iter()
        .find(|(_, matches)| matches(path))
        .map(|(route, _)| *route)
}

/// Paths the main process serves itself even with a media worker (so a 404 there is
/// not about routing): a room's media list. `path` is without its query.
fn served_by_main(method: Method, path: &str) -> bool {
    method == Method::Get
        && path
            .strip_prefix("/_synapse/admin/v1/room/")
            .is_some_and(|rest| rest.ends_with("/media"))
}

/// Media info by id (`GET /_synapse/admin/v1/media/<server>/<id>`) came in 1.140:
/// before, its 404 is the version's.
fn missing_before_1_140(method: Method, path: &str) -> bool {
    method == Method::Get
        && path
            .strip_prefix("/_synapse/admin/v1/media/")
            .is_some_and(|rest| rest.split('/').count() == 2)
}

fn is_quarantine(path: &str) -> bool {
    path.starts_with("/_synapse/admin/v1/media/quarantine/")
        || path.starts_with("/_synapse/admin/v1/media/unquarantine/")
        || path.starts_with("/_synapse/admin/v1/quarantine_media/")
        || (media_route(path).is_some() && path.ends_with("/media/quarantine"))
}

/// The deployment mistake `error` (the answer to `request`) points at, on a server
/// running `server_version`.
pub fn diagnose(
    request: &Request,
    error: &ApiError,
    server_version: &str,
) -> Option<DeploymentProblem> {
    let ApiError::Matrix { status, .. } = error else {
        return None;
    };
    // The helpers below read the path without its query.
    let path = without_query(&request.path);
    let route = media_route(path)?;
    match status {
        404 if error.is_unrecognized()
            && !served_by_main(request.method, path)
            && (at_least(server_version, 1, 140)
                || !missing_before_1_140(request.method, path)) =>
        {
            Some(DeploymentProblem::MediaPathNotRouted {
                path: path.to_owned(),
                route,
            })
        }
        500 if is_quarantine(path) && at_least(server_version, 1, 152) => {
            Some(DeploymentProblem::QuarantineWithoutStreamWriter)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(status: u16, errcode: &str) -> ApiError {
        ApiError::Matrix {
            status,
            errcode: errcode.into(),
            message: "Unrecognized request".into(),
            retry_after_ms: None,
        }
    }

    fn post(path: &str) -> Request {
        Request::post_json(path.into(), &serde_json::json!({}))
    }

    #[test]
    fn every_docs_route_matches_the_paths_the_console_uses() {
        let cases = [
            (
                "/_synapse/admin/v1/media/localhost/abc",
                "^/_synapse/admin/v1/media/.*$",
            ),
            (
                "/_synapse/admin/v1/users/%40a%3Alocalhost/media?from=0&limit=50",
                "^/_synapse/admin/v1/users/.*/media$",
            ),
            (
                "/_synapse/admin/v1/room/!r%3Alocalhost/media",
                "^/_synapse/admin/v1/room/.*/media.*$",
            ),
            (
                "/_synapse/admin/v1/room/!r%3Alocalhost/media/quarantine",
                "^/_synapse/admin/v1/room/.*/media.*$",
            ),
            (
                "/_synapse/admin/v1/user/%40a%3Alocalhost/media/quarantine",
                "^/_synapse/admin/v1/user/.*/media.*$",
            ),
            (
                "/_synapse/admin/v1/purge_media_cache?before_ts=1",
                "^/_synapse/admin/v1/purge_media_cache$",
            ),
            (
                "/_synapse/admin/v1/quarantine_media/localhost/abc",
                "^/_synapse/admin/v1/quarantine_media/.*$",
            ),
            (
                "/_matrix/client/v1/media/thumbnail/localhost/abc?width=96",
                "^/_matrix/client/v1/media/",
            ),
        ];
        for (path, route) in cases {
            assert_eq!(media_route(path), Some(route), "{path}");
        }
        assert_eq!(
            media_route("/_synapse/admin/v2/users/%40a%3Alocalhost"),
            None
        );
        assert_eq!(media_route("/_synapse/admin/v1/rooms/!r%3Alocalhost"), None);
        assert_eq!(
            media_route("/_synapse/admin/v1/statistics/users/media"),
            None
        );
    }

    #[test]
    fn a_404_unrecognized_on_a_media_path_names_the_route_to_add() {
        let request = post("/_synapse/admin/v1/media/quarantine/localhost/abc");
        assert_eq!(
            diagnose(&request, &matrix(404, "M_UNRECOGNIZED"), "1.163.2"),
            Some(DeploymentProblem::MediaPathNotRouted {
                path: "/_synapse/admin/v1/media/quarantine/localhost/abc".into(),
                route: "^/_synapse/admin/v1/media/.*$",
            })
        );
        // Other answers are not about routing.
        assert_eq!(
            diagnose(&request, &matrix(404, "M_NOT_FOUND"), "1.163.2"),
            None
        );
        assert_eq!(
            diagnose(&request, &matrix(403, "M_FORBIDDEN"), "1.163.2"),
            None
        );
        // Nor a path that is not a media path.
        let rooms = Request::get("/_synapse/admin/v1/rooms/!r%3Alocalhost".into());
        assert_eq!(
            diagnose(&rooms, &matrix(404, "M_UNRECOGNIZED"), "1.163.2"),
            None
        );
    }

    #[test]
    fn what_the_version_explains_is_not_blamed_on_the_proxy() {
        let info = Request::get("/_synapse/admin/v1/media/localhost/abc".into());
        assert_eq!(
            diagnose(&info, &matrix(404, "M_UNRECOGNIZED"), "1.120.0"),
            None
        );
        assert!(diagnose(&info, &matrix(404, "M_UNRECOGNIZED"), "1.140.0").is_some());
        // Main serves a room's media list itself.
        let room = Request::get("/_synapse/admin/v1/room/!r%3Alocalhost/media".into());
        assert_eq!(
            diagnose(&room, &matrix(404, "M_UNRECOGNIZED"), "1.163.2"),
            None
        );
    }

    #[test]
    fn a_500_on_quarantine_from_1_152_names_the_stream_writer() {
        for path in [
            "/_synapse/admin/v1/media/quarantine/localhost/abc",
            "/_synapse/admin/v1/media/unquarantine/localhost/abc",
            "/_synapse/admin/v1/room/!r%3Alocalhost/media/quarantine",
            "/_synapse/admin/v1/user/%40a%3Alocalhost/media/quarantine",
        ] {
            assert_eq!(
                diagnose(&post(path), &matrix(500, "M_UNKNOWN"), "1.163.2"),
                Some(DeploymentProblem::QuarantineWithoutStreamWriter),
                "{path}"
            );
        }
        let quarantine = post("/_synapse/admin/v1/media/quarantine/localhost/abc");
        assert_eq!(
            diagnose(&quarantine, &matrix(500, "M_UNKNOWN"), "1.151.0"),
            None
        );
        let delete = post("/_synapse/admin/v1/media/delete?before_ts=1");
        assert_eq!(
            diagnose(&delete, &matrix(500, "M_UNKNOWN"), "1.163.2"),
            None
        );
    }
}
