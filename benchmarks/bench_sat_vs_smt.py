"""SAT path vs. the literal z3 baseline on a fixed suite of cells.

A *cell* is one decision question: a task and a shape (mode, activation,
width n, depth, bounds, codes). For each cell this script runs

* the toolkit's SAT path, ``superpos_formal.solve.search.decide(task, shape,
  SolveOptions(time_limit=T))``;
* the literal z3 encoding (``superpos_formal.encode.smt.solve_smt``) with
  z3's default solver and with ``QF_FD``; the better (faster deciding) of
  the two is the baseline;

each in its own process with a hard per-cell limit ``T`` (``--limit``). It
prints a table, a summary, and writes both as CSV and Markdown to
``benchmarks/results/``. An answer on which the SAT path and z3 disagree
(both decided) is a loud error: the script reports it and exits with status 3.

Usage::

    python benchmarks/bench_sat_vs_smt.py                # full suite, 60 s per run
    python benchmarks/bench_sat_vs_smt.py --limit 20
    python benchmarks/bench_sat_vs_smt.py --quick        # 3-cell smoke run
    python benchmarks/bench_sat_vs_smt.py --cells perm   # cells whose name contains "perm"
    python benchmarks/bench_sat_vs_smt.py --no-sat       # z3 half only

See benchmarks/README.md for the columns.
"""

import argparse
import csv
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from superpos_formal.codes import input_code_conflicts, random_codes
from superpos_formal.solve.smt import solve_smt
from superpos_formal.errors import SoundnessError
from superpos_formal.shape import Shape
from superpos_formal.tasks import (and_pairs, identity, permutation, uand,
                                   xor_pairs)

RESULTS = Path(__file__).resolve().parent / "results"


# --------------------------------------------------------------------------
# the suite
# --------------------------------------------------------------------------


def _given(task, act, n, B, seed, k=2, L=1):
    """Superposed shape with seeded random sparse codes; refuses codes that
    make the task impossible at every width (input conflicts)."""
    E, R = random_codes(n, task.m, task.m_out, k=k, seed=seed)
    if input_code_conflicts(E, task):
        raise SystemExit(f"suite error: codes (n={n}, seed={seed}) conflict on {task.name}")
    return Shape("superposed", act, n=n, L=L, B=B, codes="given", E=E, R=R)


def _repr(n, B_code=1):
    return Shape("superposed", "relu", n=n, L=0, B=1, B_code=B_code, codes="free")


