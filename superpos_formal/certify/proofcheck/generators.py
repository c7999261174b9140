"""Symmetry breaking checked by generators (issue 13, item 3).

A bundle of kind ``proof of F and SB, SB checked by generators`` carries,
in ``gen/``:

``generators.json.gz``
    ``superpos-formal/generators`` v1: ``nvars`` (of ``F``) and
    ``generators``, each a ``name``, ``compare_variables`` ``K`` (its
    lex-leader constraint compares variables ``1..K``) and its literal
    permutation as ``runs`` ``[start, length, image, step]``: variable
    ``start + t`` maps to ``sign(image) * (|image| + step * t)`` for
    ``t < length``; unlisted variables are fixed.
``formula.cnf.gz``
    ``F`` followed by the lex-leader clauses ``SB`` of the generators.
``proof.drat.gz``, ``logs/``
    A DRAT proof of that formula and the checkers' reports.

``claim.json`` ``generator_proof`` records the options of ``F`` (the
claim's options with every break off; for a family, the *whole* family, so
no subfamily argument is needed; the sum encoding may differ, e.g.
``tree-sym``, under which more symmetries are syntactic: every sum encoding
encodes the same question), the hashes, sizes, solver and checks.

:func:`check_generator_proof` verifies mechanically:

(a) ``F`` is regenerated from ``claim.json``; every generator is a
    negation-commuting permutation of its variables that maps the clause
    multiset of ``F`` onto itself (a syntactic automorphism);
(b) the formula is exactly ``F`` followed by the lex-leader clauses the
    checker regenerates from the generators (Crawford, Ginsberg, Luks, Roy,
    KR 1996; variable order: ascending number; each generator's first ``K``
    variables;
    :func:`~superpos_formal.encode.lexleader.lex_leader_clauses`);
(c) the DRAT proof of that formula checks.

Then ``F`` is unsatisfiable: a model of ``F`` would have a lexicographically
largest member of its orbit under the generated group, a model of ``F``
and ``SB`` (argument in :mod:`superpos_formal.encode.lexleader`).
"""

import json
from pathlib import Path
from types import SimpleNamespace

from ...encode.lexleader import automorphism_failure, clause_multiset, lex_leader_clauses
from ...encode.sat import SUM_ENCODINGS
from ...errors import InputError
from . import drat
from ..jsonio import read_text as read_bounded
from ..bundles.encoders import regenerate_base

__all__ = ["GEN", "GENERATORS_FORMAT", "pack", "unpack", "generators_doc",
           "read_generators", "check_generator_proof", "formula_with_sb"]

GEN = "gen"
GENERATORS_FORMAT = "superpos-formal/generators"


def pack(g):
    """Runs ``[start, length, image, step]`` of a ``var -> literal`` map.

    >>> pack({5: 9, 6: 10, 7: 11, 2: -4, 3: -3})
    [[2, 2, -4, -1], [5, 3, 9, 1]]
    >>> unpack(pack({5: 9, 6: 10, 7: 11, 2: -4, 3: -3})) == {5: 9, 6: 10, 7: 11, 2: -4, 3: -3}
    True
    """
    runs = []
    for v, w in sorted(g.items()):
        if runs:
            s, n, w0, st = runs[-1]
            if v == s + n and (w > 0) == (w0 > 0):
                if n == 1 and abs(abs(w) - abs(w0)) == 1:
                    runs[-1] = [s, 2, w0, abs(w) - abs(w0)]
                    continue
                if n > 1 and abs(w) == abs(w0) + st * n:
                    runs[-1][1] += 1
                    continue
        runs.append([v, 1, w, 1])
    return runs


def unpack(runs):
    """The map of :func:`pack`'s runs; InputError for a malformed run."""
    if not isinstance(runs, list):
        raise InputError("runs: expected a list")
    g = {}
    for run in runs:
        if (not isinstance(run, list) or len(run) != 4
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in run)):
            raise InputError(f"run {run!r}: expected [start, length, image, step] integers")
        s, n, w, st = run
        if n < 1 or s < 1 or w == 0 or st not in (-1, 1):
            raise InputError(f"run {run!r}: needs start >= 1, length >= 1, image != 0, "
                             f"step +-1")
        sign = 1 if w > 0 else -1
        for t in range(n):
            img = abs(w) + st * t
            if img < 1:
                raise InputError(f"run {run!r}: maps to variable {img}")
            if s + t in g:
                raise InputError(f"run {run!r}: variable {s + t} listed twice")
            g[s + t] = sign * img
    return g


