"""The LNS loop: remove neurons (windows that grow, the fresh question when
every window fails), then sparsify; accept only strict improvements of the
objective; stop on the budget, ``max_steps`` or ``target``."""

import random
import time

from ...errors import InputError, SoundnessError
from ...tasks import Family, Task
from ...verify import verify
from .moves import _coord_use, _fed_rows, _related, _related_coords, _shift, drop_neuron
from .repair import (PORTFOLIO, SOLVER, _Budget, _fresh_family, _repair, _repair_members,
                     _shape_of, _wrong_inputs)
from .result import Improvement, objective
from .starts import check_start as _check_start

__all__ = ["improve", "improve_family", "restart"]


def _validate_opts(budget, max_steps, seed, window, conflicts):
    for nm, v in (("seed", seed), ("window", window), ("conflicts", conflicts)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise InputError(f"{nm}: {v!r} is not an integer")
    if not isinstance(budget, (int, float)) or isinstance(budget, bool) or budget <= 0:
        raise InputError(f"budget: must be a positive number of seconds, got {budget!r}")
    if max_steps is not None and (not isinstance(max_steps, int) or max_steps < 1):
        raise InputError(f"max_steps: must be a positive integer, got {max_steps!r}")
    if window < 1:
        raise InputError(f"window: must be >= 1, got {window}")
    if conflicts < 1:
        raise InputError(f"conflicts: must be >= 1, got {conflicts}")


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
    return _run([task], [start], task, seed, budget, max_steps, window, conflicts,
                sparsify, progress, target=target)


def improve_family(family, start, *, seed=0, budget=60.0, max_steps=None, window=2,
                   conflicts=5000, sparsify=True, progress=None, core=2, target=None):
    """:func:`improve` for a family with shared codes: ``start`` is one network
    per member (in ``family.members()`` order) sharing ``E, R``. Member-CEGIS:
    see the module docstring; ``core`` is the number of members solved
    together at first."""
    if not isinstance(family, Family):
        raise InputError("family: expected a Family")
    tasks = list(family.members())
    start = list(start)
    if start and start[0].mode != "superposed":
        raise InputError("mode: a family with shared codes needs superposed networks")
    if not isinstance(core, int) or isinstance(core, bool) or core < 1:
        raise InputError(f"core: must be a positive integer, got {core!r}")
    return _run(tasks, start, family, seed, budget, max_steps, window, conflicts,
                sparsify, progress, core=core, target=target)


def _run(tasks, start, subject, seed, budget, max_steps, window, conflicts, sparsify,
         progress, core=None, target=None):
    _validate_opts(budget, max_steps, seed, window, conflicts)
    if target is not None and (not isinstance(target, int) or target < 1):
        raise InputError(f"target: must be a positive integer, got {target!r}")
    _check_start(tasks, start)
    t0 = time.perf_counter()
    bud = _Budget(t0 + budget, conflicts)
    rng = random.Random(seed)
    say = progress or (lambda msg: None)
    best = list(start)
    history = []
    steps = 0
    stopped = "exhausted"
    superposed = best[0].mode == "superposed"

    def accept(nets, move):
        nonlocal best
        assert objective(nets) < objective(best)
        best = nets
        n, nz, bits = objective(best)
        history.append((steps, round(time.perf_counter() - t0, 3), n, nz, bits, move))
        say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: n={n} nonzero={nz} "
            f"bits={bits} ({move})")

    def reached():
        return target is not None and best[0].widths[0] <= target

    def out_of_budget():
        return (bud.left() <= 0 or (max_steps is not None and steps >= max_steps)
                or reached())

    # ---- phase 1: remove neurons
    w = window
    # the fresh question's first budget: 16 window budgets per racer (a
    # first try of 4 was too small for uand(5) relu at n=3, which needs about
    # 54k conflicts of its fastest racer; a too-small try is repeated from
    # scratch after a window round, so it costs more than it saves)
    full_conflicts = 16 * conflicts * len(PORTFOLIO)
    while best[0].widths[0] > 1 and not out_of_budget():
        n = best[0].widths[0]
        order = list(range(n))
        rng.shuffle(order)
        improved = False
        exhausted = True  # every window of this size answered UNSAT
        for h in order:
            if out_of_budget():
                break
            steps += 1
            random_window = rng.random() < 0.3
            rel = _related(best, h, min(w, n - 1), rng, random_window)
            if superposed:
                cin, cout = _coord_use(best, h)
                r = min(range(n), key=lambda i: (cin[i], rng.random()))
                q = min(range(n), key=lambda i: (cout[i], rng.random()))
                hidden = _shift(rel, h)
                # code windows are costlier than neuron windows (free codes
                # make the effective weights products of two unknowns)
                coords_in, coords_out = _related_coords(best, [h] + rel, r, q,
                                                        max(1, w // 2), rng)
                dropped = [drop_neuron(x, h, r, q) for x in best]
                rows = sorted(set(_fed_rows(best, [h] + rel, q)) | set(coords_out))
            else:
                hidden, coords_in, coords_out = _shift(rel, h), [], []
                dropped = [drop_neuron(x, h) for x in best]
                rows = _fed_rows(best, [h] + rel)
            status, cand = _repair_members(tasks, dropped, hidden, coords_in, coords_out,
                                           bud, core, rng, rows=rows)
            if status == "SAT":
                accept(cand, f"drop neuron {h}, window {len(hidden)}"
                              f"{' random' if random_window else ''}")
                improved = True
                break
            if status != "UNSAT":
                exhausted = False
        if improved:
            continue
        if out_of_budget():
            break
        # (a family's fresh question takes the rest of the budget: only after
        # every window size, as before)
        if (4 * w >= n - 1 if len(tasks) == 1 else w >= n - 1):
            # every window failed and the next size would free more than
            # half of the network: ask the fresh exact question at n - 1
            # instead (a window of nearly n neurons is that question without
            # its symmetry breaks, asked once per neuron: on uand(6) step at
            # n=7 the windows of 4 and 6 neurons and then the fresh solve
            # took 34 s, benchmarks/results/improve.md), under a conflict
            # budget that grows each time it is not enough
            steps += 1
            say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: every window up to "
                f"{w} failed at n={n}; fresh solve at n={n - 1}"
                + (f" ({len(PORTFOLIO)} racers, {full_conflicts} conflicts)"
                   if len(tasks) == 1 else " (family search, rest of the budget)"))
            if len(tasks) == 1:
                # racers (PORTFOLIO); a racer with phases=True would take its
                # hints from the network minus its least-missed neuron
                # (superposed: code coordinate h dropped with neuron h)
                hint = min((drop_neuron(best[0], h, h, h) for h in range(n)),
                           key=lambda x: len(_wrong_inputs(x, tasks[0])))
                st, cand = _repair(tasks, best, _shape_of(best[0], n - 1), None,
                                   _Budget(bud.deadline, full_conflicts),
                                   portfolio=PORTFOLIO, hint=[hint])
            else:
                # the exact family question at n - 1 (member CEGIS of
                # solve/family.py) with the rest of the budget: its answer is
                # the same on every machine; only whether it arrives before the
                # budget ends depends on the machine, and then the run ends
                st, cand = _fresh_family(subject, _shape_of(best[0], n - 1), bud)
            if st == "SAT":
                accept(cand, f"fresh solve at n={n - 1}")
                w = window
                continue
            if st == "UNSAT":
                say(f"[{time.perf_counter() - t0:7.1f}s] the solver finds no network at "
                    f"n={n - 1} (UNSAT, not proof-checked here); removal stops")
                break
            say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: fresh solve at "
                f"n={n - 1}: no answer in {full_conflicts} conflicts; budgets grow")
            full_conflicts *= 4
            # a restart: reshuffle and try again from the smallest window,
            # each window solve with twice the conflicts
            bud.conflicts *= 2
            w = window
            continue
        # geometric growth: a window that is too small fails on every neuron,
        # so reaching a working size fast matters more than its exact value
        w = min(n - 1, 2 * w)
        say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: window grows to {w}")

    # ---- phase 2: fewer nonzero parameters at the final width
    if sparsify:
        fails = 0
        while not out_of_budget() and fails < 2 * best[0].widths[0] + 4:
            n = best[0].widths[0]
            steps += 1
            k = rng.randrange(n)
            rel = _related(best, k, min(window, n - 1), rng, rng.random() < 0.5)
            hidden = sorted(set(rel) | {k})
            coords = hidden if superposed else []
            nz = objective(best)[1]
            status, cand = _repair_members(tasks, best, hidden, coords, coords, bud, core,
                                           rng, max_nonzero=nz - 1,
                                           rows=_fed_rows(best, hidden))
            if status == "SAT" and objective(cand) < objective(best):
                accept(cand, f"sparsify window {len(hidden)}")
                fails = 0
            else:
                fails += 1
    if reached():
        stopped = "target"
    elif bud.left() <= 0:
        stopped = "budget"
    elif max_steps is not None and steps >= max_steps:
        stopped = "max_steps"
    for t, net in zip(tasks, best):
        v = verify(net, t)
        if not v.ok:
            raise SoundnessError(f"improve: result fails {t.name}; a bug")
    return Improvement(subject, list(start), best, seed, steps,
                       time.perf_counter() - t0, stopped, history,
                       {"window": window, "conflicts": conflicts, "budget": budget,
                        "max_steps": max_steps, "sparsify": sparsify, "solver": SOLVER,
                        "target": target})


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
    _validate_opts(budget, None, 0, 1, 1)
    _check_start([task], [start])
    t0 = time.perf_counter()
    bud = _Budget(t0 + budget, 2 ** 62)
    best, hist = start, []
    say = progress or (lambda msg: None)
    while best.widths[0] > 1 and bud.left() > 0:
        if target is not None and best.widths[0] <= target:
            break
        n = best.widths[0]
        hint = min((drop_neuron(best, h, h, h) for h in range(n)),
                   key=lambda x: len(_wrong_inputs(x, task)))
        st, cand = _repair([task], [best], _shape_of(best, n - 1), None, bud,
                           portfolio=PORTFOLIO if portfolio else None,
                           hint=[hint] if portfolio else None)
        if st != "SAT":
            break
        best = cand[0]
        hist.append((round(time.perf_counter() - t0, 3), n - 1))
        say(f"[{time.perf_counter() - t0:7.1f}s] restart: n={n - 1}")
    return best, hist

