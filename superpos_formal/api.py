"""The front door: build tasks, ask questions, certify and verify answers.

Every verb of the ``superpos`` command is a function here, with the same
names and defaults (the CLI only parses arguments, calls these and prints).
Each question returns an :class:`~superpos_formal.results.Answer`; every
network in it has been verified exactly, every UNSAT is labelled checked or
unchecked, and anything else is UNKNOWN (docs/MODEL.md, "Answers and
evidence").

Asking a question
-----------------
Every question takes ``(subject, shape=None, *, options=None, **kw)``:
``shape`` is a :class:`~superpos_formal.shape.Shape` (what is asked) or
just the width; ``options`` a :class:`~superpos_formal.options.SolveOptions`
(how it is solved). Any other keyword is routed by its name
(:mod:`superpos_formal.request`): an unknown name, or one that repeats what
an explicit ``shape`` / ``options`` fixes, is an InputError naming it.

Shape fields: ``mode`` ``"explicit"`` (``E = I``, ``R = I``; default) or
``"superposed"``; ``activation`` ``"relu"`` (default) or ``"step"``; ``L``
hidden layers (1); ``B`` weights in ``[-B, B]`` (2, the one default of every
question, the CLI and :class:`Shape`); ``B_bias`` biases (default ``B``);
``B_code`` code entries (default ``max(B, 1)``); ``theta`` readout
threshold (1); ``codes`` in superposed mode: ``"random"`` (seeded sparse
codes redrawn per width; the default), ``"free"`` (chosen by the solver;
shared by a family) or ``"given"`` (``E`` and ``R``); ``tolerance`` wrong
output bits allowed (0). Random codes: ``code_k`` (2), ``code_seed`` (0),
or one :class:`~superpos_formal.request.RandomCodes` as ``random_codes``.

SolveOptions fields: ``time_limit`` seconds per solve (every solve runs in
its own process and is killed at the limit: UNKNOWN); ``budget`` seconds for
the whole call; ``solver`` (``"cadical195"``); ``symmetry`` (sound symmetry
breaks, True); ``sums`` (``"auto"``: the order tree, binary adders for wide
output sums; or ``"tree"``, ``"pb"``, ``"binary"``); ``cegis``
(counterexample-guided); ``check`` (log and check a DRAT proof of every
UNSAT, True); ``progress`` (a callable receiving one line per solve);
``incremental``, ``family_method``, ``proof_dir`` (:func:`min_neurons`);
``portfolio``; ``memory_mb``. An option a question would not apply is an
InputError, never silently ignored.

Examples
--------
>>> import superpos_formal as sf
>>> res = sf.min_neurons(sf.uand(3), activation="step")
>>> res.minimum, res.status, res.certified
(2, 'SAT', True)
>>> res  # doctest: +ELLIPSIS
<Minimum uand(m=3) explicit step L=1 B=2 bias=2 theta=1: n=2 certified (UNSAT n=1 checked) ... s>
>>> res.network.counts()["hidden_neurons"]
2
>>> sf.decide(sf.uand(3), 2, activation="step", bound=3)
Traceback (most recent call last):
...
superpos_formal.errors.InputError: bound: unknown argument (not a Shape field, a random-code parameter or a SolveOptions field)
"""

import json
import time
from dataclasses import fields
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from . import tasks
from .certify.proofcheck.drat import CheckerPolicy
from .certify.best_known import registry_file, verify_registry
from .certify.cubes import cube_and_conquer, make_cube_bundle, subfamily_named
from .certify.bundles.verify import verify_bundle
from .certify.lower_bound import is_lower_bound_target, verify_lower_bounds
from .certify.family_rows import rows_file, verify_rows
from .certify.proofcheck.unsat import check_unsat
from .certify.bundles.check_claim import BundleReport
from .certify.from_answer import bundle_decision, bundle_minimum
from .codes import check_codes
from .errors import InputError
from .options import SolveOptions
from .request import RandomCodes, request, split_kw
from .results import Answer, CampaignResult, CodeKind, Mode, Question, ResultTable, Status
from .schema import network_to_dict
from .shape import Shape
from .distributed import run_campaign_store
from .solve.capacity import Capacity, CapacityFamilies
from .solve.capacity import capacity as _capacity
from .solve.count import CountResult, count_functions, count_threshold_functions
from .solve.cubes import SPLITS as CUBE_SPLITS
from .solve.cubes import CubeOptions, CubeResult
from .solve.equivariant import family_decider
from .solve.family import decide_family, min_neurons_family
from .solve.improve import (STARTS, Improvement, LNSOptions, baseline, construction_start,
                            run_lns, widen)
from .solve.incremental import min_neurons_incremental
from .solve.search import decide as _decide
from .solve.search import min_bits as _min_bits
from .solve.search import min_neurons as _min_neurons
from .solve.search import min_parameters as _min_parameters
from .network import Network
from .tasks import Family, Task
from .verify import Verification
from .verify import verify as _verify_network

#: what a question is about
Subject = Union[tasks.Task, tasks.Family]
#: a file or folder
PathLike = Union[str, Path]
#: a question's ``shape`` argument: a Shape, its width, or None (width 1)
ShapeArg = Union[Shape, int, None]

__all__ = [
    # tasks and families
    "task", "family", "uand", "permutations", "pair_sets", "identity", "parity",
    "majority", "truth_table",
    # questions (and how they are asked)
    "Shape", "SolveOptions", "RandomCodes",
    "shape", "decide", "min_neurons", "min_params", "min_bits", "count", "capacity",
    # evidence
    "certify", "verify", "check",
    # campaigns
    "campaign",
    # better networks, and hard cells by cube and conquer
    "improve", "improve_start", "cubes", "LNSOptions", "CubeOptions", "STARTS",
    "CUBE_SPLITS", "subfamily_named",
]


# ------------------------------------------------------------------ tasks

def task(kind: str, m: int, **kw: Any) -> tasks.Task:
    """Any built-in task by name (the CLI's ``superpos task KIND``).

    Parameters
    ----------
    kind : str
        One of :data:`superpos_formal.tasks.TASK_KINDS`.
    m : int
        Input features.
    **kw
        ``s``, ``pairs``, ``pi``, ``m_out``, ``seed``, ``outputs``, as for
        :func:`superpos_formal.tasks.build_task`.

    Returns
    -------
    Task

    Raises
    ------
    InputError
        An unknown kind, or an argument that does not belong to it (the
        message names the field).

    Examples
    --------
    >>> task("xor_pairs", 3, pairs=[[0, 1]]).outputs[4]
    (0,)
    """
    return tasks.build_task(kind, m, **kw)


