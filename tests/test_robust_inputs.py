"""Issue 22: bad input on the store, import, campaigns, Dask addresses,
improve and the files the tool reads. Each test fails on e148d23 (a
traceback, a hang, a silent acceptance or lost data there) and passes now.

The families of malformed store records and imported lines are drawn by
hypothesis; single cases are plain tests. The whole list of bad commands is
``benchmarks/robustness.py`` (a fast subset runs in test_robust_cases.py).
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.store import Store, import_jsonl, render_csv, render_markdown

CELL = {"task": {"kind": "uand", "m": 2},
        "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 2}


def good_record(**change):
    r = {"id": "x", "cell": CELL, "subject": "uand(m=2)", "minimum": 1, "certified": True,
         "note": "", "table": [{"n": 1, "B": 1, "status": "SAT", "seconds": 0.01}],
         "seconds": 0.01, "time_limit": 30,
         "best_counts": {"hidden_neurons": 1, "layers": 1, "params_dense": 5,
                         "params_nonzero": 4, "bits": 10, "code_nonzeros": 2}}
    r.update(change)
    return r


#: (path into the record, value): each makes the record malformed
_BAD_VALUES = [None, "two", [1, 2], {"a": 1}, -1, 1.5, True, 10 ** 30, float("nan")]
_FIELDS = ["minimum", "subject", "seconds", "table", "cell", "best_counts", "certified",
           "time_limit", ("cell", "shape"), ("cell", "task"), ("table", 0),
           ("table", 0, "status"), ("table", 0, "seconds"), ("table", 0, "n"),
           ("best_counts", "bits")]
_DROP = object()


def _mutate(rec, path, value):
    rec = json.loads(json.dumps(rec))
    path = path if isinstance(path, tuple) else (path,)
    obj = rec
    for k in path[:-1]:
        obj = obj[k]
    if value is _DROP:
        if isinstance(obj, list):
            obj[path[-1]] = "gone"
        else:
            del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return rec


def _still_valid(path, value):
    """Mutations that leave a legal record (null is allowed there, or the
    value is of the right type)."""
    p = path if isinstance(path, tuple) else (path,)
    legal = {("minimum",): [None, -1 + 1], ("time_limit",): [None, 1.5],
             ("best_counts",): [None], ("certified",): [True],
             ("table", 0, "seconds"): [1.5], ("seconds",): [1.5], ("subject",): ["two"]}
    if value is _DROP:
        return p in {("best_counts",), ("certified",), ("time_limit",)}
    return any(value is v or (type(value) is type(v) and value == v)
               for v in legal.get(p, []))


bad_mutation = st.tuples(st.sampled_from(_FIELDS),
                         st.sampled_from(_BAD_VALUES + [_DROP])).filter(
    lambda pv: not _still_valid(*pv))


def _store_with(tmp_path, record_text):
    s = tmp_path / "s.sqlite"
    if s.exists():
        s.unlink()
    src = tmp_path / "tiny.jsonl"
    src.write_text(json.dumps(good_record()) + "\n")
    with Store(s) as st_:
        import_jsonl(st_, [src])
    db = sqlite3.connect(s)
    db.execute("UPDATE cells SET record=?", (record_text,))
    db.commit()
    db.close()
    return s


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad_mutation)
def test_malformed_store_records_are_refused_by_name(tmp_path, mutation):
    s = _store_with(tmp_path, json.dumps(_mutate(good_record(), *mutation)))
    with Store(s, readonly=True) as st_:
        for render in (render_markdown, render_csv):
            with pytest.raises(InputError, match=r"campaign 'tiny' cell [0-9a-f]+: malformed"):
                render(st_, "tiny")


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "null", '"x"'])
def test_store_record_not_an_object(tmp_path, text):
    s = _store_with(tmp_path, text)
    with Store(s, readonly=True) as st_, pytest.raises(InputError, match="cell [0-9a-f]+"):
        render_markdown(st_, "tiny")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad_mutation)
def test_malformed_import_lines_are_refused_and_change_nothing(tmp_path, mutation):
    src = tmp_path / "tiny.jsonl"
    good2 = good_record(cell=dict(CELL, task={"kind": "uand", "m": 3}))
    src.write_text(json.dumps(good2) + "\n"
                   + json.dumps(_mutate(good_record(), *mutation)) + "\n")
    s = tmp_path / "s.sqlite"
    if s.exists():
        s.unlink()
    with Store(s) as st_:
        with pytest.raises(InputError, match=r"tiny.jsonl:2: malformed record"):
            import_jsonl(st_, [src])
        assert st_.db.execute("SELECT count(*) FROM cells").fetchone()[0] == 0


def test_import_is_all_or_nothing(tmp_path):
    src = tmp_path / "tiny.jsonl"
    lines = [good_record(), good_record(cell=dict(CELL, task={"kind": "uand", "m": 3})),
             good_record(cell=dict(CELL, task={"kind": "uand", "m": 4}),
                         table=[{"n": 1, "status": "MAYBE", "seconds": 1}])]
    src.write_text("".join(json.dumps(r) + "\n" for r in lines))
    with Store(tmp_path / "s.sqlite") as st_:
        with pytest.raises(InputError, match="tiny.jsonl:3"):
            import_jsonl(st_, [src])
        assert st_.db.execute("SELECT count(*) FROM cells").fetchone()[0] == 0
        assert st_.db.execute("SELECT count(*) FROM solves").fetchone()[0] == 0


@pytest.mark.parametrize("raw", [os.urandom(2048) + b"\n",
                                 json.dumps(good_record()).encode().replace(
                                     b"uand(m=2)", b"uand\xff") + b"\n"])
def test_import_of_binary_or_invalid_utf8(tmp_path, raw):
    src = tmp_path / "tiny.jsonl"
    src.write_bytes(raw)
    with Store(tmp_path / "s.sqlite") as st_, pytest.raises(InputError, match="tiny.jsonl"):
        import_jsonl(st_, [src])


def test_import_integer_too_large_for_sqlite(tmp_path):
    src = tmp_path / "tiny.jsonl"
    src.write_text(json.dumps(good_record(minimum=10 ** 30)) + "\n")
    with Store(tmp_path / "s.sqlite") as st_, pytest.raises(InputError, match="minimum"):
        import_jsonl(st_, [src])


def test_a_decided_record_wins_over_an_open_one_on_import(tmp_path):
    open_rec = good_record(minimum=None, certified=False,
                           table=[{"n": 1, "B": 1, "status": "UNKNOWN", "seconds": 9.0}])
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "tiny.jsonl").write_text(json.dumps(open_rec) + "\n")
    (b / "tiny.jsonl").write_text(json.dumps(good_record()) + "\n")
    with Store(tmp_path / "s.sqlite") as st_:
        assert import_jsonl(st_, [a / "tiny.jsonl"]) == (1, 0)
        assert st_.records("tiny")[0]["minimum"] is None
        assert import_jsonl(st_, [b / "tiny.jsonl"]) == (1, 0)
        assert st_.records("tiny")[0]["minimum"] == 1
        # and an open record never replaces the decided one
        assert import_jsonl(st_, [a / "tiny.jsonl"]) == (0, 1)
        assert st_.records("tiny")[0]["minimum"] == 1


def test_store_that_is_a_short_non_sqlite_file_is_refused_unchanged(tmp_path):
    for data in (b"x", b"xy", b"not a database at all" * 10):
        p = tmp_path / "one"
        p.write_bytes(data)
        with pytest.raises(InputError, match="not an SQLite database"):
            Store(p)
        assert p.read_bytes() == data


_STORE_FIFO = """
import sys
from superpos_formal.errors import InputError
from superpos_formal.store import Store
for ro in (False, True):
    try:
        Store(sys.argv[1], readonly=ro).close()
        print("accepted")
    except InputError as e:
        print("InputError", e)
