"""The zoo: certified networks exported for interpretability work.

``superpos zoo build -o DIR`` (:func:`build`) writes

* every SAT bundle and minimum directory under ``proofs/`` (the certified
  minima, and the best-known networks), each re-verified first with the
  package's own verifier (:func:`~superpos_formal.certify.bundles.verify.verify_bundle`:
  manifest, exhaustive network check, regenerated formula and DRAT proof with
  the native checker): a bundle that does not verify is left out and named;
* a ladder of constructions per family (``superpos_formal/data/
  constructions.json`` and ``family_constructions.json``: several sizes up to
  ``m' = 1000``), each rebuilt from its generator and parameters and
  verified exhaustively; a family construction contributes one seeded member
  with the shared code, after its code certificate is recomputed;

each entry as ``DIR/<name>/model.{pt,safetensors,onnx}`` (every file run on
every input of ``X(m, s)`` against the exact network after it is written),
``network.json``, ``meta.json`` and ``neurons.json`` (per hidden neuron: its
exact firing set, and the construction's rule where it defines one, checked
on every input), plus ``DIR/index.json`` and ``DIR/index.md``.

:func:`load` (``sf.zoo.load(name)``) reads an entry back and trusts nothing
in it: the files' sha256 against the index, the networks verified
exhaustively against the tasks rebuilt from the metadata.
"""

import hashlib
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..certify.bundles.verify import find_bundles, verify_bundle
from ..certify.proofcheck.drat import CheckerPolicy
from ..constructions import family
from ..constructions import search
from ..constructions.grid import make_task
from ..domain import domain
from ..errors import InputError
from ..schema import load_json, network_from_dict, write_json
from ..tasks import build_family, family_from_dict, task_from_dict
from ..verify import verify_batch
from ._deps import need
from .export import check_export, exact_outputs_of, export_source, load_export
from .neurons import neuron_table
from .source import SEMANTICS, Source, load_source

__all__ = ["build", "load", "ZooEntry", "DEFAULT_ROOT", "FORMATS", "INDEX_FORMAT"]

INDEX_FORMAT = "superpos-formal/zoo-index"
FORMATS = (".pt", ".safetensors", ".onnx")
#: where :func:`load` looks without ``root``: ``$SUPERPOS_ZOO`` or ``out/zoo``
DEFAULT_ROOT = "out/zoo"
#: proof checking during the build: the native engine for every proof (the
#: python and drup verdicts recorded at creation stay in the bundles' logs)
ZOO_BUDGET = CheckerPolicy(base_checkers=("native",))
#: the trivial superposed baseline is the explicit one behind identity codes;
#: above this m' it only adds large dense matrices
TRIVIAL_MAX_M_OUT = 100


def _root_proofs():
    """``proofs/`` next to the package (a checkout), else in the current
    directory (an installed package run from the repository root)."""
    for here in (Path(__file__).resolve().parent.parent.parent / "proofs", Path("proofs")):
        if here.is_dir():
            return here
    return None


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _write_entry(out, name, src, kind, neurons, summary, log):
    d = out / name
    d.mkdir(parents=True, exist_ok=True)
    files = {}
    meta = None
    want = exact_outputs_of(src, domain(src.network.m, src.s))  # once, for every format
    for suf in FORMATS:
        p = d / f"model{suf}"
        meta = export_source(src, p)
        chk = check_export(p, src, want=want)
        if not chk.ok:
            raise InputError(f"zoo: {name}: exported {suf} disagrees with the exact network: "
                             f"{chk.first}")
        files[p.name] = _sha(p)
    if src.is_family:
        netdoc = {"format": "superpos-formal/network-set", "version": 1,
                  "networks": [n.to_dict() for n in src.networks]}
    else:
        netdoc = src.network.to_dict()
    write_json(netdoc, d / "network.json")
    meta = dict(meta)
    meta["zoo"] = {"name": name, "kind": kind, "ground_truth": summary}
    write_json(meta, d / "meta.json")
    write_json({"format": "superpos-formal/zoo-neurons", "version": 1,
                "summary": summary, "members": neurons}, d / "neurons.json")
    for f in ("network.json", "meta.json", "neurons.json"):
        files[f] = _sha(d / f)
    net = src.network
    counts = [n.counts() for n in src.networks]
    row = {
        "name": name, "kind": kind,
        "subject": meta["members"][0] if meta["members"] and not src.is_family
        else _subject_name(meta),
        "m": net.m, "m_out": net.m_out, "s": src.s,
        "n": meta["n"], "L": net.depth, "mode": str(net.mode),
        "activation": str(net.activation),
        "B": net.B, "B_bias": net.B_bias, "B_code": net.B_code, "theta": net.theta,
        "params_nonzero": counts[0]["params_nonzero"],
        "members": len(src.networks) if src.is_family else None,
        "certificate": meta["certificate"], "verified": meta.get("verified"),
        "ground_truth": summary, "dtype": meta["dtype"],
        "manifest_sha256": (meta.get("source") or {}).get("manifest_sha256"),
        "files": files,
    }
    log(f"  {name}: m={net.m} m'={net.m_out} n={meta['n']} {meta['dtype']} ({summary})")
    return row


