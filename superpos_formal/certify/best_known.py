"""The best-known registry: the smallest verified network found so far for
each question, with its provenance, its bounds and what is known below it.

One JSON file per question under ``search/best-known/`` (format
``superpos-formal/best-known`` v1), keyed by the subject (task or family,
by truth-table identity) and the model bounds that shape the question
(mode, activation, ``L``, ``B``, ``B_bias``, ``B_code``, ``theta``). Each
entry holds:

* ``best``: hidden neurons, nonzero parameters, bits, code nonzeros, and the
  path of its SAT claim bundle (:func:`~superpos_formal.certify.bundle.make_bundle`:
  the network verified exhaustively when written and by ``superpos verify``);
* ``start``: the starting construction's counts (the improvement is the
  difference) and name;
* ``provenance``: seed, steps, seconds, the search options;
* ``lower_bound``: the counting bound on the width
  (:func:`~superpos_formal.bounds.counting_min_width`; ``1`` for a single
  task, where counting says nothing);
* ``certified_minimum``: the proof-checked minimum width from a committed
  minimum bundle under ``proofs/`` (or a campaign record that says its UNSAT
  was checked), when one exists; else ``null``.

``minimality`` is ``CERTIFIED`` only when the best width equals a certified
minimum; otherwise ``UNKNOWN``: the local search proves nothing below.

An entry is replaced only by a lexicographically smaller network (hidden
neurons, nonzero parameters, bits); the new bundle is written before the
JSON, so a failure leaves the old entry intact.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.solve.improve import baseline
>>> net = baseline([uand(3)], "explicit", "step", B=2)[0]
>>> slug(uand(3), net)
'uand_m3-explicit-step-L1-B2-Bb2-t1'
"""

import json
import os
from pathlib import Path

from ..bounds import counting_min_width
from ..errors import InputError
from ..schema import family_from_dict, family_to_dict, task_from_dict, task_to_dict
from ..shape import Shape
from ..tasks import Family, Task, explicit_family
from ..verify import verify
from .bundle import _dumps, make_bundle

__all__ = ["FORMAT", "slug", "bounds_of", "record", "load_registry", "render",
           "certified_minima", "lookup_certified", "refresh_certified"]

FORMAT = "superpos-formal/best-known"
VERSION = 1


def bounds_of(net):
    """The model bounds that shape the question, as a dict (shown everywhere)."""
    d = {"mode": net.mode, "activation": net.activation, "L": net.depth, "B": net.B,
         "B_bias": net.B_bias, "theta": net.theta}
    if net.mode == "superposed":
        d["B_code"] = net.B_code
    return d


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
    b = bounds_of(net)
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

def _claim(path):
    return json.loads((Path(path) / "claim.json").read_text())


def _entry_from_claim(claim):
    sh = claim["shape"]
    bounds = {"mode": sh["mode"], "activation": sh["activation"], "L": sh["L"],
              "B": sh["B"], "B_bias": sh["B_bias"], "theta": sh["theta"]}
    if sh["mode"] == "superposed":
        if sh.get("codes") != "free":
            return None  # a given code's "minimum" is not a minimum
        bounds["B_code"] = sh["B_code"]
    if sh.get("tolerance", 0):
        return None
    if claim["question"] == "family":
        if claim.get("options", {}).get("members") is not None and claim["answer"] == "SAT":
            return None
        subj = family_from_dict(claim["family"])
    else:
        subj = task_from_dict(claim["task"])
    return _key(subj, bounds)


