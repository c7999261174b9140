"""Add a checked generator proof (``gen/``) to an existing UNSAT bundle.

What ``gen/`` holds and how ``superpos verify`` checks it:
:mod:`superpos_formal.certify.generators`. The generators come from
:func:`superpos_formal.encode.automorphisms.syntactic_generators`;
``benchmarks/bench_certificates.py --attach`` runs this for the committed
claims.
"""

import json
import shutil
from pathlib import Path

from ..encode.lexleader import automorphism_failure, perm_failure
from ..errors import InputError
from . import drat as D
from .manifest import rewritten_bundle
from .certificate import KIND_GENERATORS, CertificateReport, base_options
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
                           checkers=D.DEFAULT_CHECKERS, budget=None):
    """Add ``gen/`` to an UNSAT bundle: ``base`` is ``F`` (an encoding with no
    break, built with the claim's options, breaks off, whole family), ``gens``
    ``[(name, map, K)]`` its automorphisms, each with the last variable its
    lex-leader constraint compares, ``proof_path`` a DRAT proof of ``F`` and
    those lex-leader clauses.

    Everything is checked with :func:`check_generator_proof` before the
    bundle is swapped in (temporary sibling, rename), so a failure leaves
    the stored bundle untouched. Raises InputError or SoundnessError.
    """
    bundle = Path(bundle)
    claim = json.loads((bundle / "claim.json").read_text())
    if claim.get("answer") != "UNSAT":
        raise InputError(f"{bundle}: only an UNSAT claim takes a generator proof")
    if base.sb_ranges or base.info.get("symmetry"):
        raise InputError("attach_generator_proof: the encoding carries symmetry breaks; "
                         "it is not F")
    for name, g, _ in gens:
        why = automorphism_failure(base.clauses, base.nvars, g) or perm_failure(g, base.nvars)
        if why:
            raise InputError(f"generator {name!r} is not an automorphism of F: {why}")
    clauses, top, nsb = formula_with_sb(base, gens)
    with rewritten_bundle(bundle, ".gen-") as work:
        gdir = work / GEN
        if gdir.exists():
            shutil.rmtree(gdir)
        gdir.mkdir()
        gtext = json.dumps(generators_doc(gens, base.nvars), separators=(",", ":")) + "\n"
        D.write_gz(gdir / "generators.json.gz", gtext)
        dimacs = D.clauses_to_dimacs(clauses, top)
        D.write_gz(gdir / "formula.cnf.gz", dimacs)
        proof_text = D.read_text(proof_path)
        D.write_gz(gdir / "proof.drat.gz", proof_text)
        budget = budget or D.CheckerPolicy(headline=bool(claim.get("headline")))
        recs = D.check_drat(gdir / "formula.cnf.gz", gdir / "proof.drat.gz", checkers, budget)
        D.require_verified(recs, "proof of F and SB (generators)")
        (gdir / "logs").mkdir()
        for r in recs:
            (gdir / "logs" / f"{r.checker}.log").write_text(r.log)
        claim["certificate_kind"] = KIND_GENERATORS
        claim["generator_proof"] = {
            "options": _f_options(claim, base),
            "generators": {"sha256": D.sha256_text(gtext), "count": len(gens),
                           "names": [n for n, _, _ in gens]},
            "formula": {"sha256": D.sha256_text(dimacs), "nvars": top,
                        "clauses": len(clauses), "base_clauses": len(base.clauses),
                        "sb_clauses": nsb},
            "proof": D.proof_stats(proof_text),
            "solver": solver,
            "checks": [r.to_dict() for r in recs],
            "timings": {"solve_seconds": round(float(solve_seconds), 3),
                        "check_seconds": {r.checker: round(r.seconds, 3) for r in recs}}}
        (work / "claim.json").write_text(json.dumps(claim, indent=1, sort_keys=True) + "\n")
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
