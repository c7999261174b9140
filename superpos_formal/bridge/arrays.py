"""The exported tensors, by name, as numpy arrays (no torch here).

One network (``k = 1``)::

    E  (d, m)      input code (I in explicit mode)
    W1 (n1, d), b1 (n1,), ..., WL, bL    hidden layers (torch Linear layout)
    V  (d', nL), c (d',)                 output layer (absent when L = 0)
    R  (m', d')    readout
    theta ()       readout threshold: y = [R z >= theta]

A family (``k`` members sharing ``E``, ``R``, ``theta``) stacks the member
weights on a leading axis: ``W1 (k, n1, d)``, ``b1 (k, n1)``, ``V (k, d',
nL)``, ``c (k, d')``; the model's output is then ``(batch, k, m')``.
"""

import numpy as np

from ..errors import InputError

__all__ = ["network_arrays", "names"]


def names(L):
    """Tensor names of a depth-``L`` export, in order.

    >>> names(1)
    ['E', 'W1', 'b1', 'V', 'c', 'R', 'theta']
    >>> names(0)
    ['E', 'R', 'theta']
    """
    out = ["E"]
    for l in range(1, L + 1):
        out += [f"W{l}", f"b{l}"]
    if L:
        out += ["V", "c"]
    return out + ["R", "theta"]


def network_arrays(networks, dtype, stacked):
    """``{name: ndarray}`` of ``networks`` (one, or one per member with the
    same shape and shared codes) in ``dtype`` (``"float32"``/``"float64"``).

    The integers are converted exactly: the caller chose ``dtype`` with
    :func:`~superpos_formal.bridge.precision.float_type`, which bounds every
    entry too (an entry is at most the value bound).
    """
    first = networks[0]
    for net in networks[1:]:
        if (net.E, net.R, net.theta, net.widths, net.activation) != (
                first.E, first.R, first.theta, first.widths, first.activation):
            raise InputError("networks: a family export needs one shape and shared E, R, theta")
    if len(networks) > 1 and not stacked:
        raise InputError("networks: several networks need a stacked (family) export")

    def arr(x):
        return np.asarray(x, dtype=np.int64).astype(dtype)

    def per(get):
        a = [arr(get(n)) for n in networks]
        return np.stack(a) if stacked else a[0]

    out = {"E": arr(first.E)}
    for l in range(first.depth):
        out[f"W{l + 1}"] = per(lambda n, l=l: n.layers[l][0])
        out[f"b{l + 1}"] = per(lambda n, l=l: n.layers[l][1])
    if first.depth:
        out["V"] = per(lambda n: n.V)
        out["c"] = per(lambda n: n.c)
    out["R"] = arr(first.R)
    out["theta"] = np.asarray(first.theta, dtype=np.int64).astype(dtype)
    return out
