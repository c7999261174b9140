"""Add a checked generator proof (``gen/``) to an existing UNSAT bundle.

What ``gen/`` holds and how ``superpos verify`` checks it:
:mod:`superpos_formal.certify.proofcheck.generators`. The generators come from
:func:`superpos_formal.encode.automorphisms.syntactic_generators`;
``benchmarks/bench_certificates.py --attach`` runs this for the committed
claims.
"""

import json

from ...encode.lexleader import automorphism_failure, perm_failure
from ...errors import InputError
from . import drat
from .attach import (check_into, checker_policy, proof_record, require_f, unsat_claim,
                     write_claim)
from ..bundles.certificate_kind import KIND_GENERATORS, CertificateReport, base_options
from ..bundles.manifest import rewritten_bundle
from .generators import GEN, check_generator_proof, formula_with_sb, generators_doc

__all__ = ["attach_generator_proof", "generator_f_options"]


def generator_f_options(options, sums=None):
    """Options of ``F`` for a generator proof: breaks off, the whole family
    (and the sum encoding ``sums`` when given)."""
    out = base_options(options, whole_family="members" in options)
    if sums is not None:
        out["sums"] = sums
    return out


def attach_generator_proof(bundle, base, gens, proof_path, *, solve_seconds, solver,
                           checkers=drat.DEFAULT_CHECKERS, budget=None):
    """Add ``gen/`` to an UNSAT bundle: ``base`` is ``F`` (an encoding with no
    break, built with the claim's options, breaks off, whole family), ``gens``
    ``[(name, map, K)]`` its automorphisms, each with the last variable its
    lex-leader constraint compares, ``proof_path`` a DRAT proof of ``F`` and
    those lex-leader clauses.

    Everything is checked with :func:`check_generator_proof` before the
    bundle is swapped in (temporary sibling, rename), so a failure leaves
    the stored bundle untouched. Raises InputError or SoundnessError.
    """
    bundle, claim = unsat_claim(bundle, "takes a generator proof")
    require_f(base, "attach_generator_proof")
    for name, g, _ in gens:
        why = automorphism_failure(base.clauses, base.nvars, g) or perm_failure(g, base.nvars)
        if why:
            raise InputError(f"generator {name!r} is not an automorphism of F: {why}")
    clauses, top, nsb = formula_with_sb(base, gens)
    with rewritten_bundle(bundle, ".gen-") as work:
        # compact: the generator maps are large and only ever read back
        gtext = json.dumps(generators_doc(gens, base.nvars), separators=(",", ":")) + "\n"
        dimacs = drat.clauses_to_dimacs(clauses, top)
        proof_text = drat.read_text(proof_path)
        budget = checker_policy(budget, claim)
        recs = check_into(work / GEN, {"generators.json.gz": gtext, "formula.cnf.gz": dimacs},
                          proof_text, checkers=checkers, budget=budget,
                          what="proof of F and SB (generators)")
        claim["certificate_kind"] = KIND_GENERATORS
        claim["generator_proof"] = {
            "options": _f_options(claim, base),
            "generators": {"sha256": drat.sha256_text(gtext), "count": len(gens),
                           "names": [n for n, _, _ in gens]},
            "formula": {"sha256": drat.sha256_text(dimacs), "nvars": top,
                        "clauses": len(clauses), "base_clauses": len(base.clauses),
                        "sb_clauses": nsb},
            "proof": drat.proof_stats(proof_text),
            **proof_record(recs, solver, solve_seconds)}
        write_claim(work, claim)
        rep = CertificateReport()
        check_generator_proof(work, claim, lambda o: base, rep, ("native",), budget, True,
                              generator_f_options(claim.get("options") or {}))
        if rep.failures:
            raise InputError("generator proof does not check: " + "; ".join(rep.failures))
    return bundle


def _f_options(claim, base):
    """``F``'s options as recorded: the claim's, breaks off, whole family, and
    the sum encoding ``base`` was built with."""
    return generator_f_options(claim.get("options") or {}, base.info.get("sums"))
