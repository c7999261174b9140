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

With ``--unsat RECORD`` the refutation at ``n - 1`` is an existing recorded
one (a regenerable or regenerable-cubes bundle, e.g. the uand(6) relu cube
record) and nothing is solved for it; without ``--sat`` the SAT half is
solved afresh at ``n`` with the options the refutation was built with (the
halves must pose one question). The uand(6) relu minimum (issue 24) was made
with ``--m 6 --activation relu --n 4 --unsat
proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1-n3-unsat``
(SAT at n = 4 in 123 s at nice 19, load 4-5).
"""

import argparse
import shutil
import tempfile
from pathlib import Path

from superpos_formal.certify.bundles.verify import make_bundle
from superpos_formal.certify.jsonio import load
from superpos_formal.certify.proofcheck.regenerable_unsat import (record_minimum,
                                                                  regenerable_minimum)
from superpos_formal.errors import InputError
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
    ap.add_argument("--sat", help="the SAT bundle at n (default: solved afresh)")
    ap.add_argument("--unsat", help="an existing recorded refutation at n - 1 "
                                    "(default: solved afresh and recorded)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    task = uand(a.m)
    shape = Shape("explicit", a.activation, n=a.n - 1, B=a.B)
    work = Path(tempfile.mkdtemp(prefix="regen-min-"))
    try:
        options = {"symmetry": True, "sums": "tree"}
        if a.unsat:
            options = load(Path(a.unsat) / "claim.json")["options"]
        sat = a.sat or _solve_sat(task, shape.with_n(a.n), options, work / "sat")
        if a.unsat:
            print(regenerable_minimum(a.out, sat, a.unsat))
            return
        enc = encode_sat(task, shape, **options)
        try:
            print(record_minimum(a.out, sat, task, shape, enc, options, work,
                                 progress=print))
        except InputError as e:
            raise SystemExit(f"regen_minimum.py: {e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _solve_sat(task, shape, options, out):
    """The SAT bundle at ``shape.n``, solved afresh with ``options``."""
    enc = encode_sat(task, shape, **options)
    r = solve_cnf(enc.clauses, enc.nvars)
    print(f"n={shape.n}: {r.status} in {r.seconds:.1f} s", flush=True)
    if r.status != "SAT":
        raise SystemExit(f"regen_minimum.py: n={shape.n} is {r.status}")

    class Cell:
        status, seconds, network = "SAT", r.seconds, enc.decode(r.model)
    return make_bundle(out, Cell(), task=task, shape=shape, encoding=enc, options=options,
                       checkers=("native",))


if __name__ == "__main__":
    main()