"""


def test_store_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    # in a child with a timeout: on the old code opening it blocks forever
    p = tmp_path / "fifo"
    os.mkfifo(p)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        r = subprocess.run([sys.executable, "-c", _STORE_FIFO, str(p)], capture_output=True,
                           text=True, timeout=30, cwd=root, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, PYTHONPATH=root))
    except subprocess.TimeoutExpired:
        pytest.fail("opening a FIFO as the store blocked")
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all("not a regular file" in ln for ln in lines), \
        (r.stdout, r.stderr[-500:])


_READ = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # an unbounded read dies here
from superpos_formal.errors import InputError
from superpos_formal.campaign import load_campaign
from superpos_formal.certify.jsonio import load as bundle_load
from superpos_formal.schema import load, load_json
for fn in (load_json, load, load_campaign, bundle_load):
    try:
        fn(sys.argv[1])
        print("accepted")
    except InputError as e:
        print("InputError", e)
"""


@pytest.mark.parametrize("kind", ["zero", "urandom", "fifo", "dir"])
def test_every_json_input_goes_through_the_bounded_reader(tmp_path, kind):
    # in a child with an address-space cap and a timeout: on the old code
    # /dev/zero grows memory without bound and a FIFO blocks forever
    path = {"zero": "/dev/zero", "urandom": "/dev/urandom"}.get(kind)
    if kind == "fifo":
        path = str(tmp_path / "f")
        os.mkfifo(path)
    elif kind == "dir":
        path = str(tmp_path)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        p = subprocess.run([sys.executable, "-c", _READ, path], capture_output=True,
                           text=True, timeout=60, cwd=root, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, PYTHONPATH=root))
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {kind} did not return within 60 s")
    lines = p.stdout.splitlines()
    assert p.returncode == 0 and len(lines) == 4, (p.stdout, p.stderr[-500:])
    assert all(ln.startswith("InputError") and ("not a regular file" in ln
                                                 or "a directory" in ln) for ln in lines), lines


