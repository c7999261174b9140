"""Scale-out benchmarks: runner overhead, campaign throughput, cube and conquer.

Three tables (Markdown on stdout and in benchmarks/results/scale*.md, CSV
beside it):

1. Runner overhead: N tiny cells (identity m=2, superposed free codes, L=0,
   B=1; SAT at n=1, one solve each) run into a fresh store by the plain loop
   in this process (``--workers 0``) and by a 2-worker LocalCluster.
2. Campaign throughput: M moderate cells (universal AND, explicit step and
   ReLU, B=1, several widths each) with 1 and 2 LocalCluster workers; the
   speed-up is the ratio of wall times.
3. Cube and conquer against the single solve on UNSAT cells that take the
   single solve more than 60 s (``HARD_CELLS``, or ``--hard``): the single
   solve (CaDiCaL with a DRAT proof, checked by dratify native), then the
   lookahead split (``--depth``, default 4) with 1 and 2 workers, and
   optionally the old sign split (``--sign-depth``, 2 workers). With
   ``--min-single 60 --need 3`` the candidates' single solves run first and
   the first three over 60 s (solve only, without the check) are the cells
   used; the others are reported as not used. Wall time; CPU in three
   parts, all process or thread CPU (never elapsed seconds): the solver
   processes, the DRAT checks, the rest (lookahead, cover proof, proof
   gzip); cube count, the longest cube, proof lines and gzipped bytes
   (summed over the cubes). The table header records the machine, the
   versions, this process's nice level, the command line and the load.

Run from the repository root (the machine is shared: say so with numbers):

    PYTHONPATH=$PWD python benchmarks/bench_scale.py            # full
    PYTHONPATH=$PWD python benchmarks/bench_scale.py --quick    # small sizes
    PYTHONPATH=$PWD nice -n 10 python benchmarks/bench_scale.py --parts cubes
    PYTHONPATH=$PWD python benchmarks/bench_scale.py --parts cubes --depth 3 \\
        --hard 6:step:4:2,7:step:4:2,8:step:4:2,9:step:4:2,10:step:4:2 \\
        --min-single 60 --need 3        # the committed table (nice 0)
"""

import argparse
import csv
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

from superpos_formal.certify.cubes import cube_and_conquer
from superpos_formal.certify.proofcheck.drat import check_drat, require_verified
from superpos_formal.distributed import run_campaign_store
from superpos_formal.encode.sat import encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

OUT = Path(__file__).resolve().parent / "results"


def cluster(n):
    c = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address="127.0.0.1:0", silence_logs=50)
    return Client(c)


def close(client):
    cl = client.cluster
    client.close()
    cl.close()


def campaign_file(d, name, cells, limit=600):
    p = Path(d) / f"{name}.json"
    p.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1, "name": name,
                             "time_limit": limit, "cells": cells}))
    return p


def tiny_cells(k):
    # distinct questions (the width range differs), each decided by one solve at n=1
    return [{"task": {"kind": "identity", "m": 2},
             "shape": {"mode": "superposed", "activation": "relu", "L": 0, "B": 1,
                       "codes": "free"}, "n_max": i + 1} for i in range(k)]


