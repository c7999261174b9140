"""One result model: the answers every question gets, and their vocabulary.

Statuses, modes, activations and code policies are :class:`enum.StrEnum`
members, so they compare equal to the strings older code and JSON files use
(``Status.SAT == "SAT"``), print as those strings and serialise to them.

:class:`Answer` is the one answer type of :mod:`superpos_formal.api`: a
single task or a family, a decision or a minimum, it has ``.status``,
``.networks`` (one verified network per member; one for a single task),
``.network`` (the only network, for single tasks), ``.minimum`` and the
per-size :class:`ResultTable`. Its repr is one line; in a notebook the
answer and its table render as HTML.

This module is part of the model layer: it imports only the model
(docs/MODEL.md, "Layers"); the api builds answers from the solve layer's
cells.

Examples
--------
>>> Status.SAT == "SAT", str(Status.UNKNOWN), f"{Mode.SUPERPOSED}", Status.SAT
(True, 'UNKNOWN', 'superposed', 'SAT')
>>> Status("UNSAT") is Status.UNSAT
True
>>> import json; json.dumps({"status": Status.UNSAT})
'{"status": "UNSAT"}'
>>> t = ResultTable([{"n": 1, "status": Status.UNSAT}, {"n": 2, "status": Status.SAT}])
>>> print(t)
n  status
1  UNSAT
2  SAT
"""

import html
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import InputError
from .tasks import Family

__all__ = ["Status", "Mode", "Activation", "CodeKind", "Question", "Answer",
           "CampaignResult", "ResultTable", "bounds_label", "parse_enum"]


class _Vocabulary(StrEnum):
    """A string-valued enum whose repr is its string: short in tables,
    shapes and notebooks, and equal to the string it stands for."""

    def __repr__(self):
        return repr(self.value)


class Status(_Vocabulary):
    """The answer to one formula (docs/MODEL.md, "Answers and evidence").

    ``SAT``: a network, verified exactly over the whole domain.
    ``UNSAT``: no network of the shape exists; backed by a DRAT proof when
    ``certified``. ``UNKNOWN``: a limit was reached; never either of the
    others. ``NOCODE`` is not an answer about the question: it marks a width
    skipped by a given-codes search because no usable code of that
    dimension exists (the reason is recorded).

    Members are strings (:class:`enum.StrEnum`): they compare equal to, print
    as and serialise to ``"SAT"``, ``"UNSAT"``, ``"UNKNOWN"``, ``"NOCODE"``.

    Attributes
    ----------
    SAT, UNSAT, UNKNOWN, NOCODE : Status
        The four values; there is no other.

    Examples
    --------
    >>> Status("SAT") is Status.SAT, Status.UNSAT == "UNSAT", str(Status.UNKNOWN)
    (True, True, 'UNKNOWN')
    >>> [str(v) for v in Status]
    ['SAT', 'UNSAT', 'UNKNOWN', 'NOCODE']
    >>> Status("sat")
    Traceback (most recent call last):
    ...
    ValueError: 'sat' is not a valid Status
    """

    SAT = "SAT"
    UNSAT = "UNSAT"
    UNKNOWN = "UNKNOWN"
    NOCODE = "NOCODE"


class Mode(_Vocabulary):
    """``explicit``: ``E = I``, ``R = I``; ``superposed``: codes of dimension ``n``."""

    EXPLICIT = "explicit"
    SUPERPOSED = "superposed"


class Activation(_Vocabulary):
    """Hidden activation: ``relu(t) = max(0, t)``, ``step(t) = [t > 0]``."""

    RELU = "relu"
    STEP = "step"


class CodeKind(_Vocabulary):
    """Where the codes ``E``, ``R`` come from (docs/MODEL.md, "Codes").

    ``identity`` (explicit mode), ``given`` (fixed matrices), ``free``
    (chosen by the solver; shared by all members of a family), ``random``
    (seeded sparse codes redrawn per width: a CLI/api policy that becomes
    ``given`` codes per width).
    """

    IDENTITY = "identity"
    GIVEN = "given"
    FREE = "free"
    RANDOM = "random"


class Question(_Vocabulary):
    """What was asked: one cell, or a minimum over a size parameter."""

    DECIDE = "decide"
    MIN_NEURONS = "min_neurons"
    MIN_PARAMS = "min_params"
    MIN_BITS = "min_bits"


