"""Lower-bound claims: "every network for this question has width ``>= n``".

A lower-bound claim (``superpos-formal/lower-bound`` version 1, one JSON
file, committed under ``proofs/lower-bounds/``) rests on a *restriction*
(:mod:`superpos_formal.bounds.restriction`): a certified sub-question whose
minimum (or refutation) bounds the question. ``superpos verify`` checks it
the way it checks a minimum's UNSAT half, and more:

* the file: format, version, every field known and present (fail closed);
* the sub-question's bundle: a minimum directory or an UNSAT claim bundle
  under the repository, verified now (manifest, network, regenerated
  formula, DRAT proof; :func:`~superpos_formal.certify.bundles.verify.verify_bundle`);
  a missing bundle fails. Its value is the minimum ``k`` (or ``n + 1`` of a
  refutation at ``n``); a claim restricted by an option or with given codes
  answers another question and is refused;
* the restriction: regenerated from the two subjects
  (:func:`~superpos_formal.bounds.restriction.restriction_of`) and compared
  with the feature map, output map and argument the claim states; then
  checked by brute force on the tasks: every member of the sub-question,
  on every one of its inputs, equals the mapped outputs of its member of
  the question at the embedded input
  (:func:`~superpos_formal.bounds.restriction.check_restriction`);
* the shapes: the sub-question's bounds are at least as wide, with the same
  mode, activation, ``L``, ``theta`` and code policy
  (:func:`~superpos_formal.bounds.restriction.bounds_weaker_or_equal`);
* the bound: ``n`` is at most the sub-question's value.

A sub-question whose refutation is a regenerable record (no committed
proof: :mod:`~superpos_formal.certify.proofcheck.regenerable_unsat`,
:mod:`~superpos_formal.certify.proofcheck.regenerable_cubes`) makes the
claim ``PASS (not re-checked)`` with its certificate labelled "regenerable
proof: re-checked by ``superpos verify --regenerate-proofs``, not by CI";
with ``--regenerate-proofs`` the proof is re-made and checked, and a
record whose hash does not match fails the claim.

The file::

    format, version     "superpos-formal/lower-bound", 1
    question            "instance" | "family"
    task | family       the question's subject (schema dict)
    bounds              mode, activation, L, B, B_bias, theta (+ B_code in
                        superposed mode): the registry's bounds of the question
    n                   the bound claimed
    certificate         kind "restriction"; bundle (repository-relative path);
                        sub_question (its name); sub_value; features; outputs;
                        argument (one line, regenerated)

Examples
--------
>>> from superpos_formal.tasks import uand
>>> restriction_fields(uand(3), uand(4))["outputs"]
[0, 1, 3]
"""

import json
import time
from pathlib import Path

from ..bounds.restriction import (bounds_weaker_or_equal, check_restriction, member_map,
                                  restriction_of, subject_from_dict)
from ..errors import InputError
from ..schema import family_from_dict, family_to_dict, task_from_dict, task_to_dict
from ..tasks import Family
from .proofcheck import drat
from .bundles.verify import cached_verifier
from .bundles.check_claim import BundleReport
from .bundles.claims import OPTIONS, RESTRICTION, parse_claim
from .jsonio import load
from .proofcheck.regenerable_cubes import CERT as CUBES_CERT
from .proofcheck.regenerable_lemmas import CERT as LEMMAS_CERT
from .proofcheck.regenerable_unsat import CERT as REGEN_CERT, NOT_RECHECKED

__all__ = ["FORMAT", "VERSION", "FOLDER", "question_shape", "sub_question", "make_claim",
           "restriction_fields", "read_claim", "check_claim", "verify_lower_bounds",
           "claim_files", "is_lower_bound_target", "subject_key", "regenerable_parts",
           "rests_on_regenerable", "REGENERABLE_CERTIFICATES"]

FORMAT = "superpos-formal/lower-bound"
VERSION = 1
#: where committed claims live (relative to the repository root)
FOLDER = "proofs/lower-bounds"
_FIELDS = {"format", "version", "question", "bounds", "n", "certificate"}
_CERT_FIELDS = {"kind", "bundle", "sub_question", "sub_value", "features", "outputs",
                "argument"}
_BOUND_KEYS = ("mode", "activation", "L", "B", "B_bias", "theta")
#: claim.json ``certificate`` values of refutations recorded, not committed
REGENERABLE_CERTIFICATES = (REGEN_CERT, CUBES_CERT, LEMMAS_CERT)


