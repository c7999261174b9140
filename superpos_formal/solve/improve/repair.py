"""SAT repair of a window: the network with every parameter outside the
window fixed, solved counterexample-guided by CaDiCaL under a conflict
budget (and, with nothing fixed, the fresh question raced by a portfolio).

Two budgets bound a repair: the run's wall clock (one
:class:`~superpos_formal.budget.Budget`; each window is encoded and solved
in a child killed when it runs out) and a CaDiCaL *conflict* count per SAT
call, which is what keeps a run deterministic: the same seed gives the same
answers on any machine, only whether they arrive before the wall clock
ends depends on the machine.
"""

import math
from dataclasses import dataclass
from typing import Optional

from pysat.solvers import Solver

from ...budget import Budget
from ...encode.sat import encode_family_sat
from ...errors import InputError, SoundnessError
from ...schema import network_from_dict, network_to_dict
from ...shape import Shape
from ...verify import evaluate_all_numpy, verify
from ..runner import run_limited
from .moves import code_params, drop_neuron, member_params

__all__ = ["SOLVER", "PORTFOLIO", "SAT_OPTIONS", "SLICE", "FULL_X", "ROUNDS", "WindowQuestion",
           "repair", "fresh_solve", "wrong_inputs", "shape_of", "seconds_left", "wall_clock"]

#: solver for window instances; conflict budgets keep it deterministic
SOLVER = "cadical195"
#: windows whose |X| * m' * n is at most this are encoded on all of X; larger
#: ones counterexample-guided (the encoding's cost grows with that product)
FULL_X = 60_000
#: counterexample rounds of one repair before it gives up (UNKNOWN)
ROUNDS = 12

#: the fresh question at ``n - 1``: CaDiCaL configurations raced (round
#: robin, one solver each, in one child) on it. ``(symmetry breaks, CaDiCaL
#: options, phase hints from the network with one neuron dropped)``. Measured
#: (conflicts to the answer, benchmarks/results/improve.md) on the questions
#: where the search stalled: which racer answers first differs by question --
#: uand(5) relu n=3: no breaks + defaults 54k, no breaks + CaDiCaL's ``--sat``
#: option set (stabilising mode only) 101k, breaks + ``--sat`` 95k, breaks +
#: defaults (the plain solve) 191k; uand(6) step n=5: 2.2k, 15k, 11k and 35k.
#: Phase hints from the current network minus a neuron helped on uand(6)
#: step (1.6k-11k instead of 2.2k-35k) and hurt on uand(5) relu (203k
#: instead of 54k, and no answer in 300k with the ``--sat`` options), so no
#: racer uses them (the hook stays: ``phases=True``). The racer with breaks
#: is also the one that refutes a width quickly.
SAT_OPTIONS = {"elimreleff": 10, "stabilizeonly": 1, "subsumereleff": 60}
PORTFOLIO = ((False, "sat", False), (False, "default", False), (True, "sat", False))
#: conflicts of each racer's first slice; a slice doubles every round
SLICE = 1000


# ------------------------------------------------------------------ budgets

def wall_clock(seconds):
    """The run's :class:`~superpos_formal.budget.Budget`; a budget that is
    not a finite number (``inf``) never runs out.

    >>> wall_clock(float("inf")).remaining() is None, wall_clock(5).seconds
    (True, 5)
    """
    return Budget(seconds if math.isfinite(seconds) else None)


def seconds_left(budget):
    """Wall-clock seconds ``budget`` has left (``inf`` when unbounded)."""
    r = budget.remaining()
    return math.inf if r is None else r


# ------------------------------------------------------------------ helpers

def wrong_inputs(net, task):
    """Inputs on which ``net`` is wrong (numpy int64 when proved safe)."""
    X = task.inputs
    try:
        Y = evaluate_all_numpy(net, task.s, X)
        return [x for x, y in zip(X, Y) if tuple(int(v) for v in y) != task(x)]
    except OverflowError:
        return [x for x in X if net.evaluate(x) != task(x)]


def shape_of(net, n):
    """The question ``net`` answers, at width ``n`` (codes free when superposed)."""
    if net.mode == "explicit":
        return Shape("explicit", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                     theta=net.theta)
    return Shape("superposed", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                 B_code=net.B_code, theta=net.theta, codes="free")


