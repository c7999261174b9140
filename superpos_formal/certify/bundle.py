"""Claim bundles: one directory per answer, re-checkable by anyone.

Layout of a bundle (one claim: one task or family, one shape, one answer)::

    claim.json        format "superpos-formal/claim", version 1
    network.json      SAT: the network (schema.network_to_dict); for a family,
                      a "superpos-formal/network-set" with one network per member
    formula.cnf.gz    UNSAT: the CNF the proof refutes (deterministic gzip)
    proof.drat.gz     UNSAT: CaDiCaL's DRAT proof (deterministic gzip)
    logs/<checker>.log   what each proof checker printed
    manifest.json     sha256 of every other file

``claim.json`` holds the question (``instance``, ``representation`` or
``family``), the task (or family, plus the member subset actually encoded),
the shape (:meth:`Shape.to_dict`), the answer, the options the formula was
built with (symmetry breaks on/off, input subset, ...), the solver and the
encoder (name and version), timings, the sha256 and size of the formula and
proof (uncompressed text), and the checkers' records.

A minimum claim "the smallest ``n`` is ``k``" is a parent directory holding a
SAT bundle at ``n = k``, an UNSAT bundle at ``n = k - 1`` and ``minimum.json``
naming both and the symmetry breaks used. It is a minimum because SAT is
monotone in ``n`` for explicit, free-code, shared-code and representation
shapes (docs/MODEL.md 4.5: pad with a zero neuron); for given codes it is not, and
such a minimum claim is refused.

:func:`verify_bundle` re-derives everything it can: the manifest; for SAT the
network, verified exhaustively over ``X(m, s)`` against the task rebuilt from
``claim.json``; for UNSAT the formula, regenerated from ``claim.json`` with
the current encoder and compared by sha256 (an encoder of another version is
named in the report; a different formula is a failure), then the proof,
re-checked by the checkers.
"""

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..encode.symmetry import family_symmetry_of
from ..errors import InputError, SoundnessError
from ..schema import (family_from_dict, family_to_dict, network_from_dict,
                      network_to_dict, task_from_dict, task_to_dict)
from ..shape import Shape
from ..solve.runner import DEFAULT_SOLVER, solver_version
from ..verify import verify
from . import drat as D

__all__ = [
    "CLAIM_FORMAT", "MINIMUM_FORMAT", "QUESTIONS", "make_bundle", "make_minimum",
    "verify_bundle", "find_bundles", "write_manifest", "check_manifest",
    "BundleReport", "register_encoder", "ENCODERS", "register_certificate", "CERTIFICATES",
]

CLAIM_FORMAT = "superpos-formal/claim"
MINIMUM_FORMAT = "superpos-formal/minimum"
MANIFEST_FORMAT = "superpos-formal/manifest"
NETWORK_SET_FORMAT = "superpos-formal/network-set"
VERSION = 1
QUESTIONS = ("instance", "representation", "family")

#: encoder name -> module path exposing ``encode_sat``, ``encode_family_sat``
#: and ``ENCODER_VERSION``; or an object with the same attributes.
ENCODERS = {"order-tree": "superpos_formal.encode.sat"}


#: claim.json ``certificate`` -> the function that checks it, registered by
#: the module that defines it (certify/cubes.py: "cubes"; the package's
#: ``__init__`` imports it). A claim naming an unregistered certificate fails.
CERTIFICATES = {}


def register_certificate(name, check):
    """``check(path, claim, report, shape, members, options, checkers,
    regenerate, budget)`` verifies claims whose ``certificate`` is ``name``."""
    CERTIFICATES[name] = check


def register_encoder(name, module):
    """Make encoder ``name`` available for regeneration (module or object)."""
    ENCODERS[name] = module


def _encoder(name):
    if name not in ENCODERS:
        raise InputError(f"encoder: unknown encoder {name!r} (known: {', '.join(sorted(ENCODERS))})")
    mod = ENCODERS[name]
    if isinstance(mod, str):
        import importlib
        mod = importlib.import_module(mod)
    return mod


