"""One DRAT proof of a formula ``F``, through lemmas proved on the way.

A lemma is a clause ``C`` believed implied by ``F`` (for instance the
separation lemmas of :mod:`superpos_formal.encode.lemmas`). One incremental
CaDiCaL run, proof logging on, does for each lemma in turn:

1. solve ``F`` (plus the lemmas so far) under the assumptions ``not C``
   (each literal of ``C`` false). Assumptions are decisions, not clauses, so
   every clause CaDiCaL learns and logs is RUP with respect to the clauses it
   holds, exactly as without assumptions;
2. if that is UNSAT, then assigning the assumptions and unit-propagating in
   the solver's clause set (a subset of the proof's at that point: see the
   deletions below) reaches a conflict or falsifies an assumption: that is
   what makes CaDiCaL report failure under assumptions. So ``C`` is RUP at
   this point of the proof; the lemma line ``C`` is written there, and ``C``
   is added to the solver;
3. if it is SAT, ``C`` is not implied (the model satisfies ``F`` and not
   ``C``): the run stops and says so with the model. Nothing is claimed.

Finally ``F`` plus the lemmas (or a chosen part of them, ``final``, in a
fresh solver) is solved without assumptions; UNSAT ends the logged proof in
the empty clause. The file is the solvers' own proof steps with the lemma
lines inserted where they were proved, and with the deletions of clauses a
solver did not derive itself dropped (a clause of ``F`` or a lemma that one
solver deletes may still be needed by the next): a DRAT proof of ``F``
itself, which :func:`superpos_formal.certify.proofcheck.drat.check_drat`
checks against ``F``. Soundness rests on that check alone; the argument
above is only why it should pass. ``tests/test_dense_lemmas.py`` has the
checkers reject a proof that asserts a false lemma.

The proof is read from the solver's trace file after every solve, with the
trace flushed (python-sat's ``flushpr``), in the binary DRAT format
CaDiCaL writes (``a``/``d``, variable-length literals ``2 v + sign``, ``0``
at the end of each step); at a solve boundary every step is complete.
Lemmas are added to the solver as clauses, which CaDiCaL does not log, so the
line written by step 2 is the only record of each, and it comes before any
step that uses it.
"""

import os
import time

from pysat.solvers import Solver, pysolvers

from ..errors import InputError
from .runner import DEFAULT_SOLVER, SolveResult, run

__all__ = ["refute_with_lemmas", "decode_binary_drat"]

#: bytes of the solver's trace decoded at a time
BLOCK = 1 << 23


def decode_binary_drat(data):
    """Binary DRAT steps -> text lines (``"1 -2 0"``, ``"d 3 0"``).

    Examples
    --------
    >>> decode_binary_drat(bytes([0x61, 2, 5, 0, 0x64, 6, 0, 0x61, 0]))
    ['1 -2 0', 'd 3 0', '0']
    """
    out, lits, lit, shift, start = [], [], 0, 0, True
    for byte in data:
        if start:
            if byte == 0x64:
                lits.append("d")
            elif byte != 0x61:
                raise ValueError(f"binary DRAT: a step starts with byte {byte:#x}")
            start = False
        elif byte:
            lit |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                lits.append(str(-(lit >> 1) if lit & 1 else lit >> 1))
                lit, shift = 0, 0
        else:
            lits.append("0")
            out.append(" ".join(lits))
            lits, start = [], True
    if not start or lit:
        raise ValueError("binary DRAT: the trace ends inside a step")
    return out


class _Trace:
    """Appends a solver's new proof steps to ``out`` after each solve.

    Deletions are kept only for clauses the same solver added before (a
    multiset count per clause): a solver may delete a clause of ``F`` or a
    lemma (subsumed, eliminated), and a later solver whose steps rely on it
    would then meet a checker that no longer holds it. Dropping a deletion
    never invalidates a RUP step (RUP is monotone in the clause set); a RAT
    step could fail, and the checker would say so.
    """

    def __init__(self, out):
        self.out = out
        self.lines = 0
        self.dropped = 0

    def copy_all(self, solver, state):
        """Write ``solver``'s steps since the last call; ``state`` is the
        solver's ``[offset, live additions]``. Read in blocks cut after a
        step's closing zero byte (every other byte of a step is nonzero), so
        a trace of gigabytes never sits in memory whole."""
        # python-sat keeps CaDiCaL's trace in ``prfile`` (written through the
        # C stream ``prfp``) and offers only the whole proof at once
        # (get_proof); reading it here at each solve boundary is what places
        # each lemma line right after the steps that prove it
        pysolvers.flushpr(solver.solver.prfp)
        fd = solver.solver.prfile.fileno()
        end = os.fstat(fd).st_size
        carry = b""
        while state[0] < end:
            # pread leaves the shared file offset (where CaDiCaL writes) alone
            block = os.pread(fd, min(BLOCK, end - state[0]), state[0])
            state[0] += len(block)
            buf = carry + block
            cut = buf.rfind(b"\x00") + 1
            carry = buf[cut:]
            self._write(decode_binary_drat(buf[:cut]), state[1])
        if carry:
            raise ValueError("binary DRAT: the trace ends inside a step")

    def _write(self, steps, live):
        for step in steps:
            if step.startswith("d"):
                key = tuple(sorted(step[2:].split()))
                if not live.get(key):
                    self.dropped += 1
                    continue
                live[key] -= 1
            else:
                key = tuple(sorted(step.split()))
                live[key] = live.get(key, 0) + 1
            self.out.write(step)
            self.out.write("\n")
            self.lines += 1

    def lemma(self, clause):
        self.out.write(" ".join(map(str, clause)) + " 0\n")
        self.lines += 1


