#!/usr/bin/env python3
"""Throwaway Synapse homeserver for tests and the demo (loopback only, offline).

    python scripts/synapse.py start --dir DIR [--topology sqlite|postgres|workers]
                                    [--synapse-version X.Y.Z|VENV] [--port PORT]
                                    [--strict-login-ratelimit] [--postgres HOST:PORT/DB]
                                    [--extra-config FILE.json]
                                    [--misroute REGEX]... [--block PREFIX]... [--no-quarantine-writer]
    python scripts/synapse.py stop  --dir DIR
    python scripts/synapse.py seed  --dir DIR [--messages N] [--images N]

Topologies (scripts/topology/):
  sqlite    one Synapse process on SQLite (the default).
  postgres  one Synapse process on a private PostgreSQL cluster in DIR/postgres.
  workers   PostgreSQL + Redis + Synapse main + a media repository worker, with nginx in
            front routing the worker's paths to it; base_url is nginx's.
Every process binds 127.0.0.1, logs into DIR and is recorded in DIR/synapse.json by PID;
`stop` stops them in reverse order (harmless when they are gone already).

Run it with the Python of a venv that has `matrix-synapse` installed; `--synapse-version`
runs another release from its own venv (~/.cache/synapse-console/venv-X.Y.Z, or under
$SYNAPSE_CONSOLE_CACHE; scripts/compat.sh installs them).
Only the standard library is used here. `start` and `seed` print one JSON line on stdout;
progress goes to stderr. The config files are written as JSON (valid YAML) and regenerated
on every start, keeping the shared secret and the signing key, so data and users survive a
stop/start cycle; a restart also keeps the ports, the topology and the release (and with
--synapse-version a newer release upgrades the data in place).
Without a saved state, $SYNAPSE_CONSOLE_TOPOLOGY and $SYNAPSE_CONSOLE_SYNAPSE_VERSION give
the defaults of --topology and --synapse-version, so a whole test run can use another.
"""

import argparse
import hashlib
import hmac
import json
import os
import secrets
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

# scripts/, for `topology`, also when this file is loaded by path (runpy, importlib); no
# __pycache__ left in the work tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from topology import homeserver, nginx, pg, procs, redis  # noqa: E402
from topology.homeserver import MEDIA_WORKER, SERVER_NAME  # noqa: E402
from topology.procs import free_port, log, tail  # noqa: E402,F401 (used by importers)

ADMIN = ("admin", "admin-pass-123")
USER = ("alice", "alice-pass-123")
STATE_FILE = "synapse.json"
READY_TIMEOUT_S = 90
TOPOLOGIES = ("sqlite", "postgres", "workers")
# Ports each topology needs; the first is the one base_url uses.
PORTS = {
    "sqlite": ("synapse",),
    "postgres": ("synapse", "postgres"),
    "workers": ("nginx", "synapse", "replication", "media", "media_replication", "redis",
                "postgres"),
}


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