def test_bounded_reader_size_cap(tmp_path):
    from superpos_formal.inputs import read_json

    p = tmp_path / "big.json"
    p.write_text("[" + "0," * 1000 + "0]")
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read_json(p, limit=100)


def test_campaign_cells_equal_after_normalisation_are_refused(tmp_path):
    from superpos_formal.campaign import load_campaign

    d = {"format": "superpos-formal/campaign", "version": 1, "name": "dup",
         "cells": [CELL, dict(CELL, shape=dict(CELL["shape"], B_bias=1))]}
    p = tmp_path / "c.json"
    p.write_text(json.dumps(d))
    with pytest.raises(InputError, match=r"cells\[1\]: the same cell as cells\[0\]"):
        load_campaign(p)


# ------------------------------------------------------------------ Dask

@pytest.mark.parametrize("address, words", [
    ("bogus", "no port"), ("tcp://HOST:PORT", "'PORT' is not a port"),
    ("udp://127.0.0.1:8786", "scheme 'udp'"), ("tcp://127.0.0.1:99999", "not a port"),
])
def test_scheduler_address_checked_before_connecting(address, words):
    from superpos_formal.distributed import start_client

    with pytest.raises(InputError, match=words):
        start_client(scheduler=address)


def _listener(banner):
    sk = socket.socket()
    sk.bind(("127.0.0.1", 0))
    sk.listen(4)
    conns = []

    def serve():
        while True:
            try:
                c, _ = sk.accept()
            except OSError:
                return
            conns.append(c)
            if banner:
                c.sendall(banner)

    threading.Thread(target=serve, daemon=True).start()
    return sk, f"tcp://127.0.0.1:{sk.getsockname()[1]}"


@pytest.mark.parametrize("banner, words", [
    (b"", "no Dask handshake within 1 s"),
    (b"SSH-2.0-OpenSSH_8.9\r\n", "not a Dask scheduler"),
])
def test_scheduler_that_is_not_dask_is_a_clear_error(banner, words):
    from superpos_formal.distributed import probe_scheduler

    sk, addr = _listener(banner)
    try:
        with pytest.raises(InputError, match=words):
            probe_scheduler(addr, timeout=1.0)
    finally:
        sk.close()


# ------------------------------------------------------------------ resources

