"""The best-known registry: the smallest verified network found so far for
each question, with its provenance, its bounds and what is known below it.

This module is the registry's *content*: what an entry is
(:func:`make_entry`, :func:`check_entry`), which of two entries wins
(:func:`better`), and how entries are exported for readers
(:func:`write_exports`: ``registry.json``, ``registry.csv`` and the
rendered ``README.md`` under ``search/best-known/``). The live registry is
the ``best_known`` table of the campaigns' SQLite store
(:meth:`superpos_formal.store.Store.put_best_known`, which keeps the smaller
network in one transaction and logs every accepted one); readers (the
report) use :func:`load_registry` on the committed export, a stable
function.

An entry is keyed by the subject (task or family, by truth-table identity)
and the model bounds that shape the question (mode, activation, ``L``,
``B``, ``B_bias``, ``B_code``, ``theta``). It holds:

* ``networks``: the network(s) themselves (one per member for a family), so
  an entry can be re-verified without anything else;
* ``best``: hidden neurons, nonzero parameters, bits, code nonzeros, and the
  path of its SAT claim bundle (:func:`~superpos_formal.certify.bundles.verify.make_bundle`:
  the network verified exhaustively when written and by ``superpos verify``);
* ``start``: the starting network's counts and name (a construction of
  :mod:`superpos_formal.constructions`, ``baseline``, or a file) -- the
  improvement is the difference;
* ``provenance``: seed, steps, seconds, the search options;
* ``lower_bound``: the largest of the counting bound on the width
  (:func:`~superpos_formal.bounds.counting_min_width`; ``1`` for a single
  task, where counting says nothing), a restriction claim under
  ``proofs/lower-bounds/``, the question's own refutation (a lone UNSAT
  bundle of exactly this question at ``n``: the bound ``n + 1``;
  :func:`refutations`) and the certified minimum;
* ``certified_minimum``: the proof-checked minimum width from a committed
  minimum bundle under ``proofs/`` of exactly this question (no restricting
  option, no tolerance), when one exists; else ``null``. A campaign record
  that only *says* it was certified is not a proof and is not read.

``minimality`` is ``CERTIFIED`` only when the best width equals a certified
minimum; otherwise ``UNKNOWN``: the local search proves nothing below.

A registry row is a claim like any other: :func:`verify_registry`
(``superpos verify search/best-known``) re-checks every row against its
bundle and every certified minimum against its verified minimum bundle.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.solve.improve import baseline
>>> net = baseline([uand(3)], "explicit", "step", B=2)[0]
>>> slug(uand(3), net)
'uand_m3-explicit-step-L1-B2-Bb2-t1'
"""

import csv
import io
import json
import os
import time
from fractions import Fraction
from pathlib import Path

from ..bounds import counting_min_width
from ..bounds.restriction import consistency_failures, subject_from_dict
from ..errors import InputError
from ..network import Network
from ..schema import (family_from_dict, family_to_dict, network_from_dict, network_to_dict,
                      task_from_dict, task_to_dict)
from ..shape import Shape
from ..tables import pipe_table
from ..tasks import Family, Task, explicit_family
from ..verify import verify
from .proofcheck import drat
from .bundles.verify import BundleReport, cached_verifier, make_bundle
from .bundles.claims import OPTIONS, RESTRICTION, parse_claim
from .jsonio import dumps, load
from .lower_bound import check_claim as check_lower_bound_claim
from .lower_bound import question_shape as lower_bound_question_shape
from .lower_bound import read_claim as read_lower_bound_claim
from .lower_bound import regenerable_parts, rests_on_regenerable
from .proofcheck.regenerable_unsat import NOT_RECHECKED

__all__ = ["FORMAT", "EXPORT_FORMAT", "slug", "bounds_of", "lower_bound", "make_entry",
           "check_entry", "write_bundle", "entry_key", "entry_counts", "better", "subject_of",
           "bounds_text", "load_registry", "load_registry_runs", "merge_runs",
           "bundle_networks", "load_legacy", "write_exports", "render", "render_csv",
           "certified_minima", "lookup_certified", "refresh_entry", "question_key",
           "registry_file", "verify_registry", "check_registry", "lower_bound_claims",
           "band_lower_bound", "ratio_of", "registry_consistency", "bounds_slug",
           "regenerable_certificate", "REGEN_SUFFIX", "refutations", "refutation_of",
           "minimality_text"]

FORMAT = "superpos-formal/best-known"
#: version 2: entries carry their networks (version 1 files named only the bundle)
VERSION = 2
#: the committed export of the whole registry (search/best-known/registry.json)
EXPORT_FORMAT = "superpos-formal/best-known-registry"
EXPORT_VERSION = 1


def _bounds(mode, activation, L, B, B_bias, theta, B_code):
    d = {"mode": mode, "activation": activation, "L": L, "B": B, "B_bias": B_bias,
         "theta": theta}
    if mode == "superposed":  # explicit mode has no codes to bound
        d["B_code"] = B_code
    return d


def bounds_of(net):
    """The model bounds that shape the question, as a dict (shown everywhere)."""
    return _bounds(net.mode, net.activation, net.depth, net.B, net.B_bias, net.theta,
                   net.B_code)


def _subject_label(subject):
    if isinstance(subject, Family):
        p = dict(subject.params)
        base = ("permutations" if subject.kind == "permutations" else
                f"{p.get('op', 'and')}_pairs" if subject.kind == "pair_sets" else subject.kind)
        s = f"{base}_m{subject.m}_k{subject.m_out}_s{subject.s}"
        if subject.is_sample:
            sp = dict(subject.sample)
            s += f"_sample{sp['k']}_seed{sp['seed']}"
        return s
    name = subject.name
    if name.startswith("uand("):
        return f"uand_m{subject.m}"
    return f"{subject.kind}_m{subject.m}_k{subject.m_out}_{subject.id[:8]}"


def slug(subject, net):
    """File-name key of a question: subject and every bound."""
    return bounds_slug(subject, bounds_of(net))


def bounds_slug(subject, b):
    """:func:`slug` from a bounds dict (:func:`bounds_of`) instead of a network."""
    s = (f"{_subject_label(subject)}-{b['mode']}-{b['activation']}-L{b['L']}-B{b['B']}"
         f"-Bb{b['B_bias']}")
    if "B_code" in b:
        s += f"-Bc{b['B_code']}"
    return s + f"-t{b['theta']}"


def _key(subject, bounds):
    subj = subject.id if isinstance(subject, Task) else family_to_dict(subject)
    return json.dumps({"subject": subj, "bounds": bounds}, sort_keys=True)


