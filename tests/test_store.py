"""The SQLite results store: rows, resume rule, import, tables, bad input."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from superpos_formal.cli import main
from superpos_formal.distributed import run_campaign_store
from superpos_formal.errors import InputError
from superpos_formal.store import (SCHEMA_VERSION, Store, cell_id, import_jsonl,
                                   render_csv, render_markdown)

ROOT = Path(__file__).resolve().parents[1]

# two one-solve cells (n = 1 is SAT), each decided in well under a second
CELL_A = {"task": {"kind": "identity", "m": 2},
          "shape": {"mode": "superposed", "activation": "relu", "L": 0, "B": 1,
                    "codes": "free"}, "n_max": 2}
CELL_B = {"task": {"kind": "uand", "m": 3},
          "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 3}


def campaign(tmp_path, cells=(CELL_A, CELL_B), limit=60, name="tiny", fname="c.json"):
    p = tmp_path / fname
    p.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1,
                             "name": name, "time_limit": limit, "cells": list(cells)}))
    return p


def rec(cell, statuses, limit=10, minimum=None):
    return {"cell": cell, "subject": "s", "minimum": minimum, "certified": True,
            "note": "", "time_limit": limit, "seconds": 1.0,
            "table": [{"n": n, "B": 1, "status": s, "seconds": 0.1}
                      for n, s in enumerate(statuses, 1)]}


def snapshot(path):
    """Bytes of a store and its WAL side files (to prove nothing changed)."""
    return {p.name: p.read_bytes() for p in Path(path).parent.glob(Path(path).name + "*")}


# -- rows and the resume rule ---------------------------------------------

def test_row_fields_and_every_bound(tmp_path):
    with Store(tmp_path / "s.sqlite") as st:
        cid = st.put("c", dict(rec(CELL_B, ["UNSAT", "SAT"], minimum=2), host="h",
                               started="t0", finished="t1", solver="cadical195"))
        row = st.get("c", cid)
        q = json.loads(row["question"])
        assert q["task"] == {"kind": "uand", "m": 3}
        # defaults resolved: every bound that shapes the question is written out
        assert (q["shape"]["B"], q["shape"]["B_bias"], q["shape"]["theta"]) == (1, 1, 1)
        assert (row["outcome"], row["minimum"], row["checked"]) == ("decided", 2, 1)
        assert (row["host"], row["started"], row["solver"]) == ("h", "t0", "cadical195")
        assert [s["status"] for s in st.solves("c", cid)] == ["UNSAT", "SAT"]
    mode = sqlite3.connect(tmp_path / "s.sqlite").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_plan_decided_skipped_unknown_only_with_larger_limit(tmp_path):
    with Store(tmp_path / "s.sqlite") as st:
        a = st.put("c", rec(CELL_A, ["SAT"]))
        b = st.put("c", rec(CELL_B, ["UNSAT", "UNKNOWN"], limit=10))
        assert st.plan("c", a, 1000)[0] == "skip"
        assert st.plan("c", b, 10)[0] == "skip"
        assert st.plan("c", b, 5)[0] == "skip"
        assert st.plan("c", b, 11)[0] == "run"
        assert st.plan("c", b, None)[0] == "run"
        assert st.plan("other", b, 10)[0] == "run"


def test_decided_row_never_replaced_by_an_open_one(tmp_path):
    with Store(tmp_path / "s.sqlite") as st:
        cid = st.put("c", rec(CELL_B, ["UNSAT", "SAT"], minimum=2))
        st.put("c", rec(CELL_B, ["UNKNOWN"], limit=20))
        assert st.get("c", cid)["outcome"] == "decided"
        # both attempts' solves are kept
        assert len(st.solves("c", cid)) == 3


# -- bad store: one clear error, nothing changed ---------------------------

def test_newer_schema_refused_unchanged(tmp_path):
    p = tmp_path / "s.sqlite"
    with Store(p) as st:
        st.put("c", rec(CELL_A, ["SAT"]))
        st.db.execute(f"UPDATE schema_version SET version={SCHEMA_VERSION + 1}")
    before = snapshot(p)
    with pytest.raises(InputError, match="newer"):
        Store(p)
    assert snapshot(p) == before


def test_corrupt_store_refused_unchanged(tmp_path, capsys):
    p = tmp_path / "s.sqlite"
    p.write_bytes(b"this is not a database" * 100)
    before = snapshot(p)
    c = campaign(tmp_path)
    assert main(["campaign", "run", str(c), "--store", str(p), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: store")
    assert snapshot(p) == before


def test_foreign_sqlite_refused(tmp_path):
    p = tmp_path / "s.sqlite"
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="not a superpos-formal store"):
        Store(p)


def test_unwritable_store(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    c = campaign(tmp_path)
    # a path below a regular file can be neither created nor opened (even as root)
    assert main(["campaign", "run", str(c), "--store", str(blocker / "s.sqlite"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "store" in err[0] and "Traceback" not in err[0]
    assert main(["campaign", "run", str(c), "--store", str(tmp_path), "--quiet"]) == 2
    assert "is a folder" in capsys.readouterr().err


# -- bad campaign: one clear error, store unchanged ------------------------

@pytest.mark.parametrize("doc, needle", [
    ("{not json", "c.json"),
    (json.dumps({"format": "superpos-formal/campaign", "name": "x", "cells": []}), "cells"),
    (json.dumps({"format": "superpos-formal/campaign", "name": "x",
                 "cells": [{"task": {"kind": "nosuchtask", "m": 3},
                            "shape": {"mode": "explicit", "activation": "relu"}}]}),
     "nosuchtask"),
])
def test_bad_campaign_changes_nothing(tmp_path, capsys, doc, needle):
    p = tmp_path / "s.sqlite"
    with Store(p) as st:
        st.put("c", rec(CELL_A, ["SAT"]))
    before = snapshot(p)
    bad = tmp_path / "c.json"
    bad.write_text(doc)
    assert main(["campaign", "run", str(bad), "--store", str(p), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error:") and needle in err[0]
    assert snapshot(p) == before


# -- runs and resume (in process) ------------------------------------------

def test_run_then_resume_skips_decided(tmp_path):
    c = campaign(tmp_path)
    store = tmp_path / "s.sqlite"
    s1 = run_campaign_store(c, store, quiet=True, results_dir=tmp_path / "res")
    assert (s1["run"], s1["skipped"], s1["failed"]) == (2, 0, 0)
    with Store(store) as st:
        a, b = st.get("tiny", cell_id(CELL_A)), st.get("tiny", cell_id(CELL_B))
        assert (a["outcome"], a["minimum"]) == ("decided", 1)
        # uand(m=3), explicit step, weights in [-1, 1]: known minimum 3
        assert (b["outcome"], b["minimum"], b["checked"]) == ("decided", 3, 1)
        assert a["host"] and a["started"] <= a["finished"]
    md = (tmp_path / "res" / "tiny.md").read_text()
    assert "uand(m=3)" in md and "identity" in md
    s2 = run_campaign_store(c, store, quiet=True)
    assert (s2["run"], s2["skipped"]) == (0, 2)


def test_unknown_retried_only_with_larger_limit(tmp_path):
    store = tmp_path / "s.sqlite"
    tiny_limit = campaign(tmp_path, cells=[CELL_B], limit=0.001)
    s1 = run_campaign_store(tiny_limit, store, quiet=True)
    with Store(store) as st:
        row = st.get("tiny", cell_id(CELL_B))
        assert (row["outcome"], row["limit_reached"]) == ("open", 1)
    assert run_campaign_store(tiny_limit, store, quiet=True)["run"] == 0
    bigger = campaign(tmp_path, cells=[CELL_B], limit=120, fname="c2.json")
    assert run_campaign_store(bigger, store, quiet=True)["run"] == 1
    with Store(store) as st:
        assert st.get("tiny", cell_id(CELL_B))["outcome"] == "decided"
    assert s1["run"] == 1


def test_sigkill_of_the_writer_loses_nothing(tmp_path):
    # three cells; the driver is SIGKILLed once the first row is committed
    cells = [CELL_A, CELL_B, dict(CELL_B, n_max=4)]
    c = campaign(tmp_path, cells=cells)
    store = tmp_path / "s.sqlite"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "superpos_formal", "campaign", "run", str(c),
                          "--store", str(store), "--quiet"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    try:
        while time.time() < deadline:
            if store.exists():
                try:
                    with Store(store, readonly=True) as st:
                        if st.records("tiny"):
                            break
                except InputError:
                    pass
            time.sleep(0.05)
        p.send_signal(signal.SIGKILL)
    finally:
        p.wait()
    with Store(store) as st:
        kept = st.records("tiny")
        assert kept and all(r["table"] for r in kept)
    # the rerun completes what is left and keeps what was there
    s = run_campaign_store(c, store, quiet=True)
    assert s["skipped"] == len(kept) and s["run"] == 3 - len(kept)
    with Store(store) as st:
        assert len(st.records("tiny")) == 3


# -- import and tables -----------------------------------------------------

def test_import_committed_jsonl_once(tmp_path):
    src = ROOT / "search" / "results" / "uand-explicit.jsonl"
    lines = [json.loads(x) for x in src.read_text().splitlines() if x.strip()]
    with Store(tmp_path / "s.sqlite") as st:
        assert import_jsonl(st, [src]) == (len(lines), 0)
        assert import_jsonl(st, [src]) == (0, len(lines))
        recs = st.records("uand-explicit")
        assert [r["minimum"] for r in recs] == [r["minimum"] for r in lines]
        assert recs[1]["imported_from"] == f"{src}:2"
        md = render_markdown(st, "uand-explicit")
        assert md.count("\n| uand(m=") == len(lines)
        rows = render_csv(st, "uand-explicit").splitlines()
        assert len(rows) == 1 + len(lines)
        assert rows[0].split(",")[:9] == ["id", "subject", "mode", "activation", "L", "B",
                                          "B_bias", "B_code", "theta"]


def test_import_malformed_line_changes_nothing(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(rec(CELL_A, ["SAT"], minimum=1)) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec(CELL_B, ["SAT"])) + "\n{oops\n")
    store = tmp_path / "s.sqlite"
    with Store(store):
        pass
    before = snapshot(store)
    assert main(["campaign", "import", str(good), str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err
    assert snapshot(store) == before


def test_table_cli_unknown_campaign(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    with Store(store) as st:
        st.put("c", rec(CELL_A, ["SAT"], minimum=1))
    assert main(["campaign", "table", "nope", "--store", str(store)]) == 2
    assert "no campaign 'nope'" in capsys.readouterr().err
    assert main(["campaign", "table", "c", "--store", str(store), "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