def test_a_checker_that_cannot_run_leaves_the_unsat_unchecked(tmp_path, monkeypatch):
    """The native checker failing to load under the memory cap ("failed to
    map segment") is UNKNOWN(unchecked), never a SOUNDNESS ERROR."""
    from superpos_formal.certify.proofcheck import unsat, drat

    def unavailable(cnf, proof, checkers=("native",)):
        return [drat.CheckRecord("native", "?", drat.SKIPPED, 0.0,
                                 "checker unavailable: failed to map segment")]

    monkeypatch.setattr(drat, "check_drat", unavailable)
    cnf, prf = tmp_path / "f.cnf", tmp_path / "f.drat"
    cnf.write_text("p cnf 1 2\n1 0\n-1 0\n")
    prf.write_text("0\n")
    ok, note = unsat.check_unsat(str(cnf), str(prf))
    assert not ok and "failed to map segment" in note
    # a real rejection is still a soundness error
    monkeypatch.setattr(drat, "check_drat", lambda *a, **k: [drat.CheckRecord(
        "native", "?", drat.REJECTED, 0.0, "bad step")])
    with pytest.raises(SoundnessError):
        unsat.check_unsat(str(cnf), str(prf))


# ------------------------------------------------------------------ improve

@pytest.mark.parametrize("spec, words", [
    ("stars:t=3", "needs k_in"), ("channels:n=3", "needs k_in"),
    ("hmvc:n=3,q=2,theta=1", "q=2 is not a probability"),
    ("stars:t=3,k_in=2", "does not give a correct network"),
    ("stars:t=100000,k_in=1", "t=100000 is not an integer in 1..1000"),
    ("explicit:x=1", "takes no parameters"), ("stars:t=3,k_in=1,zz=2", "no parameter 'zz'"),
])
def test_construction_parameters_checked_before_the_search(spec, words, capsys):
    from superpos_formal.cli import main

    rc = main(["improve", "--task", "uand", "--m", "3", "--from", f"construction:{spec}",
               "--budget", "5"])
    err = capsys.readouterr().err
    assert rc == 2 and words in err and "SOUNDNESS" not in err, err


@pytest.mark.parametrize("make, words", [
    (lambda d: (d / "reg").write_text("x"), "not a directory"),
    (lambda d: ((d / "reg").mkdir(), (d / "reg" / "registry.json").write_text("{nope")),
     "not valid JSON"),
    (lambda d: ((d / "reg").mkdir(), (d / "reg" / "registry.json").write_text(json.dumps(
        {"format": "superpos-formal/best-known-registry", "version": 1,
         "entries": [{"format": "superpos-formal/best-known", "subject": "x"}]}))),
     r"entries[0].question"),
])
def test_registry_checked_before_the_search(tmp_path, capsys, make, words):
    from superpos_formal.cli import main

    make(tmp_path)
    rc = main(["improve", "--task", "uand", "--m", "3", "--budget", "5", "--registry",
               str(tmp_path / "reg"), "--store", str(tmp_path / "s.sqlite"),
               "--bundle-root", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert rc == 2 and words in err, err
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize("argv", [
    ["campaign", "run", "c.json", "--memory-limit", "nan"],
    ["campaign", "run", "c.json", "--memory-limit", "inf"],
    ["campaign", "run", "c.json", "--memory-limit", "1e300"],
    ["improve", "--task", "uand", "--m", "3", "--budget", "nan"],
    ["improve", "--task", "uand", "--m", "3", "--budget", "inf"],
    ["improve", "--task", "uand", "--m", "3", "--budget", "1e308"],
])
def test_numeric_options_refuse_nan_inf_huge(argv, capsys):
    from superpos_formal.cli import main

    with pytest.raises(SystemExit) as e:
        main(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("superpos: error:") and len(
        err.strip().splitlines()) == 1, err


# ------------------------------------------------------------------ cubes --work

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids,
                                                             max_size=3),
    max_leaves=8)
_record_docs = _json_values | st.fixed_dictionaries(
    {"cube": st.just([2, -3])},
    optional={"seconds": _json_values, "cpu_seconds": _json_values,
              "proof_lines": _json_values, "host": _json_values,
              "proof_gz_sha256": _json_values})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_record_docs, proof=st.binary(max_size=64), sha_matches=st.booleans())
