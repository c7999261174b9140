"""Generators: the smallest exactly-correct instance of each construction.

Every network a generator returns has been accepted by
:func:`~superpos_formal.verify.verify_batch` (exhaustive over ``X(m, s)``,
exact integers); the search itself only decides *which* widths to try.

* ``explicit`` / ``superposed-trivial`` (:mod:`.baseline`): no parameters,
  ``n = m'`` / ``max(m, m')``.
* ``hmvc`` (:mod:`.hmvc`): for each ``q`` in the grid and each seed, the
  smallest width at which it is exactly correct (a linear scan over ``n``
  with exact incremental counts, so every smaller width of that ``(q,
  seed)`` is known to fail); the best over the grid is reported.
* ``channels`` (:mod:`.channels`): correctness is not monotone in ``n`` (the
  channels are redrawn per width), so for each ``(k_in, k_out, seed)`` the
  search walks up a geometric ladder of widths (factor ``GROWTH``) to the
  first correct one and then bisects between it and the last failing rung.
  The result is *the smallest width this search found*, never called a
  minimum.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> r = best_hmvc(uand(5), qs=((1, 2),), seeds=(0,))
>>> r.n, r.verified
(39, True)
"""

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, SoundnessError
from ..verify import _INT64_SAFE, _Compiled, _input_matrix, verify_batch
from .baseline import explicit_per_output, superposed_trivial
from .channels import channel_network, routed_star_network, star_layout, star_network
from .hmvc import hmvc_network, smallest_width

__all__ = ["Built", "build", "best_hmvc", "best_channels", "best_stars", "CONSTRUCTIONS", "GROWTH",
           "CHANNEL_GRID", "HMVC_GRID"]

CONSTRUCTIONS = ("explicit", "superposed-trivial", "channels", "stars", "routed-stars", "hmvc")

#: width ladder factor of the channel search
GROWTH = 1.08
#: default parameter grids (k_in, k_out) and q = a/b
CHANNEL_GRID = ((2, 6), (3, 6), (3, 8), (3, 10), (4, 10))
HMVC_GRID = ((1, 2), (1, 3), (1, 4), (1, 5), (1, 6))


@dataclass
class Built:
    """A verified construction: the network, its parameters and counts."""

    construction: str
    task: str
    m: int
    m_out: int
    n: int
    params: dict
    network: object = field(repr=False)
    verified: bool
    counts: dict
    tried: int = 0

    def row(self):
        nt = self.network
        return {"construction": self.construction, "task": self.task, "m": self.m,
                "m_out": self.m_out, "n": self.n, "params": self.params,
                "verified": self.verified, "counts": self.counts,
                "bounds": {"B": nt.B, "B_bias": nt.B_bias, "B_code": nt.B_code,
                           "theta": nt.theta, "mode": nt.mode,
                           "activation": nt.activation}}


class _Checker:
    """Early-exit exact correctness test for one task (int64 with the same
    overflow proof as :func:`verify_batch`; Python ints otherwise)."""

    def __init__(self, task, chunk=1024):
        self.task = task
        self.X = task.inputs
        self.want = np.asarray(task.outputs, dtype=np.int8).reshape(len(self.X), task.m_out)
        self.chunk = chunk

    def __call__(self, net):
        if net.value_bound(self.task.s) >= _INT64_SAFE // 2:
            return verify_batch(net, self.task, max_counterexamples=0).ok
        comp = _Compiled(net)
        for lo in range(0, len(self.X), self.chunk):
            got = comp.outputs(_input_matrix(self.X[lo:lo + self.chunk]))
            if (got != self.want[lo:lo + self.chunk]).any():
                return False
        return True


def _accept(name, task, net, params, tried=0):
    v = verify_batch(net, task, max_counterexamples=1)
    if not v.ok:
        raise SoundnessError(f"{name}: the search accepted a network the verifier rejects "
                             f"on {task.name}: {v.counterexamples[:1]}")
    n = net.widths[0] if net.widths else len(net.E)
    return Built(name, task.name, task.m, task.m_out, n, params, net, True, net.counts(),
                 tried)


