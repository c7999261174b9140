"""Which float type computes an integer network exactly (no torch here).

The argument
------------
Every value the network computes on an input of ``X(m, s)`` is an integer:
``a_0 = E x``, each pre-activation ``W a + b``, ``relu`` or ``step`` of it,
``z = V a_L + c``, ``R z``. A float type with a ``p``-bit significand
represents every integer of magnitude at most ``2^p`` exactly (float32:
``p = 24``; float64: ``p = 53``). A sum of integers computed in floating
point, in *any* order and with or without fused multiply-add, is exact when
every partial sum (and every product) is such an integer: each rounding step
then has an exact result to return. Every partial sum of a row
``sum_k w_k a_k + b`` is at most ``sum_k |w_k| |a_k| + |b|`` in magnitude,
and :meth:`~superpos_formal.network.Network.value_bound` is a sound bound on
that quantity for every row of every layer over ``X(m, s)`` (interval
arithmetic with the ``s`` largest code entries; it also covers ``theta``).
So if ``value_bound(s) < 2^24`` the float32 forward pass *is* the integer
forward pass on every input of ``X(m, s)``: the same pre-activations, the same
``relu``/``step`` values, and ``[R z >= theta]`` compares the same integers.
Between ``2^24`` and ``2^53`` float64 is used; beyond, export is refused.

Inputs outside ``X(m, s)`` (more than ``s`` active features, or non-binary
values) are outside the argument: the model still runs, but nothing is
claimed about them.

Examples
--------
>>> from superpos_formal.network import Network
>>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
>>> float_type([net], s=2)
('float32', 3)
"""

from ..errors import InputError

__all__ = ["float_type", "FLOAT32_EXACT", "FLOAT64_EXACT"]

#: integers of magnitude at most these are exact in float32 / float64
FLOAT32_EXACT = 2 ** 24
FLOAT64_EXACT = 2 ** 53


def float_type(networks, s, dtype=None):
    """``(dtype name, bound)``: the float type in which ``networks`` compute
    their exact integer function on ``X(m, s)``, and the bound used.

    ``dtype`` (``"float32"``/``"float64"``) asks for one; a float32 request
    above ``2^24`` is refused (never silently inexact).
    """
    bound = max(net.value_bound(s) for net in networks)
    if dtype not in (None, "float32", "float64"):
        raise InputError(f"dtype: {dtype!r} is not float32 or float64")
    if bound >= FLOAT64_EXACT:
        raise InputError(f"dtype: intermediate values up to {bound} exceed 2^53: no float "
                         f"type computes this network exactly (export refused)")
    if bound >= FLOAT32_EXACT:
        if dtype == "float32":
            raise InputError(f"dtype: intermediate values up to {bound} exceed 2^24, float32 "
                             f"would round them (use float64)")
        return "float64", bound
    return dtype or "float32", bound