def _solve_lemmas(clauses, lemmas, solver, proof_path, final, bridge=None):
    t0 = time.perf_counter()
    with Solver(name=solver, bootstrap_with=clauses, with_proof=True) as s, \
            open(proof_path, "w") as fh:
        tr = _Trace(fh)
        state = [0, {}]
        for i, lem in enumerate(lemmas):
            sat = s.solve(assumptions=[-l for l in lem])
            tr.copy_all(s, state)
            if sat:
                return {"status": "NOT_IMPLIED", "lemma": i, "model": s.get_model(),
                        "lines": tr.lines}
            tr.lemma(lem)
            s.add_clause(lem)
        lemma_seconds = time.perf_counter() - t0
        for line in bridge or ():
            fh.write(line)
            fh.write("\n")
            tr.lines += 1
        if final is None:
            sat = s.solve()
            tr.copy_all(s, state)
            model = s.get_model() if sat else None
        else:
            with Solver(name=solver, bootstrap_with=final, with_proof=True) as f:
                sat = f.solve()
                tr.copy_all(f, [0, {}])
                model = f.get_model() if sat else None
        out = {"status": "SAT" if sat else "UNSAT", "lines": tr.lines,
               "dropped_deletions": tr.dropped, "lemma_seconds": lemma_seconds,
               "final_seconds": time.perf_counter() - t0 - lemma_seconds}
        if sat:
            out["model"] = model
        return out


def refute_with_lemmas(clauses, lemmas, proof_path, *, final=None, bridge=None,
                       solver=DEFAULT_SOLVER, time_limit=None, memory_mb=None):
    """Prove each lemma, then refute; the whole DRAT proof of ``clauses``.

    Returns ``(result, info)``: a :class:`~superpos_formal.solve.runner.SolveResult`
    (UNSAT with ``proof_path`` set: the proof still has to be checked; SAT
    with a model of ``clauses``; UNKNOWN at a limit, or when a lemma is not
    implied, with the reason) and a dict with ``lemma_seconds``,
    ``final_seconds``, ``dropped_deletions``, and on a lemma that is not
    implied ``not_implied`` (its index). Only CaDiCaL writes the binary
    trace this reads.

    ``final``: refute these clauses (each one of ``clauses`` or ``lemmas``)
    in a fresh solver instead of going on with ``clauses`` plus the lemmas:
    when the lemmas alone are contradictory (the cut problem), the search
    then never wanders into the rest of the formula. A SAT answer there says
    nothing about ``clauses`` and is reported as UNKNOWN.

    ``bridge``: DRAT lines written after the lemmas and before the final
    solve (:mod:`.cut_symmetry`'s symmetry breaks); ``final`` is then the
    formula those lines end with, and is not required to be among
    ``clauses`` or ``lemmas`` (the checker sees the bridge's steps).

    Examples
    --------
    >>> import tempfile, os
    >>> F = [[1, 2], [-1, 2], [1, -2], [-1, -2, 3], [-3, -1]]
    >>> path = os.path.join(tempfile.mkdtemp(), "p.drat")
    >>> res, info = refute_with_lemmas(F, [[1]], path)
    >>> res.status, "0" in open(path).read().splitlines()
    ('UNSAT', True)
    """
    if not solver.startswith("cadical"):
        raise InputError(f"solver: the lemma proof reads CaDiCaL's binary trace; "
                         f"got {solver!r}")
    t0 = time.perf_counter()
    lemmas = [list(c) for c in lemmas]
    if final is not None and bridge is None:
        known = {tuple(sorted(c)) for c in clauses} | {tuple(sorted(c)) for c in lemmas}
        final = [list(c) for c in final]
        for c in final:
            if tuple(sorted(c)) not in known:
                raise InputError(f"final: clause {c} is neither in the formula nor "
                                 f"a lemma")
    if bridge is not None and final is None:
        raise InputError("bridge: give the final formula the bridge ends with")
    final = None if final is None else [list(c) for c in final]
    out = run(_solve_lemmas, clauses, lemmas, solver, proof_path, final,
              None if bridge is None else list(bridge),
              time_limit=time_limit, memory_mb=memory_mb)
    dt = time.perf_counter() - t0
    if not out.done:
        if os.path.exists(proof_path):
            os.unlink(proof_path)
        return SolveResult("UNKNOWN", dt, solver=solver, reason=out.reason,
                           limit=out.limit), {}
    v = out.value
    info = {k: v[k] for k in ("lemma_seconds", "final_seconds", "dropped_deletions")
            if k in v}
    if v["status"] == "NOT_IMPLIED":
        os.unlink(proof_path)
        info["not_implied"] = v["lemma"]
        return SolveResult("UNKNOWN", dt, model=v["model"], solver=solver,
                           reason=f"lemma {v['lemma']} is not implied: the formula "
                                  f"has a model falsifying it"), info
    if v["status"] == "SAT":
        os.unlink(proof_path)
        if final is not None:
            return SolveResult("UNKNOWN", dt, solver=solver,
                               reason="the final clauses are satisfiable"), info
        return SolveResult("SAT", dt, model=v["model"], solver=solver), info
    return SolveResult("UNSAT", dt, proof_path=proof_path, proof_lines=v["lines"],
                       solver=solver), info