def suite():
    """The fixed suite: (name, task, shape). Names are stable identifiers."""
    cells = []

    def add(name, task, shape):
        cells.append((name, task, shape))

    # explicit mode
    add("uand4/expl/step/n3/B2", uand(4), Shape("explicit", "step", n=3, B=2))
    add("uand5/expl/step/n3/B2", uand(5), Shape("explicit", "step", n=3, B=2))
    add("uand5/expl/step/n4/B2", uand(5), Shape("explicit", "step", n=4, B=2))
    add("uand6/expl/step/n5/B2", uand(6), Shape("explicit", "step", n=5, B=2))
    add("uand4/expl/relu/n2/B1", uand(4), Shape("explicit", "relu", n=2, B=1))
    add("uand5/expl/relu/n3/B1", uand(5), Shape("explicit", "relu", n=3, B=1))
    add("and3p/m5/expl/relu/n2/B1", and_pairs(5, [(0, 1), (2, 3), (1, 4)]),
        Shape("explicit", "relu", n=2, B=1))
    add("xor2p/m3/expl/relu/n3/B1", xor_pairs(3, [(0, 1), (1, 2)]),
        Shape("explicit", "relu", n=3, B=1))
    add("xor3p/m4/expl/step/n3/B1", xor_pairs(4, [(0, 1), (1, 2), (2, 3)]),
        Shape("explicit", "step", n=3, B=1))
    add("xor2p/m4/expl/step/n4/B1", xor_pairs(4, [(0, 1), (2, 3)]),
        Shape("explicit", "step", n=4, B=1))
    add("xor2p/m3/expl/step/L2/n2/B1", xor_pairs(3, [(0, 1), (1, 2)]),
        Shape("explicit", "step", n=2, L=2, B=1))
    # superposed, given random codes
    perm5 = permutation(5, [1, 2, 3, 4, 0], s=1)
    add("perm5/sup-given/relu/n4/B2", perm5, _given(perm5, "relu", 4, 2, seed=1))
    add("perm5/sup-given/step/n4/B2", perm5, _given(perm5, "step", 4, 2, seed=1))
    perm6 = permutation(6, [1, 0, 3, 2, 5, 4], s=1)
    add("perm6/sup-given/step/n4/B1", perm6, _given(perm6, "step", 4, 1, seed=2))
    a4 = and_pairs(4, [(0, 1), (2, 3)])
    add("and2p/m4/sup-given/relu/n4/B2", a4, _given(a4, "relu", 4, 2, seed=4))
    add("and2p/m4/sup-given/step/n4/B2", a4, _given(a4, "step", 4, 2, seed=4))
    u4 = uand(4)
    add("uand4/sup-given/relu/n4/B2", u4, _given(u4, "relu", 4, 2, seed=0))
    add("uand4/sup-given/step/n4/B2", u4, _given(u4, "step", 4, 2, seed=0))
    # representation: superposed, free codes, L = 0
    add("id5/repr/n2", identity(5), _repr(2))
    add("id6/repr/n3", identity(6), _repr(3))
    add("id7/repr/n3", identity(7), _repr(3))
    # the next sizes of the cells above (added after the first run showed most
    # cells decided in well under a second by both paths)
    add("uand6/expl/step/n3/B2", uand(6), Shape("explicit", "step", n=3, B=2))
    add("uand5/expl/relu/n2/B2", uand(5), Shape("explicit", "relu", n=2, B=2))
    add("uand6/expl/relu/n2/B2", uand(6), Shape("explicit", "relu", n=2, B=2))
    add("id8/repr/n3", identity(8), _repr(3))
    return cells


QUICK = ("uand4/expl/step/n3/B2", "perm5/sup-given/step/n4/B2", "id5/repr/n2")


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------


def _sat_decide():
    try:
        from superpos_formal.options import SolveOptions
        from superpos_formal.solve.search import decide
    except ImportError as e:
        return None, f"{type(e).__name__}: {e}"
    return (lambda task, shape, limit:
            decide(task, shape, SolveOptions(time_limit=limit, check=False))), ""


def _run(fn, *args, **kw):
    """(status, seconds, note); errors other than soundness become ERROR."""
    try:
        r = fn(*args, **kw)
    except SoundnessError:
        raise
    except Exception as e:  # a path that does not support a cell
        return "ERROR", None, f"{type(e).__name__}: {e}"[:120]
    return r.status, r.seconds, getattr(r, "reason", "") or ""


def _fmt_s(status, sec):
    if status in ("SAT", "UNSAT"):
        return f"{sec:.2f}"
    return {"UNKNOWN": "TO", "ERROR": "ERR", "N/A": "n/a"}.get(status, status)


