"""The LNS loop: remove neurons (windows that grow, the fresh question when
every window fails), then sparsify; accept only strict improvements of the
objective; stop on the budget, ``max_steps`` or ``target``.

Every random choice comes from one ``random.Random(seed)`` drawn in a fixed
order, and every SAT call has a conflict budget, so the same seed and
``max_steps`` give the same trajectory on any machine.
"""

import random
import time
from dataclasses import dataclass, fields, replace
from typing import Callable, Optional

from ...errors import InputError, SoundnessError
from ...tasks import Family, Task
from ...verify import verify
from .members import fresh_family, repair_move
from .moves import removal, sparsify_window
from .repair import PORTFOLIO, SOLVER, fresh_solve, shape_of, wall_clock
from .result import Improvement, objective
from .starts import check_start

__all__ = ["LNSOptions", "LNS", "improve", "improve_family", "restart", "run_lns"]


def _integer(name, v):
    if not isinstance(v, int) or isinstance(v, bool):
        raise InputError(f"{name}: {v!r} is not an integer")


@dataclass(frozen=True)
class LNSOptions:
    """How an improvement run searches (the arguments of :func:`improve`),
    validated; ``core`` is a family's (None for a task).

    >>> LNSOptions(seed=2, window=4)
    LNSOptions(seed=2, window=4)
    >>> LNSOptions(window=0)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: window: must be >= 1, got 0
    """

    seed: int = 0
    budget: float = 60.0
    max_steps: Optional[int] = None
    window: int = 2
    conflicts: int = 5000
    sparsify: bool = True
    progress: Optional[Callable[[str], None]] = None
    target: Optional[int] = None
    core: Optional[int] = None

    def __post_init__(self):
        for nm in ("seed", "window", "conflicts"):
            _integer(nm, getattr(self, nm))
        b = self.budget
        if not isinstance(b, (int, float)) or isinstance(b, bool) or b <= 0:
            raise InputError(f"budget: must be a positive number of seconds, got {b!r}")
        if self.max_steps is not None and (not isinstance(self.max_steps, int)
                                           or self.max_steps < 1):
            raise InputError(f"max_steps: must be a positive integer, got {self.max_steps!r}")
        if self.window < 1:
            raise InputError(f"window: must be >= 1, got {self.window}")
        if self.conflicts < 1:
            raise InputError(f"conflicts: must be >= 1, got {self.conflicts}")
        if self.target is not None and (not isinstance(self.target, int) or self.target < 1):
            raise InputError(f"target: must be a positive integer, got {self.target!r}")

    def __repr__(self):
        # short: only what differs from the defaults (as SolveOptions)
        diff = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                if getattr(self, f.name) != f.default]
        return f"LNSOptions({', '.join(diff)})"

    @classmethod
    def of(cls, options, kw):
        """``options`` (None: the defaults) with the keyword arguments ``kw``
        set by name; a name that is not an option is an InputError.

        >>> LNSOptions.of(None, {"seed": 3}).seed
        3
        >>> LNSOptions.of(None, {"sed": 3})
        Traceback (most recent call last):
        ...
        superpos_formal.errors.InputError: improve: unknown option(s) sed (known: seed, budget, max_steps, window, conflicts, sparsify, progress, target, core)
        """
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(kw) - set(names))
        if unknown:
            raise InputError(f"improve: unknown option(s) {', '.join(unknown)} "
                             f"(known: {', '.join(names)})")
        return replace(options or cls(), **kw)

    def record(self):
        """The options as :attr:`Improvement.options` records them (the
        best-known registry's provenance)."""
        return {"window": self.window, "conflicts": self.conflicts, "budget": self.budget,
                "max_steps": self.max_steps, "sparsify": self.sparsify, "solver": SOLVER,
                "target": self.target}


