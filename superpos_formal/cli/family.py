"""Counting and capacity commands: ``count``, ``capacity``, ``bounds``.

* ``superpos count``: the exact number of functions on ``X(m, s)`` an
  architecture realizes (projected SAT enumeration, every function backed by
  a verified network), or with ``--threshold K`` the number of threshold
  functions of ``K`` variables. A time limit gives "at least N", never N.
* ``superpos capacity``: for each ``m'`` up to a limit, is the family
  (permutations or pair sets) computable at width ``n`` with shared free
  codes? Counting rules sizes out before any solver runs.
* ``superpos bounds``: the paper's asymptotic expressions side by side.

Every option value is parsed here and a bad one is an :class:`InputError`,
so the dispatcher prints one line ``superpos: error: ...``.
"""

import sys
from argparse import ArgumentTypeError

from .. import api
from ..bounds import asymptotics, tabulate
from ..errors import InputError
from .args import add_budget_args, flag_names, seconds
from ..options import SolveOptions
from ..results import Mode, bounds_label
from ..shape import DEFAULT_B, Shape
from ..solve.count import THRESHOLD_METHODS
from ..solve.capacity import CAPACITY_FAMILIES

__all__ = ["register"]

MODES = tuple(Mode)
ACTS = ("relu", "step")


# ------------------------------------------------------------------ parsing

def _int(text, option, lo=None):
    if text is None:
        return None
    try:
        v = int(text)
    except (TypeError, ValueError):
        raise InputError(f"{option}: {text!r} is not an integer") from None
    if lo is not None and v < lo:
        raise InputError(f"{option}: must be >= {lo}, got {v}")
    return v


def _float(text, option):
    if text is None:
        return None
    try:
        return seconds(text)
    except ArgumentTypeError as e:
        raise InputError(f"{option}: {e}") from None


def _choice(text, option, choices, default):
    if text is None:
        return default
    if text not in choices:
        raise InputError(f"{option}: {text!r} is not one of {', '.join(choices)}")
    return text


def _int_list(text, option, lo=2):
    try:
        vals = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a comma-separated list of "
                         f"integers (e.g. 4,8,16)") from None
    if not vals:
        raise InputError(f"{option}: give at least one value")
    for v in vals:
        if v < lo:
            raise InputError(f"{option}: every value must be >= {lo}, got {v}")
    return vals


def _minima(text):
    """``"4:3,8:5"`` -> ``{4: 3, 8: 5}``."""
    if text is None:
        return None
    out = {}
    for item in text.split(","):
        parts = item.split(":")
        if len(parts) != 2 or not all(p.strip().lstrip("-").isdigit() for p in parts):
            raise InputError(f"--minima: {item.strip()!r} is not M:N (e.g. 4:3,8:5)")
        out[int(parts[0])] = int(parts[1])
    return out


def _shape(a, mode, n):
    """The one Shape of a count/capacity command (the defaults of every
    question: L=1, B=DEFAULT_B, theta=1; superposed mode: free codes)."""
    L = _int(a.L, "--L", 0) if a.L is not None else 1
    B_bias = _int(a.B_bias, "--B-bias", 0)
    if B_bias is not None and L == 0:
        raise InputError("--B-bias: with --L 0 there is no hidden layer and no bias to bound")
    kw = {} if mode == Mode.EXPLICIT else {"codes": "free"}
    with flag_names():
        return Shape(mode, _choice(a.activation, "--activation", ACTS, "relu"), n=n, L=L,
                     B=_int(a.B, "--B", 0) if a.B is not None else DEFAULT_B, B_bias=B_bias,
                     B_code=_int(a.B_code, "--B-code", 0),
                     theta=_int(a.theta, "--theta") if a.theta is not None else 1, **kw)


# ------------------------------------------------------------------ count

def _progress(count, seconds):
    print(f"  {count} functions after {seconds:.1f}s", file=sys.stderr, flush=True)


