"""Composition: explicit universal-AND networks for larger ``m`` from smaller ones.

Three constructions, every result verified exhaustively by the caller (the
tests and ``superpos compose`` run :func:`~superpos_formal.verify.verify`
on each):

* :func:`indicators`: width ``m``. Hidden neuron ``i`` is ``sigma(x_i)``
  (``x_i`` itself for relu and step on 0/1 inputs); output ``(i, j)`` is
  ``[t h_i + t h_j - t >= t]`` with ``t = theta``: both on exactly when the
  pair is. Needs ``theta <= B`` and ``theta <= B_bias``.
* :func:`add_pairs`: a network for ``uand(m0)`` plus one neuron
  ``sigma(x_i + x_j - 1)`` per new pair (one of ``i, j >= m0``); the old
  neurons get zero weights on the new features, so on every input of
  ``X(m, s)`` they see ``x`` restricted to ``0..m0-1``, an input of
  ``X(m0, s)`` on which they were verified; old outputs get zero weights on
  the new neurons. Width ``n0 + C(m, 2) - C(m0, 2)``.
* :func:`add_features`: a network ``N`` for ``uand(m0)`` plus one indicator
  neuron ``u_j = sigma(x_j)`` per new feature ``j >= m0``. Pairs of two new
  features read ``[t u_j + t u_k - t >= t]``. A cross pair ``(i, j)``
  (``i < m0 <= j``) reads ``[l_i . h(x_A) + w u_j + c >= theta]`` where
  ``h(x_A)`` is ``N``'s hidden layer on the old features and ``(l_i, w,
  c)`` is found by exhaustive search over the bounded alphabet
  (:func:`separator`) such that, over every ``x_A`` in ``X(m0, s)``,
  ``l_i . h(x_A) + c < theta`` (``u_j`` off) and, with ``u_j`` on (then
  ``x_A`` is ``0`` or one feature, ``s = 2``), the sum reaches ``theta``
  exactly at ``x_A = e_i``. An old feature with no separator gets its own
  indicator neuron ``v_i`` and reads ``[t v_i + t u_j - t >= t]``. Width
  ``n0 + (m - m0) + (old features without a separator)``.

:func:`best_composition` returns the narrowest of the three for a target
``m`` from a list of verified base networks.

Only ``s = 2`` explicit universal AND (and ``L = 1``) is composed; anything
else is an InputError. Families are not composed here: a family's code is
shared, and adding features changes every member's code columns at once
(docs: search/results/midrange.md says what was measured instead).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.verify import verify
>>> net = indicators(6, "step", B=2, B_bias=2)
>>> net.widths, verify(net, uand(6)).ok
((6,), True)
>>> wide = add_pairs(net, 7)
>>> wide.widths, verify(wide, uand(7)).ok
((12,), True)
"""

from itertools import product
from math import comb

import numpy as np

from ..errors import InputError
from ..network import Network, activate
from ..results import Mode
from ..tasks import all_pairs
from ..domain import domain

__all__ = ["indicators", "add_pairs", "add_features", "separator", "best_composition",
           "MAX_READOUTS",
           "join_blocks", "block_profiles"]


def _check_base(net, m0=None):
    if net.mode != Mode.EXPLICIT or net.depth != 1:
        raise InputError("compose: needs an explicit network with one hidden layer")
    if len(net.V) != comb(net.m, 2) or net.m < 2:
        raise InputError(f"compose: the base must compute uand(m={net.m}) "
                         f"({comb(net.m, 2)} outputs), it has {len(net.V)}")
    if m0 is not None and net.m > m0:
        raise InputError(f"compose: target m={m0} is below the base's m={net.m}")


def _pair_gate(theta, B, B_bias):
    if theta > B or theta > B_bias or theta < 1:
        raise InputError(f"compose: a pair gate needs 1 <= theta <= B and theta <= bias "
                         f"(theta={theta}, B={B}, bias={B_bias})")
    return theta


def indicators(m, activation, B=1, B_bias=None, theta=1):
    """Width ``m``: hidden ``sigma(x_i)``, outputs ``[t h_i + t h_j - t >= t]``."""
    B_bias = B if B_bias is None else B_bias
    t = _pair_gate(theta, B, B_bias)
    if m < 2:
        raise InputError(f"m: uand needs m >= 2, got {m}")
    W = [[int(i == k) for i in range(m)] for k in range(m)]
    V, c = [], []
    for i, j in all_pairs(m):
        V.append([t if k in (i, j) else 0 for k in range(m)])
        c.append(-t)
    return Network.explicit(m, len(V), activation, [(W, [0] * m)], V, c, B, B_bias, theta)