def certified_minima(proofs_dir="proofs", results_dir="search/results"):
    """``key -> (n, path)`` for every proof-checked minimum width: committed
    minimum bundles (``minimum.json``) and campaign records marked
    ``certified`` whose SAT bundle is committed (large proofs kept out of the
    repository with their regeneration command)."""
    out = {}
    root = Path(proofs_dir)
    if root.is_dir():
        for mj in sorted(root.rglob("minimum.json")):
            if "best-known" in mj.parts:
                continue
            doc = json.loads(mj.read_text())
            if doc.get("quantity") != "n":
                continue
            try:
                k = _entry_from_claim(_claim(mj.parent / doc["sat"]))
            except (OSError, KeyError, InputError, json.JSONDecodeError):
                continue
            if k is not None:
                out[k] = (doc["value"], mj.parent.relative_to(root.parent).as_posix())
    res = Path(results_dir)
    if res.is_dir():
        for jl in sorted(res.glob("*.jsonl")):
            for line in jl.read_text().splitlines():
                if not line.strip():
                    continue
                r = json.loads(line)
                b = r.get("bundle")
                if not (r.get("certified") and r.get("minimum") and b):
                    continue
                # campaign records name bundles relative to the repository root
                p = root.parent / b
                sat = p / f"n{r['minimum']}-sat" if (p / "minimum.json").exists() else p
                try:
                    k = _entry_from_claim(_claim(sat))
                except (OSError, KeyError, InputError, json.JSONDecodeError):
                    continue
                if k is not None and k not in out:
                    out[k] = (r["minimum"], b)
    return out


def lookup_certified(subject, net, minima=None):
    """``(n, path)`` of the certified minimum of this question, or ``None``."""
    minima = certified_minima() if minima is None else minima
    return minima.get(_key(subject, bounds_of(net)))


# ------------------------------------------------------------------ registry

def load_registry(registry_dir):
    """Every entry of the registry directory (sorted by file name)."""
    out = []
    d = Path(registry_dir)
    if not d.is_dir():
        return out
    for p in sorted(d.glob("*.json")):
        doc = json.loads(p.read_text())
        if doc.get("format") != FORMAT:
            raise InputError(f"{p}: format: expected {FORMAT!r}")
        out.append(doc)
    return out


def _counts3(c):
    return (c["hidden_neurons"], c["params_nonzero"], c["bits"])


def record(result, *, registry_dir="search/best-known", bundle_root="proofs/best-known",
           start_name="baseline", minima=None, progress=None):
    """Put an :class:`~superpos_formal.solve.improve.Improvement` into the
    registry if it beats the stored entry. Returns ``(path, replaced)``."""
    subject = result.subject
    nets = result.networks
    for t, net in zip(list(subject.members()) if isinstance(subject, Family) else [subject],
                      nets):
        if not verify(net, t).ok:
            raise InputError(f"registry: the network does not compute {t.name}")
    name = slug(subject, nets[0])
    path = Path(registry_dir) / f"{name}.json"
    counts = result.counts
    if path.exists():
        old = json.loads(path.read_text())
        if _counts3(old["best"]) <= _counts3(counts):
            if progress:
                progress(f"registry: {path} already holds {_counts3(old['best'])}, "
                         f"not beaten by {_counts3(counts)}")
            return path, False
    cert = lookup_certified(subject, nets[0], minima)
    lb = lower_bound(subject, nets[0])
    shape = _shape(nets[0])
    bdir = Path(bundle_root) / name

    class _Cell:
        status = "SAT"
        seconds = result.seconds
        network = nets[0]
        networks = nets

    note = (f"found by superpos improve (large-neighbourhood search, seed {result.seed}, "
            f"{result.steps} steps, from {start_name}); minimality not claimed")
    if isinstance(subject, Family):
        make_bundle(bdir, _Cell(), shape=shape, family=subject, options={"symmetry": False},
                    overwrite=True, note=note)
    else:
        make_bundle(bdir, _Cell(), shape=shape, task=subject, options={"symmetry": False},
                    overwrite=True, note=note)
    b = counts["hidden_neurons"]
    doc = {
        "format": FORMAT, "version": VERSION,
        "question": "family" if isinstance(subject, Family) else "instance",
        "subject": subject.name,
        "sample": bool(isinstance(subject, Family) and subject.is_sample),
        "bounds": bounds_of(nets[0]),
        "best": dict(counts, bundle=bdir.as_posix()),
        "start": dict(result.start_counts, name=start_name),
        "provenance": {"seed": result.seed, "steps": result.steps,
                       "seconds": round(result.seconds, 1), "stopped": result.stopped,
                       "first_improvement_seconds": result.first_improvement_seconds,
                       "options": result.options},
        "lower_bound": {"n": lb, "source": "counting (bounds.counting_min_width)"},
        "certified_minimum": None if cert is None else {"n": cert[0], "bundle": cert[1]},
        "minimality": "CERTIFIED" if cert is not None and cert[0] == b else "UNKNOWN",
    }
    doc["task" if not isinstance(subject, Family) else "family"] = (
        task_to_dict(subject) if isinstance(subject, Task) else family_to_dict(subject))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(_dumps(doc))
    os.replace(tmp, path)
    return path, True


