"""Recipe-backed family band rows: a best network whose members are not stored.

A family network stores one network per member, and ``m'!`` members cannot
be stored past ``m' = 7``. A *recipe row* (``superpos-formal/family-band-rows``
version 1, committed in ``search/midrange-families/rows.json``) stores
instead what rebuilds every member: the recipe's name, its parameters and
seed, the shared code (``E``, ``R``, ``theta`` and the recipe's own bounds)
in plain JSON, and which members are checked. Two recipes:

* ``family`` (:mod:`superpos_formal.constructions.family`, ``theta = 2``):
  :func:`~superpos_formal.constructions.family.family_code`,
  :func:`~superpos_formal.constructions.family.certify_code`;
* ``indicator`` (:mod:`superpos_formal.constructions.family_indicator`,
  ``theta = 1``): padded identity codes, one neuron per output.

:func:`check_row` (``superpos verify search/midrange-families``) fails
closed: every field known and present; the code rebuilt from the recipe,
parameters and seed and compared entry by entry with the stored one (a
tampered code is refused); the recipe's certificate re-run on it (the
argument in the recipe's module proves *every* member from it); the row's
bounds equal to or wider than the recipe's (same mode, activation, ``L``,
``theta``; a weight in ``[-1, 1]`` is one in ``[-B, B]``, so a bias-0
network is a bias-1 network) and the certificate re-run at the row's bounds;
a seeded sample of members (:func:`~superpos_formal.tasks.sample_indices`)
rebuilt at the row's bounds and verified on every input
(:func:`~superpos_formal.constructions.family.check_members`); the width
the code's. Wherever the row is shown it carries its label, e.g.
``construction: code certificate + argument; 16 of 5040 members checked
exhaustively``: the certificate plus the argument is the proof, the sample
is evidence.

The row's lower bound is the largest of the counting bound (recomputed) and
a restriction claim (:mod:`.lower_bound`, stored in the row, verified by
:func:`~.lower_bound.check_claim`: its sub-question's bundle verified, the
restriction regenerated and brute-forced). The ratio best / lower is exact.
A row may not repeat a question of the best-known registry, and the rows
with the registry must pass
:func:`~.best_known.registry_consistency` (a lower bound not below a
restriction's, a width not above a restriction's or a composition's).

Examples
--------
>>> from superpos_formal.tasks import permutation_family
>>> row = make_row(permutation_family(7), "indicator", {}, 0,
...                {"mode": "superposed", "activation": "relu", "L": 1, "B": 1,
...                 "B_bias": 1, "B_code": 1, "theta": 1}, sample=4)
>>> row["best"]["hidden_neurons"], row["best"]["label"]
(7, 'construction: code certificate + argument; 4 of 5040 members checked exhaustively')
>>> recipe_failures(row)
[]
"""

import json
import time
from dataclasses import replace
from pathlib import Path

from ..bounds import counting_min_width
from ..constructions.family import certify_code, check_members, family_code, member_network
from ..constructions.family_indicator import (RECIPE as INDICATOR, certify_indicator,
                                              indicator_code, indicator_member)
from ..errors import InputError
from ..schema import family_from_dict, family_to_dict
from ..shape import Shape
from ..tasks import Family, sample_indices
from .best_known import entry_key, load_registry, ratio_of, registry_consistency
from .bundles.check_claim import BundleReport
from .bundles.verify import cached_verifier
from .lower_bound import check_claim, make_claim, read_claim, sub_question
from .proofcheck import drat

__all__ = ["FORMAT", "VERSION", "RECIPES", "make_row", "recipe_failures", "check_row",
           "verify_rows", "rows_file", "load_rows", "write_rows", "band_entries",
           "row_label", "FOLDER"]

FORMAT = "superpos-formal/family-band-rows"
VERSION = 1
#: the committed rows (relative to the repository root)
FOLDER = "search/midrange-families"
RECIPES = ("family", INDICATOR)
_ROW = {"question", "subject", "family", "bounds", "best", "lower_bound", "ratio", "sample"}
_BEST = {"hidden_neurons", "label", "bundle", "recipe"}
_RECIPE = {"name", "params", "seed", "code", "certificate", "checked", "note"}
_CODE = {"n", "E", "R", "theta", "B", "B_bias", "B_code", "activation"}
_CHECKED = {"sample", "sample_seed", "members"}
_LB = {"n", "source", "certificate", "counting", "claim"}
_BOUNDS = {"mode", "activation", "L", "B", "B_bias", "B_code", "theta"}


