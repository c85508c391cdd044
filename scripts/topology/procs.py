"""Background processes recorded by PID, and the loopback ports they listen on.

A record is a small JSON-able dict: {"name", "pid", "start_time", "stop_signal"}. The
start time (from /proc) tells our process from a later one that got the same PID, so a
stop after a crash, or a second stop, never signals a stranger.
"""

import os
import signal
import socket
import subprocess
import sys
import time

STOP_TIMEOUT_S = 10


def log(msg):
    """Progress on stderr (stdout carries only the JSON result)."""
    print(f"[synapse.py] {msg}", file=sys.stderr, flush=True)


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def start_time(pid):
    """Clock ticks since boot at which pid started (field 22 of /proc/PID/stat)."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def alive(record):
    """True if the recorded process still runs (not a zombie) and is the one we started."""
    pid = record and record.get("pid")
    fields = _stat_fields(pid) if pid else None
    return bool(fields) and fields[0] != "Z" and int(fields[19]) == record.get("start_time")


def spawn(name, argv, log_path, cwd, user=None, env=None, stop_signal="SIGTERM"):
    """Start argv in its own session, output appended to log_path; return (Popen, record).

    user: run as that account (its primary group, no others): PostgreSQL refuses root, and
    Popen's setuid happens in the child, so the PID is the server's own, not a wrapper's.
    """
    kw = {}
    if user:
        kw = {"user": user, "group": user, "extra_groups": []}
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=out, start_new_session=True, env=env, **kw)
    record = {"name": name, "pid": proc.pid, "start_time": start_time(proc.pid),
              "stop_signal": stop_signal, "log": log_path}
    log(f"started {name} pid {proc.pid}")
    return proc, record


def stop(record, timeout=STOP_TIMEOUT_S):
    """Signal the process (its stop signal, then SIGKILL after timeout) and wait for it to go.
    Harmless when it is already gone."""
    if not alive(record):
        return False
    pid = record["pid"]
    for sig, wait_s in ((getattr(signal, record.get("stop_signal", "SIGTERM")), timeout),
                        (signal.SIGKILL, 30)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait_s
        while alive(record) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.05)
        if not alive(record):
            break
        log(f"{record['name']} (pid {pid}) ignored {sig.name} for {wait_s}s")
    _reap(pid)
    log(f"stopped {record['name']} pid {pid}")
    return True


def _reap(pid):
    """Collect our own exited child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: init reaps it


def free_port(preferred=0):
    """preferred if 127.0.0.1:preferred can be bound now, else a kernel-chosen free port."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Twisted and nginx do
            try:
                s.bind(("127.0.0.1", port))
                return s.getsockname()[1]
            except OSError:
                continue
    raise SystemExit("no free port")


def free_ports(names, old):
    """A free port for each name, the one in old[name] when it is still free (a restart keeps
    its URLs), and no two alike."""
    ports = {}
    for name in names:
        port = free_port(old.get(name, 0))
        while port in ports.values():
            port = free_port()
        ports[name] = port
    return ports


def tail(path, lines=30):
    """Last lines of a text file, for error messages."""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def wait_until(what, check, proc, log_paths, timeout):
    """Poll check() until it returns true; fail with the logs' tails if proc exits or time
    runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            logs = "".join(tail(p) for p in log_paths)
            raise SystemExit(f"{what} exited with {proc.returncode}:\n{logs}")
        if time.monotonic() > deadline:
            logs = "".join(tail(p) for p in log_paths)
            raise SystemExit(f"{what} not ready after {timeout}s:\n{logs}")
        time.sleep(0.1)


def check_searchable(path, account):
    """Fail with a clear message unless every directory above path lets others through:
    servers that drop root (PostgreSQL, nginx's workers) must reach their files in it."""
    d = path
    while d != "/":
        d = os.path.dirname(d)
        if not os.stat(d).st_mode & 0o001:
            raise SystemExit(f"{d} is not searchable by other users, so the {account} account "
                             f"cannot reach {path}: use a run directory under world-searchable "
                             f"ones (chmod o+x)")
