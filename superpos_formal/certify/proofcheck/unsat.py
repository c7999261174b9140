"""The proof checker the solve layer is handed for every UNSAT it reports.

The solve layer logs a DRAT proof of each UNSAT but never checks it itself:
checking belongs to this layer (docs/MODEL.md, "Layers"). Callers above
solve (:mod:`superpos_formal.api`, the CLI, campaigns) pass
:func:`check_unsat` down as the ``check`` argument of
:func:`superpos_formal.solve.search.decide` and its relatives; a solve called
without one labels its UNSAT answers ``unchecked``.

Examples
--------
>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> cnf, prf = os.path.join(d, "f.cnf"), os.path.join(d, "f.drat")
>>> _ = open(cnf, "w").write("p cnf 1 2\\n1 0\\n-1 0\\n")
>>> _ = open(prf, "w").write("0\\n")
>>> ok, note = check_unsat(cnf, prf)
>>> ok, note.startswith("DRAT proof (2 bytes) verified by")
(True, True)
"""

import os

from ...solve.runner import run
from . import drat
from .drat import require_verified

__all__ = ["check_unsat", "CHECK_MAX_BYTES"]

#: In-process proof checking reads the whole proof into memory; larger
#: proofs are left unchecked (said so), to be checked in a bundle or by an
#: external checker.
CHECK_MAX_BYTES = 150_000_000


def check_unsat(cnf_path, proof_path):
    """Check a DRAT proof of ``cnf_path`` with dratify's native engine.

    Parameters
    ----------
    cnf_path, proof_path : str
        The DIMACS formula and the proof (DRAT, one step per line).

    Returns
    -------
    (bool, str)
        ``(True, note)`` when verified, ``(False, note)`` when the proof is
        too large to check in process, or the whole-command budget or the
        memory cap cut the check (the note says which).

    Raises
    ------
    SoundnessError
        The checker rejected the proof: a solver or encoder bug, never a
        result.
    """
    size = os.path.getsize(proof_path)
    if size > CHECK_MAX_BYTES:
        return False, (f"proof of {size // 1_000_000} MB exceeds the in-process check "
                       f"limit ({CHECK_MAX_BYTES // 1_000_000} MB)")
    # in a child of the process runner: bounded by the active budget and the
    # memory cap like a solve; a check they cut leaves the UNSAT unchecked
    out = run(drat.check_drat, cnf_path, proof_path, checkers=("native",), part="proof checking")
    if not out.done:
        return False, f"proof not checked: {out.reason}"
    recs = out.value
    if recs and all(r.verdict == drat.SKIPPED for r in recs):
        # the checker could not run (e.g. its library cannot be mapped under
        # the memory cap): the UNSAT stays unchecked; only a rejection, or a
        # checker that ran and verified nothing, is a soundness error
        return False, "proof not checked: " + "; ".join(r.reason for r in recs)
    require_verified(recs, what=f"DRAT proof {proof_path}")
    return True, f"DRAT proof ({size} bytes) verified by {recs[0].version}"
