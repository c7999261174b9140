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

The work is split by role: :mod:`.reporting.collect` gathers and re-checks
the rows, :mod:`.reporting.analysis` computes bounds, consistency and fits,
:mod:`.reporting.render` writes the text (tables by
:func:`superpos_formal.tables.pipe_table`), :mod:`.reporting.plots` draws;
this module runs them in order and writes the files.

Examples
--------
>>> sorted(FAMILY_TITLES)
['pair-sets', 'permutations', 'uand']
"""

import json
import time
from pathlib import Path

from .band import write_band
from .reporting.analysis import analyse_family
from .reporting.collect import (
    DATA, DEFAULT_BEST_KNOWN, DEFAULT_PROOFS, FAMILY_DATA, FAMILY_TITLES, SHARED_CODE,
    best_known_rows, collect, collect_certified, collect_constructions,
    collect_family_constructions, construction_order, input_paths, refuse_unverified_registry,
)
from .reporting.plots import cert_points, draw_smallest, plot_family, smallest_constructions
from .reporting.render import (
    best_known_section, certified_table, constructions_section, family_constructions_section,
    family_section, intro, latex, smallest_section,
)

__all__ = ["write_report", "cert_points", "collect_certified", "collect_constructions",
           "collect_family_constructions", "FAMILY_TITLES", "DATA", "FAMILY_DATA",
           "DEFAULT_PROOFS", "DEFAULT_BEST_KNOWN", "SHARED_CODE",
           "best_known_rows", "refuse_unverified_registry", "input_paths"]


def _without_network(row):
    return {k: v for k, v in row.items() if k != "_network"}


def write_report(out, *, quick=False, proofs=None, data=DATA, family_data=FAMILY_DATA,
                 best_known=None, certified=True, log=None):
    """Write every report file into ``out``; return the list of paths written.

    ``proofs`` (a list of proof roots) and ``best_known`` (the registry
    directory) default to the current directory's ``proofs/`` and
    ``search/best-known/``; missing ones are refused unless ``certified`` is
    False (:func:`input_paths`). The paths read are named in ``report.md``
    and ``report.json`` (``inputs``)."""
    t0 = time.time()
    got = collect(quick=quick, proofs=proofs, data=data, family_data=family_data,
                  best_known=best_known, certified=certified, log=log)
    out = Path(out)
    (out / "networks").mkdir(parents=True, exist_ok=True)
    analyses = [analyse_family(f, got.certs, got.cons, got.fams) for f in FAMILY_TITLES]
    written = [p for a in analyses for p in plot_family(out, a)]
    smallest = smallest_constructions(got.cons, got.fams)
    written += draw_smallest(out, smallest)
    md = intro(quick, got.inputs)
    for a in analyses:
        md += family_section(a)
    md += family_constructions_section(got.fams) + constructions_section(got.cons)
    md += smallest_section(smallest)
    md += ["## Certified cells", "", certified_table(got.certs), ""]
    md += best_known_section(got.best_known)
    md += [""] + write_band(out, got.registry, written)
    md += ["", "LaTeX: [certified.tex](certified.tex).", "",
           f"Report generated in {time.time() - t0:.0f} s."]
    report = {"inputs": got.inputs, "certified": got.certs,
              "constructions": [_without_network(r)
                                for r in sorted(got.cons, key=construction_order)],
              "family_constructions": [_without_network(r) for r in got.fams],
              "families": {a.family: a.data for a in analyses},
              "best_known": got.best_known}
    (out / "certified.tex").write_text(latex(got.certs))
    (out / "report.md").write_text("\n".join(md) + "\n")
    (out / "report.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    return written + [out / "certified.tex", out / "report.md", out / "report.json"]
