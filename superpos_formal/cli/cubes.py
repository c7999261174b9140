"""``superpos cubes``: decide one hard cell by cube and conquer.

Splits the cell's formula into cubes (:mod:`superpos_formal.solve.cubes`),
solves every cube with a checked DRAT proof (on a Dask LocalCluster with
``--workers N``, on a running cluster with ``--scheduler``, else here), and
with ``-o DIR`` writes the UNSAT bundle (cubes, per-cube proofs, cover proof;
:mod:`superpos_formal.certify.cubes`) or the SAT network.
"""

#: the ``--help`` description (plain text: argparse shows it verbatim)
DESCRIPTION = (
    "Decide one hard cell by cube and conquer. The cell's formula is split into cubes "
    "(solve/cubes.py); every cube is solved with a DRAT proof that is checked, and the "
    "cubes' cover gets a checked proof of its own. Cubes run on a Dask LocalCluster with "
    "--workers N, on a running cluster with --scheduler, else in this process. With -o DIR "
    "an UNSAT answer is written as a bundle (cubes, per-cube proofs, cover proof; "
    "superpos verify re-checks it) and a SAT answer as the verified network.")

#: how many cubes a split of ``--depth d`` gives (for --help and its error)
DEPTH_TEXT = ("lookahead: 2**depth leaves plus one more leaf per failed literal met on the "
              "way (a failed literal is split on without using up depth; its conflicting "
              "side is refuted by unit propagation), so often more than 2**depth, e.g. 8 "
              "at depth 2; sign: at most 3**depth")

import json
import sys
from pathlib import Path

from ..api import CUBE_SPLITS, subfamily_named
from ..api import cubes as decide_by_cubes
from ..distributed import close_client, start_client
from ..errors import InputError
from .args import add_budget_args, cap_workers, out_dir
from ..schema import load_json
from .search import _family, _task, add_shape_args, add_task_args, build_shape

__all__ = ["register"]


def cmd_cubes(a):
    if a.depth < 1 or a.depth > 12:
        raise InputError(f"--depth: expected 1..12 split levels, got {a.depth}")
    if a.resplit < 0 or a.resplit > 8:
        raise InputError("--resplit: expected 0..8 (times a cube at its limit is split again)")
    if a.resplit_depth < 1 or a.resplit_depth > 6:
        raise InputError("--resplit-depth: expected 1..6 levels")
    fam = _family(a) if a.family else None
    if a.list_members:
        if fam is None:
            raise InputError("--list-members: only with --family")
        # the JSON list --members reads: cut it down to the subfamily wanted
        print(json.dumps([t.name for t in fam.members()], indent=1))
        return 0
    task = None if fam else _task(a)
    members = None
    if a.members:
        if fam is None:
            raise InputError("--members: only with --family")
        members = subfamily_named(fam, load_json(a.members), f"--members {a.members}")
    subj = fam or task
    shape, _ = build_shape(a, subj, a.n)
    out = Path(a.out) if a.out else None
    if out is not None and out.exists() and not a.overwrite:
        raise InputError(f"{out}: already exists (use --overwrite)")
    if out is not None and out.exists() and not out.is_dir():
        # --overwrite replaces a bundle folder, never a file
        raise InputError(f"{out}: exists and is not a directory (-o names a bundle folder)")
    client = None
    if a.workers or a.scheduler:
        if a.workers < 0:
            raise InputError("--workers: expected 0 or more")
        client = start_client(cap_workers(a.workers), a.scheduler)
    sh = shape
    sub = f" (subfamily: members {len(members)}/{fam.size})" if members else ""
    print(f"{subj.name}{sub}: {sh.mode}/{sh.activation} n={sh.n} L={sh.L} B={sh.B} "
          f"B_bias={sh.B_bias} B_code={sh.B_code} theta={sh.theta} codes={sh.codes}; "
          f"{a.split} split depth {a.depth}, per-cube limit {a.time_limit}, re-split "
          f"{a.resplit} x {a.resplit_depth}, budget {a.budget}", file=sys.stderr)
    prog = None if a.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    try:
        res = decide_by_cubes(subj, shape, members=members, out=out, overwrite=a.overwrite,
                              work_dir=a.work, client=client, depth=a.depth, split=a.split,
                              time_limit=a.time_limit, resplit=a.resplit,
                              resplit_depth=a.resplit_depth, symmetry=not a.no_symmetry,
                              sums=a.sums, progress=prog)
    finally:
        if client is not None:
            close_client(client)
    _print_result(res, a, out)
    return 0


