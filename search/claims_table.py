"""Print the Markdown table of committed claims for proofs/README.md.

Reads every search/results/*.jsonl record that carries a bundle, and states
each claim exactly as ``superpos verify`` displays it (read from the bundle's
own ``claim.json`` by :func:`superpos_formal.certify.bundles.claims.parse_claim`:
subject, every bound, every option that changes or relaxes the question)
and the certificate kind its refutation's ``claim.json`` states (checked by
``superpos verify``; certify/bundles/certificate_kind.py).
Run from the repository root:

    PYTHONPATH=$PWD python search/claims_table.py > /tmp/claims.md
"""

import json
from pathlib import Path

from superpos_formal.certify.bundles.claims import parse_claim
from superpos_formal.certify.lower_bound import REGENERABLE_CERTIFICATES


def _claim(bundle):
    """``(statement, result, backed by, certificate kind)`` of a bundle or
    minimum directory."""
    b = Path(bundle)
    if (b / "minimum.json").is_file():
        doc = json.loads((b / "minimum.json").read_text())
        sat = parse_claim(json.loads((b / doc["sat"] / "claim.json").read_text()))
        k = doc["value"]
        back = ("verified network" if doc["unsat"] is None else
                f"verified network at n = {k}; DRAT refutation at n = {k - 1}")
        kind = "verified network"
        if doc["unsat"]:
            un = parse_claim(json.loads((b / doc["unsat"] / "claim.json").read_text()))
            if un.relaxations():
                back += f" ({', '.join(un.relaxations())})"
            kind = un.raw.get("certificate_kind", "MISSING")
            if un.raw.get("certificate") in REGENERABLE_CERTIFICATES:
                # the refutation is a record, its proof not committed
                back += (" recorded as regenerable, not committed"
                         + {"regenerable-cubes": " (cube and conquer)",
                            "regenerable-lemmas": " (cut-lemma route)"}.get(
                                un.raw["certificate"], ""))
                kind += ("; regenerable proof: re-checked by `superpos verify "
                         "--regenerate-proofs`, not by CI")
        return sat.describe(n=""), f"minimum n = {k}", back, kind
    sat = parse_claim(json.loads((b / "claim.json").read_text()))
    return (sat.describe(n=""), f"SAT at n = {sat.shape.n} (no minimum claimed)",
            "verified network", "verified network (the refutation is not committed)")


def main():
    rows = []
    for path in sorted(Path("search/results").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            if not r.get("bundle"):
                continue
            statement, result, back, kind = _claim(r["bundle"])
            if r.get("sat_only"):
                back += (f"; full minimum bundle {r['minimum_bytes'] // 1_000_000} MB, "
                         f"regenerate with `{r['regenerate']}`")
            rows.append(f"| {path.stem} | {statement} | {result} | `{r['bundle']}` | {back} "
                        f"| {kind} |")
    print("| campaign | question (as `superpos verify` shows it) | claim | bundle | backed by "
          "| certificate |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
