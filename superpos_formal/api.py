"""The front door: build tasks, ask questions, certify and verify answers.

Every verb of the ``superpos`` command is a function here, with the same
names and defaults (the CLI only parses arguments, calls these and prints).
Each question returns an :class:`~superpos_formal.results.Answer`; every
network in it has been verified exactly, every UNSAT is labelled checked or
unchecked, and anything else is UNKNOWN (docs/MODEL.md, "Answers and
evidence").

Shape arguments (all questions)
-------------------------------
``mode`` ``"explicit"`` (``E = I``, ``R = I``; default) or ``"superposed"``;
``activation`` ``"relu"`` (default) or ``"step"``; ``L`` hidden layers (1);
``B`` weights in ``[-B, B]`` (2); ``B_bias`` biases (default ``B``);
``B_code`` code entries (default ``max(B, 1)``); ``theta`` readout threshold
(1); ``codes`` in superposed mode: ``"random"`` (seeded sparse codes redrawn
per width; the CLI's default), ``"free"`` (chosen by the solver; shared by a
family) or ``"given"`` (``E`` and ``R``); ``code_k``, ``code_seed`` for
random codes; ``tolerance`` wrong output bits allowed (0).

Solver arguments
----------------
``time_limit`` seconds per solve (every solve runs in its own process and is
killed at the limit: UNKNOWN); ``budget`` seconds for the whole call;
``solver`` (``"cadical195"``); ``symmetry`` (sound symmetry breaks, True);
``sums`` (``"auto"``: the order tree, binary adders for wide output sums;
or ``"tree"``, ``"pb"``, ``"binary"``); ``cegis`` (counterexample-guided);
``check`` (log and check a DRAT proof of every UNSAT, True); ``progress``
(a callable receiving one line per solve).

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
"""

import time
from pathlib import Path

from . import tasks as T
from .certify.drat import Budget
from .certify.best_known import registry_file, verify_registry
from .certify.bundle import verify_bundle
from .certify.lower_bound import is_lower_bound_target, verify_lower_bounds
from .certify.check import check_unsat
from .certify.minimum import bundle_decision, bundle_minimum
from .codes import check_codes, random_codes_for
from .errors import InputError
from .results import Answer, CodeKind, Mode, Question, ResultTable, Status, parse_enum
from .shape import Shape
from .distributed import run_campaign_store
from .solve.capacity import capacity as _capacity
from .solve.count import count_functions, count_threshold_functions
from .solve.equivariant import decide_family_orbits
from .solve.family import decide_family, min_neurons_family
from .solve.incremental import min_neurons_incremental
from .solve.runner import DEFAULT_SOLVER
from .solve.search import decide as _decide
from .solve.search import min_bits as _min_bits
from .solve.search import min_neurons as _min_neurons
from .solve.search import min_parameters as _min_parameters
from .verify import verify as _verify_network

__all__ = [
    # tasks and families
    "task", "family", "uand", "permutations", "pair_sets", "identity", "parity",
    "majority", "truth_table",
    # questions
    "shape", "decide", "min_neurons", "min_params", "min_bits", "count", "capacity",
    # evidence
    "certify", "verify", "check",
    # campaigns
    "campaign",
]


# ------------------------------------------------------------------ tasks

def task(kind, m, **kw):
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

    Examples
    --------
    >>> task("xor_pairs", 3, pairs="0-1").outputs[4]
    (0,)
    """
    return T.build_task(kind, m, **kw)


def family(kind, m, **kw):
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

    Examples
    --------
    >>> family("pair-sets", 4, m_out=2).size
    15
    """
    return T.build_family(kind, m, **kw)


def uand(m, s=2):
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

    Examples
    --------
    >>> t = uand(4)
    >>> t.m, t.m_out, t.s, len(t.inputs)
    (4, 6, 2, 11)
    """
    return T.uand(m, s)


def permutations(m, s=1):
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

    Examples
    --------
    >>> permutations(3).size
    6
    """
    return T.build_family("permutations", m, s=s)


