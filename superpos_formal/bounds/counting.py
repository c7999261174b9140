"""Counting bounds, exactly, and the paper's asymptotics, symbolically.

The lower bounds of Adler & Shavit (arXiv 2409.15318) are counting arguments
(docs/MODEL.md 7): one network shape, member-independent feature codes, and a
separate weight setting per member of a task family ``F``. Two members that
are different functions need different weight settings (same codes, same
weights give the same function), so

    |F_distinct| <= number of weight settings <= 2 ** bits.

This module makes each side exact.

* :func:`log2_family_size`: ``log2 |F|`` for ``|F| = m'!`` (permutations) or
  ``C(C(m,2), m')`` (pair sets) as a sympy expression, with the exact
  integer ``|F|``, exact ``floor``/``ceil`` and an exact rational bracket
  ``lower <= log2 |F| < upper`` of any precision (integer bit lengths, no
  floating point).
* :func:`architecture_bits`: an upper bound on the bits that describe one
  member's weights: the *dense* parameter count of the shape (every entry
  of ``W_l, b_l, V, c``; docs/MODEL.md 2) times the bits of its alphabet
  (``ceil(log2(2B+1))`` per weight, ``ceil(log2(2B_bias+1))`` per bias).
  Codes ``E, R`` are not charged: in the family question they are shared
  (member-independent), in explicit mode they are the identity.
  :func:`architecture_settings` is the exact number of weight settings,
  ``(2B+1)^weights (2B_bias+1)^biases <= 2^bits``.
* :func:`counting_bound_check`: compares the integers. If a family that is
  claimed computable has more distinct members than weight settings, that
  claim is a contradiction and :class:`~superpos_formal.errors.SoundnessError`
  is raised. Unclaimed, the same comparison is a proof that the family is
  *not* computable at that shape (no solver involved).
* :func:`asymptotics` and :func:`tabulate`: the paper's expressions, all up
  to constants, natural logarithms (the base only moves constants):
  ``neurons_lower = sqrt(m' log m')``, ``params_lower = m' log m'``,
  ``and_upper_neurons = sqrt(m') log m'``, ``and_upper_params = m' log(m')^2``,
  ``capacity = n^2 / log n``, ``representation = log m'``.

Examples
--------
>>> from superpos_formal.tasks import permutation_family
>>> r = log2_family_size(permutation_family(4))
>>> r.size, r.floor, r.ceil
(24, 4, 5)
>>> r.lower <= r.expr.evalf() < r.upper
True
"""

from dataclasses import dataclass, field
from math import comb, factorial

import sympy as sp

from ..errors import InputError, SoundnessError
from ..network import bits_for_bound
from ..results import Mode
from ..tasks import permutation_family

__all__ = [
    "LogSize", "log2_family_size", "log2_bracket", "family_size_expr",
    "distinct_members", "parameter_counts", "architecture_bits",
    "architecture_settings", "CountingCheck", "counting_bound_check",
    "counting_min_width", "asymptotics", "tabulate", "M_OUT", "N_SYM",
]

#: sympy symbols of the asymptotic expressions
M_OUT = sp.Symbol("m'", positive=True)
N_SYM = sp.Symbol("n", positive=True)
M_SYM = sp.Symbol("m", positive=True, integer=True)


# ------------------------------------------------------------------ family sizes

def family_size_expr(kind, m=M_SYM, m_out=M_OUT):
    """``|F|`` as a sympy expression: ``m!`` or ``C(C(m,2), m')``."""
    if kind == "permutations":
        return sp.factorial(m)
    if kind == "pair_sets":
        return sp.binomial(sp.binomial(m, 2), m_out)
    raise InputError(f"family: no closed form for kind {kind!r} (permutations, pair_sets)")


def log2_bracket(N, q=1):
    """Exact rationals ``(a/q, (a+1)/q)`` with ``a/q <= log2 N < (a+1)/q``.

    ``a = floor(q log2 N) = bitlength(N^q) - 1``: pure integer arithmetic.
    For ``q = 1`` and ``N`` a power of two the lower end is exact.

    >>> log2_bracket(24, 4)
    (9/2, 19/4)
    """
    if not isinstance(N, int) or N < 1:
        raise InputError(f"N: log2 needs a positive integer, got {N!r}")
    if not isinstance(q, int) or q < 1:
        raise InputError(f"q: precision must be a positive integer, got {q!r}")
    a = (N ** q).bit_length() - 1
    return sp.Rational(a, q), sp.Rational(a + 1, q)


