"""What adding a proof to a stored UNSAT bundle always does.

:mod:`.base_proof` (``base/``, a proof of ``F``), :mod:`.gen_proof`
(``gen/``, a proof of ``F`` and generator breaks) and :mod:`.regen_proof`
(a regenerable record of a proof of ``F``) share it: read the bundle's
claim, refuse anything but an UNSAT claim and an encoding that is not ``F``,
check the proof into its sub-directory, record the checks, write the claim
back (canonical JSON, :func:`.jsonio.dumps`). The bundle itself is edited in
a temporary copy by :func:`.manifest.rewritten_bundle`.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_claim(d, {"answer": "SAT"})
>>> unsat_claim(d, "takes a proof")
Traceback (most recent call last):
...
superpos_formal.errors.InputError: ...: only an UNSAT claim takes a proof
"""

import shutil
from pathlib import Path

from ...errors import InputError
from . import drat
from ..jsonio import dumps, load

__all__ = ["unsat_claim", "require_f", "checker_policy", "check_into", "proof_record",
           "write_claim"]


def unsat_claim(bundle, takes, requires=None):
    """``(bundle, claim)``: the bundle's path and its ``claim.json``;
    :class:`InputError` ``"<bundle>: only an UNSAT claim <takes>"`` unless the
    claim is UNSAT and ``requires(claim)`` (when given) holds."""
    bundle = Path(bundle)
    claim = load(bundle / "claim.json")
    if claim.get("answer") != "UNSAT" or (requires is not None and not requires(claim)):
        raise InputError(f"{bundle}: only an UNSAT claim {takes}")
    return bundle, claim


def require_f(encoding, who):
    """Refuse an ``encoding`` with symmetry breaks: a proof of it is not one of ``F``."""
    if encoding.sb_ranges or encoding.info.get("symmetry"):
        raise InputError(f"{who}: the encoding carries symmetry breaks; it is not F")


def checker_policy(policy, claim):
    """``policy``, or the default one for ``claim`` (a headline claim allows
    the slower checkers more work): the one place the adders name it."""
    return policy or drat.CheckerPolicy(headline=bool(claim.get("headline")))


def check_into(directory, files, proof_text, *, checkers, budget, what):
    """Write ``files`` (``{name: text}``, gzipped) and ``proof.drat.gz`` into
    a fresh ``directory``, check the proof of ``formula.cnf.gz`` and keep the
    checkers' logs; returns the check records. :class:`SoundnessError` when a
    checker rejects it (``what`` names the proof)."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir()
    for name, text in files.items():
        drat.write_gz(directory / name, text)
    drat.write_gz(directory / "proof.drat.gz", proof_text)
    recs = drat.check_drat(directory / "formula.cnf.gz", directory / "proof.drat.gz",
                           checkers, budget)
    drat.require_verified(recs, what)
    (directory / "logs").mkdir()  # after the check: no logs of a rejected proof
    for r in recs:
        (directory / "logs" / f"{r.checker}.log").write_text(r.log)
    return recs


def proof_record(recs, solver, solve_seconds, check_seconds=True):
    """The ``solver``, ``checks`` and ``timings`` fields every proof record
    of ``claim.json`` has (``check_seconds``: with the checkers' times)."""
    timings = {"solve_seconds": round(float(solve_seconds), 3)}
    if check_seconds:
        timings["check_seconds"] = {r.checker: round(r.seconds, 3) for r in recs}
    return {"solver": solver, "checks": [r.to_dict() for r in recs], "timings": timings}


def write_claim(directory, claim):
    """Write ``claim`` as ``directory/claim.json`` (canonical JSON)."""
    (Path(directory) / "claim.json").write_text(dumps(claim))
