"""``superpos improve``: make a correct network smaller (LNS with SAT repair).

Parses the question (task or family, bounds), builds or loads the starting
network, calls :func:`superpos_formal.api.improve` (the LNS of
:mod:`superpos_formal.solve.improve`), prints progress on stderr and the result on stdout,
and optionally writes the best network and updates the best-known registry
(the ``best_known`` table of the SQLite results store, ``--store``, exported
to ``--registry DIR`` for readers: registry.json, registry.csv, README.md).
"""

import sys
from pathlib import Path

from .. import tasks
from ..certify import best_known as BK
from ..errors import InputError
from ..schema import load, load_json, network_from_dict, network_to_dict, write_json
from ..api import STARTS, improve, improve_start
from ..bridge.source import load_source
from ..inputs import read_json
from ..store import Store, sync_best_known
from .args import bounded_int, seconds, task_from_text

__all__ = ["register"]

NETWORK_SET = "superpos-formal/network-set"


def register(sub):
    p = sub.add_parser(
        "improve", help="shrink a correct network by neuron removal with SAT repair",
        description="Start from a correct network (the one-neuron-per-output "
                    "construction, a file, or a claim bundle) and make it smaller "
                    "(hidden neurons, then nonzero parameters, then bits) while "
                    "keeping it exactly correct. Every network reported is verified "
                    "on all of X(m, s); minimality is UNKNOWN (no lower side is proved).")
    g = p.add_argument_group("question")
    g.add_argument("--task", choices=("uand", "and_pairs", "or_pairs", "xor_pairs",
                                      "permutation", "identity"), help="built-in task")
    g.add_argument("--task-file", metavar="TASK.json")
    g.add_argument("--family", choices=("permutations", "pair-sets"),
                   help="family with shared codes (superposed mode)")
    g.add_argument("--m", type=int, help="input features m")
    g.add_argument("--m-out", type=int, help="pairs per task (pair tasks, pair-sets)")
    g.add_argument("--s", type=int, help="sparsity (default 2 for pairs, 1 otherwise)")
    g.add_argument("--pairs", help="explicit pairs, e.g. 0-1,1-2")
    g.add_argument("--pi", help="permutation, e.g. 2,0,1")
    g.add_argument("--op", choices=("and", "or", "xor"), default="and",
                   help="pair-sets operation (default and)")
    g.add_argument("--task-seed", type=int, help="seed of random pairs / permutation")
    g.add_argument("--sample", type=int, metavar="K",
                   help="a seeded random sample of K members of the family (labelled)")
    g.add_argument("--sample-seed", type=int, default=0)
    b = p.add_argument_group("bounds (with --start FILE they must match the network)")
    b.add_argument("--mode", choices=("explicit", "superposed"))
    b.add_argument("--activation", choices=("step", "relu"))
    b.add_argument("--B", type=int, help="weights in [-B, B] (baseline default 2)")
    b.add_argument("--B-bias", type=int, help="biases in [-B_bias, B_bias] (default B)")
    b.add_argument("--B-code", type=int, help="codes in [-B_code, B_code] (default max(B, 1))")
    s = p.add_argument_group("search")
    s.add_argument("--start", "--from", dest="start", default="baseline",
                   help="baseline (one neuron per output, bounds from --B), "
                        "construction:NAME[:k=v,...] (NAME one of " + ", ".join(STARTS) +
                        "; the construction's bounds, loosened by --B/--B-bias/--B-code; "
                        "without k=v the construction's own search picks its smallest "
                        "instance), a network / network-set JSON, or a SAT claim bundle "
                        "directory (default baseline)")
    s.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    s.add_argument("--budget", dest="search_budget", type=seconds, default=60.0,
                   help="wall-clock seconds (default 60)")
    s.add_argument("--max-steps", type=bounded_int(0, 10**9),
                   help="stop after this many moves")
    s.add_argument("--window", type=bounded_int(1, 10**9), default=2,
                   help="initial window (default 2)")
    s.add_argument("--conflicts", type=bounded_int(1, 10**9), default=5000,
                   help="SAT conflict budget per window solve (default 5000)")
    s.add_argument("--target", type=bounded_int(0, 10**9),
                   help="stop once the width is <= this")
    s.add_argument("--no-sparsify", action="store_true",
                   help="stop after neuron removal (no nonzero-parameter phase)")
    s.add_argument("--core", type=bounded_int(1, 10**9), default=2,
                   help="family: members solved together at first (default 2)")
    o = p.add_argument_group("output")
    o.add_argument("-o", "--out", metavar="NET.json",
                   help="write the best network (a network-set for a family)")
    o.add_argument("--registry", metavar="DIR",
                   help="offer the result to the best-known registry (the best_known "
                        "table of --store) and export it to DIR (e.g. search/best-known: "
                        "registry.json, registry.csv, README.md); bundles go to "
                        "--bundle-root")
    o.add_argument("--store", default="search/results/results.sqlite",
                   help="SQLite results store holding the registry "
                        "(default search/results/results.sqlite)")
    o.add_argument("--bundle-root", default="proofs/best-known",
                   help="where registry bundles are written (default proofs/best-known)")
    p.set_defaults(func=cmd_improve)


