"""Tasks ``f : X(m, s) -> {0,1}^{m'}`` and task families (MODEL.md section 1).

A :class:`Task` is stored as its truth table over ``domain(m, s)`` (in that
order), together with the constructor and parameters that produced it, so it
can be written to JSON and read back without loss. A :class:`Family` is a set
of tasks with the same ``(m, m', s)``; large families are generated lazily.

Built-in tasks
--------------
``permutation``, ``and_pairs``, ``uand``, ``or_pairs``, ``xor_pairs``,
``identity`` and ``table``.

Built-in families
-----------------
``permutation_family`` (all ``m!`` permutations), ``pair_set_family`` (all
``m'``-sets of pairs over ``m`` features, the 2-AND family; ``op`` selects
AND/OR/XOR), ``explicit_family`` and ``sample_family`` (seeded random samples,
always labelled as samples).

Examples
--------
>>> t = and_pairs(3, [(0, 1), (1, 2)], s=2)
>>> t.m, t.m_out, t.s
(3, 2, 2)
>>> t((1, 1, 0))
(1, 0)
"""

import hashlib
import json
import operator
import random
from dataclasses import dataclass, field
from itertools import combinations, islice, permutations
from math import comb, factorial

from .domain import check_m_s, domain, input_index
from .errors import InputError

__all__ = [
    "Task",
    "Family",
    "permutation",
    "and_pairs",
    "or_pairs",
    "xor_pairs",
    "uand",
    "identity",
    "table",
    "all_pairs",
    "permutation_family",
    "pair_set_family",
    "explicit_family",
    "sample_family",
    "stable_id",
]

_OPS = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}


def stable_id(obj):
    """sha256 (hex, first 16 chars) of the canonical JSON of ``obj``.

    Canonical: sorted keys, no spaces. The identity of every record
    (task, family, network, claim) is built this way, so it survives
    process boundaries and is the same on every machine.

    >>> stable_id({"b": 1, "a": [1, 2]}) == stable_id({"a": [1, 2], "b": 1})
    True
    """
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Task:
    """A task: truth table over ``X(m, s)`` plus its provenance.

    Attributes
    ----------
    kind : str
        Constructor name (``"and_pairs"``, ``"permutation"``, ``"table"``...).
    m, m_out, s : int
        Input features, output features, sparsity.
    params : tuple
        Constructor parameters, as a tuple of ``(name, value)`` pairs with
        JSON-able values (pairs as lists).
    outputs : tuple of tuple of int
        ``outputs[i]`` is ``f(domain(m, s)[i])``.
    """

    kind: str
    m: int
    m_out: int
    s: int
    params: tuple
    outputs: tuple = field(repr=False)

    def __call__(self, x):
        return self.outputs[input_index(tuple(x), self.s)]

    @property
    def inputs(self):
        return domain(self.m, self.s)

    @property
    def name(self):
        p = dict(self.params)
        if self.kind in ("and_pairs", "or_pairs", "xor_pairs"):
            if self.kind == "and_pairs" and p["pairs"] == all_pairs(self.m):
                return f"uand(m={self.m})"
            pairs = ",".join(f"{i}-{j}" for i, j in p["pairs"])
            return f"{self.kind}(m={self.m},pairs={pairs})"
        if self.kind == "permutation":
            return f"permutation(m={self.m},pi={p['pi']})"
        return f"{self.kind}(m={self.m},m'={self.m_out})"

    def to_dict(self):
        d = {"kind": self.kind, "m": self.m, "m_out": self.m_out, "s": self.s}
        d.update({k: v for k, v in self.params})
        if self.kind == "table":
            d["outputs"] = [list(y) for y in self.outputs]
        return d

    @property
    def id(self):
        """Stable identity: hash of the truth table and shape (not the name)."""
        return stable_id({"m": self.m, "m_out": self.m_out, "s": self.s,
                          "outputs": [list(y) for y in self.outputs]})


def _check_feature(i, m, what):
    if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < m:
        raise InputError(f"{what}: feature index {i!r} is not in 0..{m - 1}")


def _build(kind, m, m_out, s, params, fn):
    check_m_s(m, s)
    outs = tuple(tuple(int(v) for v in fn(x)) for x in domain(m, s))
    return Task(kind, m, m_out, s, tuple(params), outs)


