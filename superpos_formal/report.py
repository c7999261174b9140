"""``superpos report``: certified minima, constructions and explicit bounds,
set against the paper's asymptotic forms, in one directory.

Inputs (all plain files in the repository or the installed package):

* certified minima: every ``minimum.json`` under the proof roots (default
  ``proofs/`` in the current directory: an installed package holds no
  proofs, so the report is run from a checkout; :func:`input_paths`), with
  the sha256 of the
  manifests of its SAT and UNSAT bundles; SAT-only bundles (a verified
  network, no minimum) are listed as such;
* constructions: the embedded grid ``superpos_formal/data/constructions.json``
  (written by ``search/constructions.py``); every point is *rebuilt* from its
  parameters and *re-verified* exhaustively and exactly
  (:func:`~superpos_formal.verify.verify_batch`) before it is reported;
* shared-code family constructions: the embedded grid
  ``superpos_formal/data/family_constructions.json`` (written by
  ``search/family_constructions.py``); every point's code is rebuilt, its
  certificate recomputed from ``E`` and ``R`` (it proves every member), and
  its recorded members (the complete family, or a seeded sample labelled as
  one) rebuilt and verified exhaustively; these are the points set against
  the family counting bound;
* explicit lower bounds (:mod:`superpos_formal.bounds.explicit`), exact ints.

Outputs (``DIR``): ``report.md``; ``certified.tex`` (booktabs); per family
``neurons_<family>.png/.pdf`` and ``params_<family>.png/.pdf`` (log-log);
``networks/<construction>.png`` (the smallest instance of each construction,
drawn by :mod:`superpos_formal.graph`); ``report.json`` (every number).

Examples
--------
>>> sorted(FAMILY_TITLES)
['pair-sets', 'permutations', 'uand']
"""

import hashlib
import json
import math
import time
from pathlib import Path

from . import tasks as T
from .bounds.explicit import (
    check_minimum_against_bound, n_lower_bound, params_lower_bound,
)
from .bounds.scan import subject_from_claim
from .constructions.grid import FAMILIES, make_task, pair_set_m
from .constructions.channels import channel_network, routed_star_network
from .constructions.family import certify_code, check_members, family_code, member_network
from .constructions.family_search import family_of, sample_members
from .constructions.search import build
from .certify.best_known import bounds_text, check_registry, load_registry
from .band import write_band
from .budget import check_budget
from .errors import InputError, SoundnessError
from .fit import FORMS, fit_constant, ratio_range
from .graph import draw
from .schema import load_json
from .shape import Shape
from .verify import verify_batch

__all__ = ["write_report", "cert_points", "collect_certified", "collect_constructions",
           "collect_family_constructions", "FAMILY_TITLES", "DATA", "FAMILY_DATA",
           "DEFAULT_PROOFS", "DEFAULT_BEST_KNOWN", "SHARED_CODE",
           "best_known_rows", "refuse_unverified_registry", "input_paths"]

DATA = Path(__file__).resolve().parent / "data" / "constructions.json"
FAMILY_DATA = Path(__file__).resolve().parent / "data" / "family_constructions.json"
#: default proof root, relative to the current directory (never the package's
#: location: after ``pip install .`` that is site-packages, which holds no proofs)
DEFAULT_PROOFS = Path("proofs")
#: the committed best-known registry export (``superpos improve``), ditto
DEFAULT_BEST_KNOWN = Path("search") / "best-known"
QUICK_MAX_M_OUT = 40

FAMILY_TITLES = {
    "permutations": "Permutations (family question: shared codes)",
    "pair-sets": "2-AND pair sets (family question: shared codes)",
    "uand": "Universal AND (one task)",
}

#: forms fitted per family: (neurons, parameters), each (lower, upper)
_FORMS = {
    "neurons": ("sqrt(m' log m')", "sqrt(m') log m'"),
    "params": ("m' log m'", "m' log^2 m'"),
}

_STYLE = {
    "explicit": ("s", "#888888"), "superposed-trivial": ("D", "#bbbbbb"),
    "channels": ("o", "#1f5fbf"), "stars": ("^", "#2a9d3a"),
    "routed-stars": ("v", "#2a9d3a"), "hmvc": ("P", "#c8322b"),
    "shared-code family": ("o", "#7b2cbf"),
}

#: the plotted name of the family constructions (constructions/family.py)
SHARED_CODE = "shared-code family"

#: legend labels that say what question a series answers
_LEGEND = {
    SHARED_CODE: "shared-code family: certified for every member",
    "channels": "channels: width for one member",
    "routed-stars": "routed-stars: width for one member",
}


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _family_key(subject):
    if isinstance(subject, T.Family):
        return {"permutations": "permutations", "pair_sets": "pair-sets"}.get(subject.kind)
    p = dict(subject.params)
    if subject.kind == "and_pairs":
        return "uand" if p["pairs"] == T.all_pairs(subject.m) else "pair-sets"
    if subject.kind == "permutation":
        return "permutations"
    if subject.kind == "identity":
        return "representation"
    return None


