"""Superposed universal-AND networks narrower than m from a set design
(issue 24: starts for the superposed relu uand rows at theta 2).

Ansatz (a restriction of the search space, never of the question): hidden
neuron ``k`` is ``relu(M_k . x - 1)`` (``E = M``, a 0/1 ``n x m`` code;
``W = I``, ``b = -1``), which on ``X(m, 2)`` is 1 exactly when the active
pair lies inside the set ``A_k = {a : M_ka = 1}`` and 0 otherwise; then
``z = 2h + c`` (``V = 2I``) and output ``p`` is ``[R_p . z >= 2]``. CP-SAT
(ortools, one worker, so the run is repeatable) chooses ``M``, ``c`` in
``[-2, 2]`` and ``R`` in ``{-1, 0, 1}`` so that every output is right on
every active pair and on the inputs with no active pair (``h = 0``). An
INFEASIBLE answer says nothing about the question (the ansatz is narrower
than the model); a found network is verified exhaustively
(:func:`superpos_formal.verify.verify`) before it is written, and only that
verification makes it a result.

Measured (nice 19, load 4): m = 6, n = 5 found in under 30 s; m = 8, n = 7 in
148 s (300 s cap; UNKNOWN at 60-100 s); m = 6, n = 4
INFEASIBLE; m = 8, n = 6 UNKNOWN at 60 s.

  PYTHONPATH=$PWD python search/midrange_superposed_design.py M N SECONDS OUT.json
"""

import json
import sys
from itertools import combinations

from ortools.sat.python import cp_model

from superpos_formal.network import Network
from superpos_formal.schema import network_to_dict
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

__all__ = ["design", "network", "main"]


def _and(md, x, y):
    v = md.NewBoolVar("")
    md.AddBoolAnd([x, y]).OnlyEnforceIf(v)
    md.AddBoolOr([x.Not(), y.Not()]).OnlyEnforceIf(v.Not())
    return v


def design(m, n, seconds):
    """``(M, c, R)`` of the ansatz, or None (INFEASIBLE or out of time)."""
    P = list(combinations(range(m), 2))
    md = cp_model.CpModel()
    M = [[md.NewBoolVar("") for _ in range(m)] for _ in range(n)]
    H = {(q, k): _and(md, M[k][q[0]], M[k][q[1]]) for q in P for k in range(n)}
    c = [md.NewIntVar(-2, 2, "") for _ in range(n)]
    pos = {(p, k): md.NewBoolVar("") for p in P for k in range(n)}
    neg = {(p, k): md.NewBoolVar("") for p in P for k in range(n)}
    for key in pos:
        md.AddBoolOr([pos[key].Not(), neg[key].Not()])
    for p in P:
        bc = []  # R_pk c_k
        for k in range(n):
            t = md.NewIntVar(-2, 2, "")
            md.Add(t == c[k]).OnlyEnforceIf(pos[p, k])
            md.Add(t == -c[k]).OnlyEnforceIf(neg[p, k])
            md.Add(t == 0).OnlyEnforceIf([pos[p, k].Not(), neg[p, k].Not()])
            bc.append(t)
        md.Add(sum(bc) <= 1)  # no active pair: h = 0, output 0
        for q in P:
            s = sum(2 * _and(md, pos[p, k], H[q, k]) - 2 * _and(md, neg[p, k], H[q, k])
                    for k in range(n)) + sum(bc)
            md.Add(s >= 2) if p == q else md.Add(s <= 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    if solver.Solve(md) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    val = solver.Value
    return ([[val(x) for x in row] for row in M], [val(x) for x in c],
            [[val(pos[p, k]) - val(neg[p, k]) for k in range(n)] for p in P])


def network(M, c, R):
    """The ansatz network of a design (relu, B = 2, bias 2, code 1, theta 2)."""
    n = len(M)
    eye = [[int(i == j) for j in range(n)] for i in range(n)]
    return Network.superposed(M, R, "relu", [(eye, [-1] * n)],
                              [[2 * e for e in row] for row in eye], c,
                              B=2, B_bias=2, B_code=1, theta=2)


def main(argv=None):
    m, n, seconds, out = (argv or sys.argv[1:])
    m, n, seconds = int(m), int(n), float(seconds)
    d = design(m, n, seconds)
    if d is None:
        print(f"uand({m}) n={n}: no design found (INFEASIBLE or out of time; "
              f"says nothing about the question)")
        return 1
    net = network(*d)
    if not verify(net, uand(m)).ok:
        raise SystemExit(f"design network fails uand({m})")
    with open(out, "w") as f:
        json.dump(network_to_dict(net), f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"uand({m}) superposed relu B=2 bias=2 code=1 theta=2: width {n}, verified; "
          f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
