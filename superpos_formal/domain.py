"""The input domain ``X(m, s)``: all Boolean vectors of length ``m`` with at
most ``s`` ones, enumerated in one fixed, documented order.

Order (the contract every table, truth table and CNF in the toolkit relies
on): by weight first (``|x| = 0, 1, ..., s``), and within one weight by the
support set in lexicographic order of ``itertools.combinations(range(m), k)``.
So for ``m = 3, s = 2``::

    000, 100, 010, 001, 110, 101, 011

where the string lists ``x_0 x_1 x_2``. An input is a tuple of 0/1 ints.
"""

from functools import lru_cache
from itertools import combinations
from math import comb

from .errors import InputError

__all__ = ["domain", "domain_size", "support", "input_index", "check_m_s",
           "MAX_DOMAIN_ENTRIES"]

#: Largest ``X(m, s)`` built in memory, in entries ``|X| * m`` (one Python
#: reference each, ~8 bytes: about 160 MB); refused before allocation.
MAX_DOMAIN_ENTRIES = 20_000_000


def check_m_s(m, s):
    """Validate ``m`` and ``s``; raise :class:`InputError` naming the bad one."""
    if not isinstance(m, int) or isinstance(m, bool) or m < 1:
        raise InputError(f"m must be a positive integer, got {m!r}")
    if not isinstance(s, int) or isinstance(s, bool) or s < 0:
        raise InputError(f"s must be a non-negative integer, got {s!r}")


def domain_size(m, s):
    """``|X(m, s)| = sum_{k <= s} C(m, k)``.

    Examples
    --------
    >>> domain_size(4, 2)
    11
    >>> domain_size(3, 5)
    8
    """
    check_m_s(m, s)
    return sum(comb(m, k) for k in range(min(s, m) + 1))


@lru_cache(maxsize=256)
def domain(m, s):
    """All inputs of ``X(m, s)`` as a tuple of 0/1 tuples, in the documented order.

    Examples
    --------
    >>> domain(3, 2)
    ((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1))
    """
    check_m_s(m, s)
    size = domain_size(m, s)
    if size * m > MAX_DOMAIN_ENTRIES:
        raise InputError(f"X(m={m}, s={s}): {size} inputs x {m} entries = {size * m:.3g} "
                         f"(about {8 * size * m / 1e9:.3g} GB) exceeds the limit of "
                         f"{MAX_DOMAIN_ENTRIES:.3g} entries")
    out = []
    for k in range(min(s, m) + 1):
        for sup in combinations(range(m), k):
            x = [0] * m
            for i in sup:
                x[i] = 1
            out.append(tuple(x))
    return tuple(out)


def support(x):
    """Indices of the ones of ``x``.

    >>> support((0, 1, 1))
    (1, 2)
    """
    return tuple(i for i, v in enumerate(x) if v)


@lru_cache(maxsize=256)
def _index_map(m, s):
    return {x: i for i, x in enumerate(domain(m, s))}


def input_index(x, s):
    """Position of ``x`` in ``domain(len(x), s)``.

    >>> input_index((0, 1, 1), 2)
    6
    """
    try:
        return _index_map(len(x), s)[tuple(x)]
    except KeyError:
        raise InputError(f"input {x!r} is not in X(m={len(x)}, s={s})") from None
