"""Cube-and-conquer refutations recorded as regenerable, not committed.

A cube bundle (:mod:`superpos_formal.certify.cubes`) carries one DRAT proof
per cube; for explicit uand(6) ReLU ``n = 3`` that is 33 proofs and about
100 MB. This module records such a refutation instead: a bundle of
``claim.json`` and ``manifest.json`` with ``"certificate":
"regenerable-cubes"`` and the record ``claim.json`` ``regenerable_cubes``:

    options     the options ``F`` was built with (the claim's own)
    formula     sha256, nvars, clauses of ``F`` (the claim's ``formula``)
    split       how the cubes were made (text; not needed to re-check them)
    cubes       the cubes, in order: lists of DIMACS literals of ``F``
    cover       sha256, lines of the DRAT proof that the clauses
                ``{not c_i}`` are unsatisfiable (the cubes cover every
                assignment)
    proofs      per cube, in the cubes' order: sha256, lines of the DRAT
                proof of ``F`` and the cube's literals as unit clauses
    solver      name, version of the solver that made the cube proofs
    checks      checker "native", cubes_verified (must be every cube),
                cover_verified (true): the verdicts when it was made
    timings     wall_seconds, cube_seconds (sum over cubes), load_average

Every field is required and no other is accepted.

The cover argument: every assignment of ``F``'s variables satisfies some
cube (that is what the cover proof refutes: an assignment satisfying no cube
satisfies every ``not c_i``). A model of ``F`` would satisfy ``F`` and some
cube ``c_i``; the proof of cube ``i`` refutes exactly that. So every cube
refuted and the cubes covering refutes ``F``.

What ``superpos verify`` does (:func:`verify_regenerable_cubes`):

* always: the record's form; options and formula equal the claim's; every
  cube non-empty, literals of ``F``'s variables, not contradictory; one
  proof record per cube; ``F`` regenerated from claim.json and hashed
  (unless ``--no-regenerate``); the cover re-solved, its proof checked by
  the native engine and hashed (cheap: a formula over the split variables)
  -- cubes that do not cover, or a cover proof of another hash, fail;
* without ``--regenerate-proofs``: the cube proofs are not re-made, and the
  report says so (``PASS (not re-checked)``);
* with it: every cube is re-solved (``F`` and its units, as when it was
  made), its proof checked by the native engine and compared with the
  recorded sha256; any cube not UNSAT, a rejected proof or another hash
  fails.

Examples
--------
>>> check_record({"cubes": []})[0].startswith("claim.json: regenerable_cubes: fields")
True
"""

import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

from ...errors import InputError, SoundnessError
from ...schema import family_to_dict, task_to_dict
from ...solve.runner import DEFAULT_SOLVER, solver_version
from . import drat
from ..bundles.certificate_kind import kind_for
from ..bundles.check_claim import ALLOWED_FILES, verify_claim
from ..bundles.claims import CERTIFICATE_FIELDS, CLAIM_FORMAT, CLAIM_VERSION, register_certificate
from ..bundles.encoders import encoder
from ..bundles.make_claim import publish
from ..bundles.manifest import write_manifest
from ..cubes import check_cube, cover_proof
from ..jsonio import dumps, write
from .regenerable_unsat import (LABEL, exact_fields, not_rechecked_text, open_record,
                                record_form)

__all__ = ["CERT", "FIELD", "RECORD_FIELDS", "check_record", "check_cubes", "run_of",
           "make_regenerable_cubes", "verify_regenerable_cubes"]

CERT = "regenerable-cubes"
FIELD = "regenerable_cubes"
RECORD_FIELDS = {"options", "formula", "split", "cubes", "cover", "proofs", "solver",
                 "checks", "timings"}
_FORMULA = {"sha256", "nvars", "clauses"}
_HASHED = {"sha256", "lines"}
_SOLVER = {"name", "version"}
_CHECKS = {"checker", "cubes_verified", "cover_verified"}
_TIMINGS = {"wall_seconds", "cube_seconds", "load_average"}
_SECTIONS = {"formula": _FORMULA, "cover": _HASHED, "solver": _SOLVER, "checks": _CHECKS,
             "timings": _TIMINGS, "options": None}


def _is_sha(x):
    return isinstance(x, str) and len(x) == 64


def check_cubes(cubes, nvars):
    """Failure reasons of a cube list over ``nvars`` variables.

    >>> check_cubes([[1, -2], [-1], [1, 2]], 2)
    []
    >>> check_cubes([[1, -1]], 2)
    ['cubes[0]: contradictory literals']
    """
    if not isinstance(cubes, list) or not cubes:
        return ["cubes: expected a non-empty list"]
    out = []
    for i, c in enumerate(cubes):
        if not isinstance(c, list) or not c or not all(
                isinstance(l, int) and not isinstance(l, bool) and l != 0 and abs(l) <= nvars
                for l in c):
            out.append(f"cubes[{i}]: expected non-zero literals of variables 1..{nvars}")
        elif any(-l in c for l in c):
            out.append(f"cubes[{i}]: contradictory literals")
    return out


