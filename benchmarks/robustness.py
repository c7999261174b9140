"""Bad input and faults, one command each (issue 22): the tally.

Every case below is one ``python -m superpos_formal ...`` command run in a
subprocess (own session, stdin closed, a wall timeout, the tree's memory
watched). Its outcome is classified:

``clean``
    what the case expects: by default exit 2 with exactly one
    ``superpos: error: ...`` line and no traceback; cases marked ``ok``
    accept any exit in their ``rcs`` without a traceback or a SOUNDNESS
    ERROR (a resource limit is UNKNOWN, never a soundness error).
``traceback``
    ``Traceback`` on stderr.
``hang``
    still running at the timeout (killed), or its process tree grew past
    :data:`MAX_RSS` (an unbounded read; killed).
``soundness``
    ``SOUNDNESS ERROR`` for what is a resource or input problem.
``wrong``
    anything else: e.g. exit 0 for input that must be refused, or a
    post-check failed (the store changed although the command failed, a
    decided result was replaced, a temporary folder was left behind).
``orphans``
    (counted separately) processes of the command's session still alive
    after it ended.

Usage::

    python benchmarks/robustness.py                 # every case, tally on stdout
    python benchmarks/robustness.py -k import -v    # cases whose name has 'import'
    python benchmarks/robustness.py --list

Run from the repository root (it sets ``PYTHONPATH`` to it). The slow cases
(a Dask cluster, a 26 s cell cut by a budget) are marked ``slow``;
``--fast`` leaves them out. ``tests/test_robust_cases.py`` runs a fast
subset under pytest.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
#: a command's process tree may not grow past this resident size (bytes)
MAX_RSS = 2_000_000_000
DEFAULT_TIMEOUT = 90.0


class Case:
    """One bad input: ``build(tmp)`` returns the argv after ``superpos``
    (and may prepare files in ``tmp``); ``check(tmp, proc)`` returns a
    problem string or None; ``expect`` is ``error`` (exit 2, one line) or
    ``ok`` (any exit in ``rcs``, no traceback, no soundness error)."""

    def __init__(self, name, build, *, expect="error", rcs=(0, 1, 2, 124), check=None,
                 timeout=DEFAULT_TIMEOUT, slow=False, during=None, cleanup=None, words=None):
        self.name, self.build, self.expect, self.rcs = name, build, expect, rcs
        #: the error line must say this (a clean line about something else,
        #: e.g. "out of memory" for a peer that is not Dask, is wrong)
        self.words = words
        self.check, self.timeout, self.slow = check, timeout, slow
        self.during, self.cleanup = during, cleanup


# ----------------------------------------------------------- fixtures

CELL = {"task": {"kind": "uand", "m": 2},
        "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 2}


def good_record(**change):
    r = {"id": "x", "cell": CELL, "subject": "uand(m=2)", "bounds": "B=1 B_bias=1 theta=1",
         "minimum": 1, "certified": True, "note": "",
         "table": [{"n": 1, "B": 1, "status": "SAT", "seconds": 0.01}],
         "seconds": 0.01, "time_limit": 30,
         "best_counts": {"hidden_neurons": 1, "layers": 1, "params_dense": 5,
                         "params_nonzero": 4, "bits": 10, "code_nonzeros": 2}}
    r.update(change)
    return {k: v for k, v in r.items() if v is not _DROP}


_DROP = object()


def campaign_file(tmp, cells=None, name="tiny", **extra):
    d = dict({"format": "superpos-formal/campaign", "version": 1, "name": name,
              "time_limit": 30, "cells": cells or [CELL]}, **extra)
    p = tmp / f"{name}.json"
    p.write_text(json.dumps(d))
    return str(p)


def jsonl(tmp, records, name="tiny", raw=None):
    p = tmp / f"{name}.jsonl"
    if raw is not None:
        p.write_bytes(raw)
    else:
        p.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(p)


_TEMPLATE = {}


def good_store(tmp):
    """A store holding campaign ``tiny`` with one decided cell (made once by
    ``campaign import``, then copied)."""
    if "store" not in _TEMPLATE:
        d = Path(tempfile.mkdtemp(prefix="robust-template-"))
        src = jsonl(d, [good_record()])
        p = subprocess.run([PY, "-m", "superpos_formal", "campaign", "import", src,
                            "--store", str(d / "s.sqlite")], cwd=ROOT, env=_env(),
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise SystemExit(f"cannot make the template store: {p.stderr}")
        _TEMPLATE["store"] = d / "s.sqlite"
    dst = tmp / "s.sqlite"
    shutil.copy(_TEMPLATE["store"], dst)
    return str(dst)


def tampered_store(tmp, record_text):
    s = good_store(tmp)
    db = sqlite3.connect(s)
    db.execute("UPDATE cells SET record=?", (record_text,))
    db.commit()
    db.close()
    return s


def cell_count(store):
    if not os.path.exists(store):
        return 0
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT count(*) FROM cells").fetchone()[0]
    except sqlite3.Error:
        return -1
    finally:
        db.close()


def work_folder(tmp):
    """A cube work folder of a small UNSAT cell (uand m=3, n=1)."""
    if "work" not in _TEMPLATE:
        d = Path(tempfile.mkdtemp(prefix="robust-work-")) / "w"
        p = subprocess.run([PY, "-m", "superpos_formal", *CUBE_CELL, "--work", str(d),
                            "--quiet"], cwd=ROOT, env=_env(), capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise SystemExit(f"cannot make the template work folder: {p.stderr}")
        _TEMPLATE["work"] = d
    dst = tmp / "w"
    shutil.copytree(_TEMPLATE["work"], dst)
    return dst


CUBE_CELL = ["cubes", "--task", "uand", "--m", "3", "--n", "1", "--mode", "explicit",
             "--activation", "step", "--B", "2"]


def tamper_work(how):
    def build(tmp):
        w = work_folder(tmp)
        ref = sorted((w / "refuted").glob("*.json"))
        j, g = ref[0], ref[0].with_suffix("").with_suffix(".drat.gz")
        doc = json.loads(j.read_text())
        if how == "garbage-gzip":
            g.write_bytes(b"\x1f\x8bthis is not gzip")
            doc["proof_gz_sha256"] = __import__("hashlib").sha256(g.read_bytes()).hexdigest()
            j.write_text(json.dumps(doc))
        elif how == "non-ascii":
            j.write_bytes("{\"cube\": \"\u00e9\u00e9\"}".encode("latin-1"))
        elif how == "list":
            j.write_text("[1, 2, 3]")
        elif how == "strings-for-numbers":
            doc.update(seconds="x", cpu_seconds="y", proof_lines="many")
            j.write_text(json.dumps(doc))
        elif how == "file-for-folder":
            shutil.rmtree(w / "split")
            (w / "split").write_text("not a folder")
        elif how == "split-0":
            (w / "split" / "a.json").write_text(json.dumps({"cube": [], "children": 0}))
            _split_root(w, 0)
        elif how == "split-x":
            _split_root(w, "x")
        elif how == "state-list":
            (w / "state.json").write_text("[]")
        return CUBE_CELL + ["--work", str(w), "--quiet"]
    return build


def _split_root(w, value):
    # a split record for every refuted cube: children 0 / "x" instead of lists
    for j in (w / "refuted").glob("*.json"):
        (w / "split" / j.name).write_text(json.dumps({"cube": json.loads(j.read_text())["cube"],
                                                      "children": value}))


def fifo(tmp, name="fifo"):
    p = tmp / name
    os.mkfifo(p)
    return str(p)


# ----------------------------------------------------------- servers

class Server(threading.Thread):
    """A TCP listener on 127.0.0.1 that accepts and then sends ``banner``
    (or nothing) and never answers anything else."""

    def __init__(self, banner=b""):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.banner, self.conns = banner, []

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            if self.banner:
                try:
                    c.sendall(self.banner)
                except OSError:
                    pass


SERVERS = {}


def server(kind):
    if kind not in SERVERS:
        s = Server(b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\r\n" if kind == "ssh" else b"")
        s.start()
        SERVERS[kind] = s
    return f"tcp://127.0.0.1:{SERVERS[kind].port}"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class DaskCluster:
    """A scheduler and one worker as separate processes (killed in cleanup)."""

    def __init__(self):
        self.port = free_port()
        self.procs = []

    def start(self):
        env = _env()
        self.procs.append(subprocess.Popen(
            [PY, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
             str(self.port), "--dashboard-address", "127.0.0.1:0"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        time.sleep(4)
        self.procs.append(subprocess.Popen(
            [PY, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{self.port}",
             "--nthreads", "1", "--nworkers", "1", "--no-dashboard"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            cwd=ROOT))
        time.sleep(4)
        return f"tcp://127.0.0.1:{self.port}"

    def kill_scheduler(self):
        os.killpg(self.procs[0].pid, signal.SIGKILL)

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


# ----------------------------------------------------------- the cases

SLOW_CELL = {"task": {"kind": "uand", "m": 5},
             "shape": {"mode": "explicit", "activation": "relu", "B": 2}, "n_max": 10}


def _store_unchanged(n):
    def check(tmp, proc):
        got = cell_count(str(tmp / "s.sqlite"))
        return None if got == n else f"store has {got} cell(s), expected {n} (unchanged)"
    return check


def _table_still_renders(tmp, proc):
    p = _superpos(["campaign", "table", "slow", "--store", str(tmp / "s.sqlite")])
    if p.returncode != 0 or "Traceback" in p.stderr:
        return f"campaign table afterwards: exit {p.returncode}: {p.stderr.strip()[-200:]}"
    left = [str(x) for x in (tmp / "proofs").rglob("*") if x.name.startswith(".tmp-")
            or x.parent.name == "work"] if (tmp / "proofs").exists() else []
    if left:
        return f"left behind: {left[:3]}"
    return None


def _decided_kept(tmp, proc):
    p = _superpos(["campaign", "table", "slow", "--store", str(tmp / "s.sqlite"),
                   "--format", "jsonl"])
    recs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    if not recs or recs[0].get("minimum") != 3:
        return f"the decided minimum 3 was replaced: {p.stdout[:200]} {p.stderr[-200:]}"
    md = (tmp / "res" / "slow.md")
    rows = [ln for ln in md.read_text().splitlines() if "uand(m=5)" in ln] if md.exists() \
        else []
    if not rows or any("UNKNOWN" in ln for ln in rows):
        return f"the rendered table does not show the decided minimum: {rows}"
    return None


def _decided_wins(tmp, proc):
    p = _superpos(["campaign", "table", "tiny", "--store", str(tmp / "s.sqlite"),
                   "--format", "jsonl"])
    recs = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    if len(recs) != 1 or recs[0].get("minimum") != 1:
        return f"the decided record did not replace the open one: {p.stdout[:300]}"
    return None


def _file_kept(name, content):
    def check(tmp, proc):
        got = (tmp / name).read_bytes() if (tmp / name).exists() else None
        return None if got == content else f"{name} changed: {got!r:.60}"
    return check


def _slow_decided_record():
    return good_record(cell=SLOW_CELL, subject="uand(m=5)", minimum=3, time_limit=None,
                       table=[{"n": 2, "B": 2, "status": "UNSAT", "seconds": 1.0},
                              {"n": 3, "B": 2, "status": "SAT", "seconds": 1.0}])


def _slow_decided_store(tmp):
    """The decided cell in the store."""
    src = jsonl(tmp, [_slow_decided_record()], name="slow")
    p = _superpos(["campaign", "import", src, "--store", str(tmp / "s.sqlite")])
    assert p.returncode == 0, p.stderr
    return campaign_file(tmp, [SLOW_CELL], name="slow", time_limit=None)


def _slow_decided_jsonl(tmp):
    """The decided cell only in the committed RESULTS/<name>.jsonl (the
    store is git-ignored: a fresh clone starts without it)."""
    (tmp / "res").mkdir()
    jsonl(tmp / "res", [_slow_decided_record()], name="slow")
    return campaign_file(tmp, [SLOW_CELL], name="slow", time_limit=None)


def _open_then_decided(tmp):
    s = good_store(tmp)
    db = sqlite3.connect(s)
    rec = good_record(minimum=None, certified=False,
                      table=[{"n": 1, "B": 1, "status": "UNKNOWN", "seconds": 0.01}])
    db.execute("UPDATE cells SET outcome='open', minimum=NULL, record=?", (json.dumps(rec),))
    db.commit()
    db.close()
    return ["campaign", "import", jsonl(tmp, [good_record()]), "--store", s]


def cases():
    C = []
    add = C.append
    # -- store records read back (campaign table / run)
    bad_records = {
        "not-json": "{not json",
        "no-shape": json.dumps(good_record(cell={"task": CELL["task"], "n_max": 2})),
        "no-table": json.dumps(good_record(table=_DROP)),
        "no-minimum": json.dumps(good_record(minimum=_DROP)),
        "no-seconds-row": json.dumps(good_record(table=[{"n": 1, "status": "SAT"}])),
        "minimum-string": json.dumps(good_record(minimum="two")),
        "best-counts-list": json.dumps(good_record(best_counts=[1, 2])),
        "subject-null": json.dumps(good_record(subject=None)),
        "record-a-list": "[1, 2]",
    }
    for k, text in bad_records.items():
        add(Case(f"store-record-{k}/table",
                 lambda t, text=text: ["campaign", "table", "tiny", "--store",
                                       tampered_store(t, text)]))
        add(Case(f"store-record-{k}/run",
                 lambda t, text=text: ["campaign", "run", campaign_file(t), "--store",
                                       tampered_store(t, text), "--results", str(t / "res"),
                                       "--quiet"]))
    add(Case("store-record-not-json/csv",
             lambda t: ["campaign", "table", "tiny", "--format", "csv", "--store",
                        tampered_store(t, "{not json")]))
    add(Case("table-o-directory",
             lambda t: ["campaign", "table", "tiny", "--store", good_store(t), "-o", str(t)]))
    add(Case("table-o-missing-dir",
             lambda t: ["campaign", "table", "tiny", "--store", good_store(t), "-o",
                        str(t / "no" / "such" / "t.md")]))
    add(Case("run-results-unwritable",
             lambda t: ["campaign", "run", campaign_file(t), "--store", good_store(t),
                        "--results", "/proc/self/nope", "--quiet"]))
    # -- import
    add(Case("import-binary-garbage",
             lambda t: ["campaign", "import", jsonl(t, None, raw=os.urandom(4096) + b"\n"),
                        "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    add(Case("import-invalid-utf8",
             lambda t: ["campaign", "import", jsonl(t, None, raw=json.dumps(
                 good_record()).encode().replace(b"uand(m=2)", b"uand\xff\xfe") + b"\n"),
                 "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    add(Case("import-row-without-status",
             lambda t: ["campaign", "import", jsonl(t, [good_record(table=[{"n": 1}])]),
                        "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    add(Case("import-int-too-large",
             lambda t: ["campaign", "import", jsonl(t, [good_record(minimum=10 ** 30)]),
                        "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    add(Case("import-int-too-large-n",
             lambda t: ["campaign", "import", jsonl(t, [good_record(
                 table=[{"n": 10 ** 30, "status": "SAT", "seconds": 1}])]),
                 "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    cell2 = dict(CELL, task={"kind": "uand", "m": 3})
    cell3 = dict(CELL, task={"kind": "uand", "m": 4})
    add(Case("import-all-or-nothing",
             lambda t: ["campaign", "import", jsonl(t, [
                 good_record(), good_record(cell=cell2),
                 good_record(cell=cell3, table=[{"n": 1, "status": "MAYBE", "seconds": 1}])]),
                 "--store", str(t / "s.sqlite")], check=_store_unchanged(0)))
    for k, rec in {"no-minimum": good_record(minimum=_DROP),
                   "subject-null": good_record(subject=None),
                   "no-seconds": good_record(seconds=_DROP),
                   "minimum-string": good_record(minimum="two"),
                   "best-counts-list": good_record(best_counts=[1, 2]),
                   "certified-string": good_record(certified="yes"),
                   "table-row-a-string": good_record(table=["SAT"])}.items():
        add(Case(f"import-{k}",
                 lambda t, rec=rec: ["campaign", "import", jsonl(t, [rec]), "--store",
                                     str(t / "s.sqlite")], check=_store_unchanged(0)))
    add(Case("import-dev-zero",
             lambda t: ["campaign", "import", "/dev/zero", "--store", str(t / "s.sqlite")]))
    add(Case("import-decided-wins-over-open", _open_then_decided, expect="ok", rcs=(0,),
             check=_decided_wins))
    # -- numbers
    for v in ("nan", "inf", "1e300", "-1"):
        add(Case(f"run-memory-limit-{v}",
                 lambda t, v=v: ["campaign", "run", campaign_file(t), "--store",
                                 str(t / "s.sqlite"), "--memory-limit", v, "--quiet"]))
    for v in ("nan", "inf", "1e308", "-5"):
        add(Case(f"improve-budget-{v}",
                 lambda t, v=v: ["improve", "--task", "uand", "--m", "3", "--budget", v]))
    add(Case("cubes-workers-negative", lambda t: CUBE_CELL + ["--workers", "-3"]))
    # -- Dask addresses
    for addr in ("bogus", "tcp://HOST:PORT", "udp://127.0.0.1:8786", "tcp://127.0.0.1:1"):
        add(Case(f"run-scheduler-{addr}",
                 lambda t, addr=addr: ["campaign", "run", campaign_file(t), "--store",
                                       str(t / "s.sqlite"), "--scheduler", addr, "--quiet"],
                 timeout=60, words="--scheduler"))
    add(Case("cubes-scheduler-bogus", lambda t: CUBE_CELL + ["--scheduler", "bogus"],
             timeout=60, words="--scheduler"))
    add(Case("run-scheduler-silent-listener",
             lambda t: ["campaign", "run", campaign_file(t), "--store", str(t / "s.sqlite"),
                        "--scheduler", server("silent"), "--quiet"], timeout=75,
             words="--scheduler"))
    add(Case("run-scheduler-ssh-banner",
             lambda t: ["campaign", "run", campaign_file(t), "--store", str(t / "s.sqlite"),
                        "--scheduler", server("ssh"), "--quiet"], timeout=75,
             words="--scheduler"))
    add(Case("cubes-scheduler-ssh-banner",
             lambda t: CUBE_CELL + ["--scheduler", server("ssh"), "--quiet"], timeout=75,
             words="--scheduler"))
    add(Case("run-workers-1000",
             lambda t: ["campaign", "run", campaign_file(t), "--store", str(t / "s.sqlite"),
                        "--workers", "1000", "--budget", "20", "--quiet"],
             expect="ok", rcs=(0, 1, 124), timeout=60, slow=True))
    cluster = {}

    def dask_build(t):
        cluster["c"] = DaskCluster()
        addr = cluster["c"].start()
        return ["campaign", "run", campaign_file(t, [SLOW_CELL], name="slow"), "--store",
                str(t / "s.sqlite"), "--scheduler", addr, "--quiet"]

    add(Case("run-scheduler-killed-mid-run", dask_build, expect="ok", rcs=(1, 2, 124),
             timeout=120, slow=True, during=lambda t: (time.sleep(8),
                                                       cluster["c"].kill_scheduler()),
             cleanup=lambda t: cluster["c"].stop()))
    # -- improve
    for spec in ("stars:t=3", "channels:n=3", "hmvc:n=3,q=2,theta=1", "stars:t=3,k_in=2",
                 "stars:t=100000", "stars:t=100000000000000000000", "explicit:x=1",
                 "hmvc:q=-1"):
        add(Case(f"improve-from-{spec}",
                 lambda t, spec=spec: ["improve", "--task", "uand", "--m", "3", "--from",
                                       f"construction:{spec}", "--budget", "10"],
                 timeout=60))

    def registry_file(t):
        (t / "reg").write_text("x")
        return ["improve", "--task", "uand", "--m", "3", "--budget", "2", "--max-steps", "1",
                "--registry", str(t / "reg"), "--store", str(t / "s.sqlite"),
                "--bundle-root", str(t / "b")]

    def registry_json(text):
        def build(t):
            (t / "reg").mkdir()
            (t / "reg" / "registry.json").write_text(text)
            return ["improve", "--task", "uand", "--m", "3", "--budget", "2", "--max-steps",
                    "1", "--registry", str(t / "reg"), "--store", str(t / "s.sqlite"),
                    "--bundle-root", str(t / "b")]
        return build

    add(Case("improve-registry-a-file", registry_file, timeout=60))
    add(Case("improve-registry-invalid-json", registry_json("{nope"), timeout=60))
    add(Case("improve-registry-entry-missing-fields", registry_json(json.dumps(
        {"format": "superpos-formal/best-known-registry", "version": 1,
         "entries": [{"format": "superpos-formal/best-known", "slug": "x"}]})),
        timeout=60))
    add(Case("improve-registry-entries-not-list", registry_json(json.dumps(
        {"format": "superpos-formal/best-known-registry", "version": 1, "entries": 5})),
        timeout=60))
    add(Case("improve-start-dev-zero",
             lambda t: ["improve", "--task", "uand", "--m", "3", "--start", "/dev/zero"]))
    add(Case("improve-start-fifo",
             lambda t: ["improve", "--task", "uand", "--m", "3", "--start", fifo(t)],
             timeout=30))
    # -- cubes
    add(Case("cubes-o-regular-file-overwrite",
             lambda t: ((t / "f").write_text("x"),
                        CUBE_CELL + ["-o", str(t / "f"), "--overwrite", "--quiet"])[1],
             check=_file_kept("f", b"x")))
    for how in ("garbage-gzip", "non-ascii", "list", "strings-for-numbers", "file-for-folder",
                "split-0", "split-x"):
        add(Case(f"cubes-work-tampered-{how}", tamper_work(how), expect="ok", rcs=(0,)))
    add(Case("cubes-work-state-a-list", tamper_work("state-list")))
    add(Case("cubes-members-dev-zero",
             lambda t: ["cubes", "--family", "permutations", "--m", "3", "--n", "1",
                        "--members", "/dev/zero"]))
    # -- campaign proof cut by a budget; decided results kept
    add(Case("run-proof-budget-5",
             lambda t: ["campaign", "run", campaign_file(t, [SLOW_CELL], name="slow",
                                                         proof=True, time_limit=None),
                        "--store", str(t / "s.sqlite"), "--proofs", str(t / "proofs"),
                        "--results", str(t / "res"), "--budget", "5", "--quiet"],
             expect="ok", rcs=(0, 1, 124), timeout=60, check=_table_still_renders, slow=True))
    add(Case("run-budget-keeps-decided/store",
             lambda t: ["campaign", "run", _slow_decided_store(t), "--store",
                        str(t / "s.sqlite"), "--results", str(t / "res"), "--budget", "5",
                        "--quiet"], expect="ok", rcs=(0, 1, 124), timeout=60,
             check=_decided_kept))
    add(Case("run-budget-keeps-decided/jsonl",
             lambda t: ["campaign", "run", _slow_decided_jsonl(t), "--store",
                        str(t / "s.sqlite"), "--results", str(t / "res"), "--budget", "5",
                        "--quiet"], expect="ok", rcs=(0, 1, 124), timeout=60,
             check=_decided_kept))

    def one_byte(t):
        (t / "one").write_bytes(b"x")
        return ["campaign", "run", campaign_file(t), "--store", str(t / "one"), "--quiet"]

    add(Case("store-one-byte-file", one_byte, check=_file_kept("one", b"x")))
    add(Case("store-one-byte-file/table",
             lambda t: ((t / "one").write_bytes(b"x"),
                        ["campaign", "table", "tiny", "--store", str(t / "one")])[1]))
    add(Case("store-fifo/run",
             lambda t: ["campaign", "run", campaign_file(t), "--store", fifo(t), "--quiet"],
             timeout=30))
    add(Case("store-fifo/table",
             lambda t: ["campaign", "table", "tiny", "--store", fifo(t)], timeout=30))
    add(Case("store-dev-zero/table",
             lambda t: ["campaign", "table", "tiny", "--store", "/dev/zero"], timeout=30))
    add(Case("campaign-duplicate-after-normalisation",
             lambda t: ["campaign", "run", campaign_file(t, [
                 CELL, dict(CELL, shape=dict(CELL["shape"], B_bias=1))]),
                 "--store", str(t / "s.sqlite"), "--quiet"], check=_store_unchanged(0)))
    add(Case("run-memory-limit-0.01",
             lambda t: ["campaign", "run", campaign_file(t), "--store", str(t / "s.sqlite"),
                        "--memory-limit", "0.01", "--quiet"]))
    # -- unbounded reads
    for dev in ("/dev/zero", "/dev/urandom"):
        add(Case(f"campaign-file-{dev}", lambda t, dev=dev: ["campaign", "run", dev,
                                                             "--store", str(t / "s.sqlite")]))
        add(Case(f"task-file-{dev}", lambda t, dev=dev: ["min-neurons", "--task-file", dev,
                                                         "--mode", "explicit"]))
        add(Case(f"network-{dev}", lambda t, dev=dev: ["show", dev]))
    add(Case("campaign-file-fifo", lambda t: ["campaign", "run", fifo(t), "--store",
                                              str(t / "s.sqlite")], timeout=30))
    add(Case("campaign-file-directory", lambda t: ["campaign", "run", str(t), "--store",
                                                   str(t / "s.sqlite")]))
    add(Case("network-fifo", lambda t: ["show", fifo(t)], timeout=30))
    add(Case("import-fifo", lambda t: ["campaign", "import", fifo(t, "x.jsonl"), "--store",
                                       str(t / "s.sqlite")], timeout=30))
    add(Case("import-campaign-dev-zero",
             lambda t: ["campaign", "import", jsonl(t, [good_record()]), "--campaign",
                        "/dev/zero", "--store", str(t / "s.sqlite")]))
    add(Case("task-file-fifo", lambda t: ["min-neurons", "--task-file", fifo(t), "--mode",
                                          "explicit"], timeout=30))
    # -- verify reads a bundle's JSON bounded (the checkers' budgets are h21b's)
    def claim(text=None, size=None):
        def build(t):
            b = t / "bundle"
            b.mkdir()
            if size is not None:
                with open(b / "claim.json", "wb") as fh:
                    fh.truncate(size)  # sparse: the size without the disk
            else:
                (b / "claim.json").write_text(text)
            (b / "manifest.json").write_text("{}")
            return ["verify", str(b)]
        return build

    add(Case("verify-claim-200MB", claim(size=200 * 1024 * 1024), expect="ok", rcs=(1, 2),
             timeout=60))
    add(Case("verify-claim-nested", claim("[" * 200000 + "]" * 200000), expect="ok",
             rcs=(1, 2), timeout=60))
    add(Case("verify-claim-fifo", lambda t: ((t / "b").mkdir(), os.mkfifo(t / "b" / "claim.json"),
                                             (t / "b" / "manifest.json").write_text("{}"),
                                             ["verify", str(t / "b")])[-1],
             expect="ok", rcs=(1, 2), timeout=60))
    return C


# ----------------------------------------------------------- running

def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")


def _superpos(args, timeout=60):
    return subprocess.run([PY, "-m", "superpos_formal", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def _session_pids(sid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                st = fh.read()
        except OSError:
            continue
        fields = st[st.rfind(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            out.append(int(d))
    return out


def _rss(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def _kill_session(sid):
    for p in _session_pids(sid):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_case(case):
    """Run one case; a dict with its class, exit status, seconds and detail."""
    tmp = Path(tempfile.mkdtemp(prefix="robust-"))
    try:
        argv = case.build(tmp)
        t0 = time.monotonic()
        proc = subprocess.Popen([PY, "-m", "superpos_formal", *map(str, argv)], cwd=tmp,
                                env=_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        if case.during:
            threading.Thread(target=case.during, args=(tmp,), daemon=True).start()
        outs = {}
        reader = threading.Thread(target=lambda: outs.update(zip(("out", "err"),
                                                                 proc.communicate())))
        reader.start()
        killed = None
        while reader.is_alive():
            reader.join(0.2)
            if not reader.is_alive():
                break
            if time.monotonic() - t0 > case.timeout:
                killed = f"timeout {case.timeout:g}s"
            elif _rss(_session_pids(proc.pid)) > MAX_RSS:
                killed = f"memory past {MAX_RSS / 1e9:g} GB"
            if killed:
                _kill_session(proc.pid)
                reader.join()
        seconds = time.monotonic() - t0
        time.sleep(0.3)
        orphans = _session_pids(proc.pid)
        if orphans:
            _kill_session(proc.pid)
        err = (outs.get("err") or b"").decode("utf-8", "replace")
        rc = proc.returncode
        errs = [ln for ln in err.splitlines() if ln.startswith("superpos: error: ")]
        detail = errs[0] if errs else err.strip().splitlines()[-1:] or [""]
        detail = detail if isinstance(detail, str) else detail[0]
        if killed:
            cls = "hang"
            detail = killed
        elif "Traceback" in err:
            cls = "traceback"
            tb = [ln for ln in err.splitlines() if ln and not ln.startswith(" ")]
            detail = tb[-1] if tb else ""
        elif "SOUNDNESS ERROR" in err:
            cls = "soundness"
        elif case.expect == "error":
            cls = "clean" if rc == 2 and len(errs) == 1 else "wrong"
            if cls == "wrong":
                detail = f"exit {rc}, {len(errs)} error line(s): {detail}"
        else:
            cls = "clean" if rc in case.rcs else "wrong"
            if cls == "wrong":
                detail = f"exit {rc} (expected {case.rcs}): {detail}"
        if cls == "clean" and case.words and not any(case.words in ln for ln in errs):
            cls, detail = "wrong", f"the error does not say {case.words!r}: {detail}"
        if cls == "clean" and case.check is not None:
            problem = case.check(tmp, proc)
            if problem:
                cls, detail = "wrong", problem
        return {"case": case.name, "class": cls, "rc": rc, "seconds": round(seconds, 1),
                "orphans": len(orphans), "detail": detail[:300]}
    except Exception as e:  # a broken case is reported, not fatal to the tally
        return {"case": case.name, "class": "wrong", "rc": None, "seconds": 0, "orphans": 0,
                "detail": f"case setup failed: {type(e).__name__}: {e}"[:300]}
    finally:
        if case.cleanup:
            try:
                case.cleanup(tmp)
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


CLASSES = ("clean", "traceback", "hang", "soundness", "wrong")


def tally(results):
    n = {c: sum(1 for r in results if r["class"] == c) for c in CLASSES}
    orphans = sum(r["orphans"] for r in results)
    lines = ["| cases | clean errors | tracebacks | hangs | soundness errors | wrong | orphans |",
             "|---|---|---|---|---|---|---|",
             f"| {len(results)} | {n['clean']} | {n['traceback']} | {n['hang']} | "
             f"{n['soundness']} | {n['wrong']} | {orphans} |"]
    bad = [r for r in results if r["class"] != "clean" or r["orphans"]]
    if bad:
        lines += ["", "Failing cases:", "", "| case | class | exit | s | orphans | detail |",
                  "|---|---|---|---|---|---|"]
        for r in bad:
            d = r["detail"].replace("|", "\\|")
            lines.append(f"| {r['case']} | {r['class']} | {r['rc']} | {r['seconds']} | "
                         f"{r['orphans']} | {d} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", default=None, help="only cases whose name contains this")
    ap.add_argument("--fast", action="store_true", help="leave out the slow cases")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", action="store_true", help="one line per case as it ends")
    ap.add_argument("-o", default=None, help="also write the tally (Markdown) here")
    a = ap.parse_args(argv)
    todo = [c for c in cases() if (a.k is None or a.k in c.name) and not (a.fast and c.slow)]
    if a.list:
        print("\n".join(c.name + (" (slow)" if c.slow else "") for c in todo))
        return 0
    t0 = time.monotonic()
    results = []
    try:
        for c in todo:
            r = run_case(c)
            results.append(r)
            if a.v:
                print(f"{r['class']:9} {r['seconds']:6.1f}s {c.name}: {r['detail']}",
                      file=sys.stderr, flush=True)
    finally:
        for p in _TEMPLATE.values():  # the template store and work folder
            shutil.rmtree(Path(p).parent, ignore_errors=True)
    text = tally(results)
    load = os.getloadavg()
    text += (f"\n{len(results)} cases in {time.monotonic() - t0:.0f} s; load average "
             f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end; "
             f"{os.cpu_count()} CPUs.\n")
    print(text)
    if a.o:
        Path(a.o).write_text(text)
    return 0 if all(r["class"] == "clean" and not r["orphans"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