def family(kind: str, m: int, **kw: Any) -> tasks.Family:
    """Any built-in family by name (the CLI's ``superpos family KIND``).

    Parameters
    ----------
    kind : str
        ``"permutations"`` or ``"pair-sets"``.
    m : int
        Input features.
    **kw
        ``m_out``, ``s``, ``op``, ``sample``, ``seed``, as for
        :func:`superpos_formal.tasks.build_family`.

    Returns
    -------
    Family

    Raises
    ------
    InputError
        An unknown kind, or an argument that does not belong to it.

    Examples
    --------
    >>> family("pair-sets", 4, m_out=2).size
    15
    """
    return tasks.build_family(kind, m, **kw)


def uand(m: int, s: int = 2) -> tasks.Task:
    """The universal AND of ``m`` features: all ``C(m, 2)`` pairwise ANDs.

    Parameters
    ----------
    m : int
        Input features (``>= 2``).
    s : int
        Sparsity: inputs have at most ``s`` ones (default 2).

    Returns
    -------
    Task

    Raises
    ------
    InputError
        ``m < 2`` or an invalid sparsity.

    Examples
    --------
    >>> t = uand(4)
    >>> t.m, t.m_out, t.s, len(t.inputs)
    (4, 6, 2, 11)
    """
    return tasks.uand(m, s)


def permutations(m: int, s: int = 1) -> tasks.Family:
    """The family of all ``m!`` permutations of ``m`` features.

    Parameters
    ----------
    m : int
        Features (``m' = m``).
    s : int
        Sparsity (default 1).

    Returns
    -------
    Family

    Raises
    ------
    InputError
        An invalid ``m`` or ``s``.

    Examples
    --------
    >>> permutations(3).size
    6
    """
    return tasks.build_family("permutations", m, s=s)


def pair_sets(m: int, m_out: int, s: int = 2, op: str = "and") -> tasks.Family:
    """The family of all ``m'``-sets of pairs over ``m`` features (2-AND).

    Parameters
    ----------
    m : int
        Input features.
    m_out : int
        Pairs per member, ``1 <= m_out <= C(m, 2)``.
    s : int
        Sparsity (default 2).
    op : str
        ``"and"`` (default), ``"or"`` or ``"xor"``.

    Returns
    -------
    Family

    Raises
    ------
    InputError
        ``m_out`` outside ``1..C(m, 2)``, or an unknown ``op``.

    Examples
    --------
    >>> pair_sets(4, 2).size, pair_sets(4, 1, op="xor").name
    (15, "xor_pair_sets(m=4,m'=1,s=2)")
    """
    return tasks.build_family("pair-sets", m, m_out=m_out, s=s, op=op)


def identity(m: int, s: int = 1) -> tasks.Task:
    """``y = x`` on ``m`` features: the representation task.

    Parameters
    ----------
    m : int
    s : int
        Sparsity (default 1).

    Returns
    -------
    Task

    Raises
    ------
    InputError
        An invalid ``m`` or ``s``.

    Examples
    --------
    >>> identity(3).m_out
    3
    """
    return tasks.identity(m, s)


def parity(m: int, s: Optional[int] = None) -> tasks.Task:
    """XOR of all ``m`` bits; dense inputs (``s = m``) by default.

    Parameters
    ----------
    m : int
    s : int, optional
        Sparsity (default ``m``: all of ``{0,1}^m``).

    Returns
    -------
    Task

    Raises
    ------
    InputError
        An invalid ``m`` or ``s``.

    Examples
    --------
    >>> parity(2).outputs
    ((0,), (1,), (1,), (0,))
    """
    return tasks.parity(m, s)


def majority(m: int, s: Optional[int] = None) -> tasks.Task:
    """Strict majority of ``m`` bits (a tie is 0); dense inputs by default.

    Parameters
    ----------
    m : int
    s : int, optional
        Sparsity (default ``m``).

    Returns
    -------
    Task

    Raises
    ------
    InputError
        An invalid ``m`` or ``s``.

    Examples
    --------
    >>> majority(3)((1, 1, 0))
    (1,)
    """
    return tasks.majority(m, s)


def truth_table(m: int, s: int, outputs: list) -> tasks.Task:
    """Any task, given as its truth table over ``X(m, s)`` in domain order.

    Parameters
    ----------
    m, s : int
    outputs : list of rows
        One row of 0/1 per input of :func:`superpos_formal.domain.domain`
        ``(m, s)`` (the CLI's ``--outputs 0,1,1,0`` text is parsed by the
        CLI).

    Returns
    -------
    Task

    Raises
    ------
    InputError
        Not one row per input, a row that is not 0/1 bits, or text
        instead of rows.

    Examples
    --------
    >>> truth_table(2, 2, [[0], [1], [1], [0]]) == parity(2)
    False
    >>> truth_table(2, 2, [[0], [1], [1], [0]]).outputs == parity(2).outputs
    True
    """
    return tasks.build_task("table", m, s=s, outputs=outputs)


# ------------------------------------------------------------------ shapes

def shape(subject: Subject, n: int = 1, **kw: Any) -> Shape:
    """The :class:`~superpos_formal.shape.Shape` a question is asked at.

    Parameters
    ----------
    subject : Task or Family
    n : int
        Width (default 1).
    **kw
        Shape fields (module docstring) and the random-code parameters
        ``code_k``, ``code_seed`` or ``random_codes``. ``codes`` defaults to
        ``"random"`` in superposed mode, like the CLI, and to ``"given"``
        when ``E`` and ``R`` are passed; random codes are drawn here, at the
        first width from ``n`` where one can be drawn.

    Returns
    -------
    Shape

    Raises
    ------
    InputError
        A bias bound without a hidden layer (``B_bias`` with ``L = 0``: there
        is no bias to bound), an unknown or solver argument, or any invalid
        field.

    Examples
    --------
    >>> shape(uand(3), 2).B_bias
    2
    >>> shape(identity(4), 2, mode="superposed", codes="free", L=0, B_bias=1)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: B_bias: a network with no hidden layer (L=0) has no biases
    >>> shape(uand(3), 2, time_limit=5)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: time_limit: shape() takes Shape fields and random-code parameters only
    """
    for name in kw:
        if name in SolveOptions.names():
            raise InputError(f"{name}: shape() takes Shape fields and random-code "
                             f"parameters only")
    return request(subject, n, None, kw).shape


