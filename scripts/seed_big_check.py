#!/usr/bin/env python3
"""Check a seed_big.py fixture through Synapse's admin API, against its own database.

    python scripts/seed_big_check.py --dir DIR [--postgres HOST:PORT/DB] [--no-destructive]

DIR is a synapse.py directory seeded by seed_big.py, with Synapse running. Read-only checks run
on it: the big uploader's media pages (and where NULL last_access_ts sort), the per-user media
statistics, every user page, the rooms list, the media room's media, /messages and
/timestamp_to_event on the big room. Unless --no-destructive, a copy is then made (DIR-copy; a
database DIR_copy next to the PostgreSQL one, which needs Synapse stopped meanwhile) and started,
and on it: delete by age and size (keep_profiles true, then false) must delete exactly what
`seed_big.py truth` predicts, a file missing on disk must delete fine, and a purge of the big
room's history up to a date must complete. Prints one JSON report (timings in seconds) on stdout;
exits 1 if a check failed. Works on SQLite and on --postgres databases (not on synapse.py's
private PostgreSQL cluster, which it cannot copy).
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import seed_big  # noqa: E402  (same directory)

PY = sys.executable
RESULTS = {"checks": {}, "failures": []}


def log(msg):
    print(f"[seed_big_check] {msg}", file=sys.stderr, flush=True)


def http(base, method, path, token, body=None, timeout=600):
    """One request; returns (status, JSON). Long timeout: deleting thousands of files is slow."""
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def get(base, path, token, **kw):
    status, data = http(base, "GET", path, token, **kw)
    if status != 200:
        raise AssertionError(f"GET {path} -> {status} {data}")
    return data


def q(value):
    return urllib.parse.quote(str(value), safe="")


class Check:
    """Times one named check and records pass/fail with details."""

    def __init__(self, name):
        self.name, self.info = name, {}

    def __enter__(self):
        self.t = time.monotonic()
        log(f"{self.name} ...")
        return self.info

    def __exit__(self, kind, err, tb):
        self.info["seconds"] = round(time.monotonic() - self.t, 2)
        if err is not None:
            if not isinstance(err, AssertionError):
                return False
            self.info["error"] = str(err)[:2000]
            RESULTS["failures"].append(self.name)
        self.info["ok"] = err is None
        RESULTS["checks"][self.name] = self.info
        log(f"{self.name}: {'ok' if err is None else 'FAILED ' + str(err)[:300]}"
            f" ({self.info['seconds']}s)")
        return True


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def read_only_checks(db, base, token, server):
    big_user = f"@{seed_big.BIG_USER}:{server}"
    room_of = dict(db.all("SELECT room_alias, room_id FROM room_aliases"))
    big_room, media_room = room_of[f"#big-history:{server}"], room_of[f"#media-room:{server}"]

    with Check("user_media_pages") as info:
        count = db.one("SELECT COUNT(*) FROM local_media_repository WHERE user_id = ?", (big_user,))[0]
        seen, start, pages, slowest = [], 0, 0, 0.0
        while True:
            t = time.monotonic()
            page = get(base, f"/_synapse/admin/v1/users/{q(big_user)}/media?from={start}&limit=1000", token)
            slowest = max(slowest, time.monotonic() - t)
            pages += 1
            expect(page["total"] == count, f"total {page['total']} != {count}")
            seen += [m["media_id"] for m in page["media"]]
            if "next_token" not in page:
                break
            start = page["next_token"]
        ids = {r[0] for r in db.all("SELECT media_id FROM local_media_repository WHERE user_id = ?",
                                    (big_user,))}
        expect(len(seen) == count and set(seen) == ids, f"paged {len(seen)} ids, {len(set(seen))} distinct")
        info.update(total=count, pages=pages, slowest_page_s=round(slowest, 3))

    with Check("user_media_null_order") as info:
        # Synapse: ORDER BY <col> ASC|DESC, media_id ASC; no NULLS FIRST/LAST (media_repository.py).
        nulls = db.one("SELECT COUNT(*) FROM local_media_repository WHERE user_id = ?"
                       " AND last_access_ts IS NULL", (big_user,))[0]
        count = db.one("SELECT COUNT(*) FROM local_media_repository WHERE user_id = ?", (big_user,))[0]
        for direction in ("f", "b"):
            path = f"/_synapse/admin/v1/users/{q(big_user)}/media?order_by=last_access_ts&dir={direction}"
            first = get(base, path + "&from=0&limit=3", token)["media"]
            last = get(base, path + f"&from={count - 3}&limit=3", token)["media"]
            nulls_first = first[0]["last_access_ts"] is None
            nulls_last = last[-1]["last_access_ts"] is None
            info[f"dir_{direction}"] = ("nulls first" if nulls_first and not nulls_last else
                                        "nulls last" if nulls_last and not nulls_first else "?")
            # Among the NULLs, order is media_id ascending in both directions.
            block = get(base, path + f"&from={0 if nulls_first else count - nulls}&limit=50", token)["media"]
            block_ids = [m["media_id"] for m in block if m["last_access_ts"] is None]
            info[f"dir_{direction}_nulls_by_media_id_asc"] = block_ids == sorted(block_ids)
        info["engine"] = "postgresql" if db.pg else "sqlite"
        info["null_rows"] = nulls
        expect(nulls > 0, "no never-accessed files to look at")

    with Check("statistics_users_media") as info:
        count, size, users = db.one("SELECT COUNT(*), SUM(media_length), COUNT(DISTINCT user_id)"
                                    " FROM local_media_repository")
        got_count = got_size = rows = 0
        start, pages, slowest = 0, 0, 0.0
        while True:
            t = time.monotonic()
            page = get(base, f"/_synapse/admin/v1/statistics/users/media?from={start}&limit=1000", token)
            slowest = max(slowest, time.monotonic() - t)
            pages += 1
            for u in page["users"]:
                got_count += u["media_count"]
                got_size += u["media_length"]
                rows += 1
            if "next_token" not in page:
                break
            start = page["next_token"]
        expect((got_count, got_size, rows, page["total"]) == (count, int(size), users, users),
               f"statistics {got_count}/{got_size}/{rows}/{page['total']} != db {count}/{size}/{users}")
        info.update(media=count, bytes=int(size), users=users, pages=pages, slowest_page_s=round(slowest, 3))

    with Check("users_v2_pages") as info:
        total_all = db.one("SELECT COUNT(*) FROM users")[0]
        visible = db.one("SELECT COUNT(*) FROM users WHERE deactivated = 0 AND NOT locked")[0]
        names, start, pages = [], 0, 0
        while True:
            page = get(base, f"/_synapse/admin/v2/users?from={start}&limit=1000&deactivated=true&locked=true", token)
            pages += 1
            names += [u["name"] for u in page["users"]]
            if "next_token" not in page:
                break
            start = int(page["next_token"])
        default_total = get(base, "/_synapse/admin/v2/users?limit=1", token)["total"]
        expect(len(names) == len(set(names)) == total_all == page["total"],
               f"paged {len(names)} users, total {page['total']}, db {total_all}")
        expect(default_total == visible, f"default list total {default_total} != {visible} (active, unlocked)")
        info.update(users=total_all, pages=pages, default_total=default_total)

    with Check("rooms_list") as info:
        rooms = {r[0] for r in db.all("SELECT room_id FROM rooms")}
        page = get(base, "/_synapse/admin/v1/rooms?limit=500", token)
        expect(page["total_rooms"] == len(rooms) and {r["room_id"] for r in page["rooms"]} == rooms,
               f"rooms {page['total_rooms']} != {len(rooms)}")
        big = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}", token)
        info.update(rooms=len(rooms), big_room_avatar=big.get("avatar"),
                    big_room_members=big.get("joined_members"))

    with Check("room_media") as info:
        # Synapse's own walk (room.py _get_media_mxcs_in_room_txn): url and info.thumbnail_url.
        want = []
        for (js,) in db.all("SELECT j.json FROM events e JOIN event_json j USING (event_id)"
                            " WHERE e.room_id = ? AND e.contains_url = ? AND NOT e.outlier",
                            (media_room, True)):
            content = json.loads(js)["content"]
            info_ = content.get("info")
            for url in (content.get("url"), info_.get("thumbnail_url") if isinstance(info_, dict) else None):
                if isinstance(url, str) and url.startswith(f"mxc://{server}/"):
                    want.append(url)
        got = get(base, f"/_synapse/admin/v1/room/{q(media_room)}/media", token)
        expect(sorted(got["local"]) == sorted(want), f"{len(got['local'])} local mxcs, want {len(want)}")
        info.update(local=len(got["local"]), distinct=len(set(got["local"])), remote=len(got["remote"]))

    with Check("big_room_messages") as info:
        n_msgs = db.one("SELECT COUNT(*) FROM events WHERE room_id = ? AND type = 'm.room.message'",
                        (big_room,))[0]
        last = db.one("SELECT event_id FROM events WHERE room_id = ? ORDER BY stream_ordering DESC"
                      " LIMIT 1", (big_room,))[0]
        t = time.monotonic()
        page = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}/messages?dir=b&limit=100", token)
        info["first_page_s"] = round(time.monotonic() - t, 3)
        expect(len(page["chunk"]) == 100 and page["chunk"][0]["event_id"] == last,
               f"dir=b page starts at {page['chunk'][0]['event_id'] if page['chunk'] else None}, want {last}")
        seen, token_ = len(page["chunk"]), page["end"]
        t = time.monotonic()
        for _ in range(5):  # 5 more pages back in time, each from the previous end
            page = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}/messages?dir=b&limit=100"
                       f"&from={q(token_)}", token)
            seen += len(page["chunk"])
            token_ = page.get("end", token_)
        info["next_pages_s_each"] = round((time.monotonic() - t) / 5, 3)
        first_msgs = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}/messages?dir=f&limit=50", token)
        create = first_msgs["chunk"][0]
        expect(create["type"] == "m.room.create", f"dir=f starts with {create['type']}")
        info.update(messages_in_room=n_msgs, paged=seen)

    with Check("timestamp_to_event") as info:
        lo, hi = db.one("SELECT MIN(origin_server_ts), MAX(origin_server_ts) FROM events"
                        " WHERE room_id = ? AND type = 'm.room.message'", (big_room,))
        for frac in (0.25, 0.5, 0.9):
            ts = int(lo + (hi - lo) * frac)
            for direction, op, order in (("b", "<=", "DESC"), ("f", ">=", "ASC")):
                want = db.one(f"SELECT event_id FROM events WHERE room_id = ? AND origin_server_ts {op} ?"
                              f" AND NOT outlier ORDER BY origin_server_ts {order}, depth {order},"
                              f" stream_ordering {order} LIMIT 1", (big_room, ts))[0]
                t = time.monotonic()
                got = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}/timestamp_to_event?ts={ts}"
                          f"&dir={direction}", token)
                info[f"{frac}_{direction}_s"] = round(time.monotonic() - t, 3)
                expect(got["event_id"] == want, f"ts {ts} dir {direction}: {got['event_id']} != {want}")
    return big_room


def truth(d, postgres, before_ts, size_gt, keep):
    out = subprocess.run([PY, os.path.join(HERE, "seed_big.py"), "truth", "--dir", d,
                          "--before-ts", str(before_ts), "--size-gt", str(size_gt),
                          "--keep-profiles", "true" if keep else "false", "--media-ids"]
                         + (["--postgres", postgres] if postgres else []),
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def runner(*args):
    out = subprocess.run([PY, os.path.join(HERE, "synapse.py"), *args], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    return json.loads(out) if out else None


def make_copy(d, postgres):
    """DIR-copy (and DB_copy on PostgreSQL): a throwaway twin to delete and purge in."""
    copy = d.rstrip("/") + "-copy"
    if os.path.exists(os.path.join(copy, "synapse.json")):
        runner("stop", "--dir", copy)
    shutil.rmtree(copy, ignore_errors=True)
    os.makedirs(copy)
    for name in ("homeserver.yaml", "signing.key"):
        shutil.copy(os.path.join(d, name), copy)
    # Only the tokens: the original's process records would make synapse.py think the copy
    # runs already (or stop the original as a leftover).
    with open(os.path.join(d, "synapse.json")) as f:
        state = json.load(f)
    with open(os.path.join(copy, "synapse.json"), "w") as f:
        json.dump({"admin": state["admin"], "user": state["user"]}, f)
    if os.path.isdir(os.path.join(d, "media_store")):
        subprocess.run(["cp", "-a", "--sparse=always", os.path.join(d, "media_store"), copy], check=True)
    copy_pg = None
    if postgres:
        import psycopg2
        address, database = postgres.split("/", 1)
        host, port = address.rsplit(":", 1)
        copy_pg = f"{address}/{database}_copy"
        runner("stop", "--dir", d)  # CREATE DATABASE ... TEMPLATE wants no other sessions
        conn = psycopg2.connect(host=host, port=int(port), user="postgres", dbname="postgres")
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute(f'DROP DATABASE IF EXISTS "{database}_copy"')
        cur.execute(f'CREATE DATABASE "{database}_copy" TEMPLATE "{database}"')
        conn.close()
    else:
        src = sqlite3.connect(os.path.join(d, "homeserver.db"))
        dst = sqlite3.connect(os.path.join(copy, "homeserver.db"))
        src.backup(dst)  # consistent even while Synapse runs
        dst.close()
        src.close()
    return copy, copy_pg


def destructive_checks(d, postgres, big_room, server, max_delete):
    with Check("copy") as info:
        copy, copy_pg = make_copy(d, postgres)
        t = time.monotonic()
        state = runner("start", "--dir", copy, *(["--postgres", copy_pg] if copy_pg else []))
        info["copy_start_s"] = round(time.monotonic() - t, 2)
    base, token = state["base_url"], state["admin"]["access_token"]
    db = seed_big.DB.for_dir(copy, copy_pg)
    try:
        now = int(time.time() * 1000)
        lo = db.one("SELECT MIN(created_ts) FROM local_media_repository")[0]
        # Old enough and big enough to reach some avatars, few enough to delete in a minute
        # (Synapse deletes ~150 files a second): the latest cut with at most --max-delete.
        size_gt = 100 * 1024
        for div in (4, 6, 8, 12, 16, 24, 32, 48, 64):
            before_ts = lo + (now - lo) // div
            n = db.one("SELECT COUNT(*) FROM local_media_repository WHERE (last_access_ts < ? OR"
                       " (created_ts < ? AND last_access_ts IS NULL)) AND media_length > ?",
                       (before_ts, before_ts, size_gt))[0]
            if n <= max_delete:
                break
        with Check("delete_by_age_keep_profiles") as info:
            keep = truth(copy, copy_pg, before_ts, size_gt, True)
            drop = truth(copy, copy_pg, before_ts, size_gt, False)
            info.update(before_ts=before_ts, size_gt=size_gt, truth_keep=keep["count"],
                        truth_keep_bytes=keep["bytes"], truth_no_keep=drop["count"], kept=keep["kept"])
            t = time.monotonic()
            status, res = http(base, "POST", f"/_synapse/admin/v1/media/delete?before_ts={before_ts}"
                               f"&size_gt={size_gt}&keep_profiles=true", token, body={})
            info["delete_s"] = round(time.monotonic() - t, 2)
            expect(status == 200, f"delete -> {status} {res}")
            expect(res["total"] == keep["count"] and sorted(res["deleted_media"]) == keep["media_ids"],
                   f"deleted {res['total']}, truth {keep['count']}")
        with Check("delete_by_age_no_keep") as info:
            t = time.monotonic()
            status, res = http(base, "POST", f"/_synapse/admin/v1/media/delete?before_ts={before_ts}"
                               f"&size_gt={size_gt}&keep_profiles=false", token, body={})
            info["delete_s"] = round(time.monotonic() - t, 2)
            want = sorted(set(drop["media_ids"]) - set(keep["media_ids"]))
            expect(status == 200 and sorted(res["deleted_media"]) == want,
                   f"deleted {res.get('total')}, want the {len(want)} avatars kept before")
            info["deleted_avatars"] = res["total"]
        with Check("delete_one_missing_file") as info:
            media_id = db.one("SELECT media_id FROM local_media_repository WHERE quarantined_by IS NOT NULL"
                              " AND safe_from_quarantine ORDER BY media_id LIMIT 1")[0]
            path = os.path.join(copy, "media_store", "local_content", media_id[:2], media_id[2:4], media_id[4:])
            info["file_on_disk"] = os.path.exists(path)
            if os.path.exists(path):
                os.unlink(path)
            status, res = http(base, "DELETE", f"/_synapse/admin/v1/media/{server}/{media_id}", token)
            expect(status == 200 and res["deleted_media"] == [media_id], f"-> {status} {res}")
            gone = db.one("SELECT COUNT(*) FROM local_media_repository WHERE media_id = ?", (media_id,))[0]
            expect(gone == 0, "row still there")
            info["note"] = "quarantined and protected, file missing: deleted (ENOENT is ignored)"
        with Check("purge_history_by_date") as info:
            lo, hi = db.one("SELECT MIN(origin_server_ts), MAX(origin_server_ts) FROM events"
                            " WHERE room_id = ? AND type = 'm.room.message'", (big_room,))
            cut = lo + (hi - lo) // 2
            before = db.one("SELECT COUNT(*) FROM events WHERE room_id = ? AND type = 'm.room.message'"
                            " AND origin_server_ts < ?", (big_room, cut))[0]
            total = db.one("SELECT COUNT(*) FROM events WHERE room_id = ?", (big_room,))[0]
            t = time.monotonic()
            status, res = http(base, "POST", f"/_synapse/admin/v1/purge_history/{q(big_room)}", token,
                               body={"delete_local_events": True, "purge_up_to_ts": cut})
            expect(status == 200, f"purge -> {status} {res}")
            while True:
                st = get(base, f"/_synapse/admin/v1/purge_history_status/{res['purge_id']}", token)
                if st["status"] != "active":
                    break
                time.sleep(0.5)
            info["purge_s"] = round(time.monotonic() - t, 2)
            expect(st["status"] == "complete", f"status {st}")
            left_before = db.one("SELECT COUNT(*) FROM events WHERE room_id = ? AND type = 'm.room.message'"
                                 " AND origin_server_ts < ?", (big_room, cut))[0]
            after = db.one("SELECT COUNT(*) FROM events WHERE room_id = ?", (big_room,))[0]
            info.update(cut_ts=cut, events_before=total, events_after=after,
                        messages_older_than_cut_before=before, messages_older_than_cut_after=left_before)
            expect(left_before <= 1 and total - after >= before - 1,
                   f"{left_before} older messages left, {total - after} deleted of {before}")
            page = get(base, f"/_synapse/admin/v1/rooms/{q(big_room)}/messages?dir=b&limit=10", token)
            expect(len(page["chunk"]) == 10, "messages after purge")
    finally:
        db.close()
        runner("stop", "--dir", copy)
        if copy_pg:
            import psycopg2
            address, database = copy_pg.split("/", 1)
            host, port = address.rsplit(":", 1)
            conn = psycopg2.connect(host=host, port=int(port), user="postgres", dbname="postgres")
            conn.autocommit = True
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.close()
        shutil.rmtree(copy, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--postgres", metavar="HOST:PORT/DB", help="as given to seed_big.py seed")
    parser.add_argument("--no-destructive", action="store_true", help="skip the copy's checks")
    parser.add_argument("--max-delete", type=int, default=5000,
                        help="at most this many files for the delete-by-age check (default 5000)")
    a = parser.parse_args()
    d = os.path.abspath(a.dir)
    state = runner("start", "--dir", d, *(["--postgres", a.postgres] if a.postgres else []))
    base, token, server = state["base_url"], state["admin"]["access_token"], state["server_name"]
    db = seed_big.DB.for_dir(d, a.postgres)
    try:
        big_room = read_only_checks(db, base, token, server)
    finally:
        db.close()
    if not a.no_destructive:
        destructive_checks(d, a.postgres, big_room, server, a.max_delete)
        runner("start", "--dir", d, *(["--postgres", a.postgres] if a.postgres else []))
    RESULTS["ok"] = not RESULTS["failures"]
    print(json.dumps(RESULTS), flush=True)
    sys.exit(0 if RESULTS["ok"] else 1)


if __name__ == "__main__":
    main()
