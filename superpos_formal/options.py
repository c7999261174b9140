"""How a question is solved: everything that changes the search, never the question.

A :class:`~superpos_formal.shape.Shape` says *what* is asked (with the task
or family it is the whole question, part of every claim's identity). A
:class:`SolveOptions` says *how* it is answered: which solver, how long,
whether UNSAT answers carry a checked DRAT proof. The api and the CLI build
one of each once and pass them down whole, so adding an option means
editing this class and the one place that reads it, not every signature on
the way.

Options never change the question: a SAT answer is a network verified
exhaustively whatever the options; an UNSAT answer is labelled checked only
when its proof was checked (``check``), and an answer cut by ``time_limit``
or ``budget`` is UNKNOWN.

Examples
--------
>>> o = SolveOptions(time_limit=10)
>>> o.solver, o.time_limit, o.check
('cadical195', 10, True)
>>> o.replace(check=False).check
False
>>> SolveOptions(time_limit=-1)
Traceback (most recent call last):
...
superpos_formal.errors.InputError: time_limit: expected a positive number of seconds, got -1
>>> SolveOptions.split({"B": 2, "time_limit": 5})
({'B': 2}, {'time_limit': 5})
>>> SolveOptions(budget=30).call_budget().seconds, SolveOptions().call_budget()
(30, None)
"""

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Optional

from .budget import for_call
from .errors import InputError

__all__ = ["SolveOptions", "DEFAULT_SOLVER", "SUMS", "ENCODERS", "FAMILY_METHODS"]

#: the SAT solver of every question unless another is named (PySAT's name)
DEFAULT_SOLVER = "cadical195"
#: how output sums are encoded (encode/sat.py); "auto" picks per formula
SUMS = ("auto", "tree", "pb", "binary")
#: which encoder builds an instance's CNF: "auto" picks encode/code_choice.py
#: where it applies (representation, one-hot inputs), else the order encoding
ENCODERS = ("auto", "order-tree", "code-choice")
#: how the family question is decided per width (solve/family.py, solve/equivariant.py)
FAMILY_METHODS = ("cegis", "orbits", "far", "orbits-far", "sep", "orbits-sep")


def _seconds(name, v):
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
        raise InputError(f"{name}: expected a positive number of seconds, got {v!r}")