def _is_family(subject):
    return isinstance(subject, tasks.Family)


def _asked(shape, kw):
    """The width a decision was asked at."""
    if isinstance(shape, Shape):
        return shape.n
    return shape if isinstance(shape, int) else (kw.get("n") or 1)


def _uses(opts: SolveOptions, names, what):
    """Fail closed: an option the question would not apply is refused."""
    for f in fields(SolveOptions):
        if f.name not in names and getattr(opts, f.name) != f.default:
            raise InputError(f"{f.name}: not used by {what}")


def _check(opts):
    return check_unsat if opts.check else None


#: options each solve call applies (the rest must stay at their defaults);
#: the solve layer reads them from the SolveOptions passed down whole
_TASK_DECIDE = {"solver", "time_limit", "budget", "symmetry", "sums", "encoder", "cegis",
                "check", "portfolio", "memory_mb", "config", "stagger", "race_if_free", "lift"}
_FAMILY_DECIDE = {"solver", "time_limit", "budget", "symmetry", "check", "progress",
                  "memory_mb", "family_incremental"}


#: row keys that describe the member loop of the family question; a task's
#: table leaves them out (a single task has one round and no core)
_FAMILY_COLUMNS = ("rounds", "core")


def _table(subject, rows):
    rows = list(rows)
    if _is_family(subject) or not rows:
        return ResultTable(rows)
    return ResultTable(rows, [k for k in rows[0] if k not in _FAMILY_COLUMNS])


def _cell_answer(question, subject, cell, seconds):
    """The Answer of one decided cell (a task's or a family's)."""
    certified = cell.status == Status.SAT or (cell.status == Status.UNSAT and cell.certified)
    return Answer(question, subject, cell.shape, Status(cell.status),
                  networks=list(cell.networks or []), certified=certified, seconds=seconds,
                  table=_table(subject, [cell.row()]), note=cell.check_note, search=cell,
                  codes=cell.codes)


def _search_answer(question, subject, search, template, seconds, rows=None):
    """The Answer of a search (its per-size table and conclusion)."""
    best = search.best
    return Answer(question, subject, template if best is None else best.shape,
                  search.status, minimum=search.minimum, networks=search.networks,
                  certified=bool(search.certified), seconds=seconds,
                  table=_table(subject, search.table() if rows is None else rows),
                  note=search.note, search=search, codes=search.codes)


# ------------------------------------------------------------------ questions

def decide(subject: Subject, shape: ShapeArg = None, *,
           options: Optional[SolveOptions] = None, **kw: Any) -> Answer:
    """Does a network of this shape compute the task (or serve the family)?

    Parameters
    ----------
    subject : Task or Family
        A family asks the family question: one shared free code, one weight
        set per member (``mode="superposed"``, ``codes="free"``).
    shape : Shape or int, optional
        The shape, or the width ``n`` (default 1) with the shape given by
        keywords. With random codes the codes are drawn at width ``n``
        exactly.
    options : SolveOptions, optional
        How to solve; or give its fields as keywords.
    **kw
        Shape fields, random-code parameters and SolveOptions fields, by
        name (module docstring).

    Returns
    -------
    Answer
        ``status`` SAT (``.network`` / ``.networks`` verified), UNSAT
        (``certified`` when its DRAT proof was checked) or UNKNOWN.

    Raises
    ------
    InputError
        An unknown or conflicting keyword, an invalid shape, given codes
        that are degenerate for the task, or an option the question does
        not apply.

    Examples
    --------
    >>> a = decide(uand(3), 2, activation="step")
    >>> a.status, a.network.widths
    ('SAT', (2,))
    >>> decide(uand(3), 1, activation="step")  # doctest: +ELLIPSIS
    <Decision uand(m=3) explicit step L=1 B=2 bias=2 theta=1 n=1: UNSAT checked ... s>
    >>> decide(uand(3), Shape("explicit", "step", n=2), options=SolveOptions(check=False)).status
    'SAT'
    """
    t0 = time.perf_counter()
    if _is_family(subject):
        req = _family_request(subject, shape, options, kw)
        _uses(req.options, _FAMILY_DECIDE, "the family decision")
        cell = decide_family(subject, req.shape, req.options, checker=_check(req.options))
        return _cell_answer(Question.DECIDE, subject, cell, time.perf_counter() - t0)
    req = request(subject, shape, options, kw)
    _uses(req.options, _TASK_DECIDE, "decide")
    sh, n = req.shape, _asked(shape, kw)
    if req.random is not None and sh.n != n:
        raise InputError(f"codes: no random code of dimension {n} can be drawn "
                         f"(code_k={req.random.k}, code_seed={req.random.seed})")
    if sh.mode == Mode.SUPERPOSED and sh.codes == CodeKind.GIVEN:
        check_codes(sh.E, sh.R, subject, sh.theta, tolerance=sh.tolerance)
    cell = _decide(subject, sh, req.options, checker=_check(req.options))
    return _cell_answer(Question.DECIDE, subject, cell, time.perf_counter() - t0)