def _shape(net):
    return Shape(net.mode, net.activation, n=net.widths[0], L=net.depth, B=net.B,
                 B_bias=net.B_bias, B_code=net.B_code if net.mode == "superposed" else None,
                 theta=net.theta, codes="free" if net.mode == "superposed" else "given")


def lower_bound(subject, net):
    """Counting lower bound on the width (``None`` when it does not apply)."""
    fam = subject if isinstance(subject, Family) else explicit_family([subject])
    try:
        return counting_min_width(fam, _shape(net), n_max=256)
    except InputError:
        return None


# ------------------------------------------------------------------ certified minima

def _bounds_of_shape(sh):
    """:func:`bounds_of` of a claim's shape (the question's model bounds)."""
    return _bounds(sh.mode, sh.activation, sh.L, sh.B, sh.B_bias, sh.theta, sh.B_code)


def question_key(claim):
    """``(key, None)``: the registry key of the question a parsed claim
    (:class:`~superpos_formal.certify.bundles.claims.Claim`) is about; or
    ``(None, why)`` when it is not a registry question at all.

    A registry row asks for the smallest exactly-correct network of its
    subject (a task by its full identity, :attr:`Task.id`; a family by its
    whole definition, sample and seed included) within its bounds, with
    free codes in superposed mode and nothing else restricting it. So a
    claim with a given code, a tolerance or a restricting option
    (``max_nonzero``: a different, harder question whose minimum can exceed
    the unrestricted one) answers another question.
    """
    sh = claim.shape
    if sh.mode == "superposed" and sh.codes != "free":
        return None, f"codes={sh.codes} (the registry's questions have free codes)"
    if sh.tolerance:
        return None, f"tolerance={sh.tolerance} (the registry's questions are exact)"
    for k in sorted(claim.options):
        if OPTIONS[k].kind == RESTRICTION and claim.options[k] is not None:
            return None, f"restricted by {k}={claim.options[k]} (another question)"
    subject = claim.family if claim.family is not None else claim.task
    return _key(subject, _bounds_of_shape(sh)), None


def _minimum_key(mdir):
    """``(key, value, why)`` of the minimum directory ``mdir`` from its
    ``minimum.json`` and both halves' claims (parsed, not re-verified): a
    key only when both halves pose one registry question."""
    doc = load(Path(mdir) / "minimum.json")
    if not isinstance(doc, dict) or doc.get("quantity") != "n":
        return None, None, "minimum.json: not a minimum of the width n"
    keys = set()
    for role in ("sat", "unsat"):
        name = doc.get(role)
        if name is None:
            continue
        if not isinstance(name, str) or "/" in name or name in (".", ".."):
            return None, None, f"minimum.json: {role}: {name!r} is not a plain directory name"
        k, why = question_key(parse_claim(load(Path(mdir) / name / "claim.json")))
        if k is None:
            return None, None, f"{name}: {why}"
        keys.add(k)
    if len(keys) != 1:
        return None, None, "minimum.json: the halves pose different questions"
    return keys.pop(), doc.get("value"), None


def certified_minima(proofs_dir="proofs"):
    """``key -> (n, path)`` for every minimum bundle (``minimum.json``) under
    ``proofs_dir`` whose two halves pose one registry question
    (:func:`question_key`: no restricting option, no tolerance, free codes).

    Read, not re-verified (that is :func:`verify_registry`'s job, for the
    minima a registry row relies on). A campaign record that says
    ``"certified": true`` is not read: a line of a results file is not a
    proof, and a minimum whose proof is not here certifies nothing here.
    """
    out = {}
    root = Path(proofs_dir)
    if root.is_dir():
        for mj in sorted(root.rglob("minimum.json")):
            if "best-known" in mj.parts:
                continue
            try:
                k, value, _ = _minimum_key(mj.parent)
            except (OSError, KeyError, InputError, json.JSONDecodeError):
                continue
            if k is not None:
                out[k] = (value, mj.parent.relative_to(root.parent).as_posix())
    return out


def lookup_certified(subject, net, minima=None):
    """``(n, path)`` of the certified minimum of this question, or ``None``."""
    minima = certified_minima() if minima is None else minima
    return minima.get(_key(subject, bounds_of(net)))


def refutation_of(path):
    """``(key, n, None)`` of a lone UNSAT claim bundle at ``path``, ``n`` the
    bound it gives (its width plus one), or ``(None, None, why)`` when it is
    no refutation of a registry question (:func:`question_key`: a restricting
    option, given codes or a tolerance answer another question; a SAT claim
    bounds nothing; a minimum's half is read with its minimum). Read, not
    verified: :func:`verify_registry` verifies the one a row relies on.

    >>> refutation_of("/nonexistent")[2]
    'no claim.json there'
    """
    p = Path(path)
    if not (p / "claim.json").is_file():
        return None, None, "no claim.json there"
    if (p.parent / "minimum.json").is_file():
        return None, None, "a minimum's half (its minimum is the certificate)"
    try:
        claim = parse_claim(load(p / "claim.json"))
    except (InputError, OSError, ValueError, KeyError, TypeError) as e:
        return None, None, f"unreadable claim ({e})"
    if claim.answer != "UNSAT":
        return None, None, f"a {claim.answer} claim bounds nothing from below"
    key, why = question_key(claim)
    return (None, None, why) if key is None else (key, claim.shape.n + 1, None)


def refutations(proofs_dir="proofs"):
    """``key -> (n, path)`` for every lone UNSAT bundle under ``proofs_dir``
    that refutes exactly a registry question at ``n - 1``
    (:func:`refutation_of`); the largest ``n`` wins per question. The
    registry's best networks (``best-known``) are SAT and not read."""
    out = {}
    root = Path(proofs_dir)
    for c in sorted(root.rglob("claim.json")) if root.is_dir() else []:
        if "best-known" in c.relative_to(root).parts:
            continue
        key, n, _ = refutation_of(c.parent)
        if key is not None and (key not in out or n > out[key][0]):
            out[key] = (n, c.parent.relative_to(root.parent).as_posix())
    return out


def lower_bound_claims(proofs_dir="proofs"):
    """``key -> (n, path)``: per question the largest of its lower-bound
    claims under ``proofs_dir/lower-bounds`` (:mod:`.lower_bound`; ``path``
    a ``.json`` file) and its own refutation (:func:`refutations`; ``path``
    a bundle directory), ties to the refutation. Read, not verified:
    :func:`verify_registry` verifies the ones a row relies on; an
    unreadable file is skipped here."""
    out = {}
    d = Path(proofs_dir) / "lower-bounds"
    for f in sorted(d.glob("*.json")) if d.is_dir() else []:
        try:
            q, subject, bounds, n = read_lower_bound_claim(json.loads(f.read_text()))
        except (OSError, ValueError, InputError):
            continue
        k = _key(subject, bounds)
        if k not in out or n > out[k][0]:
            out[k] = (n, f.relative_to(Path(proofs_dir).parent).as_posix())
    for k, (n, path) in refutations(proofs_dir).items():
        if k not in out or n >= out[k][0]:
            out[k] = (n, path)
    return out


