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
  path of its SAT claim bundle (:func:`~superpos_formal.certify.bundle.make_bundle`:
  the network verified exhaustively when written and by ``superpos verify``);
* ``start``: the starting network's counts and name (a construction of
  :mod:`superpos_formal.constructions`, ``baseline``, or a file) -- the
  improvement is the difference;
* ``provenance``: seed, steps, seconds, the search options;
* ``lower_bound``: the counting bound on the width
  (:func:`~superpos_formal.bounds.counting_min_width`; ``1`` for a single
  task, where counting says nothing);
* ``certified_minimum``: the proof-checked minimum width from a committed
  minimum bundle under ``proofs/`` (or a campaign record that says its UNSAT
  was checked), when one exists; else ``null``.

``minimality`` is ``CERTIFIED`` only when the best width equals a certified
minimum; otherwise ``UNKNOWN``: the local search proves nothing below.

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
from pathlib import Path

from ..bounds import counting_min_width
from ..errors import InputError
from ..network import Network
from ..schema import (family_from_dict, family_to_dict, network_from_dict, network_to_dict,
                      task_from_dict, task_to_dict)
from ..shape import Shape
from ..tasks import Family, Task, explicit_family
from ..verify import verify
from .bundle import _dumps, make_bundle

__all__ = ["FORMAT", "EXPORT_FORMAT", "slug", "bounds_of", "lower_bound", "make_entry",
           "check_entry", "write_bundle", "entry_key", "entry_counts", "better", "subject_of",
           "bounds_text", "load_registry", "load_registry_runs", "merge_runs",
           "bundle_networks", "load_legacy", "write_exports", "render", "render_csv",
           "certified_minima", "lookup_certified", "refresh_entry"]

FORMAT = "superpos-formal/best-known"
#: version 2: entries carry their networks (version 1 files named only the bundle)
VERSION = 2
#: the committed export of the whole registry (search/best-known/registry.json)
EXPORT_FORMAT = "superpos-formal/best-known-registry"
EXPORT_VERSION = 1


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


# ------------------------------------------------------------------ entries

_FIELDS = {"format", "version", "question", "subject", "sample", "bounds", "best", "start",
           "provenance", "lower_bound", "certified_minimum", "minimality", "networks"}
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
    if doc["minimality"] == "CERTIFIED" and (cm is None or cm.get("n") != have[0]):
        _fail(doc, "minimality CERTIFIED without a certified minimum of this width")
    if doc["sample"] != bool(isinstance(subject, Family) and subject.is_sample):
        _fail(doc, "sample: does not match the family")
    return _key(subject, doc["bounds"]), subject, nets


def _objective(nets):
    cs = [n.counts() for n in nets]
    return (cs[0]["hidden_neurons"], sum(c["params_nonzero"] for c in cs),
            sum(c["bits"] for c in cs))


def _counts_of(nets):
    n, nz, bits = _objective(nets)
    return {"hidden_neurons": n, "params_nonzero": nz, "bits": bits,
            "code_nonzeros": nets[0].counts()["code_nonzeros"]}


def make_entry(result, *, bundle_root="proofs/best-known", start_name="baseline",
               minima=None):
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
        "lower_bound": {"n": lb, "source": "counting (bounds.counting_min_width)"},
        "certified_minimum": None if cert is None else {"n": cert[0], "bundle": cert[1]},
        "minimality": ("CERTIFIED" if cert is not None and cert[0] == counts["hidden_neurons"]
                       else "UNKNOWN"),
        "networks": [network_to_dict(x) for x in nets],
    }
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


def refresh_entry(doc, minima):
    """``doc`` with its certified minimum and minimality re-read from
    ``minima`` (:func:`certified_minima`); the same dict when unchanged."""
    cert = minima.get(entry_key(doc))
    new = None if cert is None else {"n": cert[0], "bundle": cert[1]}
    mini = ("CERTIFIED" if cert is not None and cert[0] == doc["best"]["hidden_neurons"]
            else "UNKNOWN")
    if (new, mini) == (doc["certified_minimum"], doc["minimality"]):
        return doc
    return dict(doc, certified_minimum=new, minimality=mini)


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
    for name, text in (("registry.json", _dumps(body)),
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
        "best_bits", "lower_bound", "certified_minimum", "minimality", "seed", "steps",
        "seconds", "bundle"]


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
                    d["best"]["bits"], "" if d["lower_bound"]["n"] is None
                    else d["lower_bound"]["n"], "" if cm is None else cm["n"],
                    d["minimality"], p["seed"], p["steps"], p["seconds"],
                    d["best"]["bundle"]])
    return buf.getvalue()


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
        "`superpos verify proofs/best-known`). `minimality` is CERTIFIED only where "
        "the width equals a proof-checked minimum from `proofs/`; otherwise UNKNOWN "
        "(local search proves nothing below). Lower bound: counting "
        "(`bounds.counting_min_width`; 1 for a single task, where counting is "
        "silent). Sampled families are labelled as samples. Timings were measured on "
        "a shared, loaded 2-core machine.",
        "",
        "The live registry is the `best_known` table of the SQLite results store "
        "(`superpos_formal/store.py`); this folder is its export: `registry.json` "
        "(every entry; its networks are in the bundles), `registry.csv`, and this "
        "table. Regenerate with `sh search/best-known/run.sh`.",
        "",
        "| subject | bounds | start n / nz / bits | best n / nz / bits | lower bound | "
        "certified min | minimality | provenance | bundle |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for d in sorted(entries, key=slug_of):
        s, b, p = d["start"], d["best"], d["provenance"]
        cm = d["certified_minimum"]
        subj = d["subject"]
        if d.get("sample"):
            of = (d.get("family") or {}).get("sample", {}).get("of", {})
            subj += (f" (SAMPLE of {of.get('kind', '?')}(m={of.get('m')}"
                     f"{', m_out=' + str(of['m_out']) if 'm_out' in of else ''}))")
        lines.append(
            f"| {subj} | {bounds_text(d['bounds'])} | "
            f"{s['hidden_neurons']} / {s['params_nonzero']} / {s['bits']} ({s['name']}) | "
            f"{b['hidden_neurons']} / {b['params_nonzero']} / {b['bits']} | "
            f"{d['lower_bound']['n']} | {'-' if cm is None else cm['n']} | "
            f"{d['minimality']} | seed {p['seed']}, {p['steps']} steps, {p['seconds']} s "
            f"({p['stopped']}) | {b['bundle']} |")
    if runs:
        lines += ["", "## Improvement over each starting network",
                  "",
                  "Every recorded run (store table `best_known_runs`): the start's width "
                  "and the width the search reached from it (best over runs).", "",
                  "| subject | bounds | start -> best found (hidden neurons) |",
                  "|---|---|---|"]
        for d in sorted(entries, key=slug_of):
            rs = runs.get(entry_key(d))
            if rs:
                lines.append(f"| {d['subject']} | {bounds_text(d['bounds'])} | "
                             f"{_runs_text(rs)} |")
    return "\n".join(lines) + "\n"