def pair_sets(m, m_out, s=2, op="and"):
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

    Examples
    --------
    >>> pair_sets(4, 2).size, pair_sets(4, 1, op="xor").name
    (15, "xor_pair_sets(m=4,m'=1,s=2)")
    """
    return T.build_family("pair-sets", m, m_out=m_out, s=s, op=op)


def identity(m, s=1):
    """``y = x`` on ``m`` features: the representation task.

    Parameters
    ----------
    m : int
    s : int
        Sparsity (default 1).

    Returns
    -------
    Task

    Examples
    --------
    >>> identity(3).m_out
    3
    """
    return T.identity(m, s)


def parity(m, s=None):
    """XOR of all ``m`` bits; dense inputs (``s = m``) by default.

    Parameters
    ----------
    m : int
    s : int, optional
        Sparsity (default ``m``: all of ``{0,1}^m``).

    Returns
    -------
    Task

    Examples
    --------
    >>> parity(2).outputs
    ((0,), (1,), (1,), (0,))
    """
    return T.parity(m, s)


def majority(m, s=None):
    """Strict majority of ``m`` bits (a tie is 0); dense inputs by default.

    Parameters
    ----------
    m : int
    s : int, optional
        Sparsity (default ``m``).

    Returns
    -------
    Task

    Examples
    --------
    >>> majority(3)((1, 1, 0))
    (1,)
    """
    return T.majority(m, s)


def truth_table(m, s, outputs):
    """Any task, given as its truth table over ``X(m, s)`` in domain order.

    Parameters
    ----------
    m, s : int
    outputs : list of rows, or str
        One row of 0/1 per input of :func:`superpos_formal.domain.domain`
        ``(m, s)``, or the CLI's ``"0,1,1,0"`` text.

    Returns
    -------
    Task

    Examples
    --------
    >>> truth_table(2, 2, [[0], [1], [1], [0]]) == parity(2)
    False
    >>> truth_table(2, 2, "0,1,1,0").outputs == parity(2).outputs
    True
    """
    return T.build_task("table", m, s=s, outputs=outputs)


# ------------------------------------------------------------------ shapes

def shape(subject, n=1, *, mode="explicit", activation="relu", L=1, B=2, B_bias=None,
          B_code=None, theta=1, codes=None, E=None, R=None, tolerance=0):
    """The :class:`~superpos_formal.shape.Shape` a question is asked at.

    ``codes`` defaults to ``"random"`` in superposed mode, like the CLI, and
    to ``"given"`` when ``E`` and ``R`` are passed; random codes are drawn
    here (``code_k = 2``, ``code_seed = 0``; see :func:`decide` to choose).

    Raises
    ------
    InputError
        A bias bound without a hidden layer (``B_bias`` with ``L = 0``: there
        is no bias to bound), or any invalid field.

    Examples
    --------
    >>> shape(uand(3), 2).B_bias
    2
    >>> shape(identity(4), 2, mode="superposed", codes="free", L=0, B_bias=1)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: B_bias: a network with no hidden layer (L=0) has no biases
    """
    sh, _ = _shape(subject, n, mode, activation, L, B, B_bias, B_code, theta, codes, E, R,
                   2, 0, tolerance)
    return sh


def _shape(subject, n, mode, activation, L, B, B_bias, B_code, theta, codes, E, R,
           code_k, code_seed, tolerance):
    """``(Shape, codes_for)``; ``codes_for`` is the per-width generator of
    random codes (``None`` otherwise)."""
    mode = parse_enum(Mode, mode, "mode")
    if B_bias is not None and L == 0:
        raise InputError("B_bias: a network with no hidden layer (L=0) has no biases")
    base = dict(mode=mode, activation=activation, n=n, L=L, B=B, B_bias=B_bias,
                B_code=B_code, theta=theta, tolerance=tolerance)
    if mode == Mode.EXPLICIT:
        if codes not in (None, CodeKind.IDENTITY) or E is not None or R is not None:
            raise InputError("codes: explicit mode has identity codes (E = I, R = I)")
        return Shape(**base), None
    if codes is None:
        codes = CodeKind.GIVEN if E is not None or R is not None else CodeKind.RANDOM
    codes = parse_enum(CodeKind, codes, "codes")
    if codes == CodeKind.FREE:
        return Shape(codes=CodeKind.FREE, **base), None
    if codes == CodeKind.GIVEN:
        if E is None or R is None:
            raise InputError("codes: given codes need E and R")
        return Shape(codes=CodeKind.GIVEN, E=E, R=R, **dict(base, n=len(E))), None
    if codes == CodeKind.IDENTITY:
        raise InputError("codes: identity codes are explicit mode (mode='explicit')")
    if code_k < 1:
        raise InputError(f"code_k: nonzeros per column must be >= 1, got {code_k}")
    codes_for = random_codes_for(subject.m, subject.m_out, code_k, code_seed)
    # the template needs codes of some width; searches redraw them per width
    # and skip the widths where none can be drawn (NOCODE, with the reason)
    last = None
    for k in range(n, n + 64):
        try:
            E, R = codes_for(k)
            return Shape(codes=CodeKind.GIVEN, E=E, R=R, **dict(base, n=k)), codes_for
        except InputError as e:
            last = e
    raise InputError(f"codes: no random code of dimension {n}..{n + 63} can be drawn ({last})")


def _solve_kw(solver, symmetry, sums, cegis, check):
    return dict(solver=solver, symmetry=symmetry, sums=sums, cegis=cegis,
                check=check_unsat if check else None)


def _answer(question, subject, search_or_cell, shape, seconds, columns=None):
    """An :class:`Answer` from the solve layer's ``Search`` or cell."""
    rec = search_or_cell
    if hasattr(rec, "cells"):  # a Search
        best = rec.best
        rows = rec.table() if columns is None else [
            {k: r.get(k) for k in columns} for r in
            (dict(c.row(), bound=c.options.get("max_nonzero", "-")) for c in rec.cells)]
        last = rec.cells[-1].status if rec.cells else Status.UNKNOWN
        status = Status.SAT if best is not None else Status(last)
        nets = _networks(best)
        return Answer(question, subject, best.shape if best else shape, status,
                      minimum=rec.minimum, networks=nets, certified=bool(rec.certified),
                      seconds=seconds, table=ResultTable(rows), note=rec.note,
                      search=rec, codes=_codes(best))
    cell = rec
    certified = cell.status == Status.SAT or (cell.status == Status.UNSAT and cell.certified)
    return Answer(question, subject, cell.shape, Status(cell.status),
                  networks=_networks(cell), certified=certified, seconds=seconds,
                  table=ResultTable([cell.row()]), note=getattr(cell, "check_note", ""),
                  search=cell, codes=_codes(cell))


