"""Verifying one claim bundle (a directory with ``claim.json``).

What is checked, in order (what each claim asserts: :mod:`.claims`):

1. the directory holds only the files of its answer kind, all regular files,
   each listed in ``manifest.json`` with its sha256 (:mod:`.manifest`);
2. ``claim.json`` parses under :func:`.claims.parse_claim` (unknown fields,
   options, questions are rejected);
3. SAT: every network fits the shape and is verified exhaustively against its
   own task (a family: one network per member, in order, shared codes);
4. UNSAT: the formula is regenerated from the claim and compared by sha256,
   then the DRAT proof is checked by independent checkers. Without
   regeneration the claim is *not verified* (the proof is then tied to no
   question), which the report says.

Every problem is one line in ``report.failures``; nothing raises.

Examples
--------
>>> r = BundleReport("b", unverified=["formula not regenerated"])
>>> r.ok, r.status
(False, 'NOT VERIFIED')
>>> BundleReport("b", failures=["changed file: claim.json"]).status
'FAIL'
>>> BundleReport("b", unrechecked=["regenerable proof"]).status
'PASS (not re-checked)'
"""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ...errors import InputError
from ...schema import network_from_dict
from ...verify import verify
from ..proofcheck import drat
from .certificate_kind import check_certificate
from .claims import CERTIFICATES, _subject, parse_claim
from ..jsonio import load, read_text
from .manifest import check_manifest
from .encoders import encode

__all__ = ["BundleReport", "NETWORK_SET_FORMAT", "PASS_NOT_RECHECKED", "ALLOWED_FILES", "verify_claim_dir",
           "verify_claim", "check_networks", "conforms"]

NETWORK_SET_FORMAT = "superpos-formal/network-set"
#: the status of a claim that passes but rests on a regenerable refutation
#: not re-made in this run (BundleReport.unrechecked)
PASS_NOT_RECHECKED = "PASS (not re-checked)"
#: the files a bundle of each answer may hold (besides manifest.json)
ALLOWED_FILES = {
    "SAT": {"claim.json", "network.json"},
    "UNSAT": {"claim.json", "formula.cnf.gz", "proof.drat.gz"}
             | {f"logs/{c}.log" for c in drat.CHECKERS}
             # a proof of the base formula F (certify/bundles/certificate_kind.py)
             | {"base/formula.cnf.gz", "base/proof.drat.gz"}
             | {f"base/logs/{c}.log" for c in drat.CHECKERS}
             # symmetry breaking checked by generators (certify/proofcheck/generators.py)
             | {"gen/generators.json.gz", "gen/formula.cnf.gz", "gen/proof.drat.gz"}
             | {f"gen/logs/{c}.log" for c in drat.CHECKERS},
    # cube and conquer (certify/cubes.py), plus cubes/NNNN.drat.gz
    "cubes": {"claim.json", "formula.cnf.gz", "cubes.json", "cover.drat.gz"},
}


@dataclass
class BundleReport:
    """The outcome of verifying a bundle or a minimum directory.

    ``failures``: reasons it is rejected; ``unverified``: reasons it could
    not be verified (e.g. ``--no-regenerate``); ``ok`` only when neither
    has an entry, here or in a child. ``unrechecked``: a refutation that
    rests on a regenerable record whose proof was not re-made in this run
    (certify/proofcheck/regenerable_unsat.py; re-checked by ``superpos verify
    --regenerate-proofs``, not by CI): ``ok`` still, but the status is
    ``PASS (not re-checked)``, never a bare ``PASS``.
    """

    path: str
    kind: str = "claim"  # claim | minimum
    label: str = ""
    question: str = "?"
    answer: str = "?"
    checks: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    unverified: list = field(default_factory=list)
    seconds: float = 0.0
    children: list = field(default_factory=list)
    certificate: str = "?"
    unrechecked: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failures and not self.unverified and all(c.ok for c in self.children)

    @property
    def status(self):
        """``PASS``, ``FAIL`` or ``NOT VERIFIED`` (nothing wrong found, but
        not everything could be checked)."""
        if self.failures or any(c.status == "FAIL" for c in self.children):
            return "FAIL"
        if not self.ok:
            return "NOT VERIFIED"
        return PASS_NOT_RECHECKED if self.all_unrechecked() else "PASS"

    def all_failures(self):
        out = [f"{self.path}: {m}" for m in self.failures]
        for c in self.children:
            out += c.all_failures()
        return out

    def all_unrechecked(self):
        """Regenerable refutations, here or below, whose proofs this run did
        not re-make (each named by its bundle)."""
        out = [f"{self.path}: {m}" for m in self.unrechecked]
        for c in self.children:
            out += c.all_unrechecked()
        return out

    def all_unverified(self):
        out = [f"{self.path}: {m}" for m in self.unverified]
        for c in self.children:
            out += c.all_unverified()
        return out