def check_record(meta):
    """Failure reasons of a ``regenerable_cubes`` record's form."""
    where = f"claim.json: {FIELD}"
    out = record_form(meta, RECORD_FIELDS, _SECTIONS, where)
    if out:
        return out
    nv = meta["formula"]["nvars"]
    out += [f"{where}.{m}" for m in check_cubes(meta["cubes"], nv if isinstance(nv, int) else 0)]
    proofs = meta["proofs"]
    if not isinstance(proofs, list) or not isinstance(meta["cubes"], list) \
            or len(proofs) != len(meta["cubes"]):
        out.append(f"{where}.proofs: expected one proof record per cube")
    else:
        for i, p in enumerate(proofs):
            out += exact_fields(p, _HASHED, f"{where}.proofs[{i}]")
            if isinstance(p, dict) and not _is_sha(p.get("sha256")):
                out.append(f"{where}.proofs[{i}].sha256: not a sha256")
    if not _is_sha(meta["cover"]["sha256"]):
        out.append(f"{where}.cover.sha256: not a sha256")
    ch = meta["checks"]
    if ch["checker"] != "native" or ch["cover_verified"] is not True or (
            isinstance(meta["cubes"], list) and ch["cubes_verified"] != len(meta["cubes"])):
        out.append(f"{where}.checks: the native engine must have verified every cube's "
                   f"proof and the cover when it was made")
    return out


def run_of(result, load_average=None):
    """The plain record of an UNSAT :class:`~superpos_formal.solve.cubes.CubeResult`
    (what :func:`make_regenerable_cubes` reads): cubes in order, per cube its
    status, whether its proof was checked, seconds, proof lines and sha256."""
    by = {a.index: a for a in result.answers}
    rows = []
    for k, c in enumerate(result.cubes):
        a = by.get(k)
        text = gzip.decompress(a.proof_gz).decode("ascii") if a and a.proof_gz else None
        rows.append({"cube": list(c), "status": a.status if a else None,
                     "checked": bool(a and a.checked),
                     "seconds": round(a.seconds, 3) if a else None,
                     "proof_lines": a.proof_lines if a else 0,
                     "proof_sha256": drat.sha256_text(text) if text else None})
    enc = result.encoding
    return {"status": result.status, "split": result.split, "sums": enc.info.get("sums"),
            "formula": {"sha256": drat.sha256_text(enc.to_dimacs()), "nvars": enc.nvars,
                        "clauses": len(enc.clauses)},
            "cover_sha256": drat.sha256_text(result.cover_text) if result.cover_text else None,
            "cover_lines": result.cover_text.count("\n") if result.cover_text else 0,
            "wall_seconds": round(result.seconds, 3),
            "load_start": list(load_average or os.getloadavg()), "cubes": rows}