def _progress(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def _subject(a):
    given = [x for x in (a.task, a.task_file, a.family) if x]
    if len(given) != 1:
        raise InputError("--task: give exactly one of --task, --task-file, --family")
    if a.family:
        if a.m is None:
            raise InputError("--m: the number of input features is required")
        if a.family == "permutations":
            fam = tasks.permutation_family(a.m, 1 if a.s is None else a.s)
        else:
            if a.m_out is None:
                raise InputError("--m-out: the pair-sets family needs --m-out K")
            fam = tasks.pair_set_family(a.m, a.m_out, 2 if a.s is None else a.s, a.op)
        if a.sample is not None:
            fam = tasks.sample_family(fam, a.sample, a.sample_seed)
        return fam
    if a.sample is not None:
        raise InputError("--sample: only for a family")
    if a.task_file:
        return load(a.task_file, "task")
    if a.m is None:
        raise InputError("--m: the number of input features is required")
    return task_from_text(a.task, a.m, s=a.s, pairs=a.pairs, pi=a.pi, m_out=a.m_out,
                          seed=a.task_seed)


def _load_start(path, n_members):
    p = Path(path)
    if p.is_dir() and (p / "minimum.json").is_file():
        # a minimum directory: its SAT half, read as the exporter reads it
        # (the minimum's manifest checked, the half's name confined to it)
        try:
            nets = load_source(p).networks
        except InputError as e:
            raise InputError(f"--start: {p / 'minimum.json'} names no SAT half here "
                             f"that can be read ({e})") from None
    else:
        nets = _read_start_file(p, path)
    if len(nets) != n_members:
        raise InputError(f"--start: {p} holds {len(nets)} network(s), the question has "
                         f"{n_members} member(s)")
    return nets


def _read_start_file(p, path):
    if p.is_dir():
        p = p / "network.json"
        if not p.exists():
            raise InputError(f"--start: {path} is a directory without network.json "
                             f"(a SAT claim bundle or a minimum directory is expected)")
    d = load_json(p)
    if not isinstance(d, dict):
        raise InputError(f"--start: {p}: expected a JSON object")
    if d.get("format") == NETWORK_SET:
        return [network_from_dict(x) for x in d.get("networks", [])]
    try:
        return [network_from_dict(d)]
    except InputError as e:
        raise InputError(f"--start: {p}: {e}") from None


def _check_bounds(a, net):
    for opt, want, have in (("--mode", a.mode, net.mode),
                            ("--activation", a.activation, net.activation),
                            ("--B", a.B, net.B), ("--B-bias", a.B_bias, net.B_bias),
                            ("--B-code", a.B_code,
                             net.B_code if net.mode == "superposed" else a.B_code)):
        if want is not None and want != have:
            raise InputError(f"{opt}: {want} differs from the start network's {have} "
                             f"(the start network's bounds define the question)")


def _check_registry(a):
    """Check ``--registry DIR``, its ``registry.json`` and ``--bundle-root``
    before any search: a path that is not a folder, an export that is not
    JSON, or an entry without the fields the merge reads is an InputError
    naming the entry and the field (a long search must not end in a crash)."""
    reg = Path(a.registry)
    if reg.exists() and not reg.is_dir():
        raise InputError(f"--registry {reg}: not a directory (the export folder: "
                         f"registry.json, registry.csv, README.md)")
    root = Path(a.bundle_root)
    if root.exists() and not root.is_dir():
        raise InputError(f"--bundle-root {root}: not a directory")
    p = reg / "registry.json"
    if not p.exists():
        return
    doc = read_json(p)
    if not isinstance(doc, dict) or doc.get("format") != BK.EXPORT_FORMAT:
        raise InputError(f"{p}: format: expected {BK.EXPORT_FORMAT!r}")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise InputError(f"{p}: entries: expected a list")
    if not isinstance(doc.get("runs", {}), dict):
        raise InputError(f"{p}: runs: expected an object")
    for i, e in enumerate(entries):
        where = f"{p}: entries[{i}]"
        if not isinstance(e, dict):
            raise InputError(f"{where}: expected an object")
        for key, typ in (("subject", str), ("question", str), ("bounds", dict),
                         ("best", dict), ("start", dict)):
            if not isinstance(e.get(key), typ):
                raise InputError(f"{where}.{key}: missing or not a {typ.__name__}")
        if ("task" in e) == ("family" in e) or not isinstance(e.get("task", e.get("family")),
                                                            dict):
            raise InputError(f"{where}: needs exactly one of task or family (an object)")
        best = e["best"]
        if not isinstance(best.get("bundle"), str):
            raise InputError(f"{where}.best.bundle: missing or not a string")
        for key in ("hidden_neurons", "params_nonzero", "bits"):
            v = best.get(key)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise InputError(f"{where}.best.{key}: {v!r} is not a count")
        try:
            BK.entry_key(e)
        except InputError as err:
            raise InputError(f"{where}: {err}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(f"{where}: malformed entry ({type(err).__name__}: {err})") \
                from None


def cmd_improve(a):
    if a.registry:
        _check_registry(a)
    subject = _subject(a)
    family = isinstance(subject, tasks.Family)
    members = list(subject.members()) if family else [subject]
    if family and len(members) > 5000:
        raise InputError(f"--family: {subject.name} has {len(members)} members; "
                         f"use --sample K")
    bounds = dict(mode=a.mode, activation=a.activation, B=a.B, B_bias=a.B_bias,
                  B_code=a.B_code)
    if a.start == "baseline":
        start, start_name = improve_start(subject, "baseline", **bounds)
    elif a.start.startswith("construction:"):
        start, start_name = improve_start(subject, _construction_arg(a.start), **bounds)
    else:
        start = _load_start(a.start, len(members))
        _check_bounds(a, start[0])
        start_name = a.start
    net = start[0]
    bounds = (f"{net.mode}/{net.activation} L={net.depth} B={net.B} B_bias={net.B_bias}"
              + (f" B_code={net.B_code}" if net.mode == "superposed" else "")
              + f" theta={net.theta}")
    label = subject.name + (" (a SAMPLE)" if family and subject.is_sample else "")
    c0 = net.counts()
    print(f"improve {label}  {bounds}  start {start_name}: {c0['hidden_neurons']} hidden "
          f"neurons; seed {a.seed}, budget {a.search_budget:g}s", file=sys.stderr)
    kw = dict(seed=a.seed, budget=a.search_budget, max_steps=a.max_steps, window=a.window,
              conflicts=a.conflicts, sparsify=not a.no_sparsify, progress=_progress,
              target=a.target)
    if family:
        kw["core"] = a.core
    res = improve(subject, start, **kw)
    print(f"{label}  {bounds}")
    print(f"  start ({start_name}): " + _counts_text(res.start_counts))
    print(f"  best (verified on all {len(members[0].inputs)} inputs"
          f"{' of every member' if family else ''}): " + _counts_text(res.counts))
    print(f"  {res.steps} steps, {res.seconds:.1f}s, stopped: {res.stopped}; "
          f"minimality: {res.minimality}")
    if a.out:
        if family:
            write_json({"format": NETWORK_SET, "version": 1,
                        "networks": [network_to_dict(n) for n in res.networks]}, a.out)
        else:
            write_json(res.network, a.out)
        print(f"  wrote {a.out}")
    if a.registry:
        minima = BK.certified_minima()
        entry = BK.make_entry(res, bundle_root=a.bundle_root, start_name=start_name,
                              minima=minima)
        with Store(a.store) as st:
            # the committed export first: a fresh store never shrinks it
            sync_best_known(st, a.registry)
            won = st.put_best_known(entry, start_name=start_name,
                                    on_win=lambda: BK.write_bundle(entry))
            sync_best_known(st, a.registry, minima)
        print(f"  registry ({a.store}, exported to {a.registry}): {BK.slug_of(entry)} "
              f"{'updated' if won else 'kept (not beaten)'}")
    return 0


def _construction_arg(text):
    """``construction:NAME[:k=v,...]`` -> ``(NAME, params or None)``."""
    parts = text.split(":", 2)
    name = parts[1]
    if len(parts) == 2 or not parts[2]:
        return name, None
    params = {}
    for kv in parts[2].split(","):
        k, eq, v = kv.partition("=")
        if not eq or not k:
            raise InputError(f"--start: {kv!r} is not k=v (in {text})")
        if k in params:
            raise InputError(f"--start: {k} given twice (in {text})")
        try:
            # hmvc's q is a probability a/b, every other value an integer
            params[k] = [int(x) for x in v.split("/")] if "/" in v else int(v)
        except ValueError:
            raise InputError(f"--start: {k}={v!r} is not an integer (in {text})") from None
    return name, params


def _counts_text(c):
    return (f"{c['hidden_neurons']} hidden neurons, {c['params_nonzero']} nonzero "
            f"parameters, {c['bits']} bits, {c['code_nonzeros']} code nonzeros")
