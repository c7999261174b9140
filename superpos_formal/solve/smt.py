"""Solving the literal z3 encoding (:mod:`superpos_formal.encode.smt`).

z3 runs in a forked child with a hard wall-clock limit
(:func:`superpos_formal.solve.runner.run_limited`); a SAT answer is decoded
and re-verified over the whole domain by
:func:`superpos_formal.verify.verify` (a mismatch raises
:class:`~superpos_formal.errors.SoundnessError`); an UNSAT answer comes with
no proof: it is reported as UNSAT-by-SMT with ``certified=False`` and must
not become a claim on its own.

Examples
--------
>>> from superpos_formal.tasks import and_pairs
>>> from superpos_formal.shape import Shape
>>> r = solve_smt(and_pairs(2, [(0, 1)], s=2), Shape("explicit", "step", n=1, B=1))
>>> r.status, r.certified, r.network.layers[0][0]
('SAT', True, ((1, 1),))
>>> r = solve_smt(and_pairs(2, [(0, 1)], s=2), Shape("explicit", "step", n=1, B=0))
>>> r.status, r.certified
('UNSAT', False)
"""

import time
from dataclasses import dataclass, field

import z3

from ..encode.smt import TACTICS, check_question, encode_smt
from ..errors import InputError, SoundnessError
from ..network import Network
from ..results import Status
from ..verify import check_compatible, verify
from .runner import run_limited

__all__ = ["solve_smt", "SmtResult", "TACTICS"]


# --------------------------------------------------------------------------
# solving
# --------------------------------------------------------------------------


@dataclass
class SmtResult:
    """An SMT answer.

    ``status`` is SAT, UNSAT or UNKNOWN. ``certified`` is true only for SAT,
    where the certificate is the network itself, re-verified over the whole
    domain; an UNSAT from z3 carries no proof and is ``certified=False``
    (UNSAT-by-SMT). ``seconds`` is wall clock for encoding and solving in the
    child process, as seen by the caller (the parent).
    """

    status: str
    seconds: float
    network: Network = None
    certified: bool = False
    method: str = "smt"
    tactic: str = "default"
    reason: str = ""
    verification: object = None
    stats: dict = field(default_factory=dict)

    @property
    def label(self):
        return {"SAT": "SAT (verified)", "UNSAT": "UNSAT-by-SMT (no proof)",
                "UNKNOWN": "UNKNOWN"}[self.status]


def _make_solver(tactic):
    if tactic == "qffd":
        return z3.SolverFor("QF_FD")
    if tactic == "default":
        return z3.Solver()
    raise InputError(f"tactic: unknown SMT tactic {tactic!r} (one of {', '.join(TACTICS)})")


def _solve_in_child(task, shape, tactic, symmetry, time_limit):
    t0 = time.perf_counter()
    enc = encode_smt(task, shape, symmetry=symmetry)
    t1 = time.perf_counter()
    s = _make_solver(tactic)
    if time_limit is not None:
        s.set("timeout", max(1, int(time_limit * 1000)))
    s.add(enc.assertions)
    r = s.check()
    t2 = time.perf_counter()
    out = {"encode_seconds": t1 - t0, "solve_seconds": t2 - t1,
           "assertions": len(enc.assertions)}
    if r == z3.sat:
        out["status"] = "SAT"
        out["network"] = enc.decode(s.model())
    elif r == z3.unsat:
        out["status"] = "UNSAT"
    else:
        out["status"] = "UNKNOWN"
        out["reason"] = f"z3: {s.reason_unknown()}"
    return out


def solve_smt(task, shape, *, time_limit=None, tactic="default", symmetry=False):
    """Decide ``(task, shape)`` with z3, in a forked child with a hard limit.

    ``time_limit`` (seconds) is given to z3 as its ``timeout`` and enforced
    by killing the child when it passes (z3's own timeout can overshoot).
    A SAT network is verified over all of ``X(m, s)`` with the shape's
    tolerance; if it fails, :class:`SoundnessError` is raised.

    Returns
    -------
    SmtResult
    """
    if tactic not in TACTICS:
        raise InputError(f"tactic: unknown SMT tactic {tactic!r} (one of {', '.join(TACTICS)})")
    if time_limit is not None and not time_limit > 0:
        raise InputError(f"time_limit: must be positive, got {time_limit!r}")
    check_question(task, shape)  # bad input is reported here, not from the child
    t0 = time.perf_counter()
    try:
        done, out = run_limited(_solve_in_child, task, shape, tactic, symmetry, time_limit,
                                time_limit=time_limit)
    except InputError:
        raise
    except Exception as e:
        raise RuntimeError(f"z3 ({tactic}) failed: {type(e).__name__}: {e}") from None
    dt = time.perf_counter() - t0
    if not done:
        return SmtResult("UNKNOWN", dt, tactic=tactic,
                         reason=f"time limit {time_limit}s reached (process killed)")
    stats = {k: out[k] for k in ("encode_seconds", "solve_seconds", "assertions") if k in out}
    if out["status"] == Status.SAT:
        net = out["network"]
        check_compatible(net, task)
        ver = verify(net, task, tolerance=shape.tolerance)
        if not ver.ok:
            raise SoundnessError(
                f"z3 ({tactic}) model for {task.name} at n={shape.n} fails exact "
                f"verification: {ver.errors} wrong bits (tolerance {shape.tolerance}), "
                f"first {ver.counterexamples[0]}")
        return SmtResult("SAT", dt, network=net, certified=True, tactic=tactic,
                         verification=ver, stats=stats)
    return SmtResult(out["status"], dt, tactic=tactic, reason=out.get("reason", ""),
                     stats=stats)
