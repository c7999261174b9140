"""The literal OR-Tools CP-SAT model: what a competent user would write.

This is a *peer* for the frontier benchmark (``benchmarks/bench_frontier.py``),
not part of the toolkit: OR-Tools is an optional dependency (the ``bench``
extra). The model is the question of docs/MODEL.md written directly in CP-SAT's
own vocabulary, with no symmetry breaking and no reformulation:

* every weight, bias and free code entry is an ``IntVar`` in its bound;
* per input ``x`` the forward pass: ``a_0 = E x`` (constants, or a linear
  expression of the free code entries), pre-activations as linear
  expressions; a product of two unknowns (a weight times a free-code value,
  a weight times a ReLU value, a free readout entry times an output value)
  is a fresh ``IntVar`` tied by ``AddMultiplicationEquality``; a weight
  times a step value (a Boolean) is ``p == w`` / ``p == 0`` under
  ``OnlyEnforceIf`` of the Boolean, as the CP-SAT documentation recommends
  for Boolean-times-integer;
* ReLU: ``h = max(t, 0)`` by ``AddMaxEquality``; step: a ``BoolVar`` ``h``
  with ``t >= 1`` ``OnlyEnforceIf(h)`` and ``t <= 0`` ``OnlyEnforceIf(~h)``;
* readout ``(R z)_j >= theta`` where the task wants 1, ``<= theta - 1``
  where it wants 0; ``tolerant(k)``: one Boolean per output bit enforcing
  the bit, at most ``k`` of them false.

A family (shared codes, one weight set per member) is the same model with
one weight set per member and one ``E``, ``R``: the whole family at once,
as a user without a CEGIS loop would write it. Every bound of the question
(``B``, ``B_bias``, ``B_code``, ``theta``) comes from the shape.

Each member network read off a solution is returned as a
:class:`~superpos_formal.network.Network`; the caller verifies it exactly.

Examples
--------
>>> from superpos_formal.tasks import and_pairs
>>> from superpos_formal.shape import Shape
>>> st, (E, R, nets), _ = solve_cpsat([and_pairs(2, [(0, 1)], s=2)],
...                                    Shape("explicit", "step", n=1, B=1), workers=1)
>>> st, nets[0].layers[0][0]
('SAT', ((1, 1),))
>>> solve_cpsat([and_pairs(2, [(0, 1)], s=2)], Shape("explicit", "step", n=1, B=0),
...             workers=1)[0]
'UNSAT'
"""

import time

from ortools.sat.python import cp_model

from superpos_formal.errors import InputError
from superpos_formal.network import Network

__all__ = ["build_cpsat", "solve_cpsat"]


class _Val:
    """An expression with its interval ``[lo, hi]`` (needed to size new vars)."""

    __slots__ = ("e", "lo", "hi", "kind")

    def __init__(self, e, lo, hi, kind):
        self.e, self.lo, self.hi, self.kind = e, lo, hi, kind  # kind: const|lin|var|bool


def _const(v):
    return _Val(v, v, v, "const")


class _Model:
    def __init__(self):
        self.m = cp_model.CpModel()
        self.k = 0

    def ivar(self, lo, hi, name=None):
        self.k += 1
        return self.m.NewIntVar(lo, hi, name or f"t{self.k}")

    def as_var(self, v):
        """An IntVar equal to ``v`` (products need variables, not sums)."""
        if v.kind in ("var", "bool"):
            return v.e
        x = self.ivar(v.lo, v.hi)
        self.m.Add(x == v.e)
        return x

    def times(self, w, wb, v):
        """``w * v`` for an IntVar weight ``w`` in ``[-wb, wb]`` and a value ``v``."""
        if v.kind == "const":
            return _Val(w * v.e, -wb * abs(v.e), wb * abs(v.e), "lin") if v.e else None
        M = wb * max(abs(v.lo), abs(v.hi))
        p = self.ivar(-M, M)
        if v.kind == "bool":
            self.m.Add(p == w).OnlyEnforceIf(v.e)
            self.m.Add(p == 0).OnlyEnforceIf(v.e.Not())
        else:
            self.m.AddMultiplicationEquality(p, [w, self.as_var(v)])
        return _Val(p, -M, M, "var")


