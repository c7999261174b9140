"""The literal z3 model as a frontier-benchmark peer (one task or a family).

One task: exactly :func:`superpos_formal.encode.smt.encode_smt` (bounded
``Int`` weights, ``If`` activations, products left as products, no symmetry
breaking). A family (one shared code, one weight set per member): the same
model per member, the members' weights renamed apart (``m<i>_...``) while
the free code entries ``E_*``, ``R_*`` keep their names and so are shared;
the whole family in one formula, as a user without a CEGIS loop would write
it.

Solvers: ``"default"`` is ``z3.Solver()``, ``"qffd"`` is
``z3.SolverFor("QF_FD")`` (bit-blasting; every ``Int`` is bounded).

Examples
--------
>>> from superpos_formal.tasks import and_pairs
>>> from superpos_formal.shape import Shape
>>> st, (E, R, nets), _ = solve_z3([and_pairs(2, [(0, 1)], s=2)],
...                                 Shape("explicit", "step", n=1, B=1))
>>> st, nets[0].layers[0][0]
('SAT', ((1, 1),))
"""

import time

import z3

from superpos_formal.encode.smt import encode_smt

__all__ = ["solve_z3"]


def _rename(enc, prefix):
    """The member encoding with its weights renamed apart (codes kept)."""
    subs = []

    def fresh(v):
        nv = z3.Int(f"{prefix}{v}")
        subs.append((v, nv))
        return nv

    layers = [([[fresh(v) for v in r] for r in W], [fresh(v) for v in b]) for W, b in enc.layers]
    V = None if enc.V is None else [[fresh(v) for v in r] for r in enc.V]
    c = None if enc.c is None else [fresh(v) for v in enc.c]
    cons = [z3.substitute(a, *subs) for a in enc.assertions] if subs else list(enc.assertions)
    enc.layers, enc.V, enc.c, enc.assertions = layers, V, c, cons
    return enc


def solve_z3(tasks, shape, *, tactic="default", time_limit=None):
    """Build and solve; ``(status, (E, R, networks) or None, stats)``.

    The networks are not verified here: the benchmark verifies them.
    """
    t0 = time.perf_counter()
    tasks = list(tasks)
    if len(tasks) == 1:
        encs = [encode_smt(tasks[0], shape)]
    else:
        encs = [_rename(encode_smt(t, shape), f"m{i}_") for i, t in enumerate(tasks)]
    s = z3.SolverFor("QF_FD") if tactic == "qffd" else z3.Solver()
    if time_limit is not None:
        s.set("timeout", max(1, int(time_limit * 1000)))
    for e in encs:
        s.add(e.assertions)
    t1 = time.perf_counter()
    r = s.check()
    stats = {"build_seconds": round(t1 - t0, 4),
             "solve_seconds": round(time.perf_counter() - t1, 4)}
    if r == z3.sat:
        mdl = s.model()
        nets = [e.decode(mdl) for e in encs]
        return "SAT", (nets[0].E, nets[0].R, nets), stats
    if r == z3.unsat:
        return "UNSAT", None, stats
    return "UNKNOWN", None, stats
