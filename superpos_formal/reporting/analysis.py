"""Per family: the explicit lower-bound curves, every measured point against
its own bound, and the fits of the paper's forms (numbers only; the report's
sentences are :mod:`.render`'s, its plots :mod:`.plots`').

Examples
--------
>>> consistency([{"n": 3, "n_lb": 2}], [{"n": 4, "n_lb_instance": 5}])
[True, False]
"""

import math
from dataclasses import dataclass, field

from ..bounds.explicit import n_lower_bound, params_lower_bound
from ..constructions.grid import pair_set_m
from ..errors import InputError
from ..fit import FORMS, fit_constant, ratio_range
from ..shape import Shape
from ..tasks import pair_set_family, permutation_family, uand

__all__ = ["FamilyAnalysis", "analyse_family", "bound_shapes", "consistency", "FIT_FORMS"]

#: forms fitted per family: (neurons, parameters), each (lower, upper)
FIT_FORMS = {
    "neurons": ("sqrt(m' log m')", "sqrt(m') log m'"),
    "params": ("m' log m'", "m' log^2 m'"),
}
#: the form the certified minima are set against
CERTIFIED_FORM = "sqrt(m' log m')"


@dataclass
class FamilyAnalysis:
    """One family's numbers. ``data`` is its ``report.json`` entry; the
    curves are ``(label, (xs, ys), line style)``; ``checks`` one bool per
    point against its own bound (measured points first, then the family
    constructions per argument); ``fits_n`` ``(fit, lo, hi)``."""

    family: str
    certs: list
    cons: list
    fams: list
    data: dict
    curves_n: list = field(default_factory=list)
    curves_p: list = field(default_factory=list)
    measured_checks: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    by_argument: list = field(default_factory=list)
    basis: str = ""
    fits_n: list = field(default_factory=list)
    fits_p: list = field(default_factory=list)
    certified_ratio: tuple = None


def _family_subject(family, mo):
    if family == "permutations":
        return permutation_family(mo)
    if family == "pair-sets":
        return pair_set_family(pair_set_m(mo), mo)
    if family == "uand":
        m = (1 + math.isqrt(1 + 8 * mo)) // 2
        if m * (m - 1) // 2 != mo:
            raise InputError(f"m': {mo} is not C(m, 2)")
        return uand(m)
    raise InputError(f"family: unknown {family!r}")


def bound_shapes(cons, certs):
    """The shapes the lower-bound curves are computed at: the largest bounds
    used by any plotted point of that mode (a bound at larger B is valid for
    every network with smaller entries)."""
    shapes = {}
    for mode in ("superposed", "explicit"):
        pts = [r["bounds"] for r in cons if r["bounds"]["mode"] == mode]
        pts += [{"B": c["B"], "B_bias": c["B_bias"], "B_code": c["B_code"]}
                for c in certs if c["mode"] == mode]
        if not pts:
            continue
        weight_bound = max(p["B"] for p in pts)
        bias_bound = max(p["B_bias"] for p in pts)
        if mode == "explicit":
            shapes[mode] = Shape("explicit", "relu", n=1, B=weight_bound, B_bias=bias_bound)
        else:
            code_bound = max(p["B_code"] for p in pts)
            shapes[mode] = Shape("superposed", "relu", n=1, B=weight_bound, B_bias=bias_bound,
                                 B_code=code_bound, codes="free")
    return shapes


