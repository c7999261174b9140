"""A refutation bundle for the band (issue 24): "no network of this shape
exists at width n" for a small universal-AND question, as a DRAT-checked
UNSAT claim bundle. A lower-bound claim (proofs/lower-bounds/) rests on it
by restriction: every larger uand at the same bounds needs width >= n + 1.

Used where the minimum bundle (SAT + UNSAT one width up) would be over the
2 MB guideline. Run from the repository root:

  PYTHONPATH=$PWD python search/midrange_refute.py OUT M MODE ACT B BIAS CODE THETA N
"""

import sys
import tempfile
from pathlib import Path

from superpos_formal.certify.bundles.make_claim import make_bundle
from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide
from superpos_formal.tasks import uand


def main(argv):
    out, m, mode, act, B, bias, code, theta, n = argv
    m, B, bias, code, theta, n = map(int, (m, B, bias, code, theta, n))
    sh = Shape(mode, act, n=n, B=B, B_bias=bias, B_code=code if mode == "superposed" else None,
               theta=theta, codes="free" if mode == "superposed" else "given")
    with tempfile.TemporaryDirectory() as d:
        cell = decide(uand(m), sh, SolveOptions(sums="tree"), proof_path=str(Path(d) / "p.drat"))
        print(f"uand({m}) {mode}/{act} B={B} bias={bias} code={code} theta={theta} n={n}: "
              f"{cell.status} in {cell.seconds:.1f} s")
        if cell.status != "UNSAT":
            return 1
        make_bundle(out, cell, checkers=("native", "python", "drup"),
                    note=f"refutation at n={n}: lower bound {n + 1} for uand(M >= {m}) "
                         f"at these bounds (restriction, proofs/lower-bounds/)")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
