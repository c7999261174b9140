"""Add a checked proof of the base formula ``F`` to an existing UNSAT bundle.

See :mod:`superpos_formal.certify.certificate` for what the ``base/``
directory certifies and how ``superpos verify`` checks it;
``benchmarks/bench_certificates.py --attach`` is the script that finds such
proofs for the committed claims.
"""

import json
import shutil
from pathlib import Path

from ..errors import InputError
from . import drat as D
from .manifest import rewritten_bundle
from .certificate import BASE, KIND_F, _has_breaks, base_options

__all__ = ["attach_base_proof"]


def attach_base_proof(bundle, proof_path, encoding, *, solve_seconds, solver,
                      checkers=D.DEFAULT_CHECKERS, budget=None, whole_family=False):
    """Add a checked proof of ``F`` (``encoding``: the base formula) to ``bundle``.

    The bundle is rebuilt in a temporary sibling directory and swapped in
    only once the proof is checked and the manifest rewritten, so a failure
    leaves the stored bundle untouched. Raises :class:`SoundnessError` if a
    checker rejects the proof, :class:`InputError` if the bundle is not an
    UNSAT claim with symmetry breaks or ``encoding`` carries breaks.
    ``whole_family``: ``encoding`` is ``F`` of the whole family, not of the
    claim's subfamily (:func:`~superpos_formal.certify.certificate.base_options`).
    """
    bundle = Path(bundle)
    claim = json.loads((bundle / "claim.json").read_text())
    if claim.get("answer") != "UNSAT" or not _has_breaks(claim.get("options") or {}):
        raise InputError(f"{bundle}: only an UNSAT claim with symmetry breaks needs a base proof")
    if encoding.sb_ranges or encoding.info.get("symmetry"):
        raise InputError("attach_base_proof: the encoding carries symmetry breaks; it is not F")
    with rewritten_bundle(bundle, ".base-") as work:
        bdir = work / BASE
        if bdir.exists():
            shutil.rmtree(bdir)
        bdir.mkdir()
        dimacs = encoding.to_dimacs()
        proof_text = D.read_text(proof_path)
        D.write_gz(bdir / "formula.cnf.gz", dimacs)
        D.write_gz(bdir / "proof.drat.gz", proof_text)
        budget = budget or D.CheckerPolicy(headline=bool(claim.get("headline")))
        recs = D.check_drat(bdir / "formula.cnf.gz", bdir / "proof.drat.gz", checkers, budget)
        D.require_verified(recs, "proof of F")
        (bdir / "logs").mkdir()  # after the check: no logs of a rejected proof
        for r in recs:
            (bdir / "logs" / f"{r.checker}.log").write_text(r.log)
        claim["certificate_kind"] = KIND_F
        # the proof is now in the bundle: a record of how to regenerate it
        # would be a second, unchecked-by-CI account of the same certificate
        claim.pop("regenerable_proof", None)
        claim["base_proof"] = {
            "options": base_options(claim.get("options") or {}, whole_family),
            "formula": {"sha256": D.sha256_text(dimacs), "nvars": encoding.nvars,
                        "clauses": len(encoding.clauses)},
            "proof": D.proof_stats(proof_text),
            "solver": solver,
            "checks": [r.to_dict() for r in recs],
            "timings": {"solve_seconds": round(float(solve_seconds), 3),
                        "check_seconds": {r.checker: round(r.seconds, 3) for r in recs}}}
        (work / "claim.json").write_text(json.dumps(claim, indent=1, sort_keys=True) + "\n")
    return bundle
