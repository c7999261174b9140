"""The orbit method on families the member loop has not decided (issue 25).

Each cell is one width of one family, asked with
:func:`superpos_formal.solve.equivariant.decide_family_orbits` and no
fallback (so the answer is SAT with every member verified, or UNKNOWN:
an equivariant code was not found in time; the tied formula's UNSAT is no
answer). A SAT answer becomes a claim bundle under
``search/family-method/<family>-n<n>/`` (``superpos verify`` re-checks every
member's network exhaustively). No minimum is claimed: that needs the UNSAT
side below with a checked proof (``min-neurons --family ... --proof``).

Run:  /work/bin/bg python search/family_method.py [--only perm6-n4] [--time-limit 900]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from superpos_formal.certify.from_answer import bundle_decision  # noqa: E402
from superpos_formal.results import Status  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.solve.equivariant import decide_family_orbits  # noqa: E402
from superpos_formal.tasks import permutation_family  # noqa: E402

#: name -> (family, n, groups tried in order); bounds B = bias = code = 1, theta 1
CELLS = {
    "perm6-n4": (lambda: permutation_family(6), 4, ("s4", "d4xflip", "d4")),
    "perm6-n4-d4xflip": (lambda: permutation_family(6), 4, ("d4xflip",)),
    "perm6-n3": (lambda: permutation_family(6), 3, ("d4xflip", "d4", "s3", "c4", "c2", "flip")),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None, help="one cell name")
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds per group")
    a = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (mk, n, groups) in CELLS.items():
        if a.only and a.only != name:
            continue
        fam = mk()
        shape = Shape("superposed", "relu", n=n, L=1, B=1, B_bias=1, B_code=1, theta=1,
                      codes="free")
        t0 = time.perf_counter()
        cell = decide_family_orbits(fam, shape, groups=groups, time_limit=a.time_limit,
                                    group_limit=None,
                                    fallback=False,
                                    progress=lambda s: print(s, flush=True))
        dt = time.perf_counter() - t0
        print(f"{name}: {fam.name} n={n} B=1 bias=1 code=1 theta=1: {cell.status} "
              f"in {dt:.1f} s; {cell.info.get('tried')}", flush=True)
        if cell.status == Status.SAT:
            dest = os.path.join(here, "family-method", f"{name.split('-d4')[0]}-sat")
            rep = bundle_decision(cell, dest, family=fam, overwrite=True)
            print(f"  bundle {dest}: {'PASS' if rep.ok else 'FAIL'} "
                  f"({len(cell.networks)} member networks verified)", flush=True)


if __name__ == "__main__":
    main()