def parse_enum(cls, value, option):
    """``value`` as a member of ``cls``, or an InputError naming ``option``.

    >>> parse_enum(Mode, "explicit", "mode") is Mode.EXPLICIT
    True
    >>> parse_enum(Mode, "dense", "mode")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: mode: unknown value 'dense' (one of explicit, superposed)
    """
    try:
        return cls(value)
    except ValueError:
        raise InputError(f"{option}: unknown value {value!r} "
                         f"(one of {', '.join(m.value for m in cls)})") from None


def bounds_label(shape):
    """Every bound that shapes the question, for banners, tables and names.

    Weights ``B``, biases ``bias`` (when there is a hidden layer), codes
    ``code`` (superposed mode only; explicit codes are the identity) and the
    readout threshold ``theta``.

    >>> from superpos_formal.shape import Shape
    >>> bounds_label(Shape("explicit", "relu", n=1, B=2))
    'B=2 bias=2 theta=1'
    >>> bounds_label(Shape("superposed", "relu", n=1, B=1, B_bias=2, codes="free"))
    'B=1 bias=2 code=1 theta=1'
    >>> bounds_label(Shape("superposed", "relu", n=1, L=0, B=1, codes="free"))
    'B=1 code=1 theta=1'
    """
    parts = [f"B={shape.B}"]
    if shape.L > 0:  # with no hidden layer there are no biases to bound
        parts.append(f"bias={shape.B_bias}")
    if shape.mode == Mode.SUPERPOSED:
        parts.append(f"code={shape.B_code}")
    parts.append(f"theta={shape.theta}")
    return " ".join(parts)


