"""Baselines: one hidden neuron per output feature.

* :func:`explicit_per_output` (explicit mode): hidden neuron ``p`` computes
  output ``p`` by itself, ``V = I``, ``c = 0``, ``theta = 1``. For a pair
  ``(i, j)`` the neuron is ``sigma(x_i + x_j - 1)``: on ``X(m, s)`` with
  ``s >= 2`` the sum is 2 exactly when both are on, so relu gives 1 there and
  0 elsewhere (step likewise). For a permutation output ``y_p = x_{pi(p)}``
  the neuron is ``sigma(x_{pi(p)})``. Width ``n = m'``; every weight and
  bias in ``[-1, 1]``.
* :func:`superposed_trivial` (superposed mode): the same computation with
  the trivial embedding ``E = [I_m; 0]`` (the code coordinate ``i`` is
  ``x_i``) and readout ``R = [I_{m'} 0]``; every layer has width
  ``n = max(m, m')``. Codes in ``[0, 1]``.

Both accept the tasks whose outputs are single pairs (``and_pairs``) or single
features (``permutation``, ``identity``); anything else is an InputError.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.verify import verify
>>> net = explicit_per_output(uand(4))
>>> net.widths, verify(net, uand(4)).ok
((6,), True)
"""

from ..errors import InputError
from ..network import Network

__all__ = ["output_rule", "explicit_per_output", "superposed_trivial"]


def output_rule(task):
    """``(features, needed)``: for each output the features it reads and how
    many must be on (2 for an AND pair, 1 for a copied feature)."""
    p = dict(task.params)
    if task.kind == "and_pairs":
        if task.s < 2:
            raise InputError("s: pairwise AND needs s >= 2 (with s <= 1 every output is 0)")
        return [tuple(q) for q in p["pairs"]], 2
    if task.kind == "permutation":
        return [(i,) for i in p["pi"]], 1
    if task.kind == "identity":
        return [(i,) for i in range(task.m)], 1
    raise InputError(f"task: no construction for kind {task.kind!r} "
                     f"(and_pairs, uand, permutation, identity)")


def _rows(task, width):
    feats, need = output_rule(task)
    W = [[0] * width for _ in feats]
    for r, fs in enumerate(feats):
        for i in fs:
            W[r][i] = 1
    return W, [1 - need] * len(feats)


def explicit_per_output(task, activation="relu"):
    """One hidden neuron per output, explicit mode (module docstring)."""
    W, b = _rows(task, task.m)
    mo = task.m_out
    V = [[int(i == j) for j in range(mo)] for i in range(mo)]
    return Network.explicit(task.m, mo, activation, [(W, b)], V, [0] * mo, B=1)


def superposed_trivial(task, activation="relu"):
    """The trivial superposed embedding of :func:`explicit_per_output`."""
    m, mo = task.m, task.m_out
    n = max(m, mo)
    E = [[int(i == j) for j in range(m)] for i in range(n)]
    W, b = _rows(task, n)
    W += [[0] * n for _ in range(n - mo)]
    b += [0] * (n - mo)
    V = [[int(i == j) for j in range(n)] for i in range(n)]
    R = [[int(i == j) for j in range(n)] for i in range(mo)]
    return Network.superposed(E, R, activation, [(W, b)], V, [0] * n, B=1, B_code=1)
