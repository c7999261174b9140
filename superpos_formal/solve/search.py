"""Decide one cell and search for minimum networks (docs/MODEL.md 4.2).

Every answer is a :class:`~superpos_formal.solve.cell.Cell`: SAT with a
network that the exact verifier accepted, UNSAT (with a DRAT proof when one
was asked for), or UNKNOWN (a limit was reached). A SAT model whose network
fails verification raises :class:`~superpos_formal.errors.SoundnessError`:
it is a bug, never a result.

Every solve function here takes ``(subject, shape, options=None, *,
budget=None, checker=None, <question-specific arguments>)``: ``options`` a
:class:`~superpos_formal.options.SolveOptions` passed down whole, ``budget``
the call's :class:`~superpos_formal.budget.Budget` passed down as an object
(each solve's limit is ``budget.clamp(options.time_limit)``), ``checker``
the proof checker (passed down: certify is above solve).

Searches
--------
``min_neurons``: ``n = n_min, n_min+1, ...`` until the first SAT, by the
one ascending search (:func:`~superpos_formal.solve.ascend.ascend`). For
explicit mode and free codes SAT is monotone in ``n`` (pad with a neuron
whose incoming and outgoing weights are 0), so the first SAT after an UNSAT
at ``n - 1`` (or at ``n = 1``) is the minimum. With given codes regenerated per
``n`` this is only "the first ``n`` that works with these codes".

``min_parameters``: at a fixed shape, the fewest nonzero parameters
(``W, b, V, c``), by a cardinality bound tightened until UNSAT.

``min_bits``: at a fixed width, the smallest weight bound ``B``
(``B_bias`` follows ``B`` unless fixed to another value), i.e. the fewest
bits per weight.
SAT is monotone in ``B`` (a network with weights in ``[-B, B]`` is one in
``[-B-1, B+1]``).
"""

import os
import shutil
import tempfile
import time
from dataclasses import replace

from pysat.solvers import Solver

from ..codes import forced_errors
from ..encode import code_choice
from ..encode.sat import encode_sat, validate_question
from ..errors import InputError, SoundnessError
from ..network import Network
from ..results import CodeKind, Mode, Status
from ..schema import network_from_dict
from ..sizes import check_encoding_size
from ..verify import verify
from ..budget import Budget, clamp
from ..options import SolveOptions
from .ascend import ascend
from .cell import Cell, Search
from .cores import IdleProbe, usable_cores
from .runner import Outcome, race, run

__all__ = ["decide", "min_neurons", "min_parameters", "min_bits",
           "CADICAL_CONFIGS", "AUTO_PORTFOLIO", "AUTO_PORTFOLIO_DEEP", "PORTFOLIO_STAGGER",
           "NOSYM", "NOSYM_CONFLICTS", "racer_parts", "resolve_portfolio",
           "usable_cores", "LIFT_SHARE", "liftable", "lift_depth", "formula_label", "proof_paths"]


def resolve_encoder(encoder, task, shape, inputs=None, max_nonzero=None):
    """The encoder of one question: ``encoder`` itself, or for ``"auto"``
    :mod:`~superpos_formal.encode.code_choice` where it applies (the
    representation question with one-hot inputs, all of ``X``, no nonzero
    bound) and the order encoding everywhere else.

    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.tasks import identity
    >>> sh = Shape("superposed", "relu", n=3, L=0, B_code=2, codes="free")
    >>> resolve_encoder("auto", identity(9), sh), resolve_encoder("auto", identity(9, s=2), sh)
    ('code-choice', 'order-tree')
    >>> resolve_encoder("code-choice", identity(9, s=2), sh)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: encoder code-choice: needs one-hot inputs (s = 1), got s = 2
    """
    if encoder == "order-tree":
        return encoder
    why = code_choice.applies(task, shape)
    if why is None and (inputs is not None or max_nonzero is not None):
        why = "encodes the whole input set and no nonzero bound"
    if why is None:
        return code_choice.ENCODER_NAME
    if encoder == "auto":
        return "order-tree"
    raise InputError(f"encoder {encoder}: {why}")


def _encode_options(symmetry, max_nonzero, sums, inputs, encoder="order-tree"):
    if encoder == code_choice.ENCODER_NAME:
        # its only option; a claim records exactly what regenerates the CNF
        return {"symmetry": bool(symmetry)}
    d = {"symmetry": bool(symmetry), "sums": sums}
    if max_nonzero is not None:
        d["max_nonzero"] = max_nonzero
    if inputs is not None:
        d["inputs"] = [list(x) for x in inputs]
    return d


