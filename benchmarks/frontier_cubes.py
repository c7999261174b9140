"""One frontier cell by cube and conquer, with a wall-clock budget.

The cell is universal AND (``--m``, explicit mode) or, with ``--family``,
a shared-code family question (``perms``: all m! permutations, ``pairs``:
all ``--m-out``-sets of AND pairs; superposed, one free code with entries in
``[-B_code, B_code]``, one weight set per member).

Runs ``cube_and_conquer`` (lookahead split, per-cube limit, re-split of
cubes at their limit) on a Dask LocalCluster, the whole run bounded by
``--budget``. Writes ``benchmarks/results/frontier_cubes_<cell>.json`` (and
``.md``): every leaf cube with its answer, seconds, proof lines and the
sha256 of its gzipped DRAT proof (each proof was checked by dratify native
on the worker that made it), the cubes still open, load averages. When the
cell is decided UNSAT the bundle goes to ``--bundle DIR`` (cubes, per-cube
proofs, cover proof; verified by dratify native before it is renamed into
place) -- large, so it is not committed: the script regenerates it.
When a cube is SAT its network (one per member for a family) is verified
exhaustively and, with ``--bundle DIR``, written as an ordinary SAT claim
bundle (small: commit it).

    PYTHONPATH=$PWD nice -n 10 python benchmarks/frontier_cubes.py \\
        --m 6 --activation relu --n 3 --B 2 --budget 2400 --workers 2 \\
        --work out/u6-work     # rerun with the same --work to resume
    PYTHONPATH=$PWD nice -n 19 python benchmarks/frontier_cubes.py \\
        --family perms --m 5 --activation relu --n 3 --B 1 --B-code 1 \\
        --depth 4 --time-limit 1200 --resplit 2 --budget 3600 --workers 1 \\
        --work out/perms5-work
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from superpos_formal.budget import Budget
from superpos_formal.certify.cubes import cube_and_conquer, make_cube_bundle, subfamily_named
from superpos_formal.distributed import close_client, start_client
from superpos_formal.shape import Shape
from superpos_formal.tasks import pair_set_family, permutation_family, uand

OUT = Path(__file__).resolve().parent / "results"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m", type=int, default=6)
    ap.add_argument("--family", choices=("perms", "pairs"), default=None,
                    help="a shared-code family (superposed, free code) instead of "
                         "universal AND in explicit mode")
    ap.add_argument("--m-out", type=int, default=2, help="pairs per member (--family pairs)")
    ap.add_argument("--B-code", type=int, default=1, help="free code bound (--family)")
    ap.add_argument("--activation", default="relu")
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--B", type=int, default=2)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--resplit", type=int, default=2)
    ap.add_argument("--resplit-depth", type=int, default=2)
    ap.add_argument("--budget", type=float, default=2400)
    ap.add_argument("--workers", type=int, default=2,
                    help="Dask LocalCluster workers (0: no Dask, cubes in turn here)")
    ap.add_argument("--bundle", default=None)
    ap.add_argument("--work", default=None,
                    help="keep refuted cubes and re-splits here; a rerun resumes from it")
    ap.add_argument("--members", default=None, metavar="FILE.json",
                    help="--family: refute only this subfamily (a JSON list of member "
                         "names, e.g. the last subfamily of the family CEGIS); its "
                         "refutation refutes the family, its SAT answers nothing")
    ap.add_argument("--no-family-symmetry", action="store_true",
                    help="--family: leave out the feature/output relabelling order "
                         "(on by default for a family closed under relabelling)")
    ap.add_argument("--status-only", action="store_true",
                    help="solve nothing: list the split's cubes and what --work holds")
    a = ap.parse_args()
    task, family, shape, label, question = cell_of(a)
    if a.status_only:
        return status_only(a, task, family, shape, label, question)
    load0 = os.getloadavg()
    t0 = time.time()
    # --workers 0: the cubes one after another in this process (each solver
    # in its own child), no Dask; for formulas of millions of clauses, which
    # a scatter to the workers would copy (and which lost a 1-worker
    # cluster's connection for perms5 n=3: 5 M clauses)
    client = start_client(a.workers) if a.workers else None
    log = lambda m: print(m, file=sys.stderr, flush=True)
    try:
        with Budget(a.budget) as b:
            res = cube_and_conquer(task, shape, family=family, depth=a.depth,
                                   time_limit=a.time_limit,
                                   resplit=a.resplit, resplit_depth=a.resplit_depth,
                                   client=client, progress=log, work_dir=a.work,
                                   **family_kw(a, family))
    finally:
        if client is not None:
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
                     "check_cpu_seconds": round(x.check_cpu_seconds, 2) if x else None,
                     "proof_lines": x.proof_lines if x else 0,
                     "proof_gz_sha256": hashlib.sha256(x.proof_gz).hexdigest()
                     if x and x.proof_gz else None,
                     "checked": bool(x and x.checked)})
    doc = {"cell": label, "question": question, "status": res.status, "note": res.note,
           "split": res.split, "depth": a.depth,
           "time_limit": a.time_limit, "resplit": a.resplit,
           "resplit_depth": a.resplit_depth, "budget": a.budget, "budget_hit": b.hit,
           "workers": a.workers, "nice": os.nice(0), "wall_seconds": round(wall, 1),
           "cube_cpu_seconds": round(res.cpu_seconds, 1),
           "solver_cpu_seconds": round(res.solver_cpu_seconds, 1),
           "check_cpu_seconds": round(res.check_cpu_seconds, 1),
           "cubes_split_again": res.resplit,
           "leaves": len(res.cubes), "reused_from_work_dir": res.reused,
           "refuted": sum(r["status"] == "UNSAT" and r["checked"] for r in rows),
           "open": len(res.open_cubes), "load_start": load0, "load_end": load1,
           "cubes": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / f"frontier_cubes_{label}.json").write_text(json.dumps(doc, indent=1) + "\n")
    md = [f"# Cube and conquer on {doc['question']}", "",
          f"Status **{res.status}**: {doc['refuted']} of {doc['leaves']} leaf cubes refuted "
          f"(DRAT proofs checked by dratify native), {doc['open']} open; "
          f"{res.resplit} cube(s) split again at the {a.time_limit:g} s limit."
          + (f" {res.note}." if res.note else ""), "",
          f"Split: {res.split}. Budget {a.budget:g} s (hit: {b.hit}); wall {wall:.0f} s on "
          f"{a.workers} Dask workers; CPU of the cube solvers {res.solver_cpu_seconds:.0f} s, "
          f"of their proof checks {res.check_cpu_seconds:.0f} s. Load average "
          f"{load0[0]:.1f} at start, {load1[0]:.1f} at end (2 cores shared with other "
          f"jobs; this run at nice {os.nice(0)}).", "",
          "| cube | status | seconds | CPU s | proof lines |", "|---|---|---|---|---|"]
    md += [f"| {' '.join(map(str, r['cube']))} | {r['status']}"
           f"{'(' + r['limit'] + ')' if r['limit'] else ''} | {r['seconds']} | "
           f"{r['cpu_seconds']} | {r['proof_lines']} |" for r in rows]
    (OUT / f"frontier_cubes_{label}.md").write_text("\n".join(md) + "\n")
    print("\n".join(md[:5]))
    if res.status == "UNSAT" and a.bundle:
        make_cube_bundle(a.bundle, res, shape=shape, task=task, family=family,
                         checkers=("native",))  # members, relabelling order: from res
        print(f"bundle: {a.bundle}")
    elif res.status == "SAT" and a.bundle:
        from types import SimpleNamespace

        from superpos_formal.certify.bundles.make_claim import make_bundle

        # the networks were verified by cube_and_conquer; make_bundle
        # verifies them again before writing
        cell = SimpleNamespace(status="SAT", seconds=res.seconds, network=res.network,
                               networks=res.networks)
        make_bundle(a.bundle, cell, shape=shape, task=task, family=family,
                    options={"symmetry": True, "sums": res.encoding.info.get("sums", "tree")})
        print(f"bundle: {a.bundle}")
    return 0


def family_kw(a, family):
    """``members`` and ``family_symmetry`` of :func:`cube_and_conquer` from
    the command line (``{}`` for a task)."""
    if family is None:
        if a.members or a.no_family_symmetry:
            sys.exit("frontier_cubes.py: --members and --no-family-symmetry need --family")
        return {}
    kw = {"family_symmetry": None if a.no_family_symmetry else "auto"}
    if a.members:
        kw["members"] = subfamily_named(family, json.loads(Path(a.members).read_text()),
                                        a.members)
    return kw


def cell_of(a):
    """``(task, family, shape, label, question)`` of the command line."""
    if a.family is None:
        shape = Shape(mode="explicit", activation=a.activation, n=a.n, B=a.B)
        return (uand(a.m), None, shape, f"uand-m{a.m}-explicit-{a.activation}-n{a.n}-B{a.B}",
                f"uand(m={a.m}) explicit {a.activation} L=1 n={a.n} B={a.B} "
                f"bias={shape.B_bias} theta={shape.theta}")
    fam = (permutation_family(a.m) if a.family == "perms"
           else pair_set_family(a.m, a.m_out))
    shape = Shape(mode="superposed", activation=a.activation, n=a.n, B=a.B, B_code=a.B_code,
                  codes="free")
    name = f"perms{a.m}" if a.family == "perms" else f"and{a.m_out}sets{a.m}"
    kw = family_kw(a, fam)
    sub = kw.get("members")
    tag = (f"-sub{len(sub)}" if sub else "") + ("-nofs" if a.no_family_symmetry else "")
    what = (f" through a subfamily of {len(sub)} members (its refutation refutes the "
            f"family)" if sub else "")
    return (None, fam, shape, f"{name}-fam{tag}-{a.activation}-n{a.n}-B{a.B}-Bc{a.B_code}",
            f"{fam.name} family (one shared free code){what} superposed {a.activation} L=1 "
            f"n={a.n} B={a.B} bias={shape.B_bias} code={shape.B_code} theta={shape.theta}"
            + ("" if a.no_family_symmetry else "; feature/output relabelling order on"))


def status_only(a, task, family, shape, label, question):
    """The lookahead cubes of the cell and, per cube, what the work folder
    holds (a refuted cube's stored answer; its proof is checked again when a
    run takes it, and by the bundle): the progress of earlier runs."""
    from superpos_formal.certify.proofcheck import drat as D
    from superpos_formal.certify.cubes import CubeWork
    from superpos_formal.solve.cubes import Lookahead, split_candidates

    from superpos_formal.certify.cubes import cell_encoding

    enc, _, _ = cell_encoding(task, shape, family=family, **family_kw(a, family))
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
    doc = {"cell": label, "question": question,
           "status": "UNKNOWN" if done < len(rows) else "all cubes refuted (bundle not made)",
           "depth": a.depth, "leaves": len(rows), "refuted": done, "cubes": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / f"frontier_cubes_{label}.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{label}: {done}/{len(rows)} lookahead depth-{a.depth} cubes refuted in {a.work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