@dataclass(frozen=True)
class SolveOptions:
    """How to solve a question (never what is asked).

    Parameters
    ----------
    solver : str
        PySAT solver name (default ``"cadical195"``).
    time_limit : float, optional
        Seconds per solve; every solve runs in its own process and is
        killed at the limit (the answer is then UNKNOWN).
    budget : float, optional
        Seconds for the whole call (every solve, proof check, enumeration).
    symmetry : bool
        Sound symmetry breaks in the formula (default True).
    sums : str
        Output-sum encoding, one of :data:`SUMS` (default ``"auto"``).
    encoder : str
        The encoder of an instance, one of :data:`ENCODERS` (default
        ``"auto"``: :mod:`~superpos_formal.encode.code_choice` for the
        representation question with one-hot inputs, the order encoding
        otherwise). Claims record the encoder that built their formula.
    cegis : bool
        Counterexample-guided input subsets (default False).
    check : bool
        Log a DRAT proof of every UNSAT and check it (default True);
        without it an UNSAT is labelled unchecked.
    portfolio : "auto", tuple of str, or None
        CaDiCaL option sets raced per solve (default ``"auto"``).
    incremental : bool
        Explicit-mode width searches in one solver session (default False).
    family_method : str
        The family question's per-width method, one of
        :data:`FAMILY_METHODS` (default ``"cegis"``).
    proof_dir : str, optional
        Keep every UNSAT's formula and proof there.
    progress : callable, optional
        Receives one line of text per solve.
    memory_mb : int, optional
        Address-space cap of every solver process, in MB.
    config : str
        The CaDiCaL option set of a single solve (a key of
        :data:`~superpos_formal.solve.search.CADICAL_CONFIGS`; default
        ``"default"``); ``portfolio="auto"`` races its presets only when
        this is left at ``"default"``.
    stagger : float, optional
        With a sequence ``portfolio``: seconds between racer starts.
    race_if_free : bool
        A staggered racer starts only if a core was free over its delay
        (default True).
    lift : bool
        Depth lift: with ``L >= 2`` first try ``L - 1`` layers plus an
        identity layer (default True).
    family_incremental : bool
        The family question's member loop keeps one solver session across
        its rounds (default True; False: a fresh solve per round).
    """

    solver: str = DEFAULT_SOLVER
    time_limit: Optional[float] = None
    budget: Optional[float] = None
    symmetry: bool = True
    sums: str = "auto"
    encoder: str = "auto"
    cegis: bool = False
    check: bool = True
    portfolio: Any = "auto"
    incremental: bool = False
    family_method: str = "cegis"
    proof_dir: Optional[str] = None
    progress: Optional[Callable[[str], None]] = None
    memory_mb: Optional[int] = None
    config: str = "default"
    stagger: Optional[float] = None
    race_if_free: bool = True
    lift: bool = True
    family_incremental: bool = True

    def __post_init__(self):
        _seconds("time_limit", self.time_limit)
        _seconds("budget", self.budget)
        if not isinstance(self.solver, str) or not self.solver:
            raise InputError(f"solver: expected a solver name, got {self.solver!r}")
        if self.sums not in SUMS:
            raise InputError(f"sums: unknown sum encoding {self.sums!r} (one of {', '.join(SUMS)})")
        if self.encoder not in ENCODERS:
            raise InputError(f"encoder: unknown encoder {self.encoder!r} "
                             f"(one of {', '.join(ENCODERS)})")
        if self.family_method not in FAMILY_METHODS:
            raise InputError(f"family_method: unknown {self.family_method!r} "
                             f"(one of {', '.join(FAMILY_METHODS)})")
        if self.stagger not in (None, 0):
            _seconds("stagger", self.stagger)
        if not isinstance(self.config, str) or not self.config:
            raise InputError(f"config: expected an option set name, got {self.config!r}")
        for name in ("symmetry", "cegis", "check", "incremental", "race_if_free", "lift",
                     "family_incremental"):
            if not isinstance(getattr(self, name), bool):
                raise InputError(f"{name}: expected True or False, got {getattr(self, name)!r}")
        if self.memory_mb is not None and (isinstance(self.memory_mb, bool)
                                           or not isinstance(self.memory_mb, int)
                                           or self.memory_mb <= 0):
            raise InputError(f"memory_mb: expected a positive integer, got {self.memory_mb!r}")
        if self.progress is not None and not callable(self.progress):
            raise InputError("progress: expected a callable receiving one line of text")

    def call_budget(self, budget=None):
        """The :class:`~superpos_formal.budget.Budget` of one call: ``budget``
        when given (passed down by a caller), else one of :attr:`budget`
        seconds and :attr:`memory_mb` inside the active budget, else the
        active budget (or None)."""
        return for_call(budget, self.budget, self.memory_mb)

    def replace(self, **changes) -> "SolveOptions":
        """A copy with ``changes`` (validated like a new one)."""
        return replace(self, **changes)

    def __repr__(self):
        # short: only what differs from the defaults (CPMpy-style reprs)
        diff = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                if getattr(self, f.name) != f.default]
        return f"SolveOptions({', '.join(diff)})"

    @classmethod
    def names(cls) -> frozenset:
        """The option names (to tell them apart from shape fields)."""
        return frozenset(f.name for f in fields(cls))

    @classmethod
    def split(cls, kw: dict) -> tuple:
        """``(shape_kw, option_kw)``: keyword arguments split by name."""
        names = cls.names()
        return ({k: v for k, v in kw.items() if k not in names},
                {k: v for k, v in kw.items() if k in names})
