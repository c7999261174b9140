"""UNSAT claims whose refutation is a regenerable record, not a committed proof.

Some refutations are far over the repository's size policy (proofs/README.md:
a bundle over ~2 MB is not committed whole): the explicit uand(6) step
``n = 4`` proof is 1.3 M lines, 21 MB gzipped. Such a claim is committed as
a bundle of ``claim.json`` and ``manifest.json`` only, with
``"certificate": "regenerable"`` and a record ``claim.json`` ``regenerable``:

    options     the options the formula was built with (the claim's own)
    formula     sha256, nvars, clauses of the formula (the claim's ``formula``)
    proof       sha256, lines, additions, deletions, gz_bytes of the proof
    solver      name, version: the solver that made it (CaDiCaL is
                deterministic for a fixed build and formula)
    checks      the checkers' records when it was made (a native VERIFIED
                among them, no REJECTED)
    timings     solve_seconds (required), check_seconds, load_average

Every field is required and no other is accepted (fail closed).

What ``superpos verify`` does with it (:func:`verify_regenerable`):

* always: the record's form; its options and formula equal the claim's;
  the formula regenerated from ``claim.json`` hashes to the record's
  sha256 (unless ``--no-regenerate``, which leaves the claim NOT VERIFIED);
* without ``--regenerate-proofs``: nothing is solved, and the report says
  so in ``unrechecked`` (status ``PASS (not re-checked)``, never a bare
  ``PASS``): the refutation rests on the record, re-checked by
  ``superpos verify --regenerate-proofs``, not by CI;
* with ``--regenerate-proofs``: the formula is solved again with a DRAT
  proof by the recorded solver; an answer other than UNSAT, a proof whose
  sha256 is not the record's, or a proof the native engine does not verify
  is a failure.

Why the record certifies: the claim is "this formula (so, by the formula's
options and certificate kind, this question) has no model". The formula is
regenerated from the claim; the solver's proof of it is re-made and checked
by an independent checker on demand. The hash ties the re-made proof to the
one checked at creation, so a record edited after the fact is caught.

Examples
--------
>>> check_record({"options": {}})[0].startswith("claim.json: regenerable: fields")
True
>>> check_record(None)
['claim.json: regenerable: expected an object']
"""

import os
import shutil
import tempfile
from pathlib import Path

from ...errors import InputError, SoundnessError
from ...solve.runner import solve_cnf
from . import drat
from ..bundles.check_claim import ALLOWED_FILES, verify_claim
from ..bundles.claims import CERTIFICATE_FIELDS, register_certificate
from ..bundles.encoders import encode
from ..bundles.make_claim import make_bundle, publish
from ..bundles.manifest import write_manifest
from ..bundles.minimum_claim import (MINIMUM_FORMAT, MINIMUM_VERSION, verify_minimum,
                                     write_minimum_manifest)
from ..bundles.claims import QUANTITIES, parse_claim
from ..jsonio import dumps, load, read_text, write

__all__ = ["CERT", "FIELD", "RECORD_FIELDS", "NOT_RECHECKED", "LABEL", "check_record",
           "open_record", "exact_fields", "record_form", "check_creation_checks",
           "regenerable_from_bundle", "refute_and_record", "record_minimum",
           "verify_regenerable",
           "not_rechecked_text", "regenerable_minimum", "formula_breaks", "resolve_record",
           "record_not_rechecked"]

#: claim.json ``certificate`` of such a claim, and the field of its record
CERT = FIELD = "regenerable"
RECORD_FIELDS = {"options", "formula", "proof", "solver", "checks", "timings"}
_FORMULA = {"sha256", "nvars", "clauses"}
_PROOF = {"sha256", "lines", "additions", "deletions", "gz_bytes"}
_SOLVER = {"name", "version"}
_TIMINGS_REQUIRED = {"solve_seconds"}
_TIMINGS = _TIMINGS_REQUIRED | {"check_seconds", "load_average"}
#: the record's fields that are objects of their own, for :func:`record_form`
_SECTIONS = {"formula": _FORMULA, "proof": _PROOF, "solver": _SOLVER,
             "timings": (_TIMINGS, _TIMINGS_REQUIRED), "options": None}
#: appended to the certificate kind in verify's table: the proof is not in the bundle
LABEL = "regenerable proof (not committed)"
#: what every report of such a claim says when its proof was not re-made
NOT_RECHECKED = ("regenerable proof: re-checked by `superpos verify --regenerate-proofs`, "
                 "not by CI")


