#!/usr/bin/env python3
"""Big-server fixture: fill a throwaway Synapse (scripts/synapse.py layout) at realistic size.

    python scripts/seed_big.py seed  --dir DIR [--postgres HOST:PORT/DB | --topology postgres]
                                     [--users N] [--media M] [--big-room-events E]
                                     [--media-room-messages K] [--rooms R] [--big-user-media B]
                                     [--seed S] [--now MS] [--files] [--no-start]
    python scripts/seed_big.py truth (--dir DIR | --postgres HOST:PORT/DB) --before-ts MS
                                     [--size-gt BYTES] [--keep-profiles true|false] [--media-ids]

Run it with the venv's Python (the one with `matrix-synapse`; psycopg2 for PostgreSQL), like
synapse.py. `seed` wants a fresh DIR (and, with --postgres, an empty database): it
  1. starts Synapse once through synapse.py (schema, @admin, @alice) with background updates
     unthrottled, waits until they are all done (a real server has finished them; left pending
     they would rewrite our rows at the next start), and stops it;
  2. inserts users, profiles, the user directory and the local media rows in SQL;
  3. starts Synapse itself with its clock moved back by --span-days and creates the rooms
     through the client/admin API (room creation, joins and avatars are state events, state
     groups and auth chains: only Synapse makes those right), then stops it;
  4. appends the rooms' message history in SQL (linear DAG, hashed and signed like Synapse
     does, stream orderings, extremities, state groups, search index, sequences);
  5. starts Synapse again through synapse.py (unless --no-start).
The clock shift in step 3 makes the rooms older than their history: Synapse's purge by date
binary-searches events by received_ts in stream order, so received_ts must grow with the stream.

What it makes: @big.uploader (min(50000, M/4) files) and @user00001..; upload counts per user
heavy-tailed (30 % none, a third 1-20, a few thousands); sizes log-normal per type (KiB
images, MiB videos, a few files of 200 MiB-2 GiB, some empty), uploads growing over the
years, 25 % never downloaded, 15 % without a name, 2 % re-uploads of the same bytes (sha256),
0.4 % quarantined (also in the quarantined_media_changes stream), 0.8 % protected; profile
avatars (some users changed theirs after joining: the old one is then only in
room_memberships), deactivated, locked, shadow-banned, bot and admin users; rooms
#big-history (E messages, 2 % of them media), #media-room (K media messages) and small ones,
with room avatars (the big room's was replaced once). Passwords: "seed-pass-123".

Everything is derived from --seed (and --now, default: the current time): the same arguments
give the same users, media ids, sizes, dates and messages, on SQLite and PostgreSQL alike.
Room and event ids come from Synapse (room creation) and so differ between runs.

`seed` prints one JSON line on stdout (ids and counts the tests need); progress and timings go
to stderr. `truth` prints {count, bytes, kept: {...}[, media_ids]} for
POST /_synapse/admin/v1/media/delete, computed in SQL with Synapse 1.163's own rule
(get_local_media_ids in synapse/storage/databases/main/media_repository.py).
scripts/seed_big_check.py checks a seeded server through the admin API.
Only the standard library is needed, plus psycopg2 for PostgreSQL (and PyNaCl, from the Synapse
venv, to sign the events; without it events are stored unsigned, which only federation notices).
"""

import argparse
import base64
import concurrent.futures
import contextlib
import gc
import hashlib
import importlib.util
import io
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYNAPSE_PY = os.path.join(HERE, "synapse.py")
DAY_MS = 86_400_000
KIB, MIB = 1024, 1024 ** 2
# PostgreSQL's local_media_repository.media_length is `integer`: nothing can be 2 GiB or more.
MAX_MEDIA_LENGTH = 2 ** 31 - 1
# bcrypt (12 rounds, as Synapse's default) of "seed-pass-123": every seeded active user can sign in.
PASSWORD = "seed-pass-123"
PASSWORD_HASH = "$2b$12$toazqc3EJKs84uu1tEy37uVjQeiWV7hvvxQRJ9PE1kEM01BGIRQ5W"
BIG_USER = "big.uploader"
CHUNK = 50_000

# (media_type, weight, median bytes, sigma of log size, min, max, extension)
KINDS = [
    ("image/jpeg", 38, 180 * KIB, 0.9, 2 * KIB, 25 * MIB, "jpg"),
    ("image/png", 22, 90 * KIB, 1.2, 1 * KIB, 30 * MIB, "png"),
    ("image/gif", 5, 600 * KIB, 1.0, 2 * KIB, 40 * MIB, "gif"),
    ("image/webp", 3, 60 * KIB, 0.8, 1 * KIB, 10 * MIB, "webp"),
    ("video/mp4", 7, 6 * MIB, 1.1, 100 * KIB, 900 * MIB, "mp4"),
    ("video/webm", 1, 4 * MIB, 1.0, 100 * KIB, 500 * MIB, "webm"),
    ("video/quicktime", 1, 15 * MIB, 1.0, 200 * KIB, 900 * MIB, "mov"),
    ("audio/ogg", 6, 40 * KIB, 0.9, 2 * KIB, 20 * MIB, "ogg"),
    ("audio/mpeg", 2, 4 * MIB, 0.7, 50 * KIB, 100 * MIB, "mp3"),
    ("application/pdf", 5, 400 * KIB, 1.2, 5 * KIB, 200 * MIB, "pdf"),
    ("text/plain", 4, 3 * KIB, 1.5, 0, 20 * MIB, "txt"),
    ("application/zip", 2, 3 * MIB, 1.5, 1 * KIB, 1500 * MIB, "zip"),
    ("application/octet-stream", 2, 1 * MIB, 2.0, 0, 1500 * MIB, "bin"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     1, 200 * KIB, 1.0, 10 * KIB, 50 * MIB, "docx"),
    ("image/svg+xml", 1, 8 * KIB, 1.0, 300, 2 * MIB, "svg"),
]
HUGE_TYPES = ("video/mp4", "application/zip", "application/x-tar")
EXT = {k[0]: k[6] for k in KINDS}
EXT["application/x-tar"] = "tar"
FIRST = ("Ada Alan Alice Amir Ana Anton Aria Ben Bruno Carla Chen Chloe Dana David Diego Elena "
         "Emil Emma Eva Farah Felix Gita Hana Hugo Ines Ivan Jana Jonas Julia Kai Karin Lars Lea "
         "Leo Lina Luca Maya Mei Mila Nico Nina Noah Olga Omar Paul Priya Raj Rosa Sam Sara Sofia "
         "Tariq Tom Uma Vera Wei Yara Yusuf Zoe").split()
LAST = ("Abbott Bauer Becker Costa Dubois Eriksen Fischer Garcia Hansen Ito Jensen Kowalski Kim "
        "Lopez Martin Meyer Moreau Nakamura Novak Olsen Patel Petrov Quinn Rossi Santos Schmidt "
        "Silva Singh Smith Tanaka Torres Vogel Wagner Weber Wong Yilmaz Young Zhang").split()
UNICODE_NAMES = ["Zoë Ñúñez", "李雷", "Åsa Öberg", "Đặng Thu", "Ελένη Παππά", "Юлия Смирнова",
                 "محمد علي", "Søren Ærø", "😺 Cat Person", "José María"]
WORDS = ("the a to and of in is it you that for on with this be are was have not at but we can "
         "so if just what about all do my will one up your like get out now when there time "
         "think know see good work meeting deploy server release backup disk media upload "
         "photo video call tomorrow today lunch coffee review merge branch build test fix bug "
         "issue ticket docs update room admin bridge bot sync federation key device login "
         "password link file share thanks please sorry okay yes no maybe great nice cool "
         "later soon week month year weekend holiday plan idea question answer help").split()
EMOJI = ["🎉", "👍", "😂", "🚀", "❤️", "🙈", "☕", "✅"]


def log(msg):
    """Progress on stderr (stdout carries only the JSON result)."""
    print(f"[seed_big] {msg}", file=sys.stderr, flush=True)


