"""LNS improvement (``superpos improve``) against plain restart strategies, on
the cells whose exact minimum is certified.

For every cell every strategy starts from the same construction (one hidden
neuron per output, :func:`superpos_formal.solve.improve.baseline`) and gets
the same wall-clock budget:

* ``lns``: :func:`~superpos_formal.solve.improve.improve` (or
  ``improve_family``), stopping as soon as it reaches the minimum; run with
  each of the ``--seeds`` (deterministic given the seed);
* ``restart``: the plain restart strategy -- a fresh exact SAT question at
  ``n - 1`` from scratch (:func:`~superpos_formal.solve.search.decide` /
  :func:`~superpos_formal.solve.family.decide_family`, full encoder with its
  symmetry breaks, CaDiCaL defaults, no proof logging), repeated from the
  construction's width down while the answer is SAT and the budget lasts;
* ``restart+portfolio`` (single tasks): the same restart, each question
  raced by the CaDiCaL racers :func:`improve` falls back on
  (:func:`~superpos_formal.solve.improve.restart`), so the table separates
  what the windows add from what the racers add.

Per cell the table prints the construction's width, each strategy's best
width, the certified minimum, the counting lower bound, the time to the
first improvement and the time to reach the minimum ("-" when not reached in
the budget). The minima are the committed campaign results, copied here by
hand with their source (they are inputs to the benchmark, not outputs).

Run:  python benchmarks/bench_improve.py [--budget SECONDS] [--seeds 0,1,2] [--quick]
          [--cells WORD,...] [--out FILE.md]
Timings depend on the load of the (shared) machine; compare the strategies
within one run only.
"""

from superpos_formal.options import SolveOptions
import argparse
import os
import time

from superpos_formal.certify.best_known import lower_bound
from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.solve.improve import baseline, improve, improve_family, restart
from superpos_formal.solve.search import decide
from superpos_formal.tasks import pair_set_family, permutation_family, uand

#: (label, subject, mode, activation, B, B_code, certified minimum, source)
CELLS = [
    ("uand3 expl step B2", uand(3), "explicit", "step", 2, None, 2,
     "proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1"),
    ("uand3 expl relu B2", uand(3), "explicit", "relu", 2, None, 2,
     "proofs/uand-explicit/uand-m3-s2-explicit-relu-L1-B2-bias2-theta1"),
    ("uand4 expl step B2", uand(4), "explicit", "step", 2, None, 3,
     "proofs/uand-explicit/uand-m4-s2-explicit-step-L1-B2-bias2-theta1"),
    ("uand4 expl relu B2", uand(4), "explicit", "relu", 2, None, 3,
     "proofs/uand-explicit/uand-m4-s2-explicit-relu-L1-B2-bias2-theta1"),
    ("uand5 expl step B2", uand(5), "explicit", "step", 2, None, 4,
     "proofs/uand-explicit/uand-m5-s2-explicit-step-L1-B2-bias2-theta1"),
    ("uand5 expl relu B2", uand(5), "explicit", "relu", 2, None, 3,
     "proofs/uand-explicit/uand-m5-s2-explicit-relu-L1-B2-bias2-theta1"),
    ("uand6 expl step B2", uand(6), "explicit", "step", 2, None, 5,
     "search/results/uand-explicit.jsonl (UNSAT at 4 checked; SAT half committed)"),
    ("perm3 family relu B1", permutation_family(3), "superposed", "relu", 1, 1, 2,
     "proofs/families/permutations-m3-mout3-s1-superposed-relu-L1-B1-bias1-code1-theta1"),
    ("perm4 family relu B1", permutation_family(4), "superposed", "relu", 1, 1, 3,
     "proofs/families/permutations-m4-mout4-s1-superposed-relu-L1-B1-bias1-code1-theta1"),
    ("pairs4k2 family relu B1", pair_set_family(4, 2), "superposed", "relu", 1, 1, 3,
     "proofs/families/and-pair-sets-m4-mout2-s2-superposed-relu-L1-B1-bias1-code1-theta1"),
]
QUICK = {"uand3 expl step B2", "uand4 expl step B2", "perm3 family relu B1"}


def _members(subject):
    return list(subject.members()) if hasattr(subject, "members") else [subject]


def run_lns(subject, start, minimum, budget, seed):
    fam = hasattr(subject, "members")
    kw = dict(seed=seed, budget=budget, target=minimum, sparsify=False)
    res = (improve_family(subject, start, **kw) if fam else improve(subject, start[0], **kw))
    n = res.counts["hidden_neurons"]
    reach = next((h[1] for h in res.history if h[2] <= minimum), None)
    return n, res.first_improvement_seconds, reach