#: CaDiCaL option sets a solve can use (``decide(config=...)``) or race
#: (``decide(portfolio=...)``). ``"sat"`` is CaDiCaL's own ``--sat`` preset
#: (src/config.cpp of CaDiCaL 1.9.5: ``elimreleff=10``, ``stabilizeonly=1``,
#: ``subsumereleff=60``): it stays in the stable (target-phase) search mode,
#: which finds models of the satisfiable frontier cells (universal AND,
#: step, given codes) that the default mode's restarts keep losing
#: (``stabilizeonly`` alone is the option that matters on them); see
#: benchmarks/README.md, "Frontier findings". Options change the search,
#: never the formula, so a model is still verified and a DRAT proof still
#: refutes the same CNF.
CADICAL_CONFIGS = {
    "default": {},
    "sat": {"elimreleff": 10, "stabilizeonly": 1, "subsumereleff": 60},
}


#: suffix of a racer name (``"sat:nosym"``) whose formula has no symmetry
#: breaks and which answers only SAT. Symmetry breaks (encode/sat.py) keep
#: one sorted network of each orbit; on unsatisfiable questions that prunes
#: the search, but on satisfiable ones the solver must find the sorted
#: representative among ``n!`` equivalent networks (times the feature
#: permutations in explicit mode), and the lex chains steer its decisions
#: away from the models it would find first. Measured with the ``--sat``
#: preset (conflicts until the first model, benchmarks/README.md, "Frontier
#: findings"): universal AND m = 4, given codes, step, n = 4: 28 k-43 k with
#: the breaks, 4.0 k without; universal AND m = 6 step n = 5: 11 k-15 k
#: against 2.2 k; permutations m = 6, given codes, relu: 7.3 k-9.9 k against
#: 1.9 k; on the unsatisfiable cells the breaks save 2-7x. Such a racer
#: logs no proof and writes no CNF; an UNSAT it finds is discarded (the race
#: goes on), so every UNSAT answer is the asked formula's, with its proof,
#: and the recorded options are the asked ones; its SAT answer is a network
#: verified exhaustively like any other.
NOSYM = ":nosym"
#: conflicts after which a ``NOSYM`` racer stops (and declines). A second
#: CaDiCaL process on a 2-core machine slows the first by 10-30 % (shared
#: caches and memory bandwidth: universal AND m = 5 relu n = 2, UNSAT,
#: 0.35 s alone, 0.40-0.46 s beside a second racer; measured 2026-11-26 at
#: nice 0 with no other jobs, benchmarks/results/history-frontier.md), so on
#: unsatisfiable questions the racer that cannot answer them should not run
#: long. The satisfiable frontier cells it wins needed 1.2 k-6 k conflicts
#: without breaks (the repr cell id7 21 k, where it does not win).
NOSYM_CONFLICTS = 20000


#: the default portfolio (``decide(portfolio="auto")``) on a machine with
#: two or more cores, for questions with at most one hidden layer:
#: CaDiCaL's ``--sat`` preset on the asked formula, and the same preset on
#: the formula without symmetry breaks (``NOSYM``), started
#: :data:`PORTFOLIO_STAGGER` seconds later if no answer has come by then
#: *and* a core was free over those seconds
#: (:class:`~superpos_formal.solve.cores.IdleProbe`). The first racer
#: answers the unsatisfiable questions (the breaks prune them), the second
#: finds models of the satisfiable ones faster (see ``NOSYM``). The preset
#: goes first because it was faster alone than CaDiCaL's default options
#: on 14 of the 20 instance cells of the frontier suite (sum of single-run
#: solve times 21.6 s against 43.1 s, the default timing out on one;
#: benchmarks/README.md, "Frontier findings"). The free-core test keeps a
#: busy machine from splitting one core between two racers; with a free
#: core the second racer costs no wall time, so the stagger only has to
#: keep questions answered at once on one process and to be long enough to
#: measure idle time (25 clock ticks per CPU at 100 Hz): 0.25 s.
AUTO_PORTFOLIO = ("sat", "sat" + NOSYM)
#: the default portfolio for two or more hidden layers, whose formula is
#: solved only after the depth lift found no network one layer lower
#: (:func:`decide`), so it is mostly unsatisfiable: the ``--sat`` preset and
#: CaDiCaL's default options, which were faster on the two-layer step cells
#: (``uand5/expl/step/L2/n3/B1`` UNSAT: 1.2 s against 3.6 s)
AUTO_PORTFOLIO_DEEP = ("sat", "default")
PORTFOLIO_STAGGER = 0.25


