"""``superpos report -o DIR``: the report (superpos_formal.report)."""

import sys
from pathlib import Path

from ..errors import InputError
from ..report import write_report
from .args import add_budget_args

__all__ = ["register", "run_report"]


def register(sub):
    p = sub.add_parser(
        "report", help="write the report: certified minima, constructions, explicit bounds, plots",
        description="Rebuild and exactly re-verify the embedded construction grid, read the "
                    "certified minima under the proof roots and the best-known registry, "
                    "compute the explicit lower bounds and write report.md, certified.tex, "
                    "per-family log-log plots (PNG and PDF), drawings of the smallest "
                    "constructions and report.json. Proofs and registry are read from the "
                    "current directory (run it from a checkout of the repository) unless "
                    "--proofs / --registry say otherwise; the paths read are printed and "
                    "named in report.md. Missing certified inputs are an error, not an "
                    "empty table (--no-certified writes a report without them).")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--quick", action="store_true",
                   help="only construction points with m' <= 40 (every file is still written)")
    p.add_argument("--proofs", action="append", default=None, metavar="DIR",
                   help="proof roots to read certified minima from (repeatable); default: "
                        "proofs/ in the current directory")
    p.add_argument("--registry", default=None, metavar="DIR",
                   help="best-known registry export to read (the directory holding "
                        "registry.json; bundle paths in it are relative to DIR/../..); "
                        "default: search/best-known/ in the current directory")
    p.add_argument("--no-certified", action="store_true",
                   help="write the report without certified minima and registry (the "
                        "certified tables say so) instead of failing when they are missing")
    add_budget_args(p, memory=False)
    p.set_defaults(func=run_report)
    return p


def run_report(args):
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} exists and is not a directory")
    files = write_report(out, quick=args.quick, proofs=args.proofs, best_known=args.registry,
                         certified=not args.no_certified,
                         log=lambda s: print(s, file=sys.stderr, flush=True))
    for f in files:
        print(f)
    return 0
