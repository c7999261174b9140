"""Codes that separate what the family tells apart: implied, so they steer the member loop.

A network of superposed mode sees an input ``x`` only through ``E x``, so
if ``E x = E x'`` every member gets the same output at ``x`` and ``x'``.
Hence every code that serves a family exactly (tolerance 0) satisfies

    ``E x != E x'`` for every pair ``x, x'`` of ``X(m, s)`` that some
    member of the family maps to different outputs.

The subfamily formula of the member loop does not say this (it knows only
its own members), and a code it returns that merges such a pair fails a
member on an input-code conflict: a round spent on nothing. Adding these
clauses to the subfamily solve steers it to codes that can serve every
member as far as the code alone can tell. It is *implied by the family*,
never by the subfamily, so it only steers: a SAT answer still has every
member's network verified, and an UNSAT of the subfamily formula plus these
clauses is never reported; the plain subfamily formula (whose DRAT proof is
the certificate) decides then (:mod:`.family`).

The clauses: for each such pair (up to sign, one per difference vector
``d = x - x'``) and each code coordinate ``i`` an auxiliary literal
``nz_i`` with ``nz_i -> (E d)_i != 0`` (one clause per assignment of the
entries of row ``i`` on ``d``'s support whose signed sum is 0), and one
clause ``nz_1 or ... or nz_n``.

Examples
--------
>>> from superpos_formal.tasks import pair_set_family
>>> diffs = separating_differences(list(pair_set_family(3, 1, 2).members()))
>>> len(diffs), diffs[0]
(12, ((0, 1),))
"""

from itertools import combinations, product

from ..domain import domain
from ..encode.ints import FALSE, TRUE

__all__ = ["separating_differences", "separation_clauses"]


def separating_differences(members):
    """The difference vectors ``x - x'`` (sparse: ``((feature, sign), ...)``,
    sign of the first entry positive, one per pair up to sign, sorted) of
    the pairs of inputs that some member of ``members`` maps differently."""
    X = list(domain(members[0].m, members[0].s))
    tables = [[t(x) for x in X] for t in members]
    out = set()
    for a, b in combinations(range(len(X)), 2):
        if any(tab[a] != tab[b] for tab in tables):
            d = [(f, X[a][f] - X[b][f]) for f in range(len(X[a])) if X[a][f] != X[b][f]]
            if d[0][1] < 0:
                d = [(f, -v) for f, v in d]
            out.add(tuple(d))
    return sorted(out)


def _not_equal(e, v):
    """A clause (list of literals, or ``None`` when always true) saying ``e != v``."""
    lits = [-e.ge(v), e.ge(v + 1)]
    if TRUE in lits:
        return None
    return [l for l in lits if l != FALSE]


def separation_clauses(E, diffs, first_var):
    """Clauses saying ``E d != 0`` for every ``d`` of ``diffs``, over the
    order-encoded code entries ``E`` (rows of
    :class:`~superpos_formal.encode.ints.IntExpr`) and auxiliary variables
    numbered from ``first_var``. Returns ``(clauses, next free variable)``.

    >>> from superpos_formal.encode.ints import IntVar
    >>> E = [[IntVar([-1, 0, 1], [2, 3]), IntVar([-1, 0, 1], [4, 5])]]
    >>> separation_clauses(E, [((0, 1), (1, -1))], 6)
    ([[-6, 2, 4], [-6, -2, 3, -4, 5], [-6, -3, -5], [6]], 7)
    """
    clauses, var = [], first_var
    for d in diffs:
        nz = []
        for row in E:
            entries = [(row[f], c) for f, c in d]
            lit, var = var, var + 1
            nz.append(lit)
            for vals in product(*(e.dom for e, _ in entries)):
                if sum(c * v for (_, c), v in zip(entries, vals)):
                    continue
                clause = [-lit]
                for (e, _), v in zip(entries, vals):
                    ne = _not_equal(e, v)
                    if ne is None:
                        break
                    clause += ne
                else:
                    clauses.append(clause)
        clauses.append(nz)
    return clauses, var
