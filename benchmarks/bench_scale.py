"""Scale-out benchmarks: runner overhead, campaign throughput, cube and conquer.

Three tables (Markdown on stdout and in benchmarks/results/scale*.md, CSV
beside it):

1. Runner overhead: N tiny cells (identity m=2, superposed free codes, L=0,
   B=1; SAT at n=1, one solve each) run into a fresh store by the plain loop
   in this process (``--workers 0``) and by a 2-worker LocalCluster.
2. Campaign throughput: M moderate cells (universal AND, explicit step and
   ReLU, B=1, several widths each) with 1 and 2 LocalCluster workers; the
   speed-up is the ratio of wall times.
3. Cube and conquer against the single solve on one UNSAT cell: the single
   solve (CaDiCaL with a DRAT proof, proof checked by dratify native), then
   cube and conquer (depth 2: 9 cubes) with 1 and 2 workers. Wall time,
   ``cube_s_sum`` (per-cube solve + check seconds, summed; elapsed time per
   cube, so under load above the CPU used), proof lines and gzipped bytes.

Run from the repository root (the machine is shared: say so with numbers):

    PYTHONPATH=$PWD python benchmarks/bench_scale.py            # full
    PYTHONPATH=$PWD python benchmarks/bench_scale.py --quick    # small sizes
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

from superpos_formal.certify.cubes import cube_and_conquer
from superpos_formal.certify.drat import check_drat, require_verified
from superpos_formal.distributed import run_campaign_store
from superpos_formal.encode.sat import encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

OUT = Path(__file__).resolve().parent / "results"


def cluster(n):
    c = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address="127.0.0.1:0", silence_logs=50)
    return Client(c)


def close(client):
    cl = client.cluster
    client.close()
    cl.close()


def campaign_file(d, name, cells, limit=600):
    p = Path(d) / f"{name}.json"
    p.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1, "name": name,
                             "time_limit": limit, "cells": cells}))
    return p


def tiny_cells(k):
    # distinct questions (the width range differs), each decided by one solve at n=1
    return [{"task": {"kind": "identity", "m": 2},
             "shape": {"mode": "superposed", "activation": "relu", "L": 0, "B": 1,
                       "codes": "free"}, "n_max": i + 1} for i in range(k)]


def moderate_cells(k):
    base = [({"kind": "uand", "m": m}, act) for m in (3, 4) for act in ("step", "relu")]
    out = []
    for i in range(k):
        t, act = base[i % len(base)]
        out.append({"task": t, "shape": {"mode": "explicit", "activation": act, "B": 1},
                    "n_max": 4 + i // len(base)})
    return out


def timed_run(path, store, **kw):
    t0 = time.perf_counter()
    s = run_campaign_store(path, store, quiet=True, **kw)
    assert s["failed"] == 0, s
    return time.perf_counter() - t0, s["run"]


def bench_overhead(d, n):
    rows = []
    p = campaign_file(d, "tiny", tiny_cells(n))
    wall, ran = timed_run(p, Path(d) / "loop.sqlite", workers=0)
    rows.append({"runner": "plain loop (this process)", "workers": 0, "cells": ran,
                 "wall_s": round(wall, 2), "ms_per_cell": round(1000 * wall / ran, 1)})
    t0 = time.perf_counter()
    client = cluster(2)
    start = time.perf_counter() - t0
    try:
        wall, ran = timed_run(p, Path(d) / "dask.sqlite", client=client)
    finally:
        close(client)
    rows.append({"runner": f"LocalCluster (start {start:.1f}s not included)", "workers": 2,
                 "cells": ran, "wall_s": round(wall, 2),
                 "ms_per_cell": round(1000 * wall / ran, 1)})
    return rows


def bench_throughput(d, n):
    rows = []
    p = campaign_file(d, "moderate", moderate_cells(n))
    for w in (1, 2):
        client = cluster(w)
        try:
            wall, ran = timed_run(p, Path(d) / f"thr{w}.sqlite", client=client)
        finally:
            close(client)
        rows.append({"workers": w, "cells": ran, "wall_s": round(wall, 2),
                     "cells_per_min": round(60 * ran / wall, 2)})
    rows[1]["speedup"] = round(rows[0]["wall_s"] / rows[1]["wall_s"], 2)
    rows[0]["speedup"] = 1.0
    return rows


def bench_cubes(task, shape, depth, label):
    rows = []
    enc = encode_sat(task, shape)
    with tempfile.TemporaryDirectory() as d:
        pp = os.path.join(d, "p.drat")
        r = solve_cnf(enc.clauses, nvars=enc.nvars, proof_path=pp)
        assert r.status == "UNSAT", r.status
        t0 = time.perf_counter()
        text = Path(pp).read_text()
        require_verified(check_drat(enc, text=text, checkers=("native",)))
        chk = time.perf_counter() - t0
        import gzip
        rows.append({"cell": label, "method": "single solve", "workers": 1,
                     "wall_s": round(r.seconds + chk, 2), "cpu_s": round(r.seconds + chk, 2),
                     "cubes": 1, "proof_lines": text.count("\n"),
                     "proof_gz_bytes": len(gzip.compress(text.encode(), mtime=0))})
    for w in (1, 2):
        client = cluster(w)
        try:
            res = cube_and_conquer(task, shape, depth=depth, client=client)
        finally:
            close(client)
        assert res.status == "UNSAT", res.status
        rows.append({"cell": label, "method": f"cubes depth {depth}", "workers": w,
                     "wall_s": round(res.seconds, 2), "cpu_s": round(res.cpu_seconds, 2),
                     "cubes": len(res.cubes),
                     "proof_lines": sum(a.proof_lines for a in res.answers),
                     "proof_gz_bytes": sum(len(a.proof_gz) for a in res.answers)})
    return rows


def table(rows):
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(out)


def write(name, rows, text):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.md").write_text(text + "\n")
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with open(OUT / f"{name}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, keys)
        w.writeheader()
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--tiny", type=int, default=None, help="tiny cells (default 200)")
    ap.add_argument("--moderate", type=int, default=None, help="moderate cells (default 8)")
    a = ap.parse_args()
    n_tiny = a.tiny or (20 if a.quick else 200)
    n_mod = a.moderate or (4 if a.quick else 8)
    load = os.getloadavg()
    head = (f"Machine: {os.cpu_count()} cores, load average {load[0]:.1f} at start "
            f"(shared with other jobs: timings are under that load).")
    parts = [head, ""]
    with tempfile.TemporaryDirectory() as d:
        r1 = bench_overhead(d, n_tiny)
        parts += [f"## Runner overhead: {n_tiny} tiny cells", "", table(r1), ""]
        print("\n".join(parts[-4:]), flush=True)
        r2 = bench_throughput(d, n_mod)
        parts += [f"## Campaign throughput: {n_mod} moderate cells", "", table(r2), ""]
        print("\n".join(parts[-4:]), flush=True)
    cells = [(uand(4), Shape(mode="explicit", activation="step", n=2, B=1),
              "uand m=4 explicit step n=2 B=1")]
    if not a.quick:
        cells.append((uand(5), Shape(mode="explicit", activation="step", n=4, B=1),
                      "uand m=5 explicit step n=4 B=1"))
    r3 = []
    for t, sh, label in cells:
        r3 += bench_cubes(t, sh, 2, label)
    parts += ["## Cube and conquer vs single solve (UNSAT cells)", "", table(r3), ""]
    print("\n".join(parts[-4:]), flush=True)
    write("scale_quick" if a.quick else "scale", r1 + r2 + r3, "\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