def permutation(m, pi, s=1):
    """``y_j = x_{pi(j)}``; ``pi`` a permutation of ``range(m)``.

    >>> permutation(3, [2, 0, 1])((1, 0, 0))
    (0, 1, 0)
    """
    try:
        pi = [operator.index(i) for i in pi]  # ints (numpy too); not floats/strings
    except TypeError:
        raise InputError(f"pi: {pi!r} is not a list of integers") from None
    if sorted(pi) != list(range(m)):
        raise InputError(f"pi: {pi!r} is not a permutation of 0..{m - 1}")
    return _build("permutation", m, m, s, [("pi", pi)],
                  lambda x: [x[pi[j]] for j in range(m)])


def _pairs_task(op, m, pairs, s):
    check_m_s(m, s)
    try:
        pairs = [list(p) for p in pairs]
    except TypeError:
        raise InputError("pairs: every pair must be a list [i, j]") from None
    if not pairs:
        raise InputError("pairs: at least one pair is needed")
    for p in pairs:
        if len(p) != 2:
            raise InputError(f"pairs: {p!r} is not a pair")
        _check_feature(p[0], m, "pairs")
        _check_feature(p[1], m, "pairs")
        if not p[0] < p[1]:
            raise InputError(f"pairs: pair {p!r} must satisfy i < j")
    if len({tuple(p) for p in pairs}) != len(pairs):
        raise InputError("pairs: a pair is repeated")
    f = _OPS[op]
    return _build(f"{op}_pairs", m, len(pairs), s, [("pairs", pairs)],
                  lambda x: [f(x[i], x[j]) for i, j in pairs])


def and_pairs(m, pairs, s=2):
    """``y_p = x_i AND x_j`` for each pair ``(i, j)`` in ``pairs``."""
    return _pairs_task("and", m, pairs, s)


def or_pairs(m, pairs, s=2):
    """``y_p = x_i OR x_j``."""
    return _pairs_task("or", m, pairs, s)


def xor_pairs(m, pairs, s=2):
    """``y_p = x_i XOR x_j``."""
    return _pairs_task("xor", m, pairs, s)


def all_pairs(m):
    """All ``C(m, 2)`` pairs ``i < j`` in lexicographic order.

    >>> all_pairs(3)
    [[0, 1], [0, 2], [1, 2]]
    """
    return [list(p) for p in combinations(range(m), 2)]


def uand(m, s=2):
    """The universal AND: ``and_pairs`` over all ``C(m, 2)`` pairs."""
    if m < 2:
        raise InputError(f"m: uand needs m >= 2, got {m}")
    return and_pairs(m, all_pairs(m), s)


def identity(m, s=1):
    """``y = x``: pure representation, no computation."""
    return _build("identity", m, m, s, [], lambda x: x)


def table(m, s, outputs=None, fn=None):
    """An explicit task: ``outputs`` (one row per input of ``domain(m, s)``,
    in order) or a callable ``fn(x) -> sequence of 0/1``."""
    check_m_s(m, s)
    X = domain(m, s)
    if (outputs is None) == (fn is None):
        raise InputError("table: give exactly one of outputs or fn")
    if fn is not None:
        outputs = [fn(x) for x in X]
    try:
        outputs = [list(r) for r in outputs]
    except TypeError:
        raise InputError("outputs: every row must be a list of 0/1") from None
    if len(outputs) != len(X):
        raise InputError(f"outputs: {len(outputs)} rows given, X(m={m}, s={s}) "
                         f"has {len(X)} inputs")
    widths = {len(r) for r in outputs}
    if len(widths) != 1 or 0 in widths:
        raise InputError("outputs: rows must all have the same positive length")
    for r in outputs:
        for v in r:
            if v not in (0, 1) or isinstance(v, bool):
                raise InputError(f"outputs: entry {v!r} is not 0 or 1")
    return Task("table", m, widths.pop(), s, (), tuple(tuple(r) for r in outputs))


