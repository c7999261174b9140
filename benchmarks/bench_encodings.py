"""Encoding alternatives measured in one run (the choice behind encode/sat.py).

For each cell, decide it with:

* ``tree``      clipped one-directional order-encoded sum trees (the default);
* ``pb``        the same integer variables, each output constraint as one
                pseudo-Boolean constraint encoded by ``pysat.pb``
                (``EncType.best``);
* ``tree-nosym``  the default encoding without symmetry breaking;
* ``tree-neurons`` hidden-neuron breaks only (no feature double-lex).

Prints variables, clauses and seconds per variant, and each variant's time
relative to ``tree`` (the baseline of this run; machines are noisy, so only
ratios within one run mean anything).

Run:  python benchmarks/bench_encodings.py [--limit SECONDS] [--quick]
"""

from superpos_formal.options import SolveOptions
import argparse
import statistics

from superpos_formal.codes import random_codes
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide
from superpos_formal.tasks import identity, permutation, uand

VARIANTS = {
    "tree": dict(sums="tree", symmetry=True),
    "pb": dict(sums="pb", symmetry=True),
    "tree-nosym": dict(sums="tree", symmetry=False),
    "tree-neurons": dict(sums="tree", symmetry="neurons"),
}


def suite(quick):
    E, R = random_codes(4, 5, 5, k=2, seed=3)
    cells = [
        ("uand4 expl step n2 (U)", uand(4), Shape("explicit", "step", n=2, B=2)),
        ("uand5 expl step n3 (U)", uand(5), Shape("explicit", "step", n=3, B=2)),
        ("uand4 expl relu n2 (U)", uand(4), Shape("explicit", "relu", n=2, B=2)),
        ("uand5 expl step n4 (S)", uand(5), Shape("explicit", "step", n=4, B=2)),
    ]
    if not quick:
        cells += [
            ("uand6 expl step n3 (U)", uand(6), Shape("explicit", "step", n=3, B=2)),
            ("uand5 expl relu n2 (U)", uand(5), Shape("explicit", "relu", n=2, B=2)),
            ("perm5 given relu n4", permutation(5, [1, 2, 3, 4, 0]),
             Shape("superposed", "relu", n=4, B=2, codes="given", E=E, R=R)),
            ("id7 repr n3 (U)", identity(7), Shape("superposed", "relu", n=3, L=0, B=1,
                                                   codes="free")),
        ]
    return cells


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=120)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    names = list(VARIANTS)
    print(f"{'cell':26} " + " ".join(f"{v:>22}" for v in names))
    rel = {v: [] for v in names}
    for label, task, shape in suite(a.quick):
        row, base = [], None
        for v in names:
            rest, o = SolveOptions.split(VARIANTS[v])
            c = decide(task, shape, SolveOptions(time_limit=a.limit, **o), **rest)
            t = c.seconds if c.status != "UNKNOWN" else None
            if v == "tree":
                base = t
            if base and t:
                rel[v].append(t / base)
            cl = c.info.get("clauses", "?")
            row.append(f"{c.status[0]} {c.seconds:6.2f}s {cl:>8}cl" if t else f"? >{a.limit:.0f}s")
        print(f"{label:26} " + " ".join(f"{r:>22}" for r in row), flush=True)
    print("\nmedian time relative to tree (same run):")
    for v in names:
        if rel[v]:
            print(f"  {v:14} {statistics.median(rel[v]):.2f}x over {len(rel[v])} cells")


if __name__ == "__main__":
    main()