def _default_encoder_name():
    mod = _encoder("order-tree")
    return getattr(mod, "ENCODER_NAME", "order-tree")


# ------------------------------------------------------------------ json

def _dumps(d):
    return json.dumps(d, indent=1, sort_keys=True) + "\n"


def _write(path, text_or_bytes):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text_or_bytes, str):
        path.write_text(text_or_bytes)
    else:
        path.write_bytes(text_or_bytes)


def _load(path):
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{path.name}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path.name}: not valid JSON ({e})") from None


# ------------------------------------------------------------------ manifest

def _bundle_files(root):
    root = Path(root)
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != "manifest.json":
            out.append(p.relative_to(root).as_posix())
    return out


def write_manifest(root):
    """(Re)write ``manifest.json`` with the sha256 of every other file."""
    root = Path(root)
    files = {rel: D.sha256_file(root / rel) for rel in _bundle_files(root)}
    _write(root / "manifest.json", _dumps({"format": MANIFEST_FORMAT, "version": VERSION,
                                           "files": files}))
    return files


def check_manifest(root):
    """Failure messages (empty when the manifest matches the directory)."""
    root = Path(root)
    try:
        man = _load(root / "manifest.json")
    except InputError as e:
        return [f"manifest.json: {str(e).split(': ', 1)[-1]}"]
    if not isinstance(man, dict) or man.get("format") != MANIFEST_FORMAT \
            or not isinstance(man.get("files"), dict):
        return ["manifest.json: not a superpos-formal manifest"]
    listed = man["files"]
    fails = []
    for rel in sorted(listed):
        if rel.startswith("/") or ".." in Path(rel).parts:
            fails.append(f"manifest.json: bad path {rel!r}")
            continue
        p = root / rel
        if not p.is_file():
            fails.append(f"missing file: {rel} (listed in manifest.json)")
        elif D.sha256_file(p) != listed[rel]:
            fails.append(f"changed file: {rel} (sha256 differs from manifest.json)")
    for rel in _bundle_files(root):
        if rel not in listed:
            fails.append(f"extra file: {rel} (not in manifest.json)")
    return fails


# ------------------------------------------------------------------ subjects

def _subject(claim):
    """``(task or None, family or None, member tasks)`` from a claim dict."""
    q = claim.get("question")
    if q not in QUESTIONS:
        raise InputError(f"claim.json: question: unknown question {q!r} (one of {', '.join(QUESTIONS)})")
    if q == "family":
        if "family" not in claim:
            raise InputError("claim.json: family: missing")
        fam = family_from_dict(claim["family"])
        sub = claim.get("options", {}).get("members")
        if sub is None:
            members = list(fam.members())
        else:
            members = [task_from_dict(t) for t in sub]
            for i, t in enumerate(members):
                if not _is_member(fam, t):
                    raise InputError(f"claim.json: options.members[{i}] is not a member "
                                     f"of the family {fam.name}")
        return None, fam, members
    if "task" not in claim:
        raise InputError("claim.json: task: missing")
    t = task_from_dict(claim["task"])
    return t, None, [t]


def _is_member(fam, t):
    """Is task ``t`` a member of ``fam`` (without enumerating large families)?"""
    if (t.m, t.m_out, t.s) != (fam.m, fam.m_out, fam.s):
        return False
    if fam.kind == "permutations":
        return t.kind == "permutation"
    if fam.kind == "pair_sets":
        return t.kind == f"{dict(fam.params).get('op', 'and')}_pairs"
    return t.id in {u.id for u in fam.members()}


def _encoder_kwargs(options):
    kw = {k: v for k, v in options.items() if k != "members"}
    if kw.get("inputs") is not None:
        kw["inputs"] = [tuple(x) for x in kw["inputs"]]
    return kw


def _encode(encoder_name, question, members, shape, options):
    mod = _encoder(encoder_name)
    kw = _encoder_kwargs(options)
    if question == "family":
        return mod.encode_family_sat(members, shape, **kw), mod
    return mod.encode_sat(members[0], shape, **kw), mod