def add_pairs(net, m):
    """``net`` (uand(m0)) plus one neuron per new pair (module docstring)."""
    _check_base(net, m)
    m0, (W, b) = net.m, net.layers[0]
    if net.B_bias < 1 or net.B < max(1, net.theta):
        raise InputError("compose: add_pairs needs B >= max(1, theta) and bias >= 1")
    new = [p for p in all_pairs(m) if p[1] >= m0]
    n0 = len(W)
    W2 = [list(r) + [0] * (m - m0) for r in W]
    b2 = list(b)
    for i, j in new:
        W2.append([int(k in (i, j)) for k in range(m)])
        b2.append(-1)
    old = {tuple(p): r for p, r in zip(all_pairs(m0), range(len(net.V)))}
    V, c = [], []
    for q, (i, j) in enumerate(all_pairs(m)):
        if (i, j) in old:
            r = old[(i, j)]
            V.append(list(net.V[r]) + [0] * len(new))
            c.append(net.c[r])
        else:
            V.append([0] * n0 + [net.theta if p == [i, j] else 0 for p in new])
            c.append(0)
    return Network.explicit(m, len(V), net.activation, [(W2, b2)], V, c, net.B,
                            net.B_bias, net.theta)


def _hidden(net, xs):
    W, b = net.layers[0]
    return np.array([[activate(net.activation, sum(w * v for w, v in zip(row, x)) + bk)
                      for row, bk in zip(W, b)] for x in xs], dtype=np.int64)


#: the most readout vectors :func:`separator` enumerates
MAX_READOUTS = 2_000_000


def separator(net, i, B=None, B_bias=None):
    """``(l, w, c)`` with entries in the bounds such that, for a new feature
    ``j`` with indicator ``u_j``, ``[l . h(x_A) + w u_j + c >= theta]`` is
    ``x_i AND x_j`` on ``X(m, 2)`` (module docstring), or None. Exhaustive
    over ``l`` in ``[-B, B]^n``, ``w`` in ``1..B``, ``c`` in ``[-B_bias,
    B_bias]`` (numpy, exact int64: all values are tiny). Past
    :data:`MAX_READOUTS` candidate ``l`` (a wide base: ``(2B+1)^n``) it is
    not searched and None is returned (the feature gets its own indicator:
    still correct, one neuron wider)."""
    B = net.B if B is None else B
    B_bias = net.B_bias if B_bias is None else B_bias
    if (2 * B + 1) ** len(net.layers[0][0]) > MAX_READOUTS:
        # a 10-neuron base at B = 2 is 9.8 M rows times |X| (m = 12: 6 GB)
        return None
    th = net.theta
    m0 = net.m
    X = list(domain(m0, 2))
    H = _hidden(net, X)  # |X| x n
    single = [tuple(int(k == a) for k in range(m0)) for a in range(m0)]
    zero = tuple([0] * m0)
    idx = {x: r for r, x in enumerate(X)}
    on = idx[single[i]]
    off_with_u = [idx[zero]] + [idx[single[a]] for a in range(m0) if a != i]
    n = H.shape[1]
    L = np.array(list(product(range(-B, B + 1), repeat=n)), dtype=np.int64)  # K x n
    S = L @ H.T  # K x |X|
    max_all = S.max(axis=1)
    max_off = S[:, off_with_u].max(axis=1)
    s_on = S[:, on]
    for w in range(1, B + 1):
        for c in range(-B_bias, B_bias + 1):
            ok = (max_all + c < th) & (s_on + w + c >= th) & (max_off + w + c < th)
            hit = np.flatnonzero(ok)
            if len(hit):
                return [int(v) for v in L[hit[0]]], w, c
    return None


def add_features(net, m):
    """``net`` (uand(m0)) plus indicators for the new features (module docstring)."""
    _check_base(net, m)
    m0, (W, b) = net.m, net.layers[0]
    th = _pair_gate(net.theta, net.B, net.B_bias)
    if m == m0:
        return net
    seps = {i: separator(net, i) for i in range(m0)}
    lonely = [i for i in range(m0) if seps[i] is None]
    n0 = len(W)
    W2 = [list(r) + [0] * (m - m0) for r in W]
    b2 = list(b)
    unit = {}
    for f in list(range(m0, m)) + lonely:  # indicator neurons
        unit[f] = len(W2)
        W2.append([int(k == f) for k in range(m)])
        b2.append(0)
    width = len(W2)
    old = {tuple(p): r for r, p in enumerate(all_pairs(m0))}
    V, c = [], []
    for i, j in all_pairs(m):
        row = [0] * width
        if (i, j) in old:
            r = old[(i, j)]
            row[:n0] = net.V[r]
            cc = net.c[r]
        elif i in unit:  # both have indicators: i new, or an old one without separator
            row[unit[i]] = row[unit[j]] = th
            cc = -th
        else:
            l, w, cc = seps[i]
            row[:n0] = l
            row[unit[j]] = w
        V.append(row)
        c.append(cc)
    return Network.explicit(m, len(V), net.activation, [(W2, b2)], V, c, net.B,
                            net.B_bias, net.theta)