def _subject_name(meta):
    s = meta.get("subject") or {}
    try:
        if s.get("format", "").endswith("/family") or s.get("kind") in (
                "permutations", "pair_sets", "explicit"):
            return family_from_dict(s).name
        return task_from_dict(s).name
    except InputError:
        return str(s.get("kind"))


def _neurons(src, construction=None, **kw):
    out, summary = [], None
    for k, (net, task) in enumerate(zip(src.networks, src.members or [None] * 99)):
        rows, summary_k = neuron_table(net, task, src.s, construction, **kw)
        out.append({"member": k, "task": task.name if task else None, "neurons": rows})
        summary = summary_k if summary is None or summary_k == summary else \
            "computed firing sets (rules differ by member)"
    return out, summary


def _proof_entries(out, proofs, log, failures):
    rows = []
    bundles = [p for p in find_bundles([proofs])
               if p.relative_to(proofs).parts[0] not in ("work", "large")]
    for b in bundles:
        rel = b.relative_to(proofs).as_posix()
        if not (b / "minimum.json").exists():
            try:
                if json.loads((b / "claim.json").read_text()).get("answer") != "SAT":
                    continue  # an UNSAT bundle holds no network
            except (OSError, ValueError):
                pass
        t0 = time.perf_counter()
        rep = verify_bundle(b, checkers=("native",), budget=ZOO_BUDGET)
        if not rep.ok:
            failures.append(f"{rel}: {rep.status}: "
                            f"{(rep.all_failures() + rep.all_unverified())[:1]}")
            log(f"  {rel}: NOT INCLUDED ({rep.status})")
            continue
        src = load_source(b)
        src.info["verified"] = (f"superpos verify: PASS ({', '.join(rep.checks)}; native DRAT "
                                f"checker) in {time.perf_counter() - t0:.1f} s at zoo build")
        kind = "certified minimum" if (b / "minimum.json").exists() else \
            ("verified network (best known; minimality not claimed)"
             if rel.startswith("best-known") else "verified network")
        neurons, summary = _neurons(src)
        rows.append(_write_entry(out, f"proofs/{rel}", src, kind, neurons, summary, log))
    return rows


def _data(name):
    return json.loads((Path(__file__).resolve().parent.parent / "data" / name).read_text())


