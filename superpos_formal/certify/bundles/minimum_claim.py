"""Minimum claims: "the smallest ``n`` is ``k``".

A minimum directory holds exactly ``minimum.json``, ``manifest.json`` and the
bundles it names: a SAT bundle at ``n = k`` and an UNSAT bundle at
``n = k - 1`` (none when ``k`` is the smallest value the quantity takes).

``minimum.json`` (``superpos-formal/minimum`` version 2)::

    quantity      "n" (the only quantity the toolkit defines: QUANTITIES)
    value         k
    sat, unsat    the two bundle names (unsat null only when k = 1)
    monotonicity  the name of the argument that makes the pair a minimum
                  ("zero-padding", QUANTITIES["n"])
    symmetry, symmetry_breaks   the breaks in the UNSAT formula

What verify checks, besides each bundle on its own: both halves pose the
same question except ``n`` (same question kind, same task or family, every
shape field but ``n`` equal, every restricting and encoding option equal; the
UNSAT half may carry the relaxations ``members`` / ``inputs``, which only
strengthen it); the SAT half is at ``n = k`` and the UNSAT half at
``n = k - 1``; codes are not ``given``; the parent manifest covers
``minimum.json`` and both bundles' manifests, and nothing else is there.
Version 1 (no parent manifest, no ``monotonicity``) is rejected.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "n3-sat").mkdir(); (d / "n3-sat" / "claim.json").write_text("{}")
2
>>> looks_like_minimum(d)  # half a minimum claim, no minimum.json
True
"""

import re
import shutil
import tempfile
import time
from pathlib import Path

from ...errors import InputError
from ..proofcheck import drat
from .check_claim import BundleReport, verify_claim_dir
from .claims import QUANTITIES, question_of
from ..jsonio import dumps, load, write
from .make_claim import make_bundle, publish
from .manifest import check_manifest, write_manifest

__all__ = ["MINIMUM_FORMAT", "MINIMUM_VERSION", "MINIMUM_KEYS", "make_minimum",
           "verify_minimum", "verify_orphan", "looks_like_minimum",
           "write_minimum_manifest"]

