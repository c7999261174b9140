"""Decide one cell and search for minimum networks (docs/MODEL.md 4.2).

Every answer is a :class:`Cell`: SAT with a network that the exact verifier
accepted, UNSAT (with a DRAT proof when one was asked for), or UNKNOWN
(a limit was reached). A SAT model whose network fails verification raises
:class:`~superpos_formal.errors.SoundnessError`: it is a bug, never a result.

Searches
--------
``min_neurons``: ``n = n_min, n_min+1, ...`` until the first SAT. For
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
from dataclasses import dataclass, field, replace

from pysat.solvers import Solver

from ..codes import forced_errors
from ..encode.sat import encode_sat, validate_question
from ..errors import InputError, SoundnessError
from ..ids import stable_id
from ..network import Network
from ..results import CodeKind, Mode, Status, bounds_label
from ..schema import network_from_dict
from ..sizes import check_encoding_size
from ..verify import verify
from .cores import IdleProbe, usable_cores
from .runner import DEFAULT_SOLVER, Outcome, race, run

__all__ = ["Cell", "Search", "decide", "min_neurons", "min_parameters", "min_bits",
           "CADICAL_CONFIGS", "AUTO_PORTFOLIO", "AUTO_PORTFOLIO_DEEP", "PORTFOLIO_STAGGER",
           "NOSYM", "NOSYM_CONFLICTS", "racer_parts", "resolve_portfolio",
           "usable_cores", "LIFT_SHARE", "liftable", "lift_depth", "formula_label"]


@dataclass(repr=False)
class Cell:
    """One decided (or undecided) question: task + shape + options."""

    task: object
    shape: object
    status: str
    seconds: float
    network: object = None
    proof_path: str = None
    cnf_path: str = None
    options: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    solver: str = DEFAULT_SOLVER
    rounds: int = 1
    #: UNSAT only: True when a DRAT proof of this answer was checked
    certified: bool = False
    check_note: str = ""
    #: UNKNOWN only: the limit that stopped it ("time", "budget", "memory")
    limit: str = None
    reason: str = ""

    @property
    def id(self):
        return stable_id({"question": "instance", "task": self.task.id,
                          "shape": self.shape.to_dict(), "options": self.options})

    def __repr__(self):
        ev = f" {proof_label(self)}" if self.status == Status.UNSAT else ""
        return (f"<Cell {self.task.name} {self.shape.mode} {self.shape.activation} "
                f"n={self.shape.n} L={self.shape.L} {bounds_label(self.shape)}: "
                f"{self.status}{ev} {self.seconds:.1f} s>")

    def row(self):
        return {"n": self.info.get("n", self.shape.n), "B": self.shape.B,
                "bias": self.shape.B_bias, "status": self.status,
                "proof": proof_label(self),
                "seconds": round(self.seconds, 3),
                "vars": self.info.get("vars"), "clauses": self.info.get("clauses")}



def proof_label(cell):
    """``checked`` / ``unchecked`` for UNSAT answers, ``-`` otherwise."""
    if cell.status != Status.UNSAT:
        return "-"
    return "checked" if cell.certified else "unchecked"


def _encode_options(symmetry, max_nonzero, sums, inputs):
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


def _encode_and_solve(task, shape, subset, symmetry, max_nonzero, sums, solver,
                      proof_path, cnf_path, config="default"):
    """Child-process half of :func:`decide`: encode, solve, decode.

    A ``NOSYM`` racer (``config`` ``"<set>:nosym"``) encodes without
    symmetry breaks, logs no proof, writes no CNF, and reports an UNSAT as
    ``"DECLINED"`` (:func:`_solve_round` discards it)."""
    config, nosym = racer_parts(config)
    if nosym:
        symmetry, proof_path, cnf_path = False, None, None
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


def decide(task, shape, *, time_limit=None, solver=DEFAULT_SOLVER, proof_path=None,
           symmetry=True, inputs=None, max_nonzero=None, sums="auto", cegis=False,
           cnf_path=None, check=None, budget=None, config="default", portfolio="auto",
           stagger=None, race_if_free=True, lift=True):
    """Decide whether a network of ``shape`` computes ``task``.

    Parameters
    ----------
    time_limit : float, optional
        Hard wall-clock limit in seconds per solve (each counterexample
        round is one solve): encoding and solving run in a child process
        that is killed when it passes; the answer is then UNKNOWN. The same
        meaning everywhere in the toolkit.
    budget : float, optional
        Hard wall-clock limit in seconds for the whole call (all rounds);
        reaching it gives UNKNOWN.
    proof_path : str, optional
        Where to write the DRAT proof if the answer is UNSAT. With
        ``cegis=True`` the proof refutes the last round's formula, whose
        input subset is recorded in ``cell.options["inputs"]``.
    inputs : list, optional
        Start from this subset of ``X`` (implies the counterexample-guided
        loop: failing inputs are added until the network is right on ``X``).
    cegis : bool
        Counterexample-guided: start from the inputs of weight <= 1, add
        the inputs the decoded network gets wrong, repeat.
    cnf_path : str, optional
        Also write the solved formula as DIMACS here.
    check : callable, optional
        The proof checker, ``check(cnf_path, proof_path) -> (certified,
        note)``: :func:`superpos_formal.certify.check.check_unsat` (the
        default of :mod:`superpos_formal.api`). With one, every UNSAT logs a
        DRAT proof (to a temporary file unless ``proof_path`` is given) and
        hands it to the checker; ``cell.certified`` says whether it was
        verified, and a rejected proof raises SoundnessError. Without one
        (``None``/``False``) an UNSAT is CaDiCaL's word only and is labelled
        "unchecked". The checker is passed down rather than imported because
        proof checking is the certify layer's job, above solve
        (docs/MODEL.md, "Layers").
    sums : str
        How output sums are encoded (:data:`~superpos_formal.encode.sat.SUM_ENCODINGS`,
        or ``"auto"``: binary adders for wide sums, the order tree
        otherwise; ``cell.options["sums"]`` records what was used).
    config : str
        The CaDiCaL option set (a key of :data:`CADICAL_CONFIGS`).
    portfolio : "auto", sequence of str, or None
        Race these option sets, each in its own process on the same CNF;
        the first answer wins and the others are killed. A SAT answer is
        verified as always; an UNSAT answer's DRAT proof is the winner's
        (every racer logs one when a proof is asked for) and is checked as
        always. ``cell.info["config"]`` names the winner. A racer named
        ``"<set>:nosym"`` solves the formula without symmetry breaks and
        answers only SAT (:data:`NOSYM`; ``cell.options`` stay the asked
        ones, ``cell.info["symmetry"]`` says which formula found the
        network); it is dropped when ``symmetry`` is off or ``cnf_path``
        is given (whoever asks for the formula gets the asked one solved),
        and cannot be the first racer. ``"auto"`` (the default):
        :func:`resolve_portfolio`; ``None``: ``config`` alone.
    stagger : float, optional
        With a sequence ``portfolio``: start racer ``i`` ``i * stagger``
        seconds after the first, if nobody has answered by then.
    race_if_free : bool
        A staggered racer starts only if a core was free over its delay
        (:class:`~superpos_formal.solve.cores.IdleProbe`; default), else
        it never starts and the racers already running go on alone.
    lift : bool
        Depth lift (default on; see :func:`lift_depth`): with ``L >= 2``
        hidden layers and ``B >= 1``, first decide the same question with
        ``L - 1`` layers (at most :data:`LIFT_SHARE` of the limits); a
        network found there, followed by the identity layer, is a network
        of this shape, verified exhaustively like any other. Otherwise
        (UNSAT, UNKNOWN, or not applicable) the question is solved as
        posed. ``cell.info["lifted_from_L"]`` marks a lifted answer. Not
        used with ``inputs``, ``cegis``, ``max_nonzero`` or ``cnf_path``
        (whoever asks for the formula gets the asked one solved).
    """
    configs, delays = resolve_portfolio(portfolio, config, solver, stagger=stagger,
                                        depth=shape.L)
    if not configs:
        raise InputError("portfolio: needs at least one configuration")
    for c in configs:
        _config(solver, c)
    if racer_parts(configs[0])[1]:
        raise InputError(f"portfolio: the first racer answers UNSAT too; {configs[0]!r} "
                         f"answers only SAT")
    if not symmetry or cnf_path is not None:
        keep_racers = [i for i, c in enumerate(configs) if not racer_parts(c)[1]]
        configs = tuple(configs[i] for i in keep_racers)
        delays = tuple(delays[i] - delays[keep_racers[0]] for i in keep_racers)
    # refused before anything is allocated when it cannot fit (sizes.py),
    # and before a depth lift could answer a question the encoder refuses
    check_encoding_size(task, shape)
    validate_question([task], shape)
    tmp = None
    if check and (proof_path is None or cnf_path is None):
        tmp = tempfile.mkdtemp(prefix="superpos-check-")
    try:
        t0 = time.perf_counter()
        deadline = None if budget is None else t0 + budget
        if (lift and liftable(shape) and inputs is None and not cegis and max_nonzero is None
                and cnf_path is None):
            share = lambda x: None if x is None else LIFT_SHARE * x  # noqa: E731
            low = decide(task, replace(shape, L=shape.L - 1), time_limit=share(time_limit),
                         budget=share(_left(deadline)), solver=solver, symmetry=symmetry,
                         sums=sums, config=config, portfolio=portfolio, stagger=stagger,
                         race_if_free=race_if_free, lift=True)
            if low.status == Status.SAT:
                return _lifted(task, shape, low, time.perf_counter() - t0)
        spent = time.perf_counter() - t0
        cell = _decide(task, shape, (time_limit, deadline), solver,
                       proof_path or (tmp and os.path.join(tmp, "proof.drat")),
                       symmetry, inputs, max_nonzero, sums, cegis,
                       cnf_path or (tmp and os.path.join(tmp, "formula.cnf")),
                       check, keep=(proof_path, cnf_path), configs=configs,
                       delays=delays, when_free=race_if_free)
        if spent > 0.0005:
            # a lift attempt that found nothing still took this long
            cell.seconds += spent
            cell.info["lift_seconds"] = round(spent, 4)
        return cell
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


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
    return Cell(task, shape, Status.SAT, seconds, network=net, options=dict(low.options),
                info=info, solver=low.solver, rounds=low.rounds)


def solve_limit(time_limit, deadline):
    """The limit of the next solve: ``time_limit`` (per solve), cut to what
    is left before ``deadline`` (a ``time.perf_counter()`` value, the end of
    the caller's budget); ``None`` means no limit.

    >>> solve_limit(5, None), solve_limit(None, None)
    (5, None)
    >>> solve_limit(5, time.perf_counter() + 1000) == 5
    True
    """
    if deadline is None:
        return time_limit
    rem = deadline - time.perf_counter()
    return rem if time_limit is None else min(time_limit, rem)


def _left(deadline):
    """Seconds left before ``deadline`` (``None``: no budget)."""
    return None if deadline is None else deadline - time.perf_counter()


def is_minimum(k, prev, lowest=1):
    """The one rule that makes the first SAT of an ascending search a minimum.

    SAT at size ``k`` is the minimum when ``k`` is the smallest size there
    is (0 for ``B``, 1 for widths; a SAT at 1 after nothing) or when the
    size just below, ``k - 1``, was answered ``prev = UNSAT``. Correct only
    for questions monotone in the size (docs/MODEL.md, "Questions").

    >>> is_minimum(1, None), is_minimum(3, Status.UNSAT), is_minimum(3, Status.UNKNOWN)
    (True, True, False)
    >>> is_minimum(3, None), is_minimum(0, None, lowest=0)
    (False, True)
    """
    return prev == Status.UNSAT or (prev is None and k == lowest)


def _solve_round(args, configs, proof_path, cnf_path, remaining, delays=None,
                 when_free=False):
    """One encode+solve (an :class:`Outcome`): in one child, or raced over
    ``configs``.

    Racers write their proof and CNF to their own files; the winner's are
    moved to ``proof_path`` / ``cnf_path`` (the CNF is the same for every
    racer: the encoding is deterministic and options do not touch it; a
    ``NOSYM`` racer writes neither, and it wins only with a SAT answer,
    whose network is verified, never with its formula's UNSAT).
    """
    if len(configs) == 1:
        res = run(_encode_and_solve, *args, proof_path, cnf_path, configs[0],
                  time_limit=remaining)
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
                      accept=lambda k, v: v["status"] != DECLINED)
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


def _decide(task, shape, limits, solver, proof_path, symmetry, inputs, max_nonzero,
            sums, cegis, cnf_path, check, keep, configs=("default",), delays=None,
            when_free=False):
    time_limit, deadline = limits
    t0 = time.perf_counter()
    X = task.inputs
    subset = list(inputs) if inputs is not None else None
    if cegis and subset is None:
        subset = [x for x in X if sum(x) <= 1]
    rounds = 0
    while True:
        rounds += 1
        opts = _encode_options(symmetry, max_nonzero, sums, subset)
        remaining = solve_limit(time_limit, deadline)
        if remaining is not None and remaining <= 0:
            return Cell(task, shape, Status.UNKNOWN, time.perf_counter() - t0, options=opts,
                        solver=solver, rounds=rounds, limit="budget",
                        reason="the call's budget was used up")
        res = _solve_round((task, shape, subset, symmetry, max_nonzero, sums, solver),
                           configs, proof_path, cnf_path, remaining, delays, when_free)
        if not res.done:
            return Cell(task, shape, Status.UNKNOWN, time.perf_counter() - t0, options=opts,
                        solver=solver, rounds=rounds, limit=res.limit, reason=res.reason)
        out = res.value
        info = dict(out["info"], solve_seconds=out["solve_seconds"])
        # "auto" is resolved by the encoder to the value that regenerates
        # this CNF ("tree" or "binary"); the cell (and any claim made from
        # it) records that value, never "auto"
        opts["sums"] = info["sums"]
        if out["status"] == Status.UNSAT:
            certified, note = False, "not checked (no proof checker given)"
            if check:
                certified, note = check(cnf_path, proof_path)
            return Cell(task, shape, Status.UNSAT, time.perf_counter() - t0,
                        proof_path=keep[0], cnf_path=keep[1], options=opts,
                        info=info, solver=solver, rounds=rounds,
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
            return Cell(task, shape, Status.SAT, time.perf_counter() - t0, network=net,
                        options=opts, info=info, solver=solver, rounds=rounds)
        if subset is None:
            raise SoundnessError("network verified on the encoded inputs fails on X")
        have = set(subset)
        new = [cx.x for cx in full.counterexamples if cx.x not in have]
        # add every failing input at once: fewer rounds, same soundness
        subset = subset + sorted(set(new), key=X.index)


@dataclass(repr=False)
class Search:
    """The per-size table of a search and its conclusion."""

    objective: str
    cells: list
    minimum: int = None
    best: Cell = None
    note: str = ""

    @property
    def certified(self):
        """True when the minimum's lower side (UNSAT at ``minimum - 1``) was
        checked as a DRAT proof (or the minimum is the smallest size tried
        from 1, where there is no lower side)."""
        if self.minimum is None:
            return False
        below = [c for c in self.cells if c.status == Status.UNSAT]
        return not below or below[-1].certified

    def table(self):
        return [c.row() for c in self.cells]

    def __repr__(self):
        per = " ".join(f"{c.status}" for c in self.cells)
        return (f"<Search {self.objective}: minimum={self.minimum} "
                f"[{per}]{' ' + self.note if self.note else ''}>")


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


def min_neurons(task, shape, *, n_min=1, n_max=12, time_limit=None, codes_for=None,
                progress=None, proof_dir=None, budget=None, **kw):
    """Smallest hidden width ``n`` in ``[n_min, n_max]``.

    ``codes_for(n) -> (E, R)`` supplies given codes per width (superposed
    mode, ``codes="given"``); the result is then "first n that works with
    these codes", not a minimum, and ``Search.note`` says so.
    ``time_limit`` is per solve; ``budget`` bounds the whole search. With
    ``proof_dir``, each UNSAT writes its DRAT proof there (``n{n}.drat``)
    together with its CNF (``n{n}.cnf``).
    """
    deadline = None if budget is None else time.perf_counter() + budget
    if n_min < 1 or n_max < n_min:
        raise InputError(f"n range: need 1 <= n_min <= n_max, got {n_min}..{n_max}")
    given = shape.mode == Mode.SUPERPOSED and shape.codes == CodeKind.GIVEN
    if given and codes_for is None:
        raise InputError("codes: given codes need a generator (codes_for) for varying n")
    cells = []
    result = Search("neurons", cells)
    if given:
        result.note = ("codes regenerated per n: first n that works with these codes, "
                       "not a minimum")
    for n in range(n_min, n_max + 1):
        sh = shape if given else replace(shape, n=n)
        if given:
            # a width at which no usable code exists (cannot be drawn, or maps
            # two inputs with different outputs to one vector) is skipped with
            # the reason: it is a fact about these codes, not a solver answer
            try:
                E, R = codes_for(n)
                sh = replace(sh, n=n, E=E, R=R)
                reason = None
                # as strong as the question: skipped only when the code
                # forces more wrong bits than the tolerance allows
                forced = forced_errors(E, task)
                if forced > shape.tolerance:
                    reason = (f"input code conflict (two inputs share a code; "
                              f">= {forced} wrong bits forced, tolerance {shape.tolerance})")
            except InputError as e:
                reason = str(e)
            if reason:
                cell = Cell(task, sh, Status.NOCODE, 0.0, info={"reason": reason, "n": n})
                cells.append(cell)
                if progress:
                    progress(f"n={n}: no usable code ({reason})")
                continue
        pp = cp = None
        if proof_dir:
            os.makedirs(proof_dir, exist_ok=True)
            pp = os.path.join(proof_dir, f"n{n}.drat")
            cp = os.path.join(proof_dir, f"n{n}.cnf")
        cell = decide(task, sh, time_limit=time_limit, proof_path=pp, cnf_path=cp,
                      budget=_left(deadline), **kw)
        cells.append(cell)
        _progress(progress, cell, f"n={n}")
        if cell.limit == "budget":
            result.note = cell.reason
            break
        if cell.status == Status.SAT:
            result.best = cell
            prev = cells[-2].status if len(cells) > 1 else None
            if not given and is_minimum(n, prev):
                result.minimum = n
            elif not given:
                result.note = (f"SAT at n={n} but n={n - 1} is {prev}: "
                               f"the minimum is in {_lowest_open(cells, n_min)}..{n}")
            break
    return result


def _lowest_open(cells, n_min):
    """Smallest width not excluded by an UNSAT answer (UNSAT is monotone)."""
    unsat = [c.shape.n for c in cells if c.status == Status.UNSAT]
    return max(unsat) + 1 if unsat else n_min


def min_parameters(task, shape, *, time_limit=None, progress=None, budget=None, **kw):
    """Fewest nonzero parameters at ``shape``: tighten ``max_nonzero`` from
    the best network found until UNSAT (or UNKNOWN).

    ``time_limit`` is per solve; ``budget`` bounds the whole search."""
    deadline = None if budget is None else time.perf_counter() + budget
    cells = []
    result = Search("params_nonzero", cells)
    cell = decide(task, shape, time_limit=time_limit, budget=_left(deadline), **kw)
    cells.append(cell)
    _progress(progress, cell, "unbounded")
    if cell.status != Status.SAT:
        result.note = f"no network at this shape ({cell.status})"
        return result
    best = cell
    while True:
        P = best.network.counts()["params_nonzero"] - 1
        if P < 0:
            result.minimum, result.best = 0, best
            return result
        cell = decide(task, shape, time_limit=time_limit, max_nonzero=P,
                      budget=_left(deadline), **kw)
        cells.append(cell)
        _progress(progress, cell, f"nonzero<={P}")
        if cell.status == Status.SAT:
            best = cell
            continue
        result.best = best
        if cell.status == Status.UNSAT:
            result.minimum = P + 1
        else:
            result.note = f"best found {P + 1}; the bound {P} is UNKNOWN"
        return result


def min_bits(task, shape, *, B_max=8, time_limit=None, progress=None, bias_follows=None,
             budget=None, **kw):
    """Smallest weight bound ``B`` in ``0..B_max`` at the shape's width.

    ``bias_follows``: whether ``B_bias`` moves with ``B``. By default it
    does when the shape's ``B_bias`` equals its ``B`` (the default), and a
    different ``B_bias`` stays fixed. ``time_limit`` is per solve;
    ``budget`` bounds the whole search.
    """
    deadline = None if budget is None else time.perf_counter() + budget
    if bias_follows is None:
        bias_follows = shape.B_bias == shape.B
    cells = []
    result = Search("B", cells)
    for B in range(0, B_max + 1):
        sh = replace(shape, B=B, B_bias=B if bias_follows else shape.B_bias)
        cell = decide(task, sh, time_limit=time_limit, budget=_left(deadline), **kw)
        cells.append(cell)
        _progress(progress, cell, f"B={B}")
        if cell.limit == "budget":
            result.note = cell.reason
            break
        if cell.status == Status.SAT:
            result.best = cell
            prev = cells[-2].status if len(cells) > 1 else None
            if is_minimum(B, prev, lowest=0):
                result.minimum = B
            else:
                result.note = f"SAT at B={B} but B={B - 1} is {prev}"
            break
    return result