def _sum(terms, bias=None):
    """Sum of ``_Val`` terms (None = zero) plus ``bias`` (an ``_Val``)."""
    terms = [t for t in terms if t is not None] + ([bias] if bias is not None else [])
    if not terms:
        return _const(0)
    if all(t.kind == "const" for t in terms):
        return _const(sum(t.e for t in terms))
    return _Val(sum(t.e for t in terms), sum(t.lo for t in terms),
                sum(t.hi for t in terms), "lin")


def _lin_const_matrix(row, vec):
    """``row . vec`` for a constant row and a vector of _Val."""
    return _sum([_Val(c * v.e, min(c * v.lo, c * v.hi), max(c * v.lo, c * v.hi),
                      "const" if v.kind == "const" else "lin")
                 for c, v in zip(row, vec) if c])


def build_cpsat(tasks, shape):
    """The CP-SAT model of "one code serves every task in ``tasks``".

    Returns ``(model, handles)``; ``handles`` reads a solution back.
    """
    if shape.L > 2:
        raise InputError(f"L: the CP-SAT peer model supports L = 0, 1, 2, got {shape.L}")
    t0 = tasks[0]
    m, mo, n, L = t0.m, t0.m_out, shape.n, shape.L
    M = _Model()
    mdl = M.m
    B, Bb, Bc = shape.B, shape.B_bias, shape.B_code

    if shape.mode == "explicit":
        d = m
        E = [[int(i == j) for j in range(m)] for i in range(m)]
        R = [[int(i == j) for j in range(mo)] for i in range(mo)]
        free = False
    elif shape.codes == "given":
        d = n
        E, R = [list(r) for r in shape.E], [list(r) for r in shape.R]
        free = False
    elif shape.codes == "free":
        d = n
        E = [[M.ivar(-Bc, Bc, f"E_{i}_{j}") for j in range(m)] for i in range(n)]
        R = [[M.ivar(-Bc, Bc, f"R_{i}_{j}") for j in range(n)] for i in range(mo)]
        free = True
    else:
        raise InputError(f"codes: the CP-SAT peer model supports given and free codes, "
                         f"not {shape.codes!r}")

    # a_0 = E x for every input of the (shared) domain: shared by all members
    X = t0.inputs
    a0 = {}
    for x in X:
        on = [i for i, xi in enumerate(x) if xi]
        if free:
            a0[x] = [_sum([_Val(E[r][i], -Bc, Bc, "var") for i in on]) for r in range(d)]
        else:
            a0[x] = [_const(sum(E[r][i] for i in on)) for r in range(d)]

    members = []
    ok_lits = []
    for ti, task in enumerate(tasks):
        layers, prev = [], d
        for l in range(L):
            W = [[M.ivar(-B, B, f"m{ti}_W{l + 1}_{k}_{i}") for i in range(prev)] for k in range(n)]
            b = [M.ivar(-Bb, Bb, f"m{ti}_b{l + 1}_{k}") for k in range(n)]
            layers.append((W, b))
            prev = n
        V = c = None
        if L >= 1:
            d_out = mo if shape.mode == "explicit" else n
            V = [[M.ivar(-B, B, f"m{ti}_V_{k}_{i}") for i in range(prev)] for k in range(d_out)]
            c = [M.ivar(-Bb, Bb, f"m{ti}_c_{k}") for k in range(d_out)]
        members.append((layers, V, c))
        for x in X:
            a = a0[x]
            for W, b in layers:
                nxt = []
                for k in range(n):
                    t = _sum([M.times(W[k][i], B, a[i]) for i in range(len(a))],
                             _Val(b[k], -Bb, Bb, "var"))
                    if shape.activation == "relu":
                        h = M.ivar(0, max(t.hi, 0))
                        mdl.AddMaxEquality(h, [t.e, 0])
                        nxt.append(_Val(h, 0, max(t.hi, 0), "var"))
                    else:
                        h = mdl.NewBoolVar("")
                        mdl.Add(t.e >= 1).OnlyEnforceIf(h)
                        mdl.Add(t.e <= 0).OnlyEnforceIf(h.Not())
                        nxt.append(_Val(h, 0, 1, "bool"))
                a = nxt
            if L >= 1:
                z = [_sum([M.times(V[k][i], B, a[i]) for i in range(len(a))],
                          _Val(c[k], -Bb, Bb, "var")) for k in range(len(V))]
            else:
                z = a
            if free:
                rz = [_sum([M.times(R[j][k], Bc, z[k]) for k in range(len(z))])
                      for j in range(mo)]
            else:
                rz = [_lin_const_matrix(R[j], z) for j in range(mo)]
            want = task(x)
            for j in range(mo):
                e = rz[j]
                if e.kind == "const":
                    holds = (e.e >= shape.theta) == bool(want[j])
                    if shape.tolerance == 0 and not holds:
                        f = mdl.NewBoolVar("")  # a constant violated bit: infeasible
                        mdl.Add(f == 1)
                        mdl.Add(f == 0)
                    elif shape.tolerance > 0 and not holds:
                        lit = mdl.NewBoolVar("")
                        mdl.Add(lit == 0)
                        ok_lits.append(lit)
                    continue
                ct = mdl.Add(e.e >= shape.theta) if want[j] else mdl.Add(e.e <= shape.theta - 1)
                if shape.tolerance > 0:
                    lit = mdl.NewBoolVar("")
                    ct.OnlyEnforceIf(lit)
                    ok_lits.append(lit)
    if shape.tolerance > 0 and ok_lits:
        mdl.Add(sum(ok_lits) >= len(ok_lits) - shape.tolerance)
    return mdl, (E, R, members, free)


