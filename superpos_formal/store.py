"""The results store: one SQLite file, one row per decided or attempted cell.

A campaign's records (``superpos campaign run``) go to an SQLite database
(standard library :mod:`sqlite3`, WAL journal) instead of appended JSONL.
Each row is committed in its own transaction, so a run stopped at any point
(Ctrl-C, a killed worker, SIGKILL of the writer) keeps every row committed
before it and never a half row. Only the process that drives a campaign
writes the store; Dask workers hand their records back to it.

Tables (schema version :data:`SCHEMA_VERSION`; a store written by a newer
version is refused, never half-understood):

``schema_version(version)``
    one row.
``campaigns(name, description, time_limit, source, updated)``
    what a table rendered from the store prints above the rows.
``cells(campaign, id, ...)``
    one row per campaign cell (a min-neurons question): the question as
    JSON (task or family, the shape with every bound resolved -- ``B``,
    ``B_bias``, ``B_code``, ``theta``, codes -- and the width range),
    ``outcome`` (``decided``: no width in the table is UNKNOWN; ``open``:
    a limit was reached; ``error``: the solve failed and will be rerun),
    the minimum, whether its UNSAT side was checked, seconds, the per-solve
    limit and whether it was reached, solver and versions, bundle path and
    the sha256 of its ``manifest.json``, host, start and finish (UTC), and
    the whole record as JSON.
``solves(campaign, cell_id, n, time_limit, ...)``
    one row per width tried: SAT / UNSAT / UNKNOWN (or NOCODE), checked,
    seconds, limit reached, formula size. Attempts under different limits
    are all kept.
``best_known(key, slug, ...)`` (version 2)
    the best-known registry (:mod:`superpos_formal.certify.best_known`): one
    row per question (subject and bounds), the smallest verified network
    found so far as a whole entry (networks included). Written only by
    :meth:`Store.put_best_known`: the entry is re-verified exactly first and
    replaces the stored one only when lexicographically smaller (hidden
    neurons, nonzero parameters, bits), in one transaction.
``best_known_runs(key, recorded, ...)`` (version 2)
    append-only: every network offered to the registry (kept or not), with
    its start's counts and name, so no network found is ever lost and the
    improvement over each starting construction can be read back.

A version-1 store opened for writing is upgraded to version 2 (the two new
tables and the version row, one transaction); opened read-only it reads as
an empty registry.

Resume rule (:meth:`Store.plan`): a decided cell is skipped; an open cell is
rerun only with a larger limit than the one it reached (or no limit).

Examples
--------
>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> with Store(os.path.join(d, "r.sqlite")) as st:
...     st.plan("c", "abc", 10)
('run', 'new cell')
"""

import csv
import hashlib
import io
import json
import os
import socket
import sqlite3
import stat
import sys
from datetime import datetime, timezone
from pathlib import Path

from .campaign import check_record, question_of, render_table
from .certify import best_known as BK
from .errors import InputError
from .ids import stable_id
from .inputs import MAX_JSONL_BYTES, read_bytes
from .shape import Shape

__all__ = ["Store", "SCHEMA_VERSION", "cell_id", "question_of", "outcome_of",
           "import_jsonl", "render_csv", "render_markdown", "utc_now", "host_name",
           "sync_best_known"]

#: bump when a table or column changes meaning; older code refuses newer stores
#: (2: the best-known registry tables)
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns (
    name TEXT PRIMARY KEY, description TEXT, time_limit REAL, source TEXT,
    updated TEXT);
CREATE TABLE IF NOT EXISTS cells (
    campaign TEXT NOT NULL, id TEXT NOT NULL, question TEXT NOT NULL,
    subject TEXT, outcome TEXT NOT NULL CHECK (outcome IN ('decided', 'open', 'error')),
    minimum INTEGER, checked INTEGER, seconds REAL, time_limit REAL,
    limit_reached INTEGER, solver TEXT, versions TEXT, bundle TEXT,
    manifest_sha256 TEXT, host TEXT, started TEXT, finished TEXT,
    record TEXT NOT NULL, PRIMARY KEY (campaign, id));
