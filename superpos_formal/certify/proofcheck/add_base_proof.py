"""Add a checked proof of the base formula ``F`` to an existing UNSAT bundle.

See :mod:`superpos_formal.certify.bundles.certificate_kind` for what the ``base/``
directory certifies and how ``superpos verify`` checks it;
``benchmarks/bench_certificates.py --attach`` is the script that finds such
proofs for the committed claims.
"""

from . import drat
from .attach import (check_into, checker_policy, proof_record, require_f, unsat_claim,
                     write_claim)
from ..bundles.certificate_kind import BASE, KIND_F, _has_breaks, base_options
from ..bundles.manifest import rewritten_bundle

__all__ = ["attach_base_proof"]


def attach_base_proof(bundle, proof_path, encoding, *, solve_seconds, solver,
                      checkers=drat.DEFAULT_CHECKERS, budget=None, whole_family=False):
    """Add a checked proof of ``F`` (``encoding``: the base formula) to ``bundle``.

    The bundle is rebuilt in a temporary sibling directory and swapped in
    only once the proof is checked and the manifest rewritten, so a failure
    leaves the stored bundle untouched. Raises :class:`SoundnessError` if a
    checker rejects the proof, :class:`InputError` if the bundle is not an
    UNSAT claim with symmetry breaks or ``encoding`` carries breaks.
    ``whole_family``: ``encoding`` is ``F`` of the whole family, not of the
    claim's subfamily (:func:`~superpos_formal.certify.bundles.certificate_kind.base_options`).
    """
    bundle, claim = unsat_claim(bundle, "with symmetry breaks needs a base proof",
                                requires=lambda c: _has_breaks(c.get("options") or {}))
    require_f(encoding, "attach_base_proof")
    with rewritten_bundle(bundle, ".base-") as work:
        dimacs = encoding.to_dimacs()
        proof_text = drat.read_text(proof_path)
        budget = checker_policy(budget, claim)
        recs = check_into(work / BASE, {"formula.cnf.gz": dimacs}, proof_text,
                          checkers=checkers, budget=budget, what="proof of F")
        claim["certificate_kind"] = KIND_F
        # the proof is now in the bundle: a record of how to regenerate it
        # would be a second, unchecked-by-CI account of the same certificate
        claim.pop("regenerable_proof", None)
        claim["base_proof"] = {
            "options": base_options(claim.get("options") or {}, whole_family),
            "formula": {"sha256": drat.sha256_text(dimacs), "nvars": encoding.nvars,
                        "clauses": len(encoding.clauses)},
            "proof": drat.proof_stats(proof_text),
            **proof_record(recs, solver, solve_seconds)}
        write_claim(work, claim)
    return bundle
