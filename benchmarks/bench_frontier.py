"""The frontier benchmark: the SAT path against what a user would pick instead.

A fixed suite of cells (``suite()``), each chosen so that the best tool needs
about a second or more, mixing SAT and UNSAT answers, explicit mode,
superposed mode with given codes, free codes, families (shared free codes)
and the representation question, ReLU and step, one and two hidden layers.
Every tool runs on every cell in its own process with the same hard
wall-clock limit (``--limit``; the process is killed when it passes):

==============  =============================================================
tool            what runs
==============  =============================================================
``ours``        ``decide`` / ``decide_family`` (CNF, CaDiCaL), no proof
``ours+proof``  the same, every UNSAT's DRAT proof logged *and checked*
``z3``          the literal z3 model (``encode_smt``), ``z3.Solver()``
``z3-qffd``     the same formula, ``z3.SolverFor("QF_FD")``
``cpsat-1``     the literal CP-SAT model (``peers/cpsat_model.py``), 1 worker
``cpsat-2``     the same, 2 workers
==============  =============================================================

plus, with ``--variants``, the speed variants measured in the same run (see
``VARIANTS``). Families go to the peers as one formula over all members;
ours runs its counterexample-guided loop over members.

Checks, all failing loudly (exit status 3, ``!!!`` on stderr):

* every SAT network from any tool is verified over the whole domain by the
  exact verifier (a family: every member, with the one shared code);
* two tools giving SAT and UNSAT on one cell.

Score per tool: cells decided, PAR-2 (mean over cells of the seconds, an
undecided cell counting ``2 x limit``), and each tool's PAR-2 over ours; per
cell the fastest peer and how much faster than ours it is.

Results accumulate in ``benchmarks/results/frontier.jsonl`` (one record per
cell and tool, the newest wins), so the suite can be run in slices
(``--cells``) that each stay short; ``--report`` rewrites
``benchmarks/results/frontier.md`` from the records.

Usage::

    python benchmarks/bench_frontier.py --quick            # 3-cell smoke run, 10 s
    python benchmarks/bench_frontier.py --limit 60 --cells expl
    python benchmarks/bench_frontier.py --tools ours,z3 --limit 20
    python benchmarks/bench_frontier.py --report           # table from the records
"""

from superpos_formal.options import SolveOptions
import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peers.z3_model import solve_z3  # noqa: E402

from superpos_formal.codes import input_code_conflicts, random_codes  # noqa: E402
from superpos_formal.errors import SoundnessError  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.solve.runner import run_limited  # noqa: E402
from superpos_formal.tasks import (and_pairs, identity, pair_set_family,  # noqa: E402
                                   permutation, permutation_family, uand)
from superpos_formal.verify import check_compatible, verify  # noqa: E402

