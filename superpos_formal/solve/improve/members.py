"""Repair after a move, member by member: one window solve for a task
(explicit mode: on the sub-question of the outputs the window feeds);
member-CEGIS for a family with shared codes (a *core* of members solved
together with the codes free, every other member then fitted to the new
codes alone; a member that cannot be fitted joins the core); and the
family's fresh exact question."""

from dataclasses import replace

from ...errors import SoundnessError
from ...network import Network
from ...options import SolveOptions
from ...tasks import table
from ...verify import verify
from ..family import decide_family
from .moves import Window, free_keys, member_params
from .repair import repair, seconds_left, shape_of, wrong_inputs
from .result import objective

__all__ = ["repair_move", "fresh_family"]


def repair_move(tasks, nets, window, budget, conflicts, core=None, rng=None,
                max_nonzero=None):
    """Repair every member of ``nets`` (one per task) with ``window`` free;
    ``(status, networks)`` as :func:`~superpos_formal.solve.improve.repair.repair`.

    ``core``: family members solved together at first; ``rng``: picks the
    member a family sparsification works on; ``max_nonzero``: bound on the
    total nonzero parameters (sparsification)."""
    if len(tasks) == 1 and nets[0].mode == "explicit" and window.rows is not None:
        return _repair_rows(tasks[0], nets[0], window, budget, conflicts, max_nonzero)
    shape = shape_of(nets[0], nets[0].widths[0])
    if len(tasks) == 1:
        return repair(tasks, nets, shape, free_keys(nets[0], 0, window), budget, conflicts,
                      max_nonzero)
    if max_nonzero is not None:
        return _sparsify_member(tasks, nets, window, budget, conflicts, rng, max_nonzero)
    return _repair_family(tasks, nets, window, budget, conflicts, core)


# ------------------------------------------------------------------ explicit rows

def _sub_question(task, net, window):
    """``(sub-task, sub-network, kept neurons)``: the outputs ``window.rows``
    and the neurons that are in the window or feed those outputs."""
    (W, b), = net.layers
    rows = window.rows
    keep = sorted(set(window.hidden)
                  | {k for k in range(len(W)) if any(net.V[j][k] for j in rows)})
    sub_task = table(task.m, task.s, outputs=[[y[j] for j in rows] for y in task.outputs])
    sub = Network.explicit(net.m, len(rows), net.activation,
                           [([W[k] for k in keep], [b[k] for k in keep])],
                           [[net.V[j][k] for k in keep] for j in rows],
                           [net.c[j] for j in rows], net.B, net.B_bias, net.theta)
    return sub_task, sub, keep


def _splice(net, solved, keep, rows):
    """``net`` with the kept neurons' weights and the rows' output weights
    and biases taken from ``solved`` (the sub-network's answer)."""
    (W, b), = net.layers
    (W2, b2), = solved.layers
    W, b = [list(r) for r in W], list(b)
    V, c = [list(r) for r in net.V], list(net.c)
    for i, k in enumerate(keep):
        W[k], b[k] = list(W2[i]), b2[i]
        for jj, j in enumerate(rows):
            V[j][k] = solved.V[jj][i]
    for jj, j in enumerate(rows):
        c[j] = solved.c[jj]
    return Network.explicit(net.m, net.m_out, net.activation, [(W, b)], V, c, net.B,
                            net.B_bias, net.theta)


def _repair_rows(task, net, window, budget, conflicts, max_nonzero):
    """Explicit mode: solve the window on the *sub-question* of the outputs
    ``window.rows`` and the neurons that feed them, then splice the answer back.

    Sound and complete for the window: ``rows`` holds every output a window
    neuron feeds (and may feed), so an output outside ``rows`` sees only
    fixed neurons and fixed weights and computes what it computed before;
    a neuron feeding no output of ``rows`` cannot affect them. The spliced
    network is verified exhaustively on the whole task all the same.
    """
    if not window.rows:
        return "UNSAT", None
    sub_task, sub, keep = _sub_question(task, net, window)
    pos = {k: i for i, k in enumerate(keep)}
    free = free_keys(sub, 0, Window([pos[k] for k in window.hidden]))
    cap = None
    if max_nonzero is not None:
        cap = max_nonzero - (objective(net)[1] - objective(sub)[1])
        if cap < 0:
            return "UNSAT", None
    st, cand = repair([sub_task], [sub], shape_of(sub, len(keep)), free, budget, conflicts, cap)
    if st != "SAT":
        return st, None
    out = _splice(net, cand[0], keep, window.rows)
    v = verify(out, task)
    if not v.ok:
        raise SoundnessError(f"window splice: the network fails {task.name} at "
                             f"{v.counterexamples[0]}; a bug")
    return "SAT", [out]