def not_rechecked_text(mb=None, secs=None):
    """The label of a refutation not re-made in this run."""
    size = f" ({mb:.1f} MB gzipped, {secs} s to solve)" if mb is not None else ""
    return f"refutation recorded, not committed{size}; {NOT_RECHECKED}"


def exact_fields(d, want, where, required=None):
    """Failure reasons unless ``d`` is an object with exactly the fields
    ``want`` (at least ``required`` of them, when given)."""
    if not isinstance(d, dict):
        return [f"{where}: expected an object"]
    need = want if required is None else required
    if not need <= set(d) or not set(d) <= want:
        return [f"{where}: fields {sorted(d)}, expected {sorted(want)}"
                + ("" if required is None else f" (required {sorted(required)})")]
    return []


def record_form(meta, fields, sections, where):
    """Failure reasons of a recorded refutation's form: the record an object
    with exactly ``fields``, and each of its ``sections`` an object with
    exactly its own fields.

    Every record kind is checked this way before anything in it is trusted,
    so nothing unchecked rides along (fail closed). A record that is not an
    object with exactly ``fields`` gets that reason alone: its sections are
    then not looked up, and a caller given no reasons may index every field.

    Parameters
    ----------
    meta : object
        The record as read from ``claim.json`` (any JSON value).
    fields : set of str
        The record's fields: each required, no other accepted.
    sections : dict
        Field name to what that field holds: a set (exactly those fields),
        a pair ``(want, required)`` (at least ``required``, none outside
        ``want``) or ``None`` (any object). Reasons come in this order.
    where : str
        What each reason starts with, e.g. ``"claim.json: regenerable"``.

    Returns
    -------
    list of str
        The failure reasons; empty when the form holds.

    Examples
    --------
    >>> fields = {"options", "solver"}
    >>> sections = {"solver": {"name", "version"}, "options": None}
    >>> record_form({"options": {}, "solver": {"name": "c", "version": "2"}},
    ...             fields, sections, "r")
    []
    >>> record_form({"options": {}, "solver": {}, "extra": 1}, fields, sections, "r")
    ["r: fields ['extra', 'options', 'solver'], expected ['options', 'solver']"]
    >>> record_form({"options": [], "solver": {"name": "c"}}, fields, sections, "r")
    ["r.solver: fields ['name'], expected ['name', 'version']", 'r.options: expected an object']
    >>> record_form([], fields, sections, "r")
    ['r: expected an object']
    """
    out = exact_fields(meta, fields, where)
    if out:
        return out
    for name, want in sections.items():
        if want is None:
            if not isinstance(meta[name], dict):
                out.append(f"{where}.{name}: expected an object")
        elif isinstance(want, tuple):
            out += exact_fields(meta[name], want[0], f"{where}.{name}", want[1])
        else:
            out += exact_fields(meta[name], want, f"{where}.{name}")
    return out


def check_creation_checks(checks, where):
    """Failures of a record's creation-time checker verdicts: a non-empty
    list, a native VERIFIED among them, no REJECTED."""
    if not isinstance(checks, list) or not checks or not all(
            isinstance(c, dict) and {"checker", "verdict"} <= set(c) for c in checks):
        return [f"{where}: expected a non-empty list of checker records"]
    if any(c["verdict"] == drat.REJECTED for c in checks):
        return [f"{where}: a checker rejected the proof when it was made"]
    if not any(c["checker"] == "native" and c["verdict"] == drat.VERIFIED for c in checks):
        return [f"{where}: no native VERIFIED verdict from when it was made"]
    return []


def check_record(meta, *, fields=RECORD_FIELDS, sections=_SECTIONS, where=None):
    """Failure reasons of a ``regenerable`` record's form (empty: well
    formed). ``fields``, ``sections`` and ``where``: a record kind that
    extends this one (:mod:`.regenerable_lemmas`)."""
    where = where or f"claim.json: {FIELD}"
    out = record_form(meta, fields, sections, where)
    if not out:
        sha = meta["proof"]["sha256"]
        if not (isinstance(sha, str) and len(sha) == 64):
            out.append(f"{where}.proof.sha256: not a sha256")
        out += check_creation_checks(meta["checks"], f"{where}.checks")
    return out