def run_cell(name, task, shape, limit, do_sat, do_smt, decide):
    row = {"cell": name, "m": task.m, "m_out": task.m_out, "s": task.s,
           "mode": shape.mode, "codes": shape.codes, "act": shape.activation,
           "n": shape.n, "L": shape.L, "B": shape.B}
    notes = []
    if do_sat and decide is not None:
        # check=False: the solving path alone, as z3 certifies nothing either;
        # proof logging and checking costs are measured in bench_proofs.py
        st, sec, note = _run(decide, task, shape, limit)
    else:
        st, sec, note = "N/A", None, ""
    row.update(sat_status=st, sat_s=sec)
    if note and st == "ERROR":
        notes.append(f"SAT: {note}")
    for tac in ("default", "qffd"):
        if do_smt:
            st, sec, note = _run(solve_smt, task, shape, time_limit=limit, tactic=tac)
        else:
            st, sec, note = "N/A", None, ""
        row[f"z3_{tac}_status"], row[f"z3_{tac}_s"] = st, sec
        if note and st == "ERROR":
            notes.append(f"z3-{tac}: {note}")
    decided = {k: row[f"{k}_status"] for k in ("sat", "z3_default", "z3_qffd")
               if row[f"{k}_status"] in ("SAT", "UNSAT")}
    answers = set(decided.values())
    row["conflict"] = len(answers) > 1
    row["answer"] = answers.pop() if len(answers) == 1 else ("CONFLICT" if answers else "?")
    z3s = [row[f"z3_{t}_s"] for t in ("default", "qffd")
           if row[f"z3_{t}_status"] in ("SAT", "UNSAT")]
    row["z3_best_s"] = min(z3s) if z3s else None
    if row["z3_best_s"] is not None and row["sat_status"] in ("SAT", "UNSAT"):
        row["ratio"] = row["z3_best_s"] / max(row["sat_s"], 1e-3)
        row["ratio_txt"] = f"{row['ratio']:.1f}"
    elif row["sat_status"] in ("SAT", "UNSAT") and do_smt:
        row["ratio"] = None
        row["ratio_txt"] = f">{limit / max(row['sat_s'], 1e-3):.1f}"
    elif z3s and do_sat and decide is not None:
        row["ratio"] = None
        row["ratio_txt"] = f"<{row['z3_best_s'] / limit:.2f}"
    else:
        row["ratio"], row["ratio_txt"] = None, "-"
    row["notes"] = "; ".join(notes)
    return row


COLS = [("cell", "cell"), ("answer", "answer"), ("SAT s", "sat"),
        ("z3-default s", "z3_default"), ("z3-QF_FD s", "z3_qffd"),
        ("ratio best-z3/SAT", "ratio_txt")]


def _cells_txt(row):
    out = []
    for _, key in COLS:
        if key in ("sat", "z3_default", "z3_qffd"):
            out.append(_fmt_s(row[f"{key}_status"], row[f"{key}_s"]))
        else:
            out.append(str(row[key]))
    return out


def summary(rows, limit):
    both = [r["ratio"] for r in rows if r["ratio"] is not None]
    lines = [
        f"cells: {len(rows)}; per-run limit {limit:g} s",
        f"decided by SAT path: {sum(r['sat_status'] in ('SAT', 'UNSAT') for r in rows)}",
        f"decided by z3-default: {sum(r['z3_default_status'] in ('SAT', 'UNSAT') for r in rows)}",
        f"decided by z3-QF_FD: {sum(r['z3_qffd_status'] in ('SAT', 'UNSAT') for r in rows)}",
        f"decided by best z3 (either tactic): {sum(r['z3_best_s'] is not None for r in rows)}",
    ]
    if both:
        lines.append(f"median ratio best-z3/SAT over the {len(both)} cells both decide: "
                     f"{statistics.median(both):.2f} (min {min(both):.2f}, max {max(both):.2f})")
        # cells where some path needed at least a second: below that both
        # answers are process start-up and encoding overhead, not search
        hard = [r["ratio"] for r in rows if r["ratio"] is not None
                and max(r["z3_best_s"], r["sat_s"]) >= 1.0]
        if hard:
            lines.append(f"median ratio over the {len(hard)} of those where either path "
                         f"took >= 1 s: {statistics.median(hard):.2f}")
    else:
        lines.append("median ratio: no cell decided by both")
    conf = [r["cell"] for r in rows if r["conflict"]]
    if conf:
        lines.append(f"DISAGREEMENT on: {', '.join(conf)}")
    return lines


