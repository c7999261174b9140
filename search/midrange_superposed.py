"""One registry question decided at one width, as a checked claim bundle
(issue 24: the superposed uand rows and the sampled-family rows of the
best-known registry).

UNSAT at ``n`` is a lone refutation bundle: the registry's lower-bound
source ``refutation`` reads it as the bound ``n + 1`` for exactly this
question (certify/best_known.py ``refutations``; free codes, no tolerance,
no restricting option, so the claim poses the row's own question). SAT at
``n`` is a verified network, a start for ``superpos improve --start``.
UNKNOWN writes nothing. Every run appends one line to
search/results/midrange-superposed-runs.txt (what was asked, the answer,
the seconds, the folder written as ``wrote``), so an UNKNOWN is recorded
too. The runs of issue 24 wrote to a scratch folder,
then moved to proofs/midrange/<question>-n<n>-unsat (the recorded ``wrote``).

Run from the repository root, e.g.:

  PYTHONPATH=$PWD python search/midrange_superposed.py --task-m 6 --activation relu \
      --B 2 --bias 2 --code 1 --theta 2 --n 2 --time-limit 600 --out DIR
  PYTHONPATH=$PWD python search/midrange_superposed.py --family-file FAM.json \
      --activation relu --B 1 --bias 1 --code 1 --theta 1 --n 2 --out DIR
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from superpos_formal.certify.bundles.verify import make_bundle
from superpos_formal.certify.from_answer import bundle_decision
from superpos_formal.certify.jsonio import load
from superpos_formal.certify.proofcheck.regenerable_unsat import regenerable_from_bundle
from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.encode.sat import encode_sat
from superpos_formal.options import SolveOptions
from superpos_formal.schema import family_from_dict
from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

__all__ = ["main"]

#: one JSON object a line, but not a ``*.jsonl`` campaign record: the tools
#: that read search/results/*.jsonl (bounds/scan.py, claims_table.py,
#: results_md.py) expect campaign cells there
LOG = Path("search/results/midrange-superposed-runs.txt")
#: proofs/README.md: a bundle is committed whole up to ~2 MB gzipped
MAX_GZ = 2_000_000


def _subject(a):
    if a.family_file:
        return family_from_dict(load(a.family_file))
    return uand(a.task_m)


def _task(task, shape, a, work):
    """One plain solve (no portfolio): its proof is the one a fresh
    ``solve_cnf`` of the regenerated formula makes, so a proof over the
    size limit can be committed as a regenerable record
    (certify/proofcheck/regenerable_unsat.py) that ``--regenerate-proofs``
    re-makes with the same hash."""
    options = {"symmetry": True, "sums": a.sums}
    enc = encode_sat(task, shape, **options)
    r = solve_cnf(enc.clauses, enc.nvars, time_limit=a.time_limit,
                  proof_path=str(work / "p.drat"))
    if r.status == "SAT":
        class Cell:
            status, seconds, network = "SAT", r.seconds, enc.decode(r.model)
        make_bundle(a.out, Cell(), task=task, shape=shape, encoding=enc, options=options,
                    checkers=("native",))
        return "SAT", a.out
    if r.status != "UNSAT":
        return r.status, None
    full = make_bundle(work / "full", r, task=task, shape=shape, encoding=enc,
                       options=options, checkers=("native",))
    os.unlink(work / "p.drat")
    if (full / "proof.drat.gz").stat().st_size <= MAX_GZ:
        shutil.copytree(full, a.out)
    else:
        regenerable_from_bundle(full, a.out, load_average=os.getloadavg())
    return "UNSAT", a.out


def _family(family, shape, a, work):
    """The family decision (its own member loop and sums); the UNSAT's
    proof is logged on its one solve, so it is bundled without a second."""
    cell = decide_family(family, shape, SolveOptions(time_limit=a.time_limit),
                         checker=check_unsat, proof_path=str(work / "proof.drat"),
                         cnf_path=str(work / "formula.cnf"))
    if cell.status not in ("SAT", "UNSAT"):
        return cell.status, None
    bundle_decision(cell, a.out, family=family)
    return cell.status, a.out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--task-m", type=int, help="uand(m)")
    g.add_argument("--family-file", help="a family JSON (superpos family ... -o)")
    ap.add_argument("--activation", choices=("relu", "step"), required=True)
    ap.add_argument("--B", type=int, required=True)
    ap.add_argument("--bias", type=int, required=True)
    ap.add_argument("--code", type=int, required=True)
    ap.add_argument("--theta", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--sums", default="tree", help="task only (default tree)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    subject = _subject(a)
    shape = Shape("superposed", a.activation, n=a.n, B=a.B, B_bias=a.bias, B_code=a.code,
                  theta=a.theta, codes="free")
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="midrange-superposed-"))
    try:
        if a.family_file:
            status, wrote = _family(subject, shape, a, work)
        else:
            status, wrote = _task(subject, shape, a, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = round(time.perf_counter() - t0, 1)
    print(f"{subject.name} n={a.n}: {status} in {seconds} s"
          + (f"; wrote {wrote}" if wrote else ""))
    rec = {"subject": subject.name,
           "activation": a.activation, "B": a.B, "B_bias": a.bias, "B_code": a.code,
           "theta": a.theta, "n": a.n, "sums": None if a.family_file else a.sums,
           "time_limit": a.time_limit,
           "status": str(status), "seconds": seconds, "wrote": wrote}
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("a") as f:
        f.write(json.dumps(rec, sort_keys=True) + "\n")
    return 0 if wrote else 1


if __name__ == "__main__":
    sys.exit(main())