def regenerable_from_bundle(bundle, out_dir, *, load_average=None, overwrite=False,
                            certificate=(CERT, FIELD), extra=None):
    """Write ``out_dir``: the UNSAT bundle ``bundle`` (formula and checked
    proof) as a regenerable claim (claim.json with the record, no formula or
    proof). The proof's and formula's hashes are recomputed from the files
    and must be the claim's; the creation checks must hold
    (:func:`check_creation_checks`). The result is verified
    (:func:`verify_regenerable`, no solve) before it is renamed into place.

    The bundle's proof must be the one a fresh solve of the formula
    (:func:`~superpos_formal.solve.runner.solve_cnf`, the recorded solver)
    gives, or ``--regenerate-proofs`` will report another hash: a proof from
    ``superpos min-neurons --proof`` (its search solves the formula another way) is not one
    (measured, uand(6) step n = 4). ``search/regen_minimum.py`` solves afresh.

    ``certificate`` (``claim.json`` ``certificate`` and record field) and
    ``extra`` (more record fields): a record kind that extends this one,
    whose proof is re-made another way (:mod:`.regenerable_lemmas`).
    """
    bundle, out_dir = Path(bundle), Path(out_dir)
    if out_dir.exists() and not overwrite:
        raise InputError(f"{out_dir}: already exists (a bundle is never overwritten silently)")
    claim = load(bundle / "claim.json")
    if claim.get("answer") != "UNSAT" or claim.get("certificate") is not None:
        raise InputError(f"{bundle}: only a plain UNSAT claim bundle becomes regenerable")
    for k in ("base_proof", "generator_proof", "regenerable_proof"):
        if k in claim:
            raise InputError(f"{bundle}: {k}: a second proof is not carried over")
    formula = read_text(bundle / "formula.cnf.gz")
    proof = read_text(bundle / "proof.drat.gz")
    if drat.sha256_text(formula) != claim["formula"]["sha256"]:
        raise SoundnessError(f"{bundle}: formula.cnf.gz is not the claim's formula")
    stats = drat.proof_stats(proof)
    if stats["sha256"] != claim["proof"]["sha256"]:
        raise SoundnessError(f"{bundle}: proof.drat.gz is not the claim's proof")
    fails = check_creation_checks(claim.get("checks"), f"{bundle}: checks")
    if fails:
        raise SoundnessError(fails[0])
    timings = {"solve_seconds": claim["timings"]["solve_seconds"]}
    if "check_seconds" in claim["timings"]:
        timings["check_seconds"] = claim["timings"]["check_seconds"]
    if load_average is not None:
        timings["load_average"] = [round(float(x), 2) for x in load_average]
    new = {k: v for k, v in claim.items() if k not in ("proof", "checks")}
    new["certificate"] = certificate[0]
    new[certificate[1]] = dict({"options": claim["options"], "formula": dict(claim["formula"]),
                                "proof": dict(stats, gz_bytes=len(drat.gzip_bytes(proof))),
                                "solver": dict(claim["solver"]), "checks": claim["checks"],
                                "timings": timings}, **(extra or {}))
    del formula, proof
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".regen-", dir=out_dir.parent))
    try:
        write(tmp / "claim.json", dumps(new))
        write_manifest(tmp)
        _self_check(tmp)
        publish(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def formula_breaks(bundle):
    """The symmetry breaks of the formula a claim bundle describes, read
    from the formula rebuilt from its ``claim.json`` (a recorded refutation
    such as a cube record carries no encoder info); the rebuilt formula must
    hash to the claim's, else SoundnessError."""
    claim = parse_claim(load(Path(bundle) / "claim.json"))
    enc, _ = encode((claim.raw.get("encoder") or {}).get("name"), claim.question,
                    claim.members, claim.shape, claim.options)
    if drat.sha256_text(enc.to_dimacs()) != (claim.raw.get("formula") or {}).get("sha256"):
        raise SoundnessError(f"{bundle}: the formula rebuilt from claim.json is not the "
                             f"claim's")
    return list((enc.info or {}).get("breaks", []))


def refute_and_record(task, shape, enc, options, work, *, progress=None):
    """Solve ``enc`` (the formula of ``task`` at ``shape``, built with
    ``options``) afresh with a DRAT proof, bundle it (the native engine
    checks the proof) and record it as regenerable under ``work``; returns
    the record's path. The proof recorded is a fresh solve's
    (``solve_cnf``), the one ``--regenerate-proofs`` re-makes. Raises
    InputError when the answer is not UNSAT. ``progress`` receives one line."""
    work = Path(work)
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(work / "p.drat"))
    if progress:
        progress(f"n={shape.n}: {r.status} in {r.seconds:.1f} s ({enc.nvars} vars, "
                 f"{len(enc.clauses)} clauses, {enc.info.get('encoder')})")
    if r.status != "UNSAT":
        raise InputError(f"n={shape.n} is {r.status}, not UNSAT: nothing to record")
    full = make_bundle(work / "full", r, task=task, shape=shape, encoding=enc,
                       options=options, checkers=("native",))
    os.unlink(work / "p.drat")
    return regenerable_from_bundle(full, work / "regen", load_average=os.getloadavg())