def _grid(encoded, values):
    for erow, vrow in zip(encoded, values):
        yield from zip(erow, vrow)


def _parameters(enc, nets):
    """``(encoded parameter, value in nets)`` of every parameter, codes first."""
    if enc._E:
        yield from _grid(enc._E, nets[0].E)
        yield from _grid(enc._R, nets[0].R)
    for mem, net in zip(enc._members, nets):
        for (W, b), (Wv, bv) in zip(mem["layers"], net.layers):
            yield from _grid(W, Wv)
            yield from zip(b, bv)
        if mem["V"] is not None:
            yield from _grid(mem["V"], net.V)
            yield from zip(mem["c"], net.c)


def _phases(enc, nets):
    """Phase hints: the order literals of every free parameter set to its
    value in ``nets`` (one network per member, the encoding's width)."""
    out = []
    for e, v in _parameters(enc, nets):
        lits = getattr(e, "lits", None)
        if lits is not None:  # None: a constant (fixed) parameter
            out += [lit if v >= d else -lit for d, lit in zip(e.dom[1:], lits)]
    return out


# ------------------------------------------------------------------ the child

@dataclass
class WindowQuestion:
    """The formula of one window solve (sent to the child process):
    ``tasks`` at ``shape`` on ``inputs`` (None: all of X), parameters in
    ``fixed`` constants, at most ``max_nonzero`` nonzero parameters, the
    encoder's symmetry breaks when ``symmetry`` (sound only with nothing
    fixed)."""

    tasks: list
    shape: Shape
    inputs: Optional[list] = None
    max_nonzero: Optional[int] = None
    fixed: dict = None
    symmetry: bool = False

    def encode(self, symmetry=None):
        return encode_family_sat(self.tasks, self.shape, inputs=self.inputs,
                                 symmetry=self.symmetry if symmetry is None else symmetry,
                                 max_nonzero=self.max_nonzero, fixed=self.fixed or {})


def _decoded(enc, solver):
    return [network_to_dict(n) for n in enc.decode_all(solver.get_model())[2]]


def _encode_solve(question, conflicts, portfolio=None, hint=None):
    """Child-process half of a window solve: encode, solve under a conflict
    budget, decode. Returns ``(True|False|None, [network dicts] or None)``.

    ``portfolio``: race these ``(symmetry, options, phases)`` racers
    (:func:`_race`); ``hint``: network dicts giving the phases of racers
    that ask for them. Conflict counts only, so the answer does not depend
    on the machine.
    """
    if portfolio:
        return _race(question, conflicts, portfolio, hint)
    enc = question.encode()
    with Solver(name=SOLVER, bootstrap_with=enc.clauses) as s:
        s.conf_budget(conflicts)
        ok = s.solve_limited()
        return ok, (_decoded(enc, s) if ok else None)


def _racers(question, portfolio, hint):
    """One solver per racer, the formula loaded (one encoding per symmetry
    setting); ``(solver, encoding)`` pairs. The caller deletes the solvers."""
    encs, racers = {}, []
    try:
        for sym, opts, phased in portfolio:
            if sym not in encs:
                encs[sym] = question.encode(symmetry=sym)
            s = Solver(name=SOLVER)
            racers.append((s, encs[sym]))
            if opts == "sat":
                # options must be set before the first clause is added
                s.solver.configure(SAT_OPTIONS)
            s.append_formula(encs[sym].clauses)
            if phased and hint:
                s.set_phases(_phases(encs[sym], [network_from_dict(d) for d in hint]))
    except BaseException:
        for s, _ in racers:
            s.delete()
        raise
    return racers


def _race(question, conflicts, portfolio, hint):
    """The racers round robin, each solver kept between its slices
    (:data:`SLICE` conflicts, doubling per round) until one answers or
    ``conflicts`` are spent in all (checked after each full round, so a
    round may pass the budget by its slices)."""
    racers = _racers(question, portfolio, hint)
    try:
        spent, sl = 0, SLICE
        while spent < conflicts:
            for s, enc in racers:
                s.conf_budget(sl)
                ok = s.solve_limited()
                spent += sl
                if ok is not None:
                    return ok, (_decoded(enc, s) if ok else None)
            sl *= 2
        return None, None
    finally:
        for s, _ in racers:
            s.delete()