def test_tampered_cube_work_records_are_reported_and_solved_again(tmp_path, doc, proof,
                                                                   sha_matches):
    """Whatever a stored refuted-cube record holds, resume never crashes and
    never takes it without a proof that checks: it is reported and the cube
    is solved again (``refuted`` returns None)."""
    import hashlib
    import shutil

    from superpos_formal.certify.cubes import CubeWork

    w = tmp_path / "w"
    shutil.rmtree(w, ignore_errors=True)
    said = []
    work = CubeWork(w, "f" * 64, report=said.append)
    cube = [2, -3]
    k = work.key(cube)
    if sha_matches and isinstance(doc, dict):
        doc = dict(doc, proof_gz_sha256=hashlib.sha256(proof).hexdigest())
    (w / "refuted" / f"{k}.drat.gz").write_bytes(proof)
    (w / "refuted" / f"{k}.json").write_text(json.dumps(doc))
    # F = (1) and (-1 or 2) with the cube (2, -3) is satisfiable: no stored proof is right
    assert work.refuted(cube, 0, 3, [[1], [-1, 2]]) is None
    assert said and said[0].startswith("work folder: refuted/")


def test_resume_on_dask_rechecks_stored_proofs_on_the_workers(tmp_path):
    """A resumed cube run on a cluster checks the stored proofs on the
    workers (tasks ``recheck-*``), reports a tampered record and solves that
    cube again, and still decides the cell."""
    from dask.distributed import Client, LocalCluster

    from superpos_formal.certify import cubes as C
    from superpos_formal.shape import Shape
    from superpos_formal.tasks import uand

    shape = Shape("explicit", "step", n=1, B=2)
    work = tmp_path / "w"
    first = C.cube_and_conquer(uand(3), shape, depth=2, work_dir=work)
    assert first.status == "UNSAT"
    j = sorted((work / "refuted").glob("*.json"))[0]
    j.write_text("[1, 2]")  # tampered: a list for an object
    said = []
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50)
    client = Client(cluster)
    keys = []
    try:
        again = C.cube_and_conquer(uand(3), shape, depth=2, work_dir=work, client=client,
                                   progress=said.append)
        keys = [k for k in client.run_on_scheduler(
            lambda dask_scheduler: [str(t) for t in dask_scheduler.transition_log])]
    finally:
        client.close()
        cluster.close()
    assert again.status == "UNSAT" and again.reused == len(first.cubes) - 1
    assert any("recheck-" in k for k in keys), keys[:5]
    assert any("unusable" in m for m in said), said


def test_a_run_keeps_the_committed_decided_records(tmp_path):
    """Issue 21: the store is not committed, the JSONL records are. A run
    takes their decided cells first: they are skipped and the rendered table
    shows them (a short run never turns a committed answer into UNKNOWN);
    records of cells the campaign no longer has are left out."""
    from superpos_formal.distributed import run_campaign_store

    res = tmp_path / "res"
    res.mkdir()
    # a made-up minimum (7) that a rerun of this tiny cell would not give
    committed = good_record(minimum=7, table=[{"n": 7, "status": "SAT", "seconds": 0.1}])
    gone = good_record(cell=dict(CELL, task={"kind": "uand", "m": 9}))
    (res / "t.jsonl").write_text(json.dumps(committed) + "\n" + json.dumps(gone) + "\n")
    camp = tmp_path / "t.json"
    camp.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1,
                                "name": "t", "time_limit": 30, "cells": [CELL]}))
    out = run_campaign_store(camp, tmp_path / "s.sqlite", results_dir=res, quiet=True)
    assert out["run"] == 0 and out["skipped"] == 1
    with Store(tmp_path / "s.sqlite") as st_:
        assert [r["minimum"] for r in st_.records("t")] == [7]
    row = (res / "t.md").read_text().splitlines()[-1]
    assert "| 7 |" in row and "UNKNOWN" not in row


def test_memory_limit_is_mb_in_campaign_run_as_everywhere():
    # issue 21: campaign run took GiB while every other command took MB
    from superpos_formal.cli import build_parser
    p = build_parser()
    a = p.parse_args(["campaign", "run", "c.json", "--memory-limit", "2048"])
    assert a.memory_limit == 2048
    b = p.parse_args(["min-neurons", "--task", "uand", "--m", "3",
                      "--memory-limit", "2048"])
    assert b.memory_mb == a.memory_limit
    with pytest.raises(SystemExit):
        p.parse_args(["campaign", "run", "c.json", "--memory-limit", "0.01"])