def question_shape(bounds):
    """The restriction shape of a registry question from its ``bounds``: free
    codes in superposed mode, identity in explicit mode, exact (tolerance 0).

    >>> question_shape({"mode": "explicit", "activation": "step", "L": 1, "B": 2,
    ...                 "B_bias": 2, "theta": 1})["codes"]
    'identity'
    """
    if not isinstance(bounds, dict):
        raise InputError("bounds: expected an object")
    sup = bounds.get("mode") == "superposed"
    want = set(_BOUND_KEYS) | ({"B_code"} if sup else set())
    if set(bounds) != want:
        raise InputError(f"bounds: expected the fields {sorted(want)}, got {sorted(bounds)}")
    out = {k: bounds[k] for k in _BOUND_KEYS}
    out.update(codes="free" if sup else "identity", tolerance=0,
               B_code=bounds["B_code"] if sup else None)
    return out


def subject_key(question, subject):
    """A comparable identity of a question's subject (task id or family dict)."""
    return (question, subject.id if not isinstance(subject, Family)
            else json.dumps(family_to_dict(subject), sort_keys=True))


def sub_question(path):
    """``(Subject, shape dict, value, claim)`` of a certified sub-question:
    a minimum directory (value = its minimum) or an UNSAT claim bundle
    (value = its ``n + 1``). Read, not verified (:func:`check_claim` verifies).
    A restricting option or given codes answer another question: InputError."""
    path = Path(path)
    if (path / "minimum.json").is_file():
        doc = load(path / "minimum.json")
        if not isinstance(doc, dict) or doc.get("quantity") != "n" or not isinstance(
                doc.get("sat"), str):
            raise InputError("minimum.json: not a minimum of the width n")
        claims = [parse_claim(load(path / doc[r] / "claim.json"))
                  for r in ("sat", "unsat") if isinstance(doc.get(r), str)]
        value = doc.get("value")
    elif (path / "claim.json").is_file():
        claims = [parse_claim(load(path / "claim.json"))]
        if claims[0].answer != "UNSAT":
            raise InputError("a SAT claim bounds nothing from below (a minimum or an "
                             "UNSAT claim is needed)")
        value = claims[0].shape.n + 1
    else:
        raise InputError("missing: no minimum.json or claim.json there")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"value {value!r} is not a width")
    for c in claims:
        for k in sorted(c.options):
            if OPTIONS[k].kind == RESTRICTION and c.options[k] is not None:
                raise InputError(f"restricted by {k}={c.options[k]} (another question)")
        if c.shape.mode == "superposed" and c.shape.codes == "given":
            raise InputError("codes=given (another question)")
    c = claims[0]
    subj = subject_from_dict(c.question, family_to_dict(c.family) if c.family is not None
                             else task_to_dict(c.task))
    if subj is None:
        raise InputError("no restriction rule covers this subject")
    sh = c.shape.to_dict()
    sh.pop("n")
    return subj, sh, value, c


def _subject_of(question, d):
    return family_from_dict(d) if question == "family" else task_from_dict(d)


def restriction_fields(small, big):
    """The certificate's map fields for subjects (tasks or families)
    ``small`` restricting ``big``; InputError when it does not."""
    q = "family" if isinstance(big, Family) else "instance"
    s_small = subject_from_dict(q, family_to_dict(small) if q == "family"
                                else task_to_dict(small))
    s_big = subject_from_dict(q, family_to_dict(big) if q == "family" else task_to_dict(big))
    r = restriction_of(s_small, s_big)
    if r is None:
        raise InputError(f"{small.name} is not a restriction of {big.name}")
    return {"sub_question": s_small.name, "features": list(r.features),
            "outputs": list(r.outputs), "argument": r.argument}


def make_claim(subject, bounds, n, bundle, sub_subject, sub_value):
    """A lower-bound claim dict (:data:`FORMAT`): ``subject`` at ``bounds``
    has width ``>= n`` because ``sub_subject``, certified at ``bundle``
    (repository-relative) with value ``sub_value``, restricts it."""
    q = "family" if isinstance(subject, Family) else "instance"
    cert = dict(kind="restriction", bundle=str(bundle), sub_value=sub_value,
                **restriction_fields(sub_subject, subject))
    doc = {"format": FORMAT, "version": VERSION, "question": q, "bounds": dict(bounds),
           "n": n, "certificate": cert}
    doc[q if q == "family" else "task"] = (family_to_dict(subject) if q == "family"
                                           else task_to_dict(subject))
    return doc