def collect_certified(roots):
    """One row per certified minimum (and per SAT-only headline bundle)."""
    rows = []
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            raise InputError(f"{root}: no such directory")
        for mfile in sorted(root.rglob("minimum.json")):
            check_budget("reading certified minima")
            mdoc = load_json(mfile)
            sat = mfile.parent / mdoc["sat"]
            # n = 1 needs no refutation: there is no smaller width
            unsat = mfile.parent / mdoc["unsat"] if mdoc.get("unsat") else None
            claim = load_json(sat / "claim.json")
            subject, shape = subject_from_claim(claim)
            lb = check_minimum_against_bound(mdoc["value"], subject, shape)
            rows.append(_cert_row(root, mfile.parent, subject, shape, mdoc["value"], lb,
                                  claim, "minimum", _sha256(sat / "manifest.json"),
                                  _sha256(unsat / "manifest.json") if unsat else None))
        for cfile in sorted(root.rglob("claim.json")):
            if (cfile.parent.parent / "minimum.json").exists():
                continue
            claim = load_json(cfile)
            if claim.get("answer") != "SAT":
                continue
            subject, shape = subject_from_claim(claim)
            lb = check_minimum_against_bound(shape.n, subject, shape)
            rows.append(_cert_row(root, cfile.parent, subject, shape, shape.n, lb, claim,
                                  "sat-only", _sha256(cfile.parent / "manifest.json"), None))
    return rows


def _cert_row(root, path, subject, shape, value, lb, claim, kind, sha_sat, sha_unsat):
    counts = claim.get("network", {}).get("counts", {})
    return {"campaign": path.relative_to(root).parts[0], "path": str(path.relative_to(root.parent)),
            "subject": subject.name, "family": _family_key(subject), "m": subject.m,
            "m_out": subject.m_out, "s": subject.s, "question": claim.get("question"),
            "mode": shape.mode, "activation": shape.activation, "L": shape.L, "B": shape.B,
            "B_bias": shape.B_bias, "B_code": shape.B_code, "theta": shape.theta,
            "n": value, "n_lb": lb, "kind": kind,
            "params_nonzero": counts.get("params_nonzero"),
            "sha256_sat_manifest": sha_sat, "sha256_unsat_manifest": sha_unsat}


def input_paths(proofs=None, best_known=None, certified=True):
    """The proof roots and the registry directory the report reads.

    Defaults are ``proofs/`` and ``search/best-known/`` of the current
    directory. With ``certified`` (the default) a report without certified
    results is refused: a missing proof root or registry, or roots holding no
    claim at all, is an :class:`InputError` naming what was looked for, never
    a report with silently empty tables. ``certified=False`` reads neither.

    Returns ``(roots, registry_dir)`` (``([], None)`` without ``certified``).
    """
    if not certified:
        if proofs or best_known is not None:
            raise InputError("--no-certified reads no proofs: drop --proofs / --registry")
        return [], None
    how = ("run it from a checkout of the repository, pass --proofs DIR and --registry "
           "DIR, or --no-certified for a report without certified results")
    roots = [Path(p) for p in (proofs or [DEFAULT_PROOFS])]
    for r in roots:
        if not r.is_dir():
            raise InputError(f"report: no proof root {r.resolve()} (certified minima are read "
                             f"from it); {how}")
        if next(r.rglob("claim.json"), None) is None:
            raise InputError(f"report: {r.resolve()} holds no claim bundle; {how}")
    bk = Path(best_known) if best_known is not None else DEFAULT_BEST_KNOWN
    if not (bk / "registry.json").is_file():
        raise InputError(f"report: no best-known registry {(bk / 'registry.json').resolve()}; "
                         f"{how}")
    return roots, bk


