"""Tasks ``f : X(m, s) -> {0,1}^{m'}`` and task families (docs/MODEL.md 1).

A :class:`Task` is stored as its truth table over ``domain(m, s)`` (in that
order), together with the constructor and parameters that produced it, so it
can be written to JSON and read back without loss. A :class:`Family` is a set
of tasks with the same ``(m, m', s)``; large families are generated lazily.

Built-in tasks
--------------
``permutation``, ``and_pairs``, ``uand``, ``or_pairs``, ``xor_pairs``,
``identity``, ``parity``, ``majority`` and ``table`` (any truth table).
:func:`build_task` makes any of them from command-line style arguments
(the CLI, campaign files and :mod:`superpos_formal.api` share it);
:data:`TASK_KINDS` lists the names it takes.

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

import operator
import random
from dataclasses import dataclass, field
from itertools import combinations, permutations
from math import comb, factorial

from .budget import check_budget
from .domain import check_m_s, domain, domain_size, input_index
from .errors import InputError
from .ids import check_header, stable_id

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
    "parity",
    "majority",
    "all_pairs",
    "build_task",
    "build_family",
    "TASK_KINDS",
    "FAMILY_KINDS",
    "task_from_dict",
    "family_from_dict",
    "permutation_family",
    "pair_set_family",
    "explicit_family",
    "sample_family",
    "sample_indices",
    "stable_id",
    "MAX_TABLE_ENTRIES",
    "MAX_FAMILY_MEMBERS",
    "FIELDS",
    "check_fields",
    "check_table_size",
]

#: Largest truth table built in memory, in entries ``|X(m, s)| * (m + m')``
#: (the inputs and the outputs, one Python reference each: about 8 bytes per
#: entry plus tuple headers, so ~200 MB). Larger tasks are refused before
#: anything is allocated, with the estimate (:func:`check_table_size`).
MAX_TABLE_ENTRIES = 20_000_000

#: Most members a question that enumerates a family may use: the family
#: question checks every member outside its core with a solve of its own, so
#: a larger family could not be answered anyway; it is refused up front
#: (use a seeded sample, ``superpos family ... --sample K``).
MAX_FAMILY_MEMBERS = 50_000

_OPS = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}


@dataclass(frozen=True)
class Task:
    """A task: truth table over ``X(m, s)`` plus its provenance.

    A task ``f : X(m, s) -> {0,1}^{m'}`` (docs/MODEL.md 1) is stored as its
    whole truth table, so two tasks with the same table are the same
    question whatever built them (:attr:`id` hashes the table, not the
    name). Build one with the constructors of this module (:func:`uand`,
    :func:`permutation`, :func:`and_pairs`, :func:`identity`,
    :func:`parity`, :func:`majority`, :func:`table`) or
    :func:`build_task`; a task is called on an input like a function.

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
    inputs : tuple of tuple of int
        ``X(m, s)`` in domain order (property).
    name : str
        Short readable name, e.g. ``uand(m=3)`` (property).
    id : str
        Stable identity: a hash of ``m``, ``m'``, ``s`` and the table.

    Examples
    --------
    Universal AND of 3 features, ``s = 2``: one output per pair
    ``(0,1), (0,2), (1,2)``; ``X(3, 2)`` has ``1 + 3 + 3 = 7`` inputs.

    >>> t = uand(3)
    >>> t.name, t.m, t.m_out, t.s, len(t.inputs)
    ('uand(m=3)', 3, 3, 2, 7)
    >>> t((1, 1, 0)), t((0, 1, 1)), t((1, 0, 0))
    ((1, 0, 0), (0, 0, 1), (0, 0, 0))
    >>> t.id == and_pairs(3, [(0, 1), (0, 2), (1, 2)]).id   # same table, same task
    True
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
        if self.kind in ("parity", "majority"):
            return f"{self.kind}(m={self.m})"
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


def check_table_size(m, m_out, s, what="task"):
    """Refuse (InputError, with the estimate) a truth table larger than
    :data:`MAX_TABLE_ENTRIES`, before anything is allocated.

    >>> check_table_size(300, 44850, 2, "uand(m=300)")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: uand(m=300): |X(m=300, s=2)| = 45151 inputs x (300 + 44850) entries = 2.04e+09 table entries (about 16.3 GB) exceeds the limit of 2e+07 entries (about 160 MB)
    """
    check_m_s(m, s)
    n = domain_size(m, s) * (m + m_out)
    if n > MAX_TABLE_ENTRIES:
        raise InputError(f"{what}: |X(m={m}, s={s})| = {domain_size(m, s)} inputs x "
                         f"({m} + {m_out}) entries = {n:.3g} table entries (about "
                         f"{8 * n / 1e9:.3g} GB) exceeds the limit of "
                         f"{MAX_TABLE_ENTRIES:.3g} entries (about "
                         f"{8 * MAX_TABLE_ENTRIES // 10**6} MB)")


def _build(kind, m, m_out, s, params, fn):
    check_table_size(m, m_out, s, f"task {kind}")
    outs = tuple(tuple(int(v) for v in fn(x)) for x in domain(m, s))
    return Task(kind, m, m_out, s, tuple(params), outs)


def permutation(m, pi, s=1):
    """``y_j = x_{pi(j)}``; ``pi`` a permutation of ``range(m)``.

    >>> permutation(3, [2, 0, 1])((1, 0, 0))
    (0, 1, 0)
    """
    check_table_size(m, m, s, "task permutation")
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
    if hasattr(pairs, "__len__"):
        check_table_size(m, len(pairs), s, f"task {op}_pairs")
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
    check_m_s(m, s)
    if m < 2:
        raise InputError(f"m: uand needs m >= 2, got {m}")
    check_table_size(m, comb(m, 2), s, f"task uand(m={m})")
    return and_pairs(m, all_pairs(m), s)


def identity(m, s=1):
    """``y = x``: pure representation, no computation."""
    return _build("identity", m, m, s, [], lambda x: x)


def table(m, s, outputs=None, fn=None):
    """An explicit task: ``outputs`` (one row per input of ``domain(m, s)``,
    in order) or a callable ``fn(x) -> sequence of 0/1``."""
    check_m_s(m, s)
    check_table_size(m, 1, s, "task table")
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


def parity(m, s=None):
    """``y = x_0 XOR ... XOR x_{m-1}`` (one output) on dense inputs.

    ``s`` defaults to ``m`` (every input of ``{0,1}^m``): the calibration
    task the literature uses for Boolean circuits and threshold networks.

    Examples
    --------
    >>> t = parity(3)
    >>> t.s, t.m_out, [t(x)[0] for x in t.inputs]
    (3, 1, [0, 1, 1, 1, 0, 0, 0, 1])
    """
    s = m if s is None else s
    return _build("parity", m, 1, s, [], lambda x: [sum(x) % 2])


def majority(m, s=None):
    """``y = [x_0 + ... + x_{m-1} > m / 2]`` (strict: a tie is 0), dense inputs.

    ``s`` defaults to ``m``.

    Examples
    --------
    >>> t = majority(3)
    >>> [t(x)[0] for x in t.inputs]
    [0, 0, 0, 0, 1, 1, 1, 1]
    >>> majority(2)((1, 0))
    (0,)
    """
    s = m if s is None else s
    return _build("majority", m, 1, s, [], lambda x: [int(2 * sum(x) > m)])


def int_field(d, key, minimum=None):
    """The integer field ``d[key]`` (not a bool), at least ``minimum``; InputError naming the key otherwise."""
    if key not in d:
        raise InputError(f"{key}: missing")
    v = d[key]
    if not isinstance(v, int) or isinstance(v, bool):
        raise InputError(f"{key}: {v!r} is not an integer")
    if minimum is not None and v < minimum:
        raise InputError(f"{key}: must be >= {minimum}, got {v}")
    return v


def _list(d, key):
    if key not in d:
        raise InputError(f"{key}: missing")
    if not isinstance(d[key], list):
        raise InputError(f"{key}: expected a list")
    return d[key]


#: the fields each file format may have besides ``format`` and ``version``
#: (unknown fields are refused: a misspelt key must not be ignored)
FIELDS = {
    "task": {"kind", "m", "m_out", "s", "pi", "pairs", "outputs"},
    "family": {"kind", "m", "m_out", "s", "op", "members", "sample"},
    "network": {"mode", "activation", "m", "m_out", "B", "B_bias", "B_code", "theta",
                "E", "layers", "V", "c", "R", "meta"},
}


def check_fields(d, kind):
    """InputError naming the first field of ``d`` a ``kind`` file does not have.

    >>> check_fields({"kind": "uand", "m": 3, "Mode": 1}, "task")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: Mode: unknown field of a task (expected kind, m, m_out, outputs, pairs, pi, s)
    """
    extra = sorted(set(d) - FIELDS[kind] - {"format", "version"}, key=str)
    if extra:
        raise InputError(f"{extra[0]}: unknown field of a {kind} (expected "
                         f"{', '.join(sorted(FIELDS[kind]))})")


def task_from_dict(d):
    """Rebuild a task from its JSON object; the stored ``m_out`` must match.

    Examples
    --------
    >>> task_from_dict({"kind": "parity", "m": 2, "s": 2}).outputs
    ((0,), (1,), (1,), (0,))
    >>> task_from_dict({"kind": "sum", "m": 2, "s": 2})
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: kind: unknown task kind 'sum'
    """
    check_header(d, "task")
    check_fields(d, "task")
    kind = d.get("kind")
    m = int_field(d, "m", 1)
    s = int_field(d, "s", 0)
    if kind == "permutation":
        t = permutation(m, _list(d, "pi"), s)
    elif kind in ("and_pairs", "or_pairs", "xor_pairs"):
        t = _pairs_task(kind.split("_")[0], m, _list(d, "pairs"), s)
    elif kind == "identity":
        t = identity(m, s)
    elif kind == "parity":
        t = parity(m, s)
    elif kind == "majority":
        t = majority(m, s)
    elif kind == "table":
        t = table(m, s, outputs=_list(d, "outputs"))
    else:
        raise InputError(f"kind: unknown task kind {kind!r}")
    if "m_out" in d and d["m_out"] != t.m_out:
        raise InputError(f"m_out: file says {d['m_out']!r}, the task defines {t.m_out}")
    return t


# --------------------------------------------------------------------------
# building tasks from command-line style arguments
# --------------------------------------------------------------------------

#: task kinds :func:`build_task` takes (the CLI's ``--task`` choices)
TASK_KINDS = ("permutation", "and_pairs", "or_pairs", "xor_pairs", "uand", "identity",
              "parity", "majority", "table")
_PAIR_KINDS = ("and_pairs", "or_pairs", "xor_pairs")
#: default sparsity per kind (docs/MODEL.md, "Tasks"): pair tasks need two
#: active features to be non-trivial; parity and majority are dense (s = m)
_DEFAULT_S = {"permutation": 1, "identity": 1, "uand": 2, "and_pairs": 2,
              "or_pairs": 2, "xor_pairs": 2}


def _no_text(value, option, example):
    """Structured values only: text such as ``"0-1,1-2"`` is the CLI's form,
    parsed there (:mod:`superpos_formal.cli.args`), never here."""
    if isinstance(value, str):
        raise InputError(f"{option}: expected {example}, got the text {value!r}")


def _pairs_list(pairs):
    _no_text(pairs, "pairs", "a list of [i, j] pairs")
    try:
        out = [[int(i), int(j)] for i, j in pairs]
    except (TypeError, ValueError):
        raise InputError(f"pairs: expected a list of [i, j] pairs, got {pairs!r}") from None
    return out


def _ints_list(values, option):
    _no_text(values, option, "a list of integers")
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise InputError(f"{option}: expected a list of integers, got {values!r}") from None


def _table_rows(rows):
    _no_text(rows, "outputs", "a list of 0/1 rows")
    try:
        return [list(r) if isinstance(r, (list, tuple)) else [r] for r in rows]
    except TypeError:
        raise InputError(f"outputs: expected a list of 0/1 rows, got {rows!r}") from None


def random_pairs(m, k, seed):
    """``k`` distinct pairs of ``range(m)``, seeded, in lexicographic order.

    >>> random_pairs(4, 6, 0) == all_pairs(4)
    True
    """
    P = all_pairs(m)
    if not 1 <= k <= len(P):
        raise InputError(f"m_out: must be in 1..C({m},2)={len(P)}, got {k}")
    return sorted(random.Random(seed).sample(P, k))


def build_task(kind, m, s=None, pairs=None, pi=None, m_out=None, seed=None,
               outputs=None):
    """A built-in task from command-line style arguments.

    Shared by the CLI (``--task``), campaign files and
    :mod:`superpos_formal.api`, so the same arguments mean the same task
    everywhere.

    Parameters
    ----------
    kind : str
        One of :data:`TASK_KINDS`.
    m : int
        Input features.
    s : int, optional
        Sparsity; default 1 for permutation/identity, 2 for pair tasks,
        ``m`` for parity/majority; required for ``table``.
    pairs : list, optional
        Pair tasks: ``[[0, 1], [1, 2]]``. Without ``pairs`` and ``m_out``
        a pair task takes all ``C(m, 2)`` pairs. (The CLI's text forms,
        ``--pairs 0-1,1-2`` and the like, are parsed by the CLI.)
    pi : list, optional
        Permutation task: ``y_j = x_pi(j)``.
    m_out : int, optional
        Pair tasks: draw this many distinct pairs at random (seeded).
    seed : int, optional
        Seed of random pairs, or of a random permutation (no ``pi``).
    outputs : list, optional
        ``table``: one row per input of ``X(m, s)`` in domain order.

    Returns
    -------
    Task

    Raises
    ------
    InputError
        An unknown kind, or an option that does not belong to it.

    Examples
    --------
    >>> build_task("and_pairs", 3).name
    'uand(m=3)'
    >>> build_task("table", 2, s=1, outputs=[[0], [1], [1]]).outputs
    ((0,), (1,), (1,))
    >>> build_task("uand", 3, pi=[0, 1, 2])
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: pi: only for the permutation task
    """
    if kind not in TASK_KINDS:
        raise InputError(f"kind: unknown task kind {kind!r} (one of {', '.join(TASK_KINDS)})")
    if not isinstance(m, int) or isinstance(m, bool):
        raise InputError(f"m: {m!r} is not an integer")
    if pi is not None and kind != "permutation":
        raise InputError("pi: only for the permutation task")
    pair_kind = kind in _PAIR_KINDS
    if pairs is not None and not pair_kind:
        raise InputError(f"pairs: only for and_pairs, or_pairs, xor_pairs (not {kind})")
    if m_out is not None and not pair_kind:
        raise InputError(f"m_out: only for and_pairs, or_pairs, xor_pairs (not {kind})")
    if outputs is not None and kind != "table":
        raise InputError(f"outputs: only for the table task (not {kind})")
    if seed is not None and kind not in ("permutation",) + _PAIR_KINDS:
        raise InputError(f"seed: only for random pairs or permutations (not {kind})")
    if kind == "permutation":
        if pi is None and seed is None:
            raise InputError("pi: the permutation task needs a permutation (e.g. [2, 0, 1]) "
                             "or a seed")
        if pi is not None:
            pi = _ints_list(pi, "pi")
        else:
            pi = list(range(m))
            random.Random(seed).shuffle(pi)
        return permutation(m, pi, 1 if s is None else s)
    if pair_kind:
        if pairs is not None:
            if m_out is not None:
                raise InputError("m_out: give either the pairs or a number of random pairs, not both")
            pairs = _pairs_list(pairs)
        elif m_out is not None:
            pairs = random_pairs(m, m_out, 0 if seed is None else seed)
        else:
            if seed is not None:
                raise InputError("seed: only with a number of random pairs")
            if m < 2:
                raise InputError(f"m: a pair task needs m >= 2, got {m}")
            pairs = all_pairs(m)
        return _pairs_task(kind.split("_")[0], m, pairs, _DEFAULT_S[kind] if s is None else s)
    if kind == "uand":
        return uand(m, 2 if s is None else s)
    if kind == "identity":
        return identity(m, 1 if s is None else s)
    if kind == "parity":
        return parity(m, s)
    if kind == "majority":
        return majority(m, s)
    if s is None:
        raise InputError("s: the table task needs the sparsity s (rows follow X(m, s))")
    if outputs is None:
        raise InputError("outputs: the table task needs one output row per input "
                         "of X(m, s), e.g. [[0], [1], [1], [0]]")
    return table(m, s, outputs=_table_rows(outputs))


# --------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A family of tasks with one ``(m, m', s)``: the family question's subject.

    The family question (docs/MODEL.md 4.3) asks for ONE shared code
    ``E``, ``R`` and one weight set per member. Members are produced lazily
    by :meth:`members` (or unranked by :meth:`member`), so a family of
    ``m!`` permutations costs nothing until enumerated; ``size`` is exact.
    Build one with :func:`permutation_family`, :func:`pair_set_family`,
    :func:`explicit_family`, :func:`sample_family` or :func:`build_family`.

    Attributes
    ----------
    kind : str
        ``"permutations"``, ``"pair_sets"`` or ``"explicit"`` (a listed set
        of member tasks).
    m, m_out, s : int
        Input features, output features, sparsity: the same for every
        member.
    params : tuple
        Constructor parameters as ``(name, value)`` pairs (``op`` of pair
        sets; ``members`` of an explicit family).
    sample : tuple or None
        ``None`` for a complete family, or ``(("of", ...), ("k", k),
        ("seed", seed), ("size_of", N))`` for a seeded random sample, so a
        sample is never mistaken for the whole family.
    size : int
        Number of members, exact (property).
    is_sample : bool
        Whether this is a seeded sample (property).
    name : str
        Short readable name; a sample says so (property).
    id : str
        Stable identity: a hash of :meth:`to_dict`.

    Examples
    --------
    All permutations of 3 features (``3! = 6`` members) and all 2-sets of
    the ``C(4, 2) = 6`` pairs of 4 features (``C(6, 2) = 15`` members):

    >>> f = permutation_family(3)
    >>> f.name, f.size, f.is_sample
    ("permutations(m=3,m'=3,s=1)", 6, False)
    >>> [t.name for t in f.members()][:2]
    ['permutation(m=3,pi=[0, 1, 2])', 'permutation(m=3,pi=[0, 2, 1])']
    >>> pair_set_family(4, 2).size
    15
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
        """Iterate over the member tasks, in a fixed order (lazily)."""
        p = dict(self.params)
        if self.kind == "permutations":
            for i, pi in enumerate(permutations(range(self.m))):
                if i % 1024 == 0:
                    check_budget("family enumeration")
                yield permutation(self.m, pi, self.s)
        elif self.kind == "pair_sets":
            op = p.get("op", "and")
            for i, ps in enumerate(combinations(all_pairs(self.m), self.m_out)):
                if i % 1024 == 0:
                    check_budget("family enumeration")
                yield _pairs_task(op, self.m, ps, self.s)
        else:
            for d in p["members"]:
                yield task_from_dict(d)

    def member(self, i):
        """The ``i``-th member of :meth:`members` without enumerating the ones
        before it (unranking), so samples of huge families are cheap.

        >>> f = permutation_family(4)
        >>> [f.member(i).to_dict()["pi"] for i in (0, 1, 23)]
        [[0, 1, 2, 3], [0, 1, 3, 2], [3, 2, 1, 0]]
        >>> all(f.member(i) == t for i, t in enumerate(f.members()))
        True
        """
        N = self.size
        if not isinstance(i, int) or not 0 <= i < N:
            raise InputError(f"member: index {i!r} is not in 0..{N - 1}")
        p = dict(self.params)
        if self.kind == "permutations":
            return permutation(self.m, _nth_permutation(self.m, i), self.s)
        if self.kind == "pair_sets":
            ps = _nth_combination(all_pairs(self.m), self.m_out, i)
            return _pairs_task(p.get("op", "and"), self.m, ps, self.s)
        return task_from_dict(p["members"][i])

    def member_list(self, limit=MAX_FAMILY_MEMBERS, purpose="this question"):
        """All members as a list, or InputError (before enumerating anything)
        when there are more than ``limit``: the error states the limit."""
        if self.size > limit:
            raise InputError(
                f"family {self.name}: {self.size} members; {purpose} enumerates and "
                f"checks every member and takes at most {limit} (use a seeded sample "
                f"of K members: sample_family, or the family's sample K)")
        return list(self.members())

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


def _nth_permutation(m, i):
    """The ``i``-th permutation of ``range(m)`` in ``itertools.permutations``
    (lexicographic) order, by the factorial number system."""
    pool, out = list(range(m)), []
    for k in range(m, 0, -1):
        f = factorial(k - 1)
        q, i = divmod(i, f)
        out.append(pool.pop(q))
    return out


def _nth_combination(pool, r, i):
    """The ``i``-th ``r``-combination of ``pool`` in ``itertools.combinations``
    order (the itertools documentation's recipe)."""
    pool = list(pool)
    n = len(pool)
    c = comb(n, r)
    out = []
    while r:
        c, n, r = c * r // n, n - 1, r - 1
        while i >= c:
            i -= c
            c, n = c * (n - r) // n, n - 1
        out.append(pool[-1 - n])
    return out


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


def sample_indices(N, k, seed):
    """The sorted member indices :func:`sample_family` draws: ``k`` distinct
    uniform indices in ``0..N-1`` from ``random.Random(seed)`` (all of them
    when ``k >= N``).

    >>> sample_indices(10, 3, 0) == sample_indices(10, 3, 0), len(sample_indices(10**30, 3, 0))
    (True, 3)
    """
    if k < 1:
        raise InputError(f"k: sample size must be positive, got {k}")
    if k > MAX_FAMILY_MEMBERS:
        raise InputError(f"k: a sample holds at most {MAX_FAMILY_MEMBERS} members, got {k}")
    rng = random.Random(seed)
    if k >= N:
        return list(range(N))
    if N < 2 ** 62:
        return sorted(rng.sample(range(N), k))
    # range(N) has no length beyond a machine word (m! at m >= 21):
    # distinct uniform draws by rejection, k << N
    seen = set()
    while len(seen) < k:
        seen.add(rng.randrange(N))
    return sorted(seen)


def sample_family(family, k, seed):
    """A seeded random sample of ``k`` distinct members of ``family``.

    The result is labelled as a sample: its ``sample`` field names the family
    it came from, ``k`` and the seed. Reservoir sampling over the member
    order, so it is reproducible for a given seed.
    """
    if k < 1:
        raise InputError(f"k: sample size must be positive, got {k}")
    N = family.size
    idx = sample_indices(N, k, seed)
    if k > MAX_FAMILY_MEMBERS:
        raise InputError(f"k: a sample holds at most {MAX_FAMILY_MEMBERS} members, got {k}")
    chosen = []
    for j, i in enumerate(idx):
        if j % 1024 == 0:
            check_budget("family sampling")
        chosen.append(family.member(i))
    base = explicit_family(chosen)
    return Family("explicit", base.m, base.m_out, base.s, base.params,
                  (("of", family.to_dict()), ("k", len(chosen)), ("seed", seed),
                   ("size_of", N)))


#: family kinds :func:`build_family` takes (the CLI's ``--family`` choices)
FAMILY_KINDS = ("permutations", "pair-sets")


def build_family(kind, m, m_out=None, s=None, op=None, sample=None, seed=None):
    """A built-in family from command-line style arguments.

    Parameters
    ----------
    kind : str
        ``"permutations"`` or ``"pair-sets"`` (``"pair_sets"`` too).
    m : int
        Input features.
    m_out : int, optional
        Pair sets: pairs per member (required). Permutations: must be ``m``.
    s : int, optional
        Sparsity (default 1 for permutations, 2 for pair sets).
    op : str, optional
        Pair sets: ``and`` (default), ``or`` or ``xor``.
    sample, seed : int, optional
        Keep a seeded random sample of ``sample`` members (labelled as one).

    Examples
    --------
    >>> build_family("pair-sets", 4, m_out=2).size
    15
    >>> build_family("permutations", 3, sample=2, seed=1).is_sample
    True
    """
    kind = {"pair_sets": "pair-sets"}.get(kind, kind)
    if kind not in FAMILY_KINDS:
        raise InputError(f"kind: unknown family kind {kind!r} "
                         f"(one of {', '.join(FAMILY_KINDS)})")
    if kind == "permutations":
        if m_out is not None and m_out != m:
            raise InputError(f"m_out: the permutation family has m'=m={m}")
        if op is not None:
            raise InputError("op: only for the pair-sets family")
        fam = permutation_family(m, 1 if s is None else s)
    else:
        if m_out is None:
            raise InputError("m_out: required for the pair-sets family (the number of "
                             "pairs per member)")
        fam = pair_set_family(m, m_out, 2 if s is None else s, op or "and")
    if seed is not None and sample is None:
        raise InputError("seed: only meaningful with a sample of K members")
    if sample is not None:
        if sample < 1:
            raise InputError(f"sample: must be >= 1, got {sample}")
        fam = sample_family(fam, sample, 0 if seed is None else seed)
    return fam


def family_from_dict(d):
    """Rebuild a family from its JSON object (members of explicit families
    are validated like task files)."""
    check_header(d, "family")
    check_fields(d, "family")
    kind = d.get("kind")
    m = int_field(d, "m", 1)
    s = int_field(d, "s", 0)
    if kind == "permutations":
        fam = permutation_family(m, s)
    elif kind == "pair_sets":
        fam = pair_set_family(m, int_field(d, "m_out", 1), s, d.get("op", "and"))
    elif kind == "explicit":
        members = [task_from_dict(t) for t in _list(d, "members")]
        fam = explicit_family(members)
        if "sample" in d:
            sp = d["sample"]
            if not isinstance(sp, dict) or not {"of", "k", "seed", "size_of"} <= set(sp):
                raise InputError("sample: expected {of, k, seed, size_of}")
            fam = Family(fam.kind, fam.m, fam.m_out, fam.s, fam.params,
                           tuple((k, sp[k]) for k in ("of", "k", "seed", "size_of")))
    else:
        raise InputError(f"kind: unknown family kind {kind!r}")
    if "m_out" in d and d["m_out"] != fam.m_out:
        raise InputError(f"m_out: file says {d['m_out']!r}, the family defines {fam.m_out}")
    return fam