MINIMUM_FORMAT = "superpos-formal/minimum"
MINIMUM_VERSION = 2
MINIMUM_KEYS = {"format", "version", "quantity", "value", "sat", "unsat", "symmetry",
                "symmetry_breaks", "monotonicity"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_HALF = re.compile(r"n\d+-(sat|unsat)")


def looks_like_minimum(path):
    """A directory without minimum.json that holds ``n<k>-sat``/``n<k>-unsat``
    bundles: half a minimum claim, which must not pass as one."""
    path = Path(path)
    return (not (path / "minimum.json").exists() and not (path / "claim.json").exists()
            and any(_HALF.fullmatch(p.name) and (p / "claim.json").is_file()
                    for p in path.iterdir() if p.is_dir()))


# ------------------------------------------------------------------ make

def make_minimum(parent, sat_cell, unsat_cell, *, shape, task=None, family=None,
                 members=None, question=None, options=None, **kw):
    """Bundle "the smallest ``n`` is ``shape.n``": SAT at ``shape.n`` and,
    when ``shape.n > 1``, UNSAT at ``shape.n - 1`` under ``parent``, with
    ``minimum.json`` naming both. ``members`` (family) is the UNSAT
    subfamily. Written in a temporary directory beside ``parent`` and
    renamed into place when complete: never half-written.
    """
    if shape.mode == "superposed" and shape.codes == "given":
        raise InputError("minimum: with given codes SAT is not monotone in n; "
                         "report the first n that works, not a minimum")
    q = QUANTITIES["n"]
    k = shape.n
    if k > q.min_value and unsat_cell is None:
        raise InputError("minimum: n > 1 needs the UNSAT answer at n - 1")
    parent = Path(parent)
    if parent.exists() and not kw.get("overwrite"):
        raise InputError(f"{parent}: already exists")
    kw.pop("overwrite", None)
    sat_name, unsat_name = f"n{k}-sat", (f"n{k - 1}-unsat" if k > q.min_value else None)
    parent.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".minimum-", dir=parent.parent))
    try:
        make_bundle(tmp / sat_name, sat_cell, shape=shape, task=task, family=family,
                    question=question, options=options, **kw)
        if unsat_name:
            make_bundle(tmp / unsat_name, unsat_cell, shape=shape.with_n(k - 1), task=task,
                        family=family, members=members, question=question,
                        options=options, **kw)
        src = unsat_cell if unsat_name else sat_cell
        opts = options if options is not None else getattr(src, "options", None)
        opts = dict({"symmetry": True} if opts is None else opts)
        info = getattr(src, "info", None) or {}
        if unsat_name:  # the breaks of the formula actually bundled
            info = load(tmp / unsat_name / "claim.json")["encoder"].get("info") or {}
        doc = {"format": MINIMUM_FORMAT, "version": MINIMUM_VERSION, "quantity": q.name,
               "value": k, "sat": sat_name, "unsat": unsat_name,
               "monotonicity": q.argument,
               "symmetry": opts.get("symmetry", True),
               # the breaks the UNSAT formula contains; their soundness arguments
               # are in encode/sat.py and encode/symmetry.py (README: Soundness)
               "symmetry_breaks": info.get("breaks", [])}
        write(tmp / "minimum.json", dumps(doc))
        write_minimum_manifest(tmp, doc)
        publish(tmp, parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return parent


def write_minimum_manifest(path, doc=None):
    """The parent manifest: ``minimum.json`` and each half's manifest."""
    doc = doc or load(Path(path) / "minimum.json")
    halves = [n for n in (doc.get("sat"), doc.get("unsat")) if n]
    return write_manifest(path, skip=set(halves),
                          extra=[f"{n}/manifest.json" for n in halves])



# ------------------------------------------------------------------ verify

def _doc(path):
    doc = load(path / "minimum.json")
    if not isinstance(doc, dict) or doc.get("format") != MINIMUM_FORMAT:
        raise InputError(f"minimum.json: format: expected {MINIMUM_FORMAT!r}")
    if doc.get("version") != MINIMUM_VERSION:
        raise InputError(f"minimum.json: version {doc.get('version')!r} unsupported (this "
                         f"toolkit reads {MINIMUM_VERSION}: a manifest over the minimum "
                         f"directory and the monotonicity argument named)")
    extra = sorted(set(doc) - MINIMUM_KEYS)
    if extra:
        raise InputError(f"minimum.json: {extra[0]}: unknown field")
    missing = sorted(MINIMUM_KEYS - set(doc))
    if missing:
        raise InputError(f"minimum.json: {missing[0]}: missing")
    q = QUANTITIES.get(doc["quantity"]) if isinstance(doc["quantity"], str) else None
    if q is None:
        raise InputError(f"minimum.json: quantity {doc['quantity']!r} is not one the toolkit "
                         f"defines ({', '.join(sorted(QUANTITIES))})")
    if doc["monotonicity"] != q.argument:
        raise InputError(f"minimum.json: monotonicity {doc['monotonicity']!r}: the argument "
                         f"for {q.name} is {q.argument!r}")
    k = doc["value"]
    if not isinstance(k, int) or isinstance(k, bool) or k < q.min_value:
        raise InputError(f"minimum.json: value {k!r} is not an integer >= {q.min_value}")
    for role in ("sat", "unsat"):
        name = doc[role]
        if name is not None and (not isinstance(name, str) or not _NAME.fullmatch(name)):
            raise InputError(f"minimum.json: {role}: {name!r} is not a plain directory name")
    if doc["sat"] is None:
        raise InputError("minimum.json: sat: a minimum needs its SAT bundle")
    if k > q.min_value and doc["unsat"] is None:
        raise InputError(f"minimum.json: unsat: a minimum at {q.name}={k} needs the UNSAT "
                         f"bundle at {q.name}={k - 1} ({q.name}={k - 1} is a question)")
    if k == q.min_value and doc["unsat"] is not None:
        raise InputError(f"minimum.json: unsat: {q.name}={k - 1} is not a question "
                         f"(no UNSAT half at the smallest value)")
    if doc["sat"] == doc["unsat"]:
        raise InputError("minimum.json: sat and unsat name the same bundle")
    if not isinstance(doc["symmetry"], bool) or not isinstance(doc["symmetry_breaks"], list):
        raise InputError("minimum.json: symmetry / symmetry_breaks: expected a bool / a list")
    return doc, q


def _entries(path, doc):
    allowed = {"minimum.json", "manifest.json", doc["sat"]} | (
        {doc["unsat"]} if doc["unsat"] else set())
    out = []
    for p in sorted(path.iterdir()):
        if p.name not in allowed:
            out.append(f"extra entry: {p.name} (a minimum directory holds minimum.json, "
                       f"manifest.json and its two bundles only)")
        elif p.is_symlink():
            out.append(f"symlink: {p.name} (a minimum directory holds no symlinks)")
    return out


def _half(path, name, checkers, regenerate, budget, limit):
    rep = BundleReport(str(path / name))
    t0 = time.perf_counter()
    claim = None
    try:
        claim = verify_claim_dir(path / name, rep, checkers, regenerate, budget, limit)
    except InputError as e:
        rep.failures.append(str(e))
    except Exception as e:  # a bundle must never crash the checker
        rep.failures.append(f"internal error: {type(e).__name__}: {e}")
    rep.seconds = time.perf_counter() - t0
    return rep, claim


def _compare(doc, q, claims):
    k, fails = doc["value"], []
    sat = claims["sat"]
    if sat.answer != "SAT" or sat.shape.n != k:
        fails.append(f"minimum.json: {doc['sat']} must be a SAT claim at n={k} "
                     f"(it is {sat.answer} at n={sat.shape.n})")
    if sat.shape.mode == "superposed" and sat.shape.codes == "given":
        fails.append("minimum.json: given codes are not monotone in n; no minimum")
    if "unsat" in claims:
        un = claims["unsat"]
        if un.answer != "UNSAT" or un.shape.n != k - 1:
            fails.append(f"minimum.json: {doc['unsat']} must be an UNSAT claim at "
                         f"n={k - 1} (it is {un.answer} at n={un.shape.n})")
        qs, qu = question_of(sat), question_of(un)
        diff = [p for p in qs if qs[p] != qu[p]]
        if diff:
            p = diff[0]
            fails.append(f"minimum.json: the halves pose different questions: {p} is "
                         f"{_show(qu[p])} in {doc['unsat']}, {_show(qs[p])} in "
                         f"{doc['sat']}" + (f" (and {len(diff) - 1} more)" if diff[1:] else ""))
        if sat.family is not None and "members" not in un.options and \
                [t.id for t in un.members] != [t.id for t in sat.members]:
            fails.append("minimum.json: the halves cover different members")
        breaks = ((un.raw.get("encoder") or {}).get("info") or {}).get("breaks")
        if breaks is not None and sorted(breaks) != sorted(doc["symmetry_breaks"]):
            fails.append(f"minimum.json: symmetry_breaks {doc['symmetry_breaks']} but "
                         f"{doc['unsat']}'s formula has {breaks}")
    syms = {bool(c.options.get("symmetry", True)) for c in claims.values()}
    if syms != {doc["symmetry"]}:
        fails.append("minimum.json: symmetry does not match the bundles' options")
    return fails


def _show(v):
    if v is None:
        return "absent"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{a}={b}" for a, b in sorted(v.items())
                               if a not in ("format", "version")) + "}"
    return repr(v)