def racer_parts(name):
    """``(CaDiCaL option set, answers only SAT without symmetry breaks)``.

    >>> racer_parts("sat"), racer_parts("sat:nosym")
    (('sat', False), ('sat', True))
    """
    if name.endswith(NOSYM):
        return name[:-len(NOSYM)], True
    return name, False


def resolve_portfolio(portfolio, config, solver, cores=None, stagger=None, depth=1):
    """``(configs, delays)`` of a solve.

    ``portfolio="auto"`` races :data:`AUTO_PORTFOLIO` (with ``depth >= 2``
    hidden layers :data:`AUTO_PORTFOLIO_DEEP`), staggered, when the
    solver is CaDiCaL, ``config`` is left at ``"default"`` and at least two
    cores are usable (the later racer then also waits for a free core:
    :func:`decide`), and runs its first option set alone on one core;
    otherwise it is the single ``config``. An explicit
    sequence races all of it from the start, or ``stagger`` seconds apart.

    >>> resolve_portfolio("auto", "default", "cadical195", cores=2)
    (('sat', 'sat:nosym'), (0.0, 0.25))
    >>> resolve_portfolio("auto", "default", "cadical195", cores=2, depth=2)
    (('sat', 'default'), (0.0, 0.25))
    >>> resolve_portfolio("auto", "default", "cadical195", cores=1)
    (('sat',), (0.0,))
    >>> resolve_portfolio("auto", "sat", "cadical195", cores=4)
    (('sat',), (0.0,))
    >>> resolve_portfolio(None, "default", "glucose4", cores=4)
    (('default',), (0.0,))
    >>> resolve_portfolio(("default", "sat"), "default", "cadical195", stagger=1.0)
    (('default', 'sat'), (0.0, 1.0))
    """
    if portfolio is None or portfolio == "auto":
        cores = usable_cores() if cores is None else cores
        if portfolio == "auto" and config == "default" and solver.startswith("cadical"):
            auto = AUTO_PORTFOLIO if depth <= 1 else AUTO_PORTFOLIO_DEEP
            if cores >= 2:
                return auto, (0.0, PORTFOLIO_STAGGER)
            # one core: the first racer alone, as on a busy machine
            return auto[:1], (0.0,)
        return (config,), (0.0,)
    if isinstance(portfolio, str):
        raise InputError(f"portfolio: expected 'auto' or a sequence of option sets, "
                         f"got {portfolio!r}")
    configs = tuple(portfolio)
    step = float(stagger or 0.0)
    return configs, tuple(i * step for i in range(len(configs)))


def _config(solver, config):
    config = racer_parts(config)[0]
    if config not in CADICAL_CONFIGS:
        raise InputError(f"config: unknown solver configuration {config!r} "
                         f"(one of {', '.join(CADICAL_CONFIGS)})")
    if CADICAL_CONFIGS[config] and not solver.startswith("cadical"):
        raise InputError(f"config: {config!r} is a CaDiCaL option set; solver is {solver}")
    return CADICAL_CONFIGS[config]


def _encode_and_solve(task, shape, subset, symmetry, max_nonzero, sums, solver, encoder,
                      proof_path, cnf_path, config="default"):
    """Child-process half of :func:`decide`: encode, solve, decode.

    A ``NOSYM`` racer (``config`` ``"<set>:nosym"``) encodes without
    symmetry breaks, logs no proof, writes no CNF, and reports an UNSAT as
    ``"DECLINED"`` (:func:`_solve_round` discards it)."""
    config, nosym = racer_parts(config)
    if nosym:
        symmetry, proof_path, cnf_path = False, None, None
    if encoder == code_choice.ENCODER_NAME:
        enc = code_choice.encode_sat(task, shape, symmetry=symmetry)
    else:
        enc = encode_sat(task, shape, inputs=subset, symmetry=symmetry,
                         max_nonzero=max_nonzero, sums=sums)
    if cnf_path:
        with open(cnf_path, "w") as fh:
            fh.write(enc.to_dimacs())
    t0 = time.perf_counter()
    with Solver(name=solver, with_proof=proof_path is not None) as s:
        opts = _config(solver, config)
        if opts:
            # options must be set before the first clause is added
            s.solver.configure(opts)
        s.append_formula(enc.clauses)
        if nosym:
            # a model-finder only: past its conflict budget it gives the
            # core back (ok is None) instead of slowing the other racer
            s.conf_budget(NOSYM_CONFLICTS)
            ok = s.solve_limited()
        else:
            ok = s.solve()
        dt = time.perf_counter() - t0
        out = {"status": str(Status.SAT if ok else Status.UNSAT), "info": dict(enc.info),
               "solve_seconds": round(dt, 4)}
        if nosym and not ok:
            # not the asked formula: its refutation is not this question's
            out["status"] = DECLINED
        if ok:
            out["network"] = enc.decode(s.get_model()).to_dict()
        elif proof_path is not None:
            with open(proof_path, "w") as fh:
                for line in s.get_proof():
                    fh.write(line)
                    fh.write("\n")
    return out


