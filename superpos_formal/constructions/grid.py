"""The default grid of construction points and the tasks they name.

A task spec is a small dict: ``{"kind": "uand", "m": m}``,
``{"kind": "permutation", "m": m, "seed": k}`` (a seeded random permutation:
a member of the permutation family) or ``{"kind": "pair_set", "m_out": m',
"seed": k}`` (``m'`` distinct pairs drawn with a seeded generator over
``m = max(isqrt(2 m') + 2, m' // 10)`` features: a sparse member of the
2-AND pair-set family).

Examples
--------
>>> make_task({"kind": "pair_set", "m_out": 10, "seed": 0}).m
6
"""

import random
from math import isqrt

from ..errors import InputError
from .. import tasks

__all__ = ["make_task", "DEFAULT_GRID", "FAMILIES", "pair_set_m"]


def pair_set_m(m_out):
    """Features of the sparse pair-set points: ``max(isqrt(2 m') + 2, m' // 10)``."""
    return max(isqrt(2 * m_out) + 2, m_out // 10)


def make_task(spec):
    """The task a spec names (module docstring)."""
    if not isinstance(spec, dict) or "kind" not in spec:
        raise InputError("task spec: expected an object with a kind")
    k = spec["kind"]
    if k == "uand":
        return tasks.uand(spec["m"])
    if k == "permutation":
        m = spec["m"]
        return tasks.permutation(m, random.Random(f"perm:{spec.get('seed', 0)}:{m}").sample(range(m), m))
    if k == "pair_set":
        mo = spec["m_out"]
        m = pair_set_m(mo)
        pairs = random.Random(f"pairs:{spec.get('seed', 0)}:{mo}").sample(tasks.all_pairs(m), mo)
        return tasks.and_pairs(m, sorted(pairs))
    raise InputError(f"task spec: unknown kind {k!r} (uand, permutation, pair_set)")


#: which family each task kind plots under
FAMILIES = {"uand": "uand", "permutation": "permutations", "pair_set": "pair-sets"}

_UAND_M = (4, 6, 8, 12, 16, 24, 32, 46)
_PERM_M = (4, 8, 16, 32, 64, 128, 256, 512, 1000)
_PAIRS = (10, 32, 100, 300, 1000)

DEFAULT_GRID = (
    [{"construction": c, "task": {"kind": "uand", "m": m}}
     for m in _UAND_M for c in ("explicit", "superposed-trivial", "stars", "hmvc")]
    + [{"construction": c, "task": {"kind": "permutation", "m": m, "seed": 0}}
       for m in _PERM_M for c in ("explicit", "superposed-trivial")]
    + [{"construction": "channels", "task": {"kind": "permutation", "m": m, "seed": 0},
        "grid": [[2, 4], [3, 4], [3, 6]]} for m in _PERM_M]
    + [{"construction": c, "task": {"kind": "pair_set", "m_out": k, "seed": 0}}
       for k in _PAIRS for c in ("explicit", "superposed-trivial")]
    + [{"construction": "routed-stars", "task": {"kind": "pair_set", "m_out": k, "seed": 0},
        "grid": [[1, 2], [2, 2], [2, 3]]} for k in _PAIRS]
    + [{"construction": "channels", "task": {"kind": "pair_set", "m_out": k, "seed": 0},
        "grid": [[2, 6], [3, 8]]} for k in _PAIRS if k <= 100]
)