def min_neurons(subject: Subject, shape: Optional[Shape] = None, *, n_min: int = 1,
                n_max: int = 8, options: Optional[SolveOptions] = None,
                **kw: Any) -> Answer:
    """The smallest width ``n`` in ``n_min..n_max`` (per-width table).

    The first SAT after an UNSAT (or at ``n = 1``) is the minimum, because
    SAT is monotone in ``n`` for explicit, free-code, family and
    representation questions (docs/MODEL.md, "Questions"). With random
    codes (redrawn per width) the answer is "the first ``n`` that works with
    these codes", never a minimum (``minimum`` is None, ``note`` says so).

    Parameters
    ----------
    subject : Task or Family
    shape : Shape, optional
        The shape template (its ``n`` is not used: widths run from
        ``n_min``); or give its fields as keywords.
    n_min, n_max : int
        Widths tried (default 1..8).
    options : SolveOptions, optional
        How to solve: ``incremental`` (explicit mode: one solver for all
        widths; the UNSAT below the minimum is then re-solved for a proof
        only by :func:`certify`), ``proof_dir`` (keep every UNSAT's formula
        and DRAT proof there, ``n{n}.cnf`` / ``n{n}.drat``, for
        :func:`certify`), ``family_method`` (families: ``"cegis"``, the
        member loop; ``"orbits"``, an equivariant shared code first;
        ``"far"``, the member loop asking the farthest members first, two
        failing members joining per round; ``"orbits-far"``, the orbit
        method, then that loop; ``"sep"``, that loop asking each subfamily
        first for a code that separates every pair of inputs the family
        tells apart; ``"orbits-sep"``, the orbit method, then ``"sep"``),
        ``progress`` and the rest; or give them as keywords.
    **kw
        Shape fields, random-code parameters and SolveOptions fields.

    Returns
    -------
    Answer
        ``minimum``, the verified ``networks`` at it, and the per-width
        ``table``.

    Raises
    ------
    InputError
        A bad width range, an unknown or conflicting keyword, an invalid
        shape, given codes (they fix the width: use :func:`decide`), or an
        option the question does not apply.

    Examples
    --------
    >>> a = min_neurons(uand(3), activation="step")
    >>> a.minimum, [r["status"] for r in a.table]
    (2, ['UNSAT', 'SAT'])
    >>> fam = min_neurons(permutations(2), mode="superposed", codes="free", B=1)
    >>> fam.minimum, len(fam.networks), fam.codes is not None
    (1, 2, True)
    """
    t0 = time.perf_counter()
    if n_min < 1 or n_max < n_min:
        raise InputError(f"n range: need 1 <= n_min <= n_max, got {n_min}..{n_max}")
    if "n" in kw or isinstance(shape, int):
        raise InputError("n: min_neurons searches widths; give n_min and n_max")
    if _is_family(subject):
        req = _family_request(subject, shape, options, kw, width=n_min)
        res = _min_neurons_family(subject, req, n_min, n_max)
        return _search_answer(Question.MIN_NEURONS, subject, res, req.shape,
                              time.perf_counter() - t0)
    req = request(subject, shape, options, kw, width=n_min)
    sh, opts = req.shape, req.options
    if sh.mode == Mode.SUPERPOSED and sh.codes == CodeKind.GIVEN and req.random is None:
        raise InputError("codes: given codes fix the width; use decide() at that width, "
                         "or codes='free' / 'random' to search widths")
    if opts.incremental:
        res = _min_neurons_incremental(subject, req, n_min, n_max)
    else:
        _uses(opts, _TASK_DECIDE | {"progress", "proof_dir"}, "min_neurons")
        res = _min_neurons(subject, sh, opts, checker=_check(opts), n_min=n_min, n_max=n_max,
                           codes_for=req.codes_for, proof_dir=opts.proof_dir)
    return _search_answer(Question.MIN_NEURONS, subject, res, sh, time.perf_counter() - t0)


def _family_request(family, shape, options, kw, width=None):
    """The family question's request: superposed mode, one shared free code."""
    if not isinstance(shape, Shape) and (kw.get("mode") != Mode.SUPERPOSED
                                         or kw.get("codes") not in (None, CodeKind.FREE)):
        raise InputError("family: the family question needs mode='superposed', "
                         "codes='free'")
    return request(family, shape, options, kw, width=width,
                   defaults={"codes": CodeKind.FREE})


def _min_neurons_family(family, req, n_min, n_max):
    sh, opts = req.shape, req.options
    if sh.mode != Mode.SUPERPOSED or sh.codes != CodeKind.FREE:
        raise InputError("family: the family question needs mode='superposed', "
                         "codes='free'")
    if opts.incremental:
        raise InputError("incremental: supported for single tasks in explicit mode only")
    _uses(opts, _FAMILY_DECIDE | {"proof_dir", "family_method"}, "the family question")
    method = family_decider(opts.family_method)
    return min_neurons_family(family, sh, opts, checker=_check(opts), n_min=n_min,
                              n_max=n_max, proof_dir=opts.proof_dir, decide=method)


def _min_neurons_incremental(task, req, n_min, n_max):
    sh, opts = req.shape, req.options
    if sh.mode != Mode.EXPLICIT:
        raise InputError("incremental: supported in explicit mode only")
    _uses(opts, {"solver", "time_limit", "budget", "symmetry", "check", "progress",
                 "proof_dir", "incremental", "memory_mb"}, "the incremental search")
    return min_neurons_incremental(task, sh, opts, checker=_check(opts), n_min=n_min,
                                   n_max=n_max, certify_below=opts.proof_dir is not None,
                                   proof_dir=opts.proof_dir)


def min_params(task: tasks.Task, shape: ShapeArg = None, *,
               options: Optional[SolveOptions] = None, **kw: Any) -> Answer:
    """The fewest nonzero parameters (``W, b, V, c``) at a fixed shape.

    A cardinality bound is tightened from the best network found until
    UNSAT (the minimum) or UNKNOWN.

    Parameters
    ----------
    task : Task
    shape : Shape or int, optional
        The shape, or its width (default 1).
    options : SolveOptions, optional
    **kw
        As for :func:`decide` (``progress`` receives one line per solve).

    Returns
    -------
    Answer
        ``minimum`` nonzero parameters; the table has one row per bound.

    Raises
    ------
    InputError
        As for :func:`decide`.

    Examples
    --------
    >>> a = min_params(uand(3), 2, activation="step")
    >>> a.minimum, a.network.counts()["params_nonzero"]
    (15, 15)
    """
    t0 = time.perf_counter()
    req = request(task, shape, options, kw)
    _uses(req.options, _TASK_DECIDE | {"progress"}, "min_params")
    res = _min_parameters(task, req.shape, req.options, checker=_check(req.options))
    cols = ["bound", "status", "proof", "seconds", "vars", "clauses"]
    rows = [dict(c.row(), bound=c.options.get("max_nonzero", "-")) for c in res.cells]
    return _search_answer(Question.MIN_PARAMS, task, res, req.shape, time.perf_counter() - t0,
                          [{k: r.get(k) for k in cols} for r in rows])


