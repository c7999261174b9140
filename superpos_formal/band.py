"""The band: certified lower bound against best verified network, per family.

For each *family of questions* (one subject kind at fixed bounds: universal
AND explicit step ``B = 2``, bias 2, ``theta = 1``; permutations at their
bounds; ``op`` pair sets of ``m`` features at theirs) the rows are
``(m', lower bound, its certificate, best network, ratio)``, ``m'`` the
number of outputs. They come from

* the best-known registry (:func:`~superpos_formal.certify.best_known.load_registry`):
  each row's lower bound (counting, a restriction claim, the question's own
  refutation -- a lone UNSAT bundle at ``n``, so ``n + 1`` -- or the
  certified minimum; labelled when it rests on a regenerable record) and
  best verified network, with the exact ratio;
* certified minima under ``proofs/`` of the same family and bounds that the
  registry has no row for (``lower = best = minimum``, ratio 1).

Sampled families are not questions about the family and are left out. The
rows are only read here: ``superpos verify search/best-known`` and
``superpos verify proofs/`` check them (the report refuses a registry that
does not verify before it calls this).

:func:`write_band` draws one plot per family (shaded between lower bound and
best network, from the smallest to the largest ``m'``) and returns the
report's Markdown section.

Examples
--------
>>> band_rows([])
{}
>>> family_label({"question": "instance", "subject": "uand(m=9)", "task": {"kind": "and_pairs"},
...               "bounds": {"mode": "explicit", "activation": "step", "L": 1, "B": 2,
...                          "B_bias": 2, "theta": 1}})
'uand explicit/step L=1 B=2 B_bias=2 theta=1'
"""

import re
from fractions import Fraction
from pathlib import Path

from .certify.best_known import REGEN_SUFFIX, bounds_text, load_registry, ratio_of
from .certify.family_rows import band_entries  # recipe-backed family rows (members not stored)
from .certify.lower_bound import regenerable_parts, sub_question
from .errors import InputError
from .schema import family_to_dict, task_to_dict
from .tables import pipe_table

__all__ = ["band_rows", "family_label", "minimum_rows", "write_band", "band_markdown",
           "plot_band"]


def _kind(e):
    """The subject kind without its size: ``uand``, ``permutations``,
    ``and_pair_sets m=5`` (a pair-set family's ``m`` fixes the question
    family; ``m'`` varies), or None for what the band does not show."""
    name = e["subject"]
    if name.startswith("uand("):
        return "uand"
    if name.startswith("permutations("):
        return "permutations"
    m = re.match(r"(\w+_pair_sets)\(m=(\d+),", name)
    if m and not e.get("sample"):
        return f"{m.group(1)} m={m.group(2)}"
    return None


def family_label(e):
    """The band family of a registry-style row: subject kind and bounds."""
    k = _kind(e)
    return None if k is None else f"{k} {bounds_text(e['bounds'])}"


def _m_out(e):
    spec = e.get("family") if e["question"] == "family" else e.get("task")
    return int(spec["m_out"]) if "m_out" in spec else len(spec["pairs"])


def band_rows(entries):
    """``{family label: [row, ...]}`` (rows sorted by ``m'``) from registry
    entries: ``m``, ``m_out``, ``lower``, ``source``, ``certificate``,
    ``best``, ``bundle``, ``ratio`` (exact string), ``ratio_decimal``."""
    out = {}
    for e in entries:
        label = None if e.get("sample") else family_label(e)
        if label is None:
            continue
        lb, r = e["lower_bound"], e.get("ratio")
        spec = e.get("family") if e["question"] == "family" else e.get("task")
        out.setdefault(label, []).append({
            "m": spec.get("m"), "m_out": _m_out(e), "lower": lb["n"], "source": lb["source"],
            "certificate": lb.get("certificate"), "best": e["best"]["hidden_neurons"],
            "bundle": e["best"]["bundle"], "ratio": None if r is None else r["exact"],
            # a recipe row says what its best network is (members not stored)
            "best_label": e["best"].get("label"),
            "ratio_decimal": None if r is None else r["decimal"]})
    for rows in out.values():
        rows.sort(key=lambda r: (r["m_out"], r["m"] or 0))
    return out


def minimum_rows(proofs_dir, labels):
    """Rows for certified minima under ``proofs_dir`` whose family is one of
    ``labels`` (read, not re-verified: ``superpos verify proofs/`` does)."""
    out = {}
    root = Path(proofs_dir)
    for mj in sorted(root.rglob("minimum.json")) if root.is_dir() else []:
        try:
            _, shape, value, claim = sub_question(mj.parent)
        except (InputError, OSError, ValueError, KeyError, TypeError):
            continue
        subject = claim.family if claim.family is not None else claim.task
        bounds = {k: shape[k] for k in ("mode", "activation", "L", "B", "B_bias", "theta")}
        if shape["mode"] == "superposed":
            bounds["B_code"] = shape["B_code"]
        if shape.get("tolerance") or claim.question not in ("instance", "family"):
            continue
        e = {"question": claim.question, "subject": subject.name, "bounds": bounds,
             "sample": False}
        e["family" if claim.question == "family" else "task"] = (
            family_to_dict(subject) if claim.question == "family" else task_to_dict(subject))
        label = family_label(e)
        if label in labels:
            rel = mj.parent.relative_to(root.parent).as_posix()
            r = ratio_of(value, value)
            out.setdefault(label, []).append({
                "m": subject.m, "m_out": _m_out(e), "lower": value,
                # a minimum resting on a regenerable refutation says so (issue 24)
                "source": "certified minimum" + (REGEN_SUFFIX if regenerable_parts(mj.parent)
                                                 else ""),
                "certificate": rel, "best": value,
                "bundle": rel, "ratio": r["exact"], "ratio_decimal": r["decimal"]})
    return out