# ------------------------------------------------------------------ networks

def conforms(net, shape, options, where="network.json"):
    """Failure messages: does ``net`` fit ``shape`` (so it answers *this* claim)?"""
    f = []
    if net.mode != shape.mode:
        f.append(f"{where}: mode {net.mode} but the claim's shape is {shape.mode}")
    if net.activation != shape.activation:
        f.append(f"{where}: activation {net.activation} but the shape has {shape.activation}")
    if net.theta != shape.theta:
        f.append(f"{where}: theta {net.theta} but the shape has {shape.theta}")
    if net.depth != shape.L:
        f.append(f"{where}: {net.depth} hidden layers but the shape has L={shape.L}")
    if any(w != shape.n for w in net.widths):
        f.append(f"{where}: hidden widths {list(net.widths)} but the shape has n={shape.n}")
    if shape.mode == "superposed" and len(net.E) != shape.n:
        f.append(f"{where}: code dimension {len(net.E)} but the shape has n={shape.n}")
    for nm in ("B", "B_bias", "B_code"):
        if shape.mode == "explicit" and nm == "B_code":
            continue
        if getattr(net, nm) > getattr(shape, nm):
            f.append(f"{where}: bound {nm}={getattr(net, nm)} exceeds the shape's "
                     f"{getattr(shape, nm)}")
    if shape.mode == "superposed" and shape.codes == "given":
        if net.E != shape.E or net.R != shape.R:
            f.append(f"{where}: codes E/R differ from the shape's given codes")
    mn = options.get("max_nonzero")
    if mn is not None and net.counts()["params_nonzero"] > mn:
        f.append(f"{where}: {net.counts()['params_nonzero']} nonzero parameters but the "
                 f"claim has max_nonzero={mn}")
    return f


def _networks(netdoc, claim):
    if claim.family is None:
        return [network_from_dict(netdoc)], None
    if not isinstance(netdoc, dict) or netdoc.get("format") != NETWORK_SET_FORMAT:
        return None, "network.json: a family claim needs a superpos-formal/network-set"
    if set(netdoc) - {"format", "version", "networks"} or netdoc.get("version") != 1:
        return None, "network.json: unknown network-set version or fields"
    docs = netdoc.get("networks")
    if not isinstance(docs, list):
        return None, "network.json: networks: expected a list"
    if len(docs) != len(claim.members):
        return None, (f"network.json: {len(docs)} networks for the {len(claim.members)} "
                      f"members of {claim.family.name} (one per member, in the "
                      f"family's order)")
    nets = []
    for i, d in enumerate(docs):
        try:
            nets.append(network_from_dict(d))
        except InputError as e:
            return None, f"network.json[{i}]: {e}"
    return nets, None