def min_bits(task: tasks.Task, shape: ShapeArg = None, *, B_max: int = 6,
             bias_follows: Optional[bool] = None, options: Optional[SolveOptions] = None,
             **kw: Any) -> Answer:
    """The smallest weight bound ``B`` in ``0..B_max`` at width ``n``.

    ``B_bias`` follows ``B`` unless given (then it stays fixed); the table
    says which.

    Parameters
    ----------
    task : Task
    shape : Shape or int, optional
        The shape (its ``B`` is not used), or its width (default 1).
    B_max : int
        The largest ``B`` tried (default 6).
    bias_follows : bool, optional
        Whether ``B_bias`` moves with ``B`` (default: unless ``B_bias`` is
        given as a keyword; with a Shape passed, unless said here, it stays
        at the Shape's ``B_bias``).
    options : SolveOptions, optional
    **kw
        As for :func:`decide`, without ``B``.

    Returns
    -------
    Answer
        ``minimum`` B; one table row per ``B``.

    Raises
    ------
    InputError
        ``B`` given (the search chooses it), or as for :func:`decide`.

    Examples
    --------
    >>> a = min_bits(uand(3), 2, activation="step")
    >>> a.minimum, [(r["B"], r["bias"], r["status"]) for r in a.table]
    (2, [(0, 0, 'UNSAT'), (1, 1, 'UNSAT'), (2, 2, 'SAT')])
    """
    t0 = time.perf_counter()
    if kw.get("B") is not None:
        raise InputError("B: min_bits searches B in 0..B_max; give B_max")
    # the template carries B_max (its B_code default follows it); a Shape's
    # own B is replaced by each B the search tries
    req = request(task, shape, options, kw if isinstance(shape, Shape) else dict(kw, B=B_max))
    _uses(req.options, _TASK_DECIDE | {"progress"}, "min_bits")
    res = _min_bits(task, req.shape, req.options, checker=_check(req.options), B_max=B_max,
                    bias_follows=("B_bias" not in req.given if bias_follows is None
                                  else bias_follows))
    return _search_answer(Question.MIN_BITS, task, res, req.shape, time.perf_counter() - t0)


def count(m: Optional[int] = None, m_out: Optional[int] = None, s: Optional[int] = None,
          shape: ShapeArg = None, *, threshold: Optional[int] = None, method: str = "auto",
          limit: Optional[int] = None, functions: bool = False,
          options: Optional[SolveOptions] = None, **kw: Any) -> CountResult:
    """The number of distinct functions an architecture realizes.

    Either ``X(m, s) -> {0,1}^{m'}`` functions of a shape (SAT enumeration
    with blocking clauses, every function backed by a verified network; the
    enumeration is one incremental solver session, so ``time_limit`` bounds
    it whole), or with ``threshold=K`` the threshold functions
    ``[w . x + b > 0]`` of ``K`` variables with weights in ``[-B, B]``.
    A limit gives "at least N", never N.

    Parameters
    ----------
    m, m_out, s : int
        The domain ``X(m, s)`` and the outputs (not with ``threshold``).
    shape : Shape or int, optional
        The shape, or its width (default 1); superposed mode counts over
        all free codes.
    threshold : int, optional
        Count the threshold functions of this many variables instead.
    method : str
        With ``threshold``: ``"auto"``, ``"sat"``, ``"cuts"`` or ``"orbit"``.
    limit : int, optional
        Stop after this many functions ("at least").
    functions : bool
        Also return every function's truth table.
    options : SolveOptions, optional
        ``time_limit``, ``solver``, ``symmetry`` and ``progress`` (here a
        callable receiving ``(count, seconds)``) apply.
    **kw
        Shape fields and those options. With ``threshold`` only ``B``
        (default: a bound known to realize every threshold function).

    Returns
    -------
    CountResult
        ``count``, ``exact``, ``text``.

    Raises
    ------
    InputError
        ``m``, ``m_out``, ``s`` missing (or given with ``threshold``), an
        unknown keyword, or an invalid shape.

    Examples
    --------
    >>> count(2, 1, 2, activation="step", B=1).count
    14
    >>> count(threshold=2)
    <CountResult 14 (exact; solver claim, no proof logged)>
    """
    if threshold is not None:
        return _count_threshold(threshold, (m, m_out, s, shape), method, limit, functions,
                                options, kw)
    for nm, v in (("m", m), ("m_out", m_out), ("s", s)):
        if v is None:
            raise InputError(f"{nm}: required (or use threshold=K)")
    if kw.get("mode") == Mode.SUPERPOSED:
        kw = dict(kw, codes=kw.get("codes") or CodeKind.FREE)
    req = request(None, shape, options, kw)
    if req.shape.mode == Mode.SUPERPOSED and req.shape.codes != CodeKind.FREE:
        raise InputError("codes: count counts over all codes (codes='free')")
    o = req.options
    _uses(o, {"time_limit", "solver", "symmetry", "progress"}, "count")
    return count_functions(m, m_out, s, req.shape, o, limit=limit, progress=o.progress,
                           functions=functions)


def _count_threshold(k, others, method, limit, functions, options, kw):
    if any(v is not None for v in others):
        raise InputError("threshold: counts one step neuron on all of {0,1}^K; "
                         "m, m_out, s, shape do not apply")
    if limit is not None:
        raise InputError("limit: only for architecture counts (not threshold=K)")
    B = kw.pop("B", None)
    shape_kw, code_kw, option_kw = split_kw(kw, options_given=options is not None)
    for name in list(shape_kw) + list(code_kw):
        raise InputError(f"{name}: threshold=K counts one step neuron; only B applies")
    o = options if options is not None else SolveOptions(**option_kw)
    _uses(o, {"time_limit", "progress"}, "the threshold count")
    return count_threshold_functions(k, B, o, method=method, functions=functions,
                                     progress=o.progress)


