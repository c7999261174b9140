"""The one ascending search: the smallest size that works.

Every minimum search of the toolkit (widths of a task, widths of a family,
weight bounds, the incremental width search) asks sizes ``lowest, lowest+1,
...`` in turn and stops at the first SAT. :func:`ascend` is that loop, and
:func:`is_minimum` the one rule that turns its first SAT into a minimum.

Soundness
---------
The rule is correct only for questions monotone in the size: SAT at ``k``
implies SAT at ``k + 1``. Each caller states its padding argument: a width
``n`` network becomes a width ``n + 1`` one with a neuron whose weights are
all 0 (a family's code gets a zero coordinate: zero row of ``E``, zero
column of ``R``); a network with weights in ``[-B, B]`` is one in
``[-B-1, B+1]``. By contraposition UNSAT at ``k`` implies UNSAT at every
size below. So SAT at ``k`` is the minimum exactly when ``k`` is the
smallest size there is, or ``k - 1`` was answered UNSAT. An UNKNOWN (or an
unasked size) below the first SAT leaves the minimum open: it lies between
the largest UNSAT size plus one (else the smallest size) and ``k``, and the
search says so in its note instead of naming a minimum. A search cut by the
budget is UNKNOWN (``Search.limit == "budget"``), whatever it saw before.

Examples
--------
>>> from types import SimpleNamespace as Ns
>>> answers = {1: "UNSAT", 2: "UNKNOWN", 3: "SAT"}
>>> s = ascend("neurons", range(1, 5), lambda n: Ns(status=answers[n], limit=None,
...                                                   reason="", shape=Ns(n=n)))
>>> s.minimum, s.best.shape.n, s.note
(None, 3, 'SAT at n=3 but n=2 is UNKNOWN: the minimum is in 2..3')
"""

from ..results import Status
from .cell import Search

__all__ = ["ascend", "is_minimum"]


def is_minimum(k, prev, lowest=1):
    """The one rule that makes the first SAT of an ascending search a minimum.

    SAT at size ``k`` is the minimum when ``k`` is the smallest size there
    is (``lowest``: 0 for ``B``, 1 for widths) or when the size just below,
    ``k - 1``, was answered ``prev = UNSAT``. Correct only for questions
    monotone in the size (module docstring).

    >>> is_minimum(1, None), is_minimum(3, Status.UNSAT), is_minimum(3, Status.UNKNOWN)
    (True, True, False)
    >>> is_minimum(3, None), is_minimum(0, None, lowest=0)
    (False, True)
    """
    return prev == Status.UNSAT or (prev is None and k == lowest)


def ascend(objective, sizes, decide_one, *, name="n", lowest=1, monotone=True,
           budget=None, stop_on_unknown=False):
    """Ask ``decide_one(k)`` for ``k`` in ``sizes`` (ascending) until the first SAT.

    Parameters
    ----------
    objective : str
        The :class:`~superpos_formal.solve.cell.Search`'s objective
        (``"neurons"``, ``"B"``).
    sizes : iterable of int
        Ascending, consecutive sizes to try.
    decide_one : callable
        ``k -> Cell`` (anything with ``status``, ``limit``, ``reason``).
        A ``NOCODE`` cell (no usable code at that size) is recorded and the
        search goes on.
    name : str
        The size's name in notes (``"n"``, ``"B"``).
    lowest : int
        The smallest size there is (a SAT there is a minimum with nothing below).
    monotone : bool
        False when SAT is not monotone in the size (codes redrawn per
        width): the first SAT is reported, never as a minimum.
    budget : Budget, optional
        The call's :class:`~superpos_formal.budget.Budget`: when it is used
        up after a size, the search stops there, UNKNOWN (a cell cut by it,
        ``limit == "budget"``, stops it too).
    stop_on_unknown : bool
        Stop at the first UNKNOWN (a session that cannot go on after a limit).

    Returns
    -------
    Search
        ``cells`` in order, ``best`` (the first SAT), ``minimum`` (only by
        :func:`is_minimum`), ``note`` (why there is no minimum: the open
        range, or the budget), ``limit`` (``"budget"`` when cut by it).
    """
    result = Search(objective, [])
    status = {}
    for k in sizes:
        cell = decide_one(k)
        result.cells.append(cell)
        status[k] = cell.status
        if cell.status == Status.SAT:
            result.best = cell
            prev = status.get(k - 1)
            if monotone and is_minimum(k, prev, lowest):
                result.minimum = k
            elif monotone:
                low = max((j for j, st in status.items() if st == Status.UNSAT),
                          default=lowest - 1) + 1
                said = "not asked" if prev is None else prev
                result.note = (f"SAT at {name}={k} but {name}={k - 1} is {said}: "
                               f"the minimum is in {low}..{k}")
            return result
        if cell.limit == "budget":
            result.limit, result.note = "budget", cell.reason or "the call's budget was used up"
            return result
        if budget is not None and budget.expired():
            budget.note("solving")
            result.limit = "budget"
            result.note = f"the call's budget was used up after {name}={k}"
            return result
        if stop_on_unknown and cell.status == Status.UNKNOWN:
            return result
    return result