def make_regenerable_cubes(out_dir, run, *, shape, task=None, family=None, options,
                           overwrite=False):
    """Write the regenerable cube bundle of ``run`` (:func:`run_of`, or the
    same dict dumped by a long run) at ``out_dir``: every cube UNSAT with its
    proof checked, the cover re-made and checked here, ``F`` regenerated
    from the claim and equal to the run's formula. Verified (no solve)
    before it is renamed into place."""
    if (task is None) == (family is None):
        raise InputError("regenerable cubes: give exactly one of task or family")
    out_dir = Path(out_dir)
    if out_dir.exists() and not overwrite:
        raise InputError(f"{out_dir}: already exists (a bundle is never overwritten silently)")
    if run.get("status") != "UNSAT":
        raise InputError(f"regenerable cubes: only an UNSAT run becomes a claim, got "
                         f"{run.get('status')}")
    rows = run["cubes"]
    if not rows or not all(r["status"] == "UNSAT" and r["checked"] and r["proof_sha256"]
                           for r in rows):
        raise SoundnessError("regenerable cubes: a cube is not refuted with a checked proof")
    cubes = [list(r["cube"]) for r in rows]
    cover = cover_proof(cubes)
    if drat.sha256_text(cover) != run["cover_sha256"]:
        raise SoundnessError("regenerable cubes: the cover proof re-made here differs from "
                             "the run's")
    subject = family if family is not None else task
    question = "family" if family is not None else ("representation" if shape.L == 0
                                                    else "instance")
    mod = encoder("order-tree")
    claim = {
        "format": CLAIM_FORMAT, "version": CLAIM_VERSION, "question": question,
        "shape": shape.to_dict(), "answer": "UNSAT", "certificate": CERT,
        "certificate_kind": kind_for("UNSAT", options), "options": dict(options),
        "solver": {"name": DEFAULT_SOLVER, "version": solver_version(DEFAULT_SOLVER)},
        "encoder": {"name": "order-tree", "version": getattr(mod, "ENCODER_VERSION", None)},
        "formula": dict(run["formula"]), "headline": False,
        "timings": {"wall_seconds": round(float(run["wall_seconds"]), 3)},
    }
    claim["family" if family is not None else "task"] = (
        family_to_dict(subject) if family is not None else task_to_dict(subject))
    claim[FIELD] = {
        "options": dict(options), "formula": dict(run["formula"]), "split": run["split"],
        "cubes": cubes, "cover": {"sha256": run["cover_sha256"],
                                  "lines": cover.count("\n")},
        "proofs": [{"sha256": r["proof_sha256"], "lines": r["proof_lines"]} for r in rows],
        "solver": dict(claim["solver"]),
        "checks": {"checker": "native", "cubes_verified": len(rows), "cover_verified": True},
        "timings": {"wall_seconds": round(float(run["wall_seconds"]), 3),
                    "cube_seconds": round(sum(float(r["seconds"] or 0) for r in rows), 3),
                    "load_average": [round(float(x), 2) for x in run.get("load_start") or []]},
    }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".rcubes-", dir=out_dir.parent))
    try:
        write(tmp / "claim.json", dumps(claim))
        write_manifest(tmp)
        rep = verify_claim(tmp, checkers=("native",))
        if rep.failures:
            raise SoundnessError("fresh regenerable cube bundle fails verification: "
                                 + "; ".join(rep.failures))
        publish(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def verify_regenerable_cubes(path, claim, rep, shape, members, options, checkers,
                             regenerate, budget, limit=None):
    """Check a ``regenerable-cubes`` UNSAT claim into ``rep`` (see the
    module docstring); with ``budget.regenerate_proofs`` re-solve every cube."""
    rep.checks.append("regenerable-cubes")
    rep.certificate = f"{rep.certificate}; {LABEL}"
    opened = open_record(claim, rep, field=FIELD, check=check_record,
                         what="a cube refutation", members=members, shape=shape,
                         options=options, regenerate=regenerate, budget=budget)
    if opened is None:
        return
    meta, enc, again = opened
    cubes = meta["cubes"]
    try:
        cover = cover_proof(cubes)
    except (InputError, SoundnessError) as e:
        rep.failures.append(f"cover: {e}")
        return
    rep.checks.append("cover:native:verified")
    if drat.sha256_text(cover) != meta["cover"]["sha256"]:
        rep.failures.append(f"cover: the cover proof re-made has sha256 "
                            f"{drat.sha256_text(cover)[:12]}..., the record "
                            f"{meta['cover']['sha256'][:12]}...")
        return
    if not again:
        rep.unrechecked.append(not_rechecked_text() + f" ({len(cubes)} cube proofs, "
                               f"{sum(p['lines'] for p in meta['proofs']):,} lines)")
        return
    _resolve_cubes(enc, meta, rep)


def _resolve_cubes(enc, meta, rep):
    t0 = time.perf_counter()
    ok = 0
    for i, (cube, rec) in enumerate(zip(meta["cubes"], meta["proofs"])):
        try:
            ans = check_cube(enc.clauses, enc.nvars, i, cube)
        except SoundnessError as e:  # a checker rejected the re-made proof
            rep.failures.append(f"cube {i}: {e}")
            continue
        if ans.status != "UNSAT":
            # SAT contradicts the record; UNKNOWN (a limit) only leaves it unchecked
            (rep.failures if ans.status == "SAT" else rep.unverified).append(
                f"cube {i}: the solver answered {ans.status}"
                + (f" ({ans.reason})" if ans.reason else ""))
            continue
        sha = drat.sha256_text(gzip.decompress(ans.proof_gz).decode("ascii"))
        if sha != rec["sha256"]:
            rep.failures.append(f"cube {i}: proof sha256 {sha[:12]}... is not the recorded "
                                f"{rec['sha256'][:12]}... (another solver build, or an "
                                f"altered record)")
            continue
        ok += 1
    rep.checks.append(f"cube proofs re-made and verified: {ok}/{len(meta['cubes'])}")
    if ok == len(meta["cubes"]):
        rep.notes.append(f"{rep.path}: {ok} cube proofs re-made and checked "
                         f"({time.perf_counter() - t0:.0f} s)")


ALLOWED_FILES[CERT] = {"claim.json"}
CERTIFICATE_FIELDS[CERT] = {FIELD}
register_certificate(CERT, verify_regenerable_cubes)
