"""SAT repair of a window: the network with every parameter outside the
window fixed, solved counterexample-guided by CaDiCaL under a conflict
budget; for a family, member-CEGIS over the shared codes."""

import time
from dataclasses import dataclass, replace

from pysat.solvers import Solver

from ...encode.sat import encode_family_sat
from ...errors import InputError, SoundnessError
from ...network import Network
from ...schema import network_from_dict, network_to_dict
from ...shape import Shape
from ...tasks import table
from ...verify import evaluate_all_numpy, verify
from ..family import decide_family
from ..runner import run_limited
from .moves import _free_keys
from .result import objective

__all__ = ["SOLVER", "PORTFOLIO", "SAT_OPTIONS"]

#: solver for window instances; conflict budgets keep it deterministic
SOLVER = "cadical195"
#: windows whose |X| * m' * n is at most this are encoded on all of X; larger
#: ones counterexample-guided (the encoding's cost grows with that product)
FULL_X = 60_000


def _member_params(net, mi):
    (W, b), = net.layers
    d = {}
    for k, row in enumerate(W):
        for i, v in enumerate(row):
            d[("W", mi, 0, k, i)] = v
        d[("b", mi, 0, k)] = b[k]
    for j, row in enumerate(net.V):
        for k, v in enumerate(row):
            d[("V", mi, j, k)] = v
        d[("c", mi, j)] = net.c[j]
    return d


def _code_params(net):
    d = {}
    if net.mode == "superposed":
        for r, row in enumerate(net.E):
            for i, v in enumerate(row):
                d[("E", r, i)] = v
        for j, row in enumerate(net.R):
            for r, v in enumerate(row):
                d[("R", j, r)] = v
    return d



# ------------------------------------------------------------------ one repair

@dataclass
class _Budget:
    deadline: float
    conflicts: int

    def left(self):
        return self.deadline - time.perf_counter()


def _wrong_inputs(net, task):
    """Inputs on which ``net`` is wrong (numpy int64 when proved safe)."""
    X = task.inputs
    try:
        Y = evaluate_all_numpy(net, task.s, X)
        return [x for x, y in zip(X, Y) if tuple(int(v) for v in y) != task(x)]
    except OverflowError:
        return [x for x in X if net.evaluate(x) != task(x)]


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


def _phases(enc, nets):
    """Phase hints: the order literals of every free parameter set to its
    value in ``nets`` (one network per member, the encoding's width)."""
    out = []

    def add(e, v):
        lits = getattr(e, "lits", None)
        if lits is None:  # a constant (fixed) parameter
            return
        for d, lit in zip(e.dom[1:], lits):
            out.append(lit if v >= d else -lit)

    if enc._E:
        for erow, vrow in zip(enc._E, nets[0].E):
            for e, v in zip(erow, vrow):
                add(e, v)
        for erow, vrow in zip(enc._R, nets[0].R):
            for e, v in zip(erow, vrow):
                add(e, v)
    for mem, net in zip(enc._members, nets):
        for (W, b), (Wv, bv) in zip(mem["layers"], net.layers):
            for erow, vrow in zip(W, Wv):
                for e, v in zip(erow, vrow):
                    add(e, v)
            for e, v in zip(b, bv):
                add(e, v)
        if mem["V"] is not None:
            for erow, vrow in zip(mem["V"], net.V):
                for e, v in zip(erow, vrow):
                    add(e, v)
            for e, v in zip(mem["c"], net.c):
                add(e, v)
    return out


def _encode_solve(tasks, shape, inputs, max_nonzero, fixed, conflicts, symmetry=False,
                  portfolio=None, hint=None):
    """Child-process half of a window solve: encode, solve under a conflict
    budget, decode. Returns ``(True|False|None, [network dicts] or None)``.

    ``portfolio``: race these ``(symmetry, options, phases)`` racers round
    robin, each solver kept between its slices (``SLICE`` conflicts, doubling
    per round) until one answers or ``conflicts`` are spent in all (checked
    after each full round, so a round may pass the budget by its slices);
    ``hint``: network dicts giving the phases of racers that ask for them.
    Conflict counts only, so the answer does not depend on the machine.
    """
    if not portfolio:
        enc = encode_family_sat(tasks, shape, inputs=inputs, symmetry=symmetry,
                                max_nonzero=max_nonzero, fixed=fixed)
        with Solver(name=SOLVER, bootstrap_with=enc.clauses) as s:
            s.conf_budget(conflicts)
            ok = s.solve_limited()
            if not ok:
                return ok, None
            return ok, [network_to_dict(n) for n in enc.decode_all(s.get_model())[2]]
    encs, racers = {}, []
    try:
        for sym, opts, phased in portfolio:
            if sym not in encs:
                encs[sym] = encode_family_sat(tasks, shape, inputs=inputs, symmetry=sym,
                                              max_nonzero=max_nonzero, fixed=fixed)
            s = Solver(name=SOLVER)
            if opts == "sat":
                # options must be set before the first clause is added
                s.solver.configure(SAT_OPTIONS)
            s.append_formula(encs[sym].clauses)
            if phased and hint:
                s.set_phases(_phases(encs[sym], [network_from_dict(d) for d in hint]))
            racers.append((s, encs[sym]))
        spent, sl = 0, SLICE
        while spent < conflicts:
            for s, enc in racers:
                s.conf_budget(sl)
                ok = s.solve_limited()
                spent += sl
                if ok is None:
                    continue
                if not ok:
                    return ok, None
                return ok, [network_to_dict(n) for n in enc.decode_all(s.get_model())[2]]
            sl *= 2
        return None, None
    finally:
        for s, _ in racers:
            s.delete()


