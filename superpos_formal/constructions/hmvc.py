"""The universal-AND construction of Hänni, Mendel, Vaintrob and Chan
("Mathematical Models of Computation in Superposition", arXiv 2408.05451),
made exact with integer weights and a threshold readout.

Explicit mode, one hidden layer of ``n`` ReLU neurons on ``X(m, 2)``:

* neuron ``u`` reads a random subset ``S_u`` of the features, each feature
  independently with probability ``q = a / b`` (drawn with integer
  ``randrange(b) < a``, so exactly reproducible): ``W[u] = 1_{S_u}``,
  ``b_u = -1``, i.e. ``h_u = relu(sum_{i in S_u} x_i - 1)``;
* with at most two features on, ``h_u(x) = 1`` iff ``|supp x| = 2`` and
  ``supp x`` is inside ``S_u``, else 0;
* output ``{i, j}`` sums the neurons that contain both (``V[p][u] = [p in S_u]``,
  ``c = 0``) and thresholds: ``y_p = [sum >= theta]`` (the paper's linear
  readout, with the sign decision made exact).

Exact correctness, argued: on the input ``x = e_i + e_j`` output ``p = {i, j}``
sums ``N(p) = |{u : p in S_u}|`` neurons; on another pair ``q`` it sums
``N(p | q)`` (neurons containing ``p`` and ``q``); on ``|x| <= 1`` it sums 0.
Since ``N(p | q) <= N(t)`` for a triple ``t`` with ``p`` inside ``t`` inside
``p | q``, the network is exactly correct iff
``1 <= theta <= min_pairs N(p)`` and ``theta > max_triples N(t)``;
:func:`smallest_width` picks ``theta = max_triples N(t) + 1``. Neurons are
drawn one after another from one seeded stream, so the network of width
``n + 1`` extends the one of width ``n``, and the scan over ``n`` keeps the
pair and triple counts incrementally. The exact verifier then checks the
result (the argument above only finds the width).

Bounds: ``B = 1``, ``B_bias = 1``, ``theta`` as computed.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.verify import verify
>>> n, theta = smallest_width(5, (1, 2), seed=0)
>>> net = hmvc_network(uand(5), n, (1, 2), 0, theta)
>>> verify(net, uand(5)).ok
True
"""

import random
from itertools import combinations

import numpy as np

from ..errors import InputError
from ..network import Network
from ..tasks import all_pairs

__all__ = ["feature_subsets", "hmvc_network", "smallest_width", "condition"]


def _check_q(q):
    a, b = q
    if not (isinstance(a, int) and isinstance(b, int) and 0 < a <= b):
        raise InputError(f"q: expected integers 0 < a <= b, got {q!r}")


def feature_subsets(m, n, q, seed):
    """``S_0..S_{n-1}``: each feature in each subset with probability ``a/b``."""
    _check_q(q)
    a, b = q
    rng = random.Random(f"hmvc:{seed}:{m}:{a}/{b}")
    return [frozenset(i for i in range(m) if rng.randrange(b) < a) for _ in range(n)]


def condition(m, subsets):
    """``(min pair count, max triple count)`` of the subsets (exact ints)."""
    pairs = min(sum(1 for S in subsets if i in S and j in S)
                for i, j in combinations(range(m), 2))
    triples = max((sum(1 for S in subsets if i in S and j in S and k in S)
                   for i, j, k in combinations(range(m), 3)), default=0)
    return pairs, triples


def hmvc_network(task, n, q, seed, theta):
    """The network of width ``n`` for ``task`` (a ``uand`` task, ``s = 2``)."""
    if task.kind != "and_pairs" or dict(task.params)["pairs"] != all_pairs(task.m):
        raise InputError("task: the HMVC construction computes the universal AND (uand)")
    if task.s != 2:
        raise InputError(f"s: the HMVC construction is argued for s = 2, got {task.s}")
    m = task.m
    S = feature_subsets(m, n, q, seed)
    W = [[int(i in Su) for i in range(m)] for Su in S]
    V = [[int(i in Su and j in Su) for Su in S] for i, j in all_pairs(m)]
    return Network.explicit(m, task.m_out, "relu", [(W, [-1] * n)], V,
                            [0] * task.m_out, B=1, B_bias=1, theta=theta)


def smallest_width(m, q, seed, n_max=4096):
    """Smallest ``n <= n_max`` at which the construction is exactly correct
    (the condition in the module docstring), with its ``theta``; ``None`` if
    none. Exact integer counts, updated per neuron."""
    _check_q(q)
    if m < 3:
        raise InputError("m: the scan needs m >= 3 (with m = 2 there is no triple)")
    a, b = q
    rng = random.Random(f"hmvc:{seed}:{m}:{a}/{b}")
    G = np.zeros((m, m), dtype=np.int64)
    T = np.zeros((m, m, m), dtype=np.int64)
    iu = np.triu_indices(m, 1)
    max_triple = 0
    for n in range(1, n_max + 1):
        S = [i for i in range(m) if rng.randrange(b) < a]
        if len(S) >= 2:
            idx = np.asarray(S)
            G[np.ix_(idx, idx)] += 1
            if len(S) >= 3:
                T[np.ix_(idx, idx, idx)] += 1
                sub = T[np.ix_(idx, idx, idx)]
                k = len(S)
                ii, jj, kk = np.meshgrid(np.arange(k), np.arange(k), np.arange(k),
                                         indexing="ij")
                strict = (ii < jj) & (jj < kk)
                max_triple = max(max_triple, int(sub[strict].max()))
        min_pair = int(G[iu].min())
        if min_pair > max_triple:
            return n, max_triple + 1
    return None