CREATE TABLE IF NOT EXISTS solves (
    campaign TEXT NOT NULL, cell_id TEXT NOT NULL, n INTEGER NOT NULL,
    time_limit REAL, B INTEGER,
    status TEXT NOT NULL CHECK (status IN ('SAT', 'UNSAT', 'UNKNOWN', 'NOCODE')),
    checked INTEGER, seconds REAL, limit_reached INTEGER, vars INTEGER, clauses INTEGER,
    PRIMARY KEY (campaign, cell_id, n, time_limit));
"""

#: version 2 (also the upgrade of a version-1 store)
_SCHEMA_2 = """
CREATE TABLE IF NOT EXISTS best_known (
    key TEXT PRIMARY KEY, slug TEXT NOT NULL, subject TEXT NOT NULL,
    question TEXT NOT NULL CHECK (question IN ('instance', 'family')), bounds TEXT NOT NULL,
    hidden_neurons INTEGER NOT NULL, params_nonzero INTEGER NOT NULL, bits INTEGER NOT NULL,
    minimality TEXT NOT NULL CHECK (minimality IN ('UNKNOWN', 'CERTIFIED')),
    bundle TEXT, updated TEXT NOT NULL, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS best_known_runs (
    key TEXT NOT NULL, slug TEXT NOT NULL, recorded TEXT NOT NULL, start_name TEXT,
    start_n INTEGER, best_n INTEGER NOT NULL, params_nonzero INTEGER NOT NULL,
    bits INTEGER NOT NULL, kept INTEGER NOT NULL, entry TEXT NOT NULL);
"""


def utc_now():
    """ISO 8601 UTC time, seconds resolution."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def host_name():
    return socket.gethostname()


def cell_id(cell):
    """Stable id of a campaign cell: the hash of its question (not of the
    time limit, which is an attempt's property, not the question's).

    >>> a = {"task": {"kind": "uand", "m": 3}, "shape": {"mode": "explicit",
    ...      "activation": "step", "B": 2}}
    >>> b = {"task": {"kind": "uand", "m": 3}, "shape": {"mode": "explicit",
    ...      "activation": "step", "B": 2, "B_bias": 2}}
    >>> cell_id(a) == cell_id(b)
    True
    """
    return stable_id(question_of(cell))


def outcome_of(rec):
    """``decided`` unless a width in the record's table is UNKNOWN.

    >>> outcome_of({"table": [{"n": 1, "status": "UNSAT"}, {"n": 2, "status": "SAT"}]})
    'decided'
    >>> outcome_of({"table": [{"n": 1, "status": "UNKNOWN"}]})
    'open'
    """
    if rec.get("error"):
        return "error"
    return "open" if any(r["status"] == "UNKNOWN" for r in rec["table"]) else "decided"


#: the first 16 bytes of every SQLite 3 database file
SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_existing(path):
    """Refuse a store path that is not a regular file, or a non-empty file
    that is not an SQLite database (whatever its size: SQLite would
    silently take over a file shorter than its header)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputError(f"store {path}: cannot open ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"store {path}: is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"store {path}: not a regular file (SQLite needs one)")
    if st.st_size == 0:
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            head = os.read(fd, len(SQLITE_MAGIC))
        finally:
            os.close(fd)
    except OSError as e:
        raise InputError(f"store {path}: cannot read ({e.strerror or e})") from None
    if head != SQLITE_MAGIC:
        raise InputError(f"store {path}: not an SQLite database ({st.st_size} bytes without "
                         f"the SQLite header); nothing was changed")


def parse_record(text, where):
    """A stored or imported record: JSON, then :func:`check_record`;
    InputError naming ``where`` (the store row or the file line)."""
    try:
        rec = json.loads(text)
    except (ValueError, TypeError, RecursionError) as e:
        raise InputError(f"{where}: record is not valid JSON ({e})") from None
    try:
        return check_record(rec)
    except InputError as e:
        raise InputError(f"{where}: malformed record ({e})") from None


def _manifest_sha(bundle):
    if not bundle:
        return None
    p = Path(bundle) / "manifest.json"
    if not p.is_file():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()


class Store:
    """An open results store (a context manager).

    Parameters
    ----------
    path : str or Path
        The SQLite file; created (with its folder) when missing.
    readonly : bool
        Open an existing store without creating or changing anything.

    Raises
    ------
    InputError
        The path cannot be opened or written, the file is not an SQLite
        database or fails its integrity check, or it was written by a
        newer schema version. Nothing is changed in any of these cases.
    """

    def __init__(self, path, readonly=False):
        self.path = Path(path)
        fresh = not os.path.lexists(self.path)
        if not fresh:
            _check_existing(self.path)
        if fresh and readonly:
            raise InputError(f"store {self.path}: no such file")
        try:
            if fresh:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            uri = f"file:{self.path}?mode={'ro' if readonly else 'rwc'}"
            self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"store {self.path}: cannot open ({e})") from None
        try:
            self._check(fresh, readonly)
        except InputError:
            self.db.close()
            if fresh and self.path.exists() and self.path.stat().st_size == 0:
                self.path.unlink()
            raise

    def _check(self, fresh, readonly):
        try:
            tables = {r[0] for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if "schema_version" in tables:
                rows = self.db.execute("SELECT version FROM schema_version").fetchall()
                if len(rows) != 1 or not isinstance(rows[0][0], int):
                    raise InputError(f"store {self.path}: corrupt schema_version table")
                v = rows[0][0]
                if v > SCHEMA_VERSION:
                    raise InputError(
                        f"store {self.path}: schema version {v} is newer than this "
                        f"superpos-formal reads ({SCHEMA_VERSION}); upgrade superpos-formal")
                if v < 1:
                    raise InputError(f"store {self.path}: unknown schema version {v}")
                need = {"campaigns", "cells", "solves"}
                if v >= 2:
                    need |= {"best_known", "best_known_runs"}
                missing = need - tables
                if missing:
                    raise InputError(f"store {self.path}: corrupt (missing table "
                                     f"{sorted(missing)[0]})")
                ok = self.db.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    raise InputError(f"store {self.path}: corrupt ({ok})")
                if v < SCHEMA_VERSION and not readonly:
                    # upgrade: new tables and the version row, all or nothing
                    self.db.executescript(
                        "BEGIN IMMEDIATE;" + _SCHEMA_2 +
                        f"UPDATE schema_version SET version = {SCHEMA_VERSION}; COMMIT;")
                self.version = SCHEMA_VERSION if not readonly else v
            elif tables:
                raise InputError(f"store {self.path}: an SQLite file that is not a "
                                 f"superpos-formal store (tables {sorted(tables)})")
            elif readonly:
                raise InputError(f"store {self.path}: empty, not a superpos-formal store")
            else:
                self.db.execute("PRAGMA journal_mode=WAL")
                # one script, one transaction: a fresh store has all of its
                # tables and its version row, or none of them
                self.db.executescript(
                    "BEGIN IMMEDIATE;" + _SCHEMA + _SCHEMA_2 +
                    f"INSERT INTO schema_version VALUES ({SCHEMA_VERSION}); COMMIT;")
                self.version = SCHEMA_VERSION
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as e:
            raise InputError(f"store {self.path}: not a readable SQLite store ({e})") from None

    # -- context manager -------------------------------------------------
    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing -------------------------------------------------------
    def _tx(self, fn):
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                fn()
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise InputError(f"store {self.path}: cannot write ({e})") from None

    def put_campaign(self, camp, source=None):
        """Record (or update) a campaign's name, description and limit."""
        self._tx(lambda: self.db.execute(
            "INSERT OR REPLACE INTO campaigns VALUES (?, ?, ?, ?, ?)",
            (camp["name"], camp.get("description", ""), camp.get("time_limit"),
             str(source) if source else None, utc_now())))

    def put(self, campaign, rec):
        """Store one cell record (one transaction: all of it or nothing).

        ``rec`` is a campaign record (:func:`superpos_formal.campaign.run_cell`)
        with optional ``host``, ``started``, ``finished``, ``solver`` and
        ``versions``; it is checked first (:func:`~superpos_formal.campaign.check_record`).
        An existing row of the same cell is replaced unless it is decided
        and the new one is not (a decided answer is never lost).
        """
        rows = self._rows(campaign, rec)
        self._tx(lambda: self._write(*rows))
        return rows[1]

    def _rows(self, campaign, rec):
        """What :meth:`_write` writes for ``rec`` (checked; nothing written)."""
        check_record(rec)
        q = question_of(rec["cell"])
        cid = cell_id(rec["cell"])
        out = outcome_of(rec)
        limit = rec.get("time_limit")
        # a cell the run's --budget cut did not reach its own limit
        reached = (any(r["status"] == "UNKNOWN" for r in rec.get("table", []))
                   and not rec.get("cut"))
        checked = None
        if rec.get("minimum") is not None:
            checked = int(bool(rec.get("certified")))
        row = (campaign, cid, json.dumps(q, sort_keys=True), rec.get("subject"), out,
               rec.get("minimum"), checked, rec.get("seconds"), limit, int(reached),
               rec.get("solver"), json.dumps(rec.get("versions")) if rec.get("versions")
               else None, rec.get("bundle"), _manifest_sha(rec.get("bundle")),
               rec.get("host"), rec.get("started"), rec.get("finished"),
               json.dumps(dict(rec, id=cid), sort_keys=True))
        solves = [(campaign, cid, r["n"], limit, r.get("B"), r["status"],
                   None if r["status"] != "UNSAT" else int(r.get("proof") == "checked"),
                   r.get("seconds"), int(r["status"] == "UNKNOWN"), r.get("vars"),
                   r.get("clauses")) for r in rec.get("table", [])]
        return campaign, cid, out, row, solves

    def _write(self, campaign, cid, out, row, solves):
        """Write one cell's rows; inside a transaction of the caller."""
        old = self.db.execute("SELECT outcome FROM cells WHERE campaign=? AND id=?",
                              (campaign, cid)).fetchone()
        if not (old and old[0] == "decided" and out != "decided"):
            self.db.execute("INSERT OR REPLACE INTO cells VALUES "
                            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
        for r in solves:
            self.db.execute("INSERT OR REPLACE INTO solves VALUES (?,?,?,?,?,?,?,?,?,?,?)", r)

    def put_best_known(self, entry, start_name=None, log=True, on_win=None):
        """Offer a registry entry (:func:`~superpos_formal.certify.best_known.make_entry`).

        The entry is re-checked first (fields, exact verification of its
        networks on every input: :func:`~superpos_formal.certify.best_known.check_entry`);
        an unverified or malformed one raises InputError and nothing is
        written. Then, in one transaction: the offer is logged in
        ``best_known_runs`` (with ``log``), and the ``best_known`` row is
        replaced only when the entry is lexicographically smaller than the
        stored one. ``on_win()`` (e.g. writing the entry's bundle) runs
        inside that transaction when the entry wins: if it raises, nothing
        is written. Returns True when it replaced (or created) the row.
        """
        key, _, _ = BK.check_entry(entry)
        slug = BK.slug_of(entry)
        new = BK.entry_counts(entry)
        kept = []

        def write():
            old = self.db.execute("SELECT entry FROM best_known WHERE key=?", (key,)).fetchone()
            wins = BK.better(entry, None if old is None else json.loads(old[0]))
            if wins:
                self.db.execute(
                    "INSERT OR REPLACE INTO best_known VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key, slug, entry["subject"], entry["question"],
                     json.dumps(entry["bounds"], sort_keys=True), *new,
                     entry["minimality"], entry["best"].get("bundle"), utc_now(),
                     json.dumps(entry, sort_keys=True)))
                if on_win is not None:
                    on_win()
            if log:
                st = entry["start"]
                self.db.execute(
                    "INSERT INTO best_known_runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (key, slug, utc_now(), start_name or st.get("name"),
                     st.get("hidden_neurons"), *new, int(wins),
                     json.dumps(entry, sort_keys=True)))
            kept.append(wins)
        self._need_registry()
        self._tx(write)
        return kept[0]

    def refresh_best_known(self, minima):
        """Re-read every entry's certified minimum and minimality from
        ``minima`` (one transaction); returns the number of entries changed."""
        self._need_registry()
        changed = []

        def write():
            for key, text in self.db.execute("SELECT key, entry FROM best_known").fetchall():
                old = json.loads(text)
                new = BK.refresh_entry(old, minima)
                if new is not old:
                    self.db.execute("UPDATE best_known SET entry=?, minimality=? WHERE key=?",
                                    (json.dumps(new, sort_keys=True), new["minimality"], key))
                    changed.append(key)
        self._tx(write)
        return len(changed)

    def _need_registry(self):
        if getattr(self, "version", 1) < 2:
            raise InputError(f"store {self.path}: schema version 1 has no best-known "
                             f"registry (open it for writing once to upgrade)")

    def best_known(self):
        """Every registry entry (dicts, sorted by slug); ``[]`` for a
        version-1 store opened read-only."""
        if getattr(self, "version", 1) < 2:
            return []
        return [json.loads(r[0]) for r in self.db.execute(
            "SELECT entry FROM best_known ORDER BY slug")]

    def best_known_runs(self):
        """``{entry key: [{start_name, start_n, best_n}, ...]}``: per question
        and starting network, the smallest width any logged run reached."""
        if getattr(self, "version", 1) < 2:
            return {}
        out = {}
        for key, name, sn, bn in self.db.execute(
                "SELECT key, start_name, start_n, MIN(best_n) FROM best_known_runs "
                "GROUP BY key, start_name, start_n ORDER BY key, start_name, start_n"):
            out.setdefault(key, []).append({"start_name": name, "start_n": sn, "best_n": bn})
        return out

    # -- reading -------------------------------------------------------
    def get(self, campaign, cid):
        """The stored row of one cell as a dict, or None."""
        cur = self.db.execute("SELECT * FROM cells WHERE campaign=? AND id=?", (campaign, cid))
        r = cur.fetchone()
        if r is None:
            return None
        return dict(zip([c[0] for c in cur.description], r))

    def records(self, campaign):
        """The stored records of a campaign, in insertion order; each one is
        checked (:func:`parse_record`): a malformed row is an InputError
        naming the store, the campaign and the cell."""
        return [parse_record(text, f"store {self.path}: campaign {campaign!r} cell {cid}")
                for cid, text in self.db.execute(
                    "SELECT id, record FROM cells WHERE campaign=? ORDER BY rowid",
                    (campaign,))]

    def campaign(self, name):
        r = self.db.execute("SELECT name, description, time_limit FROM campaigns "
                            "WHERE name=?", (name,)).fetchone()
        if r is None:
            if self.db.execute("SELECT 1 FROM cells WHERE campaign=?", (name,)).fetchone():
                return {"name": name, "description": "", "time_limit": None}
            raise InputError(f"store {self.path}: no campaign {name!r} "
                             f"(has: {', '.join(self.campaign_names()) or 'none'})")
        return {"name": r[0], "description": r[1] or "", "time_limit": r[2]}

    def campaign_names(self):
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT campaign FROM cells UNION SELECT name FROM campaigns ORDER BY 1")]

    def solves(self, campaign, cid):
        cur = self.db.execute("SELECT * FROM solves WHERE campaign=? AND cell_id=? "
                              "ORDER BY n, time_limit", (campaign, cid))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def plan(self, campaign, cid, time_limit):
        """``('skip' | 'run', reason)`` for a cell under ``time_limit``.

        Decided cells are skipped; an open cell reruns only with a larger
        limit than the one it reached (``None`` = no limit = larger than any).
        """
        row = self.get(campaign, cid)
        if row is None:
            return "run", "new cell"
        if row["outcome"] == "decided":
            return "skip", "decided"
        if row["outcome"] == "error":
            return "run", "the last attempt failed"
        if not row["limit_reached"]:
            return "run", "cut by a --budget before its limit"
        old = row["time_limit"]
        if old is None:
            return "skip", "open without a limit"
        if time_limit is None or time_limit > old:
            return "run", f"open at limit {old:g}s; retry with {time_limit or 'no limit'}"
        return "skip", f"open at limit {old:g}s; rerun needs a larger limit"


