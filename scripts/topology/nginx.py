"""nginx (Debian's `nginx-light`) in front of Synapse main and its media repository worker.

The routes are the ones Synapse's docs/workers.md gives the `synapse.app.media_repository`
worker (checked against 1.157's docs and 1.163's code: `register_servlets_for_media_repo`
and the worker's `media` resource serve exactly these); everything else goes to main.
"""

import os
import pwd
import shutil
import socket

from . import procs

# docs/workers.md, "synapse.app.media_repository": the three prefixes, then the admin APIs.
MEDIA_ROUTES = (
    "^/_matrix/media/",
    "^/_matrix/client/v1/media/",
    "^/_matrix/federation/v1/media/",
    "^/_synapse/admin/v1/purge_media_cache$",
    "^/_synapse/admin/v1/room/.*/media.*$",
    "^/_synapse/admin/v1/user/.*/media.*$",
    "^/_synapse/admin/v1/media/.*$",
    "^/_synapse/admin/v1/quarantine_media/.*$",
    "^/_synapse/admin/v1/users/.*/media$",
)
# nginx drops root for its workers; they write request bodies and large responses to the
# temp dirs, so those belong to this account (as /var/lib/nginx does on Debian). Without
# that, uploads fail with 500: the worker can't create its client_body temp file.
WORKER_ACCOUNT = "www-data"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
READY_TIMEOUT_S = 30


def _location(regex, upstream):
    """One regex location block proxying to upstream."""
    if '"' in regex or "\n" in regex:
        raise SystemExit(f"unusable route regex: {regex!r}")
    return f'        location ~ "{regex}" {{ proxy_pass http://{upstream}; }}\n'


def config_text(home, port, main_port, media_port, misroute=(), block=()):
    """nginx.conf: listen on 127.0.0.1:port; media routes to the worker, the rest to main.
    misroute: regexes sent to main instead, placed first (nginx takes the first regex
    location that matches), to show what a proxy that forgets a route does.
    block: path prefixes nginx refuses to browsers itself (403, no CORS headers: the page
    sees a network error), as a proxy that lets the admin API through only from admins'
    own machines does; requests without an Origin (scripts, this one's seeding) go on to
    main. `^~` wins over the regex locations."""
    temp = "".join(f"    {kind}_temp_path {os.path.join(home, 'tmp', kind)};\n"
                   for kind in TEMP_DIRS)
    for prefix in block:
        if '"' in prefix or "\n" in prefix or not prefix.startswith("/"):
            raise SystemExit(f"unusable prefix to block: {prefix!r}")
    locations = "".join(f'        location ^~ "{p}" {{ if ($http_origin) {{ return 403; }} '
                        f'proxy_pass http://synapse_main; }}\n' for p in block)
    locations += "".join(_location(r, "synapse_main") for r in misroute)
    locations += "".join(_location(r, "synapse_media") for r in MEDIA_ROUTES)
    return f"""# Written by scripts/synapse.py (topology "workers"); regenerated on every start.
daemon off;
user {WORKER_ACCOUNT} {WORKER_ACCOUNT};
worker_processes 1;
pid {os.path.join(home, 'nginx.pid')};
error_log {os.path.join(home, 'error.log')} info;
events {{ worker_connections 512; }}
http {{
    access_log {os.path.join(home, 'access.log')};
{temp}    # As docs/reverse_proxy.md: bodies up to Synapse's max_upload_size, HTTP/1.1 upstream.
    client_max_body_size 50M;
    proxy_http_version 1.1;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Host $host;
    upstream synapse_main {{ server 127.0.0.1:{main_port}; }}
    upstream synapse_media {{ server 127.0.0.1:{media_port}; }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        # No URI after the upstream: nginx passes the path as the client sent it, still
        # percent-encoded (room, event and user ids).
{locations}        location / {{ proxy_pass http://synapse_main; }}
    }}
}}
"""


def _listening(port):
    """True if something accepts connections on 127.0.0.1:port."""
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return True


def start(d, port, main_port, media_port, misroute=(), block=()):
    """Write d/nginx/nginx.conf and start nginx on it; return (record, config path)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        raise SystemExit("nginx is not installed: run scripts/setup-servers.sh")
    home = os.path.join(d, "nginx")
    account = pwd.getpwnam(WORKER_ACCOUNT)
    for kind in TEMP_DIRS:
        path = os.path.join(home, "tmp", kind)
        os.makedirs(path, exist_ok=True)
        os.chown(path, account.pw_uid, account.pw_gid)
        os.chmod(path, 0o700)
    procs.check_searchable(os.path.join(home, "tmp"), WORKER_ACCOUNT)
    config = os.path.join(home, "nginx.conf")
    with open(config, "w") as f:
        f.write(config_text(home, port, main_port, media_port, misroute, block))
    log_path = os.path.join(home, "error.log")
    # -e: where errors go before the config is read (Debian's default is stderr).
    proc, record = procs.spawn("nginx", [binary, "-p", home, "-c", config, "-e", log_path],
                               os.path.join(home, "nginx.out"), cwd=home)
    try:
        procs.wait_until("nginx", lambda: _listening(port), proc, [log_path], READY_TIMEOUT_S)
    except BaseException:
        procs.stop(record)
        raise
    return record, config