def _print_result(res, a, out):
    """The answer on stdout (the solver kills on stderr)."""
    print(f"{res.status}: {len(res.cubes)} cubes ({res.resplit} split again), wall "
          f"{res.seconds:.2f}s, CPU {res.solver_cpu_seconds:.2f}s solving and "
          f"{res.check_cpu_seconds:.2f}s checking the cubes' proofs, proof lines "
          f"{sum(x.proof_lines for x in res.answers)}")
    if res.reused:
        print(f"{res.reused} refuted cube(s) taken from {a.work} (proofs checked again)")
    if res.status == "UNKNOWN":
        done = sum(1 for x in res.answers if x.status == "UNSAT")
        print(f"open: {len(res.open_cubes)} of {len(res.cubes)} cubes ({done} refuted, "
              f"proofs checked); the cell stays UNKNOWN")
    if res.note:
        print(res.note)
    if res.killed:
        print(f"killed {len(res.killed)} running cube solver(s) after the SAT cube",
              file=sys.stderr)
    if out is not None and res.status == "UNSAT":
        print(f"bundle: {out}")
    elif out is not None and res.status == "SAT":
        print(f"network (verified): {out / 'network.json'}")


def register(sub):
    p = sub.add_parser("cubes", help="decide one hard cell by cube and conquer "
                                     "(checked proofs per cube, Dask optional)",
                       description=DESCRIPTION)
    add_task_args(p)
    add_shape_args(p)
    p.add_argument("--depth", type=int, default=2,
                   help="split levels, 1..12 (default 2); cubes: " + DEPTH_TEXT)
    p.add_argument("--split", choices=sorted(CUBE_SPLITS), default="lookahead",
                   help="split heuristic (default lookahead; see solve/cubes.py)")
    p.add_argument("--resplit", type=int, default=0,
                   help="times a cube at its --time-limit is split again by lookahead "
                        "(default 0)")
    p.add_argument("--resplit-depth", type=int, default=2,
                   help="levels of each re-split (default 2)")
    p.add_argument("--workers", type=int, default=0,
                   help="solve the cubes on a Dask LocalCluster of this many worker "
                        "processes (default 0: one after another in this process)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="solve the cubes on the running Dask scheduler at this address "
                        "instead (its workers need this package installed)")
    p.add_argument("--out", "-o", default=None, metavar="DIR",
                   help="write the UNSAT bundle (or the verified SAT network.json) here")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing -o DIR (without it an existing DIR is refused)")
    p.add_argument("--work", default=None, type=out_dir, metavar="DIR",
                   help="keep refuted cubes (checked proofs) and re-splits here; a later "
                        "run of the same cell takes them from there (resume)")
    p.add_argument("--members", default=None, metavar="FILE.json",
                   help="with --family: refute only this subfamily (a JSON list of member "
                        "names; --list-members prints them all in that format); its UNSAT "
                        "refutes the family, its SAT answers nothing. "
                        "A family closed under relabelling (permutations) gets its "
                        "feature/output order either way; the bundle names both")
    p.add_argument("--list-members", action="store_true",
                   help="with --family: print the family's member names as the JSON list "
                        "--members reads, and exit (nothing is solved)")
    p.add_argument("--quiet", action="store_true",
                   help="no per-cube progress lines on stderr (the banner and the result "
                        "are still printed)")
    add_budget_args(p, budget=False)  # --memory-limit: each cube solver's cap
    p.set_defaults(func=cmd_cubes)
