"""``superpos campaign run | import | table``: campaigns into an SQLite store.

``run FILE``
    run or resume a campaign (:mod:`superpos_formal.distributed`): decided
    cells are skipped, open ones rerun only with a larger limit. ``--workers
    N`` runs cells on a Dask LocalCluster, ``--scheduler`` on an existing
    cluster; without either, one after another in this process.
``import FILE.jsonl ...``
    copy JSONL records of earlier campaign runs into the store, all or
    nothing (every record checked first); a decided record replaces an open
    one of the same cell, never the reverse.
``table NAME``
    render a campaign from the store as Markdown, CSV or JSONL.
"""

import json
import sys
from pathlib import Path

from ..distributed import run_campaign_store
from ..errors import InputError
from ..schema import load_json
from ..store import Store, import_jsonl, render_csv, render_markdown
from .args import add_budget_args, cap_workers, memory_mb, out_dir, out_file, workers

__all__ = ["register"]

DEFAULT_RESULTS = "search/results"


def _store_path(a):
    return a.store or str(Path(a.results) / "results.sqlite")


def cmd_run(a):
    summary = run_campaign_store(
        a.file, _store_path(a), workers=cap_workers(a.workers), scheduler=a.scheduler,
        proofs_dir=a.proofs, results_dir=a.results, quiet=a.quiet,
        memory_limit=a.memory_limit * 2**20)
    print(f"campaign {summary['campaign']}: {summary['run']} cell(s) run, "
          f"{summary['skipped']} skipped, {summary['failed']} failed "
          f"({summary['seconds']}s); store {_store_path(a)}")
    return 1 if summary["failed"] else 0


def cmd_import(a):
    camps = {}
    for c in a.campaign or []:
        d = load_json(c)
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise InputError(f"{c}: not a campaign file")
        camps[d["name"]] = d
    with Store(_store_path(a)) as st:
        added, skipped = import_jsonl(st, a.jsonl, campaigns=camps)
    print(f"imported {added} record(s), {skipped} already in {_store_path(a)}")
    return 0


def cmd_table(a):
    with Store(_store_path(a), readonly=True) as st:
        if a.format == "md":
            text = render_markdown(st, a.name)
        elif a.format == "csv":
            text = render_csv(st, a.name)
        else:
            st.campaign(a.name)
            text = "".join(json.dumps(r) + "\n" for r in st.records(a.name))
    if a.out:
        try:
            Path(a.out).write_text(text)
        except OSError as e:
            raise InputError(f"--out {a.out}: cannot write ({e.strerror or e})") from None
    else:
        sys.stdout.write(text)
    return 0


def register(sub):
    p = sub.add_parser("campaign", help="run, import or tabulate search campaigns "
                                        "(an SQLite results store)",
                       description=__doc__.split("\n\n", 1)[1])
    csub = p.add_subparsers(dest="campaign_command", metavar="ACTION")
    csub.required = True

    def common(q):
        q.add_argument("--results", default=DEFAULT_RESULTS, type=out_dir,
                       help=f"results folder (default {DEFAULT_RESULTS})")
        q.add_argument("--store", default=None,
                       help="SQLite results store (default RESULTS/results.sqlite)")

    r = csub.add_parser("run", help="run or resume a campaign file (search/*.json)")
    r.add_argument("file", help="campaign JSON (format superpos-formal/campaign)")
    common(r)
    r.add_argument("--proofs", default=None,
                   help="folder for minimum bundles (campaigns with proof: true)")
    r.add_argument("--workers", type=workers, default=0,
                   help="Dask LocalCluster worker processes, one thread each "
                        "(default 0: run in this process)")
    r.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="attach to a running Dask scheduler instead")
    r.add_argument("--memory-limit", type=memory_mb, default=6144, metavar="MB",
                   help="address-space limit per cell and its solvers, in MB like every "
                        "other command's --memory-limit (default 6144)")
    r.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_budget_args(r, memory=False)
    r.set_defaults(func=cmd_run)

    i = csub.add_parser("import", help="import JSONL results of earlier runs into the store")
    i.add_argument("jsonl", nargs="+", help="RESULTS/<name>.jsonl files")
    i.add_argument("--campaign", action="append", metavar="FILE.json",
                   help="campaign file(s) whose descriptions go with the records")
    common(i)
    i.set_defaults(func=cmd_import)

    t = csub.add_parser("table", help="render a campaign from the store")
    t.add_argument("name", help="campaign name")
    t.add_argument("--format", choices=("md", "csv", "jsonl"), default="md")
    t.add_argument("--out", "-o", default=None, type=out_file,
                   help="write here instead of stdout")
    common(t)
    t.set_defaults(func=cmd_table)