def run_restart_portfolio(subject, start, minimum, budget):
    if hasattr(subject, "members"):
        return None, None, None
    best, hist = restart(subject, start[0], budget=budget, target=minimum)
    first = hist[0][0] if hist else None
    reach = next((t for t, n in hist if n <= minimum), None)
    return best.widths[0], first, reach


def run_restart(subject, start, minimum, budget):
    fam = hasattr(subject, "members")
    net = start[0]
    t0 = time.perf_counter()
    n = net.widths[0]
    first = reach = None
    while n > 1:
        left = budget - (time.perf_counter() - t0)
        if left <= 0:
            break
        sh = Shape(net.mode, net.activation, n=n - 1, B=net.B, B_bias=net.B_bias,
                   B_code=net.B_code if net.mode == "superposed" else None,
                   codes="free" if net.mode == "superposed" else "given")
        cell = (decide_family(subject, sh, SolveOptions(time_limit=left), checker=False) if fam else
                decide(subject, sh, SolveOptions(time_limit=left), checker=False))
        if cell.status != "SAT":
            break
        n -= 1
        dt = time.perf_counter() - t0
        first = dt if first is None else first
        if n <= minimum and reach is None:
            reach = dt
            break
    return n, first, reach


def _fmt(x):
    return "-" if x is None else f"{x:.1f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=150.0,
                    help="wall-clock seconds per cell and strategy (default 150)")
    ap.add_argument("--seeds", default="0,1,2", help="LNS seeds (default 0,1,2)")
    ap.add_argument("--quick", action="store_true", help="three small cells")
    ap.add_argument("--cells", help="only cells whose label contains one of these "
                                    "comma-separated words (e.g. perm,pairs)")
    ap.add_argument("--out", help="also write the table (Markdown) here")
    a = ap.parse_args(argv)
    seeds = [int(x) for x in a.seeds.split(",")]
    head = ("| cell | construction n | certified min | lower bound | "
            + " | ".join(f"lns seed {k} best / first s / reach s" for k in seeds)
            + " | restart best / first s / reach s | restart+portfolio best / first s / "
              "reach s | source of the minimum |")
    lines = [f"Budget {a.budget:g} s per cell and strategy (wall clock, shared loaded "
             f"2-core machine; load averages at start {_load()}).",
             "", head, "|" + "---|" * (6 + len(seeds))]
    print(lines[0])
    print(head)
    reached = {k: 0 for k in seeds}
    r_reached = p_reached = 0
    cells = [c for c in CELLS if not a.quick or c[0] in QUICK]
    if a.cells:
        words = a.cells.split(",")
        cells = [c for c in cells if any(w in c[0] for w in words)]
    for label, subj, mode, act, B, Bc, minimum, src in cells:
        start = baseline(_members(subj), mode, act, B=B, B_code=Bc)
        lb = lower_bound(subj, start[0])
        cols = []
        for k in seeds:
            ln, lf, lr = run_lns(subj, start, minimum, a.budget, k)
            reached[k] += lr is not None
            cols.append(f"{ln} / {_fmt(lf)} / {_fmt(lr)}")
        rn, rf, rr = run_restart(subj, start, minimum, a.budget)
        r_reached += rr is not None
        cols.append(f"{rn} / {_fmt(rf)} / {_fmt(rr)}")
        pn, pf, pr = run_restart_portfolio(subj, start, minimum, a.budget)
        p_reached += pr is not None
        cols.append("n/a (family)" if pn is None else f"{pn} / {_fmt(pf)} / {_fmt(pr)}")
        row = (f"| {label} | {start[0].widths[0]} | {minimum} | {lb} | " + " | ".join(cols)
               + f" | {src} |")
        print(row, flush=True)
        lines.append(row)
    n_single = sum(1 for c in cells if not hasattr(c[1], "members"))
    tail = ["LNS reached the certified minimum on "
            + ", ".join(f"{reached[k]} of {len(cells)} cells with seed {k}" for k in seeds)
            + f"; the plain restart on {r_reached} of {len(cells)}; the restart with the "
              f"racers on {p_reached} of {n_single} single-task cells.",
            f"Load averages at the end: {_load()}."]
    for t in tail:
        print(t)
    lines += [""] + tail
    if a.out:
        with open(a.out, "w") as fh:
            fh.write("\n".join(lines) + "\n")


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
