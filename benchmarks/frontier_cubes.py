"""One frontier cell by cube and conquer, with a wall-clock budget.

Runs ``cube_and_conquer`` (lookahead split, per-cube limit, re-split of
cubes at their limit) on a Dask LocalCluster, the whole run bounded by
``--budget``. Writes ``benchmarks/results/frontier_cubes_<cell>.json`` (and
``.md``): every leaf cube with its answer, seconds, proof lines and the
sha256 of its gzipped DRAT proof (each proof was checked by dratify native
on the worker that made it), the cubes still open, load averages. When the
cell is decided UNSAT the bundle goes to ``--bundle DIR`` (cubes, per-cube
proofs, cover proof; verified by dratify native before it is renamed into
place) -- large, so it is not committed: the script regenerates it.

    PYTHONPATH=$PWD nice -n 10 python benchmarks/frontier_cubes.py \\
        --m 6 --activation relu --n 3 --B 2 --budget 2400 --workers 2 \\
        --work out/u6-work     # rerun with the same --work to resume
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from superpos_formal.budget import Budget
from superpos_formal.certify.cubes import cube_and_conquer, make_cube_bundle
from superpos_formal.distributed import close_client, start_client
from superpos_formal.shape import Shape
from superpos_formal.tasks import uand

OUT = Path(__file__).resolve().parent / "results"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m", type=int, default=6)
    ap.add_argument("--activation", default="relu")
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--B", type=int, default=2)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--resplit", type=int, default=2)
    ap.add_argument("--resplit-depth", type=int, default=2)
    ap.add_argument("--budget", type=float, default=2400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bundle", default=None)
    ap.add_argument("--work", default=None,
                    help="keep refuted cubes and re-splits here; a rerun resumes from it")
    ap.add_argument("--status-only", action="store_true",
                    help="solve nothing: list the split's cubes and what --work holds")
    a = ap.parse_args()
    shape = Shape(mode="explicit", activation=a.activation, n=a.n, B=a.B)
    task = uand(a.m)
    label = f"uand-m{a.m}-explicit-{a.activation}-n{a.n}-B{a.B}"
    if a.status_only:
        return status_only(a, task, shape, label)
    load0 = os.getloadavg()
    t0 = time.time()
    client = start_client(a.workers)
    log = lambda m: print(m, file=sys.stderr, flush=True)
    try:
        with Budget(a.budget) as b:
            res = cube_and_conquer(task, shape, depth=a.depth, time_limit=a.time_limit,
                                   resplit=a.resplit, resplit_depth=a.resplit_depth,
                                   client=client, progress=log, work_dir=a.work)
    finally:
        close_client(client)
    wall = time.time() - t0
    load1 = os.getloadavg()
    rows = []
    by_index = {x.index: x for x in res.answers}
    for k, c in enumerate(res.cubes):
        x = by_index.get(k)
        rows.append({"cube": c, "status": x.status if x else "not run",
                     "limit": x.limit if x else None,
                     "seconds": round(x.seconds, 2) if x else None,
                     "cpu_seconds": round(x.cpu_seconds, 2) if x else None,
                     "proof_lines": x.proof_lines if x else 0,
                     "proof_gz_sha256": hashlib.sha256(x.proof_gz).hexdigest()
                     if x and x.proof_gz else None,
                     "checked": bool(x and x.checked)})
    doc = {"cell": label, "question": f"uand(m={a.m}) explicit {a.activation} L=1 n={a.n} "
                                      f"B={a.B} bias={shape.B_bias} theta={shape.theta}",
           "status": res.status, "split": res.split, "depth": a.depth,
           "time_limit": a.time_limit, "resplit": a.resplit,
           "resplit_depth": a.resplit_depth, "budget": a.budget, "budget_hit": b.hit,
           "workers": a.workers, "wall_seconds": round(wall, 1),
           "cube_cpu_seconds": round(res.cpu_seconds, 1), "cubes_split_again": res.resplit,
           "leaves": len(res.cubes), "reused_from_work_dir": res.reused,
           "refuted": sum(r["status"] == "UNSAT" and r["checked"] for r in rows),
           "open": len(res.open_cubes), "load_start": load0, "load_end": load1,
           "cubes": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / f"frontier_cubes_{label}.json").write_text(json.dumps(doc, indent=1) + "\n")
    md = [f"# Cube and conquer on {doc['question']}", "",
          f"Status **{res.status}**: {doc['refuted']} of {doc['leaves']} leaf cubes refuted "
          f"(DRAT proofs checked by dratify native), {doc['open']} open; "
          f"{res.resplit} cube(s) split again at the {a.time_limit:g} s limit.", "",
          f"Split: {res.split}. Budget {a.budget:g} s (hit: {b.hit}); wall {wall:.0f} s on "
          f"{a.workers} Dask workers, cube CPU {res.cpu_seconds:.0f} s. Load average "
          f"{load0[0]:.1f} at start, {load1[0]:.1f} at end (2 cores shared with other "
          f"jobs; nice 10).", "",
          "| cube | status | seconds | CPU s | proof lines |", "|---|---|---|---|---|"]
    md += [f"| {' '.join(map(str, r['cube']))} | {r['status']}"
           f"{'(' + r['limit'] + ')' if r['limit'] else ''} | {r['seconds']} | "
           f"{r['cpu_seconds']} | {r['proof_lines']} |" for r in rows]
    (OUT / f"frontier_cubes_{label}.md").write_text("\n".join(md) + "\n")
    print("\n".join(md[:5]))
    if res.status == "UNSAT" and a.bundle:
        make_cube_bundle(a.bundle, res, shape=shape, task=task, checkers=("native",))
        print(f"bundle: {a.bundle}")
    return 0


def status_only(a, task, shape, label):
    """The lookahead cubes of the cell and, per cube, what the work folder
    holds (a refuted cube's stored answer; its proof is checked again when a
    run takes it, and by the bundle): the progress of earlier runs."""
    from superpos_formal.certify import drat as D
    from superpos_formal.certify.cubes import CubeWork
    from superpos_formal.solve.cubes import Lookahead, encode_cell, split_candidates

    enc = encode_cell(task, None, shape)
    with Lookahead(enc.clauses, split_candidates(enc)) as la:
        cubes = la.tree([], a.depth)
    work = CubeWork(a.work, D.sha256_text(enc.to_dimacs()))
    rows = []
    for c in cubes:
        k = work.key(c)
        ref = work.path / "refuted" / f"{k}.json"
        doc = json.loads(ref.read_text()) if ref.is_file() else None
        split = (work.path / "split" / f"{k}.json").is_file()
        rows.append({"cube": c, "status": "UNSAT (proof stored)" if doc else
                     ("split again" if split else "open"),
                     "seconds": doc and doc["seconds"], "cpu_seconds": doc and doc["cpu_seconds"],
                     "proof_lines": doc and doc["proof_lines"],
                     "proof_gz_sha256": doc and doc["proof_gz_sha256"]})
    done = sum(r["status"].startswith("UNSAT") for r in rows)
    doc = {"cell": label, "question": f"uand(m={a.m}) explicit {a.activation} L=1 n={a.n} "
                                      f"B={a.B} bias={shape.B_bias} theta={shape.theta}",
           "status": "UNKNOWN" if done < len(rows) else "all cubes refuted (bundle not made)",
           "depth": a.depth, "leaves": len(rows), "refuted": done, "cubes": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / f"frontier_cubes_{label}.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{label}: {done}/{len(rows)} lookahead depth-{a.depth} cubes refuted in {a.work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