def _construction_entries(out, max_m_out, log):
    rows = []
    for p in _data("constructions.json")["points"]:
        if p["m_out"] > max_m_out or (p["construction"] == "superposed-trivial"
                                       and p["m_out"] > TRIVIAL_MAX_M_OUT):
            continue
        task = make_task(p["task_spec"])
        built = search.build(p["construction"], task, p["params"])  # verified exhaustively
        src = Source([built.network], [task], task.s, {"format": "superpos-formal/task",
                                                       "version": 1, **task.to_dict()},
                     {"source": {"kind": "construction", "path": None, "manifest_sha256": None,
                                 "construction": p["construction"], "params": p["params"],
                                 "task_spec": p["task_spec"]},
                      "question": "instance", "answer": "SAT",
                      "certificate": "verified network (construction rebuilt and verified "
                                     "exhaustively at zoo build; minimality not claimed)",
                      "verified": "verify_batch: every input of X(m, s), exact integers"})
        neurons, summary = _neurons(src, p["construction"], params=p["params"])
        spec = p["task_spec"]
        slug = f"{spec['kind']}-m{task.m}-mout{task.m_out}"
        name = f"constructions/{p['construction']}-{slug}-n{built.n}"
        rows.append(_write_entry(out, name, src, "construction", neurons, summary, log))
    for p in _data("family_constructions.json")["points"]:
        if p["m_out"] > max_m_out:
            continue
        kind = {"permutations": "permutations", "pair_sets": "pair-sets"}[p["family"]]
        fam = build_family(kind, p["m"], m_out=p["m_out"])
        code = family.family_code(fam, p["params"], p["seed"])
        cert = family.certify_code(code)
        if not cert.ok:
            raise InputError(f"zoo: family construction {p['family']} m={p['m']}: the code "
                             f"certificate does not hold")
        idx = random.Random(f"zoo:{p['family']}:{p['m']}:{p['m_out']}").randrange(fam.size)
        member = fam.member(idx)
        chk, = family.check_members(code, [member])  # recipe + exhaustive verification
        if not chk.ok:
            raise InputError(f"zoo: {member.name}: {chk.reason}")
        net = family.member_network(code, member)
        src = Source([net], [member], member.s,
                     {"format": "superpos-formal/task", "version": 1, **member.to_dict()},
                     {"source": {"kind": "family construction", "path": None,
                                 "manifest_sha256": None, "family": fam.to_dict(),
                                 "member_index": idx, "params": p["params"], "seed": p["seed"],
                                 "code_certificate": cert.describe()},
                      "question": "instance", "answer": "SAT",
                      "certificate": (f"family construction: shared code E, R certified for "
                                      f"every member of {fam.name} (docs/CONSTRUCTIONS.md); "
                                      f"this member verified exhaustively"),
                      "verified": "code certificate recomputed; member = recipe; verify_batch"})
        neurons, summary = _neurons(src, f"family-{p['family']}", code=code)
        name = f"constructions/family-{p['family']}-m{p['m']}-mout{p['m_out']}-n{code.n}"
        rows.append(_write_entry(out, name, src, "family construction member", neurons,
                                 summary, log))
    return rows