def build(name, task, params=None, seed=0):
    """Rebuild one construction with given parameters and verify it exactly
    (``params`` as in :meth:`Built.row`)."""
    params = dict(params or {})
    if name == "explicit":
        net = explicit_per_output(task)
    elif name == "superposed-trivial":
        net = superposed_trivial(task)
    elif name == "channels":
        net = channel_network(task, params["n"], params["k_in"], params["k_out"],
                              params.get("seed", seed))
    elif name == "stars":
        net = star_network(task, params["t"], params["k_in"], params.get("seed", seed))
    elif name == "routed-stars":
        net = routed_star_network(task, params["n"], params["k_in"], params["k_out"],
                                  params.get("seed", seed))
    elif name == "hmvc":
        net = hmvc_network(task, params["n"], tuple(params["q"]), params.get("seed", seed),
                           params["theta"])
    else:
        raise InputError(f"construction: unknown {name!r} (one of {', '.join(CONSTRUCTIONS)})")
    return _accept(name, task, net, params)


def best_hmvc(task, qs=HMVC_GRID, seeds=(0, 1, 2)):
    """Smallest exactly-correct HMVC width over the grid (module docstring)."""
    best = None
    for q in qs:
        for seed in seeds:
            r = smallest_width(task.m, q, seed)
            if r is None:
                continue
            n, theta = r
            if best is None or n < best[0]:
                best = (n, q, seed, theta)
    if best is None:
        raise InputError(f"hmvc: no width up to the scan limit for {task.name}")
    n, q, seed, theta = best
    net = hmvc_network(task, n, q, seed, theta)
    return _accept("hmvc", task, net, {"n": n, "q": list(q), "seed": seed, "theta": theta},
                   tried=len(qs) * len(seeds))


_MAKERS = {"channels": channel_network, "routed-stars": routed_star_network}


def _try(check, maker, task, n, k_in, k_out, seed):
    try:
        net = maker(task, n, k_in, k_out, seed)
    except InputError:          # too few distinct channels / neurons at this width
        return None
    return net if check(net) else None


def best_channels(task, grid=CHANNEL_GRID, seeds=(0,), n_start=None, n_max=20000,
                  name="channels"):
    """Smallest exactly-correct width this search finds for ``name``
    (``channels`` or ``routed-stars``; module docstring); ``None`` if no
    grid point works below ``n_max``."""
    check = _Checker(task)
    maker = _MAKERS[name]
    best, tried = None, 0
    for k_in, k_out in grid:
        for seed in seeds:
            lo = n_start or max(k_out + 1, 4)
            fail, n, hit = None, lo, None
            while n <= n_max:
                if best is not None and n >= best[0]:
                    break
                tried += 1
                net = _try(check, maker, task, n, k_in, k_out, seed)
                if net is not None:
                    hit = (n, net)
                    break
                fail, n = n, max(n + 1, int(n * GROWTH))
            if hit is None:
                continue
            a, b = (fail if fail is not None else lo - 1), hit[0]
            while b - a > 1:
                mid = (a + b) // 2
                tried += 1
                net = _try(check, maker, task, mid, k_in, k_out, seed)
                if net is not None:
                    b, hit = mid, (mid, net)
                else:
                    a = mid
            if best is None or hit[0] < best[0]:
                best = (hit[0], k_in, k_out, seed, hit[1])
    if best is None:
        return None
    n, k_in, k_out, seed, net = best
    return _accept(name, task, net, {"n": n, "k_in": k_in, "k_out": k_out, "seed": seed},
                   tried=tried)


def best_stars(task, k_ins=(1, 2, 3), seeds=(0,)):
    """Smallest exactly-correct star width: layouts in order of increasing
    ``n`` (decreasing ``t``), each ``k_in``; the first correct one. Every
    star layout has ``n >= m`` (a neuron per feature at least), which
    ``t = max degree`` reaches."""
    check = _Checker(task)
    feats = [p for p in dict(task.params).get("pairs", [])]
    deg = max(sum(1 for p in feats if c in p) for c in range(task.m))
    by_n = {}
    for t in range(deg, 0, -1):
        by_n.setdefault(len(star_layout(task, t)), t)
    tried = 0
    for n in sorted(by_n):
        for k_in in k_ins:
            for seed in seeds:
                tried += 1
                try:
                    net = star_network(task, by_n[n], k_in, seed)
                except InputError:
                    continue
                if check(net):
                    return _accept("stars", task, net, {"t": by_n[n], "k_in": k_in,
                                                        "seed": seed}, tried=tried)
    return None