def load_runner():
    """scripts/synapse.py as a module, under another name than the `synapse` package."""
    spec = importlib.util.spec_from_file_location("synapse_runner", SYNAPSE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# Database access: SQLite or PostgreSQL behind one small interface.

class DB:
    """A connection plus the few operations the seeding needs, for both engines."""

    def __init__(self, dir_=None, postgres=None):
        if postgres:
            import psycopg2  # only needed for PostgreSQL
            address, database = postgres.split("/", 1)
            host, port = address.rsplit(":", 1)
            self.conn = psycopg2.connect(host=host, port=int(port), user="postgres",
                                         dbname=database)
            self.pg = True
        else:
            path = os.path.join(dir_, "homeserver.db")
            if not os.path.exists(path):
                raise SystemExit(f"no {path}")
            self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
            # Per connection only (not persisted): the fixture is throwaway, a crash means reseed.
            self.conn.execute("PRAGMA synchronous = OFF")
            self.conn.execute("PRAGMA cache_size = -262144")
            self.conn.execute("PRAGMA temp_store = MEMORY")
            self.pg = False
        self.cur = self.conn.cursor()

    @classmethod
    def for_dir(cls, dir_, postgres=None):
        """The database synapse.py configured in DIR (homeserver.yaml is JSON), or postgres."""
        if postgres:
            return cls(postgres=postgres)
        try:
            with open(os.path.join(dir_, "homeserver.yaml")) as f:
                database = json.load(f)["database"]
        except (OSError, ValueError, KeyError):
            database = {"name": "sqlite3"}
        if database.get("name") == "psycopg2":
            a = database["args"]
            return cls(postgres=f"{a['host']}:{a['port']}/{a['database']}")
        path = (database.get("args") or {}).get("database")
        return cls(dir_=os.path.dirname(path) if path else dir_)

    def sql(self, text):
        """Synapse-style `?` placeholders, turned into psycopg2's `%s` on PostgreSQL."""
        return text.replace("?", "%s") if self.pg else text

    def begin(self):
        if not self.pg:
            self.cur.execute("BEGIN")

    def commit(self):
        self.conn.commit() if self.pg else self.cur.execute("COMMIT")

    def execute(self, text, args=()):
        self.cur.execute(self.sql(text), args)
        return self.cur

    def one(self, text, args=()):
        return self.execute(text, args).fetchone()

    def all(self, text, args=()):
        return self.execute(text, args).fetchall()

    def insert(self, table, cols, rows, line=None):
        """Bulk insert: executemany on SQLite, COPY on PostgreSQL (`line` formats a row)."""
        if not rows:
            return
        if not self.pg:
            marks = ",".join("?" * len(cols))
            self.cur.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", rows)
            return
        if line is None:
            text = "".join(["\t".join(map(copy_value, row)) + "\n" for row in rows])
        else:
            text = "".join(map(line, rows))
        self.cur.copy_expert(f"COPY {table} ({','.join(cols)}) FROM STDIN", io.StringIO(text))

    @contextlib.contextmanager
    def bulk(self, table):
        """Drop the table's plain indexes for a bulk load and recreate them from their own
        definitions afterwards, in the same transaction (the schema ends up unchanged; a failure
        rolls everything back). Building an index once is much faster than maintaining it row
        by row on random keys. Indexes behind constraints stay (media rows arrive in media_id
        order, so that unique index only ever appends)."""
        if self.pg:
            # Not the indexes behind a constraint (unique, or referenced by a foreign key).
            indexes = self.all("SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c"
                               " ON c.relname = i.indexname AND c.relkind = 'i'"
                               " WHERE i.tablename = ? AND i.schemaname = current_schema()"
                               " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = c.oid)",
                               (table,))
        else:
            indexes = self.all("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                               " AND tbl_name = ? AND sql IS NOT NULL", (table,))
        for name, _ in indexes:
            self.cur.execute(f"DROP INDEX {name}")
        began = time.monotonic()
        yield
        t = time.monotonic()
        for _, definition in indexes:
            self.cur.execute(definition)  # verbatim: no placeholder rewriting
        log(f"{table}: loaded in {t - began:.1f}s, {len(indexes)} indexes rebuilt in"
            f" {time.monotonic() - t:.1f}s")

    def close(self):
        self.conn.close()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(v):
    """One value in PostgreSQL COPY text format."""
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, str):
        # Scanning first is much cheaper than translating every (mostly clean) string.
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            return v.translate(_COPY_ESCAPES)
        return v
    return str(v)


# --------------------------------------------------------------------------------------------
# Matrix event hashing and signing (room versions 11 and 12; checked against Synapse's own ids).

def b64(data, urlsafe=False):
    """Unpadded base64 (url-safe for event ids, as in room versions 4+)."""
    return (base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)).rstrip(b"=").decode()


def compact(value):
    """JSON without spaces (ids are ASCII: the same bytes canonical JSON would give)."""
    return json.dumps(value, separators=(",", ":"))


class Signer:
    """Builds m.room.message events as Synapse stores them: content hash, signature with the
    server's key (signing.key; skipped if PyNaCl is missing) and the reference-hash event id
    (room versions 11 and 12, where redaction keeps only the keys below and empties content)."""

    def __init__(self, key_path, server_name):
        self.server_name = server_name
        self.key = None
        try:
            import nacl.signing
            with open(key_path) as f:
                _alg, version, seed = f.read().split()[:3]
            self.key_id = f"ed25519:{version}"
            self.key = nacl.signing.SigningKey(base64.b64decode(seed + "=" * (-len(seed) % 4)))
        except (ImportError, OSError, ValueError) as err:
            log(f"events will not be signed ({err})")

    def build(self, room_id, sender, auth, prev, depth, ts, content):
        """(event id, event_json.json) of one message. The canonical forms are written out by
        hand, in sorted key order, because json.dumps of whole events is the slow part here."""
        c_canon = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        a, p = compact(auth), compact([prev])
        rest = (f',"origin_server_ts":{ts},"prev_events":{p},"room_id":{compact(room_id)},'
                f'"sender":{compact(sender)},"type":"m.room.message"}}')
        body = f'{{"auth_events":{a},"content":{c_canon},"depth":{depth}{rest}'
        sha = b64(hashlib.sha256(body.encode()).digest())
        # The redacted event: what both the signature and the reference hash cover.
        redacted = f'{{"auth_events":{a},"content":{{}},"depth":{depth},"hashes":{{"sha256":"{sha}"}}{rest}'.encode()
        sigs = "{}"
        if self.key is not None:
            sig = b64(self.key.sign(redacted).signature)
            sigs = f'{{{compact(self.server_name)}:{{"{self.key_id}":"{sig}"}}}}'
        event_id = "$" + b64(hashlib.sha256(redacted).digest(), urlsafe=True)
        # Synapse stores with ensure_ascii JSON; key order does not matter there.
        c_ascii = c_canon if c_canon.isascii() else json.dumps(content, separators=(",", ":"))
        stored = (f'{{"auth_events":{a},"prev_events":{p},"type":"m.room.message",'
                  f'"room_id":{compact(room_id)},"sender":{compact(sender)},"content":{c_ascii},'
                  f'"depth":{depth},"origin_server_ts":{ts},"hashes":{{"sha256":"{sha}"}},'
                  f'"signatures":{sigs},"unsigned":{{"age_ts":{ts}}}}}')
        return event_id, stored