#: ties go to the strongest certificate; "refutation" is the question's own
#: UNSAT bundle (:func:`refutations`)
_SOURCES = ("counting", "restriction", "refutation", "certified minimum")
#: appended to a row's lower-bound source when its certificate rests on a
#: regenerable refutation (no committed proof; certify/proofcheck/regenerable_unsat.py)
REGEN_SUFFIX = f"; {NOT_RECHECKED}"


def regenerable_certificate(path, root="."):
    """Whether a row's lower-bound certificate (a lower-bound claim file or
    a minimum directory, relative to ``root``) rests on a regenerable
    refutation.

    >>> regenerable_certificate(None), regenerable_certificate("nowhere.json")
    (False, False)
    """
    if not path:
        return False
    p = Path(root) / path
    if p.suffix == ".json":
        try:
            return rests_on_regenerable(json.loads(p.read_text()), root)
        except (OSError, ValueError):
            return False
    return bool(regenerable_parts(p))


def _source_base(source):
    """A source without the regenerable label, and whether it had it."""
    s = str(source)
    return (s[:-len(REGEN_SUFFIX)], True) if s.endswith(REGEN_SUFFIX) else (s, False)


def minimality_text(e):
    """An entry's ``minimality`` as every table shows it: ``CERTIFIED``
    resting on a regenerable refutation carries the label (the stored value
    stays ``CERTIFIED``; the store knows only UNKNOWN and CERTIFIED). The
    label is read from the row's lower bound, which is its certified
    minimum whenever the row is CERTIFIED, and which :func:`verify_registry`
    requires to be labelled exactly when its certificate is regenerable.

    >>> minimality_text({"minimality": "CERTIFIED", "lower_bound": {
    ...     "source": "certified minimum" + REGEN_SUFFIX}}).startswith("CERTIFIED (regenerable")
    True
    >>> minimality_text({"minimality": "CERTIFIED", "lower_bound": {
    ...     "source": "certified minimum"}})
    'CERTIFIED'
    """
    m = e.get("minimality")
    base, regen = _source_base((e.get("lower_bound") or {}).get("source", ""))
    if m == "CERTIFIED" and regen and base == "certified minimum":
        return f"{m} ({NOT_RECHECKED})"
    return m


def band_lower_bound(counting, certified=None, claim=None, root="."):
    """The row's lower bound: the largest of the counting bound, ``claim``
    (:func:`lower_bound_claims`: a restriction claim file's or the question's
    own refutation's ``(n, path)``) and a certified minimum's ``(n, path)``,
    as ``{n, source, certificate, counting}`` (ties: the certified minimum,
    then the refutation, then the restriction claim). A certificate resting
    on a regenerable refutation gets :data:`REGEN_SUFFIX` on its source.

    >>> band_lower_bound(1, claim=(4, "proofs/lower-bounds/x.json"))["source"]
    'restriction'
    >>> band_lower_bound(1, claim=(4, "proofs/u/n3-unsat"))["source"]
    'refutation'
    """
    cands = [] if counting is None else [(counting, 0, None)]
    if claim is not None:  # a claim file restricts; a bundle directory refutes
        cands.append((claim[0], 1 if str(claim[1]).endswith(".json") else 2, claim[1]))
    if certified is not None:
        cands.append((certified[0], 3, certified[1]))
    if not cands:
        return {"n": None, "source": "none", "certificate": None, "counting": None}
    n, rank, path = max(cands)
    src = _SOURCES[rank] + (REGEN_SUFFIX if regenerable_certificate(path, root) else "")
    return {"n": n, "source": src, "certificate": path, "counting": counting}


def ratio_of(best, lower):
    """best / lower as an exact fraction and its 2-decimal rendering
    (rounded half up from the fraction); None without a lower bound.

    >>> ratio_of(10, 4)
    {'exact': '5/2', 'decimal': '2.50'}
    >>> ratio_of(7, 3)["decimal"]
    '2.33'
    """
    if not lower:
        return None
    f = Fraction(best, lower)
    h = (f * 100 * 2 + 1) // 2  # round half up, exactly
    return {"exact": f"{f.numerator}/{f.denominator}", "decimal": f"{h // 100}.{h % 100:02d}"}


# ------------------------------------------------------------------ entries

_FIELDS = {"format", "version", "question", "subject", "sample", "bounds", "best", "start",
           "provenance", "lower_bound", "certified_minimum", "minimality", "networks",
           "ratio"}
_LB_FIELDS = {"n", "source", "certificate", "counting"}
_COUNTS = ("hidden_neurons", "params_nonzero", "bits")


def entry_counts(doc):
    """``(hidden neurons, nonzero parameters, bits)`` of an entry's best."""
    return tuple(doc["best"][k] for k in _COUNTS)


def better(new, old):
    """Whether entry ``new`` replaces ``old`` (``None``: nothing stored):
    strictly smaller in the lexicographic objective. Ties keep the old one,
    so re-recording the same network changes nothing."""
    return old is None or entry_counts(new) < entry_counts(old)


def subject_of(doc):
    """The task or family an entry is about."""
    if doc["question"] == "family":
        return family_from_dict(doc["family"])
    return task_from_dict(doc["task"])


def entry_key(doc):
    """The registry key of an entry: subject identity and bounds."""
    return _key(subject_of(doc), doc["bounds"])


def _fail(doc, why):
    name = doc.get("subject", "?") if isinstance(doc, dict) else "?"
    raise InputError(f"best-known entry {name}: {why}")