def _repair(tasks, nets, shape, free, budget, max_nonzero=None, rounds=12, portfolio=None,
            hint=None):
    """Solve the window: ``nets`` (one per task, width ``shape.n``) with every
    parameter outside ``free`` fixed. Returns ``("SAT", nets)`` with
    exhaustively verified networks, ``("UNSAT", None)`` when the window has
    no solution, or ``("UNKNOWN", None)`` (conflict budget, rounds, time).

    ``free=None`` is the full window: the fresh exact question at
    ``shape.n`` with the encoder's symmetry breaks (sound there: nothing is
    fixed); ``nets`` then only seed the counterexample loop."""
    full = free is None
    if portfolio and not full:
        raise InputError("portfolio: only for the full question (free=None)")
    fixed = {}
    if not full:
        fixed = dict(_code_params(nets[0]))
        for mi, net in enumerate(nets):
            fixed.update(_member_params(net, mi))
        for k in free:
            fixed.pop(k, None)
    X = tasks[0].inputs
    if len(X) * tasks[0].m_out * shape.n <= FULL_X:
        # small formulas: the counterexamples of the first candidate are most
        # of X anyway, so one round on all of X is cheaper than the loop
        subset = set(X)
    else:
        subset = {x for x in X if sum(x) <= 1}
        for t, net in zip(tasks, nets):
            subset |= set(_wrong_inputs(net, t))
    for _ in range(rounds):
        if budget.left() <= 0:
            return "UNKNOWN", None
        inputs = sorted(subset, key=lambda x: (sum(x), x[::-1]))
        # encode and solve in a child killed at the deadline: the wall-clock
        # budget holds even when one window's formula is large
        done, out = run_limited(_encode_solve, tasks, shape, inputs, max_nonzero, fixed,
                                budget.conflicts, full, portfolio,
                                None if hint is None else [network_to_dict(x) for x in hint],
                                time_limit=max(budget.left(), 0.01))
        if not done:
            return "UNKNOWN", None
        ok, dicts = out
        if ok is None:
            return "UNKNOWN", None
        if not ok:
            # UNSAT on a subset of the inputs: UNSAT on X (fewer constraints)
            return "UNSAT", None
        cand = [network_from_dict(d) for d in dicts]
        new = set()
        for t, net in zip(tasks, cand):
            new |= set(_wrong_inputs(net, t))
        if not new:
            for t, net in zip(tasks, cand):
                v = verify(net, t)
                if not v.ok:
                    raise SoundnessError(f"window repair: candidate fails {t.name} "
                                         f"at {v.counterexamples[0]}")
            return "SAT", cand
        if new <= subset:
            raise SoundnessError("window repair: candidate wrong on encoded inputs; encoder bug")
        subset |= new
    return "UNKNOWN", None



def _shape_of(net, n):
    if net.mode == "explicit":
        return Shape("explicit", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                     theta=net.theta)
    return Shape("superposed", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                 B_code=net.B_code, theta=net.theta, codes="free")



def _fresh_family(family, shape, bud):
    left = bud.left()
    if left <= 0:
        return "UNKNOWN", None
    cell = decide_family(family, shape, time_limit=left, check=False)
    if cell.status != "SAT":
        return cell.status, None
    for t, net in zip(family.members(), cell.networks):
        if not verify(net, t).ok:
            raise SoundnessError(f"family answer fails {t.name}; a bug")
    return "SAT", list(cell.networks)


