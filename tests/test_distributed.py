"""A campaign on a real dask LocalCluster (2 workers, loopback only)."""

import json
import os
import signal
import threading
import time

import pytest

from superpos_formal.distributed import run_campaign_store
from superpos_formal.store import Store, cell_id

distributed = pytest.importorskip("dask.distributed")

CELLS = [
    {"task": {"kind": "identity", "m": 2},
     "shape": {"mode": "superposed", "activation": "relu", "L": 0, "B": 1, "codes": "free"},
     "n_max": 2},
    {"task": {"kind": "identity", "m": 3},
     "shape": {"mode": "superposed", "activation": "relu", "L": 0, "B": 1, "codes": "free"},
     "n_max": 3},
    {"task": {"kind": "uand", "m": 3},
     "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 3},
]
# several solves (three widths, two DRAT checks): long enough to be killed mid-way
SLOW = {"task": {"kind": "uand", "m": 4},
        "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 3}


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50)
    c = Client(cluster)
    yield c
    c.close()
    try:
        cluster.close()
    except KeyError:
        # distributed's worker-status watcher can be told of a worker's
        # removal (the memory-cap test kills one) that it never recorded:
        # a KeyError inside LocalCluster.close, after every test here ran
        pass


def write(tmp_path, cells, name):
    p = tmp_path / f"{name}.json"
    p.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1,
                             "name": name, "time_limit": 120, "cells": cells}))
    return p


def test_cluster_run_store_and_resume(tmp_path, client, capsys):
    c = write(tmp_path, CELLS, "dist")
    store = tmp_path / "s.sqlite"
    s = run_campaign_store(c, store, client=client)
    assert (s["run"], s["failed"]) == (3, 0)
    err = capsys.readouterr().err
    assert "3/3 done" in err and "SAT" in err and "ETA" in err
    hosts = set()
    with Store(store) as st:
        for cell, minimum in zip(CELLS, (1, 2, 3)):
            row = st.get("dist", cell_id(cell))
            assert (row["outcome"], row["minimum"]) == ("decided", minimum)
            hosts.add(row["host"])
            assert row["versions"] and "python-sat" in row["versions"]
    assert run_campaign_store(c, store, client=client, quiet=True)["run"] == 0
    assert capsys.readouterr().err == ""


def test_worker_killed_mid_solve(tmp_path, client):
    c = write(tmp_path, [SLOW], "kill")
    store = tmp_path / "s.sqlite"
    pids = client.run(os.getpid)  # worker address -> pid
    killed = []

    def killer():
        # kill the worker that is processing the cell, once it has started
        deadline = time.time() + 60
        while time.time() < deadline and not killed:
            for addr, keys in client.processing().items():
                if keys and addr in pids:
                    time.sleep(0.5)
                    os.kill(pids[addr], signal.SIGKILL)
                    killed.append(addr)
                    return
            time.sleep(0.05)

    t = threading.Thread(target=killer)
    t.start()
    s = run_campaign_store(c, store, client=client, quiet=True)
    t.join()
    assert killed, "no worker was seen processing the cell"
    assert (s["run"], s["failed"]) == (1, 0)
    with Store(store) as st:
        row = st.get("kill", cell_id(SLOW))
        # rerun on the other worker after the kill; still the one true answer
        assert (row["outcome"], row["minimum"], row["checked"]) == ("decided", 3, 1)


def test_cubes_on_the_cluster(client):
    # the previous test kills a worker; its nanny restarts it, wait for both
    client.wait_for_workers(2, timeout=120)
    from superpos_formal.shape import Shape
    from superpos_formal.certify.cubes import cube_and_conquer
    from superpos_formal.tasks import uand
    from superpos_formal.verify import verify

    # uand(3), explicit step, weights in [-1, 1]: minimum width 3
    res = cube_and_conquer(uand(3), Shape(mode="explicit", activation="step", n=2, B=1),
                           depth=2, split="sign", client=client)
    assert res.status == "UNSAT" and len(res.answers) == 9
    assert all(a.proof_gz for a in res.answers)
    sat = cube_and_conquer(uand(3), Shape(mode="explicit", activation="step", n=3, B=1),
                           depth=2, split="sign", client=client)
    assert sat.status == "SAT" and verify(sat.network, uand(3)).ok
    # the first SAT cube ends the run: nothing after it is waited for
    assert sum(a.status == "SAT" for a in sat.answers) == 1
    assert sat.answers[-1].status == "SAT" or len(sat.answers) < 9


def test_the_formula_goes_to_the_workers_in_a_few_frames(client, monkeypatch):
    """Dask serializes a list of clauses clause by clause (4 M frames, 81 s
    and 3.3 GB on the driver for uand m=10 explicit relu n=2 B=3): cube and
    conquer scatters ``F`` packed, as a handful of frames whatever its size."""
    from distributed.protocol import to_serialize
    from distributed.protocol.core import dumps

    from superpos_formal.certify.cubes import cube_and_conquer
    from superpos_formal.shape import Shape
    from superpos_formal.tasks import uand

    client.wait_for_workers(2, timeout=120)
    sent, real = [], client.scatter

    def spy(data, *a, **kw):
        sent.append(data)
        return real(data, *a, **kw)

    monkeypatch.setattr(client, "scatter", spy)
    res = cube_and_conquer(uand(3), Shape(mode="explicit", activation="step", n=2, B=1),
                           depth=2, client=client)
    assert res.status == "UNSAT"
    [[F]] = sent
    assert len(F) == len(res.encoding.clauses) > 100
    assert len(dumps({"data": to_serialize(F)})) < 10