@dataclass(frozen=True)
class LogSize:
    """``log2 |F|`` exactly: the integer, a sympy expression, floor/ceil and a
    rational bracket ``lower <= log2 size < upper`` (``lower`` is equal
    when ``size`` is a power of two and ``q = 1``)."""

    size: int
    expr: object
    floor: int
    ceil: int
    lower: object
    upper: object

    def bits_suffice(self, bits):
        """``2**bits >= size``: an integer comparison."""
        return 2 ** bits >= self.size


def log2_family_size(family, q=64):
    """``log2 |F|`` of a family (``family.size`` members), exactly.

    ``expr`` is ``log(m!)/log(2)`` or ``log(C(C(m,2), m'))/log(2)`` with the
    numbers filled in (sympy keeps it symbolic; ``.evalf()`` for display),
    ``floor``/``ceil`` are exact integers, ``[lower, upper)`` an exact
    rational bracket of width ``1/q``.
    """
    N = int(family.size)
    if family.kind == "permutations":
        sym = sp.factorial(family.m)
    elif family.kind == "pair_sets":
        sym = sp.binomial(sp.binomial(family.m, 2), family.m_out)
    else:
        sym = sp.Integer(N)
    expr = sp.log(sym, 2)
    lo, hi = log2_bracket(N, q)
    fl = N.bit_length() - 1
    ce = (N - 1).bit_length()
    return LogSize(N, expr, fl, ce, lo, hi)


def distinct_members(family):
    """How many pairwise different functions on ``X(m, s)`` the family has.

    The counting argument needs *distinguishable* members. Closed forms,
    each argued: a permutation is read off ``y`` at the inputs ``e_i``
    (needs ``s >= 1``); an AND pair ``{i, j}`` at output ``p`` is read off
    ``e_i + e_j`` (needs ``s >= 2``; for ``s <= 1`` every AND is 0); an
    OR/XOR pair at output ``p`` is ``{k : y_p(e_k) = 1}`` (needs ``s >= 1``).
    Two members with different sorted pair lists differ at some position
    ``p``. Explicit families are deduplicated by truth table.
    """
    k, s = family.kind, family.s
    if k == "permutations":
        return factorial(family.m) if s >= 1 or family.m == 1 else 1
    if k == "pair_sets":
        op = dict(family.params).get("op", "and")
        need = 2 if op == "and" else 1
        return comb(comb(family.m, 2), family.m_out) if s >= need else 1
    return len({t.outputs for t in family.members()})


# ------------------------------------------------------------------ architectures

def parameter_counts(shape, m, m_out):
    """``(weights, biases)``: dense entries of ``W_1..W_L, V`` and of
    ``b_1..b_L, c`` (docs/MODEL.md 2; codes not included).

    Explicit: ``d = m``, ``d' = m'``; superposed: ``d = d' = n``.
    ``L = 0``: no weights at all.

    >>> from superpos_formal.shape import Shape
    >>> parameter_counts(Shape("explicit", "relu", n=3, B=1), 3, 3)
    (18, 6)
    """
    n, L = shape.n, shape.L
    if L == 0:
        return 0, 0
    d, d_out = (m, m_out) if shape.mode == Mode.EXPLICIT else (n, n)
    weights = n * d + (L - 1) * n * n + d_out * n
    biases = L * n + d_out
    return weights, biases


def architecture_bits(shape, m, m_out):
    """Bits describing one member's weights: an upper bound, exact int.

    ``weights * ceil(log2(2B+1)) + biases * ceil(log2(2B_bias+1))`` over the
    *dense* parameter count (:func:`parameter_counts`): a fixed-length code
    for every weight setting. Codes are member-independent and not charged.
    """
    w, b = parameter_counts(shape, m, m_out)
    return w * bits_for_bound(shape.B) + b * bits_for_bound(shape.B_bias)


def architecture_settings(shape, m, m_out):
    """The exact number of weight settings ``(2B+1)^w (2B_bias+1)^b``
    (``<= 2 ** architecture_bits``)."""
    w, b = parameter_counts(shape, m, m_out)
    return (2 * shape.B + 1) ** w * (2 * shape.B_bias + 1) ** b


@dataclass
class CountingCheck:
    """The counting comparison for one family and shape."""

    family: str
    distinct: int
    bits: int
    settings: int
    applies: bool
    rules_out: bool
    note: str = ""
    log2: object = field(default=None, repr=False)

    def row(self):
        return {"family": self.family, "distinct": self.distinct, "bits": self.bits,
                "settings": self.settings, "rules_out": self.rules_out,
                "applies": self.applies}