def read_claim(doc):
    """``(question, subject, bounds, n)`` of a claim dict, failing closed
    (format, version, unknown or missing fields)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"format: expected {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise InputError(f"version: expected {VERSION}, got {doc.get('version')!r}")
    q = doc.get("question")
    if q not in ("instance", "family"):
        raise InputError(f"question: expected 'instance' or 'family', got {q!r}")
    want = _FIELDS | {"family" if q == "family" else "task"}
    if set(doc) != want:
        bad = sorted(set(doc) - want) or sorted(want - set(doc))
        raise InputError(f"{bad[0]}: {'unknown' if set(doc) - want else 'missing'} field")
    cert = doc["certificate"]
    if not isinstance(cert, dict) or set(cert) != _CERT_FIELDS:
        raise InputError(f"certificate: expected the fields {sorted(_CERT_FIELDS)}")
    if cert["kind"] != "restriction":
        raise InputError(f"certificate.kind: {cert['kind']!r} is not 'restriction'")
    n = doc["n"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise InputError(f"n: {n!r} is not a width")
    try:
        subject = _subject_of(q, doc["family" if q == "family" else "task"])
    except (InputError, KeyError, TypeError, ValueError) as e:
        raise InputError(f"unreadable subject ({e})") from None
    question_shape(doc["bounds"])
    return q, subject, doc["bounds"], n


def _inside(root, rel):
    if not isinstance(rel, str) or not rel or Path(rel).is_absolute() or any(
            part in ("", ".", "..") for part in rel.split("/")):
        raise InputError(f"certificate.bundle: {rel!r} is not a plain relative path in the "
                         f"repository")
    return Path(root) / rel


def _brute_force(sub_subject, subject, features, outputs):
    """Mismatches of the task-level restriction over every member and input."""
    members = list(sub_subject.members()) if isinstance(sub_subject, Family) else [sub_subject]
    q = "family" if isinstance(subject, Family) else "instance"
    d = family_to_dict(sub_subject) if q == "family" else task_to_dict(sub_subject)
    r = restriction_of(subject_from_dict(q, d), subject_from_dict(
        q, family_to_dict(subject) if q == "family" else task_to_dict(subject)))
    bad = []
    for t in members:
        big = member_map(r, t) if q == "family" else subject
        for x, j in check_restriction(t, big, features, outputs)[:1]:
            bad.append(f"{t.name}: output {j} at input {x}")
    return bad


def regenerable_parts(path):
    """The bundles under ``path`` (a minimum directory or a claim bundle)
    whose refutation is a regenerable record, not a committed proof
    (certify/proofcheck/regenerable_unsat.py, regenerable_cubes.py): a
    claim resting on one is re-checked by ``superpos verify
    --regenerate-proofs``, not by CI, and says so.

    >>> regenerable_parts("/nonexistent")
    []
    """
    out = []
    p = Path(path)
    for c in sorted(p.rglob("claim.json")) if p.is_dir() else []:
        try:
            cert = json.loads(c.read_text()).get("certificate")
        except (OSError, ValueError, AttributeError):
            continue
        if cert in REGENERABLE_CERTIFICATES:
            out.append(c.parent)
    return out


def rests_on_regenerable(doc, root):
    """Whether a lower-bound claim dict's certificate bundle holds a
    regenerable refutation (:func:`regenerable_parts`); False when unreadable."""
    try:
        return bool(regenerable_parts(_inside(root, doc["certificate"]["bundle"])))
    except (InputError, KeyError, TypeError):
        return False


def check_claim(doc, root, verified):
    """Failure reasons of one claim dict (empty: it holds); ``verified(path)``
    is a (cached) :func:`~superpos_formal.certify.bundles.verify.verify_bundle`;
    its not-verified reasons are returned as the second list."""
    try:
        q, subject, bounds, n = read_claim(doc)
        cert = doc["certificate"]
        path = _inside(root, cert["bundle"])
        if not path.is_dir():
            raise InputError(f"certificate.bundle {cert['bundle']}: missing (nothing there "
                             f"certifies the sub-question)")
        try:
            ssub, sshape, value, sclaim = sub_question(path)
        except InputError as e:
            raise InputError(f"certificate.bundle {cert['bundle']}: {e}") from None
    except InputError as e:
        return [str(e)], []
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f"certificate.bundle: unreadable ({type(e).__name__}: {e})"], []
    rep = verified(path)
    fails = [f"certificate.bundle: {m}" for m in rep.all_failures()]
    unver = [f"certificate.bundle: {m}" for m in rep.all_unverified()]
    small = sclaim.family if sclaim.family is not None else sclaim.task
    if sclaim.question != q:
        return fails + [f"the sub-question is a {sclaim.question} question, this is {q}"], unver
    try:
        want = restriction_fields(small, subject)
    except InputError as e:
        return fails + [f"not a restriction: {e}"], unver
    for k in ("sub_question", "features", "outputs", "argument"):
        if cert[k] != want[k]:
            fails.append(f"certificate.{k}: the claim states {cert[k]!r}, the restriction "
                         f"regenerated is {want[k]!r}")
    if not fails:
        fails += [f"restriction check: {b}" for b in
                  _brute_force(small, subject, cert["features"], cert["outputs"])]
    if not bounds_weaker_or_equal(sshape, question_shape(bounds)):
        fails.append("the sub-question's bounds are narrower or its shape differs "
                     "(mode, activation, L, theta, codes)")
    if cert["sub_value"] != value:
        fails.append(f"certificate.sub_value: {cert['sub_value']!r}, the bundle certifies "
                     f"{value}")
    if n > value:
        fails.append(f"n: {n} exceeds the sub-question's certified value {value}")
    return fails, unver


def claim_files(path):
    """The claim files a path names: a claim file, or every ``*.json`` of a
    folder (sorted)."""
    p = Path(path)
    return sorted(p.glob("*.json")) if p.is_dir() else [p]


def is_lower_bound_target(path):
    """Whether ``superpos verify`` should read ``path`` as lower-bound claims:
    a ``.json`` file of :data:`FORMAT`, or a folder named ``lower-bounds``
    that is not a bundle."""
    p = Path(path)
    if p.is_dir():
        return p.name == "lower-bounds" and not (p / "claim.json").exists()
    if p.suffix == ".json" and p.is_file():
        try:
            return json.loads(p.read_text()).get("format") == FORMAT
        except (OSError, ValueError, AttributeError):
            return False
    return False


def _default_root(path):
    # claims live in <root>/proofs/lower-bounds/
    p = Path(path).resolve()
    return (p if p.is_dir() else p.parent).parent.parent


def verify_lower_bounds(path, *, root=None, checkers=drat.DEFAULT_CHECKERS, regenerate=True,
                        budget=None, max_unzipped=None, verified=None):
    """Re-check lower-bound claims (``superpos verify proofs/lower-bounds``):
    a :class:`~superpos_formal.certify.bundles.check_claim.BundleReport` of kind
    ``lower-bounds`` with one child per claim; never raises. Each
    sub-question bundle is verified once (cached). An empty folder fails."""
    t_start = time.perf_counter()
    root = Path(root) if root is not None else _default_root(path)
    rep = BundleReport(str(path), kind="lower-bounds", question="lower bound", answer="-",
                       certificate="restriction")
    if verified is None:
        verified = cached_verifier(checkers=checkers, regenerate=regenerate, budget=budget,
                                   max_unzipped=max_unzipped)
    files = claim_files(path)
    if not files or not all(f.is_file() for f in files):
        rep.failures.append("no lower-bound claim here")
        return rep
    rep.label = f"lower-bound claims, {len(files)}"
    for f in files:
        child = BundleReport(str(f), kind="lower-bound", question="lower bound", answer="-",
                             certificate="restriction", checks=["claim", "bundle",
                                                                "restriction"])
        t0 = time.perf_counter()
        try:
            doc = json.loads(f.read_text())
            child.label = _label(doc)
            fails, unver = check_claim(doc, root, verified)
            if rests_on_regenerable(doc, root):
                # the sub-question's refutation is a record: the claim holds
                # only as far as that record was re-made in this run
                child.certificate = f"restriction; {NOT_RECHECKED}"
                sub = verified(_inside(root, doc["certificate"]["bundle"]))
                child.unrechecked += [f"certificate.bundle: {m}"
                                      for m in sub.all_unrechecked()]
        except (OSError, ValueError) as e:
            fails, unver = [f"unreadable ({e})"], []
        except Exception as e:  # a claim must never crash the checker
            fails, unver = [f"internal error: {type(e).__name__}: {e}"], []
        child.failures += fails
        child.unverified += unver
        child.seconds = time.perf_counter() - t0
        rep.children.append(child)
    rep.seconds = time.perf_counter() - t_start
    return rep


def _label(doc):
    try:
        q, subject, bounds, n = read_claim(doc)
        c = doc["certificate"]
        return f"{subject.name} n >= {n} (restriction of {c['sub_question']})"
    except (InputError, KeyError, TypeError):
        return "lower-bound claim (unreadable)"
