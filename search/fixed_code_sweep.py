"""Check one shared code against every member of a pair-set family.

Given ``(E, R)`` (a JSON file ``{"E": ..., "R": ...}``) and a width ``n``,
each member of pair sets ``(m, m')`` is solved with the code *given*
(``decide`` with ``codes="given"``), and each network found is verified
exhaustively. If every member is served, the answer is bundled with
:func:`~superpos_formal.certify.from_answer.bundle_decision`, which
re-verifies every network against the one shared code: the bundle is an
ordinary family SAT claim, re-checked by ``superpos verify``. A member the
code does not serve is listed (UNKNOWN for the family at that code: another
code may serve it); nothing is written then.

This is how the pair sets (5, 3) and (5, 4) answers at n = 4 were bundled
(issue 25; codes in ``search/results/families-next-codes/``, found by the
member loop on one member; times in ``search/results/families-next-notes.md``).
Bounds: superposed relu, L = 1, B = 1, bias 1, code 1, theta 1. Run from
the repository root::

    PYTHONPATH=$PWD python search/fixed_code_sweep.py --m 5 --m-out 4 --n 4 \\
        --code search/results/families-next-codes/pair-sets-m5-mout4-n4.json -o out/p54-n4-sat
"""

import argparse
import json
import sys
import time
from dataclasses import replace

from superpos_formal.certify.from_answer import bundle_decision
from superpos_formal.options import SolveOptions
from superpos_formal.results import Status
from superpos_formal.shape import Shape
from superpos_formal.solve.cell import Cell
from superpos_formal.solve.family import _encoder_options
from superpos_formal.solve.search import decide
from superpos_formal.tasks import pair_set_family
from superpos_formal.verify import verify

__all__ = ["main"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--m-out", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--code", required=True, help='JSON {"E": [[...]], "R": [[...]]}')
    ap.add_argument("-o", "--out", required=True, help="bundle directory (must not exist)")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds per member solve")
    a = ap.parse_args(argv)
    fam = pair_set_family(a.m, a.m_out)
    members = list(fam.members())
    with open(a.code) as f:
        code = json.load(f)
    E, R = code["E"], code["R"]
    shape = Shape(mode="superposed", activation="relu", n=a.n, L=1, B=1, B_bias=1, B_code=1,
                  theta=1, codes="free")
    given = replace(shape, codes="given", E=E, R=R)
    t0 = time.perf_counter()
    nets, unserved = [], []
    for i, t in enumerate(members):
        c = decide(t, given, SolveOptions(time_limit=a.limit))
        ok = c.status == Status.SAT and verify(c.network, t, 0).ok
        print(f"{i} {t.name} {c.status} verified={ok} ({time.perf_counter() - t0:.0f} s)",
              flush=True)
        (nets.append(c.network) if ok else unserved.append(t.name))
    seconds = time.perf_counter() - t0
    print(f"{len(nets)}/{len(members)} members served with the code given, {seconds:.1f} s")
    if unserved:
        print(f"unserved (nothing written): {unserved}")
        return 1
    sat = Cell(fam, shape, Status.SAT, seconds, codes=(E, R), networks=nets, core=members[:1],
               rounds=1, options=_encoder_options(fam, True),
               info={"method": "one shared code, every member solved with it given"},
               solver="cadical195")
    rep = bundle_decision(sat, a.out, family=fam, headline=True)
    print(f"bundle {a.out}: {'PASS' if rep.ok else 'FAIL'}")
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
