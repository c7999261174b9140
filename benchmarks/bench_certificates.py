"""Cost of each certificate route for every committed UNSAT claim (issue 13).

For each UNSAT bundle under ``proofs/`` (or the paths given):

1. *F and SB* (what the bundle holds): regenerate the claim's formula with
   its symmetry breaks, solve it with DRAT logging, check the proof with
   dratify's native engine;
2. *F alone*: the same question with every symmetry break off (for a
   subfamily encoded for the family relabelling order that is satisfiable
   alone: the whole family), solved within
   ``min(--cap, max(20 x route-1 solve, --floor))`` seconds (20x the
   symmetry-broken solve, with a floor because process start-up alone is a
   good part of a sub-second solve), proof checked the same way;
3. *generators* (``--gen``): the syntactic automorphisms of ``F`` (for a
   family, the whole family) among the question's symmetries
   (:mod:`superpos_formal.encode.automorphisms`: feature/output relabellings,
   code-coordinate swaps, code signs; hidden-neuron swaps are not syntactic
   in this encoding), their lex-leader clauses on the code variables, solved
   within the same budget as route 2 -- for superposed L = 1, n = 2 also
   with ``sums="tree-sym"``, under which the two neurons of a member can be
   swapped too (the smaller proof is kept); with ``--attach`` a proof of at most
   ``--max-bytes`` gzipped is added as ``gen/`` when the claim has no proof
   of ``F`` (kind "proof of F and SB, SB checked by generators").

Prints one Markdown row per claim (sizes, seconds, the ratio of the two
solves) and writes ``--csv``. With ``--attach`` a route-2 proof whose gzip is
at most ``--max-bytes`` is added to the bundle as ``base/``
(:func:`superpos_formal.certify.proofcheck.add_base_proof.attach_base_proof`), which makes
the claim's certificate kind "proof of F". Timings are taken on whatever
machine load there is; run with ``nice``.

Run:  python benchmarks/bench_certificates.py [PATH...] [--gen] [--attach] [--cap 600]
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from superpos_formal.certify.proofcheck.add_base_proof import attach_base_proof
from superpos_formal.certify.proofcheck.add_generator_proof import attach_generator_proof, generator_f_options
from superpos_formal.certify.proofcheck.generators import formula_with_sb
from superpos_formal.certify.bundles.minimum_claim import write_minimum_manifest
from superpos_formal.encode.automorphisms import syntactic_generators
from superpos_formal.certify.bundles.certificate_kind import base_options
from superpos_formal.certify.proofcheck.drat import CheckerPolicy, check_drat, gzip_bytes, proof_stats, read_text
from superpos_formal.encode.sat import encode_family_sat, encode_sat
from superpos_formal.schema import family_from_dict, task_from_dict
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf

ROOT = Path(__file__).resolve().parent.parent


def unsat_claims(paths):
    for p in paths:
        for cj in sorted(Path(p).rglob("claim.json")):
            c = json.loads(cj.read_text())
            if c.get("answer") == "UNSAT":
                yield cj.parent, c


def encoder(claim):
    """``options -> SatEncoding`` for the claim's question."""
    shape = Shape.from_dict(claim["shape"])

    def enc(options):
        kw = {k: v for k, v in options.items() if k != "members"}
        if kw.get("inputs") is not None:
            kw["inputs"] = [tuple(x) for x in kw["inputs"]]
        if claim["question"] == "family":
            sub = options.get("members")
            members = ([task_from_dict(t) for t in sub] if sub is not None
                       else list(family_from_dict(claim["family"]).members()))
            return encode_family_sat(members, shape, **kw)
        return encode_sat(task_from_dict(claim["task"]), shape, **kw)
    return enc


def members_of(claim):
    """The tasks of ``F`` for the generator route (the whole family)."""
    if claim["question"] == "family":
        return list(family_from_dict(claim["family"]).members())
    return [task_from_dict(claim["task"])]


def gen_route(claim, enc, limit, workdir, sums=None):
    """Route 3: ``F`` with the lex-leader clauses of its syntactic automorphisms
    (``F`` built with the sum encoding ``sums``, default the claim's)."""
    t0 = time.perf_counter()
    base = enc(generator_f_options(claim.get("options") or {}, sums))
    gens, bad = syntactic_generators(base, members_of(claim))
    find = time.perf_counter() - t0
    if not gens:
        return {"status": "no generators", "gens": 0, "bad": len(bad), "find": find,
                "proof": None, "solve": 0.0}
    clauses, top, nsb = formula_with_sb(base, gens)

    class _F:  # what route() and check_drat read
        pass
    f = _F()
    f.clauses, f.nvars = clauses, top
    out = route(f, limit, workdir, f"gen-{sums}")
    out.update(gens=len(gens), bad=len(bad), find=find, sb=nsb, base=base, generators=gens)
    return out


