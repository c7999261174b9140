"""Certificate kinds: what exactly a claim's evidence proves, checked.

An UNSAT claim's DRAT proof refutes the formula it was checked against. When
that formula carries symmetry-breaking clauses (``SB``), the proof shows
"``F`` and ``SB`` is unsatisfiable"; that ``F`` (the question itself) is
unsatisfiable then also rests on the soundness argument of the breaks. Every
claim states which case it is in (``claim.json`` ``certificate_kind``; the
separate ``certificate`` field, when present, names a proof *format* such as
cube and conquer, :mod:`superpos_formal.certify.cubes`):

``proof of F``
    A proof of the base formula ``F`` (no symmetry break at all): either the
    claim's own formula has none (``options.symmetry`` false), or the bundle
    carries a second proof in ``base/`` (``base/formula.cnf.gz``,
    ``base/proof.drat.gz``, ``base/logs/``; ``claim.json`` ``base_proof``) of
    ``F`` regenerated with the symmetry breaks off. Needs no side argument.
``proof of F and SB, SB checked by generators``
    ``gen/`` holds generators (literal permutations), the formula ``F``
    followed by their lex-leader clauses (Crawford, Ginsberg, Luks, Roy, KR
    1996) and a DRAT proof of it; ``F`` is regenerated, every generator
    checked to be a syntactic automorphism of ``F``, the lex-leader clauses
    regenerated and compared (:mod:`superpos_formal.certify.proofcheck.generators`).
    Needs no side argument either.
``proof of F and SB, SB by argument (canonicalisation tested)``
    The breaks' soundness arguments (encode/sat.py, encode/symmetry.py),
    tested by mapping random solutions to canonical ones that satisfy the
    labelled break clauses (encode/canonical.py, tests/test_canonical.py).
``verified network``
    A SAT claim: the network, verified exhaustively.

A claim of the ``SB by argument`` kind may also record a proof of ``F``
too large to commit (``claim.json`` ``regenerable_proof``,
:mod:`superpos_formal.certify.proofcheck.regenerable_proof`): verify notes it, and with
``--regenerate-proofs`` re-solves ``F`` and checks that proof.

:func:`check_certificate` re-derives the kind from the bundle and fails,
with the reason, when the claim states a kind its evidence does not
support -- notably "proof of F" over a formula with extra clauses.
:func:`superpos_formal.certify.proofcheck.add_base_proof.attach_base_proof` adds a proof
of ``F`` to an existing bundle.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ...errors import InputError
from ..proofcheck import drat
from ..jsonio import read_text as read_bounded
from .encoders import regenerate_base
from ..proofcheck.generators import GEN, check_generator_proof
from ..proofcheck.regenerable_proof import REGEN, check_regenerable_proof

__all__ = ["KIND_F", "KIND_GENERATORS", "KIND_ARGUMENT", "KIND_NETWORK", "KINDS",
           "SHORT", "kind_for", "base_options", "check_certificate",
           "CertificateReport", "BASE"]

KIND_F = "proof of F"
KIND_GENERATORS = "proof of F and SB, SB checked by generators"
KIND_ARGUMENT = "proof of F and SB, SB by argument (canonicalisation tested)"
KIND_NETWORK = "verified network"
KINDS = (KIND_F, KIND_GENERATORS, KIND_ARGUMENT, KIND_NETWORK)
#: short names for tables
SHORT = {KIND_F: "F", KIND_GENERATORS: "F+SB(gen)", KIND_ARGUMENT: "F+SB(arg)",
         KIND_NETWORK: "network"}

BASE = "base"


def _has_breaks(options):
    """Does a formula built with ``options`` carry symmetry-break clauses?

    The encoders default to ``symmetry=True``; ``family_symmetry`` needs it.
    """
    return bool(options.get("symmetry", True)) or bool(options.get("family_symmetry"))


def base_options(options, whole_family=False):
    """The encoder options of ``F``: the same question, no symmetry break.

    A family claim may have encoded a subfamily (``options.members``).
    Without breaks, a refutation of the subfamily refutes the family (its
    clauses are a subset); but a subfamily chosen for the family relabelling
    order is often satisfiable alone, and then ``F`` is the whole family
    (``whole_family=True`` drops ``members``).

    >>> base_options({"symmetry": True, "family_symmetry": "features", "sums": "tree"})
    {'symmetry': False, 'sums': 'tree'}
    >>> base_options({"members": [], "symmetry": True}, whole_family=True)
    {'symmetry': False}
    """
    drop = {"family_symmetry"} | ({"members"} if whole_family else set())
    out = {k: v for k, v in options.items() if k not in drop}
    out["symmetry"] = False
    return out


def kind_for(answer, options):
    """The kind a fresh bundle of ``answer`` built with ``options`` has.

    >>> kind_for("UNSAT", {"symmetry": False}), SHORT[kind_for("UNSAT", {})]
    ('proof of F', 'F+SB(arg)')
    """
    if answer == "SAT":
        return KIND_NETWORK
    return KIND_ARGUMENT if _has_breaks(options) else KIND_F


@dataclass
class CertificateReport:
    kind: str = "?"
    checks: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    #: proofs no checker completed (cut by a limit): not verified, never PASS
    unverified: list = field(default_factory=list)


def _extra_clauses(text, base):
    """How many clauses of DIMACS ``text`` are not clauses of ``base`` (multiset)."""
    _, clauses = drat.parse_dimacs(text)
    have = Counter(tuple(sorted(c)) for c in base.clauses)
    extra = 0
    for c in clauses:
        key = tuple(sorted(c))
        if have[key]:
            have[key] -= 1
        else:
            extra += 1
    return extra


def check_certificate(path, claim, encode, *, checkers=drat.DEFAULT_CHECKERS,
                      budget=None, regenerate=True, limit=None):
    """Check the certificate kind ``claim`` states against bundle ``path``.

    ``encode(options)`` builds the claim's formula with other encoder
    options (the verifier supplies it: same encoder, question and shape;
    members from ``options.members``, else the whole family). ``limit``
    bounds the unzipped bytes of every formula and proof read from
    ``base/`` and ``gen/`` (``--max-unzipped-mb``, as for the claim's own
    proof). Returns a :class:`CertificateReport`; never raises for a bad
    bundle.
    """
    rep = CertificateReport()
    path = Path(path)
    if "certificate_kind" not in claim:
        rep.failures.append("claim.json: certificate_kind: missing (every claim states "
                            "its certificate kind)")
        return rep
    kind = claim["certificate_kind"]
    if kind not in KINDS:
        rep.failures.append(f"claim.json: certificate_kind: {kind!r} is not one of "
                            + "; ".join(repr(k) for k in KINDS))
        return rep
    base_meta = claim.get("base_proof")
    if base_meta is not None and not isinstance(base_meta, dict):
        rep.failures.append("claim.json: base_proof: expected an object")
        return rep
    rep.kind = kind
    rep.checks.append("certificate")
    answer = claim.get("answer")
    options = claim.get("options") or {}
    has_base = (path / BASE).exists()
    if answer == "SAT":
        if kind != KIND_NETWORK:
            rep.failures.append(f"claim.json: certificate_kind {kind!r} but a SAT "
                                f"claim's certificate is {KIND_NETWORK!r}")
        if has_base or base_meta is not None:
            rep.failures.append("base/: a SAT claim carries no base proof")
        return rep
    if kind == KIND_NETWORK:
        rep.failures.append(f"claim.json: certificate_kind {kind!r} but the answer is UNSAT")
        return rep
    has_gen = (path / GEN).exists()
    gen_meta = claim.get("generator_proof")
    if kind == KIND_GENERATORS:
        if has_base or base_meta is not None:
            rep.failures.append(f"base/: a base proof is present but the claim states "
                                f"{kind!r}; state {KIND_F!r}")
            return rep
        if not has_gen or gen_meta is None:
            rep.failures.append(f"claim.json: certificate_kind {kind!r}, but the bundle "
                                f"has no gen/ directory and generator_proof (generators, "
                                f"F with their lex-leader clauses, proof)")
            return rep
        check_generator_proof(path, claim, encode, rep, checkers, budget, regenerate,
                              base_options(options, whole_family="members" in options),
                              limit=limit)
        return rep
    if has_gen or gen_meta is not None:
        rep.failures.append(f"gen/: a generator proof is present but the claim states "
                            f"{kind!r}; state {KIND_GENERATORS!r}")
        return rep
    sb = _has_breaks(options)
    if REGEN in claim and kind != KIND_ARGUMENT:
        rep.failures.append(f"claim.json: {REGEN} is for a claim whose committed "
                            f"certificate is {KIND_ARGUMENT!r}")
        return rep
    if kind == KIND_ARGUMENT:
        if not sb:
            rep.failures.append("claim.json: certificate_kind says 'F and SB' but the "
                                "formula has no symmetry break (options.symmetry is false): "
                                f"the kind is {KIND_F!r}")
        if has_base or base_meta is not None:
            rep.failures.append(f"base/: a base proof is present but the claim states "
                                f"{kind!r}; state {KIND_F!r} or remove it")
        if REGEN in claim and not rep.failures:
            allowed = [base_options(options)]
            if "members" in options:
                allowed.append(base_options(options, whole_family=True))
            check_regenerable_proof(claim, encode, rep, allowed,
                                    bool(budget and budget.regenerate_proofs), regenerate)
        return rep
    # kind == KIND_F
    if not sb:
        if has_base or base_meta is not None:
            rep.failures.append("base/: the claim's own formula is F; a second base "
                                "proof is not expected")
        return rep
    if not has_base or base_meta is None:
        rep.failures.append(f"claim.json: certificate_kind {KIND_F!r}, but the formula "
                            f"carries symmetry breaks and the bundle has no base/ proof "
                            f"of F")
        return rep
    try:
        _check_base(path / BASE, base_meta, options, encode, rep, checkers, budget,
                    regenerate, claim, limit)
    except InputError as e:  # e.g. over --max-unzipped-mb
        rep.failures.append(f"base/{e}")
    return rep


def _check_base(bdir, meta, options, encode, rep, checkers, budget, regenerate, claim,
                limit=None):
    cnf, prf = bdir / "formula.cnf.gz", bdir / "proof.drat.gz"
    missing = [p.name for p in (cnf, prf) if not p.is_file()]
    if missing:
        rep.failures += [f"base/{m}: missing (a proof of F needs formula and proof)"
                         for m in missing]
        return
    text = read_bounded(cnf, limit)
    sha = drat.sha256_text(text)
    if sha != (meta.get("formula") or {}).get("sha256"):
        rep.failures.append("base/formula.cnf.gz: sha256 differs from claim.json's "
                            "base_proof.formula.sha256")
    bopts = meta.get("options")
    allowed = [base_options(options)]
    if "members" in options:
        allowed.append(base_options(options, whole_family=True))
    if bopts not in allowed:
        rep.failures.append("claim.json: base_proof.options are not the claim's "
                            "options with the symmetry breaks off (same members, or the "
                            "whole family)")
        return
    if regenerate:
        rep.checks.append("regenerate-F")
        base = regenerate_base(encode, bopts, rep)
        if base is None:
            return
        if drat.sha256_text(base.to_dimacs()) != sha:
            try:
                extra = _extra_clauses(text, base)
            except InputError as e:
                rep.failures.append(f"base/formula.cnf.gz: {e}")
                return
            if extra:
                rep.failures.append(
                    f"base/formula.cnf.gz: 'proof of F' claimed, but the formula has "
                    f"{extra} clause(s) that are not in the base formula F regenerated "
                    f"with the symmetry breaks off")
            else:
                rep.failures.append("base/formula.cnf.gz: differs from the base formula F "
                                    "regenerated from claim.json")
    else:
        rep.notes.append("base formula F not regenerated (--no-regenerate)")
    nvars, clauses = drat.parse_dimacs(text)
    del text
    # read here, within the limit: the checkers get the text, not the file
    proof = read_bounded(prf, limit)
    budget = budget or drat.CheckerPolicy(headline=bool(claim.get("headline")))
    recs = drat.check_drat(SimpleNamespace(nvars=nvars, clauses=clauses), None,
                           budget.base_checkers or checkers, budget, text=proof)
    drat.record_checks(rep, recs, "base/proof.drat.gz", tag="F:", note="base proof: ")