def check_event_id(db, signer):
    """Rebuild one message Synapse wrote, so a format change fails loudly instead of leaving
    events whose ids Synapse would not accept (events_worker.py checks them on load)."""
    row = db.one("SELECT e.event_id, j.json FROM events e JOIN event_json j USING (event_id)"
                 " WHERE e.type = 'm.room.message' ORDER BY e.stream_ordering DESC LIMIT 1")
    ev = json.loads(row[1])
    event_id, stored = signer.build(ev["room_id"], ev["sender"], ev["auth_events"],
                                    ev["prev_events"][0], ev["depth"], ev["origin_server_ts"],
                                    ev["content"])
    mine = json.loads(stored)
    if event_id != row[0] or mine["hashes"] != ev["hashes"]:
        raise SystemExit(f"event hashing does not reproduce Synapse's id {row[0]}")
    if signer.key is not None and mine["signatures"] != ev["signatures"]:
        raise SystemExit("event signing does not reproduce Synapse's signature")
    mine.pop("unsigned"), ev.pop("unsigned", None)
    if mine != ev:
        raise SystemExit(f"stored event differs from Synapse's: {mine} != {ev}")


# --------------------------------------------------------------------------------------------
# The plan: who the users are and how much each uploads (all from the seeded RNG).

class User:
    __slots__ = ("local", "uid", "creation_s", "displayname", "admin", "deactivated", "locked",
                 "shadow_banned", "user_type", "weight", "wants_avatar", "avatar_changes",
                 "avatar", "old_avatar", "member", "poster", "count")

    def __init__(self, local, server):
        self.local, self.uid = local, f"@{local}:{server}"
        self.displayname = None
        self.admin = self.deactivated = self.locked = self.shadow_banned = False
        self.user_type = None
        self.weight = 0.0
        self.wants_avatar = self.avatar_changes = self.member = self.poster = False
        self.avatar = self.old_avatar = None
        self.count = 0


def lognormal(rng, median, sigma):
    return rng.lognormvariate(math.log(median), sigma)


