"""Incremental width search: one solver, one formula, assumptions per ``n``.

The formula is built once at ``n_max`` with a selector ``used_k`` per hidden
neuron (:meth:`superpos_formal.encode.sat._Enc._selectors`, which argues
that assuming ``~used_k`` for ``k >= n`` is equisatisfiable with width
``n``). The solver keeps its learnt clauses from one ``n`` to the next.

CaDiCaL cannot be interrupted from python-sat, so the whole session runs in
one child of the process runner (:class:`~superpos_formal.solve.runner.Child`)
that reports each answer as it comes; the parent kills it when a per-solve
limit (or the active budget) passes (that ``n`` and the rest are UNKNOWN).

An UNSAT under assumptions is not a refutation of a fixed formula, so these
answers carry no DRAT proof. :func:`min_neurons_incremental` with
``certify_below=True`` re-solves ``n = minimum - 1`` from scratch with proof
logging, which is what a minimum bundle needs.

Explicit mode, one hidden layer, one task (the encoder refuses the rest).
"""

import time
from dataclasses import replace

from ..encode.sat import encode_sat
from ..errors import SoundnessError
from ..network import Network
from ..budget import Budget
from ..options import SolveOptions
from ..results import Status
from ..verify import verify
from .ascend import ascend
from .cell import Cell
from .runner import Child
from .search import decide, proof_paths

__all__ = ["min_neurons_incremental"]


def _session(emit, clauses, selectors, n_min, n_max, solver):
    from pysat.solvers import Solver

    s = Solver(name=solver, bootstrap_with=clauses)
    for n in range(n_min, n_max + 1):
        t0 = time.perf_counter()
        ok = s.solve(assumptions=[-u for u in selectors[n:]])
        dt = time.perf_counter() - t0
        emit({"n": n, "status": "SAT" if ok else "UNSAT", "seconds": dt,
              "model": s.get_model() if ok else None})
        if ok:
            break
    s.delete()


def _shrink(net, n):
    """The width-``n`` network: drop hidden neurons ``n..`` (zero outgoing)."""
    (W, b), = net.layers
    return Network(net.mode, net.activation, net.E, ((W[:n], b[:n]),),
                   [row[:n] for row in net.V], net.c, net.R, net.theta, net.B,
                   net.B_bias, net.B_code)


def min_neurons_incremental(task, shape, options: SolveOptions | None = None, *,
                            budget: Budget | None = None, checker=None, n_min=1,
                            n_max=8, certify_below=False, proof_dir=None):
    """Like :func:`~superpos_formal.solve.search.min_neurons`, incrementally
    (the same ascending search, :func:`~.ascend.ascend`).

    ``options.time_limit`` is per width (``solver``, ``symmetry``,
    ``progress`` as usual); ``budget`` bounds the session. With
    ``certify_below`` the UNSAT at ``minimum - 1`` is re-solved from scratch
    with a DRAT proof (written to ``proof_dir``, checked by ``checker``) and
    that cell replaces the incremental one in the table.
    """
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    big = replace(shape, n=n_max)
    enc = encode_sat(task, big, symmetry=opts.symmetry, selectors=True)
    t_start = time.perf_counter()
    info = dict(enc.info, incremental=True)
    cell_options = {"symmetry": opts.symmetry, "incremental": True}
    with Child(_session, enc.clauses, enc.selectors, n_min, n_max, opts.solver,
               stream=True, part="solving", budget=budget) as ch:

        def next_width(n):
            t0 = time.perf_counter()
            try:
                msg = ch.recv(opts.time_limit)
            except RuntimeError as e:
                raise RuntimeError(f"incremental solver process failed: {e}") from None
            sh = replace(shape, n=n)
            if msg[0] == "limit":
                # the session is killed: this width and the rest are UNKNOWN
                return Cell(task, sh, Status.UNKNOWN, time.perf_counter() - t0, info=info,
                            solver=opts.solver, options=cell_options, limit=msg[1].limit,
                            reason=msg[1].reason)
            msg = msg[1]
            cell = Cell(task, sh, msg["status"], msg["seconds"], info=info,
                        solver=opts.solver, options=cell_options)
            if msg["status"] == Status.SAT:
                net = _shrink(enc.decode(msg["model"]), n)
                v = verify(net, task, shape.tolerance)
                if not v.ok:
                    raise SoundnessError(f"incremental model at n={n} fails "
                                         f"{v.counterexamples[0]}; encoder bug")
                cell.networks = [net]
            if opts.progress:
                opts.progress(f"n={n}: {cell.status} in {cell.seconds:.2f}s (incremental)")
            return cell

        result = ascend("neurons", range(n_min, n_max + 1), next_width, budget=budget,
                        stop_on_unknown=True)
    result.note = "; ".join(x for x in ("incremental (assumptions); no DRAT proofs",
                                        result.note) if x)
    result.seconds = time.perf_counter() - t_start
    if certify_below and result.minimum and result.minimum > 1:
        _certify_below(task, shape, opts, budget, checker, proof_dir, result)
    return result


def _certify_below(task, shape, opts, budget, checker, proof_dir, result):
    """Re-solve ``n = minimum - 1`` from scratch with a DRAT proof; its cell
    replaces the incremental one (the minimum is dropped unless it is UNSAT)."""
    k = result.minimum - 1
    pp, cp = proof_paths(proof_dir, k)
    fresh = decide(task, replace(shape, n=k), opts.replace(budget=None, progress=None),
                   budget=budget, checker=checker, proof_path=pp, cnf_path=cp)
    if fresh.status == Status.SAT:
        raise SoundnessError(f"incremental UNSAT at n={k} but a fresh solve is SAT")
    result.cells[-2] = fresh
    if fresh.status != Status.UNSAT:
        result.minimum = None
        result.note = f"the fresh re-solve at n={k} is {fresh.status}"