def _decode(solver, shape, tasks, handles):
    E, R, members, free = handles

    def val(v):
        return v if isinstance(v, int) else solver.Value(v)

    def mat(A):
        return [[val(v) for v in r] for r in A]

    Ev, Rv = mat(E), mat(R)
    nets = []
    for (layers, V, c), task in zip(members, tasks):
        ls = [(mat(W), [val(v) for v in b]) for W, b in layers]
        Vv = None if V is None else mat(V)
        cv = None if c is None else [val(v) for v in c]
        if shape.mode == "explicit":
            nets.append(Network.explicit(task.m, task.m_out, shape.activation, ls, Vv, cv,
                                         B=shape.B, B_bias=shape.B_bias, theta=shape.theta))
        else:
            nets.append(Network.superposed(Ev, Rv, shape.activation, ls, Vv, cv, B=shape.B,
                                           B_bias=shape.B_bias, B_code=shape.B_code,
                                           theta=shape.theta))
    return Ev, Rv, nets


def solve_cpsat(tasks, shape, *, workers=1, time_limit=None, seed=0):
    """Build and solve; ``(status, (E, R, networks) or None, stats)``.

    ``status`` is SAT, UNSAT or UNKNOWN (CP-SAT's own time limit). The
    networks are *not* verified here: the benchmark verifies them.
    """
    t0 = time.perf_counter()
    mdl, handles = build_cpsat(list(tasks), shape)
    t1 = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    st = solver.Solve(mdl)
    stats = {"build_seconds": round(t1 - t0, 4),
             "solve_seconds": round(time.perf_counter() - t1, 4)}
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "SAT", _decode(solver, shape, list(tasks), handles), stats
    if st == cp_model.INFEASIBLE:
        return "UNSAT", None, stats
    return "UNKNOWN", None, stats
