"""Exhaustive, exact verification of a network against a task (docs/MODEL.md 3).

The verifier is the only place a SAT answer becomes a result: every network a
solver proposes is decoded and checked here over all of ``X(m, s)`` in Python
integers, independent of the encoder and the solver.

Examples
--------
>>> from superpos_formal.tasks import and_pairs
>>> from superpos_formal.network import Network
>>> task = and_pairs(2, [(0, 1)], s=2)
>>> good = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
>>> verify(good, task).ok
True
>>> bad = Network.explicit(2, 1, "step", [([[1, 1]], [0])], [[1]], [0], B=1)
>>> r = verify(bad, task)
>>> r.ok, r.counterexamples[0]
(False, Counterexample(x=(1, 0), j=0, expected=0, got=1))
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .errors import InputError
from .results import Activation

__all__ = ["verify", "Verification", "Counterexample", "evaluate_all",
           "evaluate_all_numpy", "check_compatible", "verify_batch"]


class Counterexample(NamedTuple):
    x: tuple
    j: int
    expected: int
    got: int


@dataclass(frozen=True)
class Verification:
    """Result of :func:`verify`.

    ``ok`` is true when the number of wrong ``(x, j)`` bits is at most the
    tolerance. ``counterexamples`` lists every wrong bit (in domain order).
    """

    ok: bool
    errors: int
    tolerance: int
    checked: int
    counterexamples: tuple

    def __bool__(self):
        return self.ok


def check_compatible(network, task):
    """Raise :class:`InputError` if the network's shape cannot answer the task."""
    if network.m != task.m:
        raise InputError(f"m: the network takes {network.m} input features, "
                         f"the task has {task.m}")
    if network.m_out != task.m_out:
        raise InputError(f"m_out: the network has {network.m_out} outputs, "
                         f"the task has {task.m_out}")


def evaluate_all(network, inputs):
    """The network's outputs on each input, in Python integers."""
    return [network.evaluate(x) for x in inputs]


def verify(network, task, tolerance=0, inputs=None):
    """Check ``network`` on every input of the task's domain (or ``inputs``).

    Parameters
    ----------
    tolerance : int
        ``tolerant(k)`` correctness: at most ``k`` wrong ``(x, j)`` bits.
    """
    check_compatible(network, task)
    if not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance < 0:
        raise InputError(f"tolerance: must be a non-negative integer, got {tolerance!r}")
    X = task.inputs if inputs is None else inputs
    cex = []
    for x in X:
        got = network.evaluate(x)
        want = task(x)
        for j, (g, w) in enumerate(zip(got, want)):
            if g != w:
                cex.append(Counterexample(tuple(x), j, w, g))
    return Verification(len(cex) <= tolerance, len(cex), tolerance, len(X), tuple(cex))


_INT64_SAFE = 2 ** 62


def evaluate_all_numpy(network, s, inputs):
    """Batch evaluation in numpy int64, for search loops (never for acceptance).

    Refuses (``OverflowError``) unless :meth:`Network.value_bound` proves every
    intermediate value, and every sum of two of them, below ``2**62``.
    """
    if network.value_bound(s) >= _INT64_SAFE // 2:
        raise OverflowError("values may exceed int64; use evaluate_all")
    X = np.asarray(inputs, dtype=np.int64)
    a = X @ np.asarray(network.E, dtype=np.int64).T
    for W, b in network.layers:
        t = a @ np.asarray(W, dtype=np.int64).T + np.asarray(b, dtype=np.int64)
        a = np.maximum(t, 0) if network.activation == Activation.RELU else (t > 0).astype(np.int64)
    if network.layers:
        a = a @ np.asarray(network.V, dtype=np.int64).T + np.asarray(network.c, dtype=np.int64)
    rz = a @ np.asarray(network.R, dtype=np.int64).T
    return (rz >= network.theta).astype(np.int8)


def _input_matrix(inputs):
    return np.asarray(inputs, dtype=np.int64).reshape(len(inputs), -1)


