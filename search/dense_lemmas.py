"""Refute a dense parity cell through lemmas, in one DRAT proof of ``F``.

``F`` is the campaign's formula with every symmetry break off (``sums``
tree, ``symmetry`` false: the options of a ``base/`` proof of F,
proofs/README.md "certificate kinds"). The proof first derives the
separation lemmas (every cube edge is cut by some hidden unit) and the
summability lemmas (each unit's truth table is 2-asummable) from ``F``,
each under assumptions (solve/lemma_proof.py), then refutes the lemmas
alone in a fresh solver: the hypercube cut problem with no weight in it
(solve/cut_lemmas.py). With ``--breaks`` the cut problem's symmetries are
broken first, in DRAT steps inside the same proof (solve/cut_symmetry.py):
parity of 5 bits at width 4 then takes about a minute instead of more
than an hour of CPU. The proof is checked against ``F`` with dratify's native engine before
anything is written as checked. Run from the repository root:

    PYTHONPATH=$PWD python search/dense_lemmas.py --m 4 --n 3 -o out/dense-lemmas

Writes ``<out>/parity-m<m>-n<n>/``: ``formula.cnf.gz``, ``proof.drat.gz``
(only when the proof checked) and ``record.json`` (sha256 and sizes of
both, lemma counts, solve and check seconds, the checker's verdict).

``--bundle DIR`` then solves width ``n + 1`` (same options, no break) and
writes the minimum claim "the smallest n is n + 1" to ``DIR``
(``make_minimum``: both halves re-verified, the proof re-checked by every
checker within the headline budget); it refuses if ``n + 1`` is not SAT.
``--regenerable`` then keeps the UNSAT half as a record of the proof
(claim.json only; certify/proofcheck/regenerable_lemmas.py), for proofs
over the size guideline. The committed parity of 5 minimum was made by

    PYTHONPATH=$PWD python search/dense_lemmas.py --m 5 --n 4 --breaks \
        -o out/dense-lemmas --regenerable \
        --bundle out/dense-lemmas/parity-m5-mout1-s5-explicit-step-L1-B5-bias5-theta1
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from pysat.solvers import Solver

from superpos_formal.certify.bundles.verify import make_minimum
from superpos_formal.certify.proofcheck.regenerable_lemmas import regenerable_lemmas_from_bundle
from superpos_formal.certify.proofcheck.regenerable_unsat import regenerable_minimum
from superpos_formal.certify.proofcheck.drat import (VERIFIED, check_drat, proof_stats,
                                                     read_text, sha256_text, write_gz)
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.cut_lemmas import refute_by_cut_lemmas
from superpos_formal.tasks import parity


OPTIONS = {"sums": "tree", "symmetry": False}


def _shape(m, n, B):
    return Shape("explicit", "step", n=n, B=B, B_bias=B)


def run(m, n, out, time_limit=None, B=None, breaks=False):
    """Refute parity(m) at width n (weights and biases in [-B, B], B = m by
    default, theta 1); the record as a dict. ``breaks``: break the cut
    problem's symmetries inside the proof before the final solve
    (:mod:`superpos_formal.solve.cut_symmetry`)."""
    B = m if B is None else B
    enc = encode_sat(parity(m), _shape(m, n, B), **OPTIONS)
    cell = Path(out) / f"parity-m{m}-n{n}"
    cell.mkdir(parents=True, exist_ok=True)
    dimacs = enc.to_dimacs()
    write_gz(cell / "formula.cnf.gz", dimacs)
    rec = {"question": f"parity(m={m}) s={m} explicit/step L=1 n={n} B={B} bias={B} theta=1",
           "options": dict(OPTIONS),
           "formula": {"sha256": sha256_text(dimacs), "nvars": enc.nvars,
                       "clauses": len(enc.clauses)},
           "final": ("the cut problem with its symmetries broken in DRAT "
                     "(solve/cut_symmetry.py: breaks A, B, C), in a fresh solver" if breaks
                     else "the lemmas alone, in a fresh solver")}
    proof = cell / "proof.drat"
    res, info = refute_by_cut_lemmas(enc, parity(m), str(proof), breaks=breaks,
                                     time_limit=time_limit)
    rec["lemmas"] = {"separation": info.pop("separation", None),
                     "summability": info.pop("summability", None)}
    rec["breaks"] = bool(breaks)
    rec.update(status=res.status, solve_seconds=round(res.seconds, 3), **info)
    if res.status != "UNSAT":
        rec["reason"] = res.reason
    else:
        text = read_text(proof)
        rec["proof"] = proof_stats(text)
        t0 = time.perf_counter()
        recs = check_drat(enc, text=text, checkers=("native",))
        rec["checks"] = [{"checker": r.checker, "verdict": r.verdict,
                          "seconds": round(r.seconds, 3), "reason": r.reason} for r in recs]
        rec["check_seconds"] = round(time.perf_counter() - t0, 3)
        if all(r.verdict == VERIFIED for r in recs):
            write_gz(cell / "proof.drat.gz", text)
        else:
            rec["status"] = "UNKNOWN"
            rec["reason"] = "the proof was not verified: " + "; ".join(r.reason for r in recs)
        os.unlink(proof)
    (cell / "record.json").write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    return rec


def bundle(m, n, out, parent, B=None, regenerable=False, headline=True):
    """The minimum claim "smallest width n + 1" from the checked proof at
    ``n`` under ``out`` and a fresh SAT solve at ``n + 1``. ``regenerable``:
    the UNSAT half as a record of the route's proof (claim.json only,
    certify/proofcheck/regenerable_lemmas.py), for proofs over the size
    guideline; the full minimum is made and checked first, in a temporary
    directory beside ``parent``. ``headline``: every checker within the
    headline budget (drup up to minutes), else the default policy."""
    B = m if B is None else B
    cell = Path(out) / f"parity-m{m}-n{n}"
    rec = json.loads((cell / "record.json").read_text())
    if rec["status"] != "UNSAT" or not (cell / "proof.drat.gz").is_file():
        raise InputError(f"{cell}: no checked refutation to bundle")
    shape = _shape(m, n + 1, B)
    enc = encode_sat(parity(m), shape, **OPTIONS)
    t0 = time.perf_counter()
    with Solver(name="cadical195", bootstrap_with=enc.clauses) as s:
        if not s.solve():
            raise InputError(f"width {n + 1} is not SAT: no minimum at {n + 1}")
        net = enc.decode(s.get_model())
    sat = SimpleNamespace(status="SAT", seconds=time.perf_counter() - t0, network=net)
    unsat = SimpleNamespace(status="UNSAT", seconds=rec["solve_seconds"],
                            proof_path=str(cell / "proof.drat.gz"))
    note = ("refuted through separation and summability lemmas"
            + (", the cut problem's symmetries broken in DRAT" if rec.get("breaks") else "")
            + " (search/dense_lemmas.py)")
    if not regenerable:
        return make_minimum(parent, sat, unsat, shape=shape, task=parity(m),
                            options=dict(OPTIONS), headline=headline, note=note)
    parent = Path(parent)
    parent.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".dense-min-", dir=parent.parent))
    try:
        full = make_minimum(work / "full", sat, unsat, shape=shape, task=parity(m),
                            options=dict(OPTIONS), headline=headline, note=note)
        reg = regenerable_lemmas_from_bundle(full / f"n{n}-unsat", work / "unsat",
                                             breaks=bool(rec.get("breaks")),
                                             load_average=os.getloadavg())
        return regenerable_minimum(parent, full / f"n{n + 1}-sat", reg)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--B", type=int, default=None, help="weight and bias bound (default m)")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--breaks", action="store_true",
                    help="break the cut problem's symmetries in the proof (DRAT, checked)")
    ap.add_argument("-o", "--out", default="out/dense-lemmas")
    ap.add_argument("--bundle", default=None, help="write the minimum claim here")
    ap.add_argument("--regenerable", action="store_true",
                    help="with --bundle: record the UNSAT half's proof (hashes, route) "
                         "instead of committing it")
    a = ap.parse_args(argv)
    try:
        if a.m < 2 or a.n < 1:
            raise InputError("need m >= 2 and n >= 1")
        if a.regenerable and not a.bundle:
            raise InputError("--regenerable: it records the bundle's UNSAT half; give --bundle")
        rec = run(a.m, a.n, a.out, a.time_limit, a.B, a.breaks)
        if a.bundle and rec["status"] == "UNSAT":
            rec["bundle"] = str(bundle(a.m, a.n, a.out, a.bundle, a.B, a.regenerable))
    except InputError as e:
        print(f"superpos: error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(rec, indent=1, sort_keys=True))
    return 0 if rec["status"] == "UNSAT" else 1


if __name__ == "__main__":
    sys.exit(main())
