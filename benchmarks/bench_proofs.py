"""Proof sizes and checking times against solving time (issue: proof artifacts).

For a fixed suite of UNSAT cells (each the width just below a minimum, so the
proof is the one a minimum claim needs), solve with DRAT logging and check
the proof with dratify's native engine, dratify's Python engine and drup
(each within its budget; skips are printed with the reason). Prints one row
per cell and the ratio native-check / solve; the target is <= 2 at the median.

Run:  python benchmarks/bench_proofs.py [--quick] [--limit SECONDS]
"""

import argparse
import os
import statistics
import sys
import tempfile

from superpos_formal.certify.proofcheck.drat import CheckerPolicy, check_drat, proof_stats, read_text
from superpos_formal.encode.sat import encode_family_sat, encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import permutation, uand

EXPL = dict(mode="explicit", B=2)


def suite(quick):
    cells = [
        ("uand m=4 step n=2", [uand(4)], Shape(activation="step", n=2, **EXPL)),
        ("uand m=4 relu n=2", [uand(4)], Shape(activation="relu", n=2, **EXPL)),
        ("uand m=5 step n=3", [uand(5)], Shape(activation="step", n=3, **EXPL)),
        ("perm m=3 pair n=1", [permutation(3, [0, 1, 2]), permutation(3, [1, 0, 2])],
         Shape("superposed", "relu", n=1, B=1, codes="free")),
    ]
    if not quick:
        cells += [
            ("uand m=5 relu n=2", [uand(5)], Shape(activation="relu", n=2, **EXPL)),
            ("uand m=6 step n=3", [uand(6)], Shape(activation="step", n=3, **EXPL)),
            ("perm m=4 (3 members) n=2", [permutation(4, p) for p in
                                          ([0, 1, 2, 3], [1, 0, 2, 3], [0, 2, 1, 3])],
             Shape("superposed", "relu", n=2, B=1, codes="free")),
        ]
    return cells


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4 small cells only")
    ap.add_argument("--limit", type=float, default=600, help="per-solve limit (s)")
    a = ap.parse_args(argv)
    ratios = []
    hdr = f"{'cell':28} {'clauses':>8} {'solve s':>8} {'lines':>8} {'native s':>9} {'python s':>9} {'drup s':>8} {'native/solve':>12}"
    print(hdr)
    print("-" * len(hdr))
    for name, tasks, shape in suite(a.quick):
        enc = encode_family_sat(tasks, shape) if len(tasks) > 1 else encode_sat(tasks[0], shape)
        with tempfile.TemporaryDirectory() as d:
            pp = os.path.join(d, "p.drat")
            res = solve_cnf(enc.clauses, enc.nvars, time_limit=a.limit, proof_path=pp)
            if res.status != "UNSAT":
                print(f"{name:28} {len(enc.clauses):>8} {res.seconds:>8.2f} {res.status}: skipped")
                continue
            text = read_text(pp)
            recs = {r.checker: r for r in check_drat(enc, text=text, budget=CheckerPolicy())}
            for r in recs.values():
                if r.verdict == "REJECTED":
                    sys.exit(f"{name}: {r.checker} REJECTED the proof: {r.reason}")

            def t(c):
                r = recs[c]
                return f"{r.seconds:.2f}" if r.verdict == "VERIFIED" else "skip"

            ratio = recs["native"].seconds / max(res.seconds, 1e-9)
            ratios.append(ratio)
            print(f"{name:28} {len(enc.clauses):>8} {res.seconds:>8.2f} "
                  f"{proof_stats(text)['lines']:>8} {t('native'):>9} {t('python'):>9} "
                  f"{t('drup'):>8} {ratio:>12.2f}", flush=True)
    if ratios:
        print(f"\nmedian native-check / solve ratio: {statistics.median(ratios):.2f} "
              f"(target <= 2); max {max(ratios):.2f}")


if __name__ == "__main__":
    main()
