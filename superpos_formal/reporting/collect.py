"""What the report states, gathered and checked (no rendering here): the
certified cells under the proof roots, the rebuilt and re-verified
constructions, the re-certified shared-code family constructions and the
best-known registry rows (module docstring of :mod:`superpos_formal.report`
for the inputs).

Examples
--------
>>> sorted(FAMILY_TITLES)
['pair-sets', 'permutations', 'uand']
"""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..bounds.explicit import check_minimum_against_bound, n_lower_bound
from ..bounds.scan import subject_from_claim
from ..budget import check_budget
from ..certify.best_known import check_registry, load_registry, minimality_text
from ..constructions.channels import channel_network, routed_star_network
from ..constructions.family import certify_code, check_members, family_code, member_network
from ..constructions.family_search import family_of, sample_members
from ..constructions.grid import FAMILIES, make_task
from ..constructions.search import build
from ..errors import InputError, SoundnessError
from ..schema import load_json
from ..shape import Shape
from ..tasks import Family, all_pairs
from ..verify import verify_batch

__all__ = ["collect", "Collected", "collect_certified", "collect_constructions",
           "collect_family_constructions", "best_known_rows", "refuse_unverified_registry",
           "input_paths", "FAMILY_TITLES", "DATA", "FAMILY_DATA", "DEFAULT_PROOFS",
           "DEFAULT_BEST_KNOWN", "SHARED_CODE", "QUICK_MAX_M_OUT", "construction_order"]

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA = _DATA_DIR / "constructions.json"
FAMILY_DATA = _DATA_DIR / "family_constructions.json"
#: default proof root, relative to the current directory (never the package's
#: location: after ``pip install .`` that is site-packages, which holds no proofs)
DEFAULT_PROOFS = Path("proofs")
#: the committed best-known registry export (``superpos improve``), ditto
DEFAULT_BEST_KNOWN = Path("search") / "best-known"
QUICK_MAX_M_OUT = 40

FAMILY_TITLES = {
    "permutations": "Permutations (family question: shared codes)",
    "pair-sets": "2-AND pair sets (family question: shared codes)",
    "uand": "Universal AND (one task)",
}

#: the plotted name of the family constructions (constructions/family.py)
SHARED_CODE = "shared-code family"


@dataclass
class Collected:
    """Everything one report states, before any of it is rendered
    (``registry``: the best-known registry directory read, or None)."""

    inputs: dict
    registry: Path = None
    certs: list = field(default_factory=list)
    cons: list = field(default_factory=list)
    fams: list = field(default_factory=list)
    best_known: list = field(default_factory=list)


def collect(*, quick, proofs, data, family_data, best_known, certified, log=None):
    """Read and re-check every input of the report (:func:`input_paths` for
    the defaults and refusals); a registry row that does not verify is
    refused before anything else is done."""
    roots, bk_dir = input_paths(proofs, best_known, certified)
    # a registry row is a claim: refuse before anything is written (issue 21)
    if bk_dir is not None:
        refuse_unverified_registry(bk_dir)
    got = Collected(inputs={"proofs": [_shown(r) for r in roots],
                            "registry": _shown(bk_dir) if bk_dir is not None else None},
                    registry=bk_dir)
    got.certs = collect_certified(roots) if roots else []
    if log:
        log("read certified minima from " + (", ".join(got.inputs["proofs"]) or "nowhere "
            "(--no-certified)") + "; best-known registry from "
            + (got.inputs["registry"] or "nowhere (--no-certified)"))
        log(f"{len(got.certs)} certified cells; rebuilding constructions"
            + (" (quick)" if quick else ""))
    got.cons = collect_constructions(quick=quick, data=data, log=log)
    if log:
        log("re-certifying the shared-code family constructions")
    got.fams = collect_family_constructions(quick=quick, data=family_data, log=log)
    if bk_dir is not None:
        # the registry's bundle paths are relative to the checkout holding search/
        bk_root = bk_dir.resolve().parents[1]
        got.best_known = best_known_rows(load_registry(bk_dir, root=bk_root), bk_root)
    return got


def construction_order(row):
    """Sort key of the construction rows: family, construction, m'."""
    return row["family"], row["construction"], row["m_out"]


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _family_key(subject):
    if isinstance(subject, Family):
        return {"permutations": "permutations", "pair_sets": "pair-sets"}.get(subject.kind)
    p = dict(subject.params)
    if subject.kind == "and_pairs":
        return "uand" if p["pairs"] == all_pairs(subject.m) else "pair-sets"
    if subject.kind == "permutation":
        return "permutations"
    if subject.kind == "identity":
        return "representation"
    return None