def check_entry(doc):
    """Re-check an entry, failing closed; returns ``(key, subject, networks)``.

    Missing, extra or unknown fields, a wrong format or version, networks
    that do not compute every member exactly (:func:`~superpos_formal.verify.verify`,
    every input of ``X(m, s)``), counts or bounds that differ from the
    networks', or members that do not share one width and code: each is an
    :class:`InputError` naming the problem.
    """
    if not isinstance(doc, dict):
        raise InputError("best-known entry: expected a JSON object")
    if doc.get("format") != FORMAT:
        _fail(doc, f"format: expected {FORMAT!r}, got {doc.get('format')!r}")
    if doc.get("version") != VERSION:
        _fail(doc, f"version: expected {VERSION}, got {doc.get('version')!r}")
    subj_field = "family" if doc.get("question") == "family" else "task"
    if doc.get("question") not in ("family", "instance"):
        _fail(doc, f"question: expected 'instance' or 'family', got {doc.get('question')!r}")
    want = _FIELDS | {subj_field}
    missing, extra = want - set(doc), set(doc) - want
    if missing:
        _fail(doc, f"missing field {sorted(missing)[0]!r}")
    if extra:
        _fail(doc, f"unknown field {sorted(extra)[0]!r}")
    try:
        subject = subject_of(doc)
        nets = [network_from_dict(d) for d in doc["networks"]]
    except (InputError, KeyError, TypeError, ValueError) as e:
        _fail(doc, f"unreadable subject or network ({e})")
    members = list(subject.members()) if isinstance(subject, Family) else [subject]
    if not nets or len(nets) != len(members):
        _fail(doc, f"{len(nets)} network(s) for {len(members)} member(s)")
    for t, net in zip(members, nets):
        if not isinstance(net, Network) or not verify(net, t).ok:
            _fail(doc, f"the network does not compute {t.name} (not verified)")
    n0 = nets[0]
    for net in nets[1:]:
        if net.widths != n0.widths or bounds_of(net) != bounds_of(n0) or (
                n0.mode == "superposed" and (net.E, net.R) != (n0.E, n0.R)):
            _fail(doc, "the members' networks differ in width, bounds or codes")
    if bounds_of(n0) != doc["bounds"]:
        _fail(doc, f"bounds {doc['bounds']} differ from the network's {bounds_of(n0)}")
    have = _objective(nets)
    if tuple(doc["best"].get(k) for k in _COUNTS) != have:
        _fail(doc, f"best counts {[doc['best'].get(k) for k in _COUNTS]} differ from "
                   f"the networks' {list(have)}")
    if doc["minimality"] not in ("UNKNOWN", "CERTIFIED"):
        _fail(doc, f"minimality: {doc['minimality']!r}")
    cm = doc["certified_minimum"]
    if cm is not None and not (isinstance(cm, dict) and set(cm) == {"n", "bundle"}
                               and _is_count(cm["n"]) and isinstance(cm["bundle"], str)):
        _fail(doc, f"certified_minimum: expected null or {{n, bundle}}, got {cm!r}")
    if doc["minimality"] == "CERTIFIED" and (cm is None or cm.get("n") != have[0]):
        _fail(doc, "minimality CERTIFIED without a certified minimum of this width")
    width = n0.widths[0] if n0.widths else 0
    if cm is not None and width < cm["n"]:
        # a verified network below a proof-checked minimum: one of them is false
        _fail(doc, f"the network has width {width}, below its recorded certified "
                   f"minimum {cm['n']}")
    lb = doc["lower_bound"]
    if not (isinstance(lb, dict) and set(lb) == _LB_FIELDS
            and (lb["n"] is None or _is_count(lb["n"]))
            and (_source_base(lb["source"])[0] in _SOURCES[1:]
                 or lb["source"] in _SOURCES[:1] + ("none",))):
        _fail(doc, f"lower_bound: expected {{{', '.join(sorted(_LB_FIELDS))}}} with a "
                   f"source in {list(_SOURCES)}, got {lb!r}")
    if lb["n"] is not None and width < lb["n"]:
        _fail(doc, f"the network has width {width}, below its recorded lower "
                   f"bound {lb['n']}")
    if doc["ratio"] != ratio_of(width, lb["n"]):
        _fail(doc, f"ratio: recorded {doc['ratio']!r}, best/lower is "
                   f"{ratio_of(width, lb['n'])!r}")
    if doc["sample"] != bool(isinstance(subject, Family) and subject.is_sample):
        _fail(doc, "sample: does not match the family")
    return _key(subject, doc["bounds"]), subject, nets


def _is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _objective(nets):
    cs = [n.counts() for n in nets]
    return (cs[0]["hidden_neurons"], sum(c["params_nonzero"] for c in cs),
            sum(c["bits"] for c in cs))


def _counts_of(nets):
    n, nz, bits = _objective(nets)
    return {"hidden_neurons": n, "params_nonzero": nz, "bits": bits,
            "code_nonzeros": nets[0].counts()["code_nonzeros"]}


def make_entry(result, *, bundle_root="proofs/best-known", start_name="baseline",
               minima=None, claims=None):
    """The registry entry of an :class:`~superpos_formal.solve.improve.Improvement`
    (its bundle path is ``bundle_root/<slug>``; :func:`write_bundle` writes
    it, which the store does only for an entry that wins)."""
    subject = result.subject
    nets = list(result.networks)
    members = list(subject.members()) if isinstance(subject, Family) else [subject]
    for t, net in zip(members, nets):
        if not verify(net, t).ok:
            raise InputError(f"registry: the network does not compute {t.name}")
    name = slug(subject, nets[0])
    cert = lookup_certified(subject, nets[0], minima)
    lb = lower_bound(subject, nets[0])
    claims = lower_bound_claims() if claims is None else claims
    bdir = Path(bundle_root) / name
    counts = _counts_of(nets)
    doc = {
        "format": FORMAT, "version": VERSION,
        "question": "family" if isinstance(subject, Family) else "instance",
        "subject": subject.name,
        "sample": bool(isinstance(subject, Family) and subject.is_sample),
        "bounds": bounds_of(nets[0]),
        "best": dict(counts, bundle=bdir.as_posix()),
        "start": dict(_counts_of(list(result.start)), name=start_name),
        "provenance": {"seed": result.seed, "steps": result.steps,
                       "seconds": round(result.seconds, 1), "stopped": result.stopped,
                       "first_improvement_seconds": result.first_improvement_seconds,
                       "options": result.options},
        "lower_bound": band_lower_bound(lb, cert, claims.get(_key(subject, bounds_of(nets[0])))),
        "certified_minimum": None if cert is None else {"n": cert[0], "bundle": cert[1]},
        "minimality": ("CERTIFIED" if cert is not None and cert[0] == counts["hidden_neurons"]
                       else "UNKNOWN"),
        "networks": [network_to_dict(x) for x in nets],
    }
    doc["ratio"] = ratio_of(counts["hidden_neurons"], doc["lower_bound"]["n"])
    doc["family" if isinstance(subject, Family) else "task"] = (
        family_to_dict(subject) if isinstance(subject, Family) else task_to_dict(subject))
    return doc


