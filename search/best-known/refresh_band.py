"""Re-read every registry row's certified minimum, lower bound (counting,
restriction claims under proofs/lower-bounds/, certified minimum) and ratio,
and rewrite the export (registry.json, registry.csv, README.md). No search is
run; the networks are read back from their bundles. Run from the repository
root:  PYTHONPATH=$PWD python search/best-known/refresh_band.py
Then check:  superpos verify search/best-known
"""

from superpos_formal.certify import best_known as BK

REG = "search/best-known"


def main():
    runs = BK.load_registry_runs(REG)
    entries = BK.load_registry(REG, with_networks=True, root=".")
    minima, claims = BK.certified_minima("proofs"), BK.lower_bound_claims("proofs")
    new = [BK.refresh_entry(e, minima, claims) for e in entries]
    for e in new:
        BK.check_entry(e)
    by_key = {BK.entry_key(e): runs.get(BK.slug_of(e), []) for e in new}
    BK.write_exports(new, REG, runs=by_key)
    for e in sorted(new, key=BK.slug_of):
        lb, r = e["lower_bound"], e["ratio"]
        print(f"{e['subject']:34s} {BK.bounds_text(e['bounds']):55s} best "
              f"{e['best']['hidden_neurons']:3d}  lower {lb['n']} ({lb['source']})  "
              f"ratio {r['exact'] if r else '-'} = {r['decimal'] if r else '-'}")


if __name__ == "__main__":
    main()