def _merge(reg, mins):
    out = {k: list(v) for k, v in reg.items()}
    for label, rows in mins.items():
        have = {(r["m"], r["m_out"]) for r in out[label]}
        out[label] += [r for r in rows if (r["m"], r["m_out"]) not in have]
        out[label].sort(key=lambda r: (r["m_out"], r["m"] or 0))
    return out


def plot_band(path_stem, label, rows):
    """One band plot: shaded between lower bound and best network over
    ``m'`` (PNG and PDF at ``path_stem``); returns the paths."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pts = [r for r in rows if r["lower"] is not None]
    xs = [r["m_out"] for r in pts]
    lo, hi = [r["lower"] for r in pts], [r["best"] for r in pts]
    fig = Figure(figsize=(7.0, 4.4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.fill_between(xs, lo, hi, alpha=0.25, color="tab:blue",
                    label="band (lower bound .. best verified)")
    ax.plot(xs, hi, "o-", color="tab:blue", ms=4, lw=1, label="best verified network")
    ax.plot(xs, lo, "v-", color="tab:red", ms=4, lw=1, label="certified lower bound")
    eq = [(r["m_out"], r["best"]) for r in pts if r["lower"] == r["best"]]
    if eq:
        ax.plot([p[0] for p in eq], [p[1] for p in eq], "*", color="k", ms=10,
                label="certified minimum")
    ax.set_xscale("log")
    ax.set_xlabel("m' (output features)")
    ax.set_ylabel("hidden neurons n")
    worst = max((Fraction(r["ratio"]) for r in pts if r["ratio"]), default=None)
    ax.set_title(label + ("" if worst is None else f"   (largest ratio {float(worst):.2f})"),
                 fontsize=8)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="upper left")
    out = []
    for ext in ("png", "pdf"):
        meta = {"CreationDate": None} if ext == "pdf" else {}
        p = Path(f"{path_stem}.{ext}")
        fig.savefig(p, format=ext, dpi=100, bbox_inches="tight", metadata=meta)
        out.append(p)
    return out


def _slug(label):
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")


def band_markdown(bands, files):
    """The report section: per family its plot and one table row per ``m'``."""
    md = ["## The band: certified lower bound .. best verified network", "",
          "Per family of questions, from the best-known registry and the certified "
          "minima: the lower bound with its certificate (counting, a restriction claim "
          "under `proofs/lower-bounds/`, the question's own refutation, or a certified "
          "minimum), the best verified network, "
          "and their ratio (exact; 2 decimals). Sampled families are not shown. The "
          "registry was re-verified before this report was written; the certified minima "
          "and lower-bound claims are read from `proofs/` (`superpos verify proofs/` "
          "re-checks them, as CI does).", ""]
    if any(r.get("best_label") for rows in bands.values() for r in rows):
        # recipe rows are not registry rows; say who re-checks them
        md += ["Rows whose best network is a recipe (members not stored; the label says so) "
               "come from `search/midrange-families/rows.json`: read here, not re-verified "
               "by this report; `superpos verify search/midrange-families` re-checks them "
               "(code rebuilt, certificate re-run, sampled members verified, lower-bound "
               "claims checked).", ""]
    for label, rows in sorted(bands.items()):
        md += [f"### {label}", ""]
        if label in files:
            md += [f"![band](band/{files[label]}.png)", ""]
        table = []
        for r in rows:
            cert = r["source"] + (f" `{r['certificate']}`" if r["certificate"] else "")
            ratio = "-" if r["ratio"] is None else f"{r['ratio']} = {r['ratio_decimal']}"
            best = r["best"] if not r.get("best_label") else f"{r['best']} ({r['best_label']})"
            table.append([r["m"], r["m_out"], r["lower"] if r["lower"] else "-", cert,
                          best, ratio])
        md += [pipe_table(table, ["m", "m'", "lower bound", "certificate", "best n", "ratio"]),
               ""]
    return md


def write_band(out, registry_dir, written, proofs_dir="proofs", root=None):
    """Band plots into ``out/band/`` and the report section (a list of
    Markdown lines); the plot paths are appended to ``written``. Nothing
    when there is no registry (``registry_dir`` None)."""
    if registry_dir is None:
        return []
    root = Path(registry_dir).resolve().parents[1] if root is None else Path(root)
    # plus the recipe rows of search/midrange-families (certify/family_rows.py)
    reg = band_rows(load_registry(registry_dir) + band_entries(root))
    bands = _merge(reg, minimum_rows(root / proofs_dir, set(reg)))
    files = {}
    (Path(out) / "band").mkdir(parents=True, exist_ok=True)
    for label, rows in sorted(bands.items()):
        if sum(r["lower"] is not None for r in rows) >= 2:
            files[label] = _slug(label)
            written += plot_band(Path(out) / "band" / files[label], label, rows)
    return band_markdown(bands, files)
