#!/usr/bin/env python3
"""Throwaway Synapse homeserver for tests and the demo (loopback only, offline).

    python scripts/synapse.py start --dir DIR [--port PORT] [--strict-login-ratelimit]
                                    [--postgres HOST:PORT/DB] [--extra-config FILE.json]
    python scripts/synapse.py stop  --dir DIR
    python scripts/synapse.py seed  --dir DIR [--messages N] [--images N]

Run it with the Python of a venv that has `matrix-synapse` installed: Synapse is started as
`sys.executable -m synapse.app.homeserver`. Only the standard library is used here.
`start` and `seed` print one JSON line on stdout; progress goes to stderr.
homeserver.yaml is written as JSON (valid YAML) and regenerated on every start, keeping the
shared secret and the signing key, so data and users survive a stop/start cycle.
"""

import argparse
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

SERVER_NAME = "localhost"
ADMIN = ("admin", "admin-pass-123")
USER = ("alice", "alice-pass-123")
STATE_FILE = "synapse.json"
READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
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


def log(msg):
    """Progress message on stderr (stdout carries only the JSON result)."""
    print(f"[synapse.py] {msg}", file=sys.stderr, flush=True)


def http(base_url, method, path, body=None, token=None, raw=None, content_type=None):
    """One request (new connection each time). Returns (status, parsed JSON or {})."""
    headers = {"Connection": "close"}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base_url + path, data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(req, timeout=30) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    try:
        return status, json.loads(payload or b"{}")
    except ValueError:
        return status, {"raw": payload.decode(errors="replace")}


def call(base_url, method, path, body=None, token=None, **kw):
    """Like http() but any non-2xx status is fatal."""
    status, data = http(base_url, method, path, body, token, **kw)
    if not 200 <= status < 300:
        raise SystemExit(f"{method} {path} -> {status} {data}")
    return data


def enc(segment):
    """Percent-encode one path segment (room ids, aliases, user ids)."""
    return urllib.parse.quote(segment, safe="")


def pid_is_our_synapse(pid, config_path):
    """True if pid is alive (not a zombie) and is a Synapse run on this config."""
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except (OSError, IndexError):
        return False
    return b"synapse.app.homeserver" in argv and config_path.encode() in argv


def free_port(preferred=0):
    """preferred if 127.0.0.1:preferred can be bound now, else a kernel-chosen free port."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Twisted does
            try:
                s.bind(("127.0.0.1", port))
                return s.getsockname()[1]
            except OSError:
                continue
    raise SystemExit("no free port")


def read_state(d):
    """The saved synapse.json of DIR, or None."""
    try:
        with open(os.path.join(d, STATE_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def tail(path, lines=40):
    """Last lines of a text file, for error messages."""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def database_config(d, postgres):
    """SQLite in d, or a PostgreSQL database "HOST:PORT/DB" (user postgres, trust auth on
    loopback; needs psycopg2 in the venv). Some admin endpoints, such as the rooms' database
    sizes, exist on PostgreSQL only."""
    if not postgres:
        return {"name": "sqlite3", "args": {"database": os.path.join(d, "homeserver.db")}}
    address, database = postgres.split("/", 1)
    host, port = address.rsplit(":", 1)
    return {"name": "psycopg2", "args": {"user": "postgres", "host": host, "port": int(port),
                                          "database": database, "cp_min": 1, "cp_max": 5}}


def merge(base, extra):
    """Deep-merge extra into base: mappings merge key by key, anything else replaces."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def write_config(d, port, strict_login, postgres=None, extra=None):
    """Write homeserver.yaml and log config into d (keeping an existing secret/key)."""
    config_path = os.path.join(d, "homeserver.yaml")
    key_path = os.path.join(d, "signing.key")
    secret = secrets.token_hex(32)
    if os.path.exists(config_path):
        with open(config_path) as f:
            secret = json.load(f)["registration_shared_secret"]
    if not os.path.exists(key_path):
        subprocess.run([sys.executable, "-m", "synapse._scripts.generate_signing_key",
                        "-o", key_path], check=True)
    log_config = {
        "version": 1,
        "formatters": {"precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - "
                                             "%(levelname)s - %(request)s - %(message)s"}},
        "filters": {"context": {"()": "synapse.logging.context.LoggingContextFilter"}},
        "handlers": {"file": {"class": "logging.FileHandler", "formatter": "precise",
                              "filters": ["context"], "encoding": "utf8",
                              "filename": os.path.join(d, "homeserver.log")}},
        "root": {"level": "INFO", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }
    config = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "report_stats": False,
        "signing_key_path": key_path,
        "log_config": os.path.join(d, "log.config"),
        "database": database_config(d, postgres),
        "media_store_path": os.path.join(d, "media_store"),
        "enable_media_repo": True,
        "max_upload_size": "50M",
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http",
                       "tls": False, "x_forwarded": False,
                       # "client" also mounts /_matrix/media and /_synapse/admin.
                       "resources": [{"names": ["client"], "compress": False}]}],
        "registration_shared_secret": secret,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "url_preview_enabled": False,
        "presence": {"enabled": False},
        # Without a rule Synapse silently keeps `visibility: public` rooms out of the directory.
        "room_list_publication_rules": [{"action": "allow"}],
    }
    for key in RATE_LIMIT_KEYS:
        node, *rest = key.split(".")
        value = STRICT_LOGIN if strict_login and node == "rc_login" else UNLIMITED
        if rest:
            config.setdefault(node, {})[rest[0]] = value
        else:
            config[node] = value
    if extra:
        with open(extra) as f:
            merge(config, json.load(f))
    with open(os.path.join(d, "log.config"), "w") as f:
        json.dump(log_config, f, indent=1)
    with open(config_path, "w") as f:
        json.dump(config, f, indent=1)
    return config_path, secret