#: what a ``NOSYM`` racer reports instead of UNSAT
DECLINED = "DECLINED"


def decide(task, shape, options: SolveOptions | None = None, *,
           budget: Budget | None = None, checker=None, proof_path=None,
           cnf_path=None, inputs=None, max_nonzero=None):
    """Decide whether a network of ``shape`` computes ``task``.

    Parameters
    ----------
    options : SolveOptions, optional
        How to solve (:class:`~superpos_formal.options.SolveOptions`; the
        defaults when None). Read here: ``solver``, ``time_limit`` (hard
        wall-clock seconds per solve, each counterexample round one solve:
        encoding and solving run in a child process killed when it passes,
        the answer is then UNKNOWN), ``symmetry``, ``sums`` (``"auto"``:
        binary adders for wide sums, the order tree otherwise;
        ``cell.options["sums"]`` records what was used), ``cegis``
        (counterexample-guided: start from the inputs of weight <= 1, add
        the inputs the decoded network gets wrong, repeat), ``check``,
        ``config``, ``portfolio``, ``stagger``, ``race_if_free``, ``lift``,
        ``budget`` and ``memory_mb`` (when no ``budget`` object is given).
    budget : Budget, optional
        The caller's :class:`~superpos_formal.budget.Budget` (whole call, all
        rounds), passed down unchanged; each solve's limit is
        ``budget.clamp(time_limit)`` and a solve cut by it is UNKNOWN with
        ``limit == "budget"``. None: ``options.call_budget()``.
    checker : callable, optional
        The proof checker, ``checker(cnf_path, proof_path) -> (certified,
        note)``: :func:`superpos_formal.certify.proofcheck.unsat.check_unsat` (what the
        api passes when ``options.check``). It is passed down rather than
        imported because proof checking is the certify layer's job, above
        solve (docs/MODEL.md, "Layers"). With one (and ``options.check``),
        every UNSAT logs a DRAT proof (to a temporary file unless
        ``proof_path`` is given) and hands it to the checker;
        ``cell.certified`` says whether it was verified and
        ``cell.check_note`` what the checker said. Without one an UNSAT is
        CaDiCaL's word only and is labelled "unchecked".
    proof_path : str, optional
        Where to write the DRAT proof if the answer is UNSAT. With
        ``cegis`` the proof refutes the last round's formula, whose input
        subset is recorded in ``cell.options["inputs"]``.
    cnf_path : str, optional
        Also write the solved formula as DIMACS here.
    inputs : list, optional
        Start from this subset of ``X`` (implies the counterexample-guided
        loop: failing inputs are added until the network is right on ``X``).
    max_nonzero : int, optional
        At most this many nonzero parameters.

    Portfolio racing and the depth lift: :func:`_racers`, :func:`_lift_options`.
    """
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    checker = checker if opts.check else None
    racers = _racers(opts, shape, cnf_path)
    # refused before anything is allocated when it cannot fit (sizes.py),
    # and before a depth lift could answer a question the encoder refuses
    check_encoding_size(task, shape)
    validate_question([task], shape)
    tmp = None
    if checker and (proof_path is None or cnf_path is None):
        tmp = tempfile.mkdtemp(prefix="superpos-check-")
    try:
        t0 = time.perf_counter()
        if (opts.lift and liftable(shape) and inputs is None and not opts.cegis
                and max_nonzero is None and cnf_path is None):
            low = decide(task, replace(shape, L=shape.L - 1), _lift_options(opts),
                         budget=None if budget is None else budget.share(LIFT_SHARE))
            if low.status == Status.SAT:
                return _lifted(task, shape, low, time.perf_counter() - t0)
        spent = time.perf_counter() - t0
        paths = (proof_path or (tmp and os.path.join(tmp, "proof.drat")),
                 cnf_path or (tmp and os.path.join(tmp, "formula.cnf")))
        cell = _decide(task, shape, opts, budget, checker, paths, (proof_path, cnf_path),
                       inputs, max_nonzero, racers)
        if spent > 0.0005:
            # a lift attempt that found nothing still took this long
            cell.seconds += spent
            cell.info["lift_seconds"] = round(spent, 4)
        return cell
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _racers(opts, shape, cnf_path):
    """``(configs, delays, when_free)`` of every solve of one question.

    ``options.portfolio`` races option sets, each in its own process on the
    same CNF; the first answer wins and the others are killed. A SAT answer
    is verified as always; an UNSAT answer's DRAT proof is the winner's and
    is checked as always. ``cell.info["config"]`` names the winner. A racer
    named ``"<set>:nosym"`` solves the formula without symmetry breaks and
    answers only SAT (:data:`NOSYM`); it is dropped when ``symmetry`` is off
    or ``cnf_path`` is given (whoever asks for the formula gets the asked
    one solved), and cannot be the first racer. ``"auto"``:
    :func:`resolve_portfolio`; ``None``: ``config`` alone. A staggered racer
    starts only if a core was free over its delay when ``race_if_free``
    (:class:`~superpos_formal.solve.cores.IdleProbe`).
    """
    configs, delays = resolve_portfolio(opts.portfolio, opts.config, opts.solver,
                                        stagger=opts.stagger, depth=shape.L)
    if not configs:
        raise InputError("portfolio: needs at least one configuration")
    for c in configs:
        _config(opts.solver, c)
    if racer_parts(configs[0])[1]:
        raise InputError(f"portfolio: the first racer answers UNSAT too; {configs[0]!r} "
                         f"answers only SAT")
    if not opts.symmetry or cnf_path is not None:
        keep_racers = [i for i, c in enumerate(configs) if not racer_parts(c)[1]]
        configs = tuple(configs[i] for i in keep_racers)
        delays = tuple(delays[i] - delays[keep_racers[0]] for i in keep_racers)
    return configs, delays, opts.race_if_free