def write_bundle(doc, root="."):
    """Write the SAT claim bundle of an entry at ``root/<best.bundle>``
    (atomically: a temporary directory renamed into place; a failure leaves
    the previous bundle there)."""
    _, subject, nets = check_entry(doc)
    p = doc["provenance"]

    class _Cell:
        status = "SAT"
        seconds = p["seconds"]
        network = nets[0]
        networks = nets

    note = (f"found by superpos improve (large-neighbourhood search, seed {p['seed']}, "
            f"{p['steps']} steps, from {doc['start']['name']}); minimality not claimed")
    kw = {"family": subject} if isinstance(subject, Family) else {"task": subject}
    return make_bundle(Path(root) / doc["best"]["bundle"], _Cell(), shape=_shape(nets[0]),
                       options={"symmetry": False}, overwrite=True, note=note, **kw)


def refresh_entry(doc, minima, claims=None, root="."):
    """``doc`` with its certified minimum, minimality, lower bound and ratio
    re-read from ``minima`` (:func:`certified_minima`) and ``claims``
    (:func:`lower_bound_claims`; default: the committed ones); the same dict
    when unchanged. The counting bound is kept (it depends only on the
    question)."""
    claims = lower_bound_claims() if claims is None else claims
    key = entry_key(doc)
    cert = minima.get(key)
    new = None if cert is None else {"n": cert[0], "bundle": cert[1]}
    mini = ("CERTIFIED" if cert is not None and cert[0] == doc["best"]["hidden_neurons"]
            else "UNKNOWN")
    old_lb = doc["lower_bound"]
    counting = old_lb.get("counting", old_lb.get("n") if str(
        old_lb.get("source", "")).startswith("counting") else None)
    lb = band_lower_bound(counting, cert, claims.get(key), root=root)
    ratio = ratio_of(doc["best"]["hidden_neurons"], lb["n"])
    if (new, mini, lb, ratio) == (doc["certified_minimum"], doc["minimality"], old_lb,
                                  doc.get("ratio")):
        return doc
    return dict(doc, certified_minimum=new, minimality=mini, lower_bound=lb, ratio=ratio)


# ------------------------------------------------------------------ verifying the export

def registry_file(path):
    """The ``registry.json`` that ``path`` names (the file, or a folder
    holding it), or ``None``: how ``superpos verify`` tells a registry from
    a bundle."""
    p = Path(path)
    if p.name == "registry.json" and p.is_file():
        return p
    if p.is_dir() and (p / "registry.json").is_file() and not (p / "claim.json").exists():
        return p / "registry.json"
    return None


def _inside(root, rel, what):
    """``root/rel`` for a row's bundle path, refused unless it is a plain
    relative path inside ``root`` (a row may not point anywhere else)."""
    if not isinstance(rel, str) or not rel or Path(rel).is_absolute() or any(
            part in ("", ".", "..") for part in rel.split("/")):
        raise InputError(f"{what}: {rel!r} is not a plain relative path in the repository")
    return Path(root) / rel


def _row_label(e):
    try:
        cm = e.get("certified_minimum")
        return (f"best-known {e['subject']} {bounds_text(e['bounds'])} "
                f"n={e['best']['hidden_neurons']} {minimality_text(e)}"
                + (f" (certified min {cm['n']})" if isinstance(cm, dict) else ""))
    except (KeyError, TypeError, AttributeError):
        return "best-known entry (unreadable)"


def _messages(rep, path, rel, unverified, what):
    """A bundle report's failures (returned) and not-verified reasons
    (appended to ``unverified``), named by the row's relative path."""
    name = lambda m: f"{what}: {m.replace(str(path), rel, 1)}"
    unverified += [name(m) for m in rep.all_unverified()]
    return [name(m) for m in rep.all_failures()]


def _check_row(e, root, verified, unverified, unrechecked=None):
    """Failure messages of one row; ``verified(path)`` is a cached
    :func:`~superpos_formal.certify.bundles.verify.verify_bundle`;
    ``unrechecked`` receives the regenerable refutations the row's lower
    bound rests on that this run did not re-make."""
    try:
        bdir = _inside(root, e["best"]["bundle"], "best.bundle")
        key, subject, nets = check_entry(dict(e, networks=bundle_networks(root, e)))
    except (InputError, KeyError, TypeError, AttributeError) as err:
        return [f"entry: {err}"]
    fails = []
    # the row's network is its SAT bundle's, and that bundle claims this question
    fails += _messages(verified(bdir), bdir, e["best"]["bundle"], unverified, "best.bundle")
    try:
        claim = parse_claim(load(bdir / "claim.json"))
        k, why = question_key(claim)
        if claim.answer != "SAT":
            fails.append(f"best.bundle: a {claim.answer} claim, not the row's network")
        elif k != key:
            fails.append(f"best.bundle: claims another question "
                         f"({why or claim.describe()})")
        elif claim.shape.n != nets[0].widths[0]:
            fails.append(f"best.bundle: width {claim.shape.n}, the row's network has "
                         f"{nets[0].widths[0]}")
    except InputError as err:
        fails.append(f"best.bundle: {err}")
    cm = e["certified_minimum"]
    if cm is not None:
        fails += _check_certified(cm, key, root, verified, unverified)
    return fails + _check_lower(e, key, subject, nets[0], root, verified, unverified,
                                unrechecked)


def _check_lower(e, key, subject, net, root, verified, unverified, unrechecked=None):
    """The row's lower bound: its counting part recomputed; a restriction
    claim verified (:func:`.lower_bound.check_claim`) and about exactly this
    question; a certified minimum the row's own; ``n`` the certificate's;
    the source labelled regenerable exactly when the certificate rests on a
    regenerable refutation."""
    lb, fails = e["lower_bound"], []
    counting = lower_bound(subject, net)
    if lb["counting"] != counting:
        fails.append(f"lower_bound.counting: recorded {lb['counting']}, the counting bound "
                     f"is {counting}")
    if counting is not None and lb["n"] is not None and lb["n"] < counting:
        fails.append(f"lower_bound: {lb['n']} is below the counting bound {counting}")
    src, path = lb["source"], lb["certificate"]
    src, labelled = _source_base(src)
    if src not in ("counting", "none"):
        regen = regenerable_certificate(path, root)
        if regen != labelled:
            fails.append(f"lower_bound.source: the certificate {path!r} "
                         + ("rests on a regenerable refutation; the source must say "
                            f"'{REGEN_SUFFIX[2:]}'" if regen else
                            "has every proof committed; the source says it is regenerable"))
        if regen and unrechecked is not None:
            try:
                target = _inside(root, path, "lower_bound.certificate")
                if target.suffix == ".json":
                    target = _inside(root, json.loads(target.read_text())["certificate"]
                                     ["bundle"], "certificate.bundle")
                unrechecked += [f"lower_bound {path}: {m}"
                                for m in verified(target).all_unrechecked()]
            except (InputError, OSError, ValueError, KeyError, TypeError):
                pass  # unreadable: the checks below say why
    if src in ("counting", "none"):
        if path is not None or lb["n"] != counting:
            fails.append(f"lower_bound: source {src} with n={lb['n']} and certificate "
                         f"{path!r} (counting gives {counting}, no certificate)")
    elif src == "certified minimum":
        cm = e["certified_minimum"]
        if cm is None or (cm["bundle"], cm["n"]) != (path, lb["n"]):
            fails.append(f"lower_bound: certified minimum {path!r} n={lb['n']} is not the "
                         f"row's certified minimum")
    elif src == "refutation":
        fails += _check_refutation(path, lb["n"], key, root, verified, unverified)
    else:
        fails += _check_claim_file(path, lb["n"], key, root, verified, unverified)
    return fails