def _networks(cell):
    if cell is None:
        return []
    nets = getattr(cell, "networks", None)
    if nets is not None:
        return list(nets)
    return [cell.network] if getattr(cell, "network", None) is not None else []


def _codes(cell):
    if cell is not None and getattr(cell, "E", None) is not None and hasattr(cell, "networks"):
        return (cell.E, cell.R)
    return None


def _is_family(subject):
    return isinstance(subject, T.Family)


# ------------------------------------------------------------------ questions

def decide(subject, n=1, *, mode="explicit", activation="relu", L=1, B=2, B_bias=None,
           B_code=None, theta=1, codes=None, E=None, R=None, code_k=2, code_seed=0,
           tolerance=0, time_limit=None, budget=None, solver=DEFAULT_SOLVER,
           symmetry=True, sums="auto", cegis=False, check=True):
    """Does a network of this shape compute the task (or serve the family)?

    Parameters
    ----------
    subject : Task or Family
        A family asks the family question: one shared free code, one weight
        set per member (``mode="superposed"``, ``codes="free"``).
    n : int
        Width (default 1).
    mode, activation, L, B, B_bias, B_code, theta, codes, E, R, code_k, code_seed, tolerance
        The shape (module docstring). With random codes the codes are drawn
        at width ``n`` exactly.
    time_limit, budget, solver, symmetry, sums, cegis, check
        The solver (module docstring).

    Returns
    -------
    Answer
        ``status`` SAT (``.network`` / ``.networks`` verified), UNSAT
        (``certified`` when its DRAT proof was checked) or UNKNOWN.

    Raises
    ------
    InputError
        An invalid shape, or given codes that are degenerate for the task.

    Examples
    --------
    >>> a = decide(uand(3), 2, activation="step")
    >>> a.status, a.network.widths
    ('SAT', (2,))
    >>> decide(uand(3), 1, activation="step")  # doctest: +ELLIPSIS
    <Decision uand(m=3) explicit step L=1 B=2 bias=2 theta=1 n=1: UNSAT checked ... s>
    """
    t0 = time.perf_counter()
    if _is_family(subject):
        sh, _ = _shape(subject, n, mode, activation, L, B, B_bias, B_code, theta,
                       codes if codes is not None else CodeKind.FREE, E, R, code_k,
                       code_seed, tolerance)
        cell = decide_family(subject, sh, time_limit=time_limit, budget=budget,
                             solver=solver, symmetry=symmetry,
                             check=check_unsat if check else None)
        return _answer(Question.DECIDE, subject, cell, sh, time.perf_counter() - t0)
    sh, codes_for = _shape(subject, n, mode, activation, L, B, B_bias, B_code, theta, codes,
                           E, R, code_k, code_seed, tolerance)
    if codes_for is not None and sh.n != n:
        raise InputError(f"codes: no random code of dimension {n} can be drawn "
                         f"(code_k={code_k}, code_seed={code_seed})")
    if sh.mode == Mode.SUPERPOSED and sh.codes == CodeKind.GIVEN:
        check_codes(sh.E, sh.R, subject, sh.theta, tolerance=sh.tolerance)
    cell = _decide(subject, sh, time_limit=time_limit, budget=budget,
                   **_solve_kw(solver, symmetry, sums, cegis, check))
    return _answer(Question.DECIDE, subject, cell, sh, time.perf_counter() - t0)


