"""A proof of ``F`` recorded as regenerable instead of committed.

Some proofs of the base formula ``F`` (no symmetry break) are over the
repository's size policy (proofs/README.md: a bundle over ~2 MB is made
regenerable). For those the bundle keeps its proof of ``F`` and ``SB`` (its
certificate kind stays ``proof of F and SB, SB by argument``) and
``claim.json`` ``regenerable_proof`` records how to get the proof of ``F``
back: ``F``'s options, the sha256 of ``F`` and of the proof, the solver, the
time it took and the checkers' verdicts when it was made. CaDiCaL is
deterministic for a fixed build and formula, so the same proof comes back
(measured: the same sha256 on two runs).

``superpos verify`` shows a note for such a claim; ``superpos verify
--regenerate-proofs`` re-solves ``F`` with the recorded solver, checks that
the proof has the recorded hash (a different hash is reported: another
solver build) and checks it with dratify's native engine; only then does the
note say that the claim needs no side argument. CI does not do this (it
takes minutes per claim).
"""

import os
import tempfile

from ...solve.runner import solve_cnf
from . import drat
from .attach import proof_record, require_f, unsat_claim, write_claim
from ..bundles.manifest import rewritten_bundle
from ..bundles.encoders import regenerate_base

__all__ = ["REGEN", "record_regenerable_proof", "check_regenerable_proof"]

REGEN = "regenerable_proof"


def record_regenerable_proof(bundle, encoding, proof_path, *, options, solve_seconds,
                             solver):
    """Record the checked proof ``proof_path`` of ``F`` (``encoding``, built
    with ``options``) in ``bundle``'s claim.json as regenerable.

    The proof is checked with the native engine first (SoundnessError if
    rejected); the bundle is rewritten in a temporary sibling and renamed.
    """
    bundle, claim = unsat_claim(bundle, "takes a proof of F")
    require_f(encoding, "record_regenerable_proof")
    text = drat.read_text(proof_path)
    recs = drat.check_drat(encoding, text=text, checkers=("native",))
    drat.require_verified(recs, "proof of F")
    stats = drat.proof_stats(text)
    stats.update(sha256=drat.sha256_text(text), gz_bytes=len(drat.gzip_bytes(text)))
    claim[REGEN] = {
        "options": options,
        "formula": {"sha256": drat.sha256_text(encoding.to_dimacs()),
                    "nvars": encoding.nvars, "clauses": len(encoding.clauses)},
        "proof": stats, **proof_record(recs, solver, solve_seconds, check_seconds=False)}
    with rewritten_bundle(bundle, ".regen-") as work:
        write_claim(work, claim)
    return bundle


def check_regenerable_proof(claim, encode, rep, allowed_options, regenerate_proofs,
                            regenerate=True):
    """Check ``claim.json``'s ``regenerable_proof`` record; with
    ``regenerate_proofs``, re-solve ``F`` and check the proof. Fills ``rep``.

    Even without ``regenerate_proofs``, ``F`` is regenerated (an encoding,
    no solve) and its sha256 must be the recorded one: the note that a proof
    of ``F`` is recorded is only made for a record of ``F`` itself.
    ``regenerate`` false (``--no-regenerate``) skips that and says so.
    """
    meta = claim.get(REGEN)
    if not isinstance(meta, dict):
        rep.failures.append(f"claim.json: {REGEN}: expected an object")
        return
    keys = {"options", "formula", "proof", "solver", "checks", "timings"}
    if set(meta) != keys:
        rep.failures.append(f"claim.json: {REGEN}: fields {sorted(meta)}, expected "
                            f"{sorted(keys)}")
        return
    if meta["options"] not in allowed_options:
        rep.failures.append(f"claim.json: {REGEN}.options are not the claim's options with "
                            f"the symmetry breaks off (same members, or the whole family)")
        return
    if not all(isinstance(meta[k], dict) for k in ("formula", "proof", "timings")):
        rep.failures.append(f"claim.json: {REGEN}: formula, proof and timings must be "
                            f"objects")
        return
    mb = (meta["proof"].get("gz_bytes") or 0) / 1e6
    secs = meta["timings"].get("solve_seconds")
    base = None
    if regenerate or regenerate_proofs:
        rep.checks.append("regenerate-F")
        base = regenerate_base(encode, meta["options"], rep)
        if base is None:
            return
        if drat.sha256_text(base.to_dimacs()) != meta["formula"].get("sha256"):
            rep.failures.append(f"regenerate F: the formula differs from "
                                f"{REGEN}.formula.sha256 (the record is not of a proof "
                                f"of this claim's F)")
            return
    if not regenerate_proofs:
        rep.notes.append(
            f"a proof of F ({mb:.1f} MB gzipped, {secs} s to solve) is recorded as "
            f"regenerable, not committed"
            + ("" if base is not None else " (F not regenerated: the record's formula "
               "was not compared)")
            + ": superpos verify --regenerate-proofs re-solves and checks it")
        return
    rep.checks.append("regenerate-proof-of-F")
    solver = (meta.get("solver") or {}).get("name")
    with tempfile.TemporaryDirectory() as wd:
        proof = os.path.join(wd, "f.drat")
        kw = {"solver": solver} if solver else {}
        res = solve_cnf(base.clauses, base.nvars, proof_path=proof, **kw)
        if res.status != "UNSAT":
            rep.failures.append(f"regenerate proof of F: the solver answered {res.status}")
            return
        text = drat.read_text(proof)
        if drat.sha256_text(text) != meta["proof"].get("sha256"):
            rep.notes.append("regenerated proof of F differs from the recorded sha256 "
                             "(another solver build); checked as it is")
        recs = drat.check_drat(base, text=text, checkers=("native",))
    for r in recs:
        rep.checks.append(f"F(regenerated):{r.checker}:{r.verdict.lower()}")
        if r.verdict != drat.VERIFIED:
            rep.failures.append(f"regenerated proof of F: {r.checker} {r.verdict} "
                                f"({r.reason})")
            return
    rep.notes.append(f"proof of F regenerated ({res.seconds:.0f} s) and checked: this "
                     f"claim needs no side argument")
