"""Run one SAT solve in its own process, with a hard wall-clock limit.

CaDiCaL through python-sat cannot be interrupted (``solve_limited`` raises
NotImplementedError), so a limit is enforced the only sound way: the solve
runs in a forked child which is killed when the limit passes. The answer is
then UNKNOWN, never a guess. Running every solve in its own process is also
what lets a campaign spread solves over a process pool or a Dask cluster.

With ``proof=True`` the child asks the solver for a DRAT proof (CaDiCaL's
``with_proof``) and writes it, one step per line, to ``proof_path``.

Examples
--------
>>> r = solve_cnf([[1, 2], [-1], [-2]], nvars=2)
>>> r.status
'UNSAT'
>>> solve_cnf([[1, 2], [-1]], nvars=2).model[:2]
[-1, 2]
"""

import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field

__all__ = ["solve_cnf", "run_limited", "race_limited", "SolveResult", "DEFAULT_SOLVER",
           "solver_version"]

DEFAULT_SOLVER = "cadical195"


@dataclass
class SolveResult:
    status: str  # "SAT" | "UNSAT" | "UNKNOWN"
    seconds: float
    model: list = None
    proof_path: str = None
    proof_lines: int = 0
    solver: str = DEFAULT_SOLVER
    reason: str = ""
    stats: dict = field(default_factory=dict)


def solver_version(name):
    """A string naming the solver and the python-sat release that wraps it."""
    import pysat
    return f"{name} (python-sat {pysat.__version__})"


def _solve_in_child(clauses, solver, proof_path, assumptions):
    from pysat.solvers import Solver

    with Solver(name=solver, bootstrap_with=clauses, with_proof=proof_path is not None) as s:
        ok = s.solve(assumptions=assumptions or [])
        out = {"status": "SAT" if ok else "UNSAT"}
        if ok:
            out["model"] = s.get_model()
        elif proof_path is not None:
            proof = s.get_proof()
            with open(proof_path, "w") as fh:
                for line in proof:
                    fh.write(line)
                    fh.write("\n")
            out["proof_lines"] = len(proof)
    return out


def _call_child(conn, fn, args, kwargs):
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as e:
        conn.send(("error", f"{type(e).__name__}: {e}", e if _picklable(e) else None))
    finally:
        conn.close()


def _picklable(e):
    import pickle
    try:
        pickle.dumps(e)
        return True
    except Exception:
        return False


def run_limited(fn, *args, time_limit=None, **kwargs):
    """Run ``fn(*args, **kwargs)`` in a forked child with a hard limit.

    Returns ``(True, value)``, or ``(False, None)`` when the limit passed
    (the child is killed). An exception in the child is re-raised here
    (the original exception when it pickles, else RuntimeError).
    """
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_call_child, args=(child, fn, args, kwargs))
    p.start()
    child.close()
    if not parent.poll(time_limit):
        p.kill()
        p.join()
        return False, None
    try:
        msg = parent.recv()
    except EOFError:
        msg = ("error", f"child process died (exit {p.exitcode})", None)
    p.join()
    if msg[0] == "error":
        if msg[2] is not None:
            raise msg[2]
        raise RuntimeError(msg[1])
    return True, msg[1]


def solve_cnf(clauses, nvars=None, solver=DEFAULT_SOLVER, time_limit=None,
              proof_path=None, assumptions=None):
    """Solve ``clauses`` in a child process; ``time_limit`` in seconds.

    Returns a :class:`SolveResult`; ``status`` is UNKNOWN when the limit was
    reached (the child is killed). A solver error raises RuntimeError.
    Proofs are only meaningful without assumptions (a proof under
    assumptions does not end in the empty clause), so both together are
    refused.
    """
    if proof_path is not None and assumptions:
        raise ValueError("a DRAT proof of a solve under assumptions is not a "
                         "refutation of the formula; solve without assumptions")
    t0 = time.perf_counter()
    try:
        done, out = run_limited(_solve_in_child, clauses, solver, proof_path, assumptions,
                                time_limit=time_limit)
    except Exception as e:
        if proof_path and os.path.exists(proof_path):
            os.unlink(proof_path)
        raise RuntimeError(f"solver {solver} failed: {type(e).__name__}: {e}") from None
    dt = time.perf_counter() - t0
    if not done:
        return SolveResult("UNKNOWN", dt, solver=solver,
                           reason=f"time limit {time_limit}s reached")
    return SolveResult(out["status"], dt, model=out.get("model"),
                       proof_path=proof_path if out["status"] == "UNSAT" else None,
                       proof_lines=out.get("proof_lines", 0), solver=solver)


def race_limited(calls, time_limit=None):
    """Run each ``(fn, args, kwargs)`` of ``calls`` in its own forked child;
    the first to return wins and the others are killed.

    Returns ``(index, value)`` of the winner, or ``(None, None)`` when the
    limit passed first (every child is killed). An exception in the first
    child to report is re-raised here, as in :func:`run_limited`.

    Examples
    --------
    >>> race_limited([(sum, ([1, 2],), {})])
    (0, 3)
    >>> race_limited([(time.sleep, (5,), {})], time_limit=0.2)
    (None, None)
    """
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork")
    procs = []
    try:
        for fn, args, kwargs in calls:
            parent, child = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_call_child, args=(child, fn, args, kwargs))
            p.start()
            child.close()
            procs.append((p, parent))
        ready = wait([c for _, c in procs], timeout=time_limit)
        if not ready:
            return None, None
        i = next(k for k, (_, c) in enumerate(procs) if c is ready[0])
        try:
            msg = ready[0].recv()
        except EOFError:
            msg = ("error", f"child process died (exit {procs[i][0].exitcode})", None)
        if msg[0] == "error":
            if msg[2] is not None:
                raise msg[2]
            raise RuntimeError(msg[1])
        return i, msg[1]
    finally:
        for p, _ in procs:
            if p.is_alive():
                p.kill()
            p.join()
