"""Run the construction generators over the default grid and write the
parameters of the smallest exactly-correct instance found per point to
``superpos_formal/data/constructions.json`` (the embedded grid that
``superpos report`` rebuilds and re-verifies).

    PYTHONPATH=. python search/constructions.py [--max-m-out N]

Each point records the construction, the task (kind, m, m', s and for sparse
pair sets the seed of the pair draw), the parameters, the width, the counts
and the seconds the search took (measured on the machine that ran it).
"""

import argparse
import json
import sys
import time
from pathlib import Path

from superpos_formal.constructions.grid import DEFAULT_GRID, make_task
from superpos_formal.constructions.search import (
    best_channels, best_hmvc, best_stars, build,
)

OUT = Path(__file__).resolve().parents[1] / "superpos_formal" / "data" / "constructions.json"


def run_point(pt):
    task = make_task(pt["task"])
    c = pt["construction"]
    t0 = time.time()
    if c in ("explicit", "superposed-trivial"):
        r = build(c, task)
    elif c == "hmvc":
        r = best_hmvc(task)
    elif c == "stars":
        r = best_stars(task)
    else:
        r = best_channels(task, grid=[tuple(g) for g in pt.get("grid", [(2, 6), (3, 8)])],
                          name=c)
    if r is None:
        return None
    row = r.row()
    row["task_spec"] = pt["task"]
    row["search_seconds"] = round(time.time() - t0, 2)
    return row


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-m-out", type=int, default=None)
    ap.add_argument("--only", default=None, help="task kind (uand, permutation, pair_set)")
    ap.add_argument("--out", default=str(OUT), help="grid file to extend")
    a = ap.parse_args(argv)
    out = Path(a.out)
    rows = json.loads(out.read_text())["points"] if out.exists() else []
    done = {(r["construction"], json.dumps(r["task_spec"], sort_keys=True)) for r in rows}
    for pt in DEFAULT_GRID:
        key = (pt["construction"], json.dumps(pt["task"], sort_keys=True))
        if key in done or (a.only and pt["task"]["kind"] != a.only):
            continue
        task = make_task(pt["task"])
        if a.max_m_out and task.m_out > a.max_m_out:
            continue
        row = run_point(pt)
        print(pt["construction"], task.name[:40], task.m_out,
              row and row["n"], row and row["search_seconds"], flush=True, file=sys.stderr)
        if row is None:
            continue
        rows.append(row)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"format": "superpos-formal/constructions", "version": 1,
                                   "points": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
