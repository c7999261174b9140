"""The cut problem with and without its symmetries broken in DRAT.

For parity of m dense bits at width n = m - 1 (one hidden layer of step
units), the cut-lemma route (``superpos_formal/solve/cut_lemmas.py``)
proves the separation and summability lemmas from ``F`` and refutes the
hypercube cut problem they pose. This script times the final refutation,
the part the breaks change, three ways on the same machine in one run:

==============  ===========================================================
route           what is refuted
==============  ===========================================================
``plain``       ``F`` itself by CaDiCaL (the formula a user would hand it)
``lemmas``      the lemmas alone (the cut problem, no break)
``breaks``      the cut problem after the DRAT symmetry breaks
                (``solve/cut_symmetry.py``: units complemented to 0 at the
                origin, sorted by their bit at ``e_1``, ``h(e_2..e_m)``
                sorted lexicographically)
==============  ===========================================================

Each solve runs in its own process under ``--limit`` seconds of CPU (an
``RLIMIT_CPU`` on the child, so a busy machine does not cut a run short:
TO means the CPU limit was reached; building the formula counts). Conflicts are CaDiCaL's count and CPU
seconds the child's own: neither depends much on the machine's load. The whole route with proof logging and the proof check
is ``search/dense_lemmas.py``; this script only measures.

    python benchmarks/bench_cut_symmetry.py --m 3 4 5 --limit 600
    python benchmarks/bench_cut_symmetry.py --m 3 --limit 10    # smoke
"""

import argparse
import math
import multiprocessing as mp
import os
import platform
import queue
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from superpos_formal.encode.sat import encode_sat  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.solve.cut_lemmas import cut_problem  # noqa: E402
from superpos_formal.tasks import parity  # noqa: E402

ROUTES = ("plain", "lemmas", "breaks")


def formula(m, route):
    """The clauses the route's final solve refutes (parity(m), width m - 1)."""
    n = m - 1
    enc = encode_sat(parity(m), Shape("explicit", "step", n=n, B=m, B_bias=m),
                     sums="tree", symmetry=False)
    if route == "plain":
        return enc.clauses
    _, final, _, _ = cut_problem(enc, parity(m), breaks=route == "breaks")
    return [list(c) for c in final]


def _child(m, route, limit, out):
    from pysat.solvers import Solver
    cap = math.ceil(limit)
    # the kernel stops the child at `limit` CPU seconds (SIGXCPU), whatever
    # else the machine runs
    resource.setrlimit(resource.RLIMIT_CPU, (cap, cap + 5))
    clauses = formula(m, route)
    t0, c0 = time.perf_counter(), time.process_time()
    with Solver(name="cadical195", bootstrap_with=clauses) as s:
        sat = s.solve()
        conflicts = s.accum_stats().get("conflicts")
    out.put(("SAT" if sat else "UNSAT", time.perf_counter() - t0,
             time.process_time() - c0, conflicts, len(clauses)))


def measure(m, route, limit):
    """``(answer, wall s, CPU s, conflicts, clauses)``; ``("TO", None, limit,
    None, None)`` when the child reached the CPU limit (or, as a safeguard,
    ten times the limit of wall time)."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(m, route, limit, q))
    p.start()
    p.join(10 * limit)
    if p.is_alive():
        p.kill()
        p.join()
    try:
        return q.get(timeout=1)
    except queue.Empty:
        return "TO", None, limit, None, None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, nargs="+", default=[3, 4, 5])
    ap.add_argument("--limit", type=float, default=600.0)
    ap.add_argument("--routes", nargs="+", default=list(ROUTES), choices=ROUTES)
    a = ap.parse_args(argv)
    if any(m < 3 for m in a.m):
        print("bench_cut_symmetry: error: need m >= 3", file=sys.stderr)
        return 2
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; python "
          f"{platform.python_version()}; {os.cpu_count()} CPUs; load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; limit {a.limit:g} CPU s per solve")
    print()
    print("| m | n | route | answer | wall s | CPU s | conflicts | clauses |")
    print("|---|---|---|---|---|---|---|---|")
    for m in a.m:
        for route in a.routes:
            ans, wall, cpu, conf, ncl = measure(m, route, a.limit)
            print(f"| {m} | {m - 1} | {route} | {ans} | "
                  f"{'-' if wall is None else f'{wall:.2f}'} | {cpu:.2f} | "
                  f"{'-' if conf is None else conf} | {'-' if ncl is None else ncl} |",
                  flush=True)
    print(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