def cmd_count(a):
    tl = _float(a.time_limit, "--time-limit")
    limit = _int(a.limit, "--limit", 1)
    prog = _progress if a.progress else None
    if a.threshold is not None:
        k = _int(a.threshold, "--threshold", 0)
        for opt, val in (("--m", a.m), ("--m-out", a.m_out), ("--s", a.s), ("--n", a.n),
                         ("--mode", a.mode), ("--activation", a.activation),
                         ("--L", a.L), ("--B-bias", a.B_bias), ("--B-code", a.B_code),
                         ("--theta", a.theta)):
            if val is not None:
                raise InputError(f"{opt}: --threshold K counts one step neuron on all of "
                                 f"{{0,1}}^K; only --B, --method, --time-limit go with it")
        if limit is not None:
            raise InputError("--limit: only for architecture counts (not --threshold)")
        method = _choice(a.method, "--method", THRESHOLD_METHODS, "auto")
        r = api.count(threshold=k, B=_int(a.B, "--B", 0), method=method, functions=a.list,
                      options=SolveOptions(time_limit=tl, progress=prog))
        B = r.question["B"]
        print(f"threshold functions [w.x + b > 0] of k={k} variables, weights in "
              f"[-{B}, {B}], any bias")
        print(f"method: {r.method}; {r.seconds:.2f}s")
        print(f"count: {r.text}")
        if a.list and r.functions is not None:
            for f in r.functions:
                print("  " + "".join(map(str, f)))
        return 0
    if a.method is not None:
        raise InputError("--method: only with --threshold K")
    vals = []
    for opt, val, lo in (("--m", a.m, 1), ("--m-out", a.m_out, 1), ("--s", a.s, 0)):
        if val is None:
            raise InputError(f"{opt}: required (or use --threshold K)")
        vals.append(_int(val, opt, lo))
    m, m_out, s = vals
    mode = _choice(a.mode, "--mode", MODES, "explicit")
    sh = _shape(a, mode, _int(a.n, "--n", 1) if a.n is not None else 1)
    with flag_names():
        r = api.count(m, m_out, s, sh, limit=limit, functions=a.list,
                      options=SolveOptions(time_limit=tl, progress=prog))
    sup = mode == Mode.SUPERPOSED
    codes = "codes free (counted over all codes)" if sup else "identity codes"
    print(f"functions X(m={m}, s={s}) -> {{0,1}}^{m_out} realized by {mode} "
          f"{sh.activation}, n={sh.n}, L={sh.L} {bounds_label(sh)}; {codes}")
    print(f"method: SAT projected enumeration ({r.info.get('vars')} vars, "
          f"{r.info.get('clauses')} clauses); {r.seconds:.2f}s")
    print(f"count: {r.text}")
    print("every counted function was checked against a decoded network by exact "
          "evaluation; certified: no")
    if a.list and r.functions is not None:
        for f in r.functions:
            print("  " + " ".join("".join(map(str, y)) for y in f))
    return 0


# ------------------------------------------------------------------ capacity

def _capacity_row(row):
    secs = "" if row["seconds"] is None else f"{row['seconds']:.2f}"
    print(f"{row['m']:>3} {row['m_out']:>5} {row['size']:>12} {row['log2_size']:>8.2f} "
          f"{row['bits']:>6} {row['status']:>16} {secs:>8}", flush=True)


def cmd_capacity(a):
    kind = _choice(a.family, "--family", CAPACITY_FAMILIES, None)
    if kind is None:
        raise InputError("--family: required (permutations or pair-sets)")
    n = _int(a.n, "--n", 1)
    if n is None:
        raise InputError("--n: the width to test is required")
    sh = _shape(a, Mode.SUPERPOSED, n)
    m = _int(a.m, "--m", 2)
    s = _int(a.s, "--s", 0)
    lo = _int(a.m_out_min, "--m-out-min", 1) if a.m_out_min is not None else 1
    hi = _int(a.m_out_max, "--m-out-max", 1)
    op = _choice(a.op, "--op", ("and", "or", "xor"), None)
    print(f"capacity at n={n}: {kind} family, superposed {sh.activation}, shared free "
          f"codes, L={sh.L} {bounds_label(sh)}, s={s if s is not None else 'default'}")
    print(f"{'m':>3} {'m_out':>5} {'|F|':>12} {'log2|F|':>8} {'bits':>6} {'status':>16} "
          f"{'seconds':>8}")
    opts = SolveOptions(time_limit=_float(a.time_limit, "--time-limit"),
                        progress=_capacity_row)
    with flag_names():
        res = api.capacity(kind, sh, m=m, s=s, op=op, m_out_min=lo, m_out_max=hi,
                           counting_only=a.counting_only, options=opts)
    if a.counting_only:
        print("counting only: no solver was run; 'not ruled out' is not a SAT answer")
    elif res.first_fail is None:
        print(f"computable for every {res.range_text} at n={n}")
    else:
        mo, st = res.first_fail
        done = (f"computable for m' = {res.lo}..{res.ok_upto}; " if res.ok_upto is not None
                else "")
        print(f"{done}first m' not shown computable: {mo} ({st})")
    return 0


# ------------------------------------------------------------------ bounds

def cmd_bounds(a):
    mos = _int_list(a.m_out, "--m-out", 2)
    minima = _minima(a.minima)
    rows = tabulate(mos, minima=minima)
    names = list(asymptotics())
    print("the paper's expressions, all up to constants, natural log; capacity at n = m'")
    for name, e in asymptotics().items():
        print(f"  {name:<18} = {e}")
    print()
    cols = ["m'", "log2(m'!)>="] + names + (["minimum"] if minima else [])
    widths = [max(len(c), 10) for c in cols]
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths)))
    for r in rows:
        vals = [str(r["m_out"]), str(r["log2_perm_family_floor"])]
        vals += [f"{r['value'][nm]:.3f}" for nm in names]
        if minima:
            vals.append("-" if r["minimum"] is None else str(r["minimum"]))
        print("  ".join(v.rjust(w) for v, w in zip(vals, widths)))
    print("(floats are for display only; exact values: superpos_formal.bounds.tabulate)")
    return 0


