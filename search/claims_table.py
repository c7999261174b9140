"""Print the Markdown table of committed claims for proofs/README.md.

Reads every search/results/*.jsonl record that carries a bundle and lists the
claim, its bundle and how it is backed. Run from the repository root:

    PYTHONPATH=. python search/claims_table.py > /tmp/claims.md
"""

import json
from pathlib import Path

from superpos_formal.results import Mode, bounds_label
from superpos_formal.shape import Shape

rows = []
for path in sorted(Path("search/results").glob("*.jsonl")):
    for line in path.read_text().splitlines():
        r = json.loads(line)
        if not r.get("bundle"):
            continue
        sh = Shape.from_dict(dict(r["cell"]["shape"], n=1))
        subj = r["cell"].get("task") or r["cell"].get("family")
        # every bound of the question: weights, biases, codes, threshold
        shape = f"{sh.mode}/{sh.activation} L={sh.L} {bounds_label(sh)}"
        if sh.mode == Mode.SUPERPOSED:
            shape += f" codes={sh.codes}"
        k = r["minimum"]
        if r.get("sat_only"):
            claim = f"a network with n = {k} exists (SAT half of the minimum claim)"
            back = (f"verified network; full minimum bundle {r['minimum_bytes'] // 1_000_000} MB, "
                    f"regenerate with `{r['regenerate']}`")
        else:
            claim = f"minimum n = {k}"
            back = ("verified network" if k == 1 else
                    f"verified network at n = {k}; DRAT refutation at n = {k - 1}")
        s_val = subj.get("s", 2 if subj.get("kind") in ("uand", "and_pairs", "pair-sets") else 1)
        rows.append(f"| {path.stem} | {r['subject']}, s={s_val} | {shape} | "
                    f"{claim} | `{r['bundle']}` | {back} |")

print("| campaign | subject | shape | claim | bundle | backed by |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))
