"""Writing one claim bundle from a decided answer.

The bundle is built in a temporary directory beside its destination and
renamed into place only when complete; a failure leaves nothing behind, and
an overwritten bundle is replaced in one rename (the old one is deleted
after). The claim written is checked by the same rules the verifier applies
(:func:`.claims.parse_claim`), so a bundle the toolkit writes never states a
claim the verifier would reject for its form.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "new").mkdir(); (d / "new" / "f").write_text("1")
1
>>> publish(d / "new", d / "bundle").name, (d / "bundle" / "f").read_text()
('bundle', '1')
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

from ...errors import InputError, SoundnessError
from ...schema import family_to_dict, network_to_dict, task_to_dict
from ...solve.runner import DEFAULT_SOLVER, solver_version
from ...tasks import Family
from ..proofcheck import drat
from .certificate_kind import kind_for
from .check_claim import NETWORK_SET_FORMAT, check_networks
from .claims import CLAIM_FORMAT, CLAIM_VERSION, parse_claim
from ..jsonio import dumps, write
from .manifest import write_manifest
from .encoders import default_encoder_name, encode, encoder

__all__ = ["make_bundle", "publish", "QUESTION_FIELDS"]


def _question_parts(cell, shape, task, family, members, question, options):
    """Resolve the claim's subject, shape, question and options from the
    arguments and the cell (a solve Cell carries subject/shape/options)."""
    shape = shape if shape is not None else getattr(cell, "shape", None)
    if shape is None:
        raise InputError("make_bundle: no shape given and the cell has none")
    if task is None and family is None:
        # a solve Cell names its subject: a Task or a Family
        subject = getattr(cell, "subject", None)
        if isinstance(subject, Family):
            family = subject
        else:
            task = subject
    if (task is None) == (family is None):
        raise InputError("make_bundle: give exactly one of task or family")
    if options is None and getattr(cell, "options", None):
        options = cell.options
    if question is None:
        question = "family" if family is not None else (
            "representation" if shape.L == 0 else "instance")
    options = dict({"symmetry": True} if options is None else options)
    if family is not None and members is not None:
        options["members"] = [task_to_dict(t) for t in members]
    if options.get("inputs") is not None:
        options["inputs"] = [list(x) for x in options["inputs"]]
    return shape, task, family, question, options


def _base_claim(cell, status, shape, task, family, question, options, solver, headline,
                note):
    solver = solver or getattr(cell, "solver", None) or DEFAULT_SOLVER
    claim = {
        "format": CLAIM_FORMAT, "version": CLAIM_VERSION, "question": question,
        "shape": shape.to_dict(), "answer": status, "options": options,
        "solver": {"name": solver, "version": solver_version(solver)},
        "headline": bool(headline),
        "timings": {"solve_seconds": round(float(getattr(cell, "seconds", 0.0) or 0.0), 3)},
        # what the evidence proves (certify/bundles/certificate_kind.py)
        "certificate_kind": kind_for(status, options),
    }
    if family is not None:
        claim["family"] = family_to_dict(family)
    else:
        claim["task"] = task_to_dict(task)
    if note:
        claim["note"] = note
    return claim


def _encoder_version(enc_name, encoding):
    version = encoding.info.get("version") if encoding is not None else None
    if version is None:
        try:
            version = getattr(encoder(enc_name), "ENCODER_VERSION", None)
        except (InputError, ImportError):
            pass
    return version


def _write_sat(tmp, claim, parsed, cell, enc_name, encoding):
    if parsed.family is not None:
        nets = list(getattr(cell, "networks", None) or [])
        netdoc = {"format": NETWORK_SET_FORMAT, "version": 1,
                  "networks": [network_to_dict(n) for n in nets]}
    else:
        nets = [cell.network]
        netdoc = network_to_dict(cell.network)
    fails = check_networks(netdoc, parsed)
    if fails:
        raise SoundnessError("SAT answer does not verify: " + "; ".join(fails))
    claim["network"] = {"counts": nets[0].counts(), "id": nets[0].id}
    claim["encoder"] = {"name": enc_name, "version": _encoder_version(enc_name, encoding)}
    write(tmp / "network.json", dumps(netdoc))


def _write_unsat(tmp, claim, parsed, proof_path, enc_name, encoding, checkers, budget,
                 headline):
    t0 = time.perf_counter()
    if encoding is None:
        encoding, mod = encode(enc_name, parsed.question, parsed.members, parsed.shape,
                               parsed.options)
    else:
        mod = encoder(enc_name)
    claim["timings"]["encode_seconds"] = round(time.perf_counter() - t0, 3)
    claim["encoder"] = {"name": enc_name,
                        "version": encoding.info.get("version",
                                                     getattr(mod, "ENCODER_VERSION", None)),
                        "info": {k: v for k, v in encoding.info.items()
                                 if k not in ("encoder", "version")}}
    dimacs = encoding.to_dimacs()
    proof_text = drat.read_text(proof_path)
    drat.write_gz(tmp / "formula.cnf.gz", dimacs)
    drat.write_gz(tmp / "proof.drat.gz", proof_text)
    claim["formula"] = {"sha256": drat.sha256_text(dimacs), "nvars": encoding.nvars,
                        "clauses": len(encoding.clauses)}
    claim["proof"] = drat.proof_stats(proof_text)
    recs = drat.check_drat(tmp / "formula.cnf.gz", tmp / "proof.drat.gz", checkers,
                           budget or drat.CheckerPolicy(headline=bool(headline)))
    for r in recs:
        write(tmp / "logs" / f"{r.checker}.log", r.log)
    claim["checks"] = [r.to_dict() for r in recs]
    claim["timings"]["check_seconds"] = {r.checker: round(r.seconds, 3) for r in recs}
    drat.require_verified(recs, f"proof of {parsed.describe()}")


def publish(tmp, out_dir):
    """Move the finished directory ``tmp`` to ``out_dir``; an existing
    ``out_dir`` is renamed aside first and deleted only after the move."""
    out_dir = Path(out_dir)
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".old-", dir=out_dir.parent))
        os.replace(out_dir, old / "x")
    os.replace(tmp, out_dir)
    os.chmod(out_dir, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out_dir


#: the claim's question, as keywords of :func:`make_bundle`; each one not
#: given is read from the cell (a solve Cell carries subject, shape, options)
QUESTION_FIELDS = ("shape", "task", "family", "members", "question", "options", "solver")


def make_bundle(out_dir, cell, *, headline=False, checkers=drat.DEFAULT_CHECKERS, budget=None,
                encoding=None, encoder=None, overwrite=False, note=None, **question):
    """Write the bundle of a decided ``cell`` to ``out_dir``; returns its path.

    ``cell`` has ``.status`` (SAT/UNSAT), ``.seconds``, ``.network`` (SAT;
    for a family ``.networks``, one per member in the family's order) and
    ``.proof_path`` (UNSAT); a :class:`~superpos_formal.solve.cell.Cell`
    also supplies the default subject (``task`` or ``family``), ``shape``
    and ``options``.

    ``**question`` are the claim's question, any of :data:`QUESTION_FIELDS`:
    ``shape``, ``task`` or ``family``, ``members`` (for a family UNSAT, the
    subfamily actually encoded), ``question`` (default from the subject and
    shape), ``options`` (the encoder keyword arguments the formula was built
    with, default ``{"symmetry": True}``) and ``solver``; an unknown name is
    an InputError. ``encoding`` (the encoder's object for the same formula)
    saves re-encoding. ``headline`` makes drup run whatever the proof's
    size; ``checkers`` and ``budget`` (a
    :class:`~superpos_formal.certify.proofcheck.drat.CheckerPolicy`) are the
    proof checking of an UNSAT claim.

    Raises :class:`InputError` for an UNKNOWN cell, an UNSAT cell without a
    proof, a claim the verifier would reject, or an existing ``out_dir``;
    :class:`SoundnessError` if the network fails verification or a checker
    rejects the proof. Nothing is left at ``out_dir`` on failure.
    """
    unknown = sorted(set(question) - set(QUESTION_FIELDS))
    if unknown:
        raise InputError(f"make_bundle: unknown argument {unknown[0]!r} "
                         f"(the question's fields: {', '.join(QUESTION_FIELDS)})")
    q = dict.fromkeys(QUESTION_FIELDS) | question
    solver = q.pop("solver")
    status = getattr(cell, "status", None)
    if status not in ("SAT", "UNSAT"):
        raise InputError(f"make_bundle: only SAT and UNSAT answers become claims, got {status!r}")
    shape, task, family, question, options = _question_parts(cell, **q)
    proof_path = getattr(cell, "proof_path", None)
    if status == "UNSAT" and (proof_path is None or not Path(proof_path).is_file()):
        raise InputError("make_bundle: an UNSAT claim needs its DRAT proof; "
                         "this answer has none (solve with a proof_path)")
    out_dir = Path(out_dir)
    if out_dir.exists() and not overwrite:
        raise InputError(f"{out_dir}: already exists (a bundle is never overwritten silently)")
    # the encoder that built the answer's formula: given, the encoding's, the
    # cell's (decide records it), else the default
    enc_name = encoder or (encoding.info["encoder"] if encoding is not None
                           else (getattr(cell, "info", None) or {}).get("encoder")
                           or default_encoder_name())
    claim = _base_claim(cell, status, shape, task, family, question, options, solver,
                        headline, note)
    parsed = parse_claim(dict(claim, encoder={}, formula={}) if status == "UNSAT" else claim)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".bundle-", dir=out_dir.parent))
    try:
        if status == "SAT":
            _write_sat(tmp, claim, parsed, cell, enc_name, encoding)
        else:
            _write_unsat(tmp, claim, parsed, proof_path, enc_name, encoding, checkers,
                         budget, headline)
        write(tmp / "claim.json", dumps(claim))
        write_manifest(tmp)
        publish(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
