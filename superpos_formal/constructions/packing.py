"""Shared codes with provable overlap bounds, for the family constructions.

A family construction needs codes whose overlaps are bounded for *every*
member at once, so the codes here are algebraic (bounds proved) and their
overlaps are also measured exactly (:func:`max_intersection`), so nothing
rests on the proof alone.

* :func:`polynomial_code`: codewords ``{(x, f(x)) : x < k}`` for polynomials
  ``f`` over the prime field ``F_q`` of degree at most ``d``, on the
  coordinates ``x * q + y`` (``k * q`` of them, ``k <= q``). Two distinct
  polynomials of degree ``<= d`` agree on at most ``d`` points, so two
  codewords share at most ``d`` coordinates; there are ``q^(d+1)`` of them.
  ``d = 0`` (the ``q`` constants) gives pairwise disjoint codewords.
* :func:`round_robin_pairs`: ``count`` distinct 2-subsets of ``n`` points with
  every point in at most ``ceil(count / floor(n / 2))`` of them (the circle
  method: each round is a matching).

Examples
--------
>>> code = polynomial_code(9, k=3, q=3, degree=1, seed=0)
>>> len(code), {len(c) for c in code}, max_intersection(code, 9)
(9, {3}, 1)
>>> pairs = round_robin_pairs(6, 4)
>>> len(set(pairs)), max(loads(pairs, 4))
(6, 3)
"""

import random

import numpy as np

from ..errors import InputError

__all__ = ["is_prime", "polynomial_code", "round_robin_pairs", "max_intersection",
           "loads", "smallest_prime_at_least"]


def is_prime(q):
    """Trial division (the ``q`` used here are below a few thousand)."""
    if q < 2:
        return False
    f = 2
    while f * f <= q:
        if q % f == 0:
            return False
        f += 1
    return True


def smallest_prime_at_least(x):
    """The smallest prime ``>= x``."""
    q = max(2, x)
    while not is_prime(q):
        q += 1
    return q


def polynomial_code(count, k, q, degree, seed=0):
    """``count`` codewords of size ``k`` over ``k * q`` coordinates with
    pairwise intersections at most ``degree`` (module docstring).

    Which ``count`` of the ``q^(degree+1)`` polynomials are used is a seeded
    random choice (the bound holds for every choice).
    """
    if not is_prime(q):
        raise InputError(f"q: {q} is not prime (the code needs the field F_q)")
    if not 1 <= k <= q:
        raise InputError(f"k: codeword size {k} is not in 1..q={q}")
    if degree < 0:
        raise InputError(f"degree: must be >= 0, got {degree}")
    total = q ** (degree + 1)
    if count > total:
        raise InputError(f"count: {count} codewords need more than the q^(d+1)={total} "
                         f"polynomials of degree <= {degree} over F_{q}")
    rng = random.Random(f"poly:{seed}:{count}:{k}:{q}:{degree}")
    chosen = rng.sample(range(total), count)
    out = []
    for idx in chosen:
        coeffs = []
        for _ in range(degree + 1):
            idx, a = divmod(idx, q)
            coeffs.append(a)
        word = []
        for x in range(k):
            y = 0
            for a in reversed(coeffs):       # Horner, exact integers mod q
                y = (y * x + a) % q
            word.append(x * q + y)
        out.append(frozenset(word))
    return out


def round_robin_pairs(count, n):
    """``count`` distinct pairs ``(a, b)``, ``a < b < n``, taken round by
    round from the circle-method 1-factorization of ``K_N`` (``N = n`` or
    ``n + 1`` with a dummy point dropped): every round is a matching, so a
    point lies in at most as many pairs as rounds were used."""
    if n < 2 or count > n * (n - 1) // 2:
        raise InputError(f"count: {count} distinct pairs of {n} points do not exist")
    N = n if n % 2 == 0 else n + 1
    out = []
    for r in range(N - 1):
        rnd = [(r, N - 1)] + [((r + i) % (N - 1), (r - i) % (N - 1)) for i in range(1, N // 2)]
        for a, b in rnd:
            if a < n and b < n:
                out.append((min(a, b), max(a, b)))
                if len(out) == count:
                    return out
    raise AssertionError("unreachable: K_N has every pair")  # pragma: no cover


def loads(sets, n):
    """``[#{sets holding u} for u < n]``."""
    out = [0] * n
    for s in sets:
        for u in s:
            out[u] += 1
    return out


def max_intersection(sets, n):
    """The largest ``|A & B|`` over two different members of ``sets``
    (exactly; 0 for fewer than two). ``int64`` is safe: every entry of the
    product is at most ``n`` (a count of shared coordinates)."""
    if len(sets) < 2:
        return 0
    M = np.zeros((len(sets), n), dtype=np.int64)
    for i, s in enumerate(sets):
        M[i, sorted(s)] = 1
    G = M @ M.T
    np.fill_diagonal(G, 0)
    return int(G.max())
