"""``superpos verify PATH...``: re-check claim bundles.

Each PATH is a bundle, a minimum directory, a best-known registry
(``search/best-known`` or its ``registry.json``: one row per entry, each
re-checked against its bundle and its certified minimum), or a directory
searched recursively for them. While it runs, one progress row per claim goes to
stderr as soon as that claim is checked (``[k/N] RESULT seconds path``).
Each claim is checked in a child process (killed at the ``--budget`` or on
SIGTERM / SIGINT, so the command stops at once) and each proof checker in a
child of its own, bounded by ``--checker-seconds``: a checker cut by a limit
is skipped with the reason, the others still run, and a proof that no
checker completed leaves its claim NOT VERIFIED, never PASS
(certify/proofcheck/drat.py). Claims the budget did not reach are NOT VERIFIED too.
At the end it prints one row per claim (bundle, the claim as
verified with every bound and every option that changes or relaxes the
question, answer, certificate kind (certify/bundles/certificate_kind.py), checks run,
result, seconds), then one line per failure
and per claim not verified, and a summary. Result is ``PASS``, ``FAIL`` or
``NOT VERIFIED`` (e.g. ``--no-regenerate`` on an UNSAT claim: its proof is
not tied to the claim); a claim resting on a regenerable refutation
(certify/proofcheck/regenerable_unsat.py) whose proof was not re-made is
``PASS (not re-checked)`` with a ``NOT RE-CHECKED`` line saying how to
re-check it (``--regenerate-proofs``; CI does not). Exit status 0 only when every claim is verified,
1 otherwise. It never shows a traceback: a broken bundle is a failure row.
"""

import sys
from pathlib import Path

from ..api import verify
from ..budget import active_budget
from ..certify.proofcheck import drat
from ..certify.best_known import registry_file
from ..certify.bundles.verify import BundleReport, find_bundles
from ..certify.lower_bound import is_lower_bound_target
from ..certify.family_rows import rows_file
from ..errors import InputError
from ..solve.runner import run
from .args import add_budget_args, seconds

#: default per-checker limits (``--checker-seconds`` sets one for all): the
#: native engine is the checker every proof needs (committed proofs take it
#: up to ~50 s on an idle machine, several times that on a loaded one), so it
#: gets the most; drup's headline work cap is about three minutes and the
#: Python engine's line cap about 80 s (certify/proofcheck/drat.py)
DEFAULT_CHECKER_SECONDS = {"native": 900.0, "python": 120.0, "drup": 120.0}

__all__ = ["register", "run_verify", "format_table"]


def register(sub):
    p = sub.add_parser(
        "verify", help="re-check claim bundles (manifest, network, formula, proof)",
        description="Re-check claim bundles: the manifest; for SAT the network, "
                    "exhaustively; for UNSAT the formula (regenerated from claim.json) "
                    "and the DRAT proof with independent checkers.")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="bundle directories, directories containing bundles, or a best-known "
                        "registry (search/best-known or its registry.json)")
    p.add_argument("--checkers", default=",".join(drat.DEFAULT_CHECKERS),
                   help="comma-separated proof checkers to run (native, python, drup); "
                        "default: all, within their size limits")
    p.add_argument("--no-regenerate", action="store_true",
                   help="do not regenerate the CNF from claim.json: checks the stored "
                        "formula and proof only, and UNSAT claims are then NOT VERIFIED "
                        "(the proof is not tied to the claim); exit status 1")
    p.add_argument("--regenerate-proofs", action="store_true",
                   help="also re-solve and check the proofs of F that claims record as "
                        "regenerable (too large to commit; minutes per claim)")
    p.add_argument("--max-unzipped-mb", type=int, default=None, metavar="MB",
                   help="largest uncompressed formula or proof read "
                        "(default 512; a larger one fails)")
    p.add_argument("--checker-seconds", type=seconds, default=None, metavar="SECONDS",
                   help=f"wall-clock limit of each proof checker run, the same for every "
                        f"checker (default: {_limits_text(DEFAULT_CHECKER_SECONDS)}); a "
                        f"checker cut by it is skipped with the reason, and a proof no "
                        f"checker completed is NOT VERIFIED")
    g = add_budget_args(p)
    g.description = ("--budget bounds the whole run: claims it does not reach, or cuts, are "
                     "NOT VERIFIED (exit 1); --memory-limit caps each claim's and each "
                     "checker's process")
    p.set_defaults(func=run_verify)
    return p


def _limits_text(limits):
    if not isinstance(limits, dict):
        return f"{limits:g} s"
    by = {}
    for c, v in limits.items():
        by.setdefault(v, []).append(c)
    return ", ".join(f"{v:g} s {'/'.join(cs)}" for v, cs in by.items())


def _checkers(text):
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    if not names:
        raise InputError("--checkers: give at least one of native, python, drup")
    for c in names:
        if c not in drat.CHECKERS:
            raise InputError(f"--checkers: unknown checker {c!r} (native, python, drup)")
    return names


