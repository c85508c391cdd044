"""A private PostgreSQL cluster under the run's directory (Debian's `postgresql` package).

initdb and the server run as the `postgres` account (PostgreSQL refuses root); the server
listens on 127.0.0.1 only, with its socket in the cluster's directory, so it never meets
the system's cluster or /var/run/postgresql. Trust authentication: loopback, throwaway.
"""

import glob
import os
import pwd
import subprocess

from . import procs

ACCOUNT = "postgres"
DATABASE = "synapse"
READY_TIMEOUT_S = 60


def bindir():
    """The newest installed server's bin directory (Debian keeps them per major version)."""
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                  key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not dirs:
        raise SystemExit("PostgreSQL is not installed: run scripts/setup-servers.sh")
    return os.path.dirname(dirs[-1])


def _init(home):
    """initdb once: UTF8, C collation (as Synapse asks), no fsync (a throwaway)."""
    data = os.path.join(home, "data")
    if os.path.exists(os.path.join(data, "PG_VERSION")):
        return data
    account = pwd.getpwnam(ACCOUNT)
    os.makedirs(home, exist_ok=True)
    os.chown(home, account.pw_uid, account.pw_gid)
    os.chmod(home, 0o700)
    subprocess.run(["runuser", "-u", ACCOUNT, "--", os.path.join(bindir(), "initdb"),
                    "-D", data, "--username", ACCOUNT, "--auth", "trust",
                    "--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions"],
                   check=True, cwd=home, stdout=subprocess.DEVNULL)
    return data


def _psql(port, sql):
    """Run one statement as the superuser; return its unaligned output."""
    return subprocess.run([os.path.join(bindir(), "psql"), "-h", "127.0.0.1", "-p", str(port),
                           "-U", ACCOUNT, "-d", "postgres", "-AtqX", "-v", "ON_ERROR_STOP=1",
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def start(d, port):
    """Start (initdb first if new) the cluster in d/postgres on 127.0.0.1:port and create the
    Synapse database if missing. Returns the process record."""
    home = os.path.join(d, "postgres")
    procs.check_searchable(home, ACCOUNT)
    data = _init(home)
    log_path = os.path.join(d, "postgres.log")
    proc, record = procs.spawn(
        "postgres",
        [os.path.join(bindir(), "postgres"), "-D", data, "-p", str(port),
         "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={home}",
         # Durability is worthless for a test server and costs seconds on 2 cores.
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        log_path, cwd=home, user=ACCOUNT,
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every
        # client, such as a test's open connection, to leave first.
        stop_signal="SIGINT")
    try:
        isready = [os.path.join(bindir(), "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
        procs.wait_until("PostgreSQL", lambda: subprocess.run(isready).returncode == 0,
                         proc, [log_path], READY_TIMEOUT_S)
        if not _psql(port, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
            # What Synapse's docs/postgres.md asks for: its sorting relies on C collation.
            _psql(port, f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' LC_COLLATE='C' "
                        f"LC_CTYPE='C' TEMPLATE template0")
    except BaseException:
        procs.stop(record)
        raise
    return record


def database_config(port, host="127.0.0.1", database=DATABASE):
    """Synapse's `database` section for a database on this kind of server."""
    return {"name": "psycopg2", "args": {"user": ACCOUNT, "host": host, "port": int(port),
                                          "database": database, "cp_min": 1, "cp_max": 5}}