class LNS:
    """One improvement run: the best networks so far, the moves tried, the
    budgets left. :meth:`run` is removal (:meth:`remove`), then
    sparsification (:meth:`sparsify`), then the checked result."""

    def __init__(self, tasks, start, subject, options):
        check_start(tasks, start)
        self.tasks, self.subject, self.opt = tasks, subject, options
        self.start, self.best = list(start), list(start)
        self.t0 = time.perf_counter()
        self.budget = wall_clock(options.budget)
        #: conflicts per window solve (doubled at each restart)
        self.conflicts = options.conflicts
        # the fresh question's first budget: 16 window budgets per racer (a
        # first try of 4 was too small for uand(5) relu at n=3, which needs
        # about 54k conflicts of its fastest racer; a too-small try is
        # repeated from scratch after a window round, so it costs more than
        # it saves)
        self.full_conflicts = 16 * options.conflicts * len(PORTFOLIO)
        #: neurons freed besides the dropped one (grows while windows fail)
        self.window = options.window
        self.rng = random.Random(options.seed)
        self.history, self.steps = [], 0

    # ---------------------------------------------------------- bookkeeping

    @property
    def width(self):
        return self.best[0].widths[0]

    def say(self, msg):
        if self.opt.progress is not None:
            self.opt.progress(f"[{time.perf_counter() - self.t0:7.1f}s] {msg}")

    def accept(self, nets, move):
        """Make ``nets`` (strictly better) the best, and record the move."""
        assert objective(nets) < objective(self.best)
        self.best = nets
        n, nz, bits = objective(nets)
        self.history.append((self.steps, round(time.perf_counter() - self.t0, 3), n, nz, bits,
                             move))
        self.say(f"step {self.steps}: n={n} nonzero={nz} bits={bits} ({move})")

    def reached(self):
        return self.opt.target is not None and self.width <= self.opt.target

    def out_of_budget(self):
        return (self.budget.expired() or self.reached()
                or (self.opt.max_steps is not None and self.steps >= self.opt.max_steps))

    # ---------------------------------------------------------- phases

    def run(self):
        """Remove neurons, then (``sparsify``) nonzero parameters; the result."""
        self.remove()
        if self.opt.sparsify:
            self.sparsify()
        return self.result()

    def remove(self):
        """Phase 1: drop one neuron at a time, repairing a window around it."""
        while self.width > 1 and not self.out_of_budget():
            if self._removal_round():
                continue
            if self.out_of_budget():
                break
            # (a family's fresh question takes the rest of the budget: only
            # after every window size)
            n = self.width
            if 4 * self.window >= n - 1 if len(self.tasks) == 1 else self.window >= n - 1:
                if not self._fresh_round():
                    break
                continue
            # geometric growth: a window that is too small fails on every
            # neuron, so reaching a working size fast matters more than its
            # exact value
            self.window = min(n - 1, 2 * self.window)
            self.say(f"step {self.steps}: window grows to {self.window}")

    def _removal_round(self):
        """Try to drop each neuron once, in a random order, with the current
        window; True at the first success."""
        order = list(range(self.width))
        self.rng.shuffle(order)
        for h in order:
            if self.out_of_budget():
                return False
            self.steps += 1
            move = removal(self.best, h, self.window, self.rng)
            status, cand = repair_move(self.tasks, move.networks, move.window, self.budget,
                                       self.conflicts, self.opt.core, self.rng)
            if status == "SAT":
                self.accept(cand, move.label)
                return True
        return False

    def _fresh_round(self):
        """Every window failed and the next size would free more than half
        of the network: ask the fresh exact question at ``n - 1`` instead (a
        window of nearly ``n`` neurons is that question without its
        symmetry breaks, asked once per neuron: on uand(6) step at n=7 the
        windows of 4 and 6 neurons and then the fresh solve took 34 s,
        benchmarks/results/improve.md), under a conflict budget that grows
        each time it is not enough. False when removal should stop (UNSAT)."""
        n = self.width
        self.steps += 1
        self.say(f"step {self.steps}: every window up to {self.window} failed at n={n}; "
                 f"fresh solve at n={n - 1}"
                 + (f" ({len(PORTFOLIO)} racers, {self.full_conflicts} conflicts)"
                    if len(self.tasks) == 1 else " (family search, rest of the budget)"))
        if len(self.tasks) == 1:
            st, cand = fresh_solve(self.tasks, self.best, self.budget, self.full_conflicts)
        else:
            st, cand = fresh_family(self.subject, shape_of(self.best[0], n - 1), self.budget)
        if st == "SAT":
            self.accept(cand, f"fresh solve at n={n - 1}")
            self.window = self.opt.window
            return True
        if st == "UNSAT":
            self.say(f"the solver finds no network at n={n - 1} (UNSAT, not proof-checked "
                     f"here); removal stops")
            return False
        self.say(f"step {self.steps}: fresh solve at n={n - 1}: no answer in "
                 f"{self.full_conflicts} conflicts; budgets grow")
        # a restart: reshuffle and try again from the smallest window, each
        # window solve with twice the conflicts
        self.full_conflicts *= 4
        self.conflicts *= 2
        self.window = self.opt.window
        return True

    def sparsify(self):
        """Phase 2: fewer nonzero parameters at the final width, until
        ``2 n + 4`` windows in a row bring nothing."""
        fails = 0
        while not self.out_of_budget() and fails < 2 * self.width + 4:
            self.steps += 1
            window = sparsify_window(self.best, self.opt.window, self.rng)
            status, cand = repair_move(self.tasks, self.best, window, self.budget,
                                       self.conflicts, self.opt.core, self.rng,
                                       max_nonzero=objective(self.best)[1] - 1)
            if status == "SAT" and objective(cand) < objective(self.best):
                self.accept(cand, f"sparsify window {len(window.hidden)}")
                fails = 0
            else:
                fails += 1

    def stopped(self):
        """Why the run ended: target, budget, max_steps or exhausted."""
        if self.reached():
            return "target"
        if self.budget.expired():
            return "budget"
        if self.opt.max_steps is not None and self.steps >= self.opt.max_steps:
            return "max_steps"
        return "exhausted"

    def result(self):
        """The :class:`Improvement`, every network verified again."""
        for t, net in zip(self.tasks, self.best):
            if not verify(net, t).ok:
                raise SoundnessError(f"improve: result fails {t.name}; a bug")
        return Improvement(self.subject, self.start, self.best, self.opt.seed, self.steps,
                           time.perf_counter() - self.t0, self.stopped(), self.history,
                           self.opt.record())


