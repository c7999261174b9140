"""What a shared-code family construction costs at scale, per member.

For each family the scan (:func:`~superpos_formal.constructions.family_search.smallest_family_width`,
checking a 2-member seeded sample) finds the certified width; then, for
``--members`` seeded members, the run times each step separately:

* ``certificate``: :func:`~superpos_formal.constructions.family.certify_code`
  on the shared code (once; it proves every member);
* ``task``: building the member's truth table over ``X(m, s)`` (the table the
  verifier compares against; its size is what stops larger m');
* ``network``: the recipe's member network;
* ``batch``: exhaustive exact verification with ``verify_batch``;
* ``plain``: the plain Python verifier on the first ``--plain-inputs``
  inputs, as a rate (inputs per second), beside the batch rate of the same run.

Timings on a shared machine are noisy: compare columns of one run only.

Run:  PYTHONPATH=. python benchmarks/bench_family.py [--quick] [--members K]
"""

import argparse
import os
import time

from superpos_formal.constructions.family import certify_code, family_code, member_network
from superpos_formal.constructions.family_search import smallest_family_width
from superpos_formal.domain import domain_size
from superpos_formal.tasks import (
    MAX_TABLE_ENTRIES, pair_set_family, permutation_family, sample_indices,
)
from superpos_formal.verify import verify, verify_batch

CASES = [
    ("permutations", lambda: permutation_family(1000)),
    ("permutations", lambda: permutation_family(2000)),
    ("pair sets", lambda: pair_set_family(100, 1000)),
    ("pair sets", lambda: pair_set_family(150, 1500)),
]
QUICK = [("permutations", lambda: permutation_family(128)),
         ("pair sets", lambda: pair_set_family(16, 100))]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--plain-inputs", type=int, default=200)
    a = ap.parse_args(argv)
    print(f"load average at start: {os.getloadavg()}")
    print("| family | m | m' | X(m,s) | table entries (limit) | n | certificate s | task s "
          "| network s | batch s | batch inputs/s | plain inputs/s | verdict |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, make in (QUICK if a.quick else CASES):
        fam = make()
        r = smallest_family_width(fam, sample_size=2, sample_seed=1)
        code = family_code(fam, r.params, r.seed)
        t0 = time.time()
        cert = certify_code(code)
        t_cert = time.time() - t0
        idx = sample_indices(fam.size, a.members, 0)
        X = domain_size(fam.m, fam.s)
        for i in idx:
            t0 = time.time()
            task = fam.member(i)
            t_task = time.time() - t0
            t0 = time.time()
            net = member_network(code, task)
            t_net = time.time() - t0
            t0 = time.time()
            ok = verify_batch(net, task).ok
            t_batch = time.time() - t0
            sub = task.inputs[:a.plain_inputs]
            t0 = time.time()
            plain_ok = all(net.evaluate(x) == task(x) for x in sub)
            t_plain = time.time() - t0
            print(f"| {label} | {fam.m} | {fam.m_out} | {X} | {X * (fam.m + fam.m_out)} "
                  f"({MAX_TABLE_ENTRIES}) | {code.n} | {t_cert:.2f} | {t_task:.2f} | "
                  f"{t_net:.2f} | {t_batch:.2f} | {X / t_batch:.0f} | "
                  f"{len(sub) / t_plain:.0f} | "
                  f"{'correct' if ok and plain_ok and cert.ok else 'WRONG'} |", flush=True)
        print(f"<!-- {fam.name}: seeded sample of {len(idx)} members (seed 0), a sample -->")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