def collect_certified(roots):
    """One row per certified minimum (and per SAT-only headline bundle)."""
    rows = []
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            raise InputError(f"{root}: no such directory")
        for mfile in sorted(root.rglob("minimum.json")):
            check_budget("reading certified minima")
            mdoc = load_json(mfile)
            sat = mfile.parent / mdoc["sat"]
            # n = 1 needs no refutation: there is no smaller width
            unsat = mfile.parent / mdoc["unsat"] if mdoc.get("unsat") else None
            rows.append(_cert_row(root, mfile.parent, load_json(sat / "claim.json"),
                                  mdoc["value"], "minimum", _sha256(sat / "manifest.json"),
                                  _sha256(unsat / "manifest.json") if unsat else None))
        for cfile in sorted(root.rglob("claim.json")):
            if (cfile.parent.parent / "minimum.json").exists():
                continue
            claim = load_json(cfile)
            if claim.get("answer") != "SAT":
                continue
            rows.append(_cert_row(root, cfile.parent, claim, None, "sat-only",
                                  _sha256(cfile.parent / "manifest.json"), None))
    return rows


def _cert_row(root, path, claim, value, kind, sha_sat, sha_unsat):
    """One certified cell; ``value`` None: the claim's own width (a SAT-only
    bundle). The width is checked against its explicit lower bound."""
    subject, shape = subject_from_claim(claim)
    value = shape.n if value is None else value
    lb = check_minimum_against_bound(value, subject, shape)
    counts = claim.get("network", {}).get("counts", {})
    return {"campaign": path.relative_to(root).parts[0],
            "path": str(path.relative_to(root.parent)),
            "subject": subject.name, "family": _family_key(subject), "m": subject.m,
            "m_out": subject.m_out, "s": subject.s, "question": claim.get("question"),
            "mode": shape.mode, "activation": shape.activation, "L": shape.L, "B": shape.B,
            "B_bias": shape.B_bias, "B_code": shape.B_code, "theta": shape.theta,
            "n": value, "n_lb": lb, "kind": kind,
            "params_nonzero": counts.get("params_nonzero"),
            "sha256_sat_manifest": sha_sat, "sha256_unsat_manifest": sha_unsat}


def input_paths(proofs=None, best_known=None, certified=True):
    """The proof roots and the registry directory the report reads.

    Defaults are ``proofs/`` and ``search/best-known/`` of the current
    directory. With ``certified`` (the default) a report without certified
    results is refused: a missing proof root or registry, or roots holding no
    claim at all, is an :class:`InputError` naming what was looked for, never
    a report with silently empty tables. ``certified=False`` reads neither.

    Returns ``(roots, registry_dir)`` (``([], None)`` without ``certified``).
    """
    if not certified:
        if proofs or best_known is not None:
            raise InputError("--no-certified reads no proofs: drop --proofs / --registry")
        return [], None
    how = ("run it from a checkout of the repository, pass --proofs DIR and --registry "
           "DIR, or --no-certified for a report without certified results")
    roots = [Path(p) for p in (proofs or [DEFAULT_PROOFS])]
    for r in roots:
        if not r.is_dir():
            raise InputError(f"report: no proof root {r.resolve()} (certified minima are read "
                             f"from it); {how}")
        if next(r.rglob("claim.json"), None) is None:
            raise InputError(f"report: {r.resolve()} holds no claim bundle; {how}")
    bk = Path(best_known) if best_known is not None else DEFAULT_BEST_KNOWN
    if not (bk / "registry.json").is_file():
        raise InputError(f"report: no best-known registry {(bk / 'registry.json').resolve()}; "
                         f"{how}")
    return roots, bk