def _label(claim):
    sh = claim.get("shape") or {}
    subj = claim.get("task") or claim.get("family") or {}
    kind = subj.get("kind", "?")
    return (f"{claim.get('question', '?')} {kind}(m={subj.get('m')},m'={subj.get('m_out')},"
            f"s={subj.get('s')}) {sh.get('mode')}/{sh.get('activation')} "
            f"n={sh.get('n')} L={sh.get('L')} B={sh.get('B')}")


# ------------------------------------------------------------------ networks

def _conforms(net, shape, where="network.json"):
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
    return f


def _check_networks(netdoc, shape, members, family):
    """Failure messages of exhaustive verification of the SAT answer."""
    if family is not None:
        if not isinstance(netdoc, dict) or netdoc.get("format") != NETWORK_SET_FORMAT:
            return ["network.json: a family claim needs a superpos-formal/network-set"]
        nets = [network_from_dict(d) for d in netdoc.get("networks", [])]
        if len(nets) != len(members):
            return [f"network.json: {len(nets)} networks for {len(members)} members"]
    else:
        nets = [network_from_dict(netdoc)]
    fails = []
    for i, (net, task) in enumerate(zip(nets, members)):
        where = "network.json" if family is None else f"network.json[{i}]"
        fails += _conforms(net, shape, where)
        v = verify(net, task, tolerance=shape.tolerance)
        if not v.ok:
            c = v.counterexamples[0]
            fails.append(f"{where}: exhaustive verification failed: {v.errors} wrong "
                         f"(x, j) bits of {v.checked * task.m_out} (tolerance "
                         f"{v.tolerance}); first at x={list(c.x)}, j={c.j}: "
                         f"expected {c.expected}, got {c.got}")
    if family is not None and shape.codes == "free":
        if any(n.E != nets[0].E or n.R != nets[0].R for n in nets):
            fails.append("network.json: members do not share the codes E and R")
    return fails


# ------------------------------------------------------------------ make

