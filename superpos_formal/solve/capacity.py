"""Capacity: the largest ``m'`` whose family is computable at width ``n``.

For ``m' = lo, lo+1, ..., hi`` the family (all permutations of ``m'``
features, or all ``m'``-sets of pairs over ``m`` features) is asked the
family question at a fixed width ``n`` with one shared free code
(:func:`~superpos_formal.solve.family.decide_family`). Before any solver
runs, the counting bound (:func:`superpos_formal.bounds.counting_bound_check`)
rules out sizes whose family has more distinct members than the
architecture has weight settings; those rows say ``UNSAT(counting)``.

A SAT family must also pass the counting bound (it is computable, so it
cannot have more members than settings); a failure raises
:class:`~superpos_formal.errors.SoundnessError`.

Examples
--------
>>> from superpos_formal.shape import Shape
>>> sh = Shape("superposed", "step", n=1, B=0, codes="free")  # one setting only
>>> r = capacity(CapacityFamilies("permutations", m_out_max=3), sh, counting_only=True)
>>> [row["status"] for row in r.rows]
['not ruled out', 'UNSAT(counting)', 'UNSAT(counting)']
>>> r
<Capacity permutations n=1 step L=1 B=0 bias=0 code=1 theta=1: counting only>
"""

import html
import time
from dataclasses import dataclass, field
from typing import Optional
from math import comb

from ..bounds import counting_bound_check, log2_family_size
from ..errors import InputError
from ..results import CodeKind, Mode, ResultTable, Status, bounds_label
from ..tasks import MAX_FAMILY_MEMBERS, pair_set_family, permutation_family
from ..budget import Budget
from ..options import SolveOptions
from .family import decide_family

__all__ = ["capacity", "Capacity", "CapacityFamilies", "CAPACITY_FAMILIES"]

CAPACITY_FAMILIES = ("permutations", "pair-sets")


@dataclass(repr=False)
class Capacity:
    """The answer of a capacity question: one row per ``m'`` and the conclusion.

    Attributes
    ----------
    kind : str
        ``"permutations"`` or ``"pair-sets"``.
    shape : Shape
        The shape tested (superposed, shared free codes, width ``shape.n``).
    lo, hi : int
        The range of ``m'`` tried.
    rows : list of dict
        ``{m, m_out, size, log2_size, bits, status, seconds}`` per ``m'``.
    ok_upto : int or None
        The largest ``m'`` of an unbroken run of SAT from ``lo``.
    first_fail : tuple or None
        ``(m', status)`` of the first row that is not SAT.
    counting_only : bool
        Only the counting bound was applied (no solver ran).

    Examples
    --------
    >>> from superpos_formal.shape import Shape
    >>> sh = Shape("superposed", "relu", n=1, B=1, codes="free")
    >>> Capacity("permutations", sh, 1, 2, ok_upto=2)
    <Capacity permutations n=1 relu L=1 B=1 bias=1 code=1 theta=1: computable for every m' in 1..2 (2 is the --m-out-max cap: larger m' were not tried)>
    """

    kind: str
    shape: object
    lo: int
    hi: int
    rows: list = field(default_factory=list)
    ok_upto: int = None
    first_fail: tuple = None
    counting_only: bool = False
    seconds: float = 0.0
    #: why ``hi`` is where the range ends: ``"cap"`` (an --m-out-max, given or
    #: default: larger m' were not tried) or ``"all"`` (every m' the family has)
    hi_is: str = "cap"

    @property
    def range_text(self):
        """``"m' in lo..hi"`` and what ``hi`` is (a cap or the family's end)."""
        what = ("is the --m-out-max cap: larger m' were not tried" if self.hi_is == "cap"
                else "= C(m,2): there is no larger m'")
        return f"m' in {self.lo}..{self.hi} ({self.hi} {what})"

    @property
    def table(self):
        """The rows as a :class:`~superpos_formal.results.ResultTable`
        (prints as text, renders as HTML in a notebook)."""
        return ResultTable(self.rows)

    def __repr__(self):
        if self.counting_only:
            end = "counting only"
        elif self.first_fail is None:
            end = f"computable for every {self.range_text}"
        else:
            mo, st = self.first_fail
            end = f"computable up to m'={self.ok_upto}; m'={mo} {st}"
        return (f"<Capacity {self.kind} n={self.shape.n} {self.shape.activation} L={self.shape.L} "
                f"{bounds_label(self.shape)}: {end}>")

    def _repr_html_(self):
        return f"<p>{html.escape(repr(self))}</p>" + self.table._repr_html_()