def _repair_explicit_rows(task, net, hidden, rows, bud, max_nonzero):
    """Explicit mode: solve the window on the *sub-question* of the outputs
    ``rows`` and the neurons that feed them, then splice the answer back.

    Sound and complete for the window: ``rows`` holds every output a window
    neuron feeds (and may feed), so an output outside ``rows`` sees only
    fixed neurons and fixed weights and computes what it computed before;
    a neuron feeding no output of ``rows`` cannot affect them. The spliced
    network is verified exhaustively on the whole task all the same.
    """
    (W, b), = net.layers
    n = len(W)
    keep = sorted(set(hidden) | {k for k in range(n) if any(net.V[j][k] for j in rows)})
    if not rows:
        return "UNSAT", None
    sub_task = table(task.m, task.s, outputs=[[y[j] for j in rows] for y in task.outputs])
    sub = Network.explicit(net.m, len(rows), net.activation,
                           [([W[k] for k in keep], [b[k] for k in keep])],
                           [[net.V[j][k] for k in keep] for j in rows],
                           [net.c[j] for j in rows], net.B, net.B_bias, net.theta)
    pos = {k: i for i, k in enumerate(keep)}
    free = _free_keys(sub, 0, [pos[k] for k in hidden], [], [], True, True, None)
    cap = None
    if max_nonzero is not None:
        cap = max_nonzero - (objective(net)[1] - objective(sub)[1])
        if cap < 0:
            return "UNSAT", None
    st, cand = _repair([sub_task], [sub], _shape_of(sub, len(keep)), free, bud, cap)
    if st != "SAT":
        return st, None
    s2 = cand[0]
    (W2, b2), = s2.layers
    W, b = [list(r) for r in W], list(b)
    V, c = [list(r) for r in net.V], list(net.c)
    for i, k in enumerate(keep):
        W[k], b[k] = list(W2[i]), b2[i]
        for jj, j in enumerate(rows):
            V[j][k] = s2.V[jj][i]
    for jj, j in enumerate(rows):
        c[j] = s2.c[jj]
    out = Network.explicit(net.m, net.m_out, net.activation, [(W, b)], V, c, net.B,
                           net.B_bias, net.theta)
    v = verify(out, task)
    if not v.ok:
        raise SoundnessError(f"window splice: the network fails {task.name} at "
                             f"{v.counterexamples[0]}; a bug")
    return "SAT", [out]


def _repair_members(tasks, nets, hidden, coords_in, coords_out, bud, core, rng,
                    max_nonzero=None, rows=None):
    """Repair every member; single task: one window solve. Family: member-CEGIS."""
    shape = _shape_of(nets[0], nets[0].widths[0])
    if len(tasks) == 1 and nets[0].mode == "explicit" and rows is not None:
        return _repair_explicit_rows(tasks[0], nets[0], hidden, rows, bud, max_nonzero)
    if len(tasks) == 1:
        free = _free_keys(nets[0], 0, hidden, coords_in, coords_out, True, True, rows)
        return _repair(tasks, nets, shape, free, bud, max_nonzero)
    # family: members currently wrong first; the core is solved together
    wrong = [i for i, (t, x) in enumerate(zip(tasks, nets)) if _wrong_inputs(x, t)]
    if max_nonzero is not None:
        # sparsify one member at a time with the codes fixed
        i = rng.randrange(len(tasks))
        free = _free_keys(nets[i], 0, hidden, coords_in, coords_out, True, False, rows)
        others = sum(objective(x)[1] for k, x in enumerate(nets) if k != i)
        st, c = _repair([tasks[i]], [nets[i]], shape, free, bud, max_nonzero - others)
        if st != "SAT":
            return st, None
        out = list(nets)
        out[i] = c[0]
        return "SAT", out
    core_idx = (wrong or [0])[:core]
    for _ in range(len(tasks)):
        if bud.left() <= 0:
            return "UNKNOWN", None
        sub = [tasks[i] for i in core_idx]
        free = set()
        for mi, i in enumerate(core_idx):
            free |= {(k[0], mi) + k[2:] if k[0] in "WbVc" else k
                     for k in _free_keys(nets[i], 0, hidden, coords_in, coords_out,
                                         True, True, rows)}
        st, sol = _repair(sub, [nets[i] for i in core_idx], shape, free, bud)
        if st != "SAT":
            return st, None
        out = list(nets)
        E, R = sol[0].E, sol[0].R
        for mi, i in enumerate(core_idx):
            out[i] = sol[mi]
        failed = None
        for i, t in enumerate(tasks):
            if i in core_idx:
                continue
            x = replace(out[i], E=E, R=R)
            if not _wrong_inputs(x, t):
                out[i] = x
                continue
            # repair member i alone under the new codes: window, then all weights
            ok = False
            for fr in (_free_keys(x, 0, hidden, coords_in, coords_out, True, False, rows),
                       set(_member_params(x, 0))):
                st, c = _repair([t], [x], shape, fr, bud)
                if st == "SAT":
                    out[i] = c[0]
                    ok = True
                    break
                if bud.left() <= 0:
                    return "UNKNOWN", None
            if not ok:
                failed = i
                break
        if failed is None:
            return "SAT", out
        core_idx.append(failed)
    return "UNKNOWN", None
