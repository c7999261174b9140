"""``superpos report -o DIR``: the report (superpos_formal.report)."""

import sys
from pathlib import Path

from ..errors import InputError
from ..report import write_report

__all__ = ["register", "run_report"]


def register(sub):
    p = sub.add_parser(
        "report", help="write the report: certified minima, constructions, explicit bounds, plots",
        description="Rebuild and exactly re-verify the embedded construction grid, read the "
                    "certified minima under the proof roots, compute the explicit lower "
                    "bounds and write report.md, certified.tex, per-family log-log plots "
                    "(PNG and PDF), drawings of the smallest constructions and report.json.")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--quick", action="store_true",
                   help="only construction points with m' <= 40 (every file is still written)")
    p.add_argument("--proofs", action="append", default=None, metavar="DIR",
                   help="proof roots to read certified minima from (repeatable); default: "
                        "the repository's proofs/ when present")
    p.set_defaults(func=run_report)
    return p


def run_report(args):
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} exists and is not a directory")
    files = write_report(out, quick=args.quick, proofs=args.proofs,
                         log=lambda s: print(s, file=sys.stderr))
    for f in files:
        print(f)
    return 0