@dataclass(frozen=True)
class CapacityFamilies:
    """Which families :func:`capacity` asks: one per ``m'`` in a range.

    ``kind`` ``"permutations"`` (``m = m'``; ``m`` not allowed) or
    ``"pair-sets"`` (``m`` input features, required; ``op`` ``and``
    (default), ``or`` or ``xor``). ``s``: sparsity (default 1 for
    permutations, 2 for pair sets). ``m_out_min``, ``m_out_max``: the range
    of ``m'`` (default ``1..4`` for permutations, ``1..C(m, 2)`` for pair
    sets). Invalid combinations raise InputError when built.

    >>> CapacityFamilies("permutations", m_out_max=3).range
    (1, 3)
    >>> CapacityFamilies("pair-sets", m=4).family(2).size
    15
    """

    kind: str
    m: Optional[int] = None
    s: Optional[int] = None
    op: Optional[str] = None
    m_out_min: int = 1
    m_out_max: Optional[int] = None

    def __post_init__(self):
        if self.kind not in CAPACITY_FAMILIES:
            raise InputError(f"--family: unknown family {self.kind!r} (permutations or pair-sets)")
        if self.kind == "permutations":
            if self.m is not None:
                raise InputError("--m: the permutation family has m = m'; use --m-out-max")
            if self.op is not None:
                raise InputError("--op: only for the pair-sets family")
        else:
            if self.m is None:
                raise InputError("--m: the pair-sets family needs --m (input features)")
            if self.m_out_max is not None and self.m_out_max > comb(self.m, 2):
                raise InputError(f"--m-out-max: at most C({self.m},2)={comb(self.m, 2)} pairs, "
                                 f"got {self.m_out_max}")
        lo, hi = self.range
        if lo < 1:
            raise InputError(f"--m-out-min: must be >= 1, got {lo}")
        if lo > hi:
            raise InputError(f"--m-out-min: {lo} exceeds --m-out-max {hi}")

    @property
    def range(self):
        """``(lo, hi)``: the ``m'`` asked."""
        if self.m_out_max is not None:
            return self.m_out_min, self.m_out_max
        return self.m_out_min, (4 if self.kind == "permutations" else comb(self.m, 2))

    @property
    def hi_is(self):
        """``"all"`` when ``hi`` is every ``m'`` the family has, else ``"cap"``."""
        return "all" if self.kind == "pair-sets" and self.range[1] == comb(self.m, 2) else "cap"

    def family(self, m_out):
        """The family at ``m' = m_out``."""
        if self.kind == "permutations":
            return permutation_family(m_out, 1 if self.s is None else self.s)
        return pair_set_family(self.m, m_out, 2 if self.s is None else self.s, self.op or "and")


def capacity(families, shape, options: SolveOptions | None = None, *,
             budget: Budget | None = None, checker=None,
             counting_only=False, on_row=None):
    """Decide the family question at ``shape.n`` for each ``m'`` in a range.

    Parameters
    ----------
    families : CapacityFamilies
        The family kind and the range of ``m'``.
    shape : Shape
        Superposed, ``codes="free"``; its ``n`` is the width tested.
    options : SolveOptions, optional
        As for :func:`~superpos_formal.solve.family.decide_family`
        (``time_limit`` per solve).
    budget : Budget, optional
        Bounds the whole call (passed down unchanged).
    checker : callable, optional
        The proof checker (see :func:`~superpos_formal.solve.search.decide`).
    counting_only : bool
        Apply only the counting bound; run no solver.
    on_row : callable, optional
        Called with each row (a dict) as it is decided.

    Returns
    -------
    Capacity
    """
    if shape.mode != Mode.SUPERPOSED or shape.codes != CodeKind.FREE:
        raise InputError("shape: capacity asks the family question (superposed, free codes)")
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    lo, hi = families.range
    if not counting_only:
        # refused up front, before any solve: a size the counting bound does
        # not rule out whose family the family question cannot enumerate
        for mo in range(lo, hi + 1):
            fam = families.family(mo)
            if fam.size > MAX_FAMILY_MEMBERS and \
                    not counting_bound_check(fam, shape, claimed_computable=False).rules_out:
                raise InputError(f"--m-out-max: the family at m'={mo} has {fam.size} members; "
                                 f"the family question takes at most {MAX_FAMILY_MEMBERS} "
                                 f"(lower --m-out-max to {mo - 1}, or --counting-only)")
    t0 = time.perf_counter()
    res = Capacity(families.kind, shape, lo, hi, counting_only=counting_only,
                   hi_is=families.hi_is)
    inner = opts.replace(budget=None)
    for mo in range(lo, hi + 1):
        fam = families.family(mo)
        chk = counting_bound_check(fam, shape, claimed_computable=False)
        lg = log2_family_size(fam)
        secs = None
        if chk.rules_out:
            status = "UNSAT(counting)"
        elif counting_only:
            status = "not ruled out"
        else:
            cell = decide_family(fam, shape, inner, budget=budget, checker=checker)
            status, secs = cell.status, round(cell.seconds, 2)
            if status == Status.UNSAT and not cell.certified:
                status = "UNSAT(unchecked)"
            if status == Status.SAT:
                # a SAT family must pass the counting bound, or something is wrong
                counting_bound_check(fam, shape, claimed_computable=True)
        row = {"m": fam.m, "m_out": mo, "size": fam.size,
               "log2_size": round(float(lg.expr.evalf(6)), 3), "bits": chk.bits,
               "status": str(status), "seconds": secs}
        res.rows.append(row)
        if on_row:
            on_row(row)
        if status == Status.SAT and res.first_fail is None:
            res.ok_upto = mo
        elif status != Status.SAT and res.first_fail is None:
            res.first_fail = (mo, str(status))
    res.seconds = time.perf_counter() - t0
    return res