# ------------------------------------------------------------------ entry points

def improve(task, start, *, seed=0, budget=60.0, max_steps=None, window=2,
            conflicts=5000, sparsify=True, progress=None, target=None):
    """Shrink ``start`` (a verified network for ``task``) by LNS.

    Parameters
    ----------
    budget : float
        Wall-clock seconds; checked between SAT calls and inside repairs.
    max_steps : int, optional
        Stop after this many moves (with ``seed``, the run is deterministic).
    window : int
        Initial window (neurons freed besides the dropped one); doubles
        after every neuron has been tried at the current size, up to all.
    conflicts : int
        CaDiCaL conflict budget per SAT call (deterministic limit).
    sparsify : bool
        After removals stall, minimise nonzero parameters at the final width.
    progress : callable, optional
        Receives one line per accepted move and per window growth.
    target : int, optional
        Stop as soon as the width is ``<= target`` (e.g. a known minimum:
        the benchmark's "time to reach the minimum").
    """
    if not isinstance(task, Task):
        raise InputError("task: expected a Task")
    opt = LNSOptions(seed=seed, budget=budget, max_steps=max_steps, window=window,
                     conflicts=conflicts, sparsify=sparsify, progress=progress, target=target)
    return run_lns(task, [start], opt)


def improve_family(family, start, *, core=2, **options):
    """:func:`improve` for a family with shared codes: ``start`` is one network
    per member (in ``family.members()`` order) sharing ``E, R``. Member-CEGIS:
    see the package docstring; ``core`` is the number of members solved
    together at first; ``options`` are :func:`improve`'s keywords."""
    if not isinstance(family, Family):
        raise InputError("family: expected a Family")
    _check_core(core)
    return run_lns(family, start, LNSOptions(core=core, **options))


def _check_core(core):
    if not isinstance(core, int) or isinstance(core, bool) or core < 1:
        raise InputError(f"core: must be a positive integer, got {core!r}")


def run_lns(subject, start, options):
    """:class:`LNS` on a task or a family (``start``: one network per
    member); a family's ``options.core`` defaults to 2, a task takes none."""
    if isinstance(subject, Task):
        if options.core is not None:
            raise InputError("core: only for a family (members solved together)")
        return LNS([subject], list(start), subject, options).run()
    if not isinstance(subject, Family):
        raise InputError("subject: expected a Task or a Family")
    start = list(start)
    if start and start[0].mode != "superposed":
        raise InputError("mode: a family with shared codes needs superposed networks")
    if options.core is None:
        options = replace(options, core=2)
    _check_core(options.core)
    return LNS(list(subject.members()), start, subject, options).run()


def restart(task, start, *, budget=60.0, portfolio=True, target=None, progress=None):
    """The restart strategy the benchmark sets against :func:`improve`: from
    ``start``, ask the fresh exact question at ``n - 1`` from scratch (no
    window, nothing fixed), again at ``n - 2`` after each SAT answer, until
    UNSAT, ``target`` or the wall-clock ``budget``. With ``portfolio`` each
    question is raced by :data:`PORTFOLIO`, the same racers
    :func:`improve` falls back on;
    without, it is one CaDiCaL run with the symmetry breaks. Returns
    ``(best network, [(seconds, width), ...])``; every network is verified.
    """
    if not isinstance(task, Task):
        raise InputError("task: expected a Task")
    LNSOptions(budget=budget)
    check_start([task], [start])
    t0 = time.perf_counter()
    bud = wall_clock(budget)
    best, hist = start, []
    while best.widths[0] > 1 and not bud.expired():
        if target is not None and best.widths[0] <= target:
            break
        n = best.widths[0]
        st, cand = fresh_solve([task], [best], bud, 2 ** 62,
                               portfolio=PORTFOLIO if portfolio else None)
        if st != "SAT":
            break
        best = cand[0]
        hist.append((round(time.perf_counter() - t0, 3), n - 1))
        if progress is not None:
            progress(f"[{time.perf_counter() - t0:7.1f}s] restart: n={n - 1}")
    return best, hist