RESULTS = HERE / "results"
RECORDS = RESULTS / "frontier.jsonl"
PEERS = ("z3", "z3-qffd", "cpsat-1", "cpsat-2")
OURS = ("ours", "ours+proof")
TOOLS = OURS + PEERS
#: the commit whose package ``ours-prev`` runs: main at the start of the
#: 2026-11-26 04:00 session (the defaults before the no-symmetry racer and
#: the per-process free-core probe)
PREV_COMMIT = "5e8b62a"
#: speed variants of the SAT path, run with --variants or named in --tools
#: (name -> keyword arguments on instance cells ``kw`` and on family cells
#: ``family_kw``; a variant without one of them skips those cells).
#: ``ours-prev`` is not keyword arguments but the package at PREV_COMMIT,
#: with its own defaults (``"prev": True``; :func:`_prev_tree`)
_PREV_RACE = {"portfolio": ("default", "sat"), "stagger": 1.0, "race_if_free": False}
VARIANTS = {
    "ours-prev": {"prev": True, "kw": {}, "family_kw": {},
                  "what": f"main at {PREV_COMMIT} (start of this session), its own "
                          "defaults: the --sat preset, CaDiCaL's default options joining "
                          "after 0.25 s if a core was free, niced time counted busy under "
                          "autogroup"},
    "ours-pair0": {"kw": {"portfolio": ("sat", "default"), "stagger": 0.25},
                   "only": lambda cell: cell.shape.L <= 1,
                   "what": "the new defaults but the previous second racer (CaDiCaL's "
                           "default options instead of the --sat preset without symmetry "
                           "breaks; L <= 1 cells, the others race the same pair)"},
    "ours-1125": {"kw": dict(_PREV_RACE, lift=False),
                  "family_kw": {"member_options": _PREV_RACE, "config": "default"},
                  "what": "the defaults of 2026-11-25: CaDiCaL default first, its "
                          "--sat preset joining after 1 s whatever the load, no depth lift; "
                          "families: CaDiCaL default options in the incremental loop"},
    "ours-dfirst": {"kw": {"portfolio": ("default", "sat"), "stagger": 0.25},
                    "family_kw": {"member_options": {"portfolio": ("default", "sat"),
                                                     "stagger": 0.25}},
                    "what": "the new defaults but the previous racer order (default first, "
                            "--sat preset after 0.25 s if a core is free)"},
    "ours-always": {"kw": {"race_if_free": False},
                    "family_kw": {"member_options": {"race_if_free": False}},
                    "what": "the new defaults but the second racer starts whatever the load"},
    "ours-nolift": {"kw": {"lift": False}, "only": lambda cell: cell.shape.L >= 2,
                    "what": "the new defaults without the depth lift (L >= 2 cells)"},
    "ours-old": {"kw": {"sums": "tree", "portfolio": None, "lift": False},
                 "family_kw": {"incremental": False},
                 "what": "the defaults before 2026-11-25: order-tree sums and one CaDiCaL "
                         "run; families a fresh solve per CEGIS round"},
    "ours-sat": {"kw": {"config": "sat"}, "what": "one CaDiCaL run with its --sat option set"},
    "ours-race": {"kw": {"portfolio": ("default", "sat")},
                  "what": "default and --sat option sets raced in two processes from the start"},
    "ours-fresh": {"family_kw": {"incremental": False},
                   "what": "families: a fresh solve per CEGIS round"},
}
#: what ``ours`` is (the defaults of decide / decide_family)
OURS_WHAT = ("the defaults: sums=\"auto\" (binary adders for wide output sums), "
             "portfolio=\"auto\" (CaDiCaL's --sat preset; after 0.25 s, if a core was "
             "free meanwhile, the same preset on the formula without symmetry breaks, "
             "which answers only SAT and stops after 20k conflicts; with L >= 2, "
             "CaDiCaL's default options instead), depth lift (L >= 2: the "
             "L - 1 question first, its network followed by an identity layer), "
             "incremental family CEGIS with CaDiCaL's --sat preset")


# --------------------------------------------------------------------------
# the suite
# --------------------------------------------------------------------------


class Cell:
    """One question: a task (``family`` None) or a family, and a shape."""

    def __init__(self, name, shape, task=None, family=None):
        self.name, self.shape, self.task, self.family = name, shape, task, family

    @property
    def members(self):
        return [self.task] if self.family is None else list(self.family.members())


def _given(task, act, n, B, seed, k=2, L=1):
    E, R = random_codes(n, task.m, task.m_out, k=k, seed=seed)
    if input_code_conflicts(E, task):
        raise SystemExit(f"suite error: codes (n={n}, seed={seed}) conflict on {task.name}")
    return Shape("superposed", act, n=n, L=L, B=B, codes="given", E=E, R=R)


def _free(act, n, B=1, L=1, B_code=None):
    return Shape("superposed", act, n=n, L=L, B=B, B_code=B_code, codes="free")


def _repr(n, B_code=1):
    return Shape("superposed", "relu", n=n, L=0, B=1, B_code=B_code, codes="free")


