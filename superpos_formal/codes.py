"""Feature codes: generators and degenerate-code detection (docs/MODEL.md 2 and 4).

In superposed mode the network sees ``a_0 = E x`` (``E`` is ``n x m``) and
reads ``y_j = [(R z)_j >= theta]`` (``R`` is ``m' x n``). This module makes
such codes and names the ones that make a task impossible at every width:

* an input code that maps two inputs with different required outputs to the
  same vector (``E x = E x'`` but ``f(x) != f(x')``): no network can tell
  them apart (:func:`input_code_conflicts`);
* a readout row that is a non-negative combination of other rows: with
  ``theta = 1`` it can never fire while those rows are all off, since
  ``(Rz)_j = sum_i lambda_i (Rz)_i <= 0`` (at ``theta >= 2`` off rows can be
  positive, and the combination can reach ``theta``)
  (:func:`degenerate_readout_rows`). Decided exactly in rational arithmetic
  (z3 linear real arithmetic), never in floating point.

Examples
--------
>>> E, R = random_codes(4, 6, 3, k=2, seed=0)
>>> len(E), len(E[0]), len(R), len(R[0])
(4, 6, 3, 4)
>>> degenerate_readout_rows([[1, 0], [2, 0], [0, 1]])
[0, 1]
"""

import random

import z3

from .domain import domain
from .errors import InputError

__all__ = ["identity_code", "random_sparse_code", "random_codes", "random_codes_for",
           "degenerate_readout_rows", "input_code_conflicts", "forced_errors",
           "check_codes"]


def identity_code(m):
    """``I_m`` as a tuple of rows."""
    return tuple(tuple(int(i == j) for j in range(m)) for i in range(m))


def random_sparse_code(d, m, k, seed):
    """A ``d x m`` matrix whose every column has exactly ``k`` entries ``+-1``
    (the rest 0), columns pairwise distinct; seeded, reproducible."""
    if not 1 <= k <= d:
        raise InputError(f"k: nonzeros per column must be in 1..{d}, got {k}")
    rng = random.Random(seed)
    cols, seen = [], set()
    tries = 0
    while len(cols) < m:
        tries += 1
        if tries > 10000 * m:
            raise InputError(f"cannot draw {m} distinct columns of dimension {d} "
                             f"with {k} nonzeros; raise n or k")
        rows = sorted(rng.sample(range(d), k))
        col = [0] * d
        for r in rows:
            col[r] = rng.choice((1, -1))
        if tuple(col) in seen:
            continue
        seen.add(tuple(col))
        cols.append(col)
    return tuple(tuple(cols[j][i] for j in range(m)) for i in range(d))


def random_codes(n, m, m_out, k, seed, max_tries=1000):
    """Input code ``E`` (``n x m``) and readout ``R`` (``m' x n``), seeded.

    ``R`` is the transpose of an independent random sparse output code,
    redrawn (with derived seeds) until no readout row is degenerate. The
    result depends only on ``(n, m, m_out, k, seed)``.
    """
    E = random_sparse_code(n, m, k, seed)
    for t in range(max_tries):
        D = random_sparse_code(n, m_out, k, seed * 7919 + 104729 * (t + 1))
        R = tuple(tuple(D[i][j] for i in range(n)) for j in range(m_out))
        if not degenerate_readout_rows(R):
            return E, R
    raise InputError(f"no non-degenerate readout of {m_out} rows in dimension {n} "
                     f"found in {max_tries} draws; raise n or k")


def random_codes_for(m, m_out, k, seed):
    """The per-width generator of seeded random codes: ``n -> (E, R)``.

    ``k`` nonzeros per column, clipped to ``n`` at widths below ``k``; the
    same ``(n, seed)`` always gives the same codes. A width at which no code
    can be drawn raises :class:`InputError` (searches skip it, with the
    reason: docs/MODEL.md, "Codes").

    >>> f = random_codes_for(4, 2, 2, seed=0)
    >>> E, R = f(3)
    >>> f(3) == (E, R), len(E), len(R)
    (True, 3, 2)
    >>> f(1)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: cannot draw 4 distinct columns of dimension 1 with 1 nonzeros; raise n or k
    """
    def codes_for(n):
        return random_codes(n, m, m_out, min(k, n), seed)
    return codes_for