def generators_doc(gens, nvars):
    """The ``generators.json`` document of ``[(name, map, K)]``."""
    return {"format": GENERATORS_FORMAT, "version": 1, "nvars": nvars,
            "order": "ascending variable number",
            "generators": [{"name": name, "compare_variables": K, "runs": pack(g)}
                           for name, g, K in gens]}


def read_generators(doc):
    """``(nvars, [(name, map, K)])`` from a generators document; InputError if malformed."""
    if not isinstance(doc, dict):
        raise InputError("generators.json: expected an object")
    keys = {"format", "version", "nvars", "order", "generators"}
    if set(doc) != keys:
        raise InputError(f"generators.json: fields {sorted(doc)}, expected {sorted(keys)}")
    if doc["format"] != GENERATORS_FORMAT or doc["version"] != 1:
        raise InputError(f"generators.json: format {doc['format']!r} v{doc['version']!r}, "
                         f"expected {GENERATORS_FORMAT!r} v1")
    if doc["order"] != "ascending variable number":
        raise InputError(f"generators.json: order {doc['order']!r}: only 'ascending "
                         f"variable number' is checked")
    nvars = doc["nvars"]
    if not _posint(nvars):
        raise InputError("generators.json: nvars: expected a positive integer")
    gens = doc["generators"]
    if not isinstance(gens, list) or not gens:
        raise InputError("generators.json: generators: expected a non-empty list")
    out = []
    for i, g in enumerate(gens):
        if (not isinstance(g, dict) or set(g) != {"name", "compare_variables", "runs"}
                or not isinstance(g["name"], str)):
            raise InputError(f"generators.json: generator {i}: expected name, "
                             f"compare_variables and runs")
        K = g["compare_variables"]
        if not _posint(K) or K > nvars:
            raise InputError(f"generators.json: generator {g['name']!r}: compare_variables: "
                             f"expected an integer in 1..{nvars}")
        try:
            out.append((g["name"], unpack(g["runs"]), K))
        except InputError as e:
            raise InputError(f"generators.json: generator {g['name']!r}: {e}") from None
    return nvars, out


def _posint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def formula_with_sb(base, gens):
    """``(clauses, nvars, number of SB clauses)``: ``F`` then the lex-leader
    clauses of ``gens`` (``[(name, map, K)]``)."""
    sb, top = lex_leader_clauses([g for _, g, _ in gens], [K for _, _, K in gens],
                                 base.nvars)
    return [list(c) for c in base.clauses] + sb, top, len(sb)


def check_generator_proof(path, claim, encode, rep, checkers, budget, regenerate,
                          f_options, limit=None):
    """Check ``gen/`` of bundle ``path`` as the module docstring says; fill ``rep``.

    ``f_options``: the options ``F`` must be built with (the claim's, breaks
    off, whole family); ``encode(options)`` builds it. ``limit``: the bound
    on the unzipped bytes of each file read (``--max-unzipped-mb``).
    """
    try:
        _check_generator_proof(path, claim, encode, rep, checkers, budget, regenerate,
                               f_options, limit)
    except InputError as e:  # e.g. a file over the limit
        rep.failures.append(f"gen/{e}")