def suite():
    """The fixed suite. Names read ``task/setting/act[/L2]/n<width>/B<bound>``
    (``Bc`` = code bound); they are stable identifiers of the records."""
    cells = []

    def add(name, shape, task=None, family=None):
        cells.append(Cell(name, shape, task, family))

    E = "explicit"
    # explicit mode, one hidden layer
    add("uand6/expl/step/n5/B2", Shape(E, "step", n=5, B=2), uand(6))
    add("uand6/expl/step/n3/B2", Shape(E, "step", n=3, B=2), uand(6))
    add("uand6/expl/relu/n2/B2", Shape(E, "relu", n=2, B=2), uand(6))
    add("uand6/expl/relu/n3/B1", Shape(E, "relu", n=3, B=1), uand(6))
    add("uand5/expl/relu/n3/B1", Shape(E, "relu", n=3, B=1), uand(5))
    add("uand5/expl/relu/n2/B2", Shape(E, "relu", n=2, B=2), uand(5))
    # explicit mode, two hidden layers (the L2 n3 cells are SAT: the one-layer
    # width-3 network of uand(4), B = 2, then W2 = I, b2 = 0, which both
    # activations leave unchanged on their own outputs)
    add("uand4/expl/relu/L2/n2/B1", Shape(E, "relu", n=2, L=2, B=1), uand(4))
    add("uand5/expl/step/L2/n3/B1", Shape(E, "step", n=3, L=2, B=1), uand(5))
    add("uand4/expl/step/L2/n3/B2", Shape(E, "step", n=3, L=2, B=2), uand(4))
    add("uand4/expl/relu/L2/n3/B2", Shape(E, "relu", n=3, L=2, B=2), uand(4))
    # superposed, given random codes
    u4 = uand(4)
    add("uand4/sup-given/step/n4/B2", _given(u4, "step", 4, 2, seed=0), u4)
    perm5 = permutation(5, [1, 2, 3, 4, 0], s=1)
    add("perm5/sup-given/relu/n4/B2", _given(perm5, "relu", 4, 2, seed=1), perm5)
    perm6 = permutation(6, [1, 0, 3, 2, 5, 4], s=1)
    add("perm6/sup-given/step/n4/B1", _given(perm6, "step", 4, 1, seed=2), perm6)
    add("perm6/sup-given/relu/n4/B1", _given(perm6, "relu", 4, 1, seed=2), perm6)
    a3 = and_pairs(6, [(0, 1), (2, 3), (4, 5)])
    add("and3p/m6/sup-given/step/n4/B1", _given(a3, "step", 4, 1, seed=0), a3)
    # superposed, free codes, one task
    add("and3p/m6/free/step/n3/B1", _free("step", 3), a3)
    # families: one shared free code
    add("perms4/fam/relu/n2/B1", _free("relu", 2), family=permutation_family(4))
    add("perms4/fam/relu/n3/B1", _free("relu", 3), family=permutation_family(4))
    add("perms5/fam/relu/n2/B1", _free("relu", 2), family=permutation_family(5))
    add("perms5/fam/relu/n3/B1", _free("relu", 3), family=permutation_family(5))
    add("and2sets4/fam/relu/n2/B1", _free("relu", 2), family=pair_set_family(4, 2))
    add("and1sets4/fam/relu/n3/B1", _free("relu", 3), family=pair_set_family(4, 1))
    # representation (L = 0, free codes)
    add("id8/repr/n3/Bc1", _repr(3, 1), identity(8))
    add("id9/repr/n3/Bc1", _repr(3, 1), identity(9))
    add("id7/repr/n3/Bc2", _repr(3, 2), identity(7))
    add("id6s2/repr/n4/Bc1", _repr(4, 1), identity(6, s=2))
    return cells


QUICK = ("uand5/expl/relu/n2/B2", "and3p/m6/free/step/n3/B1", "id8/repr/n3/Bc1")


# --------------------------------------------------------------------------
# running one tool on one cell
# --------------------------------------------------------------------------


def _peer_child(tool, members, shape, limit):
    if tool.startswith("cpsat"):
        from peers.cpsat_model import solve_cpsat
        return solve_cpsat(members, shape, workers=int(tool.split("-")[1]), time_limit=limit)
    return solve_z3(members, shape, tactic="qffd" if tool == "z3-qffd" else "default",
                    time_limit=limit)


def check_answer(cell, tool, E, R, nets):
    """Verify a SAT answer exactly; raise SoundnessError on any failure."""
    members = cell.members
    if len(nets) != len(members):
        raise SoundnessError(f"{tool} on {cell.name}: {len(nets)} networks for "
                             f"{len(members)} members")
    for t, net in zip(members, nets):
        check_compatible(net, t)
        if cell.family is not None and (net.E != tuple(map(tuple, E))
                                        or net.R != tuple(map(tuple, R))):
            raise SoundnessError(f"{tool} on {cell.name}: member {t.name} does not use "
                                 f"the shared code")
        v = verify(net, t, tolerance=cell.shape.tolerance)
        if not v.ok:
            raise SoundnessError(f"{tool} on {cell.name}: network for {t.name} fails "
                                 f"exact verification ({v.errors} wrong bits, first "
                                 f"{v.counterexamples[0]})")