def counting_bound_check(family, shape, m=None, m_out=None, *, claimed_computable=True):
    """Compare ``|F|`` (distinct members) with the weight settings of ``shape``.

    Returns a :class:`CountingCheck`; ``rules_out`` is True when
    ``distinct > settings`` (then no member-independent code serves ``F``
    at this shape: a proof by counting, no solver involved). With
    ``claimed_computable=True`` (the default) such a case raises
    :class:`SoundnessError`: some claim that ``F`` is computable is false.

    The argument needs exact correctness (``shape.tolerance == 0``) and
    codes that do not depend on the member (explicit mode, given codes, or
    the family question's shared free codes); with a tolerance the check
    does not apply and never raises (``applies=False``).
    """
    m = family.m if m is None else m
    m_out = family.m_out if m_out is None else m_out
    if (m, m_out) != (family.m, family.m_out):
        raise InputError(f"m/m_out: the family has (m, m')=({family.m}, {family.m_out}), "
                         f"got ({m}, {m_out})")
    D = distinct_members(family)
    bits = architecture_bits(shape, m, m_out)
    settings = architecture_settings(shape, m, m_out)
    if settings > 2 ** bits:  # pragma: no cover - arithmetic identity
        raise SoundnessError("weight settings exceed 2**bits")
    applies = shape.tolerance == 0
    rules_out = applies and D > settings
    note = ("tolerant correctness: members within 2k bits may share weights, the "
            "counting bound does not apply") if not applies else ""
    chk = CountingCheck(family.name, D, bits, settings, applies, rules_out, note,
                        log2_family_size(family))
    if rules_out and claimed_computable:
        raise SoundnessError(
            f"counting bound violated: {family.name} has {D} distinct members but the "
            f"shape has only {settings} weight settings (<= 2^{bits}); a claim that "
            f"this family is computable is false")
    return chk


def counting_min_width(family, shape, n_max=64):
    """Smallest ``n`` in ``1..n_max`` at which counting does *not* rule out
    ``family`` (``shape`` with its width replaced); ``None`` if none.

    A lower bound on the minimum width from counting alone: every smaller
    width is proven impossible by :func:`counting_bound_check`.
    """
    from dataclasses import replace

    for n in range(1, n_max + 1):
        sh = replace(shape, n=n)
        if not counting_bound_check(family, sh, claimed_computable=False).rules_out:
            return n
    return None


# ------------------------------------------------------------------ asymptotics

def asymptotics():
    """The paper's expressions (all up to constants), as sympy expressions
    in ``m'`` (:data:`M_OUT`) and ``n`` (:data:`N_SYM`); natural log."""
    x, n = M_OUT, N_SYM
    return {
        "neurons_lower": sp.sqrt(x * sp.log(x)),       # Omega(sqrt(m' log m'))
        "params_lower": x * sp.log(x),                  # Omega(m' log m')
        "and_upper_neurons": sp.sqrt(x) * sp.log(x),    # O(sqrt(m') log m')
        "and_upper_params": x * sp.log(x) ** 2,         # O(m' log^2 m')
        "capacity": n ** 2 / sp.log(n),                 # O(n^2 / log n) features
        "representation": sp.log(x),                    # O(log m') (JL)
    }


def tabulate(m_outs, minima=None, n_for_capacity=None):
    """One row per ``m'``: each asymptotic expression evaluated (exact sympy
    value and a float for display), ``log2(m'!)`` exactly (floor), and, if
    given, the exact minimum from ``minima[m']`` with its ratio to each
    lower/upper expression (the constant hidden in the O / Omega at that
    size; ``None`` where the minimum is unknown).

    ``capacity`` is evaluated at ``n = n_for_capacity(m')`` if given, else at
    the ``m'`` value itself read as a width ``n``.
    """
    exprs = asymptotics()
    rows = []
    for mo in m_outs:
        if not isinstance(mo, int) or isinstance(mo, bool) or mo < 2:
            raise InputError(f"m_out: each m' must be an integer >= 2 "
                             f"(log m' must be positive), got {mo!r}")
        nval = mo if n_for_capacity is None else n_for_capacity(mo)
        row = {"m_out": mo, "exact": {}, "value": {}}
        for name, e in exprs.items():
            v = e.subs({M_OUT: mo, N_SYM: nval})
            row["exact"][name] = v
            row["value"][name] = float(v.evalf(30))
        row["log2_perm_family_floor"] = log2_family_size(permutation_family(mo)).floor
        mn = None if minima is None else minima.get(mo)
        row["minimum"] = mn
        if mn is not None:
            row["ratio"] = {name: mn / row["value"][name] for name in
                            ("neurons_lower", "and_upper_neurons", "representation")}
        rows.append(row)
    return rows