def capacity(family: str, shape: ShapeArg = None, *, m: Optional[int] = None,
             s: Optional[int] = None, op: Optional[str] = None, m_out_min: int = 1,
             m_out_max: Optional[int] = None, counting_only: bool = False,
             options: Optional[SolveOptions] = None, **kw: Any) -> Capacity:
    """The largest ``m'`` whose family is computable at width ``n``.

    Parameters
    ----------
    family : str
        ``"permutations"`` or ``"pair-sets"``.
    shape : Shape or int
        The width tested (shared free codes, superposed mode), or a
        superposed free-code Shape.
    m : int, optional
        Pair sets: input features (required).
    s : int, optional
        Sparsity (default 1 for permutations, 2 for pair sets).
    op : str, optional
        Pair sets: ``"and"`` (default), ``"or"``, ``"xor"``.
    m_out_min, m_out_max : int
        The range of ``m'`` (default 1..4 for permutations, 1..C(m, 2)).
    counting_only : bool
        Only the counting bound; no solver.
    options : SolveOptions, optional
        ``time_limit``, ``budget``, ``check``, ``progress`` (a callable
        receiving each row) apply.
    **kw
        Shape fields (``activation``, ``L``, ``B``, ``B_bias``, ``B_code``,
        ``theta``) and those options.

    Returns
    -------
    Capacity
        ``rows`` (one per ``m'``), ``ok_upto``, ``first_fail``.

    Raises
    ------
    InputError
        No width, a mode or code policy other than superposed free codes,
        an unknown keyword, or an invalid shape.

    Examples
    --------
    >>> r = capacity("permutations", 1, m_out_max=2, B=1)
    >>> [row["status"] for row in r.rows], r.ok_upto
    (['SAT', 'SAT'], 2)
    """
    if shape is None and kw.get("n") is None:
        raise InputError("n: capacity needs the width to test")
    for name, want in (("mode", Mode.SUPERPOSED), ("codes", CodeKind.FREE)):
        if kw.get(name) not in (None, want):
            raise InputError(f"{name}: capacity asks the family question ({want})")
    req = request(None, shape, options,
                  dict(kw, mode=Mode.SUPERPOSED, codes=CodeKind.FREE)
                  if not isinstance(shape, Shape) else kw)
    sh, o = req.shape, req.options
    if sh.mode != Mode.SUPERPOSED or sh.codes != CodeKind.FREE:
        raise InputError("shape: capacity asks the family question (superposed, free codes)")
    _uses(o, {"time_limit", "budget", "check", "progress"}, "capacity")
    families = CapacityFamilies(family, m=m, s=s, op=op, m_out_min=m_out_min,
                                m_out_max=m_out_max)
    # ``progress`` receives capacity's rows here (one per m'), not the
    # per-solve lines of the family loop underneath
    return _capacity(families, sh, o.replace(progress=None), checker=_check(o),
                     counting_only=counting_only, on_row=o.progress)


# ------------------------------------------------------------------ evidence

def certify(result: Answer, dir: PathLike, *, overwrite: bool = False, headline: bool = False,
            time_limit: Optional[float] = None) -> BundleReport:
    """Write the checked claim bundle of an answer to ``dir``.

    A ``min_neurons`` answer becomes a minimum bundle (SAT at the minimum,
    UNSAT with its DRAT proof below it, ``minimum.json``); a ``decide``
    answer one claim bundle. The fresh bundle is re-verified before this
    returns. An UNSAT whose proof was not kept is solved again with proof
    logging (``time_limit`` per solve).

    Parameters
    ----------
    result : Answer
        From :func:`decide` or :func:`min_neurons`.
    dir : path
        The bundle folder (must not exist unless ``overwrite``).

    Returns
    -------
    BundleReport
        ``ok`` is True.

    Raises
    ------
    InputError
        No minimum established, a random-code search (no minimum), an
        UNKNOWN answer, or a question without bundles (min_params, min_bits).
    SoundnessError
        The fresh bundle fails verification (a bug, never a result).

    Examples
    --------
    >>> import tempfile, os
    >>> d = os.path.join(tempfile.mkdtemp(), "uand3")
    >>> rep = certify(min_neurons(uand(3), activation="step"), d)
    >>> rep.ok, sorted(os.listdir(d))
    (True, ['manifest.json', 'minimum.json', 'n1-unsat', 'n2-sat'])
    """
    if not isinstance(result, Answer):
        raise InputError(f"certify: expected an Answer, got {type(result).__name__}")
    subj = dict(family=result.subject) if result.is_family else dict(task=result.subject)
    if result.question == Question.DECIDE:
        return bundle_decision(result.search, dir, overwrite=overwrite, headline=headline,
                               time_limit=time_limit, **subj)
    if result.question != Question.MIN_NEURONS:
        raise InputError(f"certify: bundles exist for decide and min_neurons answers, "
                         f"not {result.question}")
    if result.minimum is None:
        raise InputError(f"certify: no minimum established ({result.note or result.status})")
    return bundle_minimum(result.search, dir, overwrite=overwrite, headline=headline,
                          time_limit=time_limit, **subj)


def verify(path: PathLike, *, checkers: Optional[tuple] = None, regenerate: bool = True,
           max_unzipped: Optional[int] = None, regenerate_proofs: bool = False) -> BundleReport:
    """Re-check a claim bundle, a minimum folder (or ``superpos verify PATH``).

    The manifest, the network (exhaustively, against the task rebuilt from
    the claim), the formula (regenerated and compared by hash) and the proof
    (re-checked by the independent checkers).

    Parameters
    ----------
    path : path
        A bundle, a minimum folder, or a best-known registry
        (``search/best-known`` or its ``registry.json``: every row is
        re-checked against its bundle, every certified minimum against a
        verified minimum bundle of exactly that question).
    checkers : tuple of str, optional
        Default: native, python and drup within their budgets.
    regenerate : bool
        Rebuild the formula from the claim and compare hashes (default);
        without it an UNSAT claim is *not verified* (``ok`` is False).
    max_unzipped : int, optional
        Largest uncompressed formula or proof read, in bytes (default
        512 MiB); a larger one fails.
    regenerate_proofs : bool
        Also re-solve and check the proofs of F that claims record as
        regenerable (certify/proofcheck/regenerable_proof.py; minutes per claim).

    Returns
    -------
    BundleReport
        ``ok`` and the one-line ``failures``; never raises for a bad bundle.

    Examples
    --------
    >>> verify("/nonexistent").ok
    False
    """
    kw = {} if checkers is None else {"checkers": checkers}
    if regenerate_proofs:
        kw["budget"] = CheckerPolicy(regenerate_proofs=True)
    if registry_file(path) is not None:
        # a best-known registry: every row re-checked like a claim
        return verify_registry(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)
    if is_lower_bound_target(path):  # lower-bound claims (certify/lower_bound.py)
        return verify_lower_bounds(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)
    if rows_file(path) is not None:  # recipe-backed family rows (certify/family_rows.py)
        return verify_rows(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)
    return verify_bundle(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)


