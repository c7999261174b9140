"""Main's member-CEGIS loop against the orbit method, same run (issue 25).

For every cell of ``search/families.json`` (plus permutations of 5 at
``n = 3``, the cell of ``search/families-long.json``) the question at the
committed minimum width (the SAT answer: ``search/results/families*.md``)
is decided twice, one after the other:

* ``loop``: :func:`superpos_formal.solve.family.decide_family` as main runs
  it (incremental, defaults), capped at ``--cap`` seconds (``--cap-long``
  for permutations of 5 at n = 3, whose committed uncapped run took 876 s);
* ``orbits``: :func:`superpos_formal.solve.equivariant.decide_family_orbits`
  (an equivariant code first, every member verified; where no code group
  applies, or none gives SAT, the same loop), capped the same way.

With ``--methods`` the named methods (every ``family_method``: cegis = main's
loop, orbits, far, orbits-far, sep, orbits-sep; and loop variants) are run
interleaved per cell, ``--repeat`` times each, in one run; session 3's table
(benchmarks/results/family-method.md) is
``--methods cegis,orbits-far,orbits-sep --repeat 2 --cap 120``.

Both SAT answers are checked member by member by the code under test
(the exhaustive verifier); this script re-checks the orbit answer's
networks with :func:`~superpos_formal.verify.verify` itself. Seconds are
wall clock on whatever load there is: ``uptime`` is printed first and last.

Run:  /work/bin/bg python benchmarks/family_method.py [--cap 120] [--cap-long 300]
      [--only perm] [--json out/family-method.jsonl]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from superpos_formal.options import FAMILY_METHODS, SolveOptions  # noqa: E402
from superpos_formal.results import Status  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.solve.equivariant import decide_family_orbits, family_decider  # noqa: E402
from superpos_formal.solve.family import MemberChoice, decide_family  # noqa: E402
from superpos_formal.tasks import pair_set_family, permutation_family  # noqa: E402
from superpos_formal.verify import verify  # noqa: E402

#: the committed minimum width of each cell (search/results/families.md,
#: families-long.md): the SAT answer both methods are timed on
MINIMA = {("permutations", 2, 2): 1, ("permutations", 3, 3): 2,
          ("permutations", 4, 4): 3, ("permutations", 5, 5): 3,
          ("pair-sets", 3, 1): 2, ("pair-sets", 3, 2): 2, ("pair-sets", 3, 3): 3,
          ("pair-sets", 4, 1): 3, ("pair-sets", 4, 2): 3, ("pair-sets", 4, 3): 3,
          ("pair-sets", 5, 2): 3}


def cells(root):
    with open(os.path.join(root, "search", "families.json")) as fh:
        camp = json.load(fh)
    out = []
    for c in camp["cells"]:
        f = c["family"]
        m_out = f.get("m_out", f["m"])
        fam = (permutation_family(f["m"], f["s"]) if f["kind"] == "permutations"
               else pair_set_family(f["m"], m_out, f["s"]))
        n = MINIMA[(f["kind"], f["m"], m_out)]
        sh = c["shape"]
        shape = Shape(sh["mode"], sh["activation"], n=n, L=1, B=sh["B"],
                      B_bias=sh["B_bias"], B_code=sh["B_code"], theta=1, codes=sh["codes"])
        out.append((fam, shape))
    return out


def _loop(pick):
    def f(fam, shape, cap):
        return decide_family(fam, shape, SolveOptions(time_limit=cap, budget=cap),
                             choice=pick)
    return f


def _method(name):
    def f(fam, shape, cap):
        return family_decider(name)(fam, shape, SolveOptions(time_limit=cap, budget=cap))
    return f


#: the methods ``--methods`` can compare (interleaved, ``--repeat`` times):
#: the ``family_method`` values (cegis = main's loop) and the loop with other
#: counterexample choices (solve.family.MemberChoice: order, batch)
METHODS = {name: _method(name) for name in FAMILY_METHODS}
METHODS.update({"far-batch1": _loop(MemberChoice("far", 1)),
                "batch2": _loop(MemberChoice("index", 2)),
                "far-batch3": _loop(MemberChoice("far", 3)),
                "index-sep": _loop(MemberChoice("index", 1, separate=True))})


def compare(cells_, names, cap, repeat, only, json_path):
    """Each cell: the methods in turn (A, B, ..., A, B, ...) ``repeat`` times;
    one row per cell with every run's seconds (and rounds), the median CPU
    seconds, and the median ratio of the first method to each other (wall,
    PAR-2 at the cap; CPU in brackets)."""
    import statistics
    print("| family | n | " + " | ".join(names) + " | " +
          " | ".join(f"{names[0]}/{m}" for m in names[1:]) + " |")
    print("|---|---|" + "---|" * (2 * len(names) - 1))
    for fam, shape in cells_:
        if only and only not in fam.name:
            continue
        runs = {m: [] for m in names}
        for _ in range(repeat):
            for m in names:
                c0, t0 = _cpu(), time.perf_counter()
                cell = METHODS[m](fam, shape, cap)
                dt = time.perf_counter() - t0
                cpu = _cpu() - c0
                if cell.status == Status.SAT:
                    bad = [t.name for t, net in zip(fam.member_list(), cell.networks)
                           if not verify(net, t).ok]
                    if bad or len(cell.networks) != fam.size:
                        raise SystemExit(f"{m}: answer fails members {bad[:3]}")
                runs[m].append((dt, str(cell.status), cell.rounds, cpu))
                if json_path:
                    with open(json_path, "a") as fh:
                        fh.write(json.dumps({"family": fam.to_dict(), "n": shape.n,
                                             "method": m, "seconds": dt,
                                             "status": str(cell.status),
                                             "rounds": cell.rounds, "cap": cap,
                                             "cpu": cpu}) + "\n")
        med = {m: statistics.median(r[0] if r[1] == "SAT" else 2 * cap for r in runs[m])
               for m in names}
        cpu = {m: statistics.median(r[3] for r in runs[m]) for m in names}
        cols = [", ".join(f"{d:.1f}{'' if st == 'SAT' else ' ' + st}/{k}r"
                          for d, st, k, _ in runs[m])
                + f" (cpu {cpu[m]:.2f})" for m in names]
        ratios = [f"{med[names[0]] / med[m]:.2f}x (cpu {cpu[names[0]] / cpu[m]:.1f}x)"
                  for m in names[1:]]
        print(f"| {fam.name} | {shape.n} | " + " | ".join(cols) + " | " + " | ".join(ratios)
              + " |", flush=True)


def _cpu():
    """CPU seconds of this process and its reaped children (the solver
    children each method starts): less sensitive to the machine's load than
    wall time (a killed child's own children are not counted)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(fn, cap):
    t0 = time.perf_counter()
    cell = fn(cap)
    return cell, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cap", type=float, default=120.0, help="seconds per method and cell")
    ap.add_argument("--cap-long", type=float, default=300.0,
                    help="loop cap for permutations of 5 at n = 3 (committed: 876 s)")
    ap.add_argument("--only", default=None, help="only cells whose family name contains this")
    ap.add_argument("--json", default=None, help="also append one JSON line per cell here")
    ap.add_argument("--methods", default=None,
                    help="compare these (comma-separated, of " + ", ".join(METHODS) +
                    ") interleaved instead of the loop/orbits table")
    ap.add_argument("--repeat", type=int, default=2, help="runs per method and cell (--methods)")
    a = ap.parse_args(argv)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    print(f"load at start: {uptime()}")
    if a.methods:
        names = a.methods.split(",")
        bad = [m for m in names if m not in METHODS]
        if bad:
            raise SystemExit(f"unknown methods {bad} (of {', '.join(METHODS)})")
        compare(cells(root), names, a.cap, a.repeat, a.only, a.json)
        print(f"load at end: {uptime()}")
        return
    print("| family | n | loop s | loop | orbits s | orbits | how (orbits) | loop/orbits |")
    print("|---|---|---|---|---|---|---|---|")
    for fam, shape in cells(root):
        if a.only and a.only not in fam.name:
            continue
        long = fam.kind == "permutations" and fam.m == 5
        cap = a.cap_long if long else a.cap
        lc, lt = run(lambda c: decide_family(fam, shape, SolveOptions(time_limit=c, budget=c)), cap)
        oc, ot = run(lambda c: decide_family_orbits(fam, shape, SolveOptions(time_limit=c, budget=c)), a.cap)
        if oc.status == Status.SAT:
            bad = [t.name for t, net in zip(fam.member_list(), oc.networks)
                   if not verify(net, t).ok]
            if bad or len(oc.networks) != fam.size:
                raise SystemExit(f"orbit answer fails members {bad[:3]}")
        how = (f"{oc.info['group']} ({oc.info['members']} reps)" if oc.info.get("method") ==
               "orbits" else "loop (no equivariant code)")
        ls = f">{cap:.0f}" if lc.status == Status.UNKNOWN else f"{lt:.2f}"
        os_ = f">{a.cap:.0f}" if oc.status == Status.UNKNOWN else f"{ot:.2f}"
        ratio = (f"{lt / ot:.1f}x" if oc.status == Status.SAT else "-")
        if lc.status == Status.UNKNOWN and oc.status == Status.SAT:
            ratio = f">{cap / ot:.1f}x"
        print(f"| {fam.name} | {shape.n} | {ls} | {lc.status} | {os_} | {oc.status} | {how} "
              f"| {ratio} |", flush=True)
        if a.json:
            with open(a.json, "a") as fh:
                fh.write(json.dumps({"family": fam.to_dict(), "n": shape.n,
                                     "loop_s": lt, "loop": str(lc.status), "loop_cap": cap,
                                     "orbits_s": ot, "orbits": str(oc.status),
                                     "how": how, "timings": oc.info.get("timings"),
                                     "tried": oc.info.get("tried") or
                                     oc.info.get("orbits_tried")}) + "\n")
    print(f"load at end: {uptime()}")


if __name__ == "__main__":
    main()