def route(encoding, limit, workdir, tag):
    """Solve with a proof and check it natively: a dict of measurements."""
    proof = os.path.join(workdir, f"{tag}.drat")
    res = solve_cnf(encoding.clauses, encoding.nvars, time_limit=limit, proof_path=proof)
    out = {"status": res.status, "solve": res.seconds, "clauses": len(encoding.clauses),
           "proof": None}
    if res.status == "UNSAT":
        text = read_text(proof)
        t0 = time.perf_counter()
        rec = check_drat(text=text, cnf=encoding, checkers=("native",), budget=CheckerPolicy())[0]
        out.update(check=time.perf_counter() - t0, verdict=rec.verdict,
                   lines=proof_stats(text)["lines"], gz=len(gzip_bytes(text.encode())),
                   proof=proof)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "proofs")])
    ap.add_argument("--cap", type=float, default=600.0, help="largest budget for F (s)")
    ap.add_argument("--floor", type=float, default=10.0, help="smallest budget for F (s)")
    ap.add_argument("--attach", action="store_true", help="add base/ proofs to the bundles")
    ap.add_argument("--max-bytes", type=int, default=2_000_000,
                    help="largest gzipped F proof to attach")
    ap.add_argument("--gen", action="store_true", help="measure route 3 (generators)")
    ap.add_argument("--csv", default=str(ROOT / "benchmarks/results/certificates.csv"))
    args = ap.parse_args(argv)
    cols = ["claim", "F+SB clauses", "F clauses", "F+SB solve s", "F+SB proof lines",
            "F+SB check s", "F budget s", "F status", "F solve s", "F/F+SB", "F proof lines",
            "F proof gz bytes", "F check s"]
    if args.gen:
        cols += ["gen sums", "gen find s", "generators", "not syntactic", "SB(gen) clauses",
                 "gen status", "gen solve s", "gen/F+SB", "gen proof lines",
                 "gen proof gz bytes", "gen check s", "other sums"]
    cols.append("attached")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    rows = []
    with tempfile.TemporaryDirectory() as wd:
        for bdir, claim in unsat_claims(args.paths):
            name = str(Path(bdir).resolve().relative_to(ROOT / "proofs")) \
                if str(Path(bdir).resolve()).startswith(str(ROOT / "proofs")) else str(bdir)
            enc = encoder(claim)
            options = claim.get("options") or {}
            sb = route(enc(options), args.cap, wd, "sb")
            budget = min(args.cap, max(20 * sb["solve"], args.floor))
            base_enc = enc(base_options(options))
            f = route(base_enc, budget, wd, "f")
            whole = False
            if f["status"] == "SAT" and "members" in options:
                # the subfamily alone is satisfiable (it was chosen for the
                # relabelling order): F is the whole family
                whole = True
                base_enc = enc(base_options(options, whole_family=True))
                f = route(base_enc, budget, wd, "f")
                f["whole"] = True
            attached = "-"
            if f["status"] == "UNSAT":
                if (args.attach and f["gz"] <= args.max_bytes
                        and claim.get("certificate_kind") != "proof of F"):
                    attach_base_proof(bdir, f["proof"], base_enc, solve_seconds=f["solve"],
                                      solver=claim["solver"], whole_family=whole,
                                      checkers=("native", "python", "drup"),
                                      budget=CheckerPolicy(headline=False))
                    attached = "yes"
                    if (Path(bdir).parent / "minimum.json").exists():
                        write_minimum_manifest(Path(bdir).parent)
                elif f["gz"] > args.max_bytes:
                    attached = "too large"
            g = gs = None
            if args.gen:
                g = gen_route(claim, enc, budget, wd)
                shape = claim["shape"]
                if shape["L"] == 1 and shape["mode"] == "superposed" and shape["n"] == 2:
                    # neuron swaps are syntactic with the symmetric output sums
                    gs = gen_route(claim, enc, budget, wd, sums="tree-sym")
                    if gs["status"] == "UNSAT" and (g["status"] != "UNSAT"
                                                    or gs["gz"] < g["gz"]):
                        g, gs = gs, g
                if (args.attach and attached != "yes" and g["status"] == "UNSAT"
                        and claim.get("certificate_kind") != "proof of F"):
                    if g["gz"] <= args.max_bytes:
                        attach_generator_proof(bdir, g["base"], g["generators"],
                                               g["proof"], solve_seconds=g["solve"],
                                               solver=claim["solver"],
                                               checkers=("native", "python", "drup"),
                                               budget=CheckerPolicy(headline=False))
                        attached = "gen"
                        if (Path(bdir).parent / "minimum.json").exists():
                            write_minimum_manifest(Path(bdir).parent)
                    else:
                        attached += "; gen too large"
            ratio = f"{f['solve'] / sb['solve']:.1f}" if f["status"] == "UNSAT" else "-"
            row = [name, sb["clauses"], f["clauses"], f"{sb['solve']:.2f}",
                   sb.get("lines", "-"), f"{sb.get('check', 0):.2f}", f"{budget:.0f}",
                   f["status"] + (" (whole family)" if whole else ""), f"{f['solve']:.2f}", ratio, f.get("lines", "-"),
                   f.get("gz", "-"), f"{f['check']:.2f}" if "check" in f else "-"]
            if g is not None:
                row += [g["base"].info["sums"] if g.get("base") else "-",
                        f"{g['find']:.2f}", g["gens"], g["bad"], g.get("sb", "-"), g["status"],
                        f"{g['solve']:.2f}",
                        f"{g['solve'] / sb['solve']:.1f}" if g["status"] == "UNSAT" else "-",
                        g.get("lines", "-"), g.get("gz", "-"),
                        f"{g['check']:.2f}" if "check" in g else "-"]
                row += ([f"{gs['base'].info['sums'] if gs.get('base') else '-'}: {gs['status']} "
                         f"{gs['solve']:.2f} s, {gs.get('gz', '-')} B"] if gs else ["-"])
            row.append(attached)
            rows.append(row)
            print("| " + " | ".join(map(str, row)) + " |", flush=True)
            for p in (sb["proof"], f["proof"], (g or {}).get("proof"), (gs or {}).get("proof")):
                if p and os.path.exists(p):
                    os.unlink(p)
    Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
    with open(args.csv, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
