"""The report's drawings: per family log-log plots of neurons and parameters
against m' (bounds, constructions, certified minima, fits), and the smallest
instance of each construction (:mod:`superpos_formal.graph`).

Examples
--------
>>> cert_points([{"m_out": 5, "n": 3, "kind": "minimum"},
...              {"m_out": 5, "n": 4, "kind": "sat-only"}], "n")
([(5, 3)], [(5, 4)])
"""

from pathlib import Path

from ..fit import FORMS
from ..graph import draw
from .collect import FAMILY_TITLES, SHARED_CODE

__all__ = ["plot_family", "draw_smallest", "smallest_constructions", "cert_points",
           "PNG_MAX_BYTES"]

PNG_MAX_BYTES = 300_000

_STYLE = {
    "explicit": ("s", "#888888"), "superposed-trivial": ("D", "#bbbbbb"),
    "channels": ("o", "#1f5fbf"), "stars": ("^", "#2a9d3a"),
    "routed-stars": ("v", "#2a9d3a"), "hmvc": ("P", "#c8322b"),
    SHARED_CODE: ("o", "#7b2cbf"),
}

#: legend labels that say what question a series answers
_LEGEND = {
    SHARED_CODE: "shared-code family: certified for every member",
    "channels": "channels: width for one member",
    "routed-stars": "routed-stars: width for one member",
}


def cert_points(certs, key):
    """``(minima, upper)``: the ``(m', value)`` points of the certified
    minima and, apart, of the SAT-only bundles (a verified network with no
    refutation below it: an upper bound, never drawn as a minimum)."""
    minima = [(c["m_out"], c[key]) for c in certs if c[key] and c["kind"] == "minimum"]
    upper = [(c["m_out"], c[key]) for c in certs if c[key] and c["kind"] != "minimum"]
    return minima, upper


def plot_family(out, a):
    """Write ``neurons_<family>`` and ``params_<family>`` (PNG and PDF) of the
    :class:`~.analysis.FamilyAnalysis` ``a`` into ``out``; returns the paths."""
    _plot(Path(out) / f"neurons_{a.family}", a, "neurons")
    _plot(Path(out) / f"params_{a.family}", a, "params")
    return [Path(out) / f"{q}_{a.family}.{e}" for q in ("neurons", "params")
            for e in ("png", "pdf")]


def _plot(path_stem, a, quantity):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 5.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    neurons = quantity == "neurons"
    for label, (xs, ys), style in a.curves_n if neurons else a.curves_p:
        if xs:
            ax.plot(xs, ys, style, lw=1.6, label=label, drawstyle="steps-post"
                    if neurons else "default")
    _draw_points(ax, a, neurons)
    for f in [f for f, _, _ in a.fits_n] if neurons else a.fits_p:
        xs = sorted(set(f.xs))
        grid = [xs[0] * (xs[-1] / xs[0]) ** (k / 40) for k in range(41)] if len(xs) > 1 else xs
        ax.plot(grid, [f.c * FORMS[f.form](x) for x in grid], ":", lw=1.2,
                label=f"{f.c:.2f} {f.form} (fit)")
    _finish(ax, a.family, quantity)
    for ext in ("png", "pdf"):
        # no creation date: the same numbers give the same bytes
        meta = {"CreationDate": None} if ext == "pdf" else {}
        fig.savefig(f"{path_stem}.{ext}", format=ext, dpi=110, bbox_inches="tight",
                    metadata=meta)


def _draw_points(ax, a, neurons):
    """Constructions (one series each) and certified cells."""
    key = "n" if neurons else "params_nonzero"
    by_c = {}
    for r in a.cons + a.fams:
        by_c.setdefault(r["construction"], []).append((r["m_out"], r[key] if key == "n"
                                                       else r["counts"]["params_nonzero"]))
    for c, pts in sorted(by_c.items()):
        mk, col = _STYLE.get(c, ("x", "k"))
        pts.sort()
        ax.plot([p[0] for p in pts], [max(p[1], 0.8) for p in pts], mk + "-", color=col,
                ms=5, lw=0.8, alpha=0.9, label=_LEGEND.get(c, f"construction: {c}"))
    cp, up = cert_points(a.certs, key)
    if cp:
        ax.plot([p[0] for p in cp], [p[1] for p in cp], "*", color="k", ms=12,
                label="certified exact minimum" if neurons
                else "certified minimum (its parameters)")
    if up:
        ax.plot([p[0] for p in up], [p[1] for p in up], "s", mfc="none", color="k", ms=7,
                label="verified network, no minimum claimed" if neurons
                else "verified network (its parameters), no minimum claimed")


def _finish(ax, family, quantity):
    from matplotlib.ticker import FuncFormatter, NullFormatter

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("m' (output features)")
    ax.set_ylabel("hidden neurons n" if quantity == "neurons" else "nonzero parameters")
    ax.set_title(f"{FAMILY_TITLES[family]}: {quantity}", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="upper left")


def smallest_constructions(cons, fams):
    """``{name: row}``: the smallest instance (by m') of each construction
    and, per family, the smallest shared-code family point in superposition
    (``n < m'``)."""
    smallest = {}
    for r in cons:
        c = r["construction"]
        if c not in smallest or r["m_out"] < smallest[c]["m_out"]:
            smallest[c] = r
    for r in fams:
        key = f"{SHARED_CODE}-{r['family']}".replace(" ", "-")
        if r["n"] < r["m_out"] and (key not in smallest or r["m_out"] < smallest[key]["m_out"]):
            smallest[key] = dict(r, task=f"{r['task']}, member {r['checked']['label'][:40]}")
    return smallest


def draw_smallest(out, smallest):
    """Draw each row of ``smallest`` as ``out/networks/<name>.png``; returns the paths."""
    paths = []
    for c, r in sorted(smallest.items()):
        p = Path(out) / "networks" / f"{c}.png"
        draw(r["_network"], p)
        _shrink_png(p)
        paths.append(p)
    return paths


def _shrink_png(path):
    """Re-save a drawing with a 64-colour palette when it is over
    :data:`PNG_MAX_BYTES` (large networks have many anti-aliased edges)."""
    if Path(path).stat().st_size <= PNG_MAX_BYTES:
        return
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)
