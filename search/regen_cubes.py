"""Make a regenerable cube-and-conquer refutation of explicit universal AND
(issue 24; certify/proofcheck/regenerable_cubes.py).

Cube and conquer as benchmarks/frontier_cubes.py runs it (lookahead split,
per-cube limit, re-splits), every cube's DRAT proof checked by the native
engine where it is made, the cover proof checked; the run (cubes, per-cube
proof sha256 and lines, cover sha256, timings) is kept in ``--run FILE``
(JSON) and recorded as a bundle of claim.json + manifest.json at ``--out``
(no proof committed). Run from the repository root, e.g. the relu uand(6)
refutation at n = 3 (about 1321 s of cube CPU on an idle 2-core machine):

    PYTHONPATH=$PWD nice -n 19 python search/regen_cubes.py --m 6 --activation relu \\
        --n 3 --depth 5 --time-limit 600 --resplit 2 --run out/u6-relu-run.json \\
        --out proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1-n3-unsat

Re-check: ``superpos verify OUT --regenerate-proofs`` (re-solves every cube).
"""

import argparse
import json
import os
from pathlib import Path

from superpos_formal.certify.cubes import cube_and_conquer
from superpos_formal.certify.proofcheck.regenerable_cubes import make_regenerable_cubes, run_of
from superpos_formal.shape import Shape
from superpos_formal.tasks import uand


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--activation", choices=("step", "relu"), required=True)
    ap.add_argument("--n", type=int, required=True, help="the width refuted")
    ap.add_argument("--B", type=int, default=2)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--split", default="lookahead")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--resplit", type=int, default=2)
    ap.add_argument("--work", default=None, help="keep refuted cubes here (resume)")
    ap.add_argument("--run", required=True, help="write the run's record (JSON) here")
    ap.add_argument("--out", required=True, help="the regenerable bundle")
    a = ap.parse_args()
    task, shape = uand(a.m), Shape("explicit", a.activation, n=a.n, B=a.B)
    load0 = os.getloadavg()
    res = cube_and_conquer(task, shape, depth=a.depth, split=a.split,
                           time_limit=a.time_limit, resplit=a.resplit, work_dir=a.work)
    run = run_of(res, load0)
    run["load_end"] = list(os.getloadavg())
    Path(a.run).parent.mkdir(parents=True, exist_ok=True)
    Path(a.run).write_text(json.dumps(run, indent=1) + "\n")
    print(f"{res.status}: {len(res.cubes)} cubes, {res.seconds:.0f} s; run: {a.run}")
    if res.status != "UNSAT":
        raise SystemExit(1)
    options = {"symmetry": True, "sums": run["sums"]}
    print(make_regenerable_cubes(a.out, run, shape=shape, task=task, options=options))


if __name__ == "__main__":
    main()