# ------------------------------------------------------------------ register

def _shape_opts(p, counting=True):
    g = p.add_argument_group("shape")
    g.add_argument("--activation", metavar="ACT",
                   help="hidden activation: relu or step (default relu)")
    g.add_argument("--L", metavar="L", help="hidden layers, 0..2 (default 1)")
    g.add_argument("--B", metavar="B", help=f"weights in [-B, B] (default {DEFAULT_B}; with "
                                            "--threshold: a bound known to realize all "
                                            "threshold functions of K variables)")
    g.add_argument("--B-bias", metavar="B", help="biases in [-B_bias, B_bias] (default B)")
    g.add_argument("--B-code", metavar="B", help="free code entries in [-B_code, B_code] "
                                                 "(default max(B, 1))")
    g.add_argument("--theta", metavar="T", help="readout threshold theta (default 1)")
    g.add_argument("--time-limit", metavar="SEC",
                   help="hard wall-clock limit per solve in seconds (count: the SAT "
                        "enumeration is one incremental solve; numpy threshold methods "
                        "ignore it; capacity: each solve of each m')")


def register(sub):
    p = sub.add_parser(
        "count", help="count the functions an architecture realizes",
        description="Exact number of distinct functions X(m, s) -> {0,1}^m' realized by "
                    "networks of the given shape, by SAT enumeration with blocking "
                    "clauses over the outputs; every function is checked against a "
                    "decoded network. The final UNSAT is a solver claim (no proof is "
                    "logged). A time limit or --limit prints 'at least N'. With "
                    "--threshold K: the number of threshold functions [w.x + b > 0] of "
                    "K variables (compare OEIS A000609).")
    p.add_argument("--m", metavar="M", help="input features m (required without --threshold)")
    p.add_argument("--m-out", metavar="K", help="output features m' (required without "
                                                "--threshold)")
    p.add_argument("--s", metavar="S", help="sparsity: inputs with at most s ones (required "
                                            "without --threshold)")
    p.add_argument("--mode", metavar="MODE",
                   help="explicit (E=I, R=I; default) or superposed (codes free, counted "
                        "over all codes)")
    p.add_argument("--n", metavar="N", help="hidden width (default 1)")
    p.add_argument("--threshold", metavar="K",
                   help="count threshold functions of K variables (one step neuron on "
                        "{0,1}^K) instead of an architecture")
    p.add_argument("--method", metavar="METHOD",
                   help="with --threshold: auto (default), sat, cuts or orbit")
    p.add_argument("--limit", metavar="N", help="stop after N functions (prints 'at least')")
    p.add_argument("--list", action="store_true",
                   help="also print every function's truth table over X, in domain order")
    p.add_argument("--progress", action="store_true",
                   help="report the running count on stderr about once a second")
    _shape_opts(p)
    add_budget_args(p)
    p.set_defaults(func=cmd_count)

    p = sub.add_parser(
        "capacity", help="largest m' whose family is computable at width n",
        description="For m' = min..max, decide whether every member of the family "
                    "(all permutations of m' features, or all m'-sets of pairs over m "
                    "features) is computable at width n with one shared free code "
                    "(superposed mode). Sizes with more distinct members than weight "
                    "settings are UNSAT by counting, before any solver runs.")
    p.add_argument("--family", metavar="KIND", help="permutations or pair-sets")
    p.add_argument("--n", metavar="N", help="width to test (required)")
    p.add_argument("--m", metavar="M", help="pair-sets: input features m")
    p.add_argument("--s", metavar="S", help="sparsity (default 1 for permutations, 2 for "
                                            "pair-sets)")
    p.add_argument("--op", metavar="OP", help="pair-sets: and (default), or, xor")
    p.add_argument("--m-out-min", metavar="K", help="smallest m' (default 1)")
    p.add_argument("--m-out-max", metavar="K",
                   help="largest m' tried: a cap, not a result (default 4 for permutations, "
                        "C(m,2), the whole family, for pair-sets)")
    p.add_argument("--counting-only", action="store_true",
                   help="only apply the counting bound; run no solver")
    _shape_opts(p)
    add_budget_args(p)
    p.set_defaults(func=cmd_capacity)

    p = sub.add_parser(
        "bounds", help="the paper's asymptotic expressions, tabulated",
        description="Print sqrt(m' log m'), m' log m', sqrt(m') log m', m' log^2 m', "
                    "n^2/log n (at n = m') and log m' for each m', next to log2(m'!) "
                    "and any exact minima given with --minima. All up to constants.")
    p.add_argument("--m-out", metavar="LIST", default="4,8,16",
                   help="comma-separated m' values, each >= 2 (default 4,8,16)")
    p.add_argument("--minima", metavar="M:N,...",
                   help="exact minimum widths to show beside the expressions, e.g. 4:3,8:5")
    p.set_defaults(func=cmd_bounds)