def _rows(rep, rows, depth=0):
    checks = ",".join(rep.checks) or "-"
    if any("not regenerated" in n for n in rep.unverified):
        checks += " (no regenerate)"
    rows.append(("  " * depth + rep.path, rep.label or "-", rep.answer,
                 getattr(rep, "certificate", "?"), checks, rep.status, f"{rep.seconds:.2f}"))
    for c in rep.children:
        _rows(c, rows, depth + 1)


def format_table(reports):
    """The pass/fail table of a list of :class:`BundleReport`, as text."""
    head = ("bundle", "claim", "answer", "certificate", "checks", "result", "seconds")
    rows = []
    for r in reports:
        _rows(r, rows)
    widths = [max(len(str(x[i])) for x in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _not_verified(path, why):
    rep = BundleReport(str(path))
    rep.unverified.append(why)
    return rep


def _verify_one(path, kw, memory_mb):
    """The report of one claim, verified in a child process: the budget and
    SIGTERM / SIGINT end it at once (the child is killed, with its checker
    children), and a claim the budget cuts is NOT VERIFIED with the reason."""
    b = active_budget()
    if b is not None and b.expired():
        b.note("verifying")
        return _not_verified(path, f"not checked: the budget of {b.seconds:g} s ran out "
                                   f"before this claim")
    try:
        out = run(verify, path, part=f"verifying {Path(path).name}", memory_mb=memory_mb,
                  **kw)
    except Exception as e:  # the child raised: a bundle must never crash verify
        rep = BundleReport(str(path))
        rep.failures.append(f"internal error: {type(e).__name__}: {e}")
        return rep
    if out.done:
        return out.value
    rep = _not_verified(path, f"not checked to the end: {out.reason}")
    rep.seconds = out.seconds
    return rep


def _targets(paths):
    """Bundles under ``paths``; a best-known registry (``search/best-known``
    or its ``registry.json``) is one target, verified row by row."""
    out = []
    for p in paths:
        if registry_file(p) is not None or is_lower_bound_target(p) or rows_file(p):
            out.append(p)
            continue
        out += find_bundles([p])
        # proofs/ holds lower-bounds/ (claim files, not bundles): one target
        out += sorted(str(d) for d in Path(p).rglob("lower-bounds")
                      if is_lower_bound_target(d)) if Path(p).is_dir() else []
    return out


def run_verify(args):
    checkers = _checkers(args.checkers)
    mb = args.max_unzipped_mb
    if mb is not None and mb < 1:
        raise InputError(f"--max-unzipped-mb: must be >= 1, got {mb}")
    kw = dict(checkers=checkers, regenerate=not args.no_regenerate,
              regenerate_proofs=args.regenerate_proofs,
              max_unzipped=None if mb is None else mb * 1024 * 1024)
    paths = _targets(args.paths)
    b = active_budget()
    limits = DEFAULT_CHECKER_SECONDS if args.checker_seconds is None else args.checker_seconds
    print(f"verifying {len(paths)} claim(s): checkers {','.join(checkers)}, at most "
          f"{_limits_text(limits)} per checker run"
          + (f", budget {b.seconds:g} s" if b is not None and b.seconds else ""),
          file=sys.stderr, flush=True)
    reports = []
    with drat.checker_time_limit(limits):
        for k, p in enumerate(paths, 1):
            rep = _verify_one(p, kw, args.memory_mb)
            reports.append(rep)
            print(f"[{k}/{len(paths)}] {rep.status:<12} {rep.seconds:8.2f}s  {p}"
                  + (f"  {rep.label}" if rep.label else ""), file=sys.stderr, flush=True)
    print(format_table(reports))
    fails = [m for r in reports for m in r.all_failures()]
    notes = sorted({n for r in reports for c in [r] + r.children for n in c.notes})
    for n in notes:
        print(f"note: {n}")
    for m in fails:
        print(f"FAIL {' '.join(m.split())}")
    unverified = [m for r in reports for m in r.all_unverified()]
    for m in unverified:
        print(f"NOT VERIFIED {' '.join(m.split())}")
    # a regenerable refutation whose proof this run did not re-make: labelled,
    # never a bare PASS (certify/proofcheck/regenerable_unsat.py)
    for m in sorted({m for r in reports for m in r.all_unrechecked()}):
        print(f"NOT RE-CHECKED {' '.join(m.split())}")
    n_ok = sum(r.ok for r in reports)
    n_fail = sum(r.status == "FAIL" for r in reports)
    n_unv = len(reports) - n_ok - n_fail
    n_rc = sum(r.ok and bool(r.all_unrechecked()) for r in reports)
    tail = ""
    if n_fail or n_unv or n_rc:
        tail = f" ({n_fail} failed, {n_unv} not verified" + (
            f"; {n_rc} passed without re-making the regenerable proofs they rest on: "
            f"superpos verify --regenerate-proofs" if n_rc else "") + ")"
    print(f"{n_ok}/{len(reports)} claims verified{tail}")
    return 0 if n_ok == len(reports) else 1