def plan_users(rng, a, server, t0, now):
    """Users with flags and upload weights; users[0] is the big uploader."""
    n = a.users
    users = [User(BIG_USER, server)] + [User(f"user{i:05d}", server) for i in range(1, n)]
    heavy = max(2, n // 100)
    for i, u in enumerate(users):
        r = rng.random()
        if r < 0.85:
            u.displayname = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        elif r < 0.9:
            u.displayname = rng.choice(UNICODE_NAMES)
        if i == 0:
            u.displayname = "Big Uploader"
        elif i <= heavy:
            u.weight = lognormal(rng, 5000, 0.6)
        else:
            r = rng.random()
            if r < 0.30:
                u.weight = 0.0
            elif r < 0.65:
                u.weight = rng.uniform(1, 20)
            elif r < 0.90:
                u.weight = lognormal(rng, 80, 0.8)
            else:
                u.weight = lognormal(rng, 800, 0.8)
        u.wants_avatar = rng.random() < 0.65
        # Joined before the rooms exist (t0); the rest signed up over the years.
        u.creation_s = (rng.randint(t0 - 400 * DAY_MS, t0 - DAY_MS) if i <= heavy or rng.random() < 0.3
                        else rng.randint(t0, now - 7 * DAY_MS)) // 1000
    # Room members: the big uploader, the heavy users, and some light ones (all active).
    pool = [u for u in users[heavy + 1:] if u.weight > 0 and u.creation_s * 1000 < t0]
    rng.shuffle(pool)
    members = users[:heavy + 1][:16] + pool[:max(0, min(len(pool), 30 - min(16, heavy + 1)))]
    for u in members:
        u.member = True
        u.avatar_changes = u.wants_avatar and rng.random() < 0.3
    others = [u for u in users[1:] if not u.member]
    rng.shuffle(others)
    k = 0
    for attr, count in (("deactivated", max(1, n * 5 // 100)), ("locked", max(1, n // 300)),
                        ("shadow_banned", max(1, n // 500)), ("admin", 2), ("bot", max(1, n // 200))):
        for u in others[k:k + count]:
            if attr == "bot":
                u.user_type = "bot"
            else:
                setattr(u, attr, True)
        k += count
    return users, members


# --------------------------------------------------------------------------------------------
# Phase 2: users, profiles, user directory and local media, in SQL.

class Names:
    """Plausible upload names (None for ~15 %: clients need not send one), made cheaply."""

    ODD = ["Überweisung März.pdf", "写真 {d}.jpg", "😀 party.gif", "Résumé (final) v2.docx",
           "\"quoted\"; name.txt", "a" * 200 + ".png", "Screenshot 2024-01-01 at 10.00.00 AM.png",
           "ñandú.mp4", "back\\slash\ttab.txt"]

    def __init__(self, rng):
        self.rng = rng
        self.days = {}

    def __call__(self, mime, created_ms):
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return None
        day = created_ms // DAY_MS
        d = self.days.get(day)
        if d is None:
            d = self.days[day] = time.strftime("%Y%m%d", time.gmtime(day * 86400))
        secs = created_ms % DAY_MS // 1000
        stamp = f"{d}_{secs // 3600:02d}{secs // 60 % 60:02d}{secs % 60:02d}"
        if r < 0.16:
            return self.ODD[int(rng.random() * len(self.ODD))].replace("{d}", d)
        ext = EXT[mime]
        k = int(r * 1000) % 4  # reuse r's low digits instead of another random draw
        if mime == "image/jpeg":
            return (f"IMG_{stamp}.jpg", f"PXL_{stamp}.jpg", "image.jpg", f"DSC{secs % 9000 + 1000}.JPG")[k]
        if mime == "image/png":
            return (f"Screenshot_{stamp}.png", "image.png", f"Screenshot from {stamp}.png", "image.png")[k]
        if mime.startswith("video/"):
            return (f"VID_{stamp}.{ext}", f"video.{ext}", f"screen-recording-{stamp}.{ext}", f"VID_{stamp}.{ext}")[k]
        if mime == "audio/ogg":
            return "Voice message.ogg"
        return f"{WORDS[secs % len(WORDS)]}-{WORDS[day % len(WORDS)]}-{k}.{ext}"


def size_tables():
    """Per type, 4096 quantiles of its log-normal size, clamped: a table lookup plus jitter
    is much cheaper than a log-normal draw per row."""
    from statistics import NormalDist
    z = [NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096)]
    return [[max(k[4], min(k[5], int(k[2] * math.exp(k[3] * x)))) for x in z] for k in KINDS]


def insert_users(db, users, server):
    """users, profiles, user_directory(+search), user_stats_current: what registration writes."""
    def avatar(u):
        media_id = u.old_avatar or u.avatar
        return f"mxc://{server}/{media_id}" if media_id else None
    stats_pos = db.one("SELECT COALESCE(MAX(stream_id), -1) FROM current_state_delta_stream")[0]
    db.insert("users", ("name", "password_hash", "creation_ts", "admin", "is_guest", "user_type",
                        "deactivated", "shadow_banned", "approved", "locked"),
              [(u.uid, None if u.deactivated else PASSWORD_HASH, u.creation_s, int(u.admin), 0,
                u.user_type, int(u.deactivated), u.shadow_banned, True, u.locked) for u in users])
    db.insert("profiles", ("user_id", "full_user_id", "displayname", "avatar_url"),
              [(u.local, u.uid, u.displayname, avatar(u)) for u in users])
    db.insert("user_stats_current", ("user_id", "joined_rooms", "completed_delta_stream_id"),
              [(u.uid, 0, stats_pos) for u in users])
    # Deactivation removes a user from the directory (handlers/deactivate_account.py).
    listed = [u for u in users if not u.deactivated]
    db.insert("user_directory", ("user_id", "room_id", "display_name", "avatar_url"),
              [(u.uid, None, u.displayname, avatar(u)) for u in listed])
    if db.pg:
        db.execute("CREATE TEMP TABLE seed_uds (user_id TEXT, local TEXT, display TEXT)")
        db.insert("seed_uds", ("user_id", "local", "display"),
                  [(u.uid, u.local, u.displayname.lower() if u.displayname else None) for u in listed])
        # Same vector as _update_profiles_in_user_dir_txn (user_directory.py).
        db.execute("INSERT INTO user_directory_search (user_id, vector) SELECT user_id,"
                   " setweight(to_tsvector('simple', local), 'A')"
                   " || setweight(to_tsvector('simple', ?), 'D')"
                   " || setweight(to_tsvector('simple', COALESCE(display, '')), 'B')"
                   " FROM seed_uds", (server,))
        db.execute("DROP TABLE seed_uds")
    else:
        db.insert("user_directory_search", ("user_id", "value"),
                  [(u.uid, f"{u.uid} {u.displayname.lower()}" if u.displayname else u.uid)
                   for u in listed])


def make_png(width, height, rgb):
    """A solid-colour PNG (same as synapse.py's), for --files originals and thumbnails."""
    return load_runner.cache.make_png(width, height, rgb)


def write_media_files(media_store, rows, thumb_rows):
    """Originals (sparse, exact media_length; images start with a real PNG) and thumbnails."""
    for media_id, mime, length in rows:
        path = os.path.join(media_store, "local_content", media_id[:2], media_id[2:4], media_id[4:])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            if mime.startswith("image/") and mime != "image/svg+xml":
                png = make_png(64, 48, tuple(media_id[i].encode()[0] * 2 % 256 for i in range(3)))
                f.write(png[:length])
            f.truncate(length)
    for media_id, w, h, mime, method, data in thumb_rows:
        top, sub = mime.split("/")
        path = os.path.join(media_store, "local_thumbnails", media_id[:2], media_id[2:4],
                            media_id[4:], f"{w}-{h}-{top}-{sub}-{method}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


MEDIA_COLS = ("media_id", "media_type", "media_length", "created_ts", "upload_name", "user_id",
              "quarantined_by", "url_cache", "last_access_ts", "safe_from_quarantine",
              "authenticated", "sha256")


def media_copy_line(r):
    """COPY text of one local_media_repository row (the generic encoder is 8x slower)."""
    name = "\\N" if r[4] is None else r[4].translate(_COPY_ESCAPES)
    return (f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{name}\t{r[5]}\t{r[6] or chr(92) + 'N'}\t\\N\t"
            f"{chr(92) + 'N' if r[8] is None else r[8]}\t{'t' if r[9] else 'f'}\t"
            f"{'t' if r[10] else 'f'}\t{r[11]}\n")


def media_ids(rng, n):
    """n distinct random 24-letter ids (like Synapse's random_string(24)), sorted: rows are
    inserted in id order so the unique index on media_id only ever appends."""
    table = bytes.maketrans(b"0123456789+/", b"KLMNOPQRSTUV")  # base64 minus non-letters
    ids = set()
    while len(ids) < n:
        need = n - len(ids)
        blob = base64.b64encode(rng.randbytes(18 * need)).translate(table).decode()
        ids.update(blob[24 * i:24 * i + 24] for i in range(need))
    return sorted(ids)


def seed_media(db, rng, a, users, server, admin_id, t0, now, special, media_store):
    """Generate and insert the local media rows; return what later phases need."""
    big = users[0]
    big.count = min(a.big_user_media, a.media - len(special))
    rest = a.media - len(special) - big.count
    others = users[1:]
    cum, acc = [], 0.0
    for u in others:
        acc += u.weight
        cum.append(acc)
    if acc == 0:
        cum[-1] = 1.0
    owners = [big] * big.count + rng.choices(others, cum_weights=cum, k=rest)
    rng.shuffle(owners)
    ids = media_ids(rng, a.media)
    log(f"media: {a.media} ids and owners drawn")
    sizes = size_tables()
    names = Names(rng)
    authenticated_since = now - 730 * DAY_MS  # authenticated media became the default in 1.120
    member_from = t0 + DAY_MS
    member_media = {u.uid: [] for u in users if u.poster}  # uploads room members may post
    begin = {}
    for u in users:
        start = max(u.creation_s * 1000, t0)
        begin[u.uid] = (start, now - DAY_MS - start)
    quarantined_ids = []
    dups = []  # (sha256, size, mime, quarantined): the same bytes uploaded again
    thumbs = {}
    if a.files:
        for w, h, method in ((32, 32, "crop"), (96, 96, "crop"), (64, 48, "scale")):
            thumbs[(w, h, method)] = make_png(w, h, (40, 120, 200))
    rnd, randbytes, sqrt, expo = rng.random, rng.randbytes, math.sqrt, math.log
    kind_of = [0] * 1000  # a 1/1000 grid of the type weights: one draw picks the type
    total_w = sum(k[1] for k in KINDS)
    acc, j = 0, 0
    for i, k in enumerate(KINDS):
        acc += k[1]
        while j < 1000 and j < round(1000 * acc / total_w):
            kind_of[j] = i
            j += 1
    pos = 0
    rows = []
    for s in special:  # admin-owned room avatars, uploaded the day before the rooms (t0)
        s["media_id"] = ids[pos]
        rows.append((ids[pos], "image/png", s["size"], t0 - DAY_MS, s["name"], admin_id, None,
                     None, now - int(rnd() * 3 * DAY_MS), False, t0 - DAY_MS >= authenticated_since,
                     randbytes(32).hex()))
        pos += 1
    done = 0

    def flush(rows):
        db.insert("local_media_repository", MEDIA_COLS, rows, line=media_copy_line)
        if a.files:
            files = [(r[0], r[1], r[2]) for r in rows]
            thumb_rows = [(r[0], w, h, "image/png", method, data) for r in rows
                          if r[1].startswith("image/") and r[1] != "image/svg+xml"
                          for (w, h, method), data in thumbs.items()]
            db.insert("local_media_repository_thumbnails",
                      ("media_id", "thumbnail_width", "thumbnail_height", "thumbnail_type",
                       "thumbnail_method", "thumbnail_length"),
                      [r[:5] + (len(r[5]),) for r in thumb_rows])
            write_media_files(media_store, files, thumb_rows)

    with db.bulk("local_media_repository"):
        for u in owners:
            media_id = ids[pos]
            pos += 1
            r = rnd()
            if r < 0.02 and dups:  # a re-upload: same bytes, same quarantine state
                sha, length, mime, quarantined = dups[int(rnd() * len(dups))]
                protected = False
            else:
                k = kind_of[int(rnd() * 1000)]
                mime = KINDS[k][0]
                length = int(sizes[k][int(rnd() * 4096)] * (0.9 + 0.2 * r))
                if length > KINDS[k][5]:
                    length = KINDS[k][5]
                if r > 0.9995:  # a few huge files (PostgreSQL caps media_length below 2 GiB)
                    length = 200 * MIB + int(rnd() * (MAX_MEDIA_LENGTH - 201 * MIB))
                    mime = HUGE_TYPES[int(r * 1e5) % 3]
                elif 0.998 < r < 0.999:
                    length = 0  # empty files exist; size_gt=0 never selects them
                sha = randbytes(32).hex()
                r2 = rnd()
                quarantined = r2 < 0.004
                protected = 0.004 <= r2 < 0.0124  # the last 0.04 %: protected and quarantined
                if r2 >= 0.012 and protected:
                    quarantined = True
                if len(dups) < 2000:
                    dups.append((sha, length, mime, quarantined))
                elif r2 > 0.95:
                    dups[int(rnd() * 2000)] = (sha, length, mime, quarantined)
            start, span = begin[u.uid]
            created = start + int(span * sqrt(rnd()))  # uploads grow over the years
            r3 = rnd()
            if r3 < 0.25:
                last = None  # never downloaded
            elif r3 < 0.7:
                last = created - int(2 * DAY_MS * expo(1.0 - rnd()))
                if last > now:
                    last = now
            else:
                last = created + int((now - created) * sqrt(rnd()))
            if u.wants_avatar and (u.avatar is None or (u.avatar_changes and u.old_avatar is None)) \
                    and mime.startswith("image/") and mime != "image/svg+xml":
                if u.avatar is None:
                    u.avatar = media_id
                else:
                    u.old_avatar, u.avatar = u.avatar, media_id
                if rnd() < 0.5:  # avatars are fetched all the time... or not
                    last = now - int(rnd() * 14 * DAY_MS)
            name = names(mime, created)
            if u.poster and created >= member_from:
                member_media[u.uid].append((media_id, mime, length, created, name))
            rows.append((media_id, mime, length, created, name, u.uid,
                         admin_id if quarantined else None, None, last, protected,
                         created >= authenticated_since, sha))
            if quarantined:
                quarantined_ids.append(media_id)
            if len(rows) >= CHUNK:
                flush(rows)
                done += len(rows)
                rows = []
                if done % (4 * CHUNK) < CHUNK:
                    log(f"media {done}/{a.media}")
        flush(rows)
    for u in users:
        u.count = 0
    for u in owners:
        u.count += 1
    # Quarantining writes the quarantined_media_changes stream (room.py, since 1.152).
    if quarantined_ids:
        first = db.one("SELECT COALESCE(MAX(stream_id), 0) FROM quarantined_media_changes")[0] + 1
        db.insert("quarantined_media_changes",
                  ("stream_id", "instance_name", "origin", "media_id", "quarantined"),
                  [(first + i, "master", None, m, True) for i, m in enumerate(quarantined_ids)])
        last_id = first + len(quarantined_ids) - 1
        set_stream_position(db, "quarantined_media", last_id, "quarantined_media_id_seq")
    return member_media


def media_stats(db):
    """Totals of what was seeded, read back from the database."""
    count, size, never, quarantined, protected, empty, huge = db.one(
        "SELECT COUNT(*), COALESCE(SUM(media_length), 0), SUM(CASE WHEN last_access_ts IS NULL"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN quarantined_by IS NULL THEN 0 ELSE 1 END),"
        " SUM(CASE WHEN safe_from_quarantine THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN media_length = 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN media_length > 1073741824 THEN 1 ELSE 0 END) FROM local_media_repository")
    by_type = {t: {"count": c, "bytes": int(b)} for t, c, b in db.all(
        "SELECT media_type, COUNT(*), SUM(media_length) FROM local_media_repository"
        " GROUP BY media_type ORDER BY media_type")}
    dup = db.one("SELECT COUNT(*) FROM (SELECT sha256 FROM local_media_repository"
                 " GROUP BY sha256 HAVING COUNT(*) > 1) AS d")[0]
    return {"count": count, "bytes": int(size), "never_accessed": never or 0,
            "quarantined": quarantined or 0, "protected": protected or 0, "zero_bytes": empty or 0,
            "over_1gib": huge or 0, "shared_sha256": dup, "by_type": by_type}


def set_stream_position(db, stream, position, sequence):
    """stream_positions row for the main process and, on PostgreSQL, the stream's sequence:
    Synapse checks both against the table at start-up (storage/util/sequence.py)."""
    db.execute("DELETE FROM stream_positions WHERE stream_name = ? AND instance_name = 'master'",
               (stream,))
    db.execute("INSERT INTO stream_positions (stream_name, instance_name, stream_id) VALUES (?, 'master', ?)",
               (stream, position))
    if db.pg:
        db.execute(f"SELECT setval('{sequence}', GREATEST(?, (SELECT last_value FROM {sequence})))",
                   (position,))


# --------------------------------------------------------------------------------------------
# Phase 3: rooms through the API, with Synapse's clock moved back to t0.

SHIFTED = (
    "import sys, time, runpy\n"
    "real = time.time\n"
    "offset = float(sys.argv[1])\n"
    # Before Twisted binds time.time as the reactor's clock (twisted/python/runtime.py).
    "time.time = lambda: real() - offset\n"
    "sys.argv = ['synapse.app.homeserver'] + sys.argv[2:]\n"
    "runpy.run_module('synapse.app.homeserver', run_name='__main__', alter_sys=True)\n"
)


def run_runner(args, what):
    """scripts/synapse.py start|stop; returns its JSON (start) and the seconds it took."""
    t = time.monotonic()
    out = subprocess.run([sys.executable, SYNAPSE_PY] + args, check=True, stdout=subprocess.PIPE,
                         text=True).stdout.strip()
    took = time.monotonic() - t
    log(f"synapse.py {what}: {took:.1f}s")
    return (json.loads(out) if out else None), took


class ShiftedSynapse:
    """Synapse on DIR's homeserver.yaml with its clock at t0, stopped by PID."""

    def __init__(self, d, t0, python):
        with open(os.path.join(d, "homeserver.yaml")) as f:
            config = json.load(f)
        self.port = config["listeners"][0]["port"]
        self.base = f"http://127.0.0.1:{self.port}"
        self.d = d
        offset = time.time() - t0 / 1000
        self.out = open(os.path.join(d, "synapse.out"), "ab")
        self.proc = subprocess.Popen([python, "-c", SHIFTED, str(offset), "-c",
                                      os.path.join(d, "homeserver.yaml")], cwd=d,
                                     stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.out,
                                     start_new_session=True)
        log(f"Synapse pid {self.proc.pid} with its clock {offset / 86400:.0f} days back")
        try:
            load_runner.cache.wait_ready(self.proc, self.base, d)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


def create_rooms(rs, base, token, plans, server):
    """Create each planned room (avatars, members, one message from the admin); return ids.
    Rooms are made in parallel, each by one thread in order, so every room's DAG stays linear."""
    enc, call = rs.enc, rs.call

    def one(p):
        body = {"preset": "public_chat" if p["public"] else "private_chat",
                "visibility": "public" if p["public"] else "private",
                "name": p["name"], "topic": p["topic"], "room_alias_name": p["alias"]}
        p["room_id"] = call(base, "POST", "/_matrix/client/v3/createRoom", body, token)["room_id"]
        rid = enc(p["room_id"])
        for av in p["avatars"]:
            call(base, "PUT", f"/_matrix/client/v3/rooms/{rid}/state/m.room.avatar/",
                 {"url": f"mxc://{server}/{av['media_id']}",
                  "info": {"mimetype": "image/png", "size": av["size"], "w": 64, "h": 48}}, token)
        for uid in p["members"]:
            call(base, "POST", f"/_synapse/admin/v1/join/{rid}", {"user_id": uid}, token)
        call(base, "PUT", f"/_matrix/client/v3/rooms/{rid}/send/m.room.message/seed-welcome",
             {"msgtype": "m.notice", "body": f"Welcome to {p['name']}"}, token)
        log(f"room {p['name']}: {p['room_id']} ({len(p['members'])} members)")

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(one, p) for p in plans]:
            future.result()
    # The stats handler fills room_stats_state (the rooms list, keep_profiles) asynchronously.
    deadline = time.monotonic() + 60
    for p in plans:
        want = f"mxc://{server}/{p['avatars'][-1]['media_id']}" if p["avatars"] else None
        while True:
            room = call(base, "GET", f"/_synapse/admin/v1/rooms/{enc(p['room_id'])}", token=token)
            if room.get("avatar") == want and room.get("joined_members") == len(p["members"]) + 1:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"room stats not updated for {p['room_id']}: {room}")
            time.sleep(0.2)


# --------------------------------------------------------------------------------------------
# Phase 4: message history in SQL.

def text_body(rng, i):
    n = rng.choice((2, 3, 5, 8, 12, 20, 40))
    words = [rng.choice(WORDS) for _ in range(n)]
    body = " ".join(words).capitalize()
    r = rng.random()
    if r < 0.05:
        body += " " + rng.choice(EMOJI)
    elif r < 0.06:
        body += "\n" + " ".join(rng.choice(WORDS) for _ in range(30))
    return f"{body} ({i})"


def media_content(rng, server, media, thumb):
    """m.image / m.video / m.audio / m.file content for a seeded upload."""
    media_id, mime, length, _created, name = media
    body = name or f"file.{mime.split('/')[-1]}"
    info = {"mimetype": mime, "size": length}
    url = f"mxc://{server}/{media_id}"
    if mime.startswith("image/"):
        info.update({"w": rng.choice((640, 800, 1080, 1920)), "h": rng.choice((480, 600, 1080))})
        return {"msgtype": "m.image", "body": body, "url": url, "info": info}
    if mime.startswith("video/"):
        info.update({"w": 1280, "h": 720, "duration": rng.randint(2000, 600000)})
        if thumb:  # clients upload a poster frame: the room's media list includes it
            info.update({"thumbnail_url": f"mxc://{server}/{thumb[0]}",
                         "thumbnail_info": {"mimetype": thumb[1], "size": thumb[2]}})
        return {"msgtype": "m.video", "body": body, "url": url, "info": info}
    if mime.startswith("audio/"):
        info["duration"] = rng.randint(1000, 300000)
        return {"msgtype": "m.audio", "body": body, "url": url, "info": info}
    return {"msgtype": "m.file", "body": body, "url": url, "info": info}


def room_state(db, room_id, admin_id):
    """What the history needs from the room as the API left it."""
    members = dict(db.all("SELECT state_key, event_id FROM current_state_events"
                          " WHERE room_id = ? AND type = 'm.room.member'", (room_id,)))
    (last_id,) = db.one("SELECT event_id FROM event_forward_extremities WHERE room_id = ?", (room_id,))
    depth, so = db.one("SELECT depth, stream_ordering FROM events WHERE event_id = ?", (last_id,))
    (group,) = db.one("SELECT state_group FROM event_to_state_groups WHERE event_id = ?", (last_id,))
    welcome = db.one("SELECT j.json, j.format_version FROM events e JOIN event_json j USING (event_id)"
                     " WHERE e.room_id = ? AND e.type = 'm.room.message' ORDER BY e.stream_ordering"
                     " DESC LIMIT 1", (room_id,))
    auth = json.loads(welcome[0])["auth_events"]
    slot = auth.index(members[admin_id])  # the sender's membership; the rest is shared
    return {"members": members, "last_id": last_id, "depth": depth, "group": group,
            "auth": auth, "slot": slot, "format_version": welcome[1]}


def seed_history(db, rng, a, plans, server, signer, admin_id, t0, now, member_media):
    """Generate every room's messages, merge them in time order, insert them as Synapse would."""
    max_so, max_rts = db.one("SELECT MAX(stream_ordering), MAX(received_ts) FROM events")
    begin, end = t0 + DAY_MS, now - 3600_000
    if max_rts >= begin:
        raise SystemExit("the rooms are newer than the history to seed: not a fresh server?")
    used = set()
    planned = []  # (ts, room index, sender, content)
    for ri, p in enumerate(plans):
        senders = p["members"]
        pool = [m for uid in senders for m in member_media.get(uid, ()) if m[0] not in used]
        rng.shuffle(pool)
        images = [m for m in pool if m[1].startswith("image/") and m[1] != "image/svg+xml"]
        chosen = pool[:p["media_messages"]]
        for m in chosen:
            used.add(m[0])
        owner_of = {m[0]: uid for uid in senders for m in member_media.get(uid, ())}
        for m in chosen:
            thumb = images[rng.randrange(len(images))] if m[1].startswith("video/") and images else None
            ts = min(end, m[3] + rng.randint(1000, 120_000))
            planned.append((ts, ri, owner_of[m[0]], media_content(rng, server, m, thumb)))
        p["media_messages"] = len(chosen)
        weights = [1.0 / (k + 1) for k in range(len(senders))]  # a few people talk most
        who = rng.choices(senders, weights=weights, k=p["text_messages"])
        stamps = sorted(rng.randint(begin, end) for _ in range(p["text_messages"]))
        for k in range(p["text_messages"]):
            content = {"msgtype": "m.text", "body": text_body(rng, k + 1)}
            if rng.random() < 0.03:
                content["format"] = "org.matrix.custom.html"
                content["formatted_body"] = f"<b>{content['body']}</b>"
            planned.append((stamps[k], ri, who[k], content))
    planned.sort(key=lambda e: (e[0], e[1]))
    log(f"history: {len(planned)} events planned")

    states = [room_state(db, p["room_id"], admin_id) for p in plans]
    t_build = time.monotonic()
    ev_rows, json_rows, edge_rows, sg_rows, search_rows = [], [], [], [], []
    senders_seen = set()
    last_rts = max_rts
    for i, (ts, ri, sender, content) in enumerate(planned):
        st, room_id = states[ri], plans[ri]["room_id"]
        so = max_so + 1 + i
        depth = st["depth"] + 1
        auth = list(st["auth"])
        auth[st["slot"]] = st["members"][sender]
        event_id, stored = signer.build(room_id, sender, auth, st["last_id"], depth, ts, content)
        last_rts = max(last_rts + 1, ts + rng.randint(20, 400))
        contains_url = isinstance(content.get("url"), str)
        ev_rows.append((so, depth, depth, event_id, "m.room.message", room_id, True, False, ts,
                        last_rts, sender, contains_url, "master", None, None))
        json_rows.append((event_id, room_id, "{}", stored, st["format_version"]))
        edge_rows.append((event_id, st["last_id"]))
        sg_rows.append((event_id, st["group"]))
        search_rows.append((event_id, room_id, "content.body", content["body"].replace("\0", " "),
                            so, ts))
        senders_seen.add((room_id, sender))
        st["last_id"], st["depth"], st["last_so"] = event_id, depth, so
        if (i + 1) % 20000 == 0:
            log(f"history: {i + 1}/{len(planned)} events hashed")
    log(f"history: {len(planned)} events built in {time.monotonic() - t_build:.1f}s")
    t_build = time.monotonic()
    # In stream order, as Synapse appends them; plain indexes rebuilt once at the end.
    with db.bulk("events"):
        db.insert("events", ("stream_ordering", "topological_ordering", "depth", "event_id", "type",
                             "room_id", "processed", "outlier", "origin_server_ts", "received_ts",
                             "sender", "contains_url", "instance_name", "state_key",
                             "rejection_reason"), ev_rows)
    with db.bulk("event_json"):
        db.insert("event_json", ("event_id", "room_id", "internal_metadata", "json",
                                 "format_version"), json_rows)
    with db.bulk("event_edges"):
        db.insert("event_edges", ("event_id", "prev_event_id"), edge_rows)
    with db.bulk("event_to_state_groups"):
        db.insert("event_to_state_groups", ("event_id", "state_group"), sg_rows)
    if db.pg:
        # event_search.vector is to_tsvector('english', body) (search.py): COPY can't call it.
        db.execute("CREATE TEMP TABLE seed_search (event_id TEXT, room_id TEXT, key TEXT,"
                   " value TEXT, stream_ordering BIGINT, origin_server_ts BIGINT)")
        db.insert("seed_search", ("event_id", "room_id", "key", "value", "stream_ordering",
                                  "origin_server_ts"), search_rows)
        with db.bulk("event_search"):
            db.execute("INSERT INTO event_search (event_id, room_id, key, vector, stream_ordering,"
                       " origin_server_ts) SELECT event_id, room_id, key, to_tsvector('english', value),"
                       " stream_ordering, origin_server_ts FROM seed_search")
        db.execute("DROP TABLE seed_search")
    else:
        db.insert("event_search", ("event_id", "room_id", "key", "value"),
                  [r[:4] for r in search_rows])
    for p, st in zip(plans, states):
        if "last_so" not in st:
            continue
        room_id = p["room_id"]
        # One forward extremity, the last message (events.py _update_forward_extremities_txn).
        db.execute("DELETE FROM event_forward_extremities WHERE room_id = ?", (room_id,))
        db.execute("INSERT INTO event_forward_extremities (event_id, room_id) VALUES (?, ?)",
                   (st["last_id"], room_id))
        db.execute("INSERT INTO stream_ordering_to_exterm (stream_ordering, room_id, event_id)"
                   " VALUES (?, ?, ?)", (st["last_so"], room_id, st["last_id"]))
        db.execute("UPDATE sliding_sync_joined_rooms SET event_stream_ordering = ?, bump_stamp = ?"
                   " WHERE room_id = ?", (st["last_so"], st["last_so"], room_id))
    # Sending a message marks the sender's membership as participating (handlers/message.py).
    for room_id, sender in senders_seen:
        db.execute("UPDATE room_memberships SET participant = TRUE WHERE event_id IN"
                   " (SELECT event_id FROM local_current_membership WHERE user_id = ? AND room_id = ?)",
                   (sender, room_id))
    set_stream_position(db, "events", max_so + len(planned), "events_stream_seq")
    log(f"history: inserted in {time.monotonic() - t_build:.1f}s")
    for p, st in zip(plans, states):
        p["last_event_id"] = st["last_id"]
    rooms_ts = {}
    for ts, ri, _s, _c in planned:
        lo, hi = rooms_ts.get(ri, (ts, ts))
        rooms_ts[ri] = (min(lo, ts), max(hi, ts))
    for ri, (lo, hi) in rooms_ts.items():
        plans[ri]["first_ts"], plans[ri]["last_ts"] = lo, hi
    return len(planned)


# --------------------------------------------------------------------------------------------

def wait_background_updates(db_factory, timeout=600):
    """Wait until Synapse has run every pending background update."""
    deadline = time.monotonic() + timeout
    while True:
        db = db_factory()
        try:
            left = db.one("SELECT COUNT(*) FROM background_updates")[0]
        finally:
            db.close()
        if not left:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{left} background updates still pending after {timeout}s")
        time.sleep(0.5)


def cmd_seed(a):
    d = os.path.abspath(a.dir)
    os.makedirs(d, exist_ok=True)
    if a.big_user_media is None:
        a.big_user_media = min(50_000, a.media // 4)
    if a.users < 10 or a.media < 100:
        raise SystemExit("need --users >= 10 and --media >= 100")
    if a.topology == "workers":
        raise SystemExit("seed a sqlite or postgres topology (workers: not supported)")
    now = a.now or int(time.time() * 1000)
    timings = {}
    runner_args = (["--postgres", a.postgres] if a.postgres else []) + \
        (["--topology", a.topology] if a.topology else [])
    started = time.monotonic()
    gc.disable()  # millions of short-lived tuples: the cyclic GC only costs time here

    # 1. Schema, @admin and @alice, every background update done; then stopped.
    run_runner(["stop", "--dir", d], "stop")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"background_updates": {"sleep_enabled": False}}, f)
        bg_config = f.name
    try:
        state, timings["first_start_s"] = run_runner(
            ["start", "--dir", d, "--extra-config", bg_config] + runner_args, "start (schema)")
        t = time.monotonic()
        wait_background_updates(lambda: DB.for_dir(d, a.postgres))
        timings["background_updates_s"] = round(time.monotonic() - t, 1)
    finally:
        os.unlink(bg_config)
        run_runner(["stop", "--dir", d], "stop")
    topology = state.get("topology") or ("postgres" if a.postgres else "sqlite")
    if topology not in ("sqlite", "postgres"):
        raise SystemExit(f"{d} runs the {topology} topology: seed a sqlite or postgres one")
    cluster = None
    if topology == "postgres" and not (state.get("options") or {}).get("postgres"):
        # synapse.py's private cluster (DIR/postgres) stops with Synapse: run it alone.
        cluster = load_runner.cache.pg.start(d, state["ports"]["postgres"])
    try:
        out = seed_phases(a, d, state, now, timings)
    finally:
        if cluster:
            load_runner.cache.procs.stop(cluster)
    timings["seed_total_s"] = round(time.monotonic() - started, 1)

    # 5. Start it the ordinary way.
    if not a.no_start:
        out["synapse"], took = run_runner(["start", "--dir", d] + runner_args, "start (seeded)")
        timings["start_after_seed_s"] = round(took, 1)
    log(f"done in {timings['seed_total_s']}s: {json.dumps(timings)}")
    print(json.dumps(out), flush=True)


def seed_phases(a, d, state, now, timings):
    """Phases 2 to 4, Synapse stopped (but for the rooms); returns the JSON to print."""
    rs = load_runner.cache
    rng = random.Random(a.seed)
    t0 = now - a.span_days * DAY_MS
    server = state["server_name"]
    admin_id = state["admin"]["user_id"]
    db = DB.for_dir(d, a.postgres)
    if db.one("SELECT COUNT(*) FROM events")[0]:
        raise SystemExit(f"{d} already has rooms: seed_big needs a fresh Synapse "
                         "(a new --dir, and a new database with --postgres)")
    if db.one("SELECT COUNT(*) FROM users WHERE name = ?", (f"@{BIG_USER}:{server}",))[0]:
        raise SystemExit(f"{d} was seeded before (or a seed failed half-way): start afresh")

    # 2. Users and media.
    users, members = plan_users(rng, a, server, t0, now)
    n_rooms = max(2, a.rooms)
    room_names = ["Big history", "Media room"] + [f"Room {k:02d}" for k in range(3, n_rooms + 1)]
    aliases = ["big-history", "media-room"] + [f"room-{k:02d}" for k in range(3, n_rooms + 1)]
    special = []  # admin-owned room avatars; the big room changed its avatar once
    avatar_rooms = [0, 0, 1] + [k for k in range(2, n_rooms) if k % 3 != 2]
    for k in avatar_rooms:
        special.append({"room": k, "size": rng.randint(20 * KIB, 400 * KIB),
                        "name": f"{aliases[k]}-avatar.png"})
    # Who is in which room is decided first: the media messages need the posters' uploads.
    member_ids = [u.uid for u in members]
    small_pool = [u.uid for u in users if not (u.deactivated or u.locked) and u.creation_s * 1000 < t0]
    plans = []
    for k in range(n_rooms):
        if k == 0:
            mem, texts, media = member_ids, a.big_room_events, max(1, a.big_room_events // 50)
            texts -= media
        elif k == 1:
            mem = member_ids[:15]
            media, texts = a.media_room_messages, a.media_room_messages // 5
        else:
            mem = rng.sample(small_pool, min(len(small_pool), rng.randint(3, 8)))
            texts = rng.randint(20, 300)
            media = texts // 10
        plans.append({"name": room_names[k], "alias": aliases[k], "public": k < 2 or k % 4 != 0,
                      "topic": f"Seeded by seed_big.py (seed {a.seed})", "members": mem,
                      "avatars": [s for s in special if s["room"] == k],
                      "text_messages": texts, "media_messages": media})
    by_id = {u.uid: u for u in users}
    for p in plans:
        for uid in p["members"]:
            by_id[uid].poster = True
    t = time.monotonic()
    db.begin()
    member_media = seed_media(db, rng, a, users, server, admin_id, t0, now, special,
                              os.path.join(d, "media_store"))
    insert_users(db, users, server)
    db.commit()
    timings["media_and_users_s"] = round(time.monotonic() - t, 1)
    log(f"{a.media} media rows and {a.users} users in {timings['media_and_users_s']}s")

    # 3. Rooms through the API, at t0.
    t = time.monotonic()
    shifted = ShiftedSynapse(d, t0, state.get("python") or sys.executable)
    try:
        create_rooms(rs, shifted.base, state["admin"]["access_token"], plans, server)
    finally:
        shifted.stop()
    timings["rooms_api_s"] = round(time.monotonic() - t, 1)

    # 4. History, and avatars changed after the joins (old ones stay in room_memberships).
    db.close()
    db = DB.for_dir(d, a.postgres)
    signer = Signer(os.path.join(d, "signing.key"), server)
    check_event_id(db, signer)
    t = time.monotonic()
    db.begin()
    n_events = seed_history(db, rng, a, plans, server, signer, admin_id, t0, now, member_media)
    changed = [u for u in users if u.old_avatar]
    for u in changed:
        url = f"mxc://{server}/{u.avatar}"
        db.execute("UPDATE profiles SET avatar_url = ? WHERE full_user_id = ?", (url, u.uid))
        db.execute("UPDATE user_directory SET avatar_url = ? WHERE user_id = ?", (url, u.uid))
    db.commit()
    timings["history_s"] = round(time.monotonic() - t, 1)
    log(f"{n_events} events in {timings['history_s']}s")
    if db.pg:
        # Autovacuum would analyze the new rows within minutes; do it now so query plans do
        # not depend on when the tests run. (SQLite: Synapse never runs ANALYZE, so neither
        # do we: a real SQLite server has no statistics either.)
        t = time.monotonic()
        db.conn.autocommit = True
        db.execute("ANALYZE")
        db.conn.autocommit = False
        timings["analyze_s"] = round(time.monotonic() - t, 1)
    avatar_counts = {
        "profiles": db.one("SELECT COUNT(*) FROM profiles WHERE avatar_url IS NOT NULL")[0],
        "changed_since_join": len(changed),
        "room_avatars_current": db.one("SELECT COUNT(*) FROM room_stats_state WHERE avatar IS NOT NULL")[0],
        "room_avatars_replaced": sum(len(p["avatars"]) - 1 for p in plans if p["avatars"]),
    }
    users_total = db.one("SELECT COUNT(*) FROM users")[0]
    stats = media_stats(db)
    with_media = db.one("SELECT COUNT(DISTINCT user_id) FROM local_media_repository")[0]
    db.close()
    big = users[0]
    out = {
        "server_name": server, "seed": a.seed, "now": now, "t0": t0,
        "password": PASSWORD,
        "big_user": big.uid, "big_user_media": big.count,
        "users": {"total": users_total, "seeded": len(users),
                  "deactivated": sum(u.deactivated for u in users),
                  "locked": sum(u.locked for u in users),
                  "shadow_banned": sum(u.shadow_banned for u in users),
                  "admins": sum(u.admin for u in users), "bots": sum(bool(u.user_type) for u in users),
                  "with_media": with_media,
                  "top": sorted(((u.count, u.uid) for u in users), reverse=True)[:5]},
        "media": stats, "avatars": avatar_counts,
        "rooms": [{"room_id": p["room_id"], "alias": f"#{p['alias']}:{server}", "name": p["name"],
                   "members": len(p["members"]) + 1, "messages": p["text_messages"] + p["media_messages"],
                   "media_messages": p["media_messages"], "first_ts": p.get("first_ts"),
                   "last_ts": p.get("last_ts"), "last_event_id": p.get("last_event_id")}
                  for p in plans],
        "events_seeded": n_events, "files_written": bool(a.files), "timings": timings,
    }
    out["big_room"], out["media_room"] = out["rooms"][0]["room_id"], out["rooms"][1]["room_id"]
    return out


# --------------------------------------------------------------------------------------------
# Ground truth for POST /_synapse/admin/v1/media/delete.

def truth_sql(server, keep_profiles, select):
    """Synapse 1.163's get_local_media_ids query (include_quarantined/protected = False)."""
    prefix = f"mxc://{server}/"
    sql = f"""SELECT {select} FROM local_media_repository AS lmr WHERE
        ( last_access_ts < ? OR ( created_ts < ? AND last_access_ts IS NULL ) )
        AND media_length > ?"""
    if keep_profiles:
        sql += f"""
        AND NOT EXISTS (SELECT 1 FROM profiles WHERE profiles.avatar_url = '{prefix}' || lmr.media_id)
        AND NOT EXISTS (SELECT 1 FROM room_memberships WHERE room_memberships.avatar_url = '{prefix}' || lmr.media_id)
        AND NOT EXISTS (SELECT 1 FROM user_directory WHERE user_directory.avatar_url = '{prefix}' || lmr.media_id)
        AND NOT EXISTS (SELECT 1 FROM room_stats_state WHERE room_stats_state.avatar = '{prefix}' || lmr.media_id)"""
    return sql + " AND quarantined_by IS NULL AND NOT safe_from_quarantine"


def cmd_truth(a):
    if not (a.dir or a.postgres):
        raise SystemExit("give --dir DIR or --postgres HOST:PORT/DB")
    keep = a.keep_profiles.lower() in ("true", "1", "yes")
    server = a.server_name
    if a.dir and not server:
        try:
            with open(os.path.join(a.dir, "homeserver.yaml")) as f:
                server = json.load(f)["server_name"]
        except (OSError, ValueError, KeyError):
            pass
    server = server or "localhost"
    db = DB.for_dir(a.dir, a.postgres) if a.dir else DB(postgres=a.postgres)
    args = (a.before_ts, a.before_ts, a.size_gt)
    count, size = db.one(db.sql(truth_sql(server, keep, "COUNT(*), COALESCE(SUM(media_length), 0)")), args)
    # Why the files that are old and big enough stay (a file can have several reasons).
    base = ("SELECT COUNT(*) FROM local_media_repository AS lmr WHERE (last_access_ts < ? OR"
            " (created_ts < ? AND last_access_ts IS NULL)) AND media_length > ?")
    kept = {
        "quarantined": db.one(base + " AND quarantined_by IS NOT NULL", args)[0],
        "protected": db.one(base + " AND safe_from_quarantine", args)[0],
    }
    if keep:
        all_count = db.one(db.sql(truth_sql(server, False, "COUNT(*)")), args)[0]
        kept["avatar"] = all_count - count
    out = {"count": count, "bytes": int(size), "kept": kept,
           "before_ts": a.before_ts, "size_gt": a.size_gt, "keep_profiles": keep}
    if a.media_ids:
        out["media_ids"] = sorted(r[0] for r in db.all(truth_sql(server, keep, "media_id"), args))
    db.close()
    print(json.dumps(out), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="seed a fresh throwaway Synapse, print JSON")
    s.add_argument("--dir", required=True, help="synapse.py state directory (fresh or empty)")
    s.add_argument("--postgres", metavar="HOST:PORT/DB",
                   help="an empty PostgreSQL database (user postgres, trust) instead of SQLite")
    s.add_argument("--topology", choices=("sqlite", "postgres"),
                   help="passed to synapse.py (postgres without --postgres: its private cluster)")
    s.add_argument("--users", type=int, default=2000, help="seeded users (default 2000)")
    s.add_argument("--media", type=int, default=200_000, help="local media rows (default 200000)")
    s.add_argument("--big-user-media", type=int,
                   help="files of @big.uploader (default min(50000, media/4))")
    s.add_argument("--big-room-events", type=int, default=100_000,
                   help="messages in the big room, 2%% of them media (default 100000)")
    s.add_argument("--media-room-messages", type=int, default=3000,
                   help="media messages in the media room (default 3000, plus 1/5 as many texts)")
    s.add_argument("--rooms", type=int, default=10, help="rooms in all (default 10)")
    s.add_argument("--span-days", type=int, default=1095, help="history length (default 3 years)")
    s.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    s.add_argument("--now", type=int, help="reference time in ms (default: now)")
    s.add_argument("--files", action="store_true",
                   help="also write the media files (sparse, exact size; images are real PNGs with"
                        " thumbnails) so downloads and previews work: for small fixtures")
    s.add_argument("--no-start", action="store_true", help="leave Synapse stopped at the end")
    s.set_defaults(func=cmd_seed)
    t = sub.add_parser("truth", help="what POST /_synapse/admin/v1/media/delete would delete")
    t.add_argument("--dir", help="synapse.py state directory (its database is used)")
    t.add_argument("--postgres", metavar="HOST:PORT/DB")
    t.add_argument("--server-name", help="default: DIR's homeserver.yaml, else localhost")
    t.add_argument("--before-ts", type=int, required=True, metavar="MS")
    t.add_argument("--size-gt", type=int, default=0, metavar="BYTES")
    t.add_argument("--keep-profiles", default="true", choices=("true", "false"))
    t.add_argument("--media-ids", action="store_true", help="list the ids too")
    t.set_defaults(func=cmd_truth)
    a = parser.parse_args()
    a.func(a)


load_runner.cache = load_runner()

if __name__ == "__main__":
    main()