class ResultTable:
    """Rows of a per-size table (list of dicts) that print as text and
    render as HTML in a notebook.

    ``rows`` keep their order; ``columns`` default to the keys of the first
    row. ``len``, iteration and indexing act on the rows.
    """

    def __init__(self, rows, columns=None):
        # enum members become their plain strings (they compare equal anyway)
        self.rows = [{k: str(v) if isinstance(v, StrEnum) else v for k, v in r.items()}
                     for r in rows]
        if columns is None:
            columns = list(self.rows[0]) if self.rows else []
        self.columns = list(columns)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __eq__(self, other):
        if isinstance(other, ResultTable):
            return self.rows == other.rows
        return self.rows == other

    def _cells(self):
        return [["" if r.get(c) is None else str(r.get(c)) for c in self.columns]
                for r in self.rows]

    def __str__(self):
        cells = self._cells()
        w = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(self.columns)).rstrip()]
        for row in cells:
            lines.append("  ".join(v.ljust(w[i]) for i, v in enumerate(row)).rstrip())
        return "\n".join(lines)

    def __repr__(self):
        return f"<ResultTable {len(self.rows)} rows: {', '.join(self.columns)}>"

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Answer:
    """The answer to one question of :mod:`superpos_formal.api`.

    Attributes
    ----------
    question : Question
        What was asked.
    subject : object
        The :class:`~superpos_formal.tasks.Task` or
        :class:`~superpos_formal.tasks.Family`.
    shape : Shape
        The shape asked about (for a minimum: the one of the best cell, or
        the template when nothing was found).
    status : Status
        ``SAT`` when a network was found (for a minimum: at the best size),
        else the last cell's status.
    minimum : int or None
        Minimum questions: the established minimum (SAT at it, UNSAT below
        it), ``None`` when not established.
    networks : list of Network
        The verified networks: one for a task, one per member for a family
        (member order); empty when there is none.
    certified : bool
        The evidence is complete: SAT verified and, for a minimum or an
        UNSAT, the UNSAT checked as a DRAT proof.
    seconds : float
        Wall clock of the whole call.
    table : ResultTable
        One row per solve (per size for minimum questions).
    note : str
        Why a minimum is not established, or how to read it.
    search : object
        The solve layer's record (``Search`` or ``Cell``), for bundling.
    codes : tuple or None
        Families: the shared ``(E, R)``.
    network : Network or None
        The only network of a single-task answer (property; a family answer
        with several networks raises ``ValueError``: use ``networks``).
    is_family : bool
        Whether the subject is a family (property).
    unsat_below : dict or None
        The last UNSAT row of the table: the lower side of a minimum
        (property).

    Examples
    --------
    Answers come from :mod:`superpos_formal.api` (``sf.decide``,
    ``sf.min_neurons``...); built by hand here to show the fields. Universal
    AND of 3 features has no explicit ReLU network of width 1 with weights
    and biases in ``[-2, 2]`` (its certified minimum is 2,
    ``proofs/uand-explicit/``):

    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.tasks import uand
    >>> a = Answer(Question.DECIDE, uand(3), Shape("explicit", "relu", n=1, B=2),
    ...            Status.UNSAT, certified=True, seconds=0.2)
    >>> a
    <Decision uand(m=3) explicit relu L=1 B=2 bias=2 theta=1 n=1: UNSAT checked 0.2 s>
    >>> a.network is None, a.is_family, a.minimum
    (True, False, None)
    """

    question: Question
    subject: object
    shape: object
    status: Status
    minimum: int = None
    networks: list = field(default_factory=list)
    certified: bool = False
    seconds: float = 0.0
    table: ResultTable = None
    note: str = ""
    search: object = field(default=None, repr=False)
    codes: tuple = None

    @property
    def network(self):
        """The network of a single-task answer (``None`` when there is none).

        Raises
        ------
        ValueError
            For a family answer with several networks: use ``.networks``.
        """
        if len(self.networks) > 1:
            raise ValueError(f"{len(self.networks)} networks (a family): use .networks")
        return self.networks[0] if self.networks else None

    @property
    def is_family(self):
        return isinstance(self.subject, Family)

    @property
    def unsat_below(self):
        """The last UNSAT row of the table (the lower side of a minimum)."""
        rows = [r for r in (self.table or []) if r.get("status") == Status.UNSAT]
        return rows[-1] if rows else None

    def summary(self):
        """One line: subject, shape, every bound, the answer and its evidence."""
        sh = self.shape
        name = getattr(self.subject, "name", str(self.subject))
        head = f"{name} {sh.mode} {sh.activation} L={sh.L} {bounds_label(sh)}"
        if self.question == Question.DECIDE:
            ev = ""
            if self.status == Status.UNSAT:
                ev = " checked" if self.certified else " unchecked"
            return f"{head} n={sh.n}: {self.status}{ev}"
        what = {Question.MIN_NEURONS: "n", Question.MIN_PARAMS: "params",
                Question.MIN_BITS: "B"}[self.question]
        if self.minimum is None:
            return f"{head}: {what} not established ({self.note or self.status})"
        below = self.unsat_below
        if below is None:
            ev = "certified" if self.certified else "not certified"
        else:
            size = below.get(what, below.get("bound"))
            chk = "checked" if below.get("proof") == "checked" else "unchecked"
            ev = ("certified" if self.certified else "not certified") + \
                f" (UNSAT {what}={size} {chk})"
        return f"{head}: {what}={self.minimum} {ev}"

    def __repr__(self):
        cls = {Question.DECIDE: "Decision"}.get(self.question, "Minimum")
        return f"<{cls} {self.summary()} {self.seconds:.1f} s>"

    def _repr_html_(self):
        return (f"<p><b>{html.escape(self.summary())}</b> ({self.seconds:.1f} s)</p>"
                + (self.table._repr_html_() if self.table is not None else ""))


@dataclass(frozen=True)
class CampaignResult:
    """What one run (or resumption) of a campaign did.

    Indexing by field name works too (``r["run"]``), as for the plain dict
    the api returned before.

    Attributes
    ----------
    campaign : str
        The campaign's name.
    run : int
        Cells searched in this run.
    skipped : int
        Cells already decided in the store (not run again).
    failed : int
        Cells that ended in an error (recorded in the store with it).
    seconds : float
        Wall clock of the run.

    Examples
    --------
    >>> r = CampaignResult("uand", run=2, skipped=1, failed=0, seconds=1.5)
    >>> r
    <CampaignResult uand: 2 run, 1 skipped, 0 failed (1.5 s)>
    >>> r["run"], r.ok
    (2, True)
    >>> r["cells"]
    Traceback (most recent call last):
    ...
    KeyError: 'cells'
    """

    campaign: str
    run: int
    skipped: int
    failed: int
    seconds: float

    @property
    def ok(self) -> bool:
        """No cell failed."""
        return self.failed == 0

    def __getitem__(self, key: str):
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def keys(self):
        return list(self.__dataclass_fields__)

    def __repr__(self):
        return (f"<CampaignResult {self.campaign}: {self.run} run, {self.skipped} skipped, "
                f"{self.failed} failed ({self.seconds:g} s)>")