def _check_refutation(path, n, key, root, verified, unverified):
    """The row's own refutation: a lone UNSAT bundle here that verifies
    (a cube record's cover re-made, its fields exact; a regenerable record's
    proofs re-made only with ``--regenerate-proofs``), of exactly the row's
    question (every bound and option: :func:`question_key`), at ``n - 1``."""
    where = f"lower_bound {path}"
    try:
        p = _inside(root, path, "lower_bound.certificate")
    except InputError as err:
        return [str(err)]
    if not (p / "claim.json").is_file():
        return [f"{where}: not a claim bundle (nothing there refutes the question)"]
    fails = _messages(verified(p), p, path, unverified, "lower_bound")
    k, value, why = refutation_of(p)
    if k is None:
        fails.append(f"{where}: not a refutation of a registry question: {why}")
    elif k != key:
        fails.append(f"{where}: a refutation of another question (subject, bounds or "
                     f"options differ)")
    elif value != n:
        fails.append(f"{where}: refutes n={value - 1}, so n >= {value}; the row records {n}")
    return fails


def _check_claim_file(path, n, key, root, verified, unverified):
    where = f"lower_bound {path}"
    try:
        f = _inside(root, path, "lower_bound.certificate")
        doc = json.loads(f.read_text())
        q, subject, bounds, claimed = read_lower_bound_claim(doc)
    except (InputError, OSError, ValueError) as err:
        return [f"{where}: {err}"]
    fails, unver = check_lower_bound_claim(doc, root, verified)
    unverified += [f"{where}: {m}" for m in unver]
    fails = [f"{where}: {m}" for m in fails]
    if _key(subject, bounds) != key:
        fails.append(f"{where}: a lower bound of another question (subject or bounds differ)")
    if claimed != n:
        fails.append(f"{where}: claims n >= {claimed}, the row records {n}")
    return fails


def registry_consistency(rows):
    """Reasons the rows contradict each other
    (:func:`~superpos_formal.bounds.restriction.consistency_failures`: a
    lower bound below a restriction's, a best network wider than a
    restriction's or than the composition ``best(uand(M)) <= best(uand(m)) +
    C(M, 2) - C(m, 2)``, one neuron per new pair, or than ``M`` indicators).
    Samples and subjects no restriction rule covers are left out."""
    out = []
    for e in rows:
        try:
            q = e["question"]
            subj = subject_from_dict(q, e["family"] if q == "family" else e["task"])
            row = {"subject": subj, "shape": lower_bound_question_shape(e["bounds"]),
                   "lower": e["lower_bound"]["n"], "best": e["best"]["hidden_neurons"]}
        except (InputError, KeyError, TypeError):
            continue
        if subj is not None and row["lower"] is not None:
            out.append(row)
    return consistency_failures(out)


def _check_certified(cm, key, root, verified, unverified):
    """A certified minimum must be a minimum bundle here that verifies and
    poses exactly the row's question, with the value recorded."""
    try:
        mdir = _inside(root, cm["bundle"], "certified_minimum.bundle")
    except InputError as err:
        return [str(err)]
    where = f"certified_minimum {cm['bundle']}"
    if not (mdir / "minimum.json").is_file():
        return [f"{where}: not a minimum bundle (no minimum.json): nothing here proves "
                f"that no smaller network exists"]
    fails = []
    fails += _messages(verified(mdir), mdir, cm["bundle"], unverified, "certified_minimum")
    try:
        k, value, why = _minimum_key(mdir)
    except (OSError, KeyError, InputError, json.JSONDecodeError) as err:
        return fails + [f"{where}: {err}"]
    if k is None:
        fails.append(f"{where}: not this row's question: {why}")
    elif k != key:
        fails.append(f"{where}: a minimum of another question (subject or bounds differ)")
    if value != cm["n"]:
        fails.append(f"{where}: its minimum is {value}, the row records {cm['n']}")
    return fails


def verify_registry(path, *, root=None, checkers=drat.DEFAULT_CHECKERS, regenerate=True,
                    budget=None, max_unzipped=None):
    """Re-check a best-known registry export (``superpos verify search/best-known``).

    A :class:`~superpos_formal.certify.bundles.verify.BundleReport` of kind
    ``registry`` with one child per row; never raises. Each row is a claim
    and is checked like one: its fields and networks (:func:`check_entry`,
    networks read from its bundle and verified exhaustively); its SAT bundle
    (``superpos verify``) claims exactly the row's question (subject by full
    identity, every bound, no restriction) at the row's width; the recorded
    counting lower bound is recomputed; a certified minimum must be a
    minimum bundle under ``root`` that verifies (formula regenerated, proof
    re-checked by ``checkers``) and poses exactly the row's question with
    the recorded value, and the network may not lie below it. ``CERTIFIED``
    needs all of that at the row's width.

    ``root``: the folder bundle paths are relative to (default: two levels
    above the folder of ``registry.json``, the repository of
    ``search/best-known/registry.json``).
    """
    reg = registry_file(path)
    rep = BundleReport(str(path), kind="registry", question="registry", answer="-",
                       certificate="-")
    if reg is None:
        rep.failures.append("no registry.json here")
        return rep
    rep.path = str(reg)
    root = Path(root) if root is not None else reg.resolve().parent.parent.parent
    verified = cached_verifier(checkers=checkers, regenerate=regenerate, budget=budget,
                               max_unzipped=max_unzipped)

    try:
        rows = load_registry(reg.parent)
    except (InputError, OSError, ValueError) as err:
        rep.failures.append(f"registry.json: {err}")
        return rep
    rep.checks.append("registry")
    rep.label = f"best-known registry, {len(rows)} rows"
    if not rows:
        rep.failures.append("registry.json: no entries (an empty registry claims nothing "
                            "and is not verified)")
    seen = {}
    for i, e in enumerate(rows):
        child = BundleReport(f"{reg}[{i}]", kind="registry row", label=_row_label(e),
                             question=str(e.get("question", "?")), answer="best",
                             certificate="-", checks=["row", "bundle", "certified"])
        t0 = time.perf_counter()
        try:
            k = entry_key(e)
            if k in seen:  # one question, one best network
                child.failures.append(f"entry: the same question as row {seen[k]}")
            seen.setdefault(k, i)
        except (InputError, KeyError, TypeError, AttributeError):
            pass  # unreadable: _check_row says why
        try:
            child.failures += _check_row(e, root, verified, child.unverified,
                                         child.unrechecked)
        except Exception as err:  # a row must never crash the checker
            child.failures.append(f"internal error: {type(err).__name__}: {err}")
        child.seconds = time.perf_counter() - t0
        rep.children.append(child)
    rep.checks.append("consistency")
    rep.failures += [f"inconsistent rows: {m}" for m in registry_consistency(rows)]
    return rep