# --------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A family of tasks with one ``(m, m', s)``.

    Members are produced lazily by :meth:`members`; ``size`` is exact.
    ``sample`` is ``None`` for a complete family, or ``{"of": ..., "k": ...,
    "seed": ...}`` for a seeded random sample, so a sample is never mistaken
    for the whole family.
    """

    kind: str
    m: int
    m_out: int
    s: int
    params: tuple = ()
    sample: tuple = None  # (("of", kind), ("k", k), ("seed", seed), ("size_of", N))

    @property
    def size(self):
        p = dict(self.params)
        if self.kind == "permutations":
            return factorial(self.m)
        if self.kind == "pair_sets":
            return comb(comb(self.m, 2), self.m_out)
        return len(p["members"])

    @property
    def is_sample(self):
        return self.sample is not None

    def members(self):
        """Iterate over the member tasks, in a fixed order."""
        p = dict(self.params)
        if self.kind == "permutations":
            for pi in permutations(range(self.m)):
                yield permutation(self.m, pi, self.s)
        elif self.kind == "pair_sets":
            op = p.get("op", "and")
            for ps in combinations(all_pairs(self.m), self.m_out):
                yield _pairs_task(op, self.m, ps, self.s)
        else:
            for d in p["members"]:
                from .schema import task_from_dict
                yield task_from_dict(d)

    def __iter__(self):
        return self.members()

    def to_dict(self):
        d = {"kind": self.kind, "m": self.m, "m_out": self.m_out, "s": self.s}
        d.update({k: v for k, v in self.params})
        if self.sample is not None:
            d["sample"] = dict(self.sample)
        return d

    @property
    def id(self):
        return stable_id(self.to_dict())

    @property
    def name(self):
        base = {"permutations": "permutations", "pair_sets":
                f"{dict(self.params).get('op', 'and')}_pair_sets"}.get(self.kind, self.kind)
        label = f"{base}(m={self.m},m'={self.m_out},s={self.s})"
        if self.sample:
            sp = dict(self.sample)
            label += f"[sample k={sp['k']} seed={sp['seed']} of {sp['size_of']}]"
        return label


def permutation_family(m, s=1):
    """All ``m!`` permutations of ``m`` features."""
    check_m_s(m, s)
    return Family("permutations", m, m, s)


def pair_set_family(m, m_out, s=2, op="and"):
    """All ``m'``-sets of pairs over ``m`` features (``op`` in and/or/xor)."""
    check_m_s(m, s)
    if not isinstance(op, str) or op not in _OPS:
        raise InputError(f"op: unknown pair operation {op!r} (and, or, xor)")
    if not 1 <= m_out <= comb(m, 2):
        raise InputError(f"m_out: must be in 1..C({m},2)={comb(m, 2)}, got {m_out}")
    return Family("pair_sets", m, m_out, s, (("op", op),))


def explicit_family(tasks):
    """A family given by an explicit list of tasks (same ``(m, m', s)``)."""
    tasks = list(tasks)
    if not tasks:
        raise InputError("members: an explicit family needs at least one task")
    m, mo, s = tasks[0].m, tasks[0].m_out, tasks[0].s
    for t in tasks:
        if (t.m, t.m_out, t.s) != (m, mo, s):
            raise InputError("members: tasks differ in (m, m', s)")
    return Family("explicit", m, mo, s,
                  (("members", [t.to_dict() for t in tasks]),))


def sample_family(family, k, seed):
    """A seeded random sample of ``k`` distinct members of ``family``.

    The result is labelled as a sample: its ``sample`` field names the family
    it came from, ``k`` and the seed. Reservoir sampling over the member
    order, so it is reproducible for a given seed.
    """
    if k < 1:
        raise InputError(f"k: sample size must be positive, got {k}")
    rng = random.Random(seed)
    N = family.size
    if k >= N:
        idx = list(range(N))
    else:
        idx = sorted(rng.sample(range(N), k))
    chosen, it, pos = [], family.members(), 0
    for i in idx:
        t = next(islice(it, i - pos, None))
        pos = i + 1
        chosen.append(t)
    base = explicit_family(chosen)
    return Family("explicit", base.m, base.m_out, base.s, base.params,
                  (("of", family.to_dict()), ("k", len(chosen)), ("seed", seed),
                   ("size_of", N)))