def check(network: Network, task: tasks.Task, tolerance: int = 0) -> Verification:
    """Exhaustive exact check of a network against a task (``superpos check``).

    Parameters
    ----------
    network : Network
    task : Task
    tolerance : int
        Wrong ``(x, j)`` output bits allowed (default 0).

    Returns
    -------
    Verification
        ``ok``, ``errors``, ``counterexamples``.

    Raises
    ------
    InputError
        The network's ``m`` or ``m'`` differs from the task's.

    Examples
    --------
    >>> a = decide(uand(3), 2, activation="step")
    >>> check(a.network, uand(3)).ok
    True
    """
    return _verify_network(network, task, tolerance)


# ------------------------------------------------------------------ campaigns

def campaign(file: PathLike, store: Optional[PathLike] = None, *,
             results_dir: PathLike = "search/results", proofs_dir: Optional[PathLike] = None,
             workers: int = 0, scheduler: Optional[str] = None,
             quiet: bool = True) -> CampaignResult:
    """Run (or resume) a campaign file into a results store (``superpos campaign run``).

    Every cell is a :func:`min_neurons` search; decided cells are skipped on
    a rerun. ``workers`` > 0 runs cells on a Dask LocalCluster.

    Parameters
    ----------
    file : path
        A ``superpos-formal/campaign`` JSON file.
    store : path, optional
        The SQLite store (default ``results_dir/results.sqlite``).
    results_dir : path
        Where the campaign's Markdown table is rendered.
    proofs_dir : path, optional
        Minimum bundles of campaigns with ``"proof": true``.
    workers : int
        Dask workers (default 0: cells run in this process).
    scheduler : str, optional
        The address of a running Dask scheduler instead.
    quiet : bool
        No per-cell progress lines (default True).

    Returns
    -------
    CampaignResult
        ``run``, ``skipped``, ``failed`` cell counts and ``seconds``
        (``r["run"]`` works too).

    Raises
    ------
    InputError
        A malformed campaign file, or a store or results folder that cannot
        be written.

    Examples
    --------
    >>> import json, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> f = os.path.join(d, "c.json")
    >>> _ = open(f, "w").write(json.dumps({"format": "superpos-formal/campaign",
    ...     "version": 1, "name": "c", "cells": [{"task": {"kind": "parity", "m": 2},
    ...     "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 3}]}))
    >>> r = campaign(f, results_dir=d)
    >>> r.run, r["failed"], r  # doctest: +ELLIPSIS
    (1, 0, <CampaignResult c: 1 run, 0 skipped, 0 failed (... s)>)
    """
    store = store or str(Path(results_dir) / "results.sqlite")
    return CampaignResult(**run_campaign_store(
        file, store, workers=workers, scheduler=scheduler, proofs_dir=proofs_dir,
        results_dir=results_dir, quiet=quiet))


# ------------------------------------------------------------------ improve and cubes
# (the verbs ``superpos improve`` and ``superpos cubes``: the CLI calls these,
# not solve/ or certify/)

#: what :func:`improve_start` takes as ``start``
StartSpec = Union[str, tuple, Network, Sequence[Network]]


def _members(subject):
    if isinstance(subject, Family):
        return list(subject.members())
    if isinstance(subject, Task):
        return [subject]
    raise InputError(f"subject: expected a Task or a Family, got {type(subject).__name__}")


def improve_start(subject: Union[Task, Family], start: StartSpec = "baseline", *,
                  mode: Optional[str] = None, activation: Optional[str] = None,
                  B: Optional[int] = None, B_bias: Optional[int] = None,
                  B_code: Optional[int] = None) -> tuple:
    """The start networks of :func:`improve` and their name.

    Parameters
    ----------
    subject : Task or Family
    start : str, tuple, Network or list of Network
        ``"baseline"`` (one neuron per output, at ``B`` (default 2),
        ``activation`` (default relu), ``mode`` (explicit for a task,
        superposed for a family)); a construction name from
        :data:`~superpos_formal.solve.improve.STARTS` (its own search picks
        the instance) or ``(name, {param: value})``, loosened to ``B``,
        ``B_bias``, ``B_code`` when given; or the networks themselves (one
        per member), whose bounds must then equal any bound given.
    mode, activation, B, B_bias, B_code
        The bounds of the question (see above).

    Returns
    -------
    tuple
        ``(networks, name)``: one verified network per member, and
        ``"baseline"``, ``"construction:NAME(...)"`` or ``"given"``.

    Raises
    ------
    InputError
        An unknown start or construction, bounds the start does not meet, a
        family in explicit mode.

    Examples
    --------
    >>> nets, name = improve_start(uand(3), activation="step")
    >>> name, nets[0].widths, nets[0].B
    ('baseline', (3,), 2)
    >>> improve_start(uand(3), "nope")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: --start: unknown construction 'nope' (one of explicit, superposed-trivial, hmvc, channels, stars, routed-stars, family)
    """
    members = _members(subject)
    family = isinstance(subject, Family)
    nets = _given_networks(start)
    if nets is not None:
        _check_start_bounds(nets[0], dict(mode=mode, activation=activation, B=B,
                                          B_bias=B_bias, B_code=B_code))
        return nets, "given"
    if start == "baseline":
        mode = mode or ("superposed" if family else "explicit")
        if family and mode != "superposed":
            raise InputError("mode: a family with shared codes needs superposed mode")
        return baseline(members, mode, activation or "relu", B=2 if B is None else B,
                        B_bias=B_bias, B_code=B_code), "baseline"
    name, params = (start, None) if isinstance(start, str) else tuple(start)
    nets, label = construction_start(name, members, activation or "relu", params,
                                     family=subject if family else None)
    if mode is not None and mode != nets[0].mode:
        raise InputError(f"mode: construction:{name} gives a {nets[0].mode} network")
    if B_bias is None and B is not None:
        B_bias = max(B, nets[0].B_bias)
    return widen(nets, B, B_bias, B_code), label


def _given_networks(start):
    """``start`` as a list of networks, or None when it names a start."""
    if isinstance(start, Network):
        return [start]
    if isinstance(start, (list, tuple)) and start and all(isinstance(x, Network)
                                                         for x in start):
        return list(start)
    return None


def _check_start_bounds(net, given):
    for name, want in given.items():
        have = getattr(net, name) if name != "B_code" or net.mode == "superposed" else want
        if want is not None and want != have:
            raise InputError(f"{name}: {want} differs from the start network's {have} "
                             f"(the start network's bounds define the question)")