def degenerate_readout_rows(R):
    """Indices ``j`` whose row ``R_j`` lies in the cone of the other rows
    (includes zero rows). Exact: z3 over the rationals."""
    out = []
    rows = [list(r) for r in R]
    for j, rj in enumerate(rows):
        if not any(rj):
            out.append(j)
            continue
        others = [r for i, r in enumerate(rows) if i != j]
        if not others:
            continue
        lam = [z3.Real(f"l{i}") for i in range(len(others))]
        s = z3.Solver()
        s.add([v >= 0 for v in lam])
        for c in range(len(rj)):
            s.add(z3.Sum([lam[i] * others[i][c] for i in range(len(others))]) == rj[c])
        if s.check() == z3.sat:
            out.append(j)
    return out


def input_code_conflicts(E, task):
    """Pairs of inputs ``(x, x')`` with ``E x = E x'`` and ``f(x) != f(x')``.

    A non-empty answer means no network with this input code computes the
    task, at any width or depth.
    """
    seen = {}
    out = []
    for x in domain(task.m, task.s):
        key = tuple(sum(e * v for e, v in zip(row, x)) for row in E)
        if key in seen and task(seen[key]) != task(x):
            out.append((seen[key], x))
        seen.setdefault(key, x)
    return out


def forced_errors(E, task):
    """The fewest wrong output bits any network with input code ``E`` makes
    on ``task``, over all of ``X``.

    Inputs with the same code ``E x`` get the same network output, so in a
    class of inputs sharing a code, output ``j`` is wrong on at least
    ``min(#inputs needing 1, #inputs needing 0)`` of them; the classes and
    the outputs are disjoint, so these minima add up. The bound is attained
    by the output that takes each class's majority, so under
    ``tolerance = k`` the code refutes the task (at every width and depth)
    exactly when this number exceeds ``k``, as far as the input code
    alone can tell.

    >>> from superpos_formal.tasks import identity
    >>> forced_errors([[1, 1, 0], [0, 0, 1]], identity(3))
    2
    """
    groups = {}
    for x in domain(task.m, task.s):
        key = tuple(sum(e * v for e, v in zip(row, x)) for row in E)
        groups.setdefault(key, []).append(task(x))
    total = 0
    for ys in groups.values():
        if len(ys) > 1:
            for j in range(task.m_out):
                ones = sum(y[j] for y in ys)
                total += min(ones, len(ys) - ones)
    return total


def _readout_forced_errors(R, task):
    """Inputs that need ``y_j = 1`` alone for a readout row ``j`` in the cone
    of the others: at ``theta = 1`` each forces a wrong bit (see the module
    docstring), one per input, so their number is a lower bound on the
    wrong bits of any network with readout ``R``."""
    bad = set(degenerate_readout_rows(R))
    if not bad:
        return 0, None
    n, first = 0, None
    for x in domain(task.m, task.s):
        y = task(x)
        if sum(y) == 1 and y.index(1) in bad:
            n += 1
            first = first if first is not None else y.index(1)
    return n, first


def check_codes(E, R, task, theta=1, tolerance=0):
    """Raise :class:`InputError` naming the first reason ``(E, R)`` makes
    ``task`` impossible at every width under ``tolerance`` wrong output
    bits; return None otherwise.

    Each refusal is exactly a proof of impossibility: the number of wrong
    bits it shows every network must make exceeds ``tolerance``
    (:func:`forced_errors`; degenerate readout rows at ``theta = 1``), so
    a question this refuses is UNSAT for every width, depth and bound.
    """
    if len(E[0]) != task.m:
        raise InputError(f"E: has {len(E[0])} columns, the task has m={task.m}")
    if len(R) != task.m_out:
        raise InputError(f"R: has {len(R)} rows, the task has m'={task.m_out}")
    if len(R[0]) != len(E):
        raise InputError(f"R: has {len(R[0])} columns, E has {len(E)} rows")
    forced = forced_errors(E, task)
    if forced > tolerance:
        x, y = input_code_conflicts(E, task)[0]
        raise InputError(f"E: degenerate input code: inputs {x} and {y} get the same "
                         f"code but need different outputs; every network with this "
                         f"code gets at least {forced} output bits wrong (tolerance "
                         f"{tolerance})")
    if theta == 1:
        # Only at theta = 1: "off" rows have (Rz)_i <= 0, so a non-negative
        # combination of them is <= 0 < 1. At theta >= 2 off rows may be
        # positive and their combination can reach theta (a looser statement says
        # "theta >= 1"; docs/MODEL.md 9, decision 13).
        n, j = _readout_forced_errors(R, task)
        if n > tolerance:
            raise InputError(f"R: degenerate readout: row {j} is a non-negative "
                             f"combination of other rows and can never fire alone "
                             f"({n} inputs need it to; tolerance {tolerance})")