# ------------------------------------------------------------------ families

def _sparsify_member(tasks, nets, window, budget, conflicts, rng, max_nonzero):
    """Sparsify one member, picked by ``rng``, with the codes fixed."""
    shape = shape_of(nets[0], nets[0].widths[0])
    i = rng.randrange(len(tasks))
    free = free_keys(nets[i], 0, window, codes=False)
    others = sum(objective(x)[1] for k, x in enumerate(nets) if k != i)
    st, c = repair([tasks[i]], [nets[i]], shape, free, budget, conflicts, max_nonzero - others)
    if st != "SAT":
        return st, None
    out = list(nets)
    out[i] = c[0]
    return "SAT", out


def _repair_family(tasks, nets, window, budget, conflicts, core):
    """Member-CEGIS: the members currently wrong (the first ``core`` of
    them) solved together, the rest fitted to their codes; a member that
    cannot be fitted joins the core and the step is retried."""
    shape = shape_of(nets[0], nets[0].widths[0])
    wrong = [i for i, (t, x) in enumerate(zip(tasks, nets)) if wrong_inputs(x, t)]
    core_idx = (wrong or [0])[:core]
    for _ in range(len(tasks)):
        if seconds_left(budget) <= 0:
            return "UNKNOWN", None
        st, out = _solve_core(tasks, nets, core_idx, window, shape, budget, conflicts)
        if st != "SAT":
            return st, None
        st, failed = _fit_others(tasks, out, core_idx, window, shape, budget, conflicts)
        if st != "FAILED":
            return st, (out if st == "SAT" else None)
        core_idx.append(failed)
    return "UNKNOWN", None


def _solve_core(tasks, nets, core_idx, window, shape, budget, conflicts):
    """The core members' windows solved together (codes free); ``(status,
    networks with the core's answers)``."""
    free = set()
    for mi, i in enumerate(core_idx):
        free |= {(k[0], mi) + k[2:] if k[0] in "WbVc" else k
                 for k in free_keys(nets[i], 0, window)}
    st, sol = repair([tasks[i] for i in core_idx], [nets[i] for i in core_idx], shape, free,
                     budget, conflicts)
    if st != "SAT":
        return st, None
    out = list(nets)
    for mi, i in enumerate(core_idx):
        out[i] = sol[mi]
    return "SAT", out


def _fit_others(tasks, out, core_idx, window, shape, budget, conflicts):
    """Every member outside the core fitted to the core's new codes, in
    place in ``out``: ``("SAT", None)``, ``("UNKNOWN", None)`` (the budget
    ran out) or ``("FAILED", i)`` (member ``i`` cannot be fitted)."""
    code = out[core_idx[0]]
    for i, t in enumerate(tasks):
        if i in core_idx:
            continue
        st, net = _fit_member(t, replace(out[i], E=code.E, R=code.R), window, shape, budget,
                               conflicts)
        if st != "SAT":
            return st, i
        out[i] = net
    return "SAT", None


def _fit_member(task, net, window, shape, budget, conflicts):
    """``net`` (under the new codes) as it is, else with its window
    repaired, else with all its weights free; ``("SAT", network)``,
    ``("UNKNOWN", None)`` or ``("FAILED", None)``."""
    if not wrong_inputs(net, task):
        return "SAT", net
    for free in (free_keys(net, 0, window, codes=False), set(member_params(net, 0))):
        st, c = repair([task], [net], shape, free, budget, conflicts)
        if st == "SAT":
            return "SAT", c[0]
        if seconds_left(budget) <= 0:
            return "UNKNOWN", None
    return "FAILED", None


def fresh_family(family, shape, budget):
    """The exact family question at ``shape`` (member CEGIS of
    :mod:`superpos_formal.solve.family`) with what is left of ``budget``:
    its answer is the same on every machine; only whether it arrives before
    the budget ends depends on the machine."""
    left = budget.remaining()
    if left is not None and left <= 0:
        return "UNKNOWN", None
    cell = decide_family(family, shape, SolveOptions(time_limit=left, check=False))
    if cell.status != "SAT":
        return cell.status, None
    for t, net in zip(family.members(), cell.networks):
        if not verify(net, t).ok:
            raise SoundnessError(f"family answer fails {t.name}; a bug")
    return "SAT", list(cell.networks)