def pigeons(holes):
    """PHP(holes + 1 -> holes): UNSAT, and far beyond any test's time for CaDiCaL
    at 11 holes; variables 2.. (1 is left free)."""
    v = lambda p, h: 2 + p * holes + h
    cls = [[v(p, h) for h in range(holes)] for p in range(holes + 1)]
    cls += [[-v(p, h), -v(q, h)] for h in range(holes)
            for p in range(holes + 1) for q in range(p)]
    return cls, 1 + (holes + 1) * holes


def gone(pid, wait=15.0):
    """True once ``pid`` no longer runs (reaped or a zombie)."""
    end = time.time() + wait
    while time.time() < end:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(")")[-1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_sat_cube_kills_the_running_cubes(client):
    client.wait_for_workers(2, timeout=120)
    from superpos_formal.certify.cubes import conquer

    php, nvars = pigeons(11)
    x = nvars + 1
    F = [c + [x] for c in php]  # x: SAT at once; -x: the pigeonhole formula
    for _ in range(3):  # the hard cube must have started when the SAT cube lands
        q = conquer(F, x, [[-x], [x]], client=client, time_limit=300)
        assert q.sat is not None and q.sat.index == 1
        if q.killed:
            break
    assert q.killed, "the hard cube's solver was never seen running"
    assert all(gone(pid) for pid in q.killed)


def test_cube_tasks_honour_the_whole_run_budget(client):
    client.wait_for_workers(2, timeout=120)
    from superpos_formal.budget import Budget
    from superpos_formal.certify.cubes import check_cube, conquer

    php, nvars = pigeons(11)
    # a task alone on a worker stops at the run's deadline, not at its limit
    f = client.submit(check_cube, php, nvars, 0, [], 300, None, time.time() + 2,
                      pure=False)
    a = f.result(timeout=60)
    assert (a.status, a.limit) == ("UNKNOWN", "budget")
    t0 = time.time()
    with Budget(3) as b:
        q = conquer(php, nvars, [[2], [-2]], client=client, time_limit=300)
    assert time.time() - t0 < 60 and b.hit == "solving cubes"
    assert all(a is None or a.status == "UNKNOWN" for a in q.answers)
    assert all(gone(pid) for pid in q.killed)


def test_campaign_budget_bounds_the_cells(tmp_path, client):
    client.wait_for_workers(2, timeout=120)
    from superpos_formal.budget import Budget

    hard = {"task": {"kind": "uand", "m": 6},
            "shape": {"mode": "explicit", "activation": "relu", "B": 2},
            "n_min": 3, "n_max": 3}  # about 8 minutes of one solve
    c = write(tmp_path, [hard], "cut")
    store = tmp_path / "s.sqlite"
    t0 = time.time()
    with Budget(4):
        s = run_campaign_store(c, store, client=client, quiet=True)
    assert time.time() - t0 < 60
    with Store(store) as st:
        row = st.get("cut", cell_id(hard))
        assert row is not None and (row["outcome"], row["limit_reached"]) == ("open", 0)
        # cut by the budget, not at its limit: the next run takes it up again
        assert st.plan("cut", cell_id(hard), 120)[0] == "run"
    assert s["failed"] == 0


def test_cell_over_its_memory_cap_is_unknown_with_the_reason_and_the_campaign_goes_on(
        tmp_path, client):
    client.wait_for_workers(2, timeout=120)
    # a cell whose formula alone needs gigabytes (universal AND of 12 features,
    # explicit ReLU at width 20: millions of clauses), run with 128 MB of
    # growth allowed per cell (the worker's mapping plus 128 MB of address
    # space, inherited by the solve's own child); and a small cell beside it
    big = {"task": {"kind": "uand", "m": 12},
           "shape": {"mode": "explicit", "activation": "relu", "B": 2},
           "n_min": 20, "n_max": 20}
    small = CELLS[0]
    c = write(tmp_path, [big, small], "mem")
    store = tmp_path / "s.sqlite"
    s = run_campaign_store(c, store, client=client, quiet=True, memory_limit=128 * 2**20)
    assert (s["run"], s["failed"]) == (2, 0)
    with Store(store) as st:
        row = st.get("mem", cell_id(big))
        assert (row["outcome"], row["minimum"], row["checked"]) == ("open", None, None)
        [r] = json.loads(row["record"])["table"]
        assert (r["n"], r["status"], r["limit"]) == (20, "UNKNOWN", "memory")
        # the reason names the cap the solve really had (well under the 8 GB
        # default of a solve outside a campaign), not the default
        cap = int(r["reason"].split("memory limit of ")[1].split(" MB")[0])
        assert cap < 4096, r["reason"]
        assert row["host"] and row["finished"]
        ok = st.get("mem", cell_id(small))
        assert (ok["outcome"], ok["minimum"]) == ("decided", 1)