def read_state(d):
    """The saved synapse.json of DIR, or None."""
    try:
        with open(os.path.join(d, STATE_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save_state(d, state):
    """Write synapse.json atomically: a stop may read it while a start is writing."""
    path = os.path.join(d, STATE_FILE)
    with open(path + ".tmp", "w") as f:
        json.dump(state, f, indent=1)
    os.replace(path + ".tmp", path)


def write_json(path, value):
    """A config file as JSON (which YAML readers accept)."""
    with open(path, "w") as f:
        json.dump(value, f, indent=1)


def legacy_record(state, d):
    """The one process a synapse.json written before topologies recorded (pid only), as a
    record; its start time is taken now if it is still our Synapse, so stop() can act."""
    pid = state.get("pid")
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except (OSError, TypeError):
        return None
    if b"synapse.app.homeserver" not in argv or \
            os.path.join(d, "homeserver.yaml").encode() not in argv:
        return None
    return {"name": "synapse", "pid": pid, "start_time": procs.start_time(pid),
            "stop_signal": "SIGTERM"}


def recorded(state, d):
    """The processes a state records, in start order."""
    if "processes" in state:
        return state["processes"]
    record = legacy_record(state, d) if state else None
    return [record] if record else []


def stop_all(records):
    """Stop records in reverse start order; True if any was running."""
    return any([procs.stop(r) for r in reversed(records)])


def merge(base, extra):
    """Deep-merge extra into base: mappings merge key by key, anything else replaces."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def resolve_options(args, old):
    """Topology, Synapse and database for this start: the flags, else what DIR ran before
    (a restart must find its data where it left it), else the environment's defaults."""
    before = old.get("options", {})
    # A state saved before topologies existed is a single process, SQLite or --postgres.
    saved = old.get("topology") or (("postgres" if args.postgres else "sqlite") if old else None)
    topology = (args.topology or saved or ("postgres" if args.postgres else None)
                or os.environ.get("SYNAPSE_CONSOLE_TOPOLOGY") or "sqlite")
    if topology not in TOPOLOGIES:
        raise SystemExit(f"unknown topology {topology!r}: one of {', '.join(TOPOLOGIES)}")
    if (saved or topology) != topology:
        raise SystemExit(f"{args.dir} holds a {saved} homeserver: use another --dir "
                         f"for {topology}")
    if topology == "sqlite" and args.postgres:
        raise SystemExit("--postgres needs --topology postgres or workers")
    if topology != "workers" and (args.misroute or args.no_quarantine_writer or args.block):
        raise SystemExit("--misroute, --block and --no-quarantine-writer need --topology workers")
    spec = (args.synapse_version or before.get("synapse")
            or (None if old else os.environ.get("SYNAPSE_CONSOLE_SYNAPSE_VERSION")))
    python = homeserver.python_for(spec)
    return {"topology": topology, "synapse": spec, "python": python,
            "version": homeserver.installed_version(python),
            "postgres": args.postgres or before.get("postgres")}


def plan_ports(opts, old, wanted):
    """The ports of this start: the previous ones where still free (clients keep their
    URLs across a restart), `--port` for base_url's."""
    names = [n for n in PORTS[opts["topology"]] if not (n == "postgres" and opts["postgres"])]
    previous = dict(old.get("ports") or {names[0]: old.get("port", 0)})
    if wanted:
        previous[names[0]] = wanted
    ports = procs.free_ports(names, previous)
    if wanted and ports[names[0]] != wanted:
        raise SystemExit(f"port {wanted} is in use")
    return ports


def database_for(d, opts, ports):
    """Synapse's database section and a description for the tests (to read rows)."""
    if opts["topology"] == "sqlite":
        path = os.path.join(d, "homeserver.db")
        return ({"name": "sqlite3", "args": {"database": path}},
                {"engine": "sqlite", "path": path})
    if opts["postgres"]:  # an existing server: "HOST:PORT/DB", user postgres, trust auth
        address, database = opts["postgres"].split("/", 1)
        host, port = address.rsplit(":", 1)
    else:
        host, port, database = "127.0.0.1", ports["postgres"], pg.DATABASE
    config = pg.database_config(port, host, database)
    return config, {"engine": "postgres", **{k: config["args"][k]
                                             for k in ("host", "port", "user", "database")}}


def write_configs(d, opts, ports, database, args):
    """homeserver.yaml (+ the worker's file), keeping an existing secret and signing key.
    Returns (config paths, shared secret)."""
    config_path = os.path.join(d, "homeserver.yaml")
    secret = secrets.token_hex(32)
    if os.path.exists(config_path):
        with open(config_path) as f:
            secret = json.load(f)["registration_shared_secret"]
    if not os.path.exists(os.path.join(d, "signing.key")):
        subprocess.run([opts["python"], "-m", "synapse._scripts.generate_signing_key",
                        "-o", os.path.join(d, "signing.key")], check=True)
    base_port = ports[PORTS[opts["topology"]][0]]
    config = homeserver.base_config(d, f"http://127.0.0.1:{base_port}", ports["synapse"],
                                    database, secret, args.strict_login_ratelimit)
    paths = [config_path]
    if opts["topology"] == "workers":
        config.update(homeserver.workers_overlay(ports, opts["version"],
                                                 not args.no_quarantine_writer))
        worker_path = os.path.join(d, f"{MEDIA_WORKER}.yaml")
        write_json(worker_path, homeserver.media_worker_config(d, ports))
        write_json(os.path.join(d, f"{MEDIA_WORKER}.log.config"),
                   homeserver.log_config(d, MEDIA_WORKER))
        paths.append(worker_path)
    if args.extra_config:
        with open(args.extra_config) as f:
            merge(config, json.load(f))
    write_json(os.path.join(d, "log.config"), homeserver.log_config(d, "homeserver"))
    write_json(config_path, config)
    return paths, secret


def answers(url, path, want=None):
    """True once url answers path over HTTP (with status want, if given)."""
    status = http(url, "GET", path)[0]
    return status == want if want else status not in (502, 503, 504)


def start_synapse(d, python, name, module, config_paths, url, probe):
    """Start one Synapse process and wait until url answers; returns its record.
    probe: (path, status) that tells it is ready."""
    argv = [python, "-m", module]
    for path in config_paths:
        argv += ["-c", path]
    log_name = "homeserver" if name == "synapse" else name
    out = os.path.join(d, f"{name}.out")
    proc, record = procs.spawn(name, argv, out, cwd=d)
    try:
        procs.wait_until(name, lambda: answers(url, *probe), proc,
                         [out, os.path.join(d, f"{log_name}.log")], READY_TIMEOUT_S)
    except BaseException:
        procs.stop(record)
        raise
    return record


def start_processes(d, opts, ports, args, state, started):
    """Start what the topology needs, in order, calling started(record) after each."""
    database, state["database"] = database_for(d, opts, ports)
    if opts["topology"] != "sqlite" and not opts["postgres"]:
        started(pg.start(d, ports["postgres"]))
    if opts["topology"] == "workers":
        started(redis.start(d, ports["redis"]))
    config_paths, secret = write_configs(d, opts, ports, database, args)
    main_url = f"http://127.0.0.1:{ports['synapse']}"
    started(start_synapse(d, opts["python"], "synapse", "synapse.app.homeserver",
                          config_paths[:1], main_url, ("/_matrix/client/versions", 200)))
    if opts["topology"] == "workers":
        worker_url = f"http://127.0.0.1:{ports['media']}"
        # The worker serves no /versions: any answer from a media path means it listens.
        started(start_synapse(d, opts["python"], MEDIA_WORKER, "synapse.app.media_repository",
                              config_paths, worker_url, ("/_matrix/media/v3/config", None)))
        record, state["nginx_config"] = nginx.start(d, ports["nginx"], ports["synapse"],
                                                    ports["media"], args.misroute or (),
                                                    args.block or ())
        started(record)
        base_url = f"http://127.0.0.1:{ports['nginx']}"
        procs.wait_until("Synapse through nginx",
                         lambda: answers(base_url, "/_matrix/client/versions", 200),
                         None, [os.path.join(d, "nginx", "error.log")], READY_TIMEOUT_S)
        state.update(main_url=main_url, worker_url=worker_url, worker_name=MEDIA_WORKER,
                     misroute=args.misroute or [],
                     quarantine_writer=homeserver.quarantine_writer(
                         opts["version"], not args.no_quarantine_writer))
    return secret


def wait_ready(proc, base_url, d):
    """Poll /_matrix/client/versions until it answers 200; fail with the logs' tails if proc
    exits or READY_TIMEOUT_S passes. (scripts/seed_big.py uses it for its own Synapse.)"""
    procs.wait_until("Synapse", lambda: answers(base_url, "/_matrix/client/versions", 200),
                     proc, [os.path.join(d, "synapse.out"), os.path.join(d, "homeserver.log")],
                     READY_TIMEOUT_S)


# What `start` assumes for flags a caller's own Namespace lacks (a script that calls
# cmd_start directly, written before the flag existed).
START_DEFAULTS = {"topology": None, "synapse_version": None, "port": 0,
                  "strict_login_ratelimit": False, "postgres": None, "extra_config": None,
                  "misroute": None, "block": None, "no_quarantine_writer": False}


def cmd_start(args):
    """Start (or reuse) the homeserver in args.dir and print synapse.json."""
    args = argparse.Namespace(**{**START_DEFAULTS, **vars(args)})
    d = os.path.abspath(args.dir)
    os.makedirs(d, exist_ok=True)
    old = read_state(d) or {}
    opts = resolve_options(args, old)
    records = recorded(old, d)
    if records and all(procs.alive(r) for r in records) and (
            old.get("admin") or delegates_auth(args.extra_config)):
        print(json.dumps(old), flush=True)
        return
    stop_all(records)  # what is left of a crashed or half-finished start
    ports = plan_ports(opts, old, args.port)
    base = ports[PORTS[opts["topology"]][0]]
    state = {"pid": None, "port": base, "base_url": f"http://127.0.0.1:{base}",
             "server_name": SERVER_NAME, "admin": old.get("admin"), "user": old.get("user"),
             "topology": opts["topology"], "version": opts["version"],
             "python": opts["python"], "ports": ports, "processes": [],
             "options": {"synapse": opts["synapse"], "postgres": opts["postgres"]}}

    def started(record):
        # Saved at once, so that a stop finds every process even if this start dies.
        state["processes"].append(record)
        save_state(d, state)

    began = time.monotonic()
    try:
        secret = start_processes(d, opts, ports, args, state, started)
        state["pid"] = next(r["pid"] for r in state["processes"] if r["name"] == "synapse")
        log(f"{opts['topology']} Synapse {opts['version']} ready on {state['base_url']} "
            f"after {time.monotonic() - began:.1f}s")
        if delegates_auth(args.extra_config):
            # Users live in the authorization server (MAS): Synapse has no registration
            # or login endpoints to make them with.
            state["admin"] = state["user"] = None
        else:
            state["admin"] = ensure_user(state["base_url"], secret, *ADMIN, True,
                                         old.get("admin"))
            state["user"] = ensure_user(state["base_url"], secret, *USER, False,
                                        old.get("user"))
    except BaseException:
        stop_all(state["processes"])  # a failed start leaves nothing running
        raise
    save_state(d, state)
    print(json.dumps(state), flush=True)


def delegates_auth(extra_config):
    """Whether the extra config hands authentication to MAS
    (`matrix_authentication_service: {enabled: true}`)."""
    if not extra_config:
        return False
    with open(extra_config) as f:
        return bool(json.load(f).get("matrix_authentication_service", {}).get("enabled"))


def cmd_stop(args):
    """Stop every process the start recorded, in reverse order. Idempotent."""
    d = os.path.abspath(args.dir)
    began = time.monotonic()
    if stop_all(recorded(read_state(d) or {}, d)):
        log(f"stopped in {time.monotonic() - began:.1f}s")
    else:
        log("not running")


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
                "stop": (cmd_stop, "stop everything the start in DIR started"),
                "seed": (cmd_seed, "create demo rooms, messages and images, print JSON")}
    cmd = {}
    for name, (func, text) in commands.items():
        cmd[name] = sub.add_parser(name, help=text)
        cmd[name].add_argument("--dir", required=True, help="state directory")
        cmd[name].set_defaults(func=func)
    start = cmd["start"]
    start.add_argument("--topology", choices=TOPOLOGIES,
                       help="default: what DIR ran before, else $SYNAPSE_CONSOLE_TOPOLOGY, "
                            "else sqlite")
    start.add_argument("--synapse-version", metavar="X.Y.Z|VENV",
                       help="run this release from $CACHE/venv-X.Y.Z (scripts/compat.sh "
                            "installs it), or the Synapse of a venv; default: this Python's")
    start.add_argument("--port", type=int, default=0,
                       help="base_url's port (nginx's for workers); default: previous or free")
    start.add_argument("--strict-login-ratelimit", action="store_true",
                       help="keep rc_login low (one sign-in, then one per 5 s) to test 429 handling")
    start.add_argument("--postgres", metavar="HOST:PORT/DB",
                       help="an existing PostgreSQL database instead of a private cluster")
    start.add_argument("--extra-config", metavar="FILE.json",
                       help="JSON merged into homeserver.yaml (mappings key by key): "
                            "SSO providers, MAS, workers")
    start.add_argument("--misroute", metavar="REGEX", action="append",
                       help="workers: nginx sends paths matching REGEX to main instead of the "
                            "media worker (main answers 404 M_UNRECOGNIZED); repeatable")
    start.add_argument("--block", metavar="PREFIX", action="append",
                       help="workers: nginx answers browsers' requests (with an Origin) under "
                            "PREFIX with its own 403 (no CORS headers), as a proxy that lets the "
                            "admin API through only from admins' machines does; repeatable")
    start.add_argument("--no-quarantine-writer", action="store_true",
                       help="workers: leave the media worker out of the quarantined_media_changes "
                            "stream writers (from 1.152 its quarantine then answers 500)")
    cmd["seed"].add_argument("--messages", type=int, default=300)
    cmd["seed"].add_argument("--images", type=int, default=4)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
