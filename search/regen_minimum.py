"""Make a regenerable minimum of explicit universal AND (issue 24).

The refutation at ``n - 1`` is solved with a DRAT proof, checked by the
native engine, and recorded as regenerable (no proof committed:
certify/proofcheck/regenerable_unsat.py); the minimum directory pairs it with
an existing SAT bundle at ``n``. Run from the repository root:

    PYTHONPATH=$PWD python search/regen_minimum.py --m 7 --activation step --n 5 \\
        --sat proofs/uand-explicit/uand-m7-.../n5-sat --out out/regen/u7

The proof recorded must be the one ``superpos verify --regenerate-proofs``
re-makes, a fresh solve of the formula (``solve_cnf``): a proof from
``superpos min-neurons --proof`` is not (measured for uand(6) step n = 4:
another sha256, though it verifies), so this script always solves afresh.
Re-check: ``superpos verify OUT --regenerate-proofs``.
"""

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from superpos_formal.certify.bundles.verify import make_bundle
from superpos_formal.certify.proofcheck.regenerable_unsat import (regenerable_from_bundle,
                                                                  regenerable_minimum)
from superpos_formal.encode.sat import encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--activation", choices=("step", "relu"), required=True)
    ap.add_argument("--n", type=int, required=True, help="the minimum (SAT width)")
    ap.add_argument("--B", type=int, default=2)
    ap.add_argument("--sat", required=True, help="the SAT bundle at n")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    task = uand(a.m)
    shape = Shape("explicit", a.activation, n=a.n - 1, B=a.B)
    work = Path(tempfile.mkdtemp(prefix="regen-min-"))
    try:
        options = {"symmetry": True, "sums": "tree"}
        enc = encode_sat(task, shape, **options)
        r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(work / "p.drat"))
        print(f"n={a.n - 1}: {r.status} in {r.seconds:.1f} s", flush=True)
        if r.status != "UNSAT":
            raise SystemExit(f"regen_minimum.py: n={a.n - 1} is {r.status}")
        full = make_bundle(work / "full", r, task=task, shape=shape, encoding=enc,
                           options=options, checkers=("native",))
        os.unlink(work / "p.drat")
        reg = regenerable_from_bundle(full, work / "regen", load_average=os.getloadavg())
        print(regenerable_minimum(a.out, a.sat, reg))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