def ensure_user(base_url, secret, name, password, admin, old):
    """Reuse a still-valid stored token, else register (shared secret), else log in."""
    user_id = f"@{name}:{SERVER_NAME}"
    if old and old.get("access_token"):
        status, _ = http(base_url, "GET", "/_matrix/client/v3/account/whoami",
                         token=old["access_token"])
        if status == 200:
            return {"user_id": user_id, "password": password, "access_token": old["access_token"]}
    nonce = call(base_url, "GET", "/_synapse/admin/v1/register")["nonce"]
    msg = b"\0".join([nonce.encode(), name.encode(), password.encode(),
                      b"admin" if admin else b"notadmin"])
    mac = hmac.new(secret.encode(), msg, hashlib.sha1).hexdigest()
    status, data = http(base_url, "POST", "/_synapse/admin/v1/register",
                        {"nonce": nonce, "username": name, "password": password,
                         "admin": admin, "mac": mac})
    if status != 200 and data.get("errcode") == "M_USER_IN_USE":
        data = call(base_url, "POST", "/_matrix/client/v3/login",
                    {"type": "m.login.password", "password": password,
                     "identifier": {"type": "m.id.user", "user": name}})
    elif status != 200:
        raise SystemExit(f"registering {name} failed: {status} {data}")
    return {"user_id": data["user_id"], "password": password, "access_token": data["access_token"]}


def wait_ready(proc, base_url, d):
    """Poll /_matrix/client/versions until it answers; fail with the log tail otherwise."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"Synapse exited with {proc.returncode}:\n"
                             f"{tail(os.path.join(d, 'synapse.out'))}"
                             f"{tail(os.path.join(d, 'homeserver.log'))}")
        if time.monotonic() > deadline:
            raise SystemExit(f"Synapse not ready after {READY_TIMEOUT_S}s:\n"
                             f"{tail(os.path.join(d, 'homeserver.log'))}")
        try:
            if http(base_url, "GET", "/_matrix/client/versions")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)


def cmd_start(args):
    """Start (or reuse) the homeserver in args.dir and print synapse.json."""
    d = os.path.abspath(args.dir)
    os.makedirs(d, exist_ok=True)
    config_path = os.path.join(d, "homeserver.yaml")
    old = read_state(d) or {}
    if pid_is_our_synapse(old.get("pid"), config_path):
        print(json.dumps(old), flush=True)
        return
    port = free_port(args.port or old.get("port") or 0)
    if args.port and port != args.port:
        raise SystemExit(f"port {args.port} is in use")
    config_path, secret = write_config(d, port, args.strict_login_ratelimit, args.postgres,
                                       args.extra_config)
    base_url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    with open(os.path.join(d, "synapse.out"), "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", config_path],
                                cwd=d, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True)
    log(f"started Synapse pid {proc.pid} on {base_url}")
    try:
        wait_ready(proc, base_url, d)
        log(f"ready after {time.monotonic() - started:.1f}s")
        state = {
            "pid": proc.pid, "port": port, "base_url": base_url, "server_name": SERVER_NAME,
            "admin": ensure_user(base_url, secret, *ADMIN, True, old.get("admin")),
            "user": ensure_user(base_url, secret, *USER, False, old.get("user")),
        }
    except BaseException:
        if proc.poll() is None:  # never leave an unrecorded Synapse behind
            proc.kill()
            proc.wait()
        raise
    with open(os.path.join(d, STATE_FILE), "w") as f:
        json.dump(state, f, indent=1)
    print(json.dumps(state), flush=True)


def cmd_stop(args):
    """SIGTERM the recorded Synapse, SIGKILL after STOP_TIMEOUT_S. Idempotent."""
    d = os.path.abspath(args.dir)
    pid = (read_state(d) or {}).get("pid")
    config_path = os.path.join(d, "homeserver.yaml")
    if not pid_is_our_synapse(pid, config_path):
        log("not running")
        return
    for sig, timeout in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, None)):
        os.kill(pid, sig)
        deadline = time.monotonic() + (timeout or 3600)
        while pid_is_our_synapse(pid, config_path) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not pid_is_our_synapse(pid, config_path):
            break
        log(f"pid {pid} ignored SIGTERM for {timeout}s, sending SIGKILL")
    log(f"stopped pid {pid}")


def make_png(width, height, rgb):
    """A valid solid-colour RGB PNG, built with zlib and struct."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\0" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