def record_minimum(parent, sat_bundle, task, shape, enc, options, work, *, progress=None):
    """:func:`refute_and_record` at ``shape.n`` (one below the SAT bundle's
    width), then :func:`regenerable_minimum` of the two under ``parent``."""
    return regenerable_minimum(parent, sat_bundle, refute_and_record(
        task, shape, enc, options, work, progress=progress))


def regenerable_minimum(parent, sat_bundle, unsat_bundle, *, overwrite=False):
    """Assemble the minimum directory ``parent`` ("the smallest ``n`` is
    ``k``") from a SAT bundle at ``n = k`` and an UNSAT bundle at ``n = k -
    1`` (typically regenerable, :func:`regenerable_from_bundle`, or a cube
    record, :mod:`.regenerable_cubes`); both are copied. The breaks
    ``minimum.json`` states are the UNSAT claim's, or, when it records
    none (a cube record), those of its formula rebuilt
    (:func:`formula_breaks`). Verified with the minimum rules (no solve;
    a cube record's cover is re-made) in a temporary sibling and renamed
    into place; a half of another question fails there."""
    parent, sat_bundle, unsat_bundle = Path(parent), Path(sat_bundle), Path(unsat_bundle)
    if parent.exists() and not overwrite:
        raise InputError(f"{parent}: already exists")
    sat, unsat = load(sat_bundle / "claim.json"), load(unsat_bundle / "claim.json")
    k = sat["shape"]["n"]
    if (sat.get("answer"), unsat.get("answer"), unsat["shape"]["n"]) != ("SAT", "UNSAT", k - 1):
        raise InputError("minimum: needs a SAT bundle at n = k and an UNSAT one at n = k - 1")
    q = QUANTITIES["n"]
    breaks = ((unsat.get("encoder") or {}).get("info") or {}).get("breaks")
    doc = {"format": MINIMUM_FORMAT, "version": MINIMUM_VERSION, "quantity": q.name,
           "value": k, "sat": f"n{k}-sat", "unsat": f"n{k - 1}-unsat",
           "monotonicity": q.argument, "symmetry": unsat["options"].get("symmetry", True),
           "symmetry_breaks": formula_breaks(unsat_bundle) if breaks is None else breaks}
    parent.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".minimum-", dir=parent.parent))
    try:
        shutil.copytree(sat_bundle, tmp / doc["sat"])
        shutil.copytree(unsat_bundle, tmp / doc["unsat"])
        write(tmp / "minimum.json", dumps(doc))
        write_minimum_manifest(tmp, doc)
        rep = verify_minimum(tmp, ("native",))
        if rep.status == "FAIL" or rep.unverified:
            raise SoundnessError("fresh minimum fails verification: "
                                 + "; ".join(rep.all_failures() + rep.all_unverified()))
        publish(tmp, parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return parent


def _self_check(path):
    # the verifier's own rules, without the solve: a bundle the toolkit
    # writes never states a claim verify would reject for its form
    rep = verify_claim(path, checkers=("native",))
    if rep.failures:
        raise SoundnessError("fresh regenerable bundle fails verification: "
                             + "; ".join(rep.failures))


def open_record(claim, rep, *, field, check, what, members, shape, options,
                regenerate, budget):
    """The part of checking a recorded refutation that every record kind shares.

    Into ``rep``: the record ``claim[field]`` well formed (``check``), naming
    the claim's own options and formula (else it is a record of another
    formula), and, when asked, the formula rebuilt from ``claim.json`` equal
    to the recorded one. ``what`` names the kind in the UNSAT-only message.

    Returns
    -------
    tuple or None
        ``(meta, enc, again)``: the record, the rebuilt formula (``None``
        when not rebuilt) and whether the proofs are to be re-made
        (``budget.regenerate_proofs``); ``None`` once a failure is recorded.
    """
    if rep.answer != "UNSAT":
        rep.failures.append(f"claim.json: {what} is for UNSAT answers only")
        return None
    meta = claim.get(field)
    fails = check(meta)
    if fails:
        rep.failures += fails
        return None
    if meta["options"] != claim.get("options"):
        rep.failures.append(f"claim.json: {field}.options differ from the claim's options "
                            f"(a record of another formula)")
    if meta["formula"] != claim.get("formula"):
        rep.failures.append(f"claim.json: {field}.formula differs from the claim's formula")
    if rep.failures:
        return None
    again = bool(budget is not None and getattr(budget, "regenerate_proofs", False))
    enc = None
    if regenerate or again:
        rep.checks.append("regenerate")
        try:
            enc, _ = encode((claim.get("encoder") or {}).get("name"), claim.get("question"),
                            members, shape, options)
        except InputError as e:
            rep.failures.append(f"regenerate: {e}")
            return None
        got = {"sha256": drat.sha256_text(enc.to_dimacs()), "nvars": enc.nvars,
               "clauses": len(enc.clauses)}
        if got != meta["formula"]:
            rep.failures.append(f"regenerate: the formula built from claim.json differs "
                                f"from {field}.formula (sha256 {got['sha256'][:12]}..., "
                                f"recorded {str(meta['formula']['sha256'])[:12]}...)")
            return None
    return meta, enc, again


def verify_regenerable(path, claim, rep, shape, members, options, checkers, regenerate,
                       budget, limit=None):
    """Check a ``regenerable`` UNSAT claim into ``rep`` (see the module
    docstring); with ``budget.regenerate_proofs`` re-solve and check."""
    rep.checks.append("regenerable-record")
    rep.certificate = f"{rep.certificate}; {LABEL}"
    opened = open_record(claim, rep, field=FIELD, check=check_record,
                         what="a regenerable refutation", members=members, shape=shape,
                         options=options, regenerate=regenerate, budget=budget)
    if opened is None:
        return
    meta, enc, again = opened
    if not again:
        rep.unrechecked.append(record_not_rechecked(meta))
        return
    resolve_record(enc, meta, rep)


def record_not_rechecked(meta):
    """:func:`not_rechecked_text` for a well-formed record (its proof's
    gzipped size and solve time)."""
    gz = meta["proof"]["gz_bytes"]
    return not_rechecked_text(gz / 1e6 if isinstance(gz, int) else None,
                              meta["timings"]["solve_seconds"])


def resolve_record(enc, meta, rep, solve=None):
    """Re-make a recorded refutation's proof into ``rep``: ``solve(proof_path)``
    (default: a plain solve of ``enc`` by the recorded solver) must answer
    UNSAT with a proof of the recorded sha256 that the native engine
    verifies."""
    rep.checks.append("regenerate-proof")
    with tempfile.TemporaryDirectory() as wd:
        prf = os.path.join(wd, "proof.drat")
        try:
            if solve is None:
                res = solve_cnf(enc.clauses, enc.nvars, solver=meta["solver"]["name"],
                                proof_path=prf)
            else:
                res = solve(prf)
        except (RuntimeError, ValueError, InputError) as e:
            rep.failures.append(f"regenerate proof: {e}")
            return
        if res.status != "UNSAT":
            # SAT contradicts the record; UNKNOWN (a limit) only leaves it unchecked
            (rep.failures if res.status == "SAT" else rep.unverified).append(
                f"regenerate proof: the solver answered {res.status}"
                + (f" ({res.reason})" if res.reason else ""))
            return
        text = drat.read_text(prf)
    sha = drat.sha256_text(text)
    recs = drat.check_drat(enc, text=text, checkers=("native",))
    rep.checks += [f"regenerated:{r.checker}:{r.verdict.lower()}" for r in recs]
    if sha != meta["proof"]["sha256"]:
        rep.failures.append(f"regenerate proof: sha256 {sha[:12]}... is not the recorded "
                            f"{meta['proof']['sha256'][:12]}... (another solver build, or "
                            f"an altered record)")
    bad = [r for r in recs if r.verdict != drat.VERIFIED]
    for r in bad:
        # a checker cut by a limit says nothing against the proof: not verified
        (rep.failures if r.verdict == drat.REJECTED else rep.unverified).append(
            f"regenerated proof: {r.checker} {r.verdict} ({r.reason})")
    if not bad and sha == meta["proof"]["sha256"]:
        rep.notes.append(f"{rep.path}: refutation regenerated ({res.seconds:.0f} s to solve, "
                         f"{sum(r.seconds for r in recs):.0f} s to check) and checked")


# the verifier accepts "certificate": "regenerable" (claim.json only)
ALLOWED_FILES[CERT] = {"claim.json"}
CERTIFICATE_FIELDS[CERT] = {FIELD}
register_certificate(CERT, verify_regenerable)
