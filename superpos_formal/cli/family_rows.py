"""``superpos family-rows``: recipe-backed family band rows past exact reach.

Adds (or replaces) one row per ``m'`` of a complete permutation or 2-AND
pair-set family in ``--rows DIR/rows.json`` (default
``search/midrange-families``; :mod:`superpos_formal.certify.family_rows`):
the recipe's shared code with its certificate, a seeded sample of members
rebuilt and verified exhaustively, and the lower bound: the larger of the
counting bound and the best restriction from the minimum directories given
by ``--lower-from`` (each verified first with the native checker; only a
PASS is used). A question the best-known registry already has a row for is
refused (one question, one best network). ``superpos verify DIR``
re-checks every row.
"""

from pathlib import Path

from ..bounds.restriction import restriction_lower_bound, subject_from_dict
from ..certify.best_known import entry_key, load_registry
from ..certify.family_rows import FOLDER, RECIPES, load_rows, make_row, row_label, rows_file, \
    write_rows
from ..certify.lower_bound import question_shape
from ..errors import InputError
from ..schema import family_to_dict
from ..tasks import build_family
from .args import parse_range
from .midrange import certificate

__all__ = ["register", "cmd_family_rows", "parse_params"]


def parse_params(text):
    """``k=v,...`` with integer values (``none`` for None).

    >>> parse_params("k_in=1,q=none")
    {'k_in': 1, 'q': None}
    >>> parse_params("")
    {}
    """
    out = {}
    for part in filter(None, (text or "").split(",")):
        k, eq, v = part.partition("=")
        if not eq or not k:
            raise InputError(f"--params: expected k=v, got {part!r}")
        try:
            out[k.strip()] = None if v.strip().lower() == "none" else int(v)
        except ValueError:
            raise InputError(f"--params: {k}: expected an integer or none, got {v!r}") from None
    return out



def cmd_family_rows(a):
    bounds = {"mode": "superposed", "activation": "relu", "L": 1, "B": a.B,
              "B_bias": a.B_bias, "B_code": a.B_code, "theta": a.theta}
    root = Path(a.root)
    lowers = []
    for p in a.lower_from or []:
        subj, shape, value = certificate(root / p)
        lowers.append((subj, shape, value, p))
        print(f"lower-bound certificate {p}: {subj.name} = {value} (verified)")
    reg = load_registry(root / a.registry)
    reg_keys = {entry_key(e) for e in reg}
    f = rows_file(root / a.rows)
    rows = load_rows(f) if f is not None else []
    for k in parse_range(a.m_out, "m-out"):
        if a.family == "permutations":
            fam = build_family("permutations", k)
        else:
            if a.m is None:
                raise InputError("--m: pair sets need the number of features")
            fam = build_family("pair-sets", a.m, k)
        params = parse_params(a.params)
        if a.recipe == "family" and fam.kind == "permutations":
            params.setdefault("n", k)  # the disjoint input code's width
        probe = {"question": "family", "family": family_to_dict(fam), "bounds": bounds}
        key = entry_key(probe)
        if key in reg_keys:
            raise InputError(f"{fam.name} at these bounds has a best-known registry row "
                             f"(one question, one best network): leave m'={k} out")
        lb = restriction_lower_bound(subject_from_dict("family", family_to_dict(fam)),
                                     question_shape(bounds), lowers)
        lower = None if lb is None else (root / lb.certificate, lb.certificate)
        row = make_row(fam, a.recipe, params, a.seed, bounds, sample=a.sample,
                       sample_seed=a.sample_seed, lower=lower)
        rows = [r for r in rows if entry_key(r) != key] + [row]
        print(row_label(row))
    out = write_rows(root / a.rows, rows)
    print(f"wrote {out} ({len(rows)} rows); re-check with: superpos verify {a.rows}")
    return 0


def register(sub):
    p = sub.add_parser("family-rows", help="recipe-backed family band rows (m' past exact "
                                           "reach)", description=__doc__.split("\n\n")[1])
    p.add_argument("--family", choices=["permutations", "pair-sets"], required=True)
    p.add_argument("--m", type=int, help="pair sets: input features")
    p.add_argument("--m-out", required=True, help="K or LO..HI (permutations: m = m')")
    p.add_argument("--recipe", choices=list(RECIPES), required=True,
                   help="family (constructions/family.py, theta 2) or indicator "
                        "(constructions/family_indicator.py, theta 1)")
    p.add_argument("--params", default="", help="recipe parameters k=v,... (family recipe; "
                                                "permutations: n defaults to m')")
    p.add_argument("--seed", type=int, default=0, help="recipe seed (default 0)")
    p.add_argument("--B", type=int, default=1, help="question's weight bound (default 1)")
    p.add_argument("--B-bias", type=int, default=1, help="question's bias bound (default 1)")
    p.add_argument("--B-code", type=int, default=1, help="question's code bound (default 1)")
    p.add_argument("--theta", type=int, default=1, help="question's threshold (default 1)")
    p.add_argument("--sample", type=int, default=16,
                   help="members rebuilt and verified exhaustively (default 16)")
    p.add_argument("--sample-seed", type=int, default=0)
    p.add_argument("--lower-from", action="append", metavar="DIR",
                   help="a minimum directory (repository-relative) whose certified minimum "
                        "may restrict to the family (repeatable)")
    p.add_argument("--rows", default=FOLDER, help=f"rows folder (default {FOLDER})")
    p.add_argument("--registry", default="search/best-known",
                   help="best-known export checked for the same question")
    p.add_argument("--root", default=".", help="repository root (paths are relative to it)")
    p.set_defaults(func=cmd_family_rows)
