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
           "evaluate_all_numpy", "check_compatible"]


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