def check_registry(path, *, root=None, **kw):
    """``[(row, ok, reason)]`` for every row of the registry at ``path``
    (:func:`verify_registry`; ``reason`` is ``""`` for a row that
    verifies). A registry that cannot be read at all is one row ``None``."""
    rep = verify_registry(path, root=root, **kw)
    if rep.failures:
        return [(None, False, "; ".join(rep.failures))]
    rows = load_registry(registry_file(path).parent)
    return [(e, c.ok, "; ".join(c.failures + c.unverified))
            for e, c in zip(rows, rep.children)]


# ------------------------------------------------------------------ exports

def load_registry(registry_dir="search/best-known", with_networks=False, root="."):
    """Every entry of the committed export ``registry_dir/registry.json``,
    sorted by slug (``[]`` when there is none). The stable reading function
    for the report and other readers; each entry is a dict as described in
    the module docstring (``subject``, ``bounds``, ``start``, ``best``,
    ``lower_bound``, ``certified_minimum``, ``minimality``, ``provenance``).
    The export does not repeat the networks (they are in the bundles):
    ``with_networks`` reads them back from ``root/<best.bundle>/network.json``.
    Entries are checked for format, not re-verified (:func:`check_entry`
    does that)."""
    p = Path(registry_dir) / "registry.json"
    if not p.is_file():
        return []
    doc = json.loads(p.read_text())
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise InputError(f"{p}: format: expected {EXPORT_FORMAT!r}")
    if doc.get("version") != EXPORT_VERSION:
        raise InputError(f"{p}: version: expected {EXPORT_VERSION}, got {doc.get('version')!r}")
    out = doc.get("entries")
    if not isinstance(out, list):
        raise InputError(f"{p}: entries: expected a list")
    for e in out:
        if not isinstance(e, dict) or e.get("format") != FORMAT:
            raise InputError(f"{p}: an entry is not a {FORMAT!r} object")
    if with_networks:
        out = [dict(e, networks=bundle_networks(root, e)) for e in out]
    return out


def bundle_networks(root, e):
    """The networks of entry ``e`` read from its bundle under ``root``."""
    p = Path(root) / e["best"]["bundle"] / "network.json"
    try:
        nj = json.loads(p.read_text())
    except (OSError, ValueError) as err:
        raise InputError(f"{p}: cannot read the entry's network ({err})") from None
    return nj["networks"] if isinstance(nj, dict) and "networks" in nj else [nj]


def load_legacy(registry_dir, root="."):
    """Version-1 per-question files (``registry_dir/*.json`` other than
    ``registry.json``) upgraded to version-2 entries: the networks are read
    from each entry's SAT bundle (``root/<bundle>/network.json``)."""
    out = []
    for p in sorted(Path(registry_dir).glob("*.json")):
        if p.name == "registry.json":
            continue
        doc = json.loads(p.read_text())
        if doc.get("format") != FORMAT or doc.get("version") != 1:
            raise InputError(f"{p}: not a version-1 best-known entry")
        out.append(dict(doc, version=VERSION, networks=bundle_networks(root, doc)))
    return out


def _runs_text(runs):
    return "; ".join(f"{r['start_name']} {r['start_n']}->{r['best_n']}" for r in runs)


def load_registry_runs(registry_dir="search/best-known"):
    """The export's run summary: ``{entry slug: [{start_name, start_n,
    best_n}, ...]}`` (``{}`` when there is no export or no ``runs``).

    A store that starts empty has no run log, so the export's summary is
    the only record of earlier runs; :func:`merge_runs` keeps it."""
    p = Path(registry_dir) / "registry.json"
    if not p.is_file():
        return {}
    runs = json.loads(p.read_text()).get("runs", {})
    if not isinstance(runs, dict):
        raise InputError(f"{p}: runs: expected an object")
    out = {}
    for slug_, rows in runs.items():
        if not isinstance(rows, list) or not all(
                isinstance(r, dict) and set(r) == {"start_name", "start_n", "best_n"}
                and isinstance(r["best_n"], int) for r in rows):
            raise InputError(f"{p}: runs[{slug_!r}]: expected a list of "
                             f"{{start_name, start_n, best_n}}")
        out[slug_] = rows
    return out


def merge_runs(entries, store_runs, export_runs):
    """Per entry key, the union of the store's run summary (by key) and the
    export's (by slug): one row per ``(start_name, start_n)``, with the
    smallest ``best_n`` either side reached.

    >>> merge_runs([], {"k": [{"start_name": "a", "start_n": 5, "best_n": 4}]}, {})
    {'k': [{'start_name': 'a', 'start_n': 5, 'best_n': 4}]}
    """
    by_slug = {slug_of(e): entry_key(e) for e in entries}
    best = {}
    for key, rows in list(store_runs.items()) + [
            (by_slug[s], rows) for s, rows in export_runs.items() if s in by_slug]:
        for r in rows:
            k = (key, r["start_name"], r["start_n"])
            best[k] = min(best.get(k, r["best_n"]), r["best_n"])
    out = {}
    for (key, name, sn), bn in sorted(best.items(), key=lambda kv: (
            kv[0][0], str(kv[0][1]), kv[0][2] if kv[0][2] is not None else -1)):
        out.setdefault(key, []).append({"start_name": name, "start_n": sn, "best_n": bn})
    return out


def write_exports(entries, registry_dir="search/best-known", runs=None):
    """Write ``registry.json``, ``registry.csv`` and ``README.md`` for
    readers (each written to a temporary file and renamed). ``runs``:
    optional per-entry-key list of ``{start_name, start_n, best_n}`` (the
    improvement over each starting construction, from the store's run log)."""
    d = Path(registry_dir)
    d.mkdir(parents=True, exist_ok=True)
    entries = sorted(entries, key=lambda e: slug_of(e))
    # the networks are in the bundles: not repeated here (load_registry reads
    # them back with with_networks=True)
    body = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "entries": [{k: v for k, v in e.items() if k != "networks"} for e in entries]}
    if runs is not None:
        body["runs"] = {slug_of(e): runs.get(entry_key(e), []) for e in entries}
    for name, text in (("registry.json", dumps(body)),
                       ("registry.csv", render_csv(entries)),
                       ("README.md", render(entries, runs))):
        tmp = d / f".{name}.tmp"
        tmp.write_text(text)
        os.replace(tmp, d / name)