def block_profiles(net, i, B=None):
    """For every readout row ``l`` in ``[-B, B]^n`` over ``net``'s hidden layer
    (``f = l . h``, inputs ``X(m0, 2)``): ``(f(e_i), max f over {0, e_k: k !=
    i}, max f over X, f(0))``. Returns ``{profile: l}`` (first ``l`` of each)."""
    B = net.B if B is None else B
    m0 = net.m
    X = list(domain(m0, 2))
    H = _hidden(net, X)
    idx = {x: r for r, x in enumerate(X)}
    zero = idx[tuple([0] * m0)]
    single = [idx[tuple(int(k == a) for k in range(m0))] for a in range(m0)]
    others = [zero] + [single[a] for a in range(m0) if a != i]
    L = np.array(list(product(range(-B, B + 1), repeat=H.shape[1])), dtype=np.int64)
    S = L @ H.T
    prof = np.stack([S[:, single[i]], S[:, others].max(axis=1), S.max(axis=1), S[:, zero]],
                    axis=1)
    uniq, first = np.unique(prof, axis=0, return_index=True)
    keep = _undominated(uniq)
    return uniq[keep], L[first][keep]


def _undominated(prof):
    """Indices of the profiles no other profile with the same ``f(e_i)``
    dominates (``a0, a2, f0`` all at most its own).

    Sound for :func:`_cross`: its bounds are ``lo = theta - a1 - b1`` (the
    same for equal ``a1``) and ``hi`` falling in ``a0``, ``a2`` and ``f0``,
    so a dominated profile is feasible with some ``(b, c)`` only when the
    profile dominating it is too: dropping it never turns a feasible cross
    pair infeasible (tests/test_compose.py compares with and without)."""
    keep = []
    for a1 in np.unique(prof[:, 0]):
        idx = np.flatnonzero(prof[:, 0] == a1)
        rest = prof[idx][:, 1:]
        # q dominates p: q <= p everywhere and q != p (profiles are unique)
        le = (rest[:, None, :] <= rest[None, :, :]).all(axis=2)
        np.fill_diagonal(le, False)
        keep.extend(idx[~le.any(axis=0)])
    return np.array(sorted(keep), dtype=np.int64)


def _cross(pa, la, pb, lb, theta, B_bias):
    """A readout ``(l_A, l_B, c)`` for one cross pair from the profiles, or None.

    Output ``[f(x_A) + g(x_B) + c >= theta]`` must be 1 exactly at ``x_A =
    e_i, x_B = e_j`` over ``|x_A| + |x_B| <= 2``: ``a1 + b1 + c >= theta``
    and ``c < theta - max(a1 + b0, a0 + b1, a2 + g0, f0 + b2)`` (the other
    combinations: ``x_B = 0`` with any ``x_A``, ``x_A = 0`` with any ``x_B``,
    one off single on each side, which ``a0 + b1`` bounds since ``a0 <= a1``).
    """
    a1, a0, a2, f0 = (pa[:, k][:, None] for k in range(4))
    b1, b0, b2, g0 = (pb[:, k][None, :] for k in range(4))
    lo = np.maximum(theta - a1 - b1, -B_bias)
    hi = np.minimum(theta - 1 - np.maximum.reduce([a1 + b0, a0 + b1, a2 + g0, f0 + b2]),
                    B_bias)
    ok = np.argwhere(lo <= hi)
    if not len(ok):
        return None
    r, q = ok[0]
    return [int(v) for v in la[r]], [int(v) for v in lb[q]], int(lo[r, q])


def _indicator_profiles(B):
    """Profiles of a one-feature block whose neuron is ``x_j`` itself
    (``relu`` and ``step`` agree on 0/1): readout ``l`` gives ``f(e_j) = l``,
    ``f(0) = 0``, no other single, ``max f = max(0, l)``."""
    ls = np.arange(-B, B + 1, dtype=np.int64)
    prof = np.stack([ls, np.zeros_like(ls), np.maximum(ls, 0), np.zeros_like(ls)], axis=1)
    return prof, ls[:, None]