def _markdown(index):
    lines = ["# superpos-formal zoo", "",
             f"Built {index['built']} in {index['seconds']:.0f} s by `superpos zoo build`. "
             "Every entry was re-checked at build time (see `verified` in index.json); each "
             "model file equals the exact integer network on every input of X(m, s). "
             "Semantics: " + index["semantics"], "",
             "| name | kind | subject | m | m' | n | L | mode/act | B | bias | code | theta "
             "| nonzero params | certificate | ground truth per neuron |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in index["entries"]:
        mem = f" ({r['members']} members)" if r["members"] else ""
        lines.append(f"| `{r['name']}` | {r['kind']} | {r['subject']}{mem} | {r['m']} | "
                     f"{r['m_out']} | {r['n']} | {r['L']} | {r['mode']}/{r['activation']} | "
                     f"{r['B']} | {r['B_bias']} | {r['B_code']} | {r['theta']} | "
                     f"{r['params_nonzero']}{' per member' if r['members'] else ''} | "
                     f"{r['certificate']} | {r['ground_truth']} |")
    if index["left_out"]:
        lines += ["", "Left out (did not verify):", ""] + [f"* {f}" for f in index["left_out"]]
    return "\n".join(lines) + "\n"


def build(out, proofs=None, max_m_out=1000, constructions=True, log=print):
    """Build the zoo in ``out``; returns the index dict (``left_out`` names
    every bundle that did not verify)."""
    for mod in ("torch", "safetensors", "onnx", "onnxruntime"):
        need(mod)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o: {out} exists and is not a directory")
    proofs = Path(proofs) if proofs is not None else _root_proofs()
    if proofs is None or not proofs.is_dir():
        raise InputError("--proofs: no proofs/ directory found (give --proofs DIR)")
    t0 = time.perf_counter()
    failures = []
    log(f"zoo: certified networks under {proofs}")
    rows = _proof_entries(out, proofs, log, failures)
    if constructions:
        log(f"zoo: construction ladder (m' <= {max_m_out})")
        rows += _construction_entries(out, max_m_out, log)
    index = {"format": INDEX_FORMAT, "version": 1,
             "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "seconds": round(time.perf_counter() - t0, 1), "semantics": SEMANTICS,
             "max_m_out": max_m_out, "entries": rows, "left_out": failures}
    write_json(index, out / "index.json")
    (out / "index.md").write_text(_markdown(index))
    return index


# ------------------------------------------------------------------ loading

@dataclass
class ZooEntry:
    """One zoo entry, re-checked on load: ``networks`` (integer, exact),
    ``tasks`` (rebuilt from the metadata), ``meta``; :meth:`module` and
    :meth:`onnx_session` give the exported models."""

    name: str
    path: Path
    meta: dict
    networks: list
    tasks: list
    row: dict = field(repr=False, default=None)

    @property
    def network(self):
        return self.networks[0]

    def module(self, fmt=".pt"):
        return load_export(self.path / f"model{fmt}")[0]

    def onnx_session(self):
        return load_export(self.path / "model.onnx")[0]

    def source(self):
        return Source(self.networks, self.tasks, self.meta["s"], self.meta.get("subject"),
                      {"question": self.meta.get("question")})

    def check(self):
        """Run every model file on every input of ``X(m, s)`` against the exact
        networks; ``{format: ExportCheck}``."""
        return {f: check_export(self.path / f"model{f}", self.source()) for f in FORMATS}


def _tasks_of(meta):
    subject = meta.get("subject")
    if subject is None:
        raise InputError("meta.json: no subject (task or family)")
    if meta.get("question") == "family":
        fam = family_from_dict(subject)
        return list(fam.members())
    return [task_from_dict(subject)]


def load(name, root=None, check=True):
    """The zoo entry ``name`` from ``root`` (default ``$SUPERPOS_ZOO`` or
    ``out/zoo``), re-checked: every file's sha256 against ``index.json`` and
    every network verified exhaustively against its task. ``check=False``
    skips the verification (never the hashes)."""
    root = Path(root or os.environ.get("SUPERPOS_ZOO") or DEFAULT_ROOT)
    index = load_json(root / "index.json")
    if not isinstance(index, dict) or index.get("format") != INDEX_FORMAT:
        raise InputError(f"{root}/index.json: not a zoo index")
    rows = {r["name"]: r for r in index.get("entries", [])}
    if name not in rows:
        near = sorted(n for n in rows if name in n)[:5]
        raise InputError(f"zoo: no entry {name!r} in {root}"
                         + (f" (did you mean: {', '.join(near)})" if near else ""))
    row = rows[name]
    path = root / name
    for f, h in row["files"].items():
        p = path / f
        if not p.is_file():
            raise InputError(f"zoo: {name}/{f}: missing")
        if _sha(p) != h:
            raise InputError(f"zoo: {name}/{f}: sha256 differs from index.json")
    meta = load_json(path / "meta.json")
    doc = load_json(path / "network.json")
    if doc.get("format") == "superpos-formal/network-set":
        nets = [network_from_dict(d) for d in doc["networks"]]
    else:
        nets = [network_from_dict(doc)]
    tasks = _tasks_of(meta)
    if len(tasks) != len(nets):
        raise InputError(f"zoo: {name}: {len(nets)} networks for {len(tasks)} tasks")
    if check:
        for net, task in zip(nets, tasks):
            v = verify_batch(net, task, max_counterexamples=1)
            if not v.ok:
                raise InputError(f"zoo: {name}: network does not compute {task.name}: "
                                 f"{v.counterexamples[0]}")
    return ZooEntry(name, path, meta, nets, tasks, row)
