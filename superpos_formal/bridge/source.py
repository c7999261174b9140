"""What an export is made from: a claim bundle, a minimum directory or a
network file, read and checked (no torch here).

A :class:`Source` holds the integer networks (one, or one per member of a
family with shared codes), the tasks they compute (when known) and the
metadata that travels with every exported file: the subject (task or
family), the shared codes ``E`` and ``R``, ``theta``, the bounds, the
bundle's ``manifest.json`` sha256 and its certificate kind.

Nothing read is trusted: the manifest hashes are checked
(:func:`~superpos_formal.certify.bundles.manifest.check_manifest`) and every network
is verified exhaustively against its member (the claim's own
``check_networks``), so a file whose hash or network does not hold is
refused. The full re-check of a bundle (DRAT proofs included) is
``superpos verify``; ``superpos zoo build`` runs it for every entry.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..certify.bundles.check_claim import _networks, check_networks
from ..certify.bundles.claims import parse_claim
from ..certify.jsonio import load as load_json_file
from ..certify.bundles.manifest import check_manifest
from ..errors import InputError
from ..ids import header
from ..network import Network
from ..results import Mode
from ..schema import load_json, network_from_dict
from ..verify import verify_batch

__all__ = ["Source", "load_source", "from_network", "EXPORT_FORMAT", "SEMANTICS"]

EXPORT_FORMAT = "superpos-formal/export"

#: the model's semantics, stated in every exported file (docs/MODEL.md 2)
SEMANTICS = ("a_0 = E x; a_l = sigma(W_l a_{l-1} + b_l), sigma = relu (max(0, t)) or "
             "step ([t > 0]); z = V a_L + c (z = a_0 when L = 0); "
             "y_j = [(R z)_j >= theta]")


@dataclass
class Source:
    """Integer networks plus what they are, ready to export.

    ``networks``: one network, or one per family member (shared ``E``,
    ``R``); ``members``: the task of each network (``None`` for a bare
    network file); ``s``: the sparsity the exactness argument covers;
    ``info``: provenance (bundle path, manifest sha256, certificate, ...).
    """

    networks: list
    members: list
    s: int
    subject: dict = None
    info: dict = field(default_factory=dict)

    @property
    def is_family(self):
        return len(self.networks) > 1 or self.info.get("question") == "family"

    @property
    def network(self):
        return self.networks[0]

    def metadata(self, dtype, bound):
        """The JSON-able metadata of an export in float type ``dtype``."""
        net = self.network
        explicit = net.mode == Mode.EXPLICIT
        meta = header("export")
        meta.update({
            "semantics": SEMANTICS,
            "subject": self.subject,
            "members": [t.name for t in self.members] if self.members else None,
            "mode": str(net.mode),
            "activation": str(net.activation),
            "m": net.m, "m_out": net.m_out, "s": self.s,
            "L": net.depth, "widths": list(net.widths),
            "n": net.widths[0] if net.widths else len(net.E),
            "theta": net.theta,
            "bounds": {"B": net.B, "B_bias": net.B_bias, "B_code": net.B_code},
            # the code is I in explicit mode: named, not spelt out (m may be 1000)
            "E": f"identity({net.m})" if explicit else [list(r) for r in net.E],
            "R": f"identity({net.m_out})" if explicit else [list(r) for r in net.R],
            "dtype": dtype,
            "value_bound": bound,
            "exact_on": (f"every input of X(m={net.m}, s={self.s}) (0/1 vectors with at most "
                         f"{self.s} ones): every intermediate value is an integer of "
                         f"magnitude <= {bound} < 2^{24 if dtype == 'float32' else 53}, "
                         f"exact in {dtype}"),
            "network_ids": [n.id for n in self.networks],
            "params_nonzero": sum(n.counts()["params_nonzero"] for n in self.networks),
            "family_members": len(self.networks) if self.is_family else None,
        })
        meta.update(self.info)
        return meta


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _claim_info(bundle):
    claim_doc = load_json(bundle / "claim.json")
    claim = parse_claim(claim_doc)
    return claim_doc, claim


def _check(path, fails, what):
    if fails:
        raise InputError(f"{path}: {what}: {fails[0]}")


def _from_bundle(bundle, top):
    """The SAT bundle ``bundle`` (inside ``top``, the path given)."""
    fails = check_manifest(bundle)
    _check(bundle, fails, "manifest")
    claim_doc, claim = _claim_info(bundle)
    if claim.answer != "SAT":
        raise InputError(f"{bundle}: an {claim.answer} bundle holds no network to export "
                         f"(give its minimum directory or the SAT bundle)")
    netdoc = load_json_file(bundle / "network.json")
    nets, err = _networks(netdoc, claim)
    if err:
        raise InputError(f"{bundle}: {err}")
    _check(bundle, check_networks(netdoc, claim), "verification")
    subject = dict(claim_doc["family"] if claim.family is not None else claim_doc["task"])
    info = {
        "source": {"kind": "bundle", "path": str(top),
                   "manifest_sha256": _sha256(top / "manifest.json")},
        "question": claim.question,
        "answer": claim.answer,
        "certificate": claim_doc.get("certificate_kind", "verified network"),
        "headline": bool(claim_doc.get("headline", False)),
        "note": claim_doc.get("note"),
    }
    return Source(list(nets), list(claim.members), claim.members[0].s, subject, info)


def load_source(path):
    """A :class:`Source` from a bundle, a minimum directory or a network file.

    A minimum directory exports its SAT half, with the minimum's value and
    the certificate kind of its UNSAT half in the metadata; an UNSAT bundle
    is refused (it holds no network). A bare network file has no task: the
    exactness argument then covers every 0/1 input (``s = m``).
    """
    path = Path(path)
    if path.is_dir():
        if (path / "minimum.json").is_file():
            mini = load_json(path / "minimum.json")
            sat = mini.get("sat") if isinstance(mini, dict) else None
            if not isinstance(sat, str) or "/" in sat or sat.startswith("."):
                raise InputError(f"{path}/minimum.json: sat: expected a bundle name")
            halves = {h for h in (sat, mini.get("unsat")) if isinstance(h, str)}
            # each half has its own manifest, listed (by hash) in the minimum's
            fails = check_manifest(path, skip=halves,
                                   required=["minimum.json"] + [f"{h}/manifest.json"
                                                                for h in sorted(halves)])
            _check(path, fails, "manifest")
            src = _from_bundle(path / sat, path)
            src.info["source"]["kind"] = "minimum"
            src.info["minimum"] = {"quantity": mini.get("quantity"), "value": mini.get("value"),
                                   "monotonicity": mini.get("monotonicity")}
            unsat = mini.get("unsat")
            if isinstance(unsat, str) and (path / unsat / "claim.json").is_file():
                u = load_json(path / unsat / "claim.json")
                src.info["certificate"] = (f"minimum: SAT at n={mini.get('value')} (verified "
                                           f"network), UNSAT at n={mini.get('value', 1) - 1} "
                                           f"({u.get('certificate_kind', '?')})")
            else:
                src.info["certificate"] = "minimum: SAT at n=1 (width 0 is not a shape)"
            return src
        if (path / "claim.json").is_file():
            return _from_bundle(path, path)
        raise InputError(f"{path}: not a bundle (no claim.json or minimum.json)")
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory")
    doc = load_json(path)
    try:
        net = network_from_dict(doc)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None
    src = from_network(net)
    src.info["source"] = {"kind": "network", "path": str(path),
                          "manifest_sha256": None, "file_sha256": _sha256(path)}
    return src


def from_network(net, task=None, info=None):
    """A :class:`Source` for one network; with ``task`` it is verified
    exhaustively first (refused when wrong) and ``s`` is the task's."""
    if not isinstance(net, Network):
        raise InputError(f"network: expected a Network, got {type(net).__name__}")
    if task is not None:
        v = verify_batch(net, task, max_counterexamples=1)
        if not v.ok:
            c = v.counterexamples[0]
            raise InputError(f"network: does not compute {task.name}: first wrong at "
                             f"x={list(c.x)}, output {c.j} (expected {c.expected}, got {c.got})")
        subject = {"format": "superpos-formal/task", "version": 1, **task.to_dict()}
        base = {"source": {"kind": "network", "path": None, "manifest_sha256": None},
                "question": "instance", "answer": "SAT",
                "certificate": "verified network (exhaustive, at export)"}
        base.update(info or {})
        return Source([net], [task], task.s, subject, base)
    base = {"source": {"kind": "network", "path": None, "manifest_sha256": None},
            "question": None, "answer": None, "certificate": "none (no task given)"}
    base.update(info or {})
    return Source([net], None, net.m, None, base)