# ------------------------------------------------------------------ one repair

def _fixed_values(nets, free):
    """Every parameter of ``nets`` outside ``free`` at its current value."""
    fixed = dict(code_params(nets[0]))
    for mi, net in enumerate(nets):
        fixed.update(member_params(net, mi))
    for k in free:
        fixed.pop(k, None)
    return fixed


def _first_inputs(tasks, nets, n):
    """The inputs of the first round: all of X for a small formula (the
    first candidate's counterexamples are most of X anyway, so one round is
    cheaper than the loop); else the inputs of weight <= 1 and those the
    networks get wrong."""
    X = tasks[0].inputs
    if len(X) * tasks[0].m_out * n <= FULL_X:
        return set(X)
    subset = {x for x in X if sum(x) <= 1}
    for t, net in zip(tasks, nets):
        subset |= set(wrong_inputs(net, t))
    return subset


def _checked(tasks, cand):
    for t, net in zip(tasks, cand):
        v = verify(net, t)
        if not v.ok:
            raise SoundnessError(f"window repair: candidate fails {t.name} "
                                 f"at {v.counterexamples[0]}")
    return cand


def repair(tasks, nets, shape, free, budget, conflicts, max_nonzero=None, portfolio=None,
           hint=None):
    """Solve the window: ``nets`` (one per task, width ``shape.n``) with every
    parameter outside ``free`` fixed. Returns ``("SAT", nets)`` with
    exhaustively verified networks, ``("UNSAT", None)`` when the window has
    no solution, or ``("UNKNOWN", None)`` (``conflicts`` per SAT call,
    :data:`ROUNDS`, or the wall-clock ``budget``).

    ``free=None`` is the full window: the fresh exact question at
    ``shape.n`` with the encoder's symmetry breaks (sound there: nothing is
    fixed); ``nets`` then only seed the counterexample loop."""
    full = free is None
    if portfolio and not full:
        raise InputError("portfolio: only for the full question (free=None)")
    question = WindowQuestion(tasks, shape, None, max_nonzero,
                              {} if full else _fixed_values(nets, free), full)
    subset = _first_inputs(tasks, nets, shape.n)
    hint = None if hint is None else [network_to_dict(x) for x in hint]
    for _ in range(ROUNDS):
        if seconds_left(budget) <= 0:
            return "UNKNOWN", None
        question.inputs = sorted(subset, key=lambda x: (sum(x), x[::-1]))
        # encode and solve in a child killed at the deadline: the wall-clock
        # budget holds even when one window's formula is large
        done, out = run_limited(_encode_solve, question, conflicts, portfolio, hint,
                                time_limit=max(seconds_left(budget), 0.01))
        if not done or out[0] is None:
            return "UNKNOWN", None
        if not out[0]:
            # UNSAT on a subset of the inputs: UNSAT on X (fewer constraints)
            return "UNSAT", None
        cand = [network_from_dict(d) for d in out[1]]
        new = set().union(*(wrong_inputs(net, t) for t, net in zip(tasks, cand)))
        if not new:
            return "SAT", _checked(tasks, cand)
        if new <= subset:
            raise SoundnessError("window repair: candidate wrong on encoded inputs; encoder bug")
        subset |= new
    return "UNKNOWN", None


def fresh_solve(tasks, nets, budget, conflicts, portfolio=PORTFOLIO):
    """The fresh exact question at one neuron less than ``nets`` (a single
    task), raced by ``portfolio`` (None: one CaDiCaL run with the symmetry
    breaks); a racer with phases takes its hints from the network minus its
    least-missed neuron (superposed: code coordinate ``h`` dropped with
    neuron ``h``)."""
    n = nets[0].widths[0]
    hint = None
    if portfolio:
        hint = [min((drop_neuron(nets[0], h, h, h) for h in range(n)),
                    key=lambda x: len(wrong_inputs(x, tasks[0])))]
    return repair(tasks, nets, shape_of(nets[0], n - 1), None, budget, conflicts,
                  portfolio=portfolio, hint=hint)