def join_blocks(*nets, singles=0):
    """uand(sum of the blocks' m + ``singles``) from uand networks on blocks
    of features, width the sum of their widths + ``singles``: the blocks'
    hidden layers side by side (each reads its own features), one indicator
    neuron ``x_j`` per single feature (after the blocks), the blocks' own
    outputs unchanged, each cross pair ``(i, j)`` of two different blocks
    (singles included) read as ``[l_i . h_s + l'_j . h_t + c >= theta]``
    with ``(l_i, l'_j, c)`` found exhaustively over the bounded alphabet
    (:func:`_cross`). None when some cross pair has no such readout. Same
    activation, bounds, theta.

    Why more than two blocks are sound when every *pair* of blocks is: an
    output of blocks ``s, t`` reads only their neurons, so on an input ``x``
    of ``X(m, 2)`` it sees the projection ``(x_s, x_t)``, itself an input of
    the two-block question (at most two features), on which it was checked;
    and its target bit is the same on ``x`` as on the projection (``x`` is
    the pair ``e_i + e_j`` iff its projection is, since then no other
    feature is on). Outputs inside a block likewise see ``x_s`` only.
    """
    if not nets or len(nets) + singles < 2 or singles < 0:
        raise InputError("compose: join_blocks needs at least two blocks (networks or singles)")
    for net in nets:
        _check_base(net)
    a = nets[0]
    for net in nets[1:]:
        if (str(net.activation) != str(a.activation) or net.B != a.B
                or net.B_bias != a.B_bias or net.theta != a.theta):
            raise InputError("compose: the blocks differ in activation, bounds or theta")
    # (first feature, first neuron, features, profiles per feature) per block
    blocks, f0, k0 = [], 0, 0
    for net in nets:
        blocks.append((f0, k0, net.m, [block_profiles(net, i) for i in range(net.m)]))
        f0, k0 = f0 + net.m, k0 + len(net.layers[0][0])
    for _ in range(singles):
        blocks.append((f0, k0, 1, [_indicator_profiles(a.B)]))
        f0, k0 = f0 + 1, k0 + 1
    m, width = f0, k0
    block_of = {}
    for t, (fs, _, mt, _) in enumerate(blocks):
        for i in range(mt):
            block_of[fs + i] = (t, i)
    W, b = [], []
    for net, (fs, _, mt, _) in zip(nets, blocks):
        Wt, bt = net.layers[0]
        W += [[0] * fs + list(r) + [0] * (m - fs - mt) for r in Wt]
        b += list(bt)
    for fs, _, _, _ in blocks[len(nets):]:
        W.append([int(k == fs) for k in range(m)])
        b.append(0)
    own = [{tuple(p): r for r, p in enumerate(all_pairs(net.m))} for net in nets]
    V, c = [], []
    for i, j in all_pairs(m):
        (s, ii), (t, jj) = block_of[i], block_of[j]
        row = [0] * width
        if s == t:  # a pair inside block s (singles have none)
            r = own[s][(ii, jj)]
            ks = blocks[s][1]
            row[ks:ks + len(nets[s].V[r])] = nets[s].V[r]
            V.append(row)
            c.append(nets[s].c[r])
            continue
        pa, la = blocks[s][3][ii]
        pb, lb = blocks[t][3][jj]
        got = _cross(pa, la, pb, lb, a.theta, a.B_bias)
        if got is None:
            return None
        ra, rb, cc = got
        row[blocks[s][1]:blocks[s][1] + len(ra)] = ra
        row[blocks[t][1]:blocks[t][1] + len(rb)] = rb
        V.append(row)
        c.append(cc)
    return Network.explicit(m, len(V), a.activation, [(W, b)], V, c, a.B, a.B_bias, a.theta)


def best_composition(bases, m, activation, B, B_bias, theta=1):
    """The narrowest composed network for ``uand(m)`` and how it was made.

    ``bases``: ``[(name, network)]`` verified networks for smaller uand
    questions with the same activation, bounds and theta (others are
    skipped). Returns ``(network, description)``.
    """
    best = (indicators(m, activation, B, B_bias, theta), f"indicators(m={m})")
    for name, net in bases:
        if (str(net.activation) != str(activation) or net.B != B or net.B_bias != B_bias
                or net.theta != theta or net.m > m):
            continue
        for how, f in (("add_features", add_features), ("add_pairs", add_pairs)):
            try:
                cand = f(net, m)
            except InputError:
                continue
            if sum(cand.widths) < sum(best[0].widths):
                best = (cand, f"{how}({name} -> m={m})")
    return best