def improve(subject: Union[Task, Family], start: StartSpec = "baseline", *,
            mode: Optional[str] = None, activation: Optional[str] = None,
            B: Optional[int] = None, B_bias: Optional[int] = None, B_code: Optional[int] = None,
            options: Optional[LNSOptions] = None, **kw) -> Improvement:
    """Make a correct network smaller (``superpos improve``).

    Large-neighbourhood search: drop a hidden neuron, repair a window of
    the network around it by SAT, accept only exactly verified networks
    that are smaller (hidden neurons, then nonzero parameters, then bits);
    :mod:`superpos_formal.solve.improve` has the method. Minimality stays
    UNKNOWN: nothing here proves a lower side (:func:`min_neurons` does).

    Parameters
    ----------
    subject : Task or Family
        A family is improved with shared codes (superposed networks).
    start : str, tuple, Network or list of Network
        Where the search begins (:func:`improve_start`; default the
        one-neuron-per-output baseline).
    mode, activation, B, B_bias, B_code
        Bounds of the question (:func:`improve_start`).
    options : LNSOptions, optional
        How the search runs; or its fields as keywords: ``seed`` (0),
        ``budget`` (wall-clock seconds, 60), ``max_steps``, ``window`` (2),
        ``conflicts`` (per SAT call, 5000), ``sparsify`` (True),
        ``progress`` (a callable), ``target`` (stop at this width),
        ``core`` (a family's members solved together, 2).

    Returns
    -------
    Improvement
        ``networks`` (verified on every input of every member), ``counts``,
        ``start_counts``, ``history``, ``stopped``; ``minimality`` UNKNOWN.

    Raises
    ------
    InputError
        A bad subject, start, bound or option (one line, naming it).

    Examples
    --------
    >>> res = improve(uand(3), activation="step", seed=0, max_steps=20, budget=30)
    >>> res.start_counts["hidden_neurons"], res.counts["hidden_neurons"]
    (3, 2)
    >>> res  # doctest: +ELLIPSIS
    <Improvement uand(m=3): n 3 -> 2, nonzero ... steps, stopped: ..., minimality UNKNOWN>
    """
    opt = LNSOptions.of(options, kw)
    nets, _ = improve_start(subject, start, mode=mode, activation=activation, B=B,
                            B_bias=B_bias, B_code=B_code)
    return run_lns(subject, nets, opt)


def cubes(subject: Union[Task, Family], shape: Shape, *,
          members: Optional[Sequence[Union[Task, str]]] = None, out: Optional[str] = None,
          overwrite: bool = False, work_dir: Optional[str] = None, client=None,
          options: Optional[CubeOptions] = None, **kw) -> CubeResult:
    """Decide one hard cell by cube and conquer (``superpos cubes``).

    The cell's formula is split into cubes; every cube is solved with a
    DRAT proof that is checked where it was made, and the cubes' cover gets
    a checked proof of its own. UNSAT means all of those checked; SAT a
    verified network; anything else is UNKNOWN (``open_cubes``).

    Parameters
    ----------
    subject : Task or Family
    shape : Shape
        The cell (e.g. ``shape(uand(3), 2, activation="step", B=1)``).
    members : list of Task or of member names, optional
        A family's subfamily: its UNSAT refutes the family, its SAT answers
        nothing about the family.
    out : path, optional
        Write the UNSAT bundle (``superpos verify`` re-checks it) or the SAT
        ``network.json`` here; an existing folder only with ``overwrite``.
    work_dir : path, optional
        Keep refuted cubes and re-splits here; a later run of the same cell
        takes them from there (their proofs checked again). A folder made
        for another formula is refused.
    client : dask.distributed.Client, optional
        Solve the cubes on this cluster (default: one after another here).
    options : CubeOptions, optional
        How to split and solve; or its fields as keywords: ``depth`` (2),
        ``split`` (``"lookahead"`` or ``"sign"``), ``time_limit`` (per
        cube), ``resplit``, ``resplit_depth``, ``symmetry``, ``sums``,
        ``memory_mb``, ``budget``, ``progress``.

    Returns
    -------
    CubeResult
        ``status``, ``cubes``, ``answers`` (one per cube, proofs checked),
        ``network`` (SAT), ``open_cubes`` (UNKNOWN).

    Raises
    ------
    InputError
        A bad subject, shape, option, member, ``out`` that exists, or a work
        folder of another formula.

    Examples
    --------
    >>> r = cubes(uand(3), shape(uand(3), 2, activation="step", B=1), depth=1, split="sign")
    >>> r.status, len(r.cubes), all(a.checked for a in r.answers)
    ('UNSAT', 3, True)
    >>> r  # doctest: +ELLIPSIS
    <CubeResult UNSAT: 3 cubes, 3 proofs checked, ...s>
    """
    opt = CubeOptions.of(options, kw)
    family = subject if isinstance(subject, Family) else None
    members = _cube_question(subject, shape, members, out, overwrite)
    res = cube_and_conquer(None if family else subject, shape, family=family, members=members,
                           options=opt, client=client, work_dir=work_dir)
    if out is not None:
        _write_cubes(res, out, shape, subject, opt, overwrite)
    return res


def _cube_question(subject, shape, members, out, overwrite):
    """Check :func:`cubes`' arguments before anything is solved; the
    subfamily as tasks (names resolved)."""
    _members(subject)
    if not isinstance(shape, Shape):
        raise InputError("shape: expected a Shape (e.g. sf.shape(task, n, ...))")
    if out is not None and Path(out).exists() and not (overwrite and Path(out).is_dir()):
        raise InputError(f"{out}: already exists" + ("" if overwrite else
                                                     " (overwrite=True replaces a folder)"))
    if members is None or not isinstance(subject, Family):
        return members
    return [subfamily_named(subject, [x], "members")[0] if isinstance(x, str) else x
            for x in members]


def _write_cubes(res, out, shape, subject, opt, overwrite):
    """The UNSAT bundle, or the SAT network (verified), at ``out``."""
    family = isinstance(subject, Family)
    if res.status == "UNSAT":
        make_cube_bundle(out, res, shape=shape, task=None if family else subject,
                         family=subject if family else None, symmetry=opt.symmetry,
                         sums=opt.sums, overwrite=overwrite)
    elif res.status == "SAT":
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "network.json").write_text(
            json.dumps(network_to_dict(res.network), indent=1))
