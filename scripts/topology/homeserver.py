"""Synapse's configuration for each topology, and which Synapse release runs it.

Files are written as JSON (valid YAML). What differs between the releases the suite
supports (1.120.0 to 1.163.x) for what is written here:
- `stream_writers.quarantined_media_changes` exists from 1.152.0 (the media worker must
  write that stream, or quarantine answers 500). Before, `stream_writers` takes no such
  key and Synapse refuses to start (WriterLocations gets an unexpected keyword).
- Rate limiters added after 1.120: rc_presence.per_user (1.124), rc_delayed_event_mgmt
  (1.126), rc_reports (1.133), rc_room_creation (1.136; before, room creation counted
  against rc_message), rc_user_directory (1.145), rc_profile (after 1.157). Older releases
  ignore unknown keys (1.120.0 starts with all of them), so they are written for every one.
Everything else written here reads the same in 1.120.0 and 1.163.2.
"""

import os
import subprocess
import sys

CACHE = os.environ.get("SYNAPSE_CONSOLE_CACHE") or os.path.expanduser("~/.cache/synapse-console")
SERVER_NAME = "localhost"
MEDIA_WORKER = "media1"
QUARANTINE_STREAM_SINCE = (1, 152, 0)
UNLIMITED = {"per_second": 100000, "burst_count": 1000000}
STRICT_LOGIN = {"per_second": 0.2, "burst_count": 1}
# Every rate limiter Synapse 1.163 reads (synapse/config/ratelimiting.py), dotted = nested.
RATE_LIMIT_KEYS = (
    "rc_message", "rc_registration", "rc_registration_token_validity", "rc_login.address",
    "rc_login.account", "rc_login.failed_attempts", "rc_admin_redaction", "rc_joins.local",
    "rc_joins.remote", "rc_joins_per_room", "rc_key_requests", "rc_3pid_validation",
    "rc_invites.per_room", "rc_invites.per_user", "rc_invites.per_issuer",
    "rc_third_party_invite", "rc_media_create", "rc_presence.per_user",
    "rc_delayed_event_mgmt", "rc_room_creation", "rc_reports", "rc_user_directory", "rc_profile",
)


def python_for(spec):
    """The Python that runs Synapse: this one (no spec), a venv's (a path), or the venv of a
    release (X.Y.Z: $CACHE/venv-X.Y.Z, as scripts/compat.sh installs it; the main venv if
    it holds that release)."""
    if not spec:
        return sys.executable
    if os.sep in spec:
        python = os.path.join(spec, "bin", "python") if os.path.isdir(spec) else spec
        if not os.access(python, os.X_OK):
            raise SystemExit(f"no Python at {python}")
        return os.path.abspath(python)
    for venv in (f"venv-{spec}", "venv"):
        python = os.path.join(CACHE, venv, "bin", "python")
        if os.access(python, os.X_OK) and (venv != "venv" or installed_version(python) == spec):
            return python
    raise SystemExit(f"Synapse {spec} is not installed: run scripts/compat.sh {spec}")


def installed_version(python):
    """The matrix-synapse version installed for python ("1.163.2")."""
    out = subprocess.run([python, "-c", "import importlib.metadata as m; "
                                        "print(m.version('matrix-synapse'))"],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{python} has no matrix-synapse: {out.stderr.strip()}")
    return out.stdout.strip()


def version_tuple(version):
    """"1.120.0" -> (1, 120, 0); pre-release tails ("0rc1") count as their number."""
    return tuple(int("".join(c for c in part if c.isdigit()) or 0)
                 for part in version.split(".")[:3])


def log_config(d, name):
    """Python logging config writing d/name.log (Synapse's own format)."""
    return {
        "version": 1,
        "formatters": {"precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - "
                                             "%(levelname)s - %(request)s - %(message)s"}},
        "filters": {"context": {"()": "synapse.logging.context.LoggingContextFilter"}},
        "handlers": {"file": {"class": "logging.FileHandler", "formatter": "precise",
                              "filters": ["context"], "encoding": "utf8",
                              "filename": os.path.join(d, f"{name}.log")}},
        "root": {"level": "INFO", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


def http_listener(port, names, x_forwarded=False):
    """One plain-HTTP listener on 127.0.0.1:port serving the named resources."""
    return {"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
            "x_forwarded": x_forwarded, "resources": [{"names": names, "compress": False}]}


def rate_limits(strict_login):
    """Every limiter lifted (tests send fast), rc_login kept low when asked."""
    config = {}
    for key in RATE_LIMIT_KEYS:
        node, *rest = key.split(".")
        value = STRICT_LOGIN if strict_login and node == "rc_login" else UNLIMITED
        if rest:
            config.setdefault(node, {})[rest[0]] = value
        else:
            config[node] = value
    return config


def base_config(d, public_url, port, database, secret, strict_login):
    """The single-process homeserver: a client listener (it also mounts /_matrix/media and
    /_synapse/admin), offline, every rate limit lifted."""
    return {
        "server_name": SERVER_NAME,
        "public_baseurl": public_url + "/",
        "report_stats": False,
        "signing_key_path": os.path.join(d, "signing.key"),
        "log_config": os.path.join(d, "log.config"),
        "database": database,
        "media_store_path": os.path.join(d, "media_store"),
        "enable_media_repo": True,
        "max_upload_size": "50M",
        "listeners": [http_listener(port, ["client"])],
        "registration_shared_secret": secret,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "url_preview_enabled": False,
        "presence": {"enabled": False},
        # Without a rule Synapse silently keeps `visibility: public` rooms out of the directory.
        "room_list_publication_rules": [{"action": "allow"}],
        **rate_limits(strict_login),
    }


def workers_overlay(ports, version, wanted=True):
    """What main's config gains with a media repository worker (docs/workers.md): media off
    on main, replication over HTTP and Redis, and, from 1.152, the worker as the writer of
    the quarantined_media_changes stream (without it the worker's quarantine asserts: 500)."""
    overlay = {
        "enable_media_repo": False,
        "media_instance_running_background_jobs": MEDIA_WORKER,
        # Behind nginx: trust its X-Forwarded-For for the client's address.
        "listeners": [http_listener(ports["synapse"], ["client"], x_forwarded=True),
                      http_listener(ports["replication"], ["replication"])],
        "instance_map": {
            "main": {"host": "127.0.0.1", "port": ports["replication"]},
            MEDIA_WORKER: {"host": "127.0.0.1", "port": ports["media_replication"]},
        },
        "redis": {"enabled": True, "host": "127.0.0.1", "port": ports["redis"]},
    }
    if quarantine_writer(version, wanted):
        overlay["stream_writers"] = {"quarantined_media_changes": [MEDIA_WORKER]}
    return overlay


def quarantine_writer(version, wanted=True):
    """Whether the media worker is made the quarantined_media_changes writer: when wanted
    and the release has that stream (older ones refuse the key)."""
    return wanted and version_tuple(version) >= QUARANTINE_STREAM_SINCE


def media_worker_config(d, ports):
    """The worker's own file, read after the shared homeserver.yaml. worker_app must be
    synapse.app.media_repository: with enable_media_repo off, only that name loads media."""
    return {
        "worker_app": "synapse.app.media_repository",
        "worker_name": MEDIA_WORKER,
        "worker_listeners": [http_listener(ports["media"], ["media"], x_forwarded=True),
                             http_listener(ports["media_replication"], ["replication"])],
        "worker_log_config": os.path.join(d, f"{MEDIA_WORKER}.log.config"),
    }
