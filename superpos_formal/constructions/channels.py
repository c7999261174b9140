"""Channel constructions in superposed mode: 2-AND pair sets and permutations.

After the upper-bound construction of Adler & Shavit (arXiv 2409.15318), in an
exact integer form designed here (docs/CONSTRUCTIONS.md says which details
are this project's choices). One hidden layer, every layer of width ``n``.

Shared by every member of a family (they depend only on
``(m, m', n, k_in, k_out, seed)``):

* **input channels**: feature ``i`` owns a random ``k_in``-subset ``C_i`` of
  the ``n`` code coordinates, pairwise distinct; ``E[v][i] = [v in C_i]``,
  so ``a_0 = E x`` counts, per coordinate, the active features whose channel
  holds it;
* **output channels**: output position ``p`` owns a random ``k_out``-subset
  ``H_p`` of the ``n`` neurons, pairwise distinct; ``R[p][u] = [u in H_p]``;
* the threshold ``theta = k_out``: output ``p`` is on iff *every* neuron of
  its channel fires.

Per member (the weights): output ``p`` reads the features ``F_p`` (its pair
``{i, j}`` for an AND, ``{pi(p)}`` for a permutation) and needs ``r`` of them
on (``r = 2`` for AND, ``r = 1`` for a copy). Neuron ``u`` listens to the union
of the input channels of every feature read by an output whose channel holds
``u``: ``W[u][v] = [v in U_u]``, ``U_u = union_{p : u in H_p} union_{i in F_p} C_i``,
with bias ``b_u = -(r k_in - 1)`` (0 for a neuron in no channel). ``V = I``,
``c = 0``, ``relu`` (or ``step``).

Why it is exact whenever it is correct, and what can go wrong: with
``|x| <= s`` (``s = 2`` for AND, ``1`` for a permutation) the pre-activation
of ``u`` is ``sum_{i in supp x} |C_i & U_u| <= r k_in``, so ``h_u`` is 0 or
1: the neuron fires iff the active channels lie inside ``U_u`` (the ReLU with
negative bias "fires on the overlap of two channels"). For the true pair
every neuron of ``H_p`` fires and ``(R z)_p = k_out = theta``. A false
positive needs all ``k_out`` neurons of ``H_p`` to fire on another input
(each because the active features' channels happen to lie in its ``U_u``);
the exact verifier decides whether that happens, and the generator
(:mod:`.search`) widens ``n`` until it does not.

Bounds of the result: ``B = 1`` (weights), ``B_bias = r k_in - 1``,
``B_code = 1``, ``theta = k_out``.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.verify import verify
>>> net = channel_network(uand(5), n=21, k_in=2, k_out=3, seed=0)
>>> net.widths, net.theta, net.B_bias
((21,), 3, 3)
>>> verify(net, uand(5)).ok
True
"""

import random

from ..errors import InputError
from ..network import Network
from .baseline import output_rule

__all__ = ["channel_codes", "channel_network", "star_layout", "star_network", "routed_star_network",
           "star_weights"]


def _distinct_subsets(rng, n, count, k, what):
    from math import comb

    if not 1 <= k <= n:
        raise InputError(f"{what}: channel size {k} is not in 1..n={n}")
    if comb(n, k) < count:
        raise InputError(f"{what}: {count} distinct {k}-subsets of {n} neurons do not exist")
    seen, out = set(), []
    while len(out) < count:
        c = frozenset(rng.sample(range(n), k))
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def channel_codes(m, m_out, n, k_in, k_out, seed):
    """The shared part: ``(C, H)`` input and output channels (lists of
    frozensets), from independent seeded streams."""
    C = _distinct_subsets(random.Random(f"in:{seed}:{m}:{n}:{k_in}"), n, m, k_in, "k_in")
    H = _distinct_subsets(random.Random(f"out:{seed}:{m_out}:{n}:{k_out}"), n, m_out,
                          k_out, "k_out")
    return C, H


def channel_network(task, n, k_in, k_out, seed, activation="relu"):
    """The channel construction for ``task`` (an AND pair set, a uand or a
    permutation) at width ``n`` (module docstring)."""
    feats, r = output_rule(task)
    m, mo = task.m, task.m_out
    C, H = channel_codes(m, mo, n, k_in, k_out, seed)
    listens = [set() for _ in range(n)]
    used = [False] * n
    for p, hp in enumerate(H):
        for u in hp:
            used[u] = True
            for i in feats[p]:
                listens[u] |= C[i]
    W = [[int(v in listens[u]) for v in range(n)] for u in range(n)]
    bias = r * k_in - 1
    b = [-bias if used[u] else 0 for u in range(n)]
    E = [[int(v in C[i]) for i in range(m)] for v in range(n)]
    R = [[int(u in H[p]) for u in range(n)] for p in range(mo)]
    V = [[int(i == j) for j in range(n)] for i in range(n)]
    return Network.superposed(E, R, activation, [(W, b)], V, [0] * n, B=1,
                              B_bias=bias, B_code=1, theta=k_out)


# ---------------------------------------------------------------- stars

def star_layout(task, t):
    """Neurons of the star construction: ``[(center, leaves)]``.

    For each feature ``c`` (in order) its partners ``j`` (features sharing an
    output pair with ``c``, in pair order) are cut into consecutive groups of
    at most ``t``; each group is one neuron centred at ``c``. So every pair
    ``{i, j}`` has exactly two neurons: one centred at ``i`` with leaf ``j``
    and one centred at ``j`` with leaf ``i``.
    """
    feats, r = output_rule(task)
    if r != 2:
        raise InputError("task: the star construction computes AND pairs")
    if not isinstance(t, int) or t < 1:
        raise InputError(f"t: leaves per neuron must be a positive integer, got {t!r}")
    partners = [[] for _ in range(task.m)]
    for i, j in feats:
        partners[i].append(j)
        partners[j].append(i)
    out = []
    for c in range(task.m):
        ps = partners[c]
        for lo in range(0, len(ps), t):
            out.append((c, tuple(ps[lo:lo + t])))
    return out


