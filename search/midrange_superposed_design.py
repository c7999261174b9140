"""Superposed universal-AND networks narrower than m from a set design
(issue 24: starts for the superposed relu uand rows at theta 2).

Ansatz (a restriction of the search space, never of the question): hidden
neuron ``k`` is ``relu(M_k . x - 1)`` (``E = M``, a 0/1 ``n x m`` code;
``W = I``, ``b = -1``), which on ``X(m, 2)`` is 1 exactly when the active
pair lies inside the set ``A_k = {a : M_ka = 1}`` and 0 otherwise; then
``z = 2h + c`` (``V = 2I``) and output ``p`` is ``[R_p . z >= 2]``. CaDiCaL
(PySAT; deterministic, so the run is repeatable) chooses ``M``, ``c`` in
``[-2, 2]`` and ``R`` in ``{-1, 0, 1}`` so that every output is right on
every active pair and on the inputs with no active pair (``h = 0``). An
UNSAT answer says nothing about the question (the ansatz is narrower
than the model); a found network is verified exhaustively
(:func:`superpos_formal.verify.verify`) before it is written, and only that
verification makes it a result.

Provenance, honestly: the two committed design networks
(``search/results/midrange-superposed/design/``: m = 6 at n = 5, m = 8 at
n = 7) were found during the session by a first version of this script
that stated the ansatz to OR-Tools CP-SAT (m = 6, n = 5 in under 30 s;
m = 8, n = 7 in 148 s; nice 19, load 4). OR-Tools is only a benchmark peer
of this toolkit, so that version was replaced by this CNF. Measured on the
same machine (2026-12-07 06:17-06:27 UTC, load 3.2): the CNF (332k clauses,
encoded in 1.5 s) did NOT find m = 6, n = 5 within 9 min of CaDiCaL CPU,
so this script does not yet reproduce those two networks in comparable
time. It does answer the small cases (200,000 conflicts each, seconds):
uand(4) at n = 3 and 4, uand(5) at n = 5 found and verified; uand(5) at
n = 4 no design within the budget. Nothing rests on the search: each network is verified exhaustively
wherever it is used (the registry re-verifies its best networks), and an
answer of this script is written only after :func:`verify` passes.

  PYTHONPATH=$PWD python search/midrange_superposed_design.py M N CONFLICTS OUT.json
"""

import json
import sys
from itertools import combinations

from pysat.card import CardEnc
from pysat.formula import CNF, IDPool
from pysat.pb import PBEnc
from pysat.solvers import Solver

from superpos_formal.network import Network
from superpos_formal.schema import network_to_dict
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

__all__ = ["design", "network", "main"]


def design(m, n, conflicts):
    """``(M, c, R)`` of the ansatz, or None (UNSAT or out of time).

    A CNF for CaDiCaL: ``M`` Boolean, ``c_k`` one-hot over ``[-2, 2]``,
    ``R_pk`` as two exclusive Booleans ``pos``/``neg``, every product a
    Tseitin ``AND``, the sums as PySAT pseudo-Boolean encodings
    (``pysat.pb``). CaDiCaL is deterministic, so a run is repeatable."""
    P = list(combinations(range(m), 2))
    V = range(-2, 3)
    pool = IDPool()
    cnf = CNF()
    var = pool.id

    def conj(a, b):
        v = var(("and", a, b))
        cnf.extend([[-v, a], [-v, b], [v, -a, -b]])
        return v

    def pb(lits, weights, bound, kind):
        enc = (PBEnc.atmost if kind == "<=" else PBEnc.atleast)(
            lits=lits, weights=weights, bound=bound, vpool=pool)
        cnf.extend(enc.clauses)

    M = [[var(("M", k, a)) for a in range(m)] for k in range(n)]
    H = {(q, k): conj(M[k][q[0]], M[k][q[1]]) for q in P for k in range(n)}
    C = {(k, v): var(("c", k, v)) for k in range(n) for v in V}
    pos = {(p, k): var(("pos", p, k)) for p in P for k in range(n)}
    neg = {(p, k): var(("neg", p, k)) for p in P for k in range(n)}
    for k in range(n):
        cnf.extend(CardEnc.equals([C[k, v] for v in V], 1, vpool=pool).clauses)
    for key in pos:
        cnf.append([-pos[key], -neg[key]])
    for p in P:
        # R_p . c as weighted literals: v on pos & c=v, -v on neg & c=v
        bc = [(conj(pos[p, k], C[k, v]), v) for k in range(n) for v in V if v] + \
             [(conj(neg[p, k], C[k, v]), -v) for k in range(n) for v in V if v]
        pb(*zip(*bc), 1, "<=")  # no active pair: h = 0, output 0
        for q in P:
            t = bc + [(conj(pos[p, k], H[q, k]), 2) for k in range(n)] + \
                [(conj(neg[p, k], H[q, k]), -2) for k in range(n)]
            pb(*zip(*t), *((2, ">=") if p == q else (1, "<=")))
    with Solver(name="cadical153", bootstrap_with=cnf.clauses) as s:
        # a conflict budget, not a timer: CaDiCaL's interrupt was not
        # honoured through PySAT here, and a budget is repeatable
        s.conf_budget(conflicts)
        if s.solve_limited() is not True:
            return None
        model = set(x for x in s.get_model() if x > 0)
    return ([[int(x in model) for x in row] for row in M],
            [next(v for v in V if C[k, v] in model) for k in range(n)],
            [[int(pos[p, k] in model) - int(neg[p, k] in model) for k in range(n)] for p in P])


def network(M, c, R):
    """The ansatz network of a design (relu, B = 2, bias 2, code 1, theta 2)."""
    n = len(M)
    eye = [[int(i == j) for j in range(n)] for i in range(n)]
    return Network.superposed(M, R, "relu", [(eye, [-1] * n)],
                              [[2 * e for e in row] for row in eye], c,
                              B=2, B_bias=2, B_code=1, theta=2)


def main(argv=None):
    m, n, conflicts, out = (argv or sys.argv[1:])
    m, n, conflicts = int(m), int(n), int(conflicts)
    d = design(m, n, conflicts)
    if d is None:
        print(f"uand({m}) n={n}: no design found (UNSAT or out of budget; "
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