def _shown(path):
    """``path`` as the report names it: relative to the current directory
    when inside it (a committed report does not name the machine), else
    absolute."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(p) + "/"


def _grid(data, fmt, what):
    """The embedded grid file ``data`` of format ``fmt``, or a one-line error."""
    if not Path(data).exists():
        raise InputError(f"{data}: the {what} is missing")
    doc = load_json(data)
    if doc.get("format") != fmt:
        raise InputError(f"{data}: format: not a {what}")
    return doc


def collect_constructions(quick=False, data=DATA, log=None):
    """Rebuild and re-verify every point of the embedded grid."""
    doc = _grid(data, "superpos-formal/constructions", "construction grid")
    out = []
    for pt in doc["points"]:
        check_budget("rebuilding constructions")
        spec = pt["task_spec"]
        task = make_task(spec)
        if quick and task.m_out > QUICK_MAX_M_OUT:
            continue
        t0 = time.time()
        b = build(pt["construction"], task, pt["params"])
        if b.n != pt["n"]:
            raise InputError(f"{data}: {pt['construction']} on {task.name}: rebuilt width "
                             f"{b.n} differs from the recorded {pt['n']}")
        row = b.row()
        row.update(family=FAMILIES[spec["kind"]], task_spec=spec,
                   verify_seconds=round(time.time() - t0, 2),
                   search_seconds=pt.get("search_seconds"))
        row["n_lb_instance"] = n_lower_bound(task, _shape_of(b.network)).n
        if row["n"] < row["n_lb_instance"]:  # pragma: no cover - would be a soundness bug
            check_minimum_against_bound(row["n"], task, _shape_of(b.network))
        row["other_members"] = _other_members(pt, spec)
        row["_network"] = b.network
        out.append(row)
        if log:
            log(f"  verified {pt['construction']:<18} {task.name[:38]:<38} n={b.n}")
    return out


def collect_family_constructions(quick=False, data=FAMILY_DATA, log=None):
    """Rebuild every recorded shared-code family construction: the code from
    its parameters, the certificate from the code (it must hold: with the
    argument of :mod:`~superpos_formal.constructions.family` it proves every
    member), and every recorded member checked again (shares the code, is the
    recipe's network, exhaustive exact verification): the complete family or
    the recorded seeded sample, labelled as such. A recorded point that fails
    any of these is a :class:`SoundnessError`, never a plotted point."""
    doc = _grid(data, "superpos-formal/family-constructions", "family construction grid")
    out = []
    for pt in doc["points"]:
        check_budget("re-certifying family constructions")
        fam = family_of(pt["spec"])
        if quick and fam.m_out > QUICK_MAX_M_OUT:
            continue
        t0 = time.time()
        code = family_code(fam, pt["params"], pt["seed"])
        if code.n != pt["n"]:
            raise InputError(f"{data}: {fam.name}: rebuilt width {code.n} differs from the "
                             f"recorded {pt['n']}")
        cert = certify_code(code)
        if not cert.ok:
            raise SoundnessError(f"{data}: {fam.name} at n={code.n}: the recorded code "
                                 f"fails its certificate: {cert.describe()}")
        rec = pt["checked"]
        members, label = sample_members(fam, rec["members"], rec.get("seed", 0))
        if label["complete"] != rec["complete"] or label["members"] != rec["members"]:
            raise InputError(f"{data}: {fam.name}: recorded member check {rec['label']!r} "
                             f"is not what is rechecked ({label['label']!r})")
        nets = [member_network(code, t) for t in members]
        bad = [c for c in check_members(code, members, nets) if not c.ok]
        if bad:
            raise SoundnessError(f"{data}: {fam.name} at n={code.n}: {bad[0].member} "
                                 f"{bad[0].reason}, though the certificate holds")
        shape = _shape_of(nets[0])
        lb = n_lower_bound(fam, shape)
        counts = [n.counts() for n in nets]
        row = {"construction": SHARED_CODE, "family": _family_key(fam), "task": fam.name,
               "m": fam.m, "m_out": fam.m_out, "s": fam.s, "n": code.n,
               "params": pt["params"], "seed": pt["seed"],
               "certificate": {"ok": cert.ok, **cert.facts},
               "checked": dict(label, all_correct=True),
               "counts": {"params_nonzero": max(c["params_nonzero"] for c in counts),
                          "params_nonzero_min": min(c["params_nonzero"] for c in counts),
                          "code_nonzeros": counts[0]["code_nonzeros"]},
               "bounds": {"B": code.B, "B_bias": code.B_bias, "B_code": code.B_code,
                          "theta": code.theta, "mode": "superposed",
                          "activation": code.activation},
               "n_lb_family": lb.n, "n_lb_family_by_argument": {
                   k: lb.by_argument[k] for k in ("weights", "separation", "readout")},
               "verify_seconds": round(time.time() - t0, 2),
               "search_seconds": pt.get("search_seconds"),
               "_network": nets[0]}
        if row["n"] < lb.n:  # pragma: no cover - would be a soundness bug
            check_minimum_against_bound(row["n"], fam, shape)
        out.append(row)
        if log:
            log(f"  certified {SHARED_CODE} {fam.name:<38} n={code.n} "
                f"({label['label']})")
    return out


#: family constructions: their codes depend on (m, m', n, parameters, seed) only
_FAMILY_CONSTRUCTIONS = ("channels", "routed-stars")
OTHER_MEMBER_SEEDS = (1, 2)


def _other_members(pt, spec):
    """For a family construction: is the same construction (same ``n``,
    parameters, seed, hence the same codes) exactly correct on the members
    drawn with seeds 1 and 2 too? ``{seed: True/False}``; False also when the
    member does not fit (a star layout needing more than ``n`` neurons)."""
    if pt["construction"] not in _FAMILY_CONSTRUCTIONS or "seed" not in spec:
        return None
    make = {"channels": channel_network, "routed-stars": routed_star_network}[pt["construction"]]
    p = pt["params"]
    out = {}
    for k in OTHER_MEMBER_SEEDS:
        other = make_task(dict(spec, seed=k))
        try:
            net = make(other, p["n"], p["k_in"], p["k_out"], p["seed"])
        except InputError:          # the member does not fit in n neurons
            out[k] = False
            continue
        out[k] = verify_batch(net, other, max_counterexamples=0).ok
    return out


def _shape_of(net):
    if net.mode == "explicit":
        return Shape("explicit", net.activation, n=max(net.widths), L=net.depth, B=net.B,
                     B_bias=net.B_bias, theta=net.theta)
    return Shape("superposed", net.activation, n=len(net.E), L=net.depth, B=net.B,
                 B_bias=net.B_bias, B_code=net.B_code, theta=net.theta, codes="free")


def best_known_rows(entries, root):
    """Rows of the best-known table from registry ``entries``; raises
    :class:`SoundnessError` when a network found by search is smaller than
    the explicit lower bound or than the certified minimum of its question
    (either would mean a bug in the search, the bound or the verifier).

    >>> e = {"subject": "uand(m=6)", "question": "instance", "bounds": {"mode": "explicit",
    ...      "activation": "step", "L": 1, "B": 2, "B_bias": 2, "B_code": None, "theta": 1},
    ...      "start": {"name": "baseline", "hidden_neurons": 15},
    ...      "best": {"hidden_neurons": 4, "params_nonzero": 30, "bundle": "x"},
    ...      "lower_bound": {"n": 1}, "certified_minimum": {"n": 5}, "minimality": "CERTIFIED"}
    >>> best_known_rows([e], ".")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.SoundnessError: best-known uand(m=6): n = 4 is below the certified minimum 5
    """
    rows = []
    for e in entries:
        n = e["best"]["hidden_neurons"]
        lb = (e.get("lower_bound") or {}).get("n")
        cm = (e.get("certified_minimum") or {}).get("n")
        if lb is not None and n < lb:
            raise SoundnessError(f"best-known {e['subject']}: n = {n} is below the "
                                 f"explicit lower bound {lb}")
        if cm is not None and n < cm:
            raise SoundnessError(f"best-known {e['subject']}: n = {n} is below the "
                                 f"certified minimum {cm}")
        man = Path(root) / e["best"]["bundle"] / "manifest.json"
        rows.append(dict(subject=e["subject"], question=e["question"],
                         sample=bool(e.get("sample")), bounds=e["bounds"],
                         start=e["start"]["name"], start_n=e["start"]["hidden_neurons"],
                         n=n, params_nonzero=e["best"].get("params_nonzero"), n_lb=lb,
                         certified_minimum=cm, minimality=e.get("minimality"),
                         # as shown: CERTIFIED on a regenerable refutation says so
                         minimality_shown=minimality_text(e),
                         bundle=e["best"]["bundle"],
                         sha256=_sha256(man) if man.is_file() else None))
    return rows


def refuse_unverified_registry(bk_dir):
    """Raise :class:`InputError` when a row of the best-known registry at
    ``bk_dir`` does not verify (:func:`~superpos_formal.certify.best_known.check_registry`,
    native proof checker); nothing to do without a registry."""
    bk_dir = Path(bk_dir)
    if not (bk_dir / "registry.json").is_file():
        return
    bad = [f"{(r or {}).get('subject', 'registry')}: {why}" for r, ok, why
           in check_registry(bk_dir, root=bk_dir.resolve().parents[1], checkers=("native",))
           if not ok]
    if bad:
        raise InputError(f"best-known registry {bk_dir}: {len(bad)} row(s) do not verify "
                         f"(superpos verify {bk_dir}); first: {bad[0]}")
