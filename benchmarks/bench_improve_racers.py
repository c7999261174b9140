"""Each racer of the improve search's fresh ``n - 1`` question alone, against
the plain solve (symmetry breaks, CaDiCaL defaults), on the questions where
the search used to stall (benchmarks/results/improve.md, "Diagnosis").

A question is "is there a network of width ``n``" for a cell whose network
at ``n + 1`` the search has found (``improve(..., seed=0, target=n+1)``,
deterministic); the phase hints come from that network minus the neuron
whose removal leaves the fewest wrong inputs, as in the search. Every racer
runs under the same conflict cap; conflicts do not depend on the machine,
seconds do (shared loaded machine: compare within one run).

Run:  python benchmarks/bench_improve_racers.py [--cap CONFLICTS] [--out FILE.md]
"""

import argparse
import os
import time

from pysat.solvers import Solver

from superpos_formal.encode.sat import encode_sat
from superpos_formal.solve.improve import (PORTFOLIO, SAT_OPTIONS, SOLVER, _phases,
                                           baseline, drop_neuron, shape_of, wrong_inputs,
                                           improve)
from superpos_formal.tasks import uand

#: (label, task, activation, width asked); every answer here is SAT (the
#: certified minima are 3, 5 and 4: benchmarks/bench_improve.py)
QUESTIONS = [("uand5 expl relu B2", uand(5), "relu", 3),
             ("uand6 expl step B2", uand(6), "step", 5),
             ("uand5 expl step B2", uand(5), "step", 4)]
PLAIN = (True, "default", False)


def _solve(enc, opts, phases, cap):
    t0 = time.perf_counter()
    with Solver(name=SOLVER) as s:
        if opts == "sat":
            s.solver.configure(SAT_OPTIONS)
        s.append_formula(enc.clauses)
        if phases:
            s.set_phases(phases)
        s.conf_budget(cap)
        ok = s.solve_limited()
        conflicts = s.accum_stats().get("conflicts")
    return ok, conflicts, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cap", type=int, default=400_000, help="conflicts per racer")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    racers = [PLAIN] + [r for r in PORTFOLIO if r != PLAIN]
    names = [f"{'breaks' if s else 'no breaks'}, {o} options{', phase hints' if p else ''}"
             for s, o, p in racers]
    head = "| question | " + " | ".join(names) + " |"
    lines = [f"Conflicts (seconds) to the answer; cap {a.cap} conflicts per racer "
             f"('-': no answer within it). First column: the plain solve. Load averages "
             f"at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.", "", head,
             "|" + "---|" * (len(racers) + 1)]
    print("\n".join(lines), flush=True)
    for label, task, act, n in QUESTIONS:
        start = baseline([task], "explicit", act, B=2)[0]
        prev = improve(task, start, seed=0, budget=600, target=n + 1, sparsify=False).network
        hint = min((drop_neuron(prev, h) for h in range(n + 1)),
                   key=lambda x: len(wrong_inputs(x, task)))
        sh = shape_of(prev, n)
        encs = {sym: encode_sat(task, sh, symmetry=sym) for sym in (True, False)}
        cols = []
        for sym, opts, phased in racers:
            enc = encs[sym]
            ok, c, dt = _solve(enc, opts, _phases(enc, [hint]) if phased else None, a.cap)
            cols.append(f"{c} ({dt:.1f} s)" if ok else "-")
        row = f"| {label} n={n} (from n={n + 1}) | " + " | ".join(cols) + " |"
        print(row, flush=True)
        lines.append(row)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