def _child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_tool(cell, tool, limit):
    """``{"status", "seconds", "cpu", "note"}`` of one tool on one cell.

    ``cpu`` is the CPU time of the tool's (finished) child processes: on a
    loaded machine it moves less than wall clock, and it shows what a
    multi-worker solver spends.
    """
    spec = VARIANTS.get(tool)
    if spec is not None and _variant_kw(spec, cell) is None:
        return None  # a variant of the instance path on a family, or vice versa
    c0 = _child_cpu()
    r = _run_tool(cell, tool, limit)
    r["cpu"] = round(_child_cpu() - c0, 3)
    return r


def _variant_kw(spec, cell):
    if "only" in spec and not spec["only"](cell):
        return None
    return spec.get("family_kw" if cell.family is not None else "kw")


def _prev_tree():
    """A directory holding ``superpos_formal`` as of PREV_COMMIT (extracted
    once per run by ``git archive`` into a temporary directory)."""
    global _PREV_DIR
    if _PREV_DIR is None:
        import subprocess
        import tempfile
        d = tempfile.mkdtemp(prefix="frontier-prev-")
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", PREV_COMMIT,
                                  "superpos_formal"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", d], input=archive, check=True)
        _PREV_DIR = d
    return _PREV_DIR


_PREV_DIR = None


def _ours_child(tool, cell_name, limit, prev_dir):
    """In a forked child: import the package afresh (this worktree's, or
    PREV_COMMIT's from ``prev_dir``), rebuild the cell with it and run
    ``decide`` / ``decide_family`` with the tool's options.

    Every variant of the SAT path runs this way, so ``ours`` and
    ``ours-prev`` are measured alike: measured in the benchmark's own
    process (modules inherited from a large parent), the same call took
    about 0.05 s longer on every small cell than after a fresh import in
    the child (and3p free step: 0.15 s against 0.10 s, either package).
    Returns a dict; ``import_seconds`` is what the parent subtracts."""
    t0 = time.perf_counter()
    for name in [m for m in sys.modules if m == "superpos_formal"
                 or m.startswith("superpos_formal.") or m == "bench_frontier"]:
        del sys.modules[name]
    if prev_dir:
        sys.path.insert(0, prev_dir)
    import bench_frontier as fresh  # the suite, built with the fresh package
    import superpos_formal
    from superpos_formal.certify.proofcheck.unsat import check_unsat as fresh_check
    from superpos_formal.solve.family import decide_family as fresh_family
    from superpos_formal.solve.search import decide as fresh_decide
    if prev_dir and not superpos_formal.__file__.startswith(prev_dir):
        raise RuntimeError(f"{tool} imported {superpos_formal.__file__}")
    cell = next(c for c in fresh.suite() if c.name == cell_name)
    spec = None if prev_dir else fresh.VARIANTS.get(tool)
    kw = fresh._variant_kw(spec, cell) if spec is not None else {}
    check = fresh_check if tool.endswith("+proof") else None
    imported = time.perf_counter() - t0
    out = {"import_seconds": imported, "note": "", "E": None, "R": None, "nets": None}
    if cell.family is None:
        rest, o = SolveOptions.split(kw)
        r = fresh_decide(cell.task, cell.shape, SolveOptions(time_limit=limit, budget=limit, **o),
                         checker=check, **rest)
        if r.status == "SAT":
            out.update(E=r.network.E, R=r.network.R, nets=[r.network.to_dict()])
        # which racer answered (and at which depth, for a lifted answer)
        won = r.info.get("config")
        if won:
            out["note"] = f"won by {won}" + (f" at L={r.info['lifted_from_L']}"
                                             if r.info.get("lifted_from_L") else "")
    else:
        rest, o = SolveOptions.split(kw)
        r = fresh_family(cell.family, cell.shape, SolveOptions(time_limit=limit, budget=limit, **o),
                         checker=check, **rest)
        if r.status == "SAT":
            E, R = r.codes
            out.update(E=E, R=R, nets=[n.to_dict() for n in r.networks])
        out["note"] = f"{r.rounds} rounds"
    out.update(status=str(r.status), certified=bool(getattr(r, "certified", False)),
               check_note=getattr(r, "check_note", ""))
    return out


