"""Redis (Debian's `redis-server`) for Synapse's worker replication: loopback, no persistence."""

import os
import shutil
import socket

from . import procs

READY_TIMEOUT_S = 30


def _pong(port):
    """True if the server on port answers PING."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")


def start(d, port):
    """Start redis-server on 127.0.0.1:port, working in d/redis; return its record."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        raise SystemExit("redis-server is not installed: run scripts/setup-servers.sh")
    home = os.path.join(d, "redis")
    os.makedirs(home, exist_ok=True)
    log_path = os.path.join(d, "redis.log")
    # No config file: the options below are all of it. `--save ""` and no AOF: nothing on disk.
    proc, record = procs.spawn(
        "redis", [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                  "--appendonly", "no", "--dir", home, "--daemonize", "no",
                  "--protected-mode", "yes", "--logfile", ""],
        log_path, cwd=home)
    try:
        procs.wait_until("Redis", lambda: _pong(port), proc, [log_path], READY_TIMEOUT_S)
    except BaseException:
        procs.stop(record)
        raise
    return record