def _lift_options(opts):
    """The depth-lift attempt's options: a share of the per-solve limit, no
    proof (its UNSAT is discarded) and no progress lines.

    The depth lift (``options.lift``, see :func:`lift_depth`): with
    ``L >= 2`` hidden layers and ``B >= 1``, first decide the same question
    with ``L - 1`` layers (at most :data:`LIFT_SHARE` of the limits); a
    network found there, followed by the identity layer, is a network of
    this shape, verified exhaustively like any other. Otherwise (UNSAT,
    UNKNOWN, or not applicable) the question is solved as posed.
    ``cell.info["lifted_from_L"]`` marks a lifted answer. Not used with
    ``inputs``, ``cegis``, ``max_nonzero`` or ``cnf_path``.
    """
    tl = None if opts.time_limit is None else LIFT_SHARE * opts.time_limit
    return opts.replace(time_limit=tl, budget=None, check=False, progress=None)


#: the share of the limits (per solve and budget) a depth-lift attempt may use
LIFT_SHARE = 0.25


def liftable(shape):
    """True when :func:`lift_depth` turns every ``L - 1`` network of this
    shape into one of ``shape``: two or more hidden layers and ``B >= 1``
    (the identity layer's weights are 0 and 1, its bias 0)."""
    return shape.L >= 2 and shape.B >= 1


def lift_depth(net):
    """``net`` followed by one more hidden layer ``(W, b) = (I, 0)``.

    It computes the same function: the new layer's input ``a`` is an
    activation output, so ``a >= 0`` for ReLU (``relu(a) = a``) and
    ``a`` in ``{0, 1}`` for step (``[a > 0] = a``); every hidden layer has
    width ``n``, so ``I`` is ``n x n``. Its weights lie in ``[-1, 1]`` and
    its bias is 0, inside any bounds with ``B >= 1``. (The caller still
    verifies the result exhaustively; this only says why it passes.)

    >>> from superpos_formal.network import Network
    >>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> deep = lift_depth(net)
    >>> deep.depth, deep.layers[1]
    (2, (((1,),), (0,)))
    >>> [deep.evaluate(x) for x in [(0, 0), (1, 0), (1, 1)]]
    [(0,), (0,), (1,)]
    """
    n = len(net.layers[-1][0])
    eye = tuple(tuple(int(i == j) for j in range(n)) for i in range(n))
    return Network(net.mode, net.activation, net.E, net.layers + ((eye, (0,) * n),),
                   net.V, net.c, net.R, net.theta, net.B, net.B_bias, net.B_code)