def _run_ours(cell, tool, limit):
    """``ours``, ``ours+proof`` and the variants: :func:`_ours_child` in a
    forked child; seconds = the child's wall time (fork, solve, answer)
    minus its import time, as for the peers (whose child runs from fork to
    answer)."""
    from superpos_formal.schema import network_from_dict
    prev = VARIANTS.get(tool, {}).get("prev")
    prev_dir = _prev_tree() if prev else None  # extracted outside the timing
    t0 = time.perf_counter()
    # the limit bounds the solve; a proof check may run past it (then the
    # answer does not count), so the child gets room for the check
    done, out = run_limited(_ours_child, tool, cell.name, limit, prev_dir,
                            time_limit=2 * limit + 30)
    if not done:
        return {"status": "UNKNOWN", "seconds": limit, "note": "killed at 2 x limit + 30 s"}
    dt = time.perf_counter() - t0 - out["import_seconds"]
    status, note = out["status"], out["note"]
    if status == "SAT":
        check_answer(cell, tool, out["E"], out["R"],
                     [network_from_dict(n) for n in out["nets"]])
    if status == "UNSAT" and tool.endswith("+proof") and not out["certified"]:
        note = (note + "; " if note else "") + f"proof not checked: {out['check_note']}"
    if status != "UNKNOWN" and dt > limit:
        # the limit bounds the solve; checking the proof afterwards is part
        # of this tool's answer, so an answer past the limit does not count
        note = (note + "; " if note else "") + f"{status} after {dt:.1f} s, past the limit"
        status = "UNKNOWN"
    if status == "UNKNOWN":
        dt = limit
    return {"status": status, "seconds": round(dt, 3), "note": note}


def _run_tool(cell, tool, limit):
    t0 = time.perf_counter()
    if tool in OURS or tool in VARIANTS:
        return _run_ours(cell, tool, limit)
    try:
        done, out = run_limited(_peer_child, tool, cell.members, cell.shape, limit,
                                time_limit=limit)
    except Exception as e:
        return {"status": "ERROR", "seconds": round(time.perf_counter() - t0, 3),
                "note": f"{type(e).__name__}: {e}"[:160]}
    dt = time.perf_counter() - t0
    if not done:
        return {"status": "UNKNOWN", "seconds": limit, "note": "killed at the limit"}
    status, sol, stats = out
    if status == "SAT":
        check_answer(cell, tool, *sol)
    return {"status": status, "seconds": round(dt if status != "UNKNOWN" else limit, 3),
            "note": "" if status != "UNKNOWN" else "solver's own limit"}


# --------------------------------------------------------------------------
# records, scores, the table
# --------------------------------------------------------------------------


def load_records(path=RECORDS):
    """Newest record per (cell, tool)."""
    recs = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                recs[(r["cell"], r["tool"])] = r
    return recs


def decided(r):
    return r is not None and r["status"] in ("SAT", "UNSAT")


def par2(recs, cells, tool, limit):
    """Mean PAR-2 over ``cells`` (None when the tool has no record on one)."""
    tot = 0.0
    for c in cells:
        r = recs.get((c, tool))
        if r is None:
            return None
        tot += r["seconds"] if decided(r) else 2 * limit
    return tot / len(cells)


def disagreements(recs, cells, tools):
    out = []
    for c in cells:
        ans = {t: recs[(c, t)]["status"] for t in tools
               if decided(recs.get((c, t)))}
        if len(set(ans.values())) > 1:
            out.append((c, ans))
    return out


def _fmt(r):
    if r is None:
        return "n/a"
    if decided(r):
        return f"{r['seconds']:.2f}"
    return {"UNKNOWN": "TO", "ERROR": "ERR"}.get(r["status"], r["status"])


def _environment():
    import pysat
    import z3
    try:
        import ortools
        ov = ortools.__version__
    except ImportError:
        ov = "not installed"
    return (f"python {platform.python_version()}, python-sat {pysat.__version__} "
            f"(CaDiCaL 1.9.5), z3 {z3.get_version_string()}, OR-Tools {ov}; "
            f"{os.cpu_count()} CPUs ({_cpu()}), {platform.machine()}, {platform.system()}")