def refresh_certified(registry_dir="search/best-known", minima=None):
    """Re-read the certified minima (new minimum bundles, renamed ones) into
    every registry entry; returns the number of entries changed."""
    minima = certified_minima() if minima is None else minima
    changed = 0
    for p in sorted(Path(registry_dir).glob("*.json")):
        doc = json.loads(p.read_text())
        subj = (family_from_dict(doc["family"]) if doc["question"] == "family"
                else task_from_dict(doc["task"]))
        cert = minima.get(_key(subj, doc["bounds"]))
        new = None if cert is None else {"n": cert[0], "bundle": cert[1]}
        mini = ("CERTIFIED" if cert is not None and cert[0] == doc["best"]["hidden_neurons"]
                else "UNKNOWN")
        if (new, mini) != (doc["certified_minimum"], doc["minimality"]):
            doc["certified_minimum"], doc["minimality"] = new, mini
            tmp = p.with_name(p.name + ".tmp")
            tmp.write_text(_dumps(doc))
            os.replace(tmp, p)
            changed += 1
    return changed


def _bounds_text(b):
    s = f"{b['mode']}/{b['activation']} L={b['L']} B={b['B']} B_bias={b['B_bias']}"
    if "B_code" in b:
        s += f" B_code={b['B_code']}"
    return s + f" theta={b['theta']}"


def render(registry_dir="search/best-known"):
    """The registry as a Markdown table (README.md of the registry)."""
    rows = load_registry(registry_dir)
    lines = [
        "# Best-known networks",
        "",
        "The smallest *verified* network found so far for each question, by "
        "`superpos improve` (neuron removal with SAT repair, large-neighbourhood "
        "search). Objective: hidden neurons, then nonzero parameters, then bits. "
        "Every network is a SAT claim bundle (exhaustively verified; re-checked by "
        "`superpos verify proofs/best-known`). `minimality` is CERTIFIED only where "
        "the width equals a proof-checked minimum from `proofs/`; otherwise UNKNOWN "
        "(local search proves nothing below). Lower bound: counting "
        "(`bounds.counting_min_width`; 1 for a single task, where counting is "
        "silent). Sampled families are labelled as samples. Timings were measured on "
        "a shared, loaded 2-core machine.",
        "",
        "| subject | bounds | start n / nz / bits | best n / nz / bits | lower bound | "
        "certified min | minimality | provenance | bundle |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for d in rows:
        s, b, p = d["start"], d["best"], d["provenance"]
        cm = d["certified_minimum"]
        subj = d["subject"]
        if d.get("sample"):
            of = (d.get("family") or {}).get("sample", {}).get("of", {})
            subj += (f" (SAMPLE of {of.get('kind', '?')}(m={of.get('m')}"
                     f"{', m_out=' + str(of['m_out']) if 'm_out' in of else ''}))")
        lines.append(
            f"| {subj} | {_bounds_text(d['bounds'])} | "
            f"{s['hidden_neurons']} / {s['params_nonzero']} / {s['bits']} ({s['name']}) | "
            f"{b['hidden_neurons']} / {b['params_nonzero']} / {b['bits']} | "
            f"{d['lower_bound']['n']} | {'-' if cm is None else cm['n']} | "
            f"{d['minimality']} | seed {p['seed']}, {p['steps']} steps, {p['seconds']} s "
            f"({p['stopped']}) | {b['bundle']} |")
    return "\n".join(lines) + "\n"
