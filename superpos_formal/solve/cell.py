"""The answer of one question at one size (:class:`Cell`) and of a search (:class:`Search`).

One cell type serves the instance question (a :class:`~superpos_formal.tasks.Task`)
and the family question (a :class:`~superpos_formal.tasks.Family`): the
subject says which. A SAT cell holds one verified network per member
(``networks``; a task has one, also reachable as ``network``) and, for a
family, the shared code (``codes``); an UNSAT cell its proof's paths and
whether the proof was checked; an UNKNOWN cell the limit that stopped it and
why (``reason``).

Examples
--------
>>> from superpos_formal.tasks import uand, permutation_family
>>> from superpos_formal.shape import Shape
>>> t = Cell(uand(3), Shape("explicit", "step", n=1), "UNSAT", 0.5, certified=True)
>>> t
<Cell uand(m=3) explicit step n=1 L=1 B=2 bias=2 theta=1: UNSAT checked 0.5 s>
>>> f = Cell(permutation_family(2), Shape("superposed", "step", n=1, codes="free"),
...          "UNKNOWN", 1.0, rounds=2, reason="time limit 1 s reached")
>>> list(t.row()) == list(f.row()), t.network, f.is_family
(True, None, True)
"""

from dataclasses import dataclass, field

from ..ids import stable_id
from ..results import Status, bounds_label
from ..tasks import Family
from .runner import DEFAULT_SOLVER

__all__ = ["Cell", "Search", "proof_label"]


@dataclass(repr=False)
class Cell:
    """One decided (or undecided) question: subject + shape + options.

    Attributes
    ----------
    subject : Task or Family
        What is asked (a family asks for one shared code serving every member).
    networks : list, optional
        SAT: one network per member, in member order, each verified exactly
        (a single task: a list of one).
    codes : tuple, optional
        SAT family answers: the shared code ``(E, R)``; None otherwise.
    core : list, optional
        Family: the subfamily solved last (UNSAT: the members its proof refutes).
    certified : bool
        UNSAT only: True when a DRAT proof of this answer was checked.
    check_note : str
        UNSAT only: what the proof checker said (or why nothing was
        checked). A separate field from ``reason``: it describes the
        evidence of an answer, ``reason`` why there is no answer.
    limit : str, optional
        UNKNOWN only: the limit that stopped it (``"time"``, ``"budget"``,
        ``"memory"``).
    reason : str
        Why the cell is UNKNOWN (or NOCODE), in words; empty otherwise.
    """

    subject: object
    shape: object
    status: str
    seconds: float
    networks: list = None
    codes: tuple = None
    core: list = None
    proof_path: str = None
    cnf_path: str = None
    options: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    solver: str = DEFAULT_SOLVER
    rounds: int = 1
    certified: bool = False
    check_note: str = ""
    limit: str = None
    reason: str = ""

    @property
    def is_family(self):
        return isinstance(self.subject, Family)

    @property
    def network(self):
        """The verified network of a single task's SAT answer (else None)."""
        if self.is_family or not self.networks:
            return None
        return self.networks[0]

    @property
    def id(self):
        if self.is_family:
            return stable_id({"question": "family", "family": self.subject.to_dict(),
                              "shape": self.shape.to_dict(), "options": self.options})
        return stable_id({"question": "instance", "task": self.subject.id,
                          "shape": self.shape.to_dict(), "options": self.options})

    def __repr__(self):
        ev = f" {proof_label(self)}" if self.status == Status.UNSAT else ""
        rounds = f" after {self.rounds} round(s)" if self.is_family else ""
        return (f"<Cell {self.subject.name} {self.shape.mode} {self.shape.activation} "
                f"n={self.shape.n} L={self.shape.L} {bounds_label(self.shape)}: "
                f"{self.status}{ev}{rounds} {self.seconds:.1f} s>")

    def row(self):
        """One table row; the same keys for a task and a family."""
        return {"n": self.info.get("n", self.shape.n), "B": self.shape.B,
                "bias": self.shape.B_bias, "status": self.status,
                "proof": proof_label(self), "seconds": round(self.seconds, 3),
                "rounds": self.rounds, "core": None if self.core is None else len(self.core),
                "vars": self.info.get("vars"), "clauses": self.info.get("clauses")}


def proof_label(cell):
    """``checked`` / ``unchecked`` for UNSAT answers, ``-`` otherwise."""
    if cell.status != Status.UNSAT:
        return "-"
    return "checked" if cell.certified else "unchecked"


@dataclass(repr=False)
class Search:
    """The per-size table of a search and its conclusion.

    ``minimum`` is set only when the question is monotone in the size and
    the size below it was answered UNSAT (or it is the smallest size);
    ``note`` says why there is none otherwise (:mod:`.ascend`).
    """

    objective: str
    cells: list
    minimum: int = None
    best: Cell = None
    note: str = ""
    #: ``"budget"`` when the call's budget cut the search short
    limit: str = None

    @property
    def certified(self):
        """True when the minimum's lower side (UNSAT at ``minimum - 1``) was
        checked as a DRAT proof (or the minimum is the smallest size tried
        from 1, where there is no lower side)."""
        if self.minimum is None:
            return False
        below = [c for c in self.cells if c.status == Status.UNSAT]
        return not below or below[-1].certified

    @property
    def status(self):
        """SAT when a network was found; UNKNOWN when the budget cut the
        search or nothing was asked; else the last cell's status."""
        if self.best is not None:
            return Status.SAT
        if self.limit is not None or not self.cells:
            return Status.UNKNOWN
        return Status(self.cells[-1].status)

    @property
    def networks(self):
        """The best cell's verified networks (empty without one)."""
        return list(self.best.networks or []) if self.best is not None else []

    @property
    def codes(self):
        """The best cell's shared code ``(E, R)`` (family answers), else None."""
        return None if self.best is None else self.best.codes

    def table(self):
        return [c.row() for c in self.cells]

    def __repr__(self):
        per = " ".join(f"{c.status}" for c in self.cells)
        return (f"<Search {self.objective}: minimum={self.minimum} "
                f"[{per}]{' ' + self.note if self.note else ''}>")