def _code_of(name, family, params, seed):
    if name == INDICATOR:
        if params:
            raise InputError(f"params: the indicator recipe takes none, got {sorted(params)}")
        code = indicator_code(family)
        return code, certify_indicator, indicator_member
    if name == "family":
        return family_code(family, params, seed), certify_code, member_network
    raise InputError(f"recipe: unknown recipe {name!r} ({', '.join(RECIPES)})")


def _code_dict(code):
    return {"n": code.n, "E": [list(r) for r in code.E], "R": [list(r) for r in code.R],
            "theta": code.theta, "B": code.B, "B_bias": code.B_bias, "B_code": code.B_code,
            "activation": code.activation}


def _label(k, size):
    return (f"construction: code certificate + argument; {k} of {size} members "
            f"checked exhaustively")


def _counting(family, bounds, n):
    sh = Shape(bounds["mode"], bounds["activation"], n=n, L=bounds["L"], B=bounds["B"],
               B_bias=bounds["B_bias"], B_code=bounds["B_code"], theta=bounds["theta"],
               codes="free")
    try:
        return counting_min_width(family, sh, n_max=256)
    except InputError:
        return None


def _wider(bounds, code):
    """Why the row's ``bounds`` do not contain the recipe's networks (empty: they do)."""
    out = []
    if set(bounds) != _BOUNDS:
        return [f"bounds: expected the fields {sorted(_BOUNDS)}, got {sorted(bounds)}"]
    if (bounds["mode"], bounds["activation"], bounds["L"], bounds["theta"]) != (
            "superposed", code.activation, 1, code.theta):
        out.append(f"bounds: mode/activation/L/theta {bounds['mode']}/{bounds['activation']}"
                   f"/{bounds['L']}/{bounds['theta']} are not the recipe's superposed/"
                   f"{code.activation}/1/{code.theta}")
    for k in ("B", "B_bias", "B_code"):
        if not isinstance(bounds[k], int) or bounds[k] < getattr(code, k):
            out.append(f"bounds.{k}: {bounds[k]!r} is below the recipe's {getattr(code, k)}")
    return out


def make_row(family, recipe, params, seed, bounds, *, sample=16, sample_seed=0,
             lower=None, root="."):
    """A recipe row for ``family`` at the question's ``bounds``. ``lower``:
    an optional ``(sub-question directory, repository-relative path)`` whose
    certified minimum restricts to the family (:mod:`.lower_bound`); the
    row's lower bound is the larger of it and the counting bound. The row is
    checked (:func:`recipe_failures`) before it is returned."""
    if not isinstance(family, Family) or family.is_sample:
        raise InputError("family: a recipe row is about a complete family")
    code, cert, _ = _code_of(recipe, family, dict(params), seed)
    bad = _wider(bounds, code)
    if bad:
        raise InputError("; ".join(bad))
    c = cert(code)
    if not c.ok:
        raise InputError(c.describe())
    k = len(sample_indices(family.size, sample, sample_seed))
    note = None
    looser = [f"{x}={getattr(code, x)}" for x in ("B", "B_bias", "B_code")
              if getattr(code, x) < bounds[x]]
    if looser:
        note = (f"the recipe's own bounds are {', '.join(looser)}: a network within them "
                f"is one within the row's bounds")
    counting = _counting(family, bounds, code.n)
    lb = {"n": counting, "source": "counting", "certificate": None, "counting": counting,
          "claim": None}
    if lower is not None:
        path, rel = lower
        sub, _, value, sclaim = sub_question(path)
        small = sclaim.family if sclaim.family is not None else sclaim.task
        if counting is None or value > counting:
            lb = {"n": value, "source": "restriction", "certificate": rel,
                  "counting": counting,
                  "claim": make_claim(family, bounds, value, rel, small, value)}
    row = {"question": "family", "subject": family.name, "family": family_to_dict(family),
           "bounds": dict(bounds), "sample": False,
           "best": {"hidden_neurons": code.n, "label": _label(k, family.size),
                    "bundle": f"{FOLDER}/rows.json",
                    "recipe": {"name": recipe, "params": dict(params), "seed": seed,
                               "code": _code_dict(code), "certificate": dict(c.facts),
                               "checked": {"sample": sample, "sample_seed": sample_seed,
                                           "members": str(family.size)},
                               "note": note}},
           "lower_bound": lb, "ratio": ratio_of(code.n, lb["n"])}
    bad = recipe_failures(row)
    if bad:
        raise InputError("; ".join(bad))
    return row