def verify_minimum(path, checkers=drat.DEFAULT_CHECKERS, regenerate=True, budget=None,
                   limit=None):
    """A :class:`BundleReport` (kind ``minimum``) for a minimum directory."""
    path = Path(path)
    rep = BundleReport(str(path), kind="minimum")
    try:
        if path.is_symlink():
            raise InputError("a symlink (bundles are verified where they are)")
        doc, q = _doc(path)
        k = doc["value"]
        rep.answer = f"min {q.name}={k}"
        rep.checks += ["manifest", "minimum"]
        rep.failures += _entries(path, doc)
        halves = {r: doc[r] for r in ("sat", "unsat") if doc[r]}
        rep.failures += check_manifest(
            path, skip=set(halves.values()),
            required=["minimum.json"] + [f"{n}/manifest.json" for n in halves.values()])
        claims = {}
        for role, name in halves.items():
            child, claim = _half(path, name, checkers, regenerate, budget, limit)
            rep.children.append(child)
            if claim is not None:
                claims[role] = claim
        # a minimum is as strong as its refutation (its SAT half is a network)
        rep.certificate = rep.children[-1].certificate if rep.children else "?"
        if len(claims) != len(halves):
            rep.failures.append("minimum.json: a half does not parse; the minimum is not checked")
            return rep
        sat = claims["sat"]
        rep.question = sat.question
        rep.label = sat.describe(n=f"n={k}(min)")
        rep.failures += _compare(doc, q, claims)
        rep.notes.append(f"a minimum over {q.name} rests on monotonicity by {q.argument} "
                         f"(proofs/README.md)")
    except InputError as e:
        rep.failures.append(str(e))
    except Exception as e:
        rep.failures.append(f"internal error: {type(e).__name__}: {e}")
    return rep


def verify_orphan(path, checkers=drat.DEFAULT_CHECKERS, regenerate=True, budget=None,
                  limit=None):
    """A directory with ``n<k>-sat``/``n<k>-unsat`` bundles but no
    ``minimum.json``: the bundles are verified, the directory fails."""
    path = Path(path)
    rep = BundleReport(str(path), kind="minimum", answer="no minimum")
    rep.failures.append("minimum.json: missing: no minimum was checked (the bundles "
                        "below are verified on their own only)")
    for p in sorted(path.iterdir()):
        if p.is_dir() and _HALF.fullmatch(p.name):
            rep.children.append(_half(path, p.name, checkers, regenerate, budget, limit)[0])
    return rep