def _cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def report(recs, cells, tools, limit, header=""):
    """The Markdown report (a string) and the list of disagreements."""
    names = [c.name for c in cells]
    lines = ["# Frontier benchmark: the SAT path against z3 and OR-Tools CP-SAT", ""]
    if header:
        lines += [header, ""]
    lines += ["| cell | answer | " + " | ".join(tools) + " | ours / fastest peer |",
              "|---|---|" + "---|" * len(tools) + "---|"]
    worst = []
    for c in names:
        rs = {t: recs.get((c, t)) for t in tools}
        ans = {r["status"] for r in rs.values() if decided(r)}
        answer = ans.pop() if len(ans) == 1 else ("CONFLICT" if ans else "?")
        peer = [(rs[t]["seconds"], t) for t in PEERS if t in tools and decided(rs[t])]
        ours = rs.get("ours")
        if peer and decided(ours):
            best_s, best_t = min(peer)
            ratio = f"{ours['seconds'] / max(best_s, 1e-3):.2f} ({best_t})"
            worst.append((ours["seconds"] / max(best_s, 1e-3), c, best_t))
        elif peer:
            best_s, best_t = min(peer)
            ratio = f"ours TO ({best_t} {best_s:.2f})"
            worst.append((float("inf"), c, best_t))
        else:
            ratio = "no peer decided"
        lines.append(f"| {c} | {answer} | " + " | ".join(_fmt(rs[t]) for t in tools)
                     + f" | {ratio} |")
    lines += ["", "Seconds are wall clock per process (encode + solve + decode; for the SAT "
              "path from the fork of its child to its answer, the child's fresh import of "
              "the package excluded; "
              "`ours+proof` includes writing and checking the DRAT proof; CPU s = the "
              "tool's child processes' CPU seconds over the cells it ran). "
              "TO = limit reached, ERR = the tool failed on the cell, n/a = not run. "
              "The last column is ours / fastest peer's time: above 1 a peer was faster.",
              "", f"`ours` = {OURS_WHAT}.",
              "", "| tool | cells decided | PAR-2 (s) | PAR-2 / ours | CPU s (sum) |",
              "|---|---|---|---|---|"]
    p_ours = par2(recs, names, "ours", limit)
    for t in tools:
        p = par2(recs, names, t, limit)
        n_dec = sum(decided(recs.get((c, t))) for c in names)
        rel = f"{p / p_ours:.2f}" if p is not None and p_ours else "-"
        cpu = [recs[(c, t)].get("cpu") for c in names if (c, t) in recs]
        cpu = "-" if not cpu or None in cpu else f"{sum(cpu):.1f}"
        lines.append(f"| {t} | {n_dec} / {len(names)} | "
                     f"{'-' if p is None else f'{p:.2f}'} | {rel} | {cpu} |")
    var = [t for t in tools if t in VARIANTS]
    if var:
        lines += ["", "Speed variants of the SAT path, same run, over the cells each applies to "
                  "(ratio = ours PAR-2 / variant PAR-2 on those cells; above 1 the variant "
                  "is faster):", "", "| variant | what | cells | decided | PAR-2 (s) | "
                  "ours on them: decided, PAR-2 (s) | ratio |", "|---|---|---|---|---|---|---|"]
        for t in var:
            on = [c for c in names if (c, t) in recs]
            if not on:
                continue
            pv, po = par2(recs, on, t, limit), par2(recs, on, "ours", limit)
            dv = sum(decided(recs.get((c, t))) for c in on)
            do = sum(decided(recs.get((c, "ours"))) for c in on)
            lines.append(f"| {t} | {VARIANTS[t]['what']} | {len(on)} | {dv} | {pv:.2f} | "
                         f"{do}, {'-' if po is None else f'{po:.2f}'} | "
                         f"{'-' if not po or not pv else f'{po / pv:.2f}'} |")
    peer_p = [(par2(recs, names, t, limit), t) for t in PEERS if t in tools]
    peer_p = [x for x in peer_p if x[0] is not None]
    lines.append("")
    if peer_p and p_ours:
        bp, bt = min(peer_p)
        lines.append(f"- best peer by PAR-2: {bt} ({bp:.2f} s); its PAR-2 / ours = "
                     f"{bp / p_ours:.2f} (goal: >= 10)")
    missed = [c for c in names if not decided(recs.get((c, "ours")))
              and any(decided(recs.get((c, t))) for t in PEERS if t in tools)]
    lines.append(f"- cells a peer decided and ours did not: {', '.join(missed) or 'none'}")
    slow = sorted([w for w in worst if w[0] > 2], reverse=True)
    lines.append("- cells where a peer was more than 2x faster than ours: "
                 + (", ".join(f"{c} ({t}, {'inf' if r == float('inf') else f'{r:.1f}'}x)"
                              for r, c, t in slow) or "none"))
    dis = disagreements(recs, names, tools)
    for c, ans in dis:
        lines.append(f"- !!! DISAGREEMENT on {c}: {ans}")
    return "\n".join(lines) + "\n", dis