def slug_of(doc):
    """:func:`slug` of an entry."""
    return slug(subject_of(doc), network_from_dict(doc["networks"][0]))


_CSV = ["subject", "sample", "mode", "activation", "L", "B", "B_bias", "B_code", "theta",
        "start", "start_n", "start_nonzero", "start_bits", "best_n", "best_nonzero",
        "best_bits", "lower_bound", "lower_bound_source", "lower_bound_certificate",
        "counting_bound", "ratio", "ratio_decimal", "certified_minimum", "minimality", "seed",
        "steps", "seconds", "bundle"]


def render_csv(entries):
    """One CSV row per entry, every bound in its own column."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_CSV)
    for d in sorted(entries, key=slug_of):
        b, s, p = d["bounds"], d["start"], d["provenance"]
        cm = d["certified_minimum"]
        w.writerow([d["subject"], int(d["sample"]), b["mode"], b["activation"], b["L"], b["B"],
                    b["B_bias"], b.get("B_code", ""), b["theta"], s["name"],
                    s["hidden_neurons"], s["params_nonzero"], s["bits"],
                    d["best"]["hidden_neurons"], d["best"]["params_nonzero"],
                    d["best"]["bits"], *_lb_cells(d), "" if cm is None else cm["n"],
                    d["minimality"], p["seed"], p["steps"], p["seconds"],
                    d["best"]["bundle"]])
    return buf.getvalue()


def _lb_text(lb):
    # rendering only (a malformed row is still shown; verify refuses it)
    if lb.get("n") is None:
        return "-"
    return f"{lb['n']} ({lb.get('source')}" + (f", `{lb['certificate']}`)"
                                               if lb.get("certificate") else ")")


def _ratio_text(r):
    return "-" if r is None else f"{r['exact']} = {r['decimal']}"


def _lb_cells(d):
    lb, r = d["lower_bound"], d.get("ratio")
    return ["" if lb.get("n") is None else lb["n"], lb.get("source"),
            lb.get("certificate") or "", "" if lb.get("counting") is None else lb["counting"],
            "" if r is None else r["exact"], "" if r is None else r["decimal"]]


def bounds_text(b):
    """An entry's bounds as one line (every bound that shapes the question)."""
    s = f"{b['mode']}/{b['activation']} L={b['L']} B={b['B']} B_bias={b['B_bias']}"
    if "B_code" in b:
        s += f" B_code={b['B_code']}"
    return s + f" theta={b['theta']}"


def render(entries, runs=None):
    """The registry as a Markdown table (the README.md of the export).

    ``entries``: a list of entries, or a registry directory (its export is
    read). ``runs``: as in :func:`write_exports`."""
    if not isinstance(entries, list):
        entries = load_registry(entries)
    lines = [
        "# Best-known networks",
        "",
        "The smallest *verified* network found so far for each question, by "
        "`superpos improve` (neuron removal with SAT repair, large-neighbourhood "
        "search), from the start named in the table (a construction of "
        "`superpos_formal/constructions/` or the one-neuron-per-output `baseline`). "
        "Objective: hidden neurons, then nonzero parameters, then bits. "
        "Every network is a SAT claim bundle (exhaustively verified; re-checked by "
        "`superpos verify proofs/best-known`; every row, with its certified minimum, by "
        "`superpos verify search/best-known`). `minimality` is CERTIFIED only where "
        "the width equals a proof-checked minimum bundle in `proofs/` of exactly this "
        "question (labelled when that minimum's refutation is a regenerable record, "
        "re-checked by `superpos verify --regenerate-proofs`, not by CI); otherwise UNKNOWN "
        "(local search proves nothing below). Lower bound: the largest of counting "
        "(`bounds.counting_min_width`; 1 for a single task, where counting is "
        "silent), a restriction claim under `proofs/lower-bounds/` (a certified "
        "minimum of a sub-question: fewer features, members or outputs; "
        "`superpos verify proofs/lower-bounds`), the question's own refutation (a lone "
        "UNSAT bundle at n: n + 1) and the certified minimum; ratio = "
        "best width / lower bound, exact. Sampled families are labelled as samples. "
        "Timings were measured on a shared, loaded 2-core machine.",
        "",
        "The live registry is the `best_known` table of the SQLite results store "
        "(`superpos_formal/store.py`); this folder is its export: `registry.json` "
        "(every entry; its networks are in the bundles), `registry.csv`, and this "
        "table. Regenerate with `sh search/best-known/run.sh`.",
        "",
    ]
    rows = []
    for d in sorted(entries, key=slug_of):
        s, b, p = d["start"], d["best"], d["provenance"]
        cm = d["certified_minimum"]
        subj = d["subject"]
        if d.get("sample"):
            of = (d.get("family") or {}).get("sample", {}).get("of", {})
            subj += (f" (SAMPLE of {of.get('kind', '?')}(m={of.get('m')}"
                     f"{', m_out=' + str(of['m_out']) if 'm_out' in of else ''}))")
        rows.append([
            subj, bounds_text(d['bounds']),
            f"{s['hidden_neurons']} / {s['params_nonzero']} / {s['bits']} ({s['name']})",
            f"{b['hidden_neurons']} / {b['params_nonzero']} / {b['bits']}",
            _lb_text(d['lower_bound']), _ratio_text(d.get('ratio')),
            '-' if cm is None else cm['n'], minimality_text(d),
            f"seed {p['seed']}, {p['steps']} steps, {p['seconds']} s ({p['stopped']})",
            b['bundle']])
    lines.append(pipe_table(rows, ["subject", "bounds", "start n / nz / bits",
                                   "best n / nz / bits", "lower bound", "ratio",
                                   "certified min", "minimality", "provenance", "bundle"]))
    if runs:
        lines += ["", "## Improvement over each starting network",
                  "",
                  "Every recorded run (store table `best_known_runs`): the start's width "
                  "and the width the search reached from it (best over runs).", "",
                  pipe_table([[d['subject'], bounds_text(d['bounds']), _runs_text(rs)]
                              for d in sorted(entries, key=slug_of)
                              if (rs := runs.get(entry_key(d)))],
                             ["subject", "bounds", "start -> best found (hidden neurons)"])]
    return "\n".join(lines) + "\n"
