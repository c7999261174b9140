"""Run the shared-code family generators over the default grid and write
each point's certified, checked width to
``superpos_formal/data/family_constructions.json`` (the points ``superpos
report`` rebuilds, re-certifies and re-checks).

    PYTHONPATH=. python search/family_constructions.py [--max-m-out N] [--sample K]

A point records the family, its width and parameters, the certificate's
exact facts, the members checked (the complete family, or a seeded sample:
size, seed, family size, labelled as a sample) and the seconds the scan took
on the machine that ran it.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from superpos_formal.constructions.family_search import (
    FAMILY_GRID, family_of, smallest_family_width,
)

OUT = Path(__file__).resolve().parents[1] / "superpos_formal" / "data" / \
    "family_constructions.json"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-m-out", type=int, default=None)
    ap.add_argument("--sample", type=int, default=16, help="members per sampled point")
    ap.add_argument("--sample-seed", type=int, default=0)
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args(argv)
    rows = []
    for spec in FAMILY_GRID:
        fam = family_of(spec)
        if a.max_m_out and fam.m_out > a.max_m_out:
            continue
        t0 = time.time()
        r = smallest_family_width(fam, sample_size=a.sample, sample_seed=a.sample_seed)
        row = r.row()
        row["spec"] = spec
        row["search_seconds"] = round(time.time() - t0, 2)
        rows.append(row)
        print(fam.name, "n =", r.n, r.params, r.checked["label"], row["search_seconds"], "s",
              file=sys.stderr, flush=True)
    out = Path(a.out)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"format": "superpos-formal/family-constructions",
                               "version": 1, "load_avg": os.getloadavg(),
                               "points": rows}, indent=1) + "\n")
    tmp.replace(out)


if __name__ == "__main__":
    main()