def _environment():
    import z3
    try:
        import pysat
        pv = pysat.__version__
    except Exception:  # pragma: no cover
        pv = "?"
    return (f"python {platform.python_version()}, z3 {z3.get_version_string()}, "
            f"python-sat {pv}, {os.cpu_count()} CPUs, {platform.machine()}")


def write_results(rows, lines, limit, tag, sat_note):
    RESULTS.mkdir(parents=True, exist_ok=True)
    keys = ["cell", "m", "m_out", "s", "mode", "codes", "act", "n", "L", "B", "answer",
            "sat_status", "sat_s", "z3_default_status", "z3_default_s",
            "z3_qffd_status", "z3_qffd_s", "z3_best_s", "ratio", "notes"]
    csv_path = RESULTS / f"{tag}.csv"
    with open(csv_path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{r[k]:.4f}" if isinstance(r[k], float) else r[k]) for k in keys})
    md_path = RESULTS / f"{tag}.md"
    with open(md_path, "w") as fh:
        fh.write(f"# SAT path vs literal z3 ({tag})\n\n")
        fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')}; {_environment()}; "
                 f"limit {limit:g} s per run\n\n")
        if sat_note:
            fh.write(f"SAT path unavailable: {sat_note}\n\n")
        fh.write("| " + " | ".join(h for h, _ in COLS) + " |\n")
        fh.write("|" + "---|" * len(COLS) + "\n")
        for r in rows:
            fh.write("| " + " | ".join(_cells_txt(r)) + " |\n")
        fh.write("\nTO = limit reached (UNKNOWN), ERR = the path failed on the cell, "
                 "n/a = not run.\n\n")
        for ln in lines:
            fh.write(f"- {ln}\n")
        notes = [f"- {r['cell']}: {r['notes']}" for r in rows if r["notes"]]
        if notes:
            fh.write("\nNotes:\n" + "\n".join(notes) + "\n")
    return csv_path, md_path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per run (default 60)")
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    ap.add_argument("--cells", default=None, help="only cells whose name contains this")
    ap.add_argument("--no-sat", action="store_true", help="skip the SAT path")
    ap.add_argument("--no-smt", action="store_true", help="skip z3")
    ap.add_argument("--tag", default=None, help="results file stem (default from options)")
    a = ap.parse_args(argv)

    cells = suite()
    if a.quick:
        cells = [c for c in cells if c[0] in QUICK]
    if a.cells:
        cells = [c for c in cells if a.cells in c[0]]
    if not cells:
        raise SystemExit("no cell selected")
    decide, sat_note = (None, "skipped (--no-sat)") if a.no_sat else _sat_decide()
    if decide is None:
        print(f"note: SAT path not run: {sat_note}", file=sys.stderr)
    tag = a.tag or ("sat_vs_smt_quick" if a.quick else "sat_vs_smt")

    widths = [32, 8, 8, 14, 12, 18]
    head = "".join(h.ljust(w) for (h, _), w in zip(COLS, widths))
    print(head)
    print("-" * len(head))
    rows = []
    for name, task, shape in cells:
        r = run_cell(name, task, shape, a.limit, not a.no_sat, not a.no_smt, decide)
        rows.append(r)
        print("".join(c.ljust(w) for c, w in zip(_cells_txt(r), widths)), flush=True)
        if r["notes"]:
            print(f"    note: {r['notes']}", flush=True)
        if r["conflict"]:
            print(f"!!! DISAGREEMENT on {name}: SAT={r['sat_status']} "
                  f"z3-default={r['z3_default_status']} z3-QF_FD={r['z3_qffd_status']}",
                  file=sys.stderr, flush=True)
    lines = summary(rows, a.limit)
    print()
    for ln in lines:
        print(ln)
    csv_path, md_path = write_results(rows, lines, a.limit, tag,
                                      sat_note if decide is None else "")
    print(f"\nwrote {csv_path} and {md_path}")
    if any(r["conflict"] for r in rows):
        print("ERROR: SAT and SMT answers disagree on a cell both decide; "
              "one of the encodings (or a solver) is wrong", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