def moderate_cells(k):
    base = [({"kind": "uand", "m": m}, act) for m in (3, 4) for act in ("step", "relu")]
    out = []
    for i in range(k):
        t, act = base[i % len(base)]
        out.append({"task": t, "shape": {"mode": "explicit", "activation": act, "B": 1},
                    "n_max": 4 + i // len(base)})
    return out


def timed_run(path, store, **kw):
    t0 = time.perf_counter()
    s = run_campaign_store(path, store, quiet=True, **kw)
    assert s["failed"] == 0, s
    return time.perf_counter() - t0, s["run"]


def bench_overhead(d, n):
    rows = []
    p = campaign_file(d, "tiny", tiny_cells(n))
    wall, ran = timed_run(p, Path(d) / "loop.sqlite", workers=0)
    rows.append({"runner": "plain loop (this process)", "workers": 0, "cells": ran,
                 "wall_s": round(wall, 2), "ms_per_cell": round(1000 * wall / ran, 1)})
    t0 = time.perf_counter()
    client = cluster(2)
    start = time.perf_counter() - t0
    try:
        wall, ran = timed_run(p, Path(d) / "dask.sqlite", client=client)
    finally:
        close(client)
    rows.append({"runner": f"LocalCluster (start {start:.1f}s not included)", "workers": 2,
                 "cells": ran, "wall_s": round(wall, 2),
                 "ms_per_cell": round(1000 * wall / ran, 1)})
    return rows


def bench_throughput(d, n):
    rows = []
    p = campaign_file(d, "moderate", moderate_cells(n))
    for w in (1, 2):
        client = cluster(w)
        try:
            wall, ran = timed_run(p, Path(d) / f"thr{w}.sqlite", client=client)
        finally:
            close(client)
        rows.append({"workers": w, "cells": ran, "wall_s": round(wall, 2),
                     "cells_per_min": round(60 * ran / wall, 2)})
    rows[1]["speedup"] = round(rows[0]["wall_s"] / rows[1]["wall_s"], 2)
    rows[0]["speedup"] = 1.0
    return rows


def single_solve(task, shape, label, min_single=0.0):
    """The baseline: one CaDiCaL solve with a DRAT proof, checked by dratify
    native (in this process). CPU: the solver child's user+system seconds;
    the check's CPU is this thread's CPU during it (dratify native checks
    on the calling thread). Elapsed and CPU seconds are never added."""
    enc = encode_sat(task, shape)
    with tempfile.TemporaryDirectory() as d:
        pp = os.path.join(d, "p.drat")
        t0 = time.perf_counter()
        c0 = os.times()
        r = solve_cnf(enc.clauses, nvars=enc.nvars, proof_path=pp)
        c1 = os.times()
        assert r.status == "UNSAT", r.status
        t1, p0 = time.perf_counter(), time.thread_time()
        text = Path(pp).read_text()
        short = t1 - t0 < min_single
        if not short:  # a cell not used is not checked either (the CPU is for the others)
            require_verified(check_drat(enc, text=text, checkers=("native",)))
        t2, chk_cpu = time.perf_counter(), time.thread_time() - p0
        solve_cpu = (c1.children_user - c0.children_user) + (c1.children_system
                                                              - c0.children_system)
        method = (f"single solve (under {min_single:g} s: not used, proof not checked)"
                  if short else "single solve")
        return {"cell": label, "method": method, "workers": 1,
                "wall_s": round(t2 - t0, 1), "solve_wall_s": round(t1 - t0, 1),
                "check_wall_s": round(t2 - t1, 1),
                "solver_cpu_s": round(solve_cpu, 1), "check_cpu_s": round(chk_cpu, 1),
                "other_cpu_s": 0.0, "cpu_s": round(solve_cpu + chk_cpu, 1),
                "cubes": 1, "longest_cube_s": round(r.seconds, 1),
                "proof_lines": text.count("\n"),
                "proof_gz_bytes": len(gzip.compress(text.encode(), compresslevel=6,
                                                    mtime=0))}


def cube_row(res, label, method, w, driver_cpu):
    """One cube-and-conquer row. ``driver_cpu``: this thread's CPU over the
    run (encoding the formula, lookahead split, packing the formula for the
    workers, cover proof and its check, Dask driver work; the single solve's
    CPU does not include its encoding);
    ``other_cpu_s`` adds the workers' proof handling (gzip) to it."""
    assert res.status == "UNSAT", res.status
    other = driver_cpu + res.handling_cpu_seconds
    return {"cell": label, "method": method, "workers": w,
            "wall_s": round(res.seconds, 1), "solve_wall_s": "", "check_wall_s": "",
            "solver_cpu_s": round(res.solver_cpu_seconds, 1),
            "check_cpu_s": round(res.check_cpu_seconds, 1),
            "other_cpu_s": round(other, 1),
            "cpu_s": round(res.solver_cpu_seconds + res.check_cpu_seconds + other, 1),
            "cubes": len(res.cubes),
            "longest_cube_s": round(max(a.seconds for a in res.answers), 1),
            "proof_lines": sum(a.proof_lines for a in res.answers),
            "proof_gz_bytes": sum(len(a.proof_gz) for a in res.answers)}


def run_cubes(t, sh, client, **kw):
    c0 = time.thread_time()
    res = cube_and_conquer(t, sh, client=client, **kw)
    return res, time.thread_time() - c0


def bench_cubes(cells, depth, sign_depth, done=None, methods=("single", "1", "2"),
                need=None, min_single=0.0):
    """The single solve, then lookahead cubes with 1 and 2 workers (and with
    ``sign_depth`` the sign split, 2 workers); ``methods`` picks among
    ``single``, ``1``, ``2`` (workers). ``done(rows)`` after each row (the
    tables are written as they grow: a cut run keeps its rows).

    With ``min_single`` (seconds) the candidate ``cells`` are taken in
    order and their single solves run first: a cell whose solve (without
    the check) takes less wall time than ``min_single`` is reported as such
    (its proof is not checked) and not used; the first ``need`` cells that
    take longer are then run by cube and conquer. The clusters are started
    after the single solves, so they idle during none of them.
    """
    rows = []
    ws = [int(m) for m in methods if m != "single"]
    chosen = []
    for t, sh, label in cells:
        if need is not None and len(chosen) >= need:
            break
        if "single" in methods:
            r = single_solve(t, sh, label, min_single)
            rows.append(r)
            print(table(rows[-1:]), flush=True)
            if done:
                done(rows)
            if r["solve_wall_s"] < min_single:
                continue
        chosen.append((t, sh, label))
    clients = {w: cluster(w) for w in ws + ([2] if sign_depth and 2 not in ws else [])}
    try:
        for t, sh, label in chosen:
            for w in ws:
                res, drv = run_cubes(t, sh, clients[w], depth=depth)
                rows.append(cube_row(res, label, f"lookahead depth {depth}", w, drv))
                print(table(rows[-1:]), flush=True)
                if done:
                    done(rows)
            if sign_depth:
                res, drv = run_cubes(t, sh, clients[2], depth=sign_depth, split="sign")
                rows.append(cube_row(res, label, f"sign depth {sign_depth}", 2, drv))
                print(table(rows[-1:]), flush=True)
                if done:
                    done(rows)
    finally:
        for c in clients.values():
            close(c)
    return rows


HARD_CELLS = [
    (6, "step", 4, 2), (7, "step", 4, 2), (8, "step", 4, 2),
]


def table(rows):
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return "\n".join(out)


def write(name, rows, text):
    """The Markdown, and the rows as CSV: the cube rows (they name a
    ``cell``) in ``<name>_cubes.csv``, the others in ``<name>.csv``; a CSV
    whose part was not run this time is left as it is."""
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.md").write_text(text + "\n")
    cubes = [r for r in rows if "cell" in r]
    other = [r for r in rows if "cell" not in r]
    for path, part in ((OUT / f"{name}.csv", other), (OUT / f"{name}_cubes.csv", cubes)):
        if not part:
            continue
        keys = list(dict.fromkeys(k for r in part for k in r))
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, keys)
            w.writeheader()
            w.writerows(part)


def _sections(path):
    """``{heading: text}`` of the ``## `` sections of an earlier result file."""
    if not path.is_file():
        return {}
    out, cur = {}, None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            cur = line
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--tiny", type=int, default=None, help="tiny cells (default 200)")
    ap.add_argument("--moderate", type=int, default=None, help="moderate cells (default 8)")
    ap.add_argument("--parts", default="overhead,throughput,cubes",
                    help="comma-separated parts to run; the sections of parts not run "
                         "are kept from the existing result file")
    ap.add_argument("--depth", type=int, default=4, help="lookahead depth (default 4)")
    ap.add_argument("--methods", default="single,1,2",
                    help="which runs per cell: single (the single solve) and/or worker "
                         "counts of lookahead cube runs (default single,1,2)")
    ap.add_argument("--cells", default=None,
                    help="comma-separated indices into HARD_CELLS (default: all)")
    ap.add_argument("--need", type=int, default=None,
                    help="with --min-single: how many cells to run by cube and conquer")
    ap.add_argument("--min-single", type=float, default=0.0,
                    help="seconds: candidate cells whose single solve takes less wall "
                         "time are reported and not used (default 0: use every cell)")
    ap.add_argument("--hard", default=None, metavar="M:ACT:N:B,...",
                    help="the cube cells instead of HARD_CELLS: universal AND m, explicit "
                         "activation, width n, bound B (e.g. 6:step:4:2,7:step:4:2)")
    ap.add_argument("--name", default=None,
                    help="result file name (default scale / scale_quick); runs of "
                         "different --cells can go to different names and be joined "
                         "with --combine")
    ap.add_argument("--combine", default=None, metavar="NAME,NAME",
                    help="only write scale.md's cube section from the CSVs of these "
                         "earlier runs (in this order)")
    ap.add_argument("--sign-depth", type=int, default=0,
                    help="also run the sign split at this depth, 2 workers (0: not)")
    a = ap.parse_args()
    parts_run = set(a.parts.split(","))
    n_tiny = a.tiny or (20 if a.quick else 200)
    n_mod = a.moderate or (4 if a.quick else 8)
    name = a.name or ("scale_quick" if a.quick else "scale")
    if a.combine:
        return combine(a.combine.split(","), name)
    old = _sections(OUT / f"{name}.md")
    load = os.getloadavg()
    sections, rows = {}, []

    def emit(all_rows):
        print(_compose(name, old, sections, load, parts_run, all_rows), flush=True)
    with tempfile.TemporaryDirectory() as d:
        if "overhead" in parts_run:
            r1 = bench_overhead(d, n_tiny)
            rows += r1
            sections[f"## Runner overhead: {n_tiny} tiny cells"] = table(r1)
        if "throughput" in parts_run:
            r2 = bench_throughput(d, n_mod)
            rows += r2
            sections[f"## Campaign throughput: {n_mod} moderate cells"] = table(r2)
    if "cubes" in parts_run:
        if a.quick:
            cells = [(uand(4), Shape(mode="explicit", activation="step", n=2, B=1),
                      "uand m=4 explicit step n=2 B=1")]
        else:
            hard = HARD_CELLS
            if a.hard:
                hard = [(int(m), act, int(n), int(B)) for m, act, n, B in
                        (x.split(":") for x in a.hard.split(","))]
            cells = [(uand(m), Shape(mode="explicit", activation=act, n=n, B=B),
                      f"uand m={m} explicit {act} n={n} B={B}") for m, act, n, B in hard]
            if a.cells:
                cells = [cells[int(i)] for i in a.cells.split(",")]
        heading = CUBE_HEADING

        def done(r3):
            end = os.getloadavg()
            sections[heading] = (
                f"{run_context()}\n\nLoad averages (1, 5, 15 min) "
                f"{_load(load)} at the start of this part, {_load(end)} after its last "
                f"cell. Timing columns: `wall_s` elapsed for the whole method (single "
                f"solve: solve plus check; cubes: lookahead, cubes with their checks on "
                f"the workers, cover proof; the LocalCluster was started before and is "
                f"not counted); `solver_cpu_s` CPU (user+system) of the solver "
                f"processes; `check_cpu_s` CPU of the DRAT checks (dratify native, on "
                f"the checking thread; per cube on its worker); `other_cpu_s` the rest "
                f"of the cube pipeline (driver thread: encoding, lookahead, cover proof; worker "
                f"threads: reading and gzipping proofs); `cpu_s` their sum. Every CPU "
                f"figure is process or thread CPU, never elapsed seconds. Proof sizes "
                f"are summed over the cubes; gzip level 6.\n\n" + table(r3))
            emit(rows + r3)

        rows += bench_cubes(cells, a.depth, a.sign_depth, done,
                            tuple(a.methods.split(",")), a.need, a.min_single)
    emit(rows)
    return 0


CUBE_HEADING = "## Cube and conquer vs single solve (UNSAT cells)"


def _load(t):
    return "/".join(f"{x:.2f}" for x in t)


def run_context():
    """Machine, versions, priority and command line of this run (for the
    committed table)."""
    import platform

    import dask
    import distributed
    from superpos_formal.certify.proofcheck.drat import checker_versions
    from superpos_formal.solve.runner import DEFAULT_SOLVER, solver_version

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return (f"Machine: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB; Python "
            f"{platform.python_version()}; solver {solver_version(DEFAULT_SOLVER)}; "
            f"checker {checker_versions()['native']}; dask {dask.__version__}, "
            f"distributed {distributed.__version__}. This process ran at nice "
            f"{os.nice(0)}. Command: `{' '.join(['python'] + sys.argv)}`.")


def combine(names, name):
    """scale.md's cube section from the Markdown of runs ``names`` (each one
    cell or more, run at the same time on the shared machine)."""
    old = _sections(OUT / f"{name}.md")
    notes, rows = [], []
    for n in names:
        sec = _sections(OUT / f"{n}.md").get(CUBE_HEADING, "")
        parts = sec.split("\n\n", 1)
        notes.append(f"- `{n}`: {parts[0]}")
        with open(OUT / f"{n}.csv") as fh:
            rows += list(csv.DictReader(fh))
    old[CUBE_HEADING] = ("Runs joined (each with its own load averages; they ran at the same "
                         "time as each other and as other jobs):\n\n" + "\n".join(notes)
                         + "\n\n" + table(rows))
    body = []
    for k, v in old.items():
        body += [k, "", v, ""]
    head = (OUT / f"{name}.md").read_text().split("\n## ", 1)[0].strip()
    text = head + "\n\n" + "\n".join(body)
    (OUT / f"{name}.md").write_text(text)
    with open(OUT / f"{name}_cubes.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(text)
    return 0


def _compose(name, old, sections, load, parts_run, rows):
    head = (f"Machine: {os.cpu_count()} cores, load average {load[0]:.1f} at start "
            f"(shared with other jobs: timings are under that load). Parts run this time: "
            f"{', '.join(sorted(parts_run))}; other sections are from an earlier run.")
    keep = {k: v for k, v in old.items() if k not in sections and not any(
        k.split(":")[0] == s.split(":")[0] for s in sections)}
    body = [head, ""]
    for k, v in list(keep.items()) + list(sections.items()):
        body += [k, "", v, ""]
    text = "\n".join(body)
    write(name, rows, text)
    return text


if __name__ == "__main__":
    sys.exit(main())