def _lifted(task, shape, low, seconds):
    """The SAT cell of ``shape`` from the SAT cell ``low`` at depth ``L - 1``."""
    net = lift_depth(low.network)
    v = verify(net, task, shape.tolerance)
    if not v.ok:
        raise SoundnessError(f"the depth-lifted network fails {v.errors} bit(s) "
                             f"(first: {v.counterexamples[0]}); lift bug")
    # the depth the network was found at (a lift of a lift keeps the first)
    info = dict(low.info, lifted_from_L=low.info.get("lifted_from_L", low.shape.L))
    return Cell(task, shape, Status.SAT, seconds, networks=[net], options=dict(low.options),
                info=info, solver=low.solver, rounds=low.rounds)


def _solve_round(args, racers, paths, remaining, budget):
    """One encode+solve (an :class:`Outcome`): in one child, or raced over
    the ``racers`` ``(configs, delays, when_free)``.

    Racers write their proof and CNF to their own files; the winner's are
    moved to ``paths`` ``(proof_path, cnf_path)`` (the CNF is the same for
    every racer: the encoding is deterministic and options do not touch it;
    a ``NOSYM`` racer writes neither, and it wins only with a SAT answer,
    whose network is verified, never with its formula's UNSAT).
    """
    configs, delays, when_free = racers
    proof_path, cnf_path = paths
    if len(configs) == 1:
        res = run(_encode_and_solve, *args, proof_path, cnf_path, configs[0],
                  time_limit=remaining, budget=budget)
        if res.done:
            res.value["info"]["config"] = configs[0]
        return res

    def own(path, i):
        return None if path is None else f"{path}.racer{i}"

    calls = [(_encode_and_solve, (*args, own(proof_path, i), own(cnf_path, i), c), {})
             for i, c in enumerate(configs)]
    t0 = time.perf_counter()
    start_if = None
    if when_free:
        probe = IdleProbe()
        start_if = lambda k: probe.core_free()  # noqa: E731
    try:
        i, res = race(calls, time_limit=remaining, delays=delays, start_if=start_if,
                      accept=lambda k, v: v["status"] != DECLINED, budget=budget)
        if i is None:
            return res
        out = res.value
        for path in (proof_path, cnf_path):
            if path is not None and os.path.exists(own(path, i)):
                os.replace(own(path, i), path)
        out["info"]["config"] = configs[i]
        return Outcome(True, out, seconds=time.perf_counter() - t0)
    finally:
        for k in range(len(configs)):
            for path in (proof_path, cnf_path):
                if path is not None and os.path.exists(own(path, k)):
                    os.unlink(own(path, k))