def check_networks(netdoc, claim):
    """Failure messages of exhaustive verification of a SAT claim's networks."""
    nets, err = _networks(netdoc, claim)
    if err:
        return [err]
    fails = []
    shape = claim.shape
    for i, (net, task) in enumerate(zip(nets, claim.members)):
        where = "network.json" if claim.family is None else f"network.json[{i}]"
        fails += conforms(net, shape, claim.options, where)
        if (net.m, net.m_out) != (task.m, task.m_out):
            fails.append(f"{where}: a network for m={net.m}, m'={net.m_out}, "
                         f"the task has m={task.m}, m'={task.m_out}")
            continue
        v = verify(net, task, tolerance=shape.tolerance)
        if not v.ok:
            c = v.counterexamples[0]
            fails.append(f"{where}: exhaustive verification failed against {task.name}: "
                         f"{v.errors} wrong (x, j) bits of {v.checked * task.m_out} "
                         f"(tolerance {v.tolerance}); first at x={list(c.x)}, j={c.j}: "
                         f"expected {c.expected}, got {c.got}")
    if claim.family is not None and shape.codes == "free":
        if any(n.E != nets[0].E or n.R != nets[0].R for n in nets):
            fails.append("network.json: members do not share the codes E and R")
    return fails


# ------------------------------------------------------------------ claim

def _allowed(kind, rel):
    if rel in ALLOWED_FILES[kind] or rel == "manifest.json":
        return True
    return kind == "cubes" and re.fullmatch(r"cubes/\d{4}\.drat\.gz", rel) is not None


def _check_files(path, kind):
    """Files a bundle of ``kind`` (an answer or a certificate) may not hold."""
    allowed = ALLOWED_FILES[kind] | {"manifest.json"}
    subdir = {"UNSAT": "logs", "cubes": "cubes"}.get(kind)
    out = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        if p.is_dir() and not p.is_symlink():
            if rel != subdir and not (kind == "UNSAT" and rel in ("base", "base/logs", "gen", "gen/logs")):
                out.append(f"unexpected directory: {rel} (a {kind} bundle holds "
                           f"{', '.join(sorted(allowed))})")
        elif not _allowed(kind, rel):
            out.append(f"unexpected file: {rel} (a {kind} bundle holds "
                       f"{', '.join(sorted(allowed))})")
    return out


def _check_unsat(path, rep, claim, checkers, regenerate, budget, limit):
    cnf, prf = path / "formula.cnf.gz", path / "proof.drat.gz"
    missing = [p.name for p in (cnf, prf) if not p.is_file()]
    if missing:
        rep.failures += [f"{m}: missing (an UNSAT claim needs formula and proof)" for m in missing]
        return
    text = read_text(cnf, limit)
    sha = drat.sha256_text(text)
    if sha != (claim.raw.get("formula") or {}).get("sha256"):
        rep.failures.append("formula.cnf.gz: sha256 differs from claim.json's formula.sha256")
    enc = claim.raw.get("encoder") or {}
    if regenerate:
        rep.checks.append("regenerate")
        try:
            encoding, mod = encode(enc.get("name"), claim.question, claim.members,
                                   claim.shape, claim.options)
        except InputError as e:
            rep.failures.append(f"regenerate: {e}")
            return
        cur = encoding.info.get("version", getattr(mod, "ENCODER_VERSION", None))
        if drat.sha256_text(encoding.to_dimacs()) != sha:
            if str(cur) != str(enc.get("version")):
                rep.failures.append(
                    f"formula.cnf.gz: made by encoder {enc.get('name')} v{enc.get('version')}, "
                    f"the current encoder is v{cur} and builds a different formula "
                    f"(re-make the bundle)")
            else:
                rep.failures.append(
                    f"formula.cnf.gz: differs from the formula regenerated from "
                    f"claim.json (encoder {enc.get('name')} v{cur})")
            return
        if str(cur) != str(enc.get("version")):
            rep.notes.append(f"encoder v{enc.get('version')} in the bundle, v{cur} now; "
                             f"same formula")
    else:
        rep.unverified.append("formula not regenerated (--no-regenerate): the proof is "
                              "not tied to the claim's question")
    nvars, clauses = drat.parse_dimacs(text)
    del text
    proof = read_text(prf, limit)
    if drat.sha256_text(proof) != (claim.raw.get("proof") or {}).get("sha256"):
        rep.failures.append("proof.drat.gz: sha256 differs from claim.json's proof.sha256")
    budget = budget or drat.CheckerPolicy(headline=bool(claim.raw.get("headline")))
    recs = drat.check_drat(SimpleNamespace(nvars=nvars, clauses=clauses), None, checkers,
                           budget, text=proof)
    drat.record_checks(rep, recs, "proof.drat.gz")