def _curve_points(family, mos):
    if family == "uand":
        return sorted({m * (m - 1) // 2 for m in range(3, 47)} & set(range(min(mos), max(mos) + 1))
                      | set(mos))
    lo, hi = min(mos), max(mos)
    pts, x = [], lo
    while x <= hi:
        pts.append(x)
        x = max(x + 1, int(x * 1.25))
    return sorted(set(pts) | {hi})


def _bound_curves(a, mos):
    """The n_lb curve per mode and, for explicit families, the width-free
    parameter bound at the measured m'."""
    for mode, sh in bound_shapes(a.cons + a.fams, a.certs).items():
        xs = [mo for mo in _curve_points(a.family, mos) if mo >= 2]
        ys = [n_lower_bound(_family_subject(a.family, mo), sh).n for mo in xs]
        what = "family counting + separation + readout" if a.family != "uand" else \
            "separation + readout (one task: no family to count)"
        bounds = f"B={sh.B}, B_bias={sh.B_bias}" + (f", B_code={sh.B_code}"
                                                      if mode == "superposed" else "")
        a.curves_n.append((f"n_lb, {mode} ({bounds})", (xs, ys), "-" if mode == "superposed"
                           else "--"))
        a.data[f"n_lb_{mode}"] = {"shape": bounds, "points": list(zip(xs, ys)),
                                  "argument": what}
        if a.family != "uand" and mode == "explicit":
            # the measured m' only: each value costs seconds at 10^3
            pxs = [mo for mo in mos if mo >= 2]
            pys = [params_lower_bound(_family_subject(a.family, mo), sh) for mo in pxs]
            a.curves_p.append((f"P_lb, explicit, any width ({bounds})", (pxs, pys), "--"))
            a.data["params_lb_explicit"] = list(zip(pxs, pys))


def consistency(certs, cons):
    """One bool per measured point: certified minima against their own
    shape's bound, constructions against the instance bound."""
    return [c["n"] >= c["n_lb"] for c in certs] + [r["n"] >= r["n_lb_instance"] for r in cons]


def _against_family_bound(a):
    """Shared-code family constructions against the family bound, argument
    by argument (``a.by_argument``: ``(argument, ok, total)``)."""
    a.data["family_constructions_vs_bound"] = {}
    for arg in ("weights", "separation", "readout") if a.fams else ():
        ok = [r["n"] >= r["n_lb_family_by_argument"][arg] for r in a.fams]
        a.checks += ok
        a.data["family_constructions_vs_bound"][arg] = [sum(ok), len(ok)]
        a.by_argument.append((arg, sum(ok), len(ok)))


def _fits(a):
    """Fits and ranges: on the family constructions where there are any (the
    paper's forms are statements about the family question), else on the
    best construction per m'."""
    best = {}
    shared = len({r["m_out"] for r in a.fams}) >= 2
    a.basis = "Shared-code family construction" if shared else "Best construction"
    for r in (a.fams if shared else a.cons):
        if r["m_out"] >= 2 and (r["m_out"] not in best or r["n"] < best[r["m_out"]]["n"]):
            best[r["m_out"]] = r
    a.data["fit_basis"] = a.basis
    a.data["fits"] = {}
    if len(best) < 2:
        return
    xs = sorted(best)
    ys = [best[x]["n"] for x in xs]
    ps = [best[x]["counts"]["params_nonzero"] for x in xs]
    for form in FIT_FORMS["neurons"]:
        f = fit_constant(xs, ys, FORMS[form], form)
        lo, hi = ratio_range(xs, ys, FORMS[form])
        a.fits_n.append((f, lo, hi))
        a.data["fits"][f"neurons ~ {form}"] = {"c": f.c, "residuals": f.residuals,
                                               "rms": f.rms, "range": [lo, hi]}
    for form in FIT_FORMS["params"]:
        f = fit_constant(xs, ps, FORMS[form], form)
        a.fits_p.append(f)
        a.data["fits"][f"params ~ {form}"] = {"c": f.c, "residuals": f.residuals,
                                              "rms": f.rms}


def _certified_ratio(a):
    """Certified minima against sqrt(m' log m'): ``(lo, hi, xs)`` or None."""
    cm = [c for c in a.certs if c["kind"] == "minimum" and c["m_out"] >= 2]
    if not cm:
        return
    xs = [c["m_out"] for c in cm]
    lo, hi = ratio_range(xs, [c["n"] for c in cm], FORMS[CERTIFIED_FORM])
    a.certified_ratio = (lo, hi, xs)
    a.data["certified_ratio_sqrt_mlogm"] = [lo, hi]


def analyse_family(family, certs, cons, fams=()):
    """The :class:`FamilyAnalysis` of ``family`` over the rows of every
    family; ``fams``: the shared-code family constructions (answers to the
    family question), set against the family bound argument by argument."""
    a = FamilyAnalysis(family, [c for c in certs if c["family"] == family],
                       [r for r in cons if r["family"] == family],
                       [r for r in fams if r["family"] == family], {"family": family})
    mos = sorted({r["m_out"] for r in a.cons + a.fams}
                 | {c["m_out"] for c in a.certs if c["m_out"] >= 2})
    _bound_curves(a, mos)
    a.measured_checks = consistency(a.certs, a.cons)
    a.checks = list(a.measured_checks)
    _against_family_bound(a)
    a.data["consistent"] = all(a.checks)
    _fits(a)
    _certified_ratio(a)
    return a