def _decide(task, shape, opts, budget, checker, paths, keep, inputs, max_nonzero, racers):
    """The counterexample-guided rounds of :func:`decide` (one round
    without ``inputs`` or ``cegis``); ``paths`` are where the solves write
    proof and CNF, ``keep`` the caller's (recorded in the cell)."""
    t0 = time.perf_counter()
    X = task.inputs
    subset = list(inputs) if inputs is not None else None
    if opts.cegis and subset is None:
        subset = [x for x in X if sum(x) <= 1]
    rounds = 0
    encoder = resolve_encoder(opts.encoder, task, shape, subset, max_nonzero)
    while True:
        rounds += 1
        enc_opts = _encode_options(opts.symmetry, max_nonzero, opts.sums, subset, encoder)
        remaining, binds = clamp(budget, opts.time_limit)
        if binds and remaining <= 0:
            budget.note("solving")
            return Cell(task, shape, Status.UNKNOWN, time.perf_counter() - t0,
                        options=enc_opts, solver=opts.solver, rounds=rounds, limit="budget",
                        reason="the call's budget was used up")
        res = _solve_round((task, shape, subset, opts.symmetry, max_nonzero, opts.sums,
                            opts.solver, encoder), racers, paths, remaining, budget)
        if not res.done:
            return Cell(task, shape, Status.UNKNOWN, time.perf_counter() - t0,
                        options=enc_opts, solver=opts.solver, rounds=rounds, limit=res.limit,
                        reason=res.reason)
        out = res.value
        info = dict(out["info"], solve_seconds=out["solve_seconds"])
        # "auto" is resolved by the encoder to the value that regenerates
        # this CNF ("tree" or "binary"); the cell (and any claim made from
        # it) records that value, never "auto"
        if "sums" in enc_opts:
            enc_opts["sums"] = info["sums"]
        if out["status"] == Status.UNSAT:
            certified, note = False, "not checked (no proof checker given)"
            if checker:
                certified, note = checker(paths[1], paths[0])
            return Cell(task, shape, Status.UNSAT, time.perf_counter() - t0,
                        proof_path=keep[0], cnf_path=keep[1], options=enc_opts,
                        info=info, solver=opts.solver, rounds=rounds,
                        certified=certified, check_note=note)
        net = network_from_dict(out["network"])
        # the formula's own inputs must be right, or the encoder is wrong
        local = verify(net, task, shape.tolerance, inputs=subset)
        if not local.ok:
            raise SoundnessError(f"SAT model decodes to a network that fails "
                                 f"{local.errors} bit(s) of the encoded inputs "
                                 f"(first: {local.counterexamples[0]}); encoder bug")
        full = verify(net, task, shape.tolerance)
        if full.ok:
            if max_nonzero is not None and net.counts()["params_nonzero"] > max_nonzero:
                raise SoundnessError("decoded network exceeds the nonzero bound")
            return Cell(task, shape, Status.SAT, time.perf_counter() - t0, networks=[net],
                        options=enc_opts, info=info, solver=opts.solver, rounds=rounds)
        if subset is None:
            raise SoundnessError("network verified on the encoded inputs fails on X")
        have = set(subset)
        new = [cx.x for cx in full.counterexamples if cx.x not in have]
        # add every failing input at once: fewer rounds, same soundness
        subset = subset + sorted(set(new), key=X.index)


def formula_label(cell):
    """``"(V vars, C clauses)"`` of the formula a cell's answer came from;
    a depth-lifted answer says at which depth it was found.

    >>> from superpos_formal.tasks import uand
    >>> from superpos_formal.shape import Shape
    >>> c = Cell(uand(3), Shape("explicit", "relu", n=2, L=2), "SAT", 0.1,
    ...          info={"vars": 10, "clauses": 20, "lifted_from_L": 1})
    >>> formula_label(c)
    '(10 vars, 20 clauses; found at L=1, lifted to L=2)'
    """
    lift = cell.info.get("lifted_from_L")
    return (f"({cell.info.get('vars')} vars, {cell.info.get('clauses')} clauses"
            + (f"; found at L={lift}, lifted to L={cell.shape.L}" if lift is not None else "")
            + ")")


def _progress(cb, cell, label):
    if cb is not None:
        cb(f"{label}: {cell.status} in {cell.seconds:.2f}s {formula_label(cell)}"
           + (f" [{cell.reason}]" if cell.reason else ""))


def proof_paths(proof_dir, n):
    """``(proof_path, cnf_path)`` of width ``n`` under ``proof_dir``
    (``n{n}.drat``, ``n{n}.cnf``), or ``(None, None)`` without one."""
    if not proof_dir:
        return None, None
    os.makedirs(proof_dir, exist_ok=True)
    return os.path.join(proof_dir, f"n{n}.drat"), os.path.join(proof_dir, f"n{n}.cnf")


def min_neurons(task, shape, options: SolveOptions | None = None, *,
                budget: Budget | None = None, checker=None, n_min=1, n_max=12,
                codes_for=None, proof_dir=None):
    """Smallest hidden width ``n`` in ``[n_min, n_max]`` (:func:`~.ascend.ascend`).

    SAT is monotone in ``n`` for explicit mode and free codes (pad with a
    neuron whose incoming and outgoing weights are 0). ``codes_for(n) ->
    (E, R)`` supplies given codes per width (superposed mode,
    ``codes="given"``); the result is then "first n that works with these
    codes", not a minimum, and ``Search.note`` says so. ``options`` and
    ``checker`` as for :func:`decide` (``options.time_limit`` per solve,
    ``options.progress`` one line per width); ``budget`` bounds the whole
    search. With ``proof_dir``, each UNSAT writes its DRAT proof there
    (``n{n}.drat``) together with its CNF (``n{n}.cnf``).
    """
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    if n_min < 1 or n_max < n_min:
        raise InputError(f"n range: need 1 <= n_min <= n_max, got {n_min}..{n_max}")
    given = shape.mode == Mode.SUPERPOSED and shape.codes == CodeKind.GIVEN
    if given and codes_for is None:
        raise InputError("codes: given codes need a generator (codes_for) for varying n")
    inner = opts.replace(budget=None, progress=None)

    def decide_one(n):
        # given codes fix the width: the shape at n is built with codes_for(n)
        sh = None if given else replace(shape, n=n)
        if given:
            sh, reason = _given_codes(task, shape, n, codes_for)
            if reason:
                if opts.progress:
                    opts.progress(f"n={n}: no usable code ({reason})")
                return Cell(task, sh, Status.NOCODE, 0.0, info={"reason": reason, "n": n},
                            reason=reason)
        pp, cp = proof_paths(proof_dir, n)
        cell = decide(task, sh, inner, budget=budget, checker=checker, proof_path=pp,
                      cnf_path=cp)
        _progress(opts.progress, cell, f"n={n}")
        return cell

    result = ascend("neurons", range(n_min, n_max + 1), decide_one, monotone=not given,
                    budget=budget)
    if given:
        result.note = "; ".join(x for x in ("codes regenerated per n: first n that works "
                                            "with these codes, not a minimum", result.note)
                                if x)
    return result