def record(r, cell, tool, limit, records):
    """Append one run's record to ``records`` (JSON lines) and return its
    entry of the progress row (``tool=seconds/STATUS``)."""
    r.update(cell=cell.name, tool=tool, limit=limit, at=time.strftime("%Y-%m-%d %H:%M:%S"))
    with open(records, "a") as fh:
        fh.write(json.dumps(r) + "\n")
    return f"{tool}={_fmt(r)}{'/' + r['status'] if decided(r) else ''}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per run (default 60)")
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke run: {', '.join(QUICK)}, 10 s limit, no records kept")
    ap.add_argument("--cells", default=None,
                    help="only cells whose name contains one of these (comma-separated)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tools")
    ap.add_argument("--variants", action="store_true", help="also run " + ", ".join(VARIANTS))
    ap.add_argument("--report", action="store_true", help="only rewrite the table")
    ap.add_argument("--missing", action="store_true",
                    help="only the (cell, tool) pairs that have no record yet")
    ap.add_argument("--note", default="", help="a line for the report (load, etc.)")
    ap.add_argument("--notes-file", default=None,
                    help="Markdown appended to the report under 'Notes' (what the "
                         "run shows, written after it)")
    a = ap.parse_args(argv)

    cells = suite()
    tools = [t for t in a.tools.split(",") if t]
    if a.variants:
        tools += list(VARIANTS)
    bad = [t for t in tools if t not in TOOLS and t not in VARIANTS]
    if bad:
        raise SystemExit(f"unknown tool(s): {', '.join(bad)}")
    if a.quick:
        cells = [c for c in cells if c.name in QUICK]
        a.limit = min(a.limit, 10.0)
    if a.cells:
        keys = a.cells.split(",")
        cells = [c for c in cells if any(k in c.name for k in keys)]
    if not cells:
        raise SystemExit("no cell selected")
    records = RESULTS / "frontier_quick.jsonl" if a.quick else RECORDS
    if a.quick and records.exists():
        records.unlink()
    RESULTS.mkdir(parents=True, exist_ok=True)

    if not a.report:
        print(f"{len(cells)} cells x {len(tools)} tools, limit {a.limit:g} s", flush=True)
        have = load_records(records) if a.missing else {}
        for c in cells:
            row = []
            for t in tools:
                if (c.name, t) in have:
                    continue
                r = run_tool(c, t, a.limit)
                if r is None:
                    continue
                row.append(record(r, c, t, a.limit, records))
            print(f"{c.name:34s} " + "  ".join(row), flush=True)
    recs = load_records(records)
    all_cells = suite() if not a.quick else cells
    limits = {r["limit"] for r in recs.values()}
    if len(limits) > 1:
        print(f"note: records mix limits {sorted(limits)}; PAR-2 uses {a.limit:g}",
              file=sys.stderr)
    have_tools = [t for t in TOOLS + tuple(VARIANTS)
                  if any((c.name, t) in recs for c in all_cells)]
    header = (f"{time.strftime('%Y-%m-%d %H:%M')} UTC; {_environment()}; limit "
              f"{a.limit:g} s per run, every tool in its own process"
              + (f"; {a.note}" if a.note else ""))
    text, dis = report(recs, all_cells, have_tools, a.limit, header)
    if a.notes_file:
        try:
            notes = Path(a.notes_file).read_text()
        except OSError as e:
            raise SystemExit(f"--notes-file: cannot read {a.notes_file}: {e.strerror}")
        text += "\n## Notes\n\n" + notes.strip() + "\n"
    out = RESULTS / ("frontier_quick.md" if a.quick else "frontier.md")
    out.write_text(text)
    print()
    print(text)
    print(f"wrote {out}")
    if dis:
        for c, ans in dis:
            print(f"!!! DISAGREEMENT on {c}: {ans}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SoundnessError as e:
        print(f"!!! SOUNDNESS FAILURE: {e}", file=sys.stderr)
        sys.exit(3)