def _network_summary(netdoc, claim):
    """``claim.json``'s ``network`` summary must describe ``network.json``."""
    summary = claim.raw.get("network")
    if summary is None:
        return []
    nets, err = _networks(netdoc, claim)
    if err or not nets:
        return []
    if not isinstance(summary, dict) or summary.get("id") != nets[0].id \
            or summary.get("counts") != nets[0].counts():
        return ["claim.json: network: id/counts do not describe network.json"]
    return []


def verify_claim_dir(path, rep, checkers, regenerate, budget, limit=None):
    """Fill ``rep`` for the claim bundle at ``path`` (raises InputError for
    the first problem that stops the check; the caller records it)."""
    path = Path(path)
    if path.is_symlink():
        raise InputError("a symlink (bundles are verified where they are)")
    if not path.is_dir():
        raise InputError("not a directory")
    if not (path / "claim.json").exists() and not (path / "manifest.json").exists():
        raise InputError("not a bundle (no claim.json or minimum.json here or below)")
    rep.checks.append("manifest")
    rep.failures += check_manifest(path, required=("claim.json",))
    raw = load(path / "claim.json")
    if isinstance(raw, dict):
        rep.question, rep.answer = str(raw.get("question", "?")), str(raw.get("answer", "?"))
    claim = parse_claim(raw)
    rep.label = claim.describe()

    def encode_with(opts):
        members = _subject(claim.raw, claim.question, claim.answer, opts)[2]
        return encode((claim.raw.get("encoder") or {}).get("name"), claim.question,
                      members, claim.shape, opts)[0]
    kind = check_certificate(path, claim.raw, encode_with, checkers=checkers,
                             budget=budget, regenerate=regenerate, limit=limit)
    rep.certificate = kind.kind
    rep.checks += kind.checks
    rep.failures += kind.failures
    rep.notes += kind.notes
    rep.unverified += kind.unverified
    cert = claim.raw.get("certificate")
    if cert is not None:  # e.g. "cubes": cube and conquer, certify/cubes.py
        rep.failures += _check_files(path, cert)
        if not regenerate:
            rep.unverified.append("formula not regenerated (--no-regenerate): the proof is "
                                  "not tied to the claim's question")
        CERTIFICATES[cert](path, claim.raw, rep, claim.shape, claim.members, claim.options,
                           checkers, regenerate, budget, limit=limit)
        return claim
    rep.failures += _check_files(path, claim.answer)
    if claim.answer == "SAT":
        rep.checks.append("exhaustive")
        try:
            netdoc = load(path / "network.json")
            rep.failures += check_networks(netdoc, claim)
            rep.failures += _network_summary(netdoc, claim)
        except InputError as e:
            msg = str(e)
            rep.failures.append(msg if msg.startswith("network.json") else f"network.json: {msg}")
        return claim
    _check_unsat(path, rep, claim, checkers, regenerate, budget, limit)
    return claim


def verify_claim(path, *, checkers=drat.DEFAULT_CHECKERS, regenerate=True, budget=None,
                 limit=None):
    """A :class:`BundleReport` for one claim bundle; never raises."""
    rep = BundleReport(str(path))
    t0 = time.perf_counter()
    try:
        verify_claim_dir(path, rep, checkers, regenerate, budget, limit)
    except InputError as e:
        rep.failures.append(str(e))
    except Exception as e:  # a bundle must never crash the checker
        rep.failures.append(f"internal error: {type(e).__name__}: {e}")
    rep.seconds = time.perf_counter() - t0
    return rep