def room_for_alias(base_url, token, local, name, topic):
    """Create a public room with #local:localhost, or reuse the one already there."""
    status, data = http(base_url, "POST", "/_matrix/client/v3/createRoom",
                        {"preset": "public_chat", "visibility": "public", "name": name,
                         "topic": topic, "room_alias_name": local}, token)
    if status == 200:
        return data["room_id"]
    if data.get("errcode") != "M_ROOM_IN_USE":
        raise SystemExit(f"createRoom {name} -> {status} {data}")
    alias = f"#{local}:{SERVER_NAME}"
    room_id = call(base_url, "GET", f"/_matrix/client/v3/directory/room/{enc(alias)}")["room_id"]
    call(base_url, "POST", f"/_matrix/client/v3/join/{enc(room_id)}", {}, token)
    return room_id


def send(base_url, token, room_id, content, txn):
    """Send one m.room.message and return its event id."""
    path = f"/_matrix/client/v3/rooms/{enc(room_id)}/send/m.room.message/{enc(txn)}"
    return call(base_url, "PUT", path, content, token)["event_id"]


def upload_image(base_url, token, index):
    """Upload a distinct PNG; return the m.image content that shows it."""
    width, height = 32 + 16 * index, 24 + 8 * index
    rgb = ((60 * index + 200) % 256, (90 * index + 40) % 256, (150 * index + 120) % 256)
    png, filename = make_png(width, height, rgb), f"demo-{index + 1}.png"
    mxc = call(base_url, "POST", f"/_matrix/media/v3/upload?filename={enc(filename)}",
               token=token, raw=png, content_type="image/png")["content_uri"]
    return {"msgtype": "m.image", "body": filename, "url": mxc,
            "info": {"mimetype": "image/png", "w": width, "h": height, "size": len(png)}}


def cmd_seed(args):
    """Fill the server with demo rooms, messages and images as alice."""
    state = read_state(os.path.abspath(args.dir))
    if not state:
        raise SystemExit(f"no {STATE_FILE} in {args.dir}: run start first")
    base_url, token = state["base_url"], state["user"]["access_token"]
    run = secrets.token_hex(4)  # unique transaction ids, so a re-seed sends new events
    started = time.monotonic()
    room_id = room_for_alias(base_url, token, "town-square", "Town square", "Demo chatter")
    n, k = args.messages, args.images
    # Image i goes right after text message after[i] (0 = first): spread through the history.
    after = [round((i + 1) * n / (k + 1)) for i in range(k)]
    text_ids, media = [], []
    for m in range(n + 1):
        if m:
            text_ids.append(send(base_url, token, room_id,
                                 {"msgtype": "m.text", "body": f"Message {m} of {n}"},
                                 f"{run}-{m}"))
        for i in (i for i in range(k) if after[i] == m):
            content = upload_image(base_url, token, i)
            media.append(content["url"])
            send(base_url, token, room_id, content, f"{run}-img-{i}")
        if m and m % 100 == 0:
            log(f"{m}/{n} messages")
    other_id = room_for_alias(base_url, token, "ops", "Ops", "Operations")
    for m, body in enumerate(["Deploy at 10:00", "Backups OK", "Disk at 71%", "All green"]):
        send(base_url, token, other_id, {"msgtype": "m.text", "body": body}, f"{run}-ops-{m}")
    log(f"seeded in {time.monotonic() - started:.1f}s")
    event_ids = [text_ids[0], text_ids[(len(text_ids) - 1) // 2], text_ids[-1]] if text_ids else []
    print(json.dumps({"room_id": room_id, "room_alias": f"#town-square:{SERVER_NAME}",
                      "other_room_id": other_id, "event_ids": event_ids, "media": media}),
          flush=True)


def main():
    """Parse the command line and dispatch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {"start": (cmd_start, "start Synapse (idempotent), print its JSON"),
                "stop": (cmd_stop, "stop the Synapse recorded in DIR/synapse.json"),
                "seed": (cmd_seed, "create demo rooms, messages and images, print JSON")}
    cmd = {}
    for name, (func, text) in commands.items():
        cmd[name] = sub.add_parser(name, help=text)
        cmd[name].add_argument("--dir", required=True, help="state directory")
        cmd[name].set_defaults(func=func)
    cmd["start"].add_argument("--port", type=int, default=0, help="default: previous or free")
    cmd["start"].add_argument("--strict-login-ratelimit", action="store_true",
                              help="keep rc_login low (one sign-in, then one per 5 s) to test 429 handling")
    cmd["start"].add_argument("--postgres", metavar="HOST:PORT/DB",
                              help="a PostgreSQL database instead of SQLite")
    cmd["start"].add_argument("--extra-config", metavar="FILE.json",
                              help="JSON merged into homeserver.yaml (mappings key by key): "
                                   "SSO providers, MAS, workers")
    cmd["seed"].add_argument("--messages", type=int, default=300)
    cmd["seed"].add_argument("--images", type=int, default=4)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
