"""Make a regenerable representation minimum with the code-choice encoder.

The representation question with one-hot inputs (identity task, ``s = 1``,
``L = 0``, free codes) at ``n - 1`` is refuted through the code-choice
encoder (encode/code_choice.py: chosen code vectors, lex-leader clauses of
syntactic automorphisms), solved afresh with a DRAT proof, checked by the
native engine and recorded as regenerable (no proof committed:
certify/proofcheck/regenerable_unsat.py); the SAT half at ``n`` is solved
by ``decide`` (its default encoder for the width) and verified. Run from the
repository root:

    PYTHONPATH=$PWD python search/regen_representation.py --m 9 --B-code 2 --n 4 \\
        --out out/regen/identity-m9

Re-check: ``superpos verify OUT --regenerate-proofs`` (re-makes the proof
and compares its sha256). The representation-b2 campaign left ``n = 3``
UNKNOWN at 600 s for ``m = 9`` and ``m = 10`` with the order encoding;
these minima were made with this script (docs/RESULTS.md).
"""

import argparse
import shutil
import tempfile
from pathlib import Path

from superpos_formal.certify.bundles.verify import make_bundle
from superpos_formal.certify.proofcheck.regenerable_unsat import record_minimum
from superpos_formal.encode import code_choice
from superpos_formal.errors import InputError
from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide
from superpos_formal.tasks import identity


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--m", type=int, required=True, help="features (identity(m), s = 1)")
    ap.add_argument("--B-code", type=int, required=True, help="code entries in [-B, B]")
    ap.add_argument("--n", type=int, required=True, help="the minimum (SAT width)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    task = identity(a.m)
    shape = Shape("superposed", "relu", n=a.n - 1, L=0, B=1, B_code=a.B_code, codes="free")
    work = Path(tempfile.mkdtemp(prefix="regen-repr-"))
    try:
        sat = decide(task, shape.with_n(a.n), SolveOptions(check=False))
        print(f"n={a.n}: {sat.status} in {sat.seconds:.1f} s ({sat.info['encoder']})",
              flush=True)
        if sat.status != "SAT":
            raise SystemExit(f"regen_representation.py: n={a.n} is {sat.status}")
        sat_dir = make_bundle(work / "sat", sat, task=task, checkers=("native",))
        options = {"symmetry": True}
        enc = code_choice.encode_sat(task, shape, **options)
        try:
            print(record_minimum(a.out, sat_dir, task, shape, enc, options, work,
                                 progress=print))
        except InputError as e:
            raise SystemExit(f"regen_representation.py: {e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