def make_bundle(out_dir, cell, *, shape=None, task=None, family=None, members=None,
                question=None, options=None, solver=None, headline=False,
                checkers=D.DEFAULT_CHECKERS, budget=None, encoding=None,
                encoder=None, overwrite=False, note=None):
    """Write the bundle of a decided ``cell`` to ``out_dir``; returns its path.

    ``cell`` has ``.status`` (SAT/UNSAT), ``.seconds``, ``.network`` (SAT;
    for a family ``.networks``, one per member) and ``.proof_path`` (UNSAT);
    a :class:`~superpos_formal.solve.search.Cell` also supplies the default
    ``task``, ``shape`` and ``options``. ``options`` are the encoder keyword
    arguments the formula was built with (default ``{"symmetry": True}``); for a family, ``members`` is the
    subfamily actually encoded (default: every member). ``encoding`` (the
    encoder's object for the same formula) saves re-encoding; otherwise the
    formula is regenerated from the claim, exactly as :func:`verify_bundle`
    will. ``headline`` makes drup run whatever the proof's size.

    Raises :class:`InputError` for an UNKNOWN cell, an UNSAT cell without a
    proof, or an existing ``out_dir``; :class:`SoundnessError` if the network
    fails verification or a checker rejects the proof.
    """
    status = getattr(cell, "status", None)
    if status not in ("SAT", "UNSAT"):
        raise InputError(f"make_bundle: only SAT and UNSAT answers become claims, got {status!r}")
    # a Cell from solve.search.decide carries its task, shape and options
    shape = shape if shape is not None else getattr(cell, "shape", None)
    if shape is None:
        raise InputError("make_bundle: no shape given and the cell has none")
    if task is None and family is None:
        task = getattr(cell, "task", None)
    if options is None and getattr(cell, "options", None):
        options = cell.options
    if (task is None) == (family is None):
        raise InputError("make_bundle: give exactly one of task or family")
    if question is None:
        question = "family" if family is not None else (
            "representation" if shape.L == 0 else "instance")
    options = dict({"symmetry": True} if options is None else options)
    if family is not None and members is not None:
        options["members"] = [task_to_dict(t) for t in members]
    if options.get("inputs") is not None:
        options["inputs"] = [list(x) for x in options["inputs"]]
    proof_path = getattr(cell, "proof_path", None)
    if status == "UNSAT" and (proof_path is None or not Path(proof_path).is_file()):
        raise InputError("make_bundle: an UNSAT claim needs its DRAT proof; "
                         "this answer has none (solve with a proof_path)")
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not overwrite:
            raise InputError(f"{out_dir}: already exists (a bundle is never overwritten silently)")
    solver = solver or getattr(cell, "solver", None) or DEFAULT_SOLVER
    enc_name = encoder or (encoding.info["encoder"] if encoding is not None
                           else _default_encoder_name())
    claim = {
        "format": CLAIM_FORMAT, "version": VERSION,
        "question": question,
        "shape": shape.to_dict(),
        "answer": status,
        "options": options,
        "solver": {"name": solver, "version": solver_version(solver)},
        "headline": bool(headline),
        "timings": {"solve_seconds": round(float(getattr(cell, "seconds", 0.0) or 0.0), 3)},
    }
    if family is not None:
        claim["family"] = family_to_dict(family)
    else:
        claim["task"] = task_to_dict(task)
    if note:
        claim["note"] = note
    _, fam, mem_tasks = _subject(claim)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".bundle-", dir=out_dir.parent))
    try:
        if status == "SAT":
            if family is not None:
                nets = list(getattr(cell, "networks", None) or [])
                netdoc = {"format": NETWORK_SET_FORMAT, "version": VERSION,
                          "networks": [network_to_dict(n) for n in nets]}
            else:
                netdoc = network_to_dict(cell.network)
            fails = _check_networks(netdoc, shape, mem_tasks, fam)
            if fails:
                raise SoundnessError("SAT answer does not verify: " + "; ".join(fails))
            net0 = cell.network if family is None else nets[0]
            claim["network"] = {"counts": net0.counts(), "id": net0.id}
            version = encoding.info.get("version") if encoding is not None else None
            if version is None:
                try:
                    version = getattr(_encoder(enc_name), "ENCODER_VERSION", None)
                except (InputError, ImportError):
                    pass
            claim["encoder"] = {"name": enc_name, "version": version}
            _write(tmp / "network.json", _dumps(netdoc))
        else:
            t0 = time.perf_counter()
            if encoding is None:
                encoding, mod = _encode(enc_name, question, mem_tasks, shape, options)
            else:
                mod = _encoder(enc_name)
            claim["timings"]["encode_seconds"] = round(time.perf_counter() - t0, 3)
            version = encoding.info.get("version", getattr(mod, "ENCODER_VERSION", None))
            claim["encoder"] = {"name": enc_name, "version": version,
                                "info": {k: v for k, v in encoding.info.items()
                                         if k not in ("encoder", "version")}}
            dimacs = encoding.to_dimacs()
            proof_text = D.read_text(proof_path)
            D.write_gz(tmp / "formula.cnf.gz", dimacs)
            D.write_gz(tmp / "proof.drat.gz", proof_text)
            claim["formula"] = {"sha256": D.sha256_text(dimacs), "nvars": encoding.nvars,
                                "clauses": len(encoding.clauses)}
            claim["proof"] = D.proof_stats(proof_text)
            budget = budget or D.Budget(headline=bool(headline))
            recs = D.check_drat(tmp / "formula.cnf.gz", tmp / "proof.drat.gz",
                                checkers, budget)
            for r in recs:
                _write(tmp / "logs" / f"{r.checker}.log", r.log)
            claim["checks"] = [r.to_dict() for r in recs]
            claim["timings"]["check_seconds"] = {r.checker: round(r.seconds, 3) for r in recs}
            D.require_verified(recs, f"proof of {_label(claim)}")
        _write(tmp / "claim.json", _dumps(claim))
        write_manifest(tmp)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, out_dir)
        os.chmod(out_dir, 0o755)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def make_minimum(parent, sat_cell, unsat_cell, *, shape, task=None, family=None,
                 members=None, question=None, options=None, **kw):
    """Bundle "the smallest ``n`` is ``shape.n``": SAT at ``shape.n`` and,
    when ``shape.n > 1``, UNSAT at ``shape.n - 1`` under ``parent``, with
    ``minimum.json`` naming both. ``members`` (family) is the UNSAT subfamily.
    """
    if shape.mode == "superposed" and shape.codes == "given":
        raise InputError("minimum: with given codes SAT is not monotone in n; "
                         "report the first n that works, not a minimum")
    parent = Path(parent)
    if parent.exists() and not kw.get("overwrite"):
        raise InputError(f"{parent}: already exists")
    parent.mkdir(parents=True, exist_ok=True)
    k = shape.n
    sat_name, unsat_name = f"n{k}-sat", (f"n{k - 1}-unsat" if k > 1 else None)
    make_bundle(parent / sat_name, sat_cell, shape=shape, task=task, family=family,
                question=question, options=options, **kw)
    if k > 1:
        if unsat_cell is None:
            raise InputError("minimum: n > 1 needs the UNSAT answer at n - 1")
        make_bundle(parent / unsat_name, unsat_cell, shape=shape.with_n(k - 1), task=task,
                    family=family, members=members, question=question,
                    options=options, **kw)
    if options is None:
        options = getattr(unsat_cell or sat_cell, "options", None)
    opts = dict({"symmetry": True} if options is None else options)
    info = getattr(unsat_cell or sat_cell, "info", None) or {}
    doc = {"format": MINIMUM_FORMAT, "version": VERSION, "quantity": "n", "value": k,
           "sat": sat_name, "unsat": unsat_name,
           "symmetry": opts.get("symmetry", True),
           # the breaks the UNSAT formula contains; their soundness arguments
           # are in encode/sat.py and encode/symmetry.py (README: Soundness)
           "symmetry_breaks": info.get("breaks", [])}
    _write(parent / "minimum.json", _dumps(doc))
    return parent