def _shown(path):
    """``path`` as the report names it: relative to the current directory
    when inside it (a committed report does not name the machine), else
    absolute."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(p) + "/"


def collect_constructions(quick=False, data=DATA, log=None):
    """Rebuild and re-verify every point of the embedded grid."""
    if not Path(data).exists():
        raise InputError(f"{data}: the construction grid is missing")
    doc = load_json(data)
    if doc.get("format") != "superpos-formal/constructions":
        raise InputError(f"{data}: format: not a construction grid")
    out = []
    for pt in doc["points"]:
        check_budget("rebuilding constructions")
        spec = pt["task_spec"]
        task = make_task(spec)
        if quick and task.m_out > QUICK_MAX_M_OUT:
            continue
        t0 = time.time()
        b = build(pt["construction"], task, pt["params"])
        if b.n != pt["n"]:
            raise InputError(f"{data}: {pt['construction']} on {task.name}: rebuilt width "
                             f"{b.n} differs from the recorded {pt['n']}")
        row = b.row()
        row.update(family=FAMILIES[spec["kind"]], task_spec=spec,
                   verify_seconds=round(time.time() - t0, 2),
                   search_seconds=pt.get("search_seconds"))
        row["n_lb_instance"] = n_lower_bound(task, _shape_of(b.network)).n
        if row["n"] < row["n_lb_instance"]:  # pragma: no cover - would be a soundness bug
            check_minimum_against_bound(row["n"], task, _shape_of(b.network))
        row["other_members"] = _other_members(pt, spec)
        row["_network"] = b.network
        out.append(row)
        if log:
            log(f"  verified {pt['construction']:<18} {task.name[:38]:<38} n={b.n}")
    return out


def collect_family_constructions(quick=False, data=FAMILY_DATA, log=None):
    """Rebuild every recorded shared-code family construction: the code from
    its parameters, the certificate from the code (it must hold: with the
    argument of :mod:`~superpos_formal.constructions.family` it proves every
    member), and every recorded member checked again (shares the code, is the
    recipe's network, exhaustive exact verification): the complete family or
    the recorded seeded sample, labelled as such. A recorded point that fails
    any of these is a :class:`SoundnessError`, never a plotted point."""
    if not Path(data).exists():
        raise InputError(f"{data}: the family construction grid is missing")
    doc = load_json(data)
    if doc.get("format") != "superpos-formal/family-constructions":
        raise InputError(f"{data}: format: not a family construction grid")
    out = []
    for pt in doc["points"]:
        check_budget("re-certifying family constructions")
        fam = family_of(pt["spec"])
        if quick and fam.m_out > QUICK_MAX_M_OUT:
            continue
        t0 = time.time()
        code = family_code(fam, pt["params"], pt["seed"])
        if code.n != pt["n"]:
            raise InputError(f"{data}: {fam.name}: rebuilt width {code.n} differs from the "
                             f"recorded {pt['n']}")
        cert = certify_code(code)
        if not cert.ok:
            raise SoundnessError(f"{data}: {fam.name} at n={code.n}: the recorded code "
                                 f"fails its certificate: {cert.describe()}")
        rec = pt["checked"]
        members, label = sample_members(fam, rec["members"], rec.get("seed", 0))
        if label["complete"] != rec["complete"] or label["members"] != rec["members"]:
            raise InputError(f"{data}: {fam.name}: recorded member check {rec['label']!r} "
                             f"is not what is rechecked ({label['label']!r})")
        nets = [member_network(code, t) for t in members]
        bad = [c for c in check_members(code, members, nets) if not c.ok]
        if bad:
            raise SoundnessError(f"{data}: {fam.name} at n={code.n}: {bad[0].member} "
                                 f"{bad[0].reason}, though the certificate holds")
        shape = _shape_of(nets[0])
        lb = n_lower_bound(fam, shape)
        counts = [n.counts() for n in nets]
        row = {"construction": SHARED_CODE, "family": _family_key(fam), "task": fam.name,
               "m": fam.m, "m_out": fam.m_out, "s": fam.s, "n": code.n,
               "params": pt["params"], "seed": pt["seed"],
               "certificate": {"ok": cert.ok, **cert.facts},
               "checked": dict(label, all_correct=True),
               "counts": {"params_nonzero": max(c["params_nonzero"] for c in counts),
                          "params_nonzero_min": min(c["params_nonzero"] for c in counts),
                          "code_nonzeros": counts[0]["code_nonzeros"]},
               "bounds": {"B": code.B, "B_bias": code.B_bias, "B_code": code.B_code,
                          "theta": code.theta, "mode": "superposed",
                          "activation": code.activation},
               "n_lb_family": lb.n, "n_lb_family_by_argument": {
                   k: lb.by_argument[k] for k in ("weights", "separation", "readout")},
               "verify_seconds": round(time.time() - t0, 2),
               "search_seconds": pt.get("search_seconds"),
               "_network": nets[0]}
        if row["n"] < lb.n:  # pragma: no cover - would be a soundness bug
            check_minimum_against_bound(row["n"], fam, shape)
        out.append(row)
        if log:
            log(f"  certified {SHARED_CODE} {fam.name:<38} n={code.n} "
                f"({label['label']})")
    return out


#: family constructions: their codes depend on (m, m', n, parameters, seed) only
_FAMILY_CONSTRUCTIONS = ("channels", "routed-stars")
OTHER_MEMBER_SEEDS = (1, 2)


def _other_members(pt, spec):
    """For a family construction: is the same construction (same ``n``,
    parameters, seed, hence the same codes) exactly correct on the members
    drawn with seeds 1 and 2 too? ``{seed: True/False}``; False also when the
    member does not fit (a star layout needing more than ``n`` neurons)."""
    if pt["construction"] not in _FAMILY_CONSTRUCTIONS or "seed" not in spec:
        return None
    make = {"channels": channel_network, "routed-stars": routed_star_network}[pt["construction"]]
    p = pt["params"]
    out = {}
    for k in OTHER_MEMBER_SEEDS:
        other = make_task(dict(spec, seed=k))
        try:
            net = make(other, p["n"], p["k_in"], p["k_out"], p["seed"])
        except InputError:          # the member does not fit in n neurons
            out[k] = False
            continue
        out[k] = verify_batch(net, other, max_counterexamples=0).ok
    return out


def _shape_of(net):
    if net.mode == "explicit":
        return Shape("explicit", net.activation, n=max(net.widths), L=net.depth, B=net.B,
                     B_bias=net.B_bias, theta=net.theta)
    return Shape("superposed", net.activation, n=len(net.E), L=net.depth, B=net.B,
                 B_bias=net.B_bias, B_code=net.B_code, theta=net.theta, codes="free")


# ------------------------------------------------------------------ bounds curves

def _family_subject(family, mo):
    if family == "permutations":
        return T.permutation_family(mo)
    if family == "pair-sets":
        return T.pair_set_family(pair_set_m(mo), mo)
    if family == "uand":
        m = (1 + math.isqrt(1 + 8 * mo)) // 2
        if m * (m - 1) // 2 != mo:
            raise InputError(f"m': {mo} is not C(m, 2)")
        return T.uand(m)
    raise InputError(f"family: unknown {family!r}")


def _bound_shapes(family, cons, certs):
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
        B = max(p["B"] for p in pts)
        Bb = max(p["B_bias"] for p in pts)
        if mode == "explicit":
            shapes[mode] = Shape("explicit", "relu", n=1, B=B, B_bias=Bb)
        else:
            Bc = max(p["B_code"] for p in pts)
            shapes[mode] = Shape("superposed", "relu", n=1, B=B, B_bias=Bb, B_code=Bc,
                                 codes="free")
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


# ------------------------------------------------------------------ plotting

def cert_points(certs, key):
    """``(minima, upper)``: the ``(m', value)`` points of the certified
    minima and, apart, of the SAT-only bundles (a verified network with no
    refutation below it: an upper bound, never drawn as a minimum).

    >>> cert_points([{"m_out": 5, "n": 3, "kind": "minimum"},
    ...              {"m_out": 5, "n": 4, "kind": "sat-only"}], "n")
    ([(5, 3)], [(5, 4)])
    """
    minima = [(c["m_out"], c[key]) for c in certs if c[key] and c["kind"] == "minimum"]
    upper = [(c["m_out"], c[key]) for c in certs if c[key] and c["kind"] != "minimum"]
    return minima, upper


def _plot(path_stem, family, quantity, curves, certs, cons, fits):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig = Figure(figsize=(7.2, 5.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    for label, (xs, ys), style in curves:
        if xs:
            ax.plot(xs, ys, style, lw=1.6, label=label, drawstyle="steps-post"
                    if quantity == "neurons" else "default")
    key = "n" if quantity == "neurons" else "params_nonzero"
    by_c = {}
    for r in cons:
        by_c.setdefault(r["construction"], []).append((r["m_out"], r[key] if key == "n"
                                                       else r["counts"]["params_nonzero"]))
    for c, pts in sorted(by_c.items()):
        mk, col = _STYLE.get(c, ("x", "k"))
        pts.sort()
        ax.plot([p[0] for p in pts], [max(p[1], 0.8) for p in pts], mk + "-", color=col,
                ms=5, lw=0.8, alpha=0.9, label=_LEGEND.get(c, f"construction: {c}"))
    cp, up = cert_points(certs, key)
    if cp:
        ax.plot([p[0] for p in cp], [p[1] for p in cp], "*", color="k", ms=12,
                label="certified exact minimum" if quantity == "neurons"
                else "certified minimum (its parameters)")
    if up:
        ax.plot([p[0] for p in up], [p[1] for p in up], "s", mfc="none", color="k", ms=7,
                label="verified network, no minimum claimed" if quantity == "neurons"
                else "verified network (its parameters), no minimum claimed")
    for f in fits:
        xs = sorted(set(f.xs))
        grid = [xs[0] * (xs[-1] / xs[0]) ** (k / 40) for k in range(41)] if len(xs) > 1 else xs
        ax.plot(grid, [f.c * FORMS[f.form](x) for x in grid], ":", lw=1.2,
                label=f"{f.c:.2f} {f.form} (fit)")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("m' (output features)")
    ax.set_ylabel("hidden neurons n" if quantity == "neurons" else "nonzero parameters")
    ax.set_title(f"{FAMILY_TITLES[family]}: {quantity}", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="upper left")
    for ext in ("png", "pdf"):
        # no creation date: the same numbers give the same bytes
        meta = {"CreationDate": None} if ext == "pdf" else {}
        fig.savefig(f"{path_stem}.{ext}", format=ext, dpi=110, bbox_inches="tight",
                    metadata=meta)


# ------------------------------------------------------------------ the report

def _fmt_range(a, b):
    return f"[{a:.3g}, {b:.3g}]"


def _analyse_family(family, certs, cons, out, quick, fams=()):
    """Curves, fits, consistency statements for one family; writes plots.
    ``fams``: the shared-code family constructions (answers to the family
    question), set against the family bound argument by argument."""
    fc = [c for c in certs if c["family"] == family]
    fk = [r for r in cons if r["family"] == family]
    ff = [r for r in fams if r["family"] == family]
    mos = sorted({r["m_out"] for r in fk + ff} | {c["m_out"] for c in fc if c["m_out"] >= 2})
    shapes = _bound_shapes(family, fk + ff, fc)
    lines, data = [], {"family": family}
    curves_n, curves_p = [], []
    for mode, sh in shapes.items():
        xs, ys = [], []
        for mo in _curve_points(family, mos):
            if mo < 2:
                continue
            subj = _family_subject(family, mo)
            lb = n_lower_bound(subj, sh).n
            xs.append(mo)
            ys.append(lb)
        what = "family counting + separation + readout" if family != "uand" else \
            "separation + readout (one task: no family to count)"
        bounds = f"B={sh.B}, B_bias={sh.B_bias}" + (f", B_code={sh.B_code}"
                                                      if mode == "superposed" else "")
        curves_n.append((f"n_lb, {mode} ({bounds})", (xs, ys), "-" if mode == "superposed"
                         else "--"))
        data[f"n_lb_{mode}"] = {"shape": bounds, "points": list(zip(xs, ys)), "argument": what}
        # parameters: width-free for explicit families only
        if family != "uand" and mode == "explicit":
            pxs, pys = [], []
            for mo in mos:           # the measured m' only: each value costs seconds at 10^3
                if mo < 2:
                    continue
                pxs.append(mo)
                pys.append(params_lower_bound(_family_subject(family, mo), sh))
            curves_p.append((f"P_lb, explicit, any width ({bounds})", (pxs, pys), "--"))
            data["params_lb_explicit"] = list(zip(pxs, pys))
    # every point against its own bound
    checks = []
    for c in fc:
        checks.append(c["n"] >= c["n_lb"])
    for r in fk:
        checks.append(r["n"] >= r["n_lb_instance"])
    lines.append(f"- Consistency: {sum(checks)} of {len(checks)} measured points "
                 f"(certified minima at their own shape, constructions against the "
                 f"instance bound at their own bounds) are >= their explicit lower bound"
                 + (" -- all consistent." if all(checks) else " -- VIOLATION."))
    # shared-code family constructions against the family bound, per argument
    data["family_constructions_vs_bound"] = {}
    if ff:
        per = []
        for arg in ("weights", "separation", "readout"):
            ok = [r["n"] >= r["n_lb_family_by_argument"][arg] for r in ff]
            checks += ok
            data["family_constructions_vs_bound"][arg] = [sum(ok), len(ok)]
            per.append(f"{arg} {sum(ok)}/{len(ok)}")
        ratio = [r["n"] / r["n_lb_family"] for r in ff]
        lines.append(f"- Shared-code family constructions against the family counting bound "
                     f"at their own bounds (one code for every member; weights counted per "
                     f"member): points >= bound per argument: {', '.join(per)}"
                     + (" -- all consistent." if all(checks) else " -- VIOLATION.")
                     + f" Width / n_lb ranges over {_fmt_range(min(ratio), max(ratio))} for "
                       f"m' in [{min(r['m_out'] for r in ff)}, {max(r['m_out'] for r in ff)}].")
    data["consistent"] = all(checks)
    # fits and ranges: on the family constructions where there are any (the
    # paper's forms are statements about the family question), else on the
    # best construction per m'
    best = {}
    basis = "Shared-code family construction" if len({r["m_out"] for r in ff}) >= 2 else \
        "Best construction"
    for r in (ff if basis.startswith("Shared") else fk):
        if r["m_out"] >= 2 and (r["m_out"] not in best or r["n"] < best[r["m_out"]]["n"]):
            best[r["m_out"]] = r
    data["fit_basis"] = basis
    fits_n, fits_p = [], []
    data["fits"] = {}
    if len(best) >= 2:
        xs = sorted(best)
        ys = [best[x]["n"] for x in xs]
        ps = [best[x]["counts"]["params_nonzero"] for x in xs]
        for form in _FORMS["neurons"]:
            f = fit_constant(xs, ys, FORMS[form], form)
            fits_n.append(f)
            lo, hi = ratio_range(xs, ys, FORMS[form])
            lines.append(f"- {basis}: neurons / {form} ranges over "
                         f"{_fmt_range(lo, hi)} for m' in [{xs[0]}, {xs[-1]}]; fit "
                         f"{f.describe()}.")
            data["fits"][f"neurons ~ {form}"] = {"c": f.c, "residuals": f.residuals,
                                                 "rms": f.rms, "range": [lo, hi]}
        for form in _FORMS["params"]:
            f = fit_constant(xs, ps, FORMS[form], form)
            fits_p.append(f)
            lines.append(f"- {basis}: nonzero parameters (largest member checked) fit "
                         f"{f.describe('P')}.")
            data["fits"][f"params ~ {form}"] = {"c": f.c, "residuals": f.residuals,
                                                "rms": f.rms}
    cm = [c for c in fc if c["kind"] == "minimum" and c["m_out"] >= 2]
    if cm:
        xs = [c["m_out"] for c in cm]
        ys = [c["n"] for c in cm]
        lo, hi = ratio_range(xs, ys, FORMS["sqrt(m' log m')"])
        lines.append(f"- Certified minima: min neurons / sqrt(m' log m') ranges over "
                     f"{_fmt_range(lo, hi)} for m' in [{min(xs)}, {max(xs)}] "
                     f"({len(cm)} minima; different m and shapes, see the table).")
        data["certified_ratio_sqrt_mlogm"] = [lo, hi]
    stem = out / f"neurons_{family}"
    _plot(stem, family, "neurons", curves_n, fc, fk + ff, fits_n)
    _plot(out / f"params_{family}", family, "params", curves_p, fc, fk + ff, fits_p)
    return lines, data


PNG_MAX_BYTES = 300_000


def _shrink_png(path):
    """Re-save a drawing with a 64-colour palette when it is over
    :data:`PNG_MAX_BYTES` (large networks have many anti-aliased edges)."""
    if Path(path).stat().st_size <= PNG_MAX_BYTES:
        return
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)


def _latex(certs):
    head = [r"\begin{tabular}{llllrrll}", r"\toprule",
            r"campaign & subject & shape & $s$ & $n$ & $n_{\mathrm{lb}}$ & "
            r"SAT manifest & UNSAT manifest \\", r"\midrule"]
    body = []
    for c in certs:
        shape = (f"{c['mode']}/{c['activation']} $L={c['L']}$ $B={c['B']}$ "
                 f"$B_b={c['B_bias']}$" + (f" $B_c={c['B_code']}$" if c["mode"] == "superposed"
                                           else ""))
        subj = c["subject"].replace("_", r"\_").replace("'", r"$'$")
        n = str(c["n"]) if c["kind"] == "minimum" else rf"$\le {c['n']}$"
        u = c["sha256_unsat_manifest"]
        body.append(f"{c['campaign']} & {subj} & {shape} & {c['s']} & {n} & {c['n_lb']} & "
                    rf"\texttt{{{c['sha256_sat_manifest'][:16]}}} & "
                    + (rf"\texttt{{{u[:16]}}}" if u else "--") + r" \\")
    tail = [r"\bottomrule", r"\end{tabular}"]
    note = ("% Certified cells of superpos-formal. n: certified minimum width (SAT bundle at n,\n"
            "% DRAT-checked UNSAT bundle at n-1); '<= n': a verified network only.\n"
            "% n_lb: explicit counting lower bound (superpos_formal/bounds/explicit.py).\n"
            "% Manifests: first 16 hex digits of sha256(manifest.json) of each bundle\n"
            "% (full digests in report.md and report.json). Requires \\usepackage{booktabs}.\n")
    return note + "\n".join(head + body + tail) + "\n"


def best_known_rows(entries, root):
    """Rows of the best-known table from registry ``entries``; raises
    :class:`SoundnessError` when a network found by search is smaller than
    the explicit lower bound or than the certified minimum of its question
    (either would mean a bug in the search, the bound or the verifier).

    >>> e = {"subject": "uand(m=6)", "question": "instance", "bounds": {"mode": "explicit",
    ...      "activation": "step", "L": 1, "B": 2, "B_bias": 2, "B_code": None, "theta": 1},
    ...      "start": {"name": "baseline", "hidden_neurons": 15},
    ...      "best": {"hidden_neurons": 4, "params_nonzero": 30, "bundle": "x"},
    ...      "lower_bound": {"n": 1}, "certified_minimum": {"n": 5}, "minimality": "CERTIFIED"}
    >>> best_known_rows([e], ".")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.SoundnessError: best-known uand(m=6): n = 4 is below the certified minimum 5
    """
    rows = []
    for e in entries:
        n = e["best"]["hidden_neurons"]
        lb = (e.get("lower_bound") or {}).get("n")
        cm = (e.get("certified_minimum") or {}).get("n")
        if lb is not None and n < lb:
            raise SoundnessError(f"best-known {e['subject']}: n = {n} is below the "
                                 f"explicit lower bound {lb}")
        if cm is not None and n < cm:
            raise SoundnessError(f"best-known {e['subject']}: n = {n} is below the "
                                 f"certified minimum {cm}")
        man = Path(root) / e["best"]["bundle"] / "manifest.json"
        rows.append(dict(subject=e["subject"], question=e["question"],
                         sample=bool(e.get("sample")), bounds=e["bounds"],
                         start=e["start"]["name"], start_n=e["start"]["hidden_neurons"],
                         n=n, params_nonzero=e["best"].get("params_nonzero"), n_lb=lb,
                         certified_minimum=cm, minimality=e.get("minimality"),
                         bundle=e["best"]["bundle"],
                         sha256=_sha256(man) if man.is_file() else None))
    return rows


def refuse_unverified_registry(bk_dir):
    """Raise :class:`InputError` when a row of the best-known registry at
    ``bk_dir`` does not verify (:func:`~superpos_formal.certify.best_known.check_registry`,
    native proof checker); nothing to do without a registry."""
    bk_dir = Path(bk_dir)
    if not (bk_dir / "registry.json").is_file():
        return
    bad = [f"{(r or {}).get('subject', 'registry')}: {why}" for r, ok, why
           in check_registry(bk_dir, root=bk_dir.resolve().parents[1], checkers=("native",))
           if not ok]
    if bad:
        raise InputError(f"best-known registry {bk_dir}: {len(bad)} row(s) do not verify "
                         f"(superpos verify {bk_dir}); first: {bad[0]}")


def write_report(out, *, quick=False, proofs=None, data=DATA, family_data=FAMILY_DATA,
                 best_known=None, certified=True, log=None):
    """Write every report file into ``out``; return the list of paths written.

    ``proofs`` (a list of proof roots) and ``best_known`` (the registry
    directory) default to the current directory's ``proofs/`` and
    ``search/best-known/``; missing ones are refused unless ``certified`` is
    False (:func:`input_paths`). The paths read are named in ``report.md``
    and ``report.json`` (``inputs``)."""
    t0 = time.time()
    roots, bk_dir = input_paths(proofs, best_known, certified)
    # a registry row is a claim: refuse before anything is written (issue 21)
    if bk_dir is not None:
        refuse_unverified_registry(bk_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "networks").mkdir(exist_ok=True)
    certs = collect_certified(roots) if roots else []
    inputs = {"proofs": [_shown(r) for r in roots],
              "registry": _shown(bk_dir) if bk_dir is not None else None}
    if log:
        log("read certified minima from " + (", ".join(inputs["proofs"]) or "nowhere "
            "(--no-certified)") + "; best-known registry from "
            + (inputs["registry"] or "nowhere (--no-certified)"))
        log(f"{len(certs)} certified cells; rebuilding constructions"
            + (" (quick)" if quick else ""))
    cons = collect_constructions(quick=quick, data=data, log=log)
    if log:
        log("re-certifying the shared-code family constructions")
    fams = collect_family_constructions(quick=quick, data=family_data, log=log)
    written = []
    md = ["# superpos-formal report", "",
          "Generated by `superpos report`" + (" --quick" if quick else "") + ". Every "
          "construction below was rebuilt from its parameters and verified exhaustively "
          "over X(m, s) in exact integers in this run; every certified minimum is a "
          "committed proof bundle (verified network at n, DRAT-checked refutation at n-1). "
          "Lower bounds are the explicit counting bounds of "
          "`superpos_formal/bounds/explicit.py` (exact integers). Logarithms are natural.",
          "", "Fit method: least squares in log space on the constant only "
          "(log c = mean of log(n / f(m'))); residuals are log(n) - log(c f(m')).", "",
          "Inputs read: certified minima from "
          + (", ".join(f"`{p}`" for p in inputs["proofs"])
             or "nowhere (`--no-certified`: the certified tables are empty by request)")
          + "; best-known registry from "
          + (f"`{inputs['registry']}`" if inputs["registry"] else "nowhere (`--no-certified`)")
          + ".", ""]
    report = {"inputs": inputs, "certified": certs, "constructions": [],
              "family_constructions": [], "families": {}}
    for family in FAMILY_TITLES:
        lines, fdata = _analyse_family(family, certs, cons, out, quick, fams)
        report["families"][family] = fdata
        md += [f"## {FAMILY_TITLES[family]}", "",
               f"![neurons](neurons_{family}.png)", "",
               f"Parameters: [params_{family}.png](params_{family}.png) "
               f"([pdf](params_{family}.pdf)); neurons as [pdf](neurons_{family}.pdf).", ""]
        md += lines + [""]
        written += [out / f"{q}_{family}.{e}" for q in ("neurons", "params")
                    for e in ("png", "pdf")]
    md += ["## Family constructions: one shared code for every member", "",
           "The family question (docs/MODEL.md 4.3) fixes the input code E, the readout R, "
           "theta and the bounds once for the whole family; each member has its own "
           "W, b, V, c. These are the points set against the family counting bound. For "
           "each, in this run: the code was rebuilt from its parameters; its certificate "
           "was computed from E and R alone (exact integers) and holds, which by the "
           "argument in docs/CONSTRUCTIONS.md proves EVERY member exactly correct; and the "
           "members listed were checked again (each network shares the code, is the "
           "recipe's network for its member, and is verified exhaustively over X(m, s)). "
           "A seeded sample is a sample, not the family: the proof for the family is the "
           "certificate and the argument.", "",
           "| family | m | m' | n | code parameters | certificate (exact) | members checked "
           "| bounds | n_lb family (weights / separation / readout) | seconds |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in fams:
        bd, c, a = r["bounds"], r["certificate"], r["n_lb_family_by_argument"]
        facts = ", ".join(f"{k}={v}" for k, v in c.items() if k != "ok")
        md.append(f"| {r['family']} | {r['m']} | {r['m_out']} | {r['n']} | "
                  f"{', '.join(f'{k}={v}' for k, v in r['params'].items() if k != 'n')}, "
                  f"seed {r['seed']} | holds: {facts} | {r['checked']['label']}, all correct | "
                  f"{bd['mode']}/{bd['activation']} B={bd['B']} B_bias={bd['B_bias']} "
                  f"B_code={bd['B_code']} theta={bd['theta']} | {r['n_lb_family']} "
                  f"({a['weights']} / {a['separation']} / {a['readout']}) | "
                  f"{r['verify_seconds']} |")
        report["family_constructions"].append({k: v for k, v in r.items() if k != "_network"})
    md += [""]
    md += ["## Constructions (rebuilt and verified in this run)", "",
           "| construction | task | m | m' | n | nonzero params | bounds | n_lb (instance) | verify s |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(cons, key=lambda r: (r["family"], r["construction"], r["m_out"])):
        bd = r["bounds"]
        md.append(f"| {r['construction']} | {r['task'][:40]} | {r['m']} | {r['m_out']} | "
                  f"{r['n']} | {r['counts']['params_nonzero']} | {bd['mode']}/{bd['activation']} "
                  f"B={bd['B']} B_bias={bd['B_bias']} B_code={bd['B_code']} theta={bd['theta']} | "
                  f"{r['n_lb_instance']} | {r['verify_seconds']} |")
        report["constructions"].append({k: v for k, v in r.items() if k != "_network"})
    md += ["", "These are instance results: each is verified on the one task named in "
           "its row. The per-member channel and routed-star widths were searched for one "
           "seeded member; the same recipe at the same n, re-checked exactly on two more "
           "seeded members:", ""]
    for r in cons:
        if r.get("other_members"):
            ok = r["other_members"]
            md.append(f"- {r['construction']} at m' = {r['m_out']}, n = {r['n']}: "
                      + ", ".join(f"member seed {k}: {'correct' if v else 'NOT correct'}"
                                  for k, v in ok.items()))
    md += ["", "Where a member is NOT correct, that width serves one member, not the "
           "family; the family question's widths are the shared-code family constructions "
           "above.", ""]
    # drawings of the smallest instance of each construction
    md += ["## Smallest constructions", ""]
    smallest = {}
    for r in cons:
        c = r["construction"]
        if c not in smallest or r["m_out"] < smallest[c]["m_out"]:
            smallest[c] = r
    for r in fams:          # the smallest family point in superposition, per family
        key = f"{SHARED_CODE}-{r['family']}".replace(" ", "-")
        if r["n"] < r["m_out"] and (key not in smallest or r["m_out"] < smallest[key]["m_out"]):
            smallest[key] = dict(r, task=f"{r['task']}, member {r['checked']['label'][:40]}")
    for c, r in sorted(smallest.items()):
        p = out / "networks" / f"{c}.png"
        draw(r["_network"], p)
        _shrink_png(p)
        written.append(p)
        md += [f"### {c}: {r['task'][:60]}, n = {r['n']}", "", f"![{c}](networks/{c}.png)", ""]
    md += ["## Certified cells", "",
           "| campaign | subject | shape | n | n_lb | SAT manifest sha256 | UNSAT manifest sha256 |",
           "|---|---|---|---|---|---|---|"]
    for c in certs:
        md.append(f"| {c['campaign']} | {c['subject']} | {c['mode']}/{c['activation']} "
                  f"L={c['L']} B={c['B']} B_bias={c['B_bias']} B_code={c['B_code']} s={c['s']} | "
                  f"{c['n'] if c['kind'] == 'minimum' else '<= ' + str(c['n'])} | {c['n_lb']} | "
                  f"`{c['sha256_sat_manifest']}` | "
                  f"{'`' + c['sha256_unsat_manifest'] + '`' if c['sha256_unsat_manifest'] else '-'} |")
    # the registry's bundle paths are relative to the checkout holding search/
    bk_root = bk_dir.resolve().parents[1] if bk_dir is not None else None
    bk = best_known_rows(load_registry(bk_dir, root=bk_root), bk_root) if bk_dir else []
    report["best_known"] = bk
    md += ["", "## Best known networks (found by `superpos improve`)", "",
           "Smallest verified network found so far per question, from the registry "
           "`search/best-known/` (each a committed SAT bundle re-checked by CI). "
           "Minimality is UNKNOWN unless a certified minimum exists; every row was checked "
           "in this run against the explicit lower bound and the certified minimum.", "",
           "| subject | question | bounds | start (n) | best n | nonzero params | n_lb "
           "| certified min | minimality | manifest sha256 |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(bk, key=lambda r: (r["subject"], r["n"])):
        md.append(f"| {r['subject'][:48]}{' (sample)' if r['sample'] else ''} | "
                  f"{r['question']} | {bounds_text(r['bounds'])} | "
                  f"{r['start'][:40]} ({r['start_n']}) | {r['n']} | "
                  f"{r['params_nonzero']} | {r['n_lb']} | {r['certified_minimum'] or '-'} | "
                  f"{r['minimality']} | `{(r['sha256'] or '-')[:16]}` |")
    if not bk:
        md.append("| (no registry found) | | | | | | | | | |")
    md += [""] + write_band(out, bk_dir, written)
    md += ["", "LaTeX: [certified.tex](certified.tex).", "",
           f"Report generated in {time.time() - t0:.0f} s."]
    (out / "certified.tex").write_text(_latex(certs))
    (out / "report.md").write_text("\n".join(md) + "\n")
    (out / "report.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    written += [out / "certified.tex", out / "report.md", out / "report.json"]
    return written