def _given_codes(task, shape, n, codes_for):
    """``(shape at width n with the codes of codes_for(n), reason)``; the
    reason says why there is no usable code at that width (cannot be drawn,
    or maps two inputs with different outputs to one vector): a fact about
    these codes, not a solver answer."""
    try:
        E, R = codes_for(n)
    except InputError as e:
        # no code of this width: the cell keeps the template (a Shape with
        # given codes cannot have a width its codes do not have); info["n"]
        # says which width it stands for
        return shape, str(e)
    sh = replace(shape, n=n, E=E, R=R)
    # as strong as the question: skipped only when the code forces more
    # wrong bits than the tolerance allows
    forced = forced_errors(E, task)
    if forced > shape.tolerance:
        return sh, (f"input code conflict (two inputs share a code; "
                    f">= {forced} wrong bits forced, tolerance {shape.tolerance})")
    return sh, None


def min_parameters(task, shape, options: SolveOptions | None = None, *,
                   budget: Budget | None = None, checker=None):
    """Fewest nonzero parameters at ``shape``: tighten ``max_nonzero`` from
    the best network found until UNSAT (or UNKNOWN).

    ``options.time_limit`` is per solve; ``budget`` bounds the whole search."""
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    inner = opts.replace(budget=None, progress=None)
    cells = []
    result = Search("params_nonzero", cells)
    cell = decide(task, shape, inner, budget=budget, checker=checker)
    cells.append(cell)
    _progress(opts.progress, cell, "unbounded")
    if cell.status != Status.SAT:
        result.note = f"no network at this shape ({cell.status})"
        return result
    best = cell
    while True:
        P = best.network.counts()["params_nonzero"] - 1
        if P < 0:
            result.minimum, result.best = 0, best
            return result
        cell = decide(task, shape, inner, budget=budget, checker=checker, max_nonzero=P)
        cells.append(cell)
        _progress(opts.progress, cell, f"nonzero<={P}")
        if cell.status == Status.SAT:
            best = cell
            continue
        result.best = best
        if cell.status == Status.UNSAT:
            result.minimum = P + 1
        else:
            result.note = f"best found {P + 1}; the bound {P} is UNKNOWN"
            result.limit = cell.limit if cell.limit == "budget" else None
        return result


def min_bits(task, shape, options: SolveOptions | None = None, *,
             budget: Budget | None = None, checker=None, B_max=8,
             bias_follows=None):
    """Smallest weight bound ``B`` in ``0..B_max`` at the shape's width
    (:func:`~.ascend.ascend`; SAT is monotone in ``B``: a network with
    weights in ``[-B, B]`` is one in ``[-B-1, B+1]``).

    ``bias_follows``: whether ``B_bias`` moves with ``B``. By default it
    does when the shape's ``B_bias`` equals its ``B`` (the default), and a
    different ``B_bias`` stays fixed. ``options.time_limit`` is per solve;
    ``budget`` bounds the whole search.
    """
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    if bias_follows is None:
        bias_follows = shape.B_bias == shape.B
    inner = opts.replace(budget=None, progress=None)

    def decide_one(B):
        sh = replace(shape, B=B, B_bias=B if bias_follows else shape.B_bias)
        cell = decide(task, sh, inner, budget=budget, checker=checker)
        _progress(opts.progress, cell, f"B={B}")
        return cell

    return ascend("B", range(0, B_max + 1), decide_one, name="B", lowest=0, budget=budget)