# ------------------------------------------------------------------ verify

@dataclass
class BundleReport:
    path: str
    kind: str = "claim"  # claim | minimum
    label: str = ""
    question: str = "?"
    answer: str = "?"
    checks: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    children: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failures and all(c.ok for c in self.children)

    def all_failures(self):
        out = [f"{self.path}: {m}" for m in self.failures]
        for c in self.children:
            out += c.all_failures()
        return out


def verify_bundle(path, *, checkers=D.DEFAULT_CHECKERS, regenerate=True, budget=None):
    """Re-check a bundle (or a minimum directory); returns a :class:`BundleReport`.

    Never raises for a bad bundle: every problem is a one-line entry of
    ``report.failures`` that names the file.
    """
    path = Path(path)
    t0 = time.perf_counter()
    if (path / "minimum.json").is_file():
        rep = _verify_minimum(path, checkers, regenerate, budget)
    else:
        rep = BundleReport(str(path))
        try:
            _verify_claim(path, rep, checkers, regenerate, budget)
        except InputError as e:
            rep.failures.append(str(e))
        except Exception as e:  # a bundle must never crash the checker
            rep.failures.append(f"internal error: {type(e).__name__}: {e}")
    rep.seconds = time.perf_counter() - t0
    return rep


def _verify_claim(path, rep, checkers, regenerate, budget):
    if not path.is_dir():
        raise InputError("not a directory")
    if not (path / "claim.json").exists() and not (path / "manifest.json").exists():
        raise InputError("not a bundle (no claim.json or minimum.json here or below)")
    rep.checks.append("manifest")
    rep.failures += check_manifest(path)
    claim = _load(path / "claim.json")
    if not isinstance(claim, dict) or claim.get("format") != CLAIM_FORMAT:
        raise InputError(f"claim.json: format: expected {CLAIM_FORMAT!r}")
    if claim.get("version") != VERSION:
        raise InputError(f"claim.json: version {claim.get('version')!r} unsupported "
                         f"(this toolkit reads {VERSION})")
    rep.label = _label(claim)
    rep.question = claim.get("question", "?")
    rep.answer = claim.get("answer", "?")
    try:
        shape = Shape.from_dict(claim.get("shape"))
    except InputError as e:
        raise InputError(f"claim.json: {e}") from None
    try:
        task, fam, members = _subject(claim)
    except InputError as e:
        msg = str(e)
        raise InputError(msg if msg.startswith("claim.json") else f"claim.json: {msg}") from None
    options = claim.get("options") or {}
    fsym = options.get("family_symmetry")
    if fsym:
        # the break is sound only for a complete family closed under the
        # relabelling it names (encode/symmetry.py); the claim must not
        # assert it for anything else
        if fam is None or family_symmetry_of(fam) != fsym:
            rep.failures.append(f"claim.json: options.family_symmetry {fsym!r} is not "
                                f"justified for this subject (only complete families "
                                f"closed under that relabelling)")
            return
    cert = claim.get("certificate")
    if cert is not None:  # e.g. "cubes": cube and conquer, certify/cubes.py
        if cert not in CERTIFICATES:
            rep.failures.append(f"claim.json: certificate {cert!r} is not one this "
                                f"toolkit checks (known: {', '.join(sorted(CERTIFICATES))})")
            return
        return CERTIFICATES[cert](path, claim, rep, shape, members, options, checkers,
                                  regenerate, budget)
    if rep.answer == "SAT":
        rep.checks.append("exhaustive")
        if not (path / "network.json").is_file():
            rep.failures.append("network.json: missing (a SAT claim needs its network)")
            return
        try:
            rep.failures += _check_networks(_load(path / "network.json"), shape, members, fam)
        except InputError as e:
            rep.failures.append(f"network.json: {e}")
        return
    if rep.answer != "UNSAT":
        raise InputError(f"claim.json: answer: {rep.answer!r} is not SAT or UNSAT")
    cnf, prf = path / "formula.cnf.gz", path / "proof.drat.gz"
    missing = [p.name for p in (cnf, prf) if not p.is_file()]
    if missing:
        rep.failures += [f"{m}: missing (an UNSAT claim needs formula and proof)" for m in missing]
        return
    text = D.read_text(cnf)
    sha = D.sha256_text(text)
    if sha != (claim.get("formula") or {}).get("sha256"):
        rep.failures.append("formula.cnf.gz: sha256 differs from claim.json's formula.sha256")
    enc = claim.get("encoder") or {}
    if regenerate:
        rep.checks.append("regenerate")
        try:
            encoding, mod = _encode(enc.get("name"), rep.question, members, shape, options)
        except InputError as e:
            rep.failures.append(f"regenerate: {e}")
        else:
            cur = encoding.info.get("version", getattr(mod, "ENCODER_VERSION", None))
            new_sha = D.sha256_text(encoding.to_dimacs())
            if new_sha != sha:
                if str(cur) != str(enc.get("version")):
                    rep.failures.append(
                        f"formula.cnf.gz: made by encoder {enc.get('name')} v{enc.get('version')}, "
                        f"the current encoder is v{cur} and builds a different formula "
                        f"(re-make the bundle, or re-check with --no-regenerate)")
                else:
                    rep.failures.append(
                        f"formula.cnf.gz: differs from the formula regenerated from "
                        f"claim.json (encoder {enc.get('name')} v{cur})")
            elif str(cur) != str(enc.get("version")):
                rep.notes.append(f"encoder v{enc.get('version')} in the bundle, v{cur} now; "
                                 f"same formula")
    else:
        rep.notes.append("formula not regenerated (--no-regenerate)")
    budget = budget or D.Budget(headline=bool(claim.get("headline")))
    recs = D.check_drat(cnf, prf, checkers, budget)
    for r in recs:
        rep.checks.append(f"{r.checker}:{r.verdict.lower()}")
        if r.verdict == D.REJECTED:
            rep.failures.append(f"proof.drat.gz: rejected by {r.checker} ({r.reason})")
        elif r.verdict == D.SKIPPED:
            rep.notes.append(f"{r.checker} skipped: {r.reason}")
    if not any(r.verdict in (D.VERIFIED, D.REJECTED) for r in recs):
        rep.failures.append("proof.drat.gz: no checker verified the proof (all skipped)")