def _parses(line):
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def read_jsonl(path):
    """The checked records of a campaign JSONL file: ``[(line number,
    record)]``. Read through the bounded reader (regular files only, at most
    :data:`~superpos_formal.inputs.MAX_JSONL_BYTES`); a torn last line (no
    newline, not JSON: a runner killed mid-append) is dropped and said so;
    any other malformed line is an InputError naming file and line."""
    p = Path(path)
    data = read_bytes(p, MAX_JSONL_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: not UTF-8 text (byte {e.start})") from None
    lines = text.splitlines()
    out = []
    for k, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if k == len(lines) and not text.endswith("\n") and not _parses(line):
            # a runner killed in the middle of an append: the record was
            # never complete; dropped, said so, the rest is imported
            print(f"{p}:{k}: dropped a torn last line ({len(line)} bytes)", file=sys.stderr)
            continue
        out.append((k, parse_record(line, f"{p}:{k}")))
    return out


def import_jsonl(store, paths, campaigns=None, only_decided=False, only_cells=None):
    """Import campaign JSONL results into ``store``, all or nothing.

    ``campaigns``: optional ``{name: campaign dict}`` for descriptions.
    Every file is read, every record checked (:func:`read_jsonl`) and every
    row prepared before anything is written, and then all of them are
    written in one transaction: a malformed line, or a failure while
    writing, leaves the store unchanged. A record is added when the store
    has no row of its cell, or only an open / failed one and the record is
    decided (a decided answer wins over an open one); otherwise it is
    skipped. With ``only_decided`` open records are left out, with
    ``only_cells`` (a set of cell ids) records of other cells. Returns
    ``(added, skipped)``.
    """
    todo = []
    for p in paths:
        for k, rec in read_jsonl(p):
            if only_decided and outcome_of(rec) != "decided":
                continue
            if only_cells is not None and cell_id(rec["cell"]) not in only_cells:
                continue
            todo.append((Path(p).stem, dict(rec, imported_from=f"{p}:{k}")))
    rows = []
    for name, rec in todo:
        rec = dict(rec, host=rec.get("host", "imported"))
        try:
            rows.append(store._rows(name, rec))
        except InputError as e:
            raise InputError(f"{rec['imported_from']}: malformed record ({e})") from None
    counts = {"added": 0, "skipped": 0}

    def write():
        for r in rows:
            name, cid, out = r[0], r[1], r[2]
            old = store.db.execute("SELECT outcome FROM cells WHERE campaign=? AND id=?",
                                   (name, cid)).fetchone()
            if old is not None and (old[0] == "decided" or out != "decided"):
                counts["skipped"] += 1
                continue
            store._write(*r)
            counts["added"] += 1
        for name in sorted({n for n, _ in todo}):
            camp = (campaigns or {}).get(name)
            if camp is None:
                if store.db.execute("SELECT 1 FROM campaigns WHERE name=?",
                                    (name,)).fetchone():
                    continue
                limits = {r.get("time_limit") for n, r in todo if n == name}
                camp = {"name": name, "description": "",
                        "time_limit": limits.pop() if len(limits) == 1 else None}
            store.db.execute("INSERT OR REPLACE INTO campaigns VALUES (?, ?, ?, ?, ?)",
                             (camp["name"], camp.get("description", ""),
                              camp.get("time_limit"), None, utc_now()))

    store._tx(write)
    return counts["added"], counts["skipped"]


def render_markdown(store, name):
    """The campaign's Markdown table, rendered from the store."""
    return render_table(store.campaign(name), store.records(name))


_CSV_COLS = ["id", "subject", "mode", "activation", "L", "B", "B_bias", "B_code", "theta",
             "codes", "n_min", "n_max", "outcome", "minimum", "checked", "per_n",
             "seconds", "time_limit", "limit_reached", "solver", "bundle",
             "manifest_sha256", "host", "started", "finished"]


def render_csv(store, name):
    """One CSV row per cell of the campaign, every bound in its own column."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_CSV_COLS)
    cur = store.db.execute("SELECT * FROM cells WHERE campaign=? ORDER BY rowid", (name,))
    cols = [c[0] for c in cur.description]
    for r in cur.fetchall():
        row = dict(zip(cols, r))
        rec = parse_record(row["record"], f"store {store.path}: campaign {name!r} "
                                          f"cell {row['id']}")
        # the question column is derived from the checked record's cell
        q = question_of(rec["cell"])
        sh = q["shape"]
        per = " ".join(f"{t['n']}:{t['status']}" for t in rec.get("table", []))
        vals = dict(row, mode=sh["mode"], activation=sh["activation"], L=sh["L"], B=sh["B"],
                    B_bias=sh["B_bias"], B_code=sh.get("B_code"), theta=sh["theta"],
                    codes=sh.get("codes"), n_min=q["n_min"], n_max=q["n_max"], per_n=per)
        w.writerow(["" if vals.get(c) is None else vals[c] for c in _CSV_COLS])
    if not store.db.execute("SELECT 1 FROM cells WHERE campaign=?", (name,)).fetchone():
        store.campaign(name)  # raises when the campaign is unknown
    return buf.getvalue()


def sync_best_known(store, registry_dir, minima=None, root="."):
    """Merge the committed export ``registry_dir/registry.json`` into the
    store's registry (each entry re-verified; the smaller network wins), then
    rewrite the export (``registry.json``, ``registry.csv``, ``README.md``)
    from the store, so a store that starts empty never shrinks the export.
    The export's networks are read from their bundles under ``root``.
    ``minima`` (:func:`~superpos_formal.certify.best_known.certified_minima`)
    refreshes each entry's certified minimum. Returns the entries written."""
    # the export's run summary is read before the export is rewritten: a
    # store that starts empty would otherwise drop every earlier run
    earlier_runs = BK.load_registry_runs(registry_dir)
    for e in BK.load_registry(registry_dir):
        old = store.db.execute("SELECT entry FROM best_known WHERE key=?",
                               (BK.entry_key(e),)).fetchone()
        if old is not None and not BK.better(e, json.loads(old[0])):
            # the store's entry is as good or better; the export may be stale
            # (its bundle already rewritten for the store's better network)
            continue
        store.put_best_known(dict(e, networks=BK.bundle_networks(root, e)), log=False)
    if minima is not None:
        store.refresh_best_known(minima)
    entries = store.best_known()
    BK.write_exports(entries, registry_dir,
                     runs=BK.merge_runs(entries, store.best_known_runs(), earlier_runs))
    return entries