def _fields(d, want, what):
    if not isinstance(d, dict):
        return [f"{what}: expected an object"]
    extra, missing = set(d) - want, want - set(d)
    if extra:
        return [f"{what}: unknown field {sorted(extra)[0]!r}"]
    if missing:
        return [f"{what}: missing field {sorted(missing)[0]!r}"]
    return []


def recipe_failures(row):
    """Why the row's best network is not what it says (empty: it holds):
    fields, code rebuilt and compared, certificate re-run at the recipe's and
    at the row's bounds, a seeded sample of members rebuilt and verified
    exhaustively, width and label."""
    bad = _fields(row, _ROW, "row")
    if bad:
        return bad
    best = row["best"]
    bad = (_fields(best, _BEST, "best") or _fields(best.get("recipe"), _RECIPE, "best.recipe"))
    if bad:
        return bad
    rc = best["recipe"]
    bad = (_fields(rc["code"], _CODE, "best.recipe.code")
           or _fields(rc["checked"], _CHECKED, "best.recipe.checked")
           or _fields(row["bounds"], _BOUNDS, "bounds"))
    if bad:
        return bad
    if row["question"] != "family" or row["sample"] is not False:
        return ["question: a recipe row is about a complete family (question 'family', "
                "sample false)"]
    try:
        family = family_from_dict(row["family"])
        if family.is_sample:
            raise InputError("a sample is not a family question")
        if row["subject"] != family.name:
            return [f"subject: {row['subject']!r} is not the family's name {family.name!r}"]
        if not isinstance(rc["params"], dict):
            raise InputError("params: expected an object")
        code, cert, build = _code_of(rc["name"], family, rc["params"], rc["seed"])
    except (InputError, KeyError, TypeError, ValueError) as e:
        return [f"best.recipe: cannot rebuild the code ({e})"]
    fails = []
    stored = rc["code"]
    for k, v in _code_dict(code).items():
        if stored[k] != v:
            fails.append(f"best.recipe.code.{k}: differs from the code the recipe rebuilds "
                         f"(tampered code, parameters or seed)")
    c = cert(code)
    if not c.ok:
        fails.append(f"best.recipe: {c.describe()}")
    if rc["certificate"] != c.facts:
        fails.append(f"best.recipe.certificate: recorded {rc['certificate']}, re-measured "
                     f"{c.facts}")
    fails += _wider(row["bounds"], code)
    if fails:
        return fails
    at_row = replace(code, B=row["bounds"]["B"], B_bias=row["bounds"]["B_bias"],
                     B_code=row["bounds"]["B_code"])
    c2 = cert(at_row)
    if not c2.ok:
        return [f"best.recipe at the row's bounds: {c2.describe()}"]
    if best["hidden_neurons"] != code.n:
        fails.append(f"best.hidden_neurons: {best['hidden_neurons']!r}, the code's width "
                     f"is {code.n}")
    ch = rc["checked"]
    if ch["members"] != str(family.size):
        fails.append(f"best.recipe.checked.members: {ch['members']!r}, the family has "
                     f"{family.size}")
    try:
        idx = sample_indices(family.size, ch["sample"], ch["sample_seed"])
    except (InputError, TypeError) as e:
        return fails + [f"best.recipe.checked: {e}"]
    if best["label"] != _label(len(idx), family.size):
        fails.append(f"best.label: {best['label']!r}, expected "
                     f"{_label(len(idx), family.size)!r}")
    if best["bundle"] != f"{FOLDER}/rows.json":
        fails.append(f"best.bundle: {best['bundle']!r} is not {FOLDER}/rows.json")
    for mc in check_members(at_row, [family.member(i) for i in idx], recipe=build):
        if not mc.ok:
            fails.append(f"member {mc.member}: {mc.reason}")
    return fails