def _check_generator_proof(path, claim, encode, rep, checkers, budget, regenerate,
                           f_options, limit):
    gdir = Path(path) / GEN
    meta = claim.get("generator_proof")
    if not isinstance(meta, dict):
        rep.failures.append("claim.json: generator_proof: missing (the kind says the "
                            "breaks are checked by generators)")
        return
    files = {n: gdir / n for n in ("generators.json.gz", "formula.cnf.gz", "proof.drat.gz")}
    missing = [n for n, p in files.items() if not p.is_file()]
    if missing:
        rep.failures += [f"gen/{n}: missing" for n in missing]
        return
    mopts = meta.get("options")
    drop = lambda o: {k: v for k, v in o.items() if k != "sums"}
    if (not isinstance(mopts, dict) or drop(mopts) != drop(f_options)
            or mopts.get("sums", "tree") not in SUM_ENCODINGS):
        rep.failures.append("claim.json: generator_proof.options are not the claim's "
                            "options with the symmetry breaks off (for a family: the "
                            "whole family; any sum encoding of "
                            + ", ".join(SUM_ENCODINGS) + ")")
        return
    graw = read_bounded(files["generators.json.gz"], limit)
    if drat.sha256_text(graw) != (meta.get("generators") or {}).get("sha256"):
        rep.failures.append("gen/generators.json.gz: sha256 differs from claim.json's "
                            "generator_proof.generators.sha256")
    try:
        nvars, gens = read_generators(json.loads(graw))
    except (InputError, ValueError) as e:
        rep.failures.append(f"gen/{e}" if str(e).startswith("generators.json")
                            else f"gen/generators.json.gz: {e}")
        return
    text = read_bounded(files["formula.cnf.gz"], limit)
    if drat.sha256_text(text) != (meta.get("formula") or {}).get("sha256"):
        rep.failures.append("gen/formula.cnf.gz: sha256 differs from claim.json's "
                            "generator_proof.formula.sha256")
    try:
        fv, fclauses = drat.parse_dimacs(text)
    except InputError as e:
        rep.failures.append(f"gen/formula.cnf.gz: {e}")
        return
    if regenerate:
        rep.checks.append("regenerate-F")
        base = regenerate_base(encode, meta["options"], rep)
        if base is None:
            return
        bclauses, bnvars = base.clauses, base.nvars
    else:
        nb = (meta.get("formula") or {}).get("base_clauses")
        if not isinstance(nb, int) or not 0 < nb <= len(fclauses):
            rep.failures.append("claim.json: generator_proof.formula.base_clauses: "
                                "expected the number of clauses of F")
            return
        bclauses, bnvars = fclauses[:nb], nvars
        rep.notes.append("F not regenerated (--no-regenerate): generators checked "
                         "against the stored formula's first clauses")
    if nvars != bnvars:
        rep.failures.append(f"gen/generators.json.gz: nvars {nvars}, but F has {bnvars} "
                            f"variables")
        return
    rep.checks.append("automorphisms")
    have = clause_multiset(bclauses)
    for name, g, _ in gens:
        why = automorphism_failure(bclauses, bnvars, g, have)
        if why:
            rep.failures.append(f"gen/generators.json.gz: generator {name!r} is not an "
                                f"automorphism of F: {why}")
    if rep.failures:
        return
    rep.checks.append("lex-leader")
    sb, top = lex_leader_clauses([g for _, g, _ in gens], [K for _, _, K in gens], bnvars)
    nb = len(bclauses)
    if [sorted(c) for c in fclauses[:nb]] != [sorted(c) for c in bclauses]:
        base = {tuple(sorted(c)) for c in bclauses}
        extra = sum(1 for c in fclauses[:nb] if tuple(sorted(c)) not in base)
        rep.failures.append(f"gen/formula.cnf.gz: its first {nb} clauses are not F "
                            f"regenerated from claim.json ({extra} clause(s) not in F)")
        return
    rest = [sorted(c) for c in fclauses[nb:]]
    want = [sorted(c) for c in sb]
    if rest != want:
        diff = next((i for i, (a, b) in enumerate(zip(rest, want)) if a != b),
                    min(len(rest), len(want)))
        rep.failures.append(
            f"gen/formula.cnf.gz: the symmetry-breaking clauses do not match the "
            f"lex-leader clauses regenerated from the generators ({len(rest)} stored, "
            f"{len(want)} regenerated; first difference at SB clause {diff})")
        return
    if fv != top:
        rep.failures.append(f"gen/formula.cnf.gz: header says {fv} variables, F and SB "
                            f"use {top}")
        return
    proof = read_bounded(files["proof.drat.gz"], limit)
    budget = budget or drat.CheckerPolicy(headline=bool(claim.get("headline")))
    recs = drat.check_drat(SimpleNamespace(nvars=fv, clauses=fclauses), None,
                           budget.base_checkers or checkers, budget, text=proof)
    drat.record_checks(rep, recs, "gen/proof.drat.gz", tag="F+SB(gen):",
                       note="generator proof: ")