def min_neurons(subject, *, n_min=1, n_max=8, mode="explicit", activation="relu", L=1,
                B=2, B_bias=None, B_code=None, theta=1, codes=None, E=None, R=None,
                code_k=2, code_seed=0, tolerance=0, time_limit=None, budget=None,
                solver=DEFAULT_SOLVER, symmetry=True, sums="auto", cegis=False,
                check=True, incremental=False, proof_dir=None, progress=None,
                family_method="cegis"):
    """The smallest width ``n`` in ``n_min..n_max`` (per-width table).

    The first SAT after an UNSAT (or at ``n = 1``) is the minimum, because
    SAT is monotone in ``n`` for explicit, free-code, family and
    representation questions (docs/MODEL.md, "Questions"). With random
    codes (redrawn per width) the answer is "the first ``n`` that works with
    these codes", never a minimum (``minimum`` is None, ``note`` says so).

    Parameters
    ----------
    subject : Task or Family
    n_min, n_max : int
        Widths tried (default 1..8).
    family_method : str
        Families only: ``"cegis"`` (default, the member loop) or ``"orbits"``
        (an equivariant shared code first; :mod:`superpos_formal.solve.equivariant`).
    incremental : bool
        Explicit mode: one solver for all widths (assumptions); the UNSAT
        below the minimum is then re-solved for a proof only by
        :func:`certify`.
    proof_dir : path, optional
        Keep every UNSAT's formula and DRAT proof there (``n{n}.cnf``,
        ``n{n}.drat``); :func:`certify` uses them instead of solving again.
    progress : callable, optional
        Receives one line per solve.
    others
        The shape and solver arguments (module docstring).

    Returns
    -------
    Answer
        ``minimum``, the verified ``networks`` at it, and the per-width
        ``table``.

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
    if _is_family(subject):
        if mode != Mode.SUPERPOSED or (codes is not None and codes != CodeKind.FREE):
            raise InputError("family: the family question needs mode='superposed', "
                             "codes='free'")
        if incremental:
            raise InputError("incremental: supported for single tasks in explicit mode only")
        sh, _ = _shape(subject, n_min, mode, activation, L, B, B_bias, B_code, theta,
                       CodeKind.FREE, None, None, code_k, code_seed, tolerance)
        res = min_neurons_family(subject, sh, n_min=n_min, n_max=n_max,
                                 time_limit=time_limit, budget=budget, progress=progress,
                                 proof_dir=proof_dir, solver=solver, symmetry=symmetry,
                                 check=check_unsat if check else None,
                                 decide=_family_method(family_method))
        return _answer(Question.MIN_NEURONS, subject, res, sh, time.perf_counter() - t0)
    sh, codes_for = _shape(subject, n_min, mode, activation, L, B, B_bias, B_code, theta,
                           codes, E, R, code_k, code_seed, tolerance)
    if sh.mode == Mode.SUPERPOSED and sh.codes == CodeKind.GIVEN and codes_for is None:
        raise InputError("codes: given codes fix the width; use decide() at that width, "
                         "or codes='free' / 'random' to search widths")
    if incremental:
        if sh.mode != Mode.EXPLICIT:
            raise InputError("incremental: supported in explicit mode only")
        res = min_neurons_incremental(subject, sh, n_min=n_min, n_max=n_max,
                                      time_limit=time_limit, solver=solver,
                                      symmetry=symmetry, progress=progress,
                                      certify_below=proof_dir is not None,
                                      proof_dir=proof_dir,
                                      check=check_unsat if check else None)
    else:
        res = _min_neurons(subject, sh, n_min=n_min, n_max=n_max, time_limit=time_limit,
                           budget=budget, codes_for=codes_for, progress=progress,
                           proof_dir=proof_dir,
                           **_solve_kw(solver, symmetry, sums, cegis, check))
    return _answer(Question.MIN_NEURONS, subject, res, sh, time.perf_counter() - t0)


def _family_method(name):
    """The per-width decision of the family question named ``name``."""
    if name == "cegis":
        return decide_family
    if name == "orbits":
        return decide_family_orbits
    raise InputError(f"family_method: unknown {name!r} (cegis, orbits)")


def min_params(task, n=1, *, mode="explicit", activation="relu", L=1, B=2, B_bias=None,
               B_code=None, theta=1, codes=None, E=None, R=None, code_k=2, code_seed=0,
               tolerance=0, time_limit=None, budget=None, solver=DEFAULT_SOLVER,
               symmetry=True, sums="auto", cegis=False, check=True, progress=None):
    """The fewest nonzero parameters (``W, b, V, c``) at a fixed shape.

    A cardinality bound is tightened from the best network found until
    UNSAT (the minimum) or UNKNOWN. Arguments as for :func:`decide`.

    Examples
    --------
    >>> a = min_params(uand(3), 2, activation="step")
    >>> a.minimum, a.network.counts()["params_nonzero"]
    (15, 15)
    """
    t0 = time.perf_counter()
    sh, _ = _shape(task, n, mode, activation, L, B, B_bias, B_code, theta, codes, E, R,
                   code_k, code_seed, tolerance)
    res = _min_parameters(task, sh, time_limit=time_limit, budget=budget, progress=progress,
                          **_solve_kw(solver, symmetry, sums, cegis, check))
    cols = ["bound", "status", "proof", "seconds", "vars", "clauses"]
    return _answer(Question.MIN_PARAMS, task, res, sh, time.perf_counter() - t0, cols)


def min_bits(task, n=1, *, B_max=6, mode="explicit", activation="relu", L=1,
             B_bias=None, B_code=None, theta=1, codes=None, E=None, R=None, code_k=2,
             code_seed=0, tolerance=0, time_limit=None, budget=None,
             solver=DEFAULT_SOLVER, symmetry=True, sums="auto", cegis=False, check=True,
             progress=None):
    """The smallest weight bound ``B`` in ``0..B_max`` at width ``n``.

    ``B_bias`` follows ``B`` unless given (then it stays fixed); the table
    says which. Arguments as for :func:`decide`.

    Examples
    --------
    >>> a = min_bits(uand(3), 2, activation="step")
    >>> a.minimum, [(r["B"], r["bias"], r["status"]) for r in a.table]
    (2, [(0, 0, 'UNSAT'), (1, 1, 'UNSAT'), (2, 2, 'SAT')])
    """
    t0 = time.perf_counter()
    sh, _ = _shape(task, n, mode, activation, L, B_max, B_bias, B_code, theta, codes, E,
                   R, code_k, code_seed, tolerance)
    res = _min_bits(task, sh, B_max=B_max, time_limit=time_limit, budget=budget,
                    progress=progress, bias_follows=B_bias is None,
                    **_solve_kw(solver, symmetry, sums, cegis, check))
    return _answer(Question.MIN_BITS, task, res, sh, time.perf_counter() - t0)


def count(m=None, m_out=None, s=None, n=1, *, threshold=None, method="auto",
          mode="explicit", activation="relu", L=1, B=None, B_bias=None, B_code=None,
          theta=1, time_limit=None, limit=None, functions=False, progress=None):
    """The number of distinct functions an architecture realizes.

    Either ``X(m, s) -> {0,1}^{m'}`` functions of a shape (SAT enumeration
    with blocking clauses, every function backed by a verified network; the
    enumeration is one incremental solver session, so ``time_limit`` bounds
    it whole), or with ``threshold=K`` the threshold functions
    ``[w . x + b > 0]`` of ``K`` variables with weights in ``[-B, B]``.
    A limit gives "at least N", never N.

    Returns
    -------
    CountResult
        ``count``, ``exact``, ``text``.

    Examples
    --------
    >>> count(2, 1, 2, activation="step", B=1).count
    14
    >>> count(threshold=2).count
    14
    """
    if threshold is not None:
        if any(v is not None for v in (m, m_out, s)):
            raise InputError("threshold: counts one step neuron on all of {0,1}^K; "
                             "m, m_out, s do not apply")
        return count_threshold_functions(threshold, B, method=method, time_limit=time_limit,
                                         progress=progress, functions=functions)
    for nm, v in (("m", m), ("m_out", m_out), ("s", s)):
        if v is None:
            raise InputError(f"{nm}: required (or use threshold=K)")
    mode = parse_enum(Mode, mode, "mode")
    kw = {} if mode == Mode.EXPLICIT else {"codes": CodeKind.FREE}
    if B_bias is not None and L == 0:
        raise InputError("B_bias: a network with no hidden layer (L=0) has no biases")
    sh = Shape(mode=mode, activation=activation, n=n, L=L, B=1 if B is None else B,
               B_bias=B_bias, B_code=B_code, theta=theta, **kw)
    return count_functions(m, m_out, s, sh, time_limit=time_limit, limit=limit,
                           progress=progress, functions=functions)


def capacity(family, n, *, m=None, s=None, op=None, m_out_min=1, m_out_max=None,
             counting_only=False, activation="relu", L=1, B=1, B_bias=None, B_code=None,
             theta=1, time_limit=None, budget=None, check=True, progress=None):
    """The largest ``m'`` whose family is computable at width ``n``.

    Parameters
    ----------
    family : str
        ``"permutations"`` or ``"pair-sets"``.
    n : int
        The width tested (shared free codes, superposed mode).
    m : int, optional
        Pair sets: input features (required).
    m_out_min, m_out_max : int
        The range of ``m'`` (default 1..4 for permutations, 1..C(m, 2)).
    counting_only : bool
        Only the counting bound; no solver.

    Returns
    -------
    Capacity
        ``rows`` (one per ``m'``), ``ok_upto``, ``first_fail``.

    Examples
    --------
    >>> r = capacity("permutations", 1, m_out_max=2, B=1)
    >>> [row["status"] for row in r.rows], r.ok_upto
    (['SAT', 'SAT'], 2)
    """
    if B_bias is not None and L == 0:
        raise InputError("B_bias: a network with no hidden layer (L=0) has no biases")
    sh = Shape(mode=Mode.SUPERPOSED, activation=activation, n=n, L=L, B=B, B_bias=B_bias,
               B_code=B_code, theta=theta, codes=CodeKind.FREE)
    return _capacity(family, sh, m=m, s=s, op=op, m_out_min=m_out_min,
                     m_out_max=m_out_max, counting_only=counting_only,
                     time_limit=time_limit, budget=budget,
                     check=check_unsat if check else None, progress=progress)


# ------------------------------------------------------------------ evidence

def certify(result, dir, *, overwrite=False, headline=False, time_limit=None):
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


def verify(path, *, checkers=None, regenerate=True, max_unzipped=None,
           regenerate_proofs=False):
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
        regenerable (certify/regen_proof.py; minutes per claim).

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
        kw["budget"] = Budget(regenerate_proofs=True)
    if registry_file(path) is not None:
        # a best-known registry: every row re-checked like a claim
        return verify_registry(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)
    if is_lower_bound_target(path):  # lower-bound claims (certify/lower_bound.py)
        return verify_lower_bounds(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)
    return verify_bundle(path, regenerate=regenerate, max_unzipped=max_unzipped, **kw)


def check(network, task, tolerance=0):
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

    Examples
    --------
    >>> a = decide(uand(3), 2, activation="step")
    >>> check(a.network, uand(3)).ok
    True
    """
    return _verify_network(network, task, tolerance)


# ------------------------------------------------------------------ campaigns

def campaign(file, store=None, *, results_dir="search/results", proofs_dir=None, workers=0,
             scheduler=None, quiet=True):
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

    Returns
    -------
    dict
        ``run``, ``skipped``, ``failed`` cell counts and ``seconds``.

    Examples
    --------
    >>> import json, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> f = os.path.join(d, "c.json")
    >>> _ = open(f, "w").write(json.dumps({"format": "superpos-formal/campaign",
    ...     "version": 1, "name": "c", "cells": [{"task": {"kind": "parity", "m": 2},
    ...     "shape": {"mode": "explicit", "activation": "step", "B": 1}, "n_max": 3}]}))
    >>> campaign(f, results_dir=d)["run"]
    1
    """
    store = store or str(Path(results_dir) / "results.sqlite")
    return run_campaign_store(file, store, workers=workers, scheduler=scheduler,
                              proofs_dir=proofs_dir, results_dir=results_dir, quiet=quiet)