def _lower_failures(row, root, verified):
    lb = row["lower_bound"]
    bad = _fields(lb, _LB, "lower_bound")
    if bad:
        return bad, []
    family = family_from_dict(row["family"])
    counting = _counting(family, row["bounds"], row["best"]["hidden_neurons"])
    fails, unver = [], []
    if lb["counting"] != counting:
        fails.append(f"lower_bound.counting: recorded {lb['counting']}, the counting bound "
                     f"is {counting}")
    if lb["source"] == "counting":
        if lb["claim"] is not None or lb["certificate"] is not None or lb["n"] != counting:
            fails.append("lower_bound: source counting with a claim, a certificate or "
                         "another value")
    elif lb["source"] == "restriction":
        claim = lb["claim"]
        try:
            q, subject, bounds, n = read_claim(claim)
        except (InputError, KeyError, TypeError) as e:
            return fails + [f"lower_bound.claim: {e}"], unver
        if q != "family" or family_to_dict(subject) != row["family"] or bounds != row["bounds"]:
            fails.append("lower_bound.claim: about another question than the row's")
        if n != lb["n"] or claim["certificate"]["bundle"] != lb["certificate"]:
            fails.append(f"lower_bound: n {lb['n']} / certificate {lb['certificate']!r} "
                         f"differ from the claim's")
        if counting is not None and lb["n"] <= counting:
            fails.append(f"lower_bound: the restriction's {lb['n']} does not beat counting "
                         f"({counting}); the source must be counting")
        f, u = check_claim(claim, root, verified)
        fails += [f"lower_bound.claim: {m}" for m in f]
        unver += [f"lower_bound.claim: {m}" for m in u]
    else:
        fails.append(f"lower_bound.source: {lb['source']!r} (counting, restriction)")
    if row["ratio"] != ratio_of(row["best"]["hidden_neurons"], lb["n"]):
        fails.append(f"ratio: recorded {row['ratio']!r}, best/lower is "
                     f"{ratio_of(row['best']['hidden_neurons'], lb['n'])!r}")
    return fails, unver


def check_row(row, root, verified):
    """``(failures, not-verified reasons)`` of one row: the recipe
    (:func:`recipe_failures`) and the lower bound (counting recomputed, the
    restriction claim checked with ``verified``, a cached bundle verifier)."""
    try:
        fails = recipe_failures(row)
        if fails:
            return fails, []
        return _lower_failures(row, root, verified)
    except Exception as e:  # a row must never crash the checker
        return [f"internal error: {type(e).__name__}: {e}"], []


def rows_file(path):
    """The ``rows.json`` ``path`` names (the file, or a folder holding it
    whose ``format`` is :data:`FORMAT`), or None."""
    p = Path(path)
    f = p / "rows.json" if p.is_dir() else p
    if f.name != "rows.json" or not f.is_file():
        return None
    try:
        return f if json.loads(f.read_text()).get("format") == FORMAT else None
    except (OSError, ValueError, AttributeError):
        return None


def load_rows(path):
    """The rows of a rows file, failing closed on format, version, fields."""
    f = rows_file(path)
    if f is None:
        raise InputError(f"{path}: no {FORMAT} rows.json here")
    doc = json.loads(f.read_text())
    bad = _fields(doc, {"format", "version", "rows"}, "rows.json")
    if bad:
        raise InputError(bad[0])
    if doc["version"] != VERSION:
        raise InputError(f"rows.json: version {doc['version']!r}, expected {VERSION}")
    if not isinstance(doc["rows"], list):
        raise InputError("rows.json: rows must be a list")
    return doc["rows"]


