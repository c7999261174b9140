"""Test helper: check a network (or family solution) against the emitted symmetry-break clauses.

The symmetry breaks are sound because every solution has an equivalent one
that satisfies them (:mod:`superpos_formal.encode.canonical` builds it). This
module is the other half of that test: it writes a network into the CNF's
variables and checks the clauses the encoder *labelled* as symmetry breaks
(``SatEncoding.sb_ranges``), so a mismatch between the argument and the
clauses shows up as a failure naming the break.

The parameters (order literals of every weight, bias and free code entry)
are fixed by the network; the auxiliary variables of the break clauses (the
prefix-equality and witness literals of
:meth:`~superpos_formal.encode.ints.Builder.lex_geq`) are first set by unit
propagation and then, where propagation leaves them open, completed by a SAT
call restricted to the break clauses (their auxiliaries are local to the
break, so this asks exactly "does an extension exist").

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.shape import Shape
>>> from superpos_formal.encode.sat import encode_sat
>>> from superpos_formal.network import Network
>>> enc = encode_sat(uand(2), Shape("explicit", "step", n=2, B=1))
>>> good = Network.explicit(2, 1, "step", [([[1, 1], [0, 0]], [-1, -1])], [[1, 0]], [0], B=1)
>>> bad = Network.explicit(2, 1, "step", [([[0, 0], [1, 1]], [-1, -1])], [[0, 1]], [0], B=1)
>>> check_sb(enc, [good]), [f.split(":")[0] for f in check_sb(enc, [bad])]
([], ['hidden-neuron-lex'])
"""

from pysat.solvers import Solver

from superpos_formal.encode.ints import IntVar, TRUE

__all__ = ["primary_assignment", "check_sb", "check_full", "sb_clauses"]


def _int_lits(x, v, where):
    """Order literals of an encoded integer ``x`` at value ``v``."""
    if not isinstance(x, IntVar):
        if x.dom != [v] and len(x.dom) == 1:
            raise ValueError(f"{where}: {v} but the formula fixes it to {x.dom[0]}")
        return []
    if v < x.dom[0] or v > x.dom[-1] or v not in x.dom:
        raise ValueError(f"{where}: {v} is outside the encoded domain "
                         f"[{x.dom[0]}, {x.dom[-1]}]")
    return [lit if v >= d else -lit for d, lit in zip(x.dom[1:], x.lits)]


def primary_assignment(encoding, nets):
    """Literals fixing every parameter of ``encoding`` to the values of ``nets``.

    ``nets`` has one network per member (shared codes from the first).
    Raises ValueError naming the first parameter whose value the formula
    cannot take.
    """
    if len(nets) != len(encoding._members):
        raise ValueError(f"{len(nets)} networks for {len(encoding._members)} members")
    lits = []
    net0 = nets[0]
    for name, vars_, vals in (("E", encoding._E, net0.E), ("R", encoding._R, net0.R)):
        for i, (vrow, row) in enumerate(zip(vars_, vals)):
            for j, (x, v) in enumerate(zip(vrow, row)):
                lits += _int_lits(x, v, f"{name}[{i}][{j}]")
    for mi, (mem, net) in enumerate(zip(encoding._members, nets)):
        for l, ((W, b), (Wv, bv)) in enumerate(zip(mem["layers"], net.layers)):
            for k, (row, vrow) in enumerate(zip(W, Wv)):
                for i, (x, v) in enumerate(zip(row, vrow)):
                    lits += _int_lits(x, v, f"member {mi} W_{l + 1}[{k}][{i}]")
                lits += _int_lits(b[k], bv[k], f"member {mi} b_{l + 1}[{k}]")
        if mem["V"] is not None:
            for j, (row, vrow) in enumerate(zip(mem["V"], net.V)):
                for k, (x, v) in enumerate(zip(row, vrow)):
                    lits += _int_lits(x, v, f"member {mi} V[{j}][{k}]")
                lits += _int_lits(mem["c"][j], net.c[j], f"member {mi} c[{j}]")
    return lits


def sb_clauses(encoding):
    """The clauses labelled as symmetry breaks, in emission order."""
    return [c for _, a, e in encoding.sb_ranges for c in encoding.clauses[a:e]]


def check_sb(encoding, nets):
    """Failure messages (empty: every break clause is satisfiable by an
    extension of the network's parameter assignment, break by break)."""
    try:
        prim = primary_assignment(encoding, nets)
    except ValueError as e:
        return [f"parameters: {e}"]
    fails = []
    for name, a, e in encoding.sb_ranges:
        cls = encoding.clauses[a:e]
        with Solver(name="cd15", bootstrap_with=cls + [[TRUE]]) as s:
            ok, _ = s.propagate(assumptions=prim)
            if not ok or not s.solve(assumptions=prim):
                fails.append(f"{name}: clauses {a}-{e - 1} of {len(encoding.clauses)} "
                             f"are violated by the network")
    return fails


def check_full(encoding, nets):
    """Failure messages of the whole formula (base + breaks) at ``nets``.

    Every auxiliary of the base formula is a function of the parameters;
    unit propagation sets those of the two-directional sums and products,
    and the solver completes the rest (the one-directional output sums).
    """
    try:
        prim = primary_assignment(encoding, nets)
    except ValueError as e:
        return [f"parameters: {e}"]
    with Solver(name="cd15", bootstrap_with=encoding.clauses) as s:
        ok, _ = s.propagate(assumptions=prim)
        if not ok:
            return ["formula: unit propagation from the network's parameters conflicts"]
        if not s.solve(assumptions=prim):
            return ["formula: no extension of the network's parameters satisfies it"]
    return []