def star_network(task, t, k_in, seed, activation="relu"):
    """The star construction (instance question: codes chosen for this task).

    Neuron ``u`` centred at ``c`` with leaves ``J_u`` fires on exactly the
    pairs ``{c, j}``, ``j in J_u``, when channels do not collide: weight 2 on
    the center's input channel, 1 on the leaves' channels, bias
    ``-(3 k_in - 1)``; a center alone gives ``2 k_in``, two leaves ``2 k_in``,
    center plus leaf ``3 k_in``. Output ``{i, j}`` reads its two neurons
    (``R`` row with two ones) at ``theta = 2``. Width
    ``n = sum_c ceil(deg(c) / t)``; input channels as in
    :func:`channel_network`. Bounds ``B = 2``, ``B_bias = 3 k_in - 1``,
    ``B_code = 1``.

    >>> from superpos_formal.tasks import uand
    >>> from superpos_formal.verify import verify
    >>> net = star_network(uand(6), t=5, k_in=1, seed=0)
    >>> net.widths, verify(net, uand(6)).ok
    ((6,), True)
    """
    feats, _ = output_rule(task)
    layout = star_layout(task, t)
    n = len(layout)
    m = task.m
    C = _distinct_subsets(random.Random(f"star-in:{seed}:{m}:{n}:{k_in}"), n, m, k_in, "k_in")
    where = {}
    W, b = [], []
    for u, (c, leaves) in enumerate(layout):
        row = [0] * n
        for j in leaves:
            where[(c, j)] = u
            for v in C[j]:
                row[v] = 1
        for v in C[c]:
            row[v] = 2
        W.append(row)
        b.append(-(3 * k_in - 1))
    E = [[int(v in C[i]) for i in range(m)] for v in range(n)]
    R = []
    for i, j in feats:
        row = [0] * n
        row[where[(i, j)]] = 1
        row[where[(j, i)]] = 1
        R.append(row)
    V = [[int(i == j) for j in range(n)] for i in range(n)]
    return Network.superposed(E, R, activation, [(W, b)], V, [0] * n, B=2,
                              B_bias=3 * k_in - 1, B_code=1, theta=2)


def _star_t(task, n):
    """Smallest ``t`` whose star layout has at most ``n`` neurons (or None)."""
    feats, _ = output_rule(task)
    deg = [0] * task.m
    for i, j in feats:
        deg[i] += 1
        deg[j] += 1
    top = max(deg)
    for t in range(1, top + 1):
        if sum(-(-d // t) for d in deg) <= n:
            return t
    return None


def star_weights(n, layout, C, D, pos, k_in):
    """First-layer weights, biases and output weights ``(W, b, V)`` of
    ``n`` star neurons: neuron ``u`` of ``layout[u] = (c, leaves)`` reads its
    centre's input channel ``C[c]`` with weight 2 and each leaf's channel
    with weight 1, fires (bias ``-(3 k_in - 1)``) only when the centre and
    one leaf are both on, and writes to the output channel ``D[pos[pair]]``
    of each of its pairs."""
    W = [[0] * n for _ in range(n)]
    b = [0] * n
    V = [[0] * n for _ in range(n)]
    for u, (c, leaves) in enumerate(layout):
        for j in leaves:
            for v in C[j]:
                W[u][v] = 1
            for v in D[pos[(min(c, j), max(c, j))]]:
                V[v][u] = 1
        for v in C[c]:
            W[u][v] = 2
        b[u] = -(3 * k_in - 1)
    return W, b, V


def routed_star_network(task, n, k_in, k_out, seed, activation="relu"):
    """Stars with shared codes: the family version of :func:`star_network`.

    Shared (from ``(m, m', n, k_in, k_out, seed)`` only): input channels
    ``C_i`` (``E``) and output channels ``D_p`` (``R[p] = 1_{D_p}``), and
    ``theta = 2 k_out``. Per member: the star layout with the smallest ``t``
    that fits in ``n`` neurons (``W``, as in :func:`star_network`; unused
    neurons are zero) and the routing ``V[v][u] = [v in O_u]``,
    ``O_u = union of D_p over the pairs p neuron u serves``. On the true
    pair both of ``p``'s neurons fire and each adds ``k_out`` to
    ``(R z)_p``; a false positive needs other firing neurons whose ``O_u``
    cover ``D_p`` twice over, which the exact verifier rules out or not.
    Bounds ``B = 2``, ``B_bias = 3 k_in - 1``, ``B_code = 1``.
    """
    feats, _ = output_rule(task)
    m, mo = task.m, task.m_out
    t = _star_t(task, n)
    if t is None:
        raise InputError(f"n: {n} neurons cannot hold a star layout of {task.name}")
    layout = star_layout(task, t)
    C = _distinct_subsets(random.Random(f"rstar-in:{seed}:{m}:{n}:{k_in}"), n, m, k_in, "k_in")
    D = _distinct_subsets(random.Random(f"rstar-out:{seed}:{mo}:{n}:{k_out}"), n, mo, k_out,
                          "k_out")
    pos = {tuple(p): q for q, p in enumerate(feats)}
    W, b, V = star_weights(n, layout, C, D, pos, k_in)
    E = [[int(v in C[i]) for i in range(m)] for v in range(n)]
    R = [[int(u in D[p]) for u in range(n)] for p in range(mo)]
    return Network.superposed(E, R, activation, [(W, b)], V, [0] * n, B=2,
                              B_bias=3 * k_in - 1, B_code=1, theta=2 * k_out)