def write_rows(path, rows):
    """Write ``rows`` (sorted by family label and ``m'``) to ``path/rows.json``."""
    key = lambda r: (r["family"]["kind"], r["family"].get("m", 0) if
                     r["family"]["kind"] != "permutations" else 0,
                     json.dumps(r["bounds"], sort_keys=True), r["family"]["m_out"])
    doc = {"format": FORMAT, "version": VERSION, "rows": sorted(rows, key=key)}
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    (p / "rows.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    return p / "rows.json"


def row_label(row):
    """One line: subject, bounds, width, lower bound, label."""
    try:
        b = row["bounds"]
        return (f"{row['subject']} B={b['B']} bias={b['B_bias']} code={b['B_code']} "
                f"theta={b['theta']}: n={row['best']['hidden_neurons']} >= "
                f"{row['lower_bound']['n']} ({row['best']['label']})")
    except (KeyError, TypeError):
        return "family band row (unreadable)"


def verify_rows(path, *, root=None, registry="search/best-known", checkers=drat.DEFAULT_CHECKERS,
                regenerate=True, budget=None, max_unzipped=None, verified=None):
    """Re-check a rows file (``superpos verify search/midrange-families``): a
    :class:`BundleReport` of kind ``family-rows``, one child per row; never
    raises. ``root``: the repository (default two levels above the file);
    ``registry`` (relative to ``root``): the best-known export the rows are
    checked against (no repeated question; consistency)."""
    t_start = time.perf_counter()
    rep = BundleReport(str(path), kind="family-rows", question="family band", answer="best",
                       certificate="recipe")
    f = rows_file(path)
    if f is None:
        rep.failures.append(f"no {FORMAT} rows.json here")
        return rep
    root = Path(root) if root is not None else f.resolve().parent.parent.parent
    try:
        rows = load_rows(f)
    except (InputError, OSError, ValueError) as e:
        rep.failures.append(str(e))
        return rep
    if not rows:
        rep.failures.append("rows.json: no rows (an empty file claims nothing)")
        return rep
    if verified is None:
        verified = cached_verifier(checkers=checkers, regenerate=regenerate, budget=budget,
                                   max_unzipped=max_unzipped)
    rep.label = f"family band rows, {len(rows)}"
    rep.checks += ["rows", "consistency"]
    try:
        reg = load_registry(Path(root) / registry)
    except (InputError, OSError, ValueError) as e:
        rep.failures.append(f"registry {registry}: {e}")
        reg = []
    reg_keys = set()
    for e in reg:
        try:
            reg_keys.add(entry_key(e))
        except (InputError, KeyError, TypeError):
            pass
    seen = {}
    for i, row in enumerate(rows):
        child = BundleReport(f"{f}[{i}]", kind="family row", label=row_label(row),
                             question="family", answer="best", certificate="recipe",
                             checks=["recipe", "members", "lower bound"])
        t0 = time.perf_counter()
        child.failures, child.unverified = check_row(row, root, verified)
        try:
            k = entry_key(row)
            if k in reg_keys:
                child.failures.append("the best-known registry has a row for this question "
                                      "(one question, one best network)")
            if k in seen:
                child.failures.append(f"the same question as row {seen[k]}")
            seen.setdefault(k, i)
        except (InputError, KeyError, TypeError):
            pass
        child.seconds = time.perf_counter() - t0
        rep.children.append(child)
    rep.failures += [f"inconsistent rows: {m}" for m in registry_consistency(list(reg) + rows)]
    rep.seconds = time.perf_counter() - t_start
    return rep


def band_entries(root="."):
    """The committed rows as best-known-style entries for the band
    (:func:`superpos_formal.band.band_rows`): ``best.label`` says what the
    network is. Read, not re-verified (``superpos verify`` does); [] when
    there is no rows file."""
    f = rows_file(Path(root) / FOLDER)
    if f is None:
        return []
    out = []
    for r in load_rows(f):
        lb = r["lower_bound"]
        out.append({"question": "family", "subject": r["subject"], "family": r["family"],
                    "bounds": r["bounds"], "sample": False, "ratio": r["ratio"],
                    "lower_bound": {"n": lb["n"], "source": lb["source"],
                                    "certificate": lb["certificate"],
                                    "counting": lb["counting"]},
                    "best": {"hidden_neurons": r["best"]["hidden_neurons"],
                             "bundle": r["best"]["bundle"], "label": r["best"]["label"]}})
    return out