def _sparse_rows(M):
    """``[(columns, values)]`` of the nonzeros of each row of an int matrix."""
    out = []
    for row in M:
        cols = [j for j, v in enumerate(row) if v]
        out.append((np.asarray(cols, dtype=np.intp),
                    np.asarray([row[j] for j in cols], dtype=np.int64)))
    return out


def _is_identity(M):
    return len(M) == len(M[0]) and all(
        v == (i == j) for i, r in enumerate(M) for j, v in enumerate(r))


class _Compiled:
    """A network's matrices as sparse int64 rows (identity codes skipped)."""

    def __init__(self, network):
        self.net = network
        self.E = None if _is_identity(network.E) else _sparse_rows(network.E)
        self.layers = [(_sparse_rows(W), np.asarray(b, dtype=np.int64))
                       for W, b in network.layers]
        self.V = None if not network.layers else (
            _sparse_rows(network.V), np.asarray(network.c, dtype=np.int64))
        self.R = None if _is_identity(network.R) else _sparse_rows(network.R)

    @staticmethod
    def _apply(A, rows):
        out = np.zeros((A.shape[0], len(rows)), dtype=np.int64)
        for r, (cols, vals) in enumerate(rows):
            if len(cols):
                out[:, r] = A[:, cols] @ vals
        return out

    def outputs(self, X):
        """``y`` for the int64 input matrix ``X`` (caller proved no overflow)."""
        a = X if self.E is None else self._apply(X, self.E)
        relu = self.net.activation == Activation.RELU
        for rows, b in self.layers:
            t = self._apply(a, rows) + b
            a = np.maximum(t, 0) if relu else (t > 0).astype(np.int64)
        if self.V is not None:
            a = self._apply(a, self.V[0]) + self.V[1]
        rz = a if self.R is None else self._apply(a, self.R)
        return (rz >= self.net.theta).astype(np.int8)


def verify_batch(network, task, *, chunk=2048, max_counterexamples=None):
    """:func:`verify` with exact tolerance 0, vectorised: the same answer, faster.

    Exactness: numpy ``int64`` is used only when
    :meth:`~superpos_formal.network.Network.value_bound` proves every
    intermediate value, and so every partial sum of a matrix product (bounded
    by the same sum of absolute terms), below ``2**61`` in absolute value:
    then no ``int64`` operation overflows and the integers are the exact
    ones. Matrices are applied row by row over their nonzeros (the
    constructions are sparse) and identity codes are skipped (``E = I`` maps
    ``x`` to itself). Otherwise the inputs are evaluated in Python integers
    (:meth:`~superpos_formal.network.Network.evaluate`). Integer matrix
    products in numpy do not go through floating point.

    ``counterexamples`` lists the wrong bits in domain order (all of them, or
    the first ``max_counterexamples``); ``errors`` is always the exact count.

    Examples
    --------
    >>> from superpos_formal.tasks import and_pairs
    >>> from superpos_formal.network import Network
    >>> task = and_pairs(2, [(0, 1)], s=2)
    >>> good = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> verify_batch(good, task).ok
    True
    """
    check_compatible(network, task)
    X = task.inputs
    want = np.asarray(task.outputs, dtype=np.int8).reshape(len(X), task.m_out)
    try:
        use_numpy = network.value_bound(task.s) < _INT64_SAFE // 2
    except ValueError:  # pragma: no cover - empty rows cannot occur in a valid network
        use_numpy = False
    compiled = _Compiled(network) if use_numpy else None
    cex, errors = [], 0
    for lo in range(0, len(X), chunk):
        part = X[lo:lo + chunk]
        if use_numpy:
            got = compiled.outputs(_input_matrix(part))
        else:
            got = np.asarray(evaluate_all(network, part), dtype=np.int8).reshape(
                len(part), task.m_out)
        bad = np.argwhere(got != want[lo:lo + chunk])
        errors += len(bad)
        for r, j in bad:
            if max_counterexamples is not None and len(cex) >= max_counterexamples:
                break
            cex.append(Counterexample(tuple(part[r]), int(j), int(want[lo + r, j]),
                                      int(got[r, j])))
    return Verification(errors == 0, errors, 0, len(X), tuple(cex))