def _verify_minimum(path, checkers, regenerate, budget):
    rep = BundleReport(str(path), kind="minimum")
    try:
        doc = _load(path / "minimum.json")
        if not isinstance(doc, dict) or doc.get("format") != MINIMUM_FORMAT:
            raise InputError(f"minimum.json: format: expected {MINIMUM_FORMAT!r}")
        k = doc.get("value")
        if not isinstance(k, int) or k < 1:
            raise InputError(f"minimum.json: value: {k!r} is not a positive integer")
        rep.answer = f"min n={k}"
        names = {"sat": doc.get("sat"), "unsat": doc.get("unsat")}
        if not names["sat"] or (k > 1 and not names["unsat"]):
            raise InputError("minimum.json: needs 'sat' and (for n > 1) 'unsat' bundles")
        claims = {}
        for role, name in names.items():
            if name is None:
                continue
            if "/" in name or name in ("..", "."):
                raise InputError(f"minimum.json: {role}: bad bundle name {name!r}")
            child = verify_bundle(path / name, checkers=checkers, regenerate=regenerate,
                                  budget=budget)
            rep.children.append(child)
            try:
                claims[role] = _load(path / name / "claim.json")
            except InputError as e:
                rep.failures.append(f"{name}/{e}")
        rep.checks.append("minimum")
        if len(claims) != len([n for n in names.values() if n]):
            return rep
        sat = claims["sat"]
        rep.question = sat.get("question", "?")
        rep.label = _label(sat).replace(f" n={sat.get('shape', {}).get('n')} ", f" n>={k} ")
        shp = dict(sat.get("shape") or {})
        if sat.get("answer") != "SAT" or shp.get("n") != k:
            rep.failures.append(f"minimum.json: {names['sat']} must be a SAT claim at n={k}")
        if shp.get("codes") == "given":
            rep.failures.append("minimum.json: given codes are not monotone in n; no minimum")
        syms = {bool((c.get("options") or {}).get("symmetry", True)) for c in claims.values()}
        if syms != {bool(doc.get("symmetry"))}:
            rep.failures.append("minimum.json: symmetry does not match the bundles' options")
        if "unsat" in claims:
            un = claims["unsat"]
            ush = dict(un.get("shape") or {})
            if un.get("answer") != "UNSAT" or ush.get("n") != k - 1:
                rep.failures.append(f"minimum.json: {names['unsat']} must be an UNSAT "
                                    f"claim at n={k - 1}")
            ush["n"] = shp.get("n")
            if ush != shp:
                rep.failures.append("minimum.json: the two bundles' shapes differ in more than n")
            if (un.get("question"), un.get("task"), un.get("family")) != \
                    (sat.get("question"), sat.get("task"), sat.get("family")):
                rep.failures.append("minimum.json: the two bundles answer different questions")
    except InputError as e:
        rep.failures.append(str(e))
    except Exception as e:
        rep.failures.append(f"internal error: {type(e).__name__}: {e}")
    return rep


def find_bundles(paths):
    """Bundle and minimum directories under ``paths`` (recursively, sorted).

    A minimum's own bundles are verified as part of it, not listed again.
    A path that is neither a bundle nor contains one is returned as is (and
    fails verification with a clear message).
    """
    out = []

    def walk(p):
        if (p / "minimum.json").is_file() or (p / "claim.json").is_file():
            out.append(p)
            return True
        found = False
        for q in sorted(x for x in p.iterdir() if x.is_dir() and not x.name.startswith(".")):
            found = walk(q) or found
        return found

    for p in map(Path, paths):
        if not p.is_dir() or not walk(p):
            out.append(p)
    return out
