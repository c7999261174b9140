"""Campaign: explicit universal AND under imposed symmetry, m = 8..16.

For each (activation, m, start) the width goes down from the start while
some ansatz (solve/symmetric.py) gives a
verified network; a width at which every ansatz tried is NO_INVARIANT or
UNKNOWN ends the descent (that says nothing about the question itself).
Every SAT network is verified exhaustively before it is written.

    cd <repo> && /work/bin/bg /work/venv/bin/python search/midrange_sym.py \
        --plan step:12:8 step:16:11:12 ... --time-limit 60 --tries 2 \
        --out search/midrange --log search/midrange/sym-runs.jsonl

(the runs recorded in search/midrange/sym-runs.jsonl: first a descent
m = 8..12 from m, then the plans listed in search/results/midrange.md).
Prime m are reached by restriction from m + 1 (bounds/restriction.py), not
searched: their only rotations fix no neuron orbit below width m.

Bounds: B = 2, bias 2, theta 1, L = 1, explicit mode (the registry's rows).
"""

import argparse
import json
import sys
from math import gcd, lcm
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from superpos_formal.options import SolveOptions  # noqa: E402
from superpos_formal.schema import dump  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.solve.symmetric import ansatz_for, solve_symmetric  # noqa: E402
from superpos_formal.tasks import uand  # noqa: E402
from superpos_formal.verify import verify  # noqa: E402


def _divisors(r):
    return [d for d in range(r, 0, -1) if r % d == 0]


def candidates(m, n, tries):
    """Up to ``tries`` (shift, cycles, rotated features): rotations of order
    r >= 2 of all m features (or of m - 1, the last fixed: for prime m), as
    many r-cycles as fit, the rest in the largest divisors of r; fewest fixed
    neurons first, then all features rotated, then larger r (smaller
    formula)."""
    out = []
    for rot in (m, m - 1):
        for r in _divisors(rot):
            if r < 2 or r > n:
                continue
            k, rem = divmod(n, r)
            cyc = [r] * k
            for d in _divisors(r):
                while rem >= d:
                    cyc.append(d)
                    rem -= d
            fixed = cyc.count(1)
            out.append((fixed, rot != m, -r, rot // r, tuple(cyc), rot))
    out.sort()
    return [(shift, cyc, rot) for _, _, _, shift, cyc, rot in out[:tries]]


def _partitions(n, parts, largest=None):
    """``n`` as non-increasing sums of the allowed ``parts``."""
    if n == 0:
        yield ()
        return
    for d in parts:
        if d <= n and (largest is None or d <= largest):
            for rest in _partitions(n - d, parts, d):
                yield (d,) + rest


def faithful_candidates(task, n, tries, min_rotate, max_fixed):
    """Up to ``tries`` (shift, cycles, rotated features) whose group acts
    *faithfully* on the neurons: the rotation of order ``r`` acts on a cycle
    of length ``e`` with kernel the rotations by multiples of ``e``, so the
    action is faithful iff ``lcm(cycles) = r``. (A rotation acting trivially
    on every neuron would give ``h(g x) = h(x)``, so the pairs ``(a, b)``
    and ``(g a, g b)`` would share a hidden code and could not both be read:
    unfaithful groups are useless.) Cycles shorter than ``r`` give neurons
    whose weights repeat along the features (the product structure of
    ``Z_a x Z_b = Z_ab``: ``m = 12``, cycles ``4 + 3``). Largest group
    first (smallest formula), then fewest free parameters."""
    m, out = task.m, []
    for rot in range(m, min_rotate - 1, -1):
        for d in range(1, rot):
            if rot % d:
                continue  # one generator per cyclic subgroup: shift = rot / r
            r = rot // d
            divs = [e for e in range(r, 0, -1) if r % e == 0]
            for cyc in _partitions(n, divs):
                if r >= 2 and lcm(*cyc) == r and cyc.count(1) <= max_fixed:
                    a = ansatz_for(task, n, shift=d, cycles=cyc, rotate=rot)
                    out.append((-a.order, a.free_parameters, d, cyc, rot))
    out.sort()
    return [(d, cyc, rot) for _, _, d, cyc, rot in out[:tries]]


def _solve(task, act, n, time_limit, tries, log, reflection=False, groups="rotations",
           min_rotate=None, max_fixed=1, sums="auto"):
    if groups == "faithful":
        cands = faithful_candidates(task, n, tries, min(min_rotate or task.m - 1, task.m),
                                    max_fixed)
    else:
        cands = candidates(task.m, n, tries)
    for shift, cyc, rot in cands:
        a = ansatz_for(task, n, shift=shift, cycles=cyc, rotate=rot, reflection=reflection)
        sh = Shape("explicit", act, n=n, B=2, B_bias=2, theta=1)
        r = solve_symmetric(task, sh, a, SolveOptions(time_limit=time_limit, sums=sums))
        rec = {"task": f"uand(m={task.m})", "activation": act, "B": 2, "B_bias": 2,
               "theta": 1, "n": n, "ansatz": r.ansatz, "status": r.status,
               "seconds": round(r.seconds, 1), "vars": r.info["vars"],
               "clauses": r.info["clauses"], "inputs": r.info["inputs"],
               "free_parameters": r.info["free_parameters"], "time_limit": time_limit,
               "sums": r.info["sums"]}
        print(json.dumps(rec), flush=True)
        with open(log, "a") as fh:
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
        if r.status == "SAT":
            assert verify(r.network, task).ok
            return r
    return None


def _save(r, act, out_dir):
    d = dump(r.network)
    d["meta"] = {"found_by": "superpos_formal.solve.symmetric", "ansatz": r.ansatz,
                 "seconds": round(r.seconds, 1)}
    path = Path(out_dir) / f"uand_m{r.network.m}-explicit-{act}-L1-B2-Bb2-t1.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(d, indent=1) + "\n")


def run(act, plan, time_limit, tries, out_dir, log, reflection=False, **kw):
    """``plan``: ``[(m, start width, max width)]``. From the start the width
    goes down while SAT; if the start fails it goes up (at most to the max)
    until SAT."""
    for m, start, top in plan:
        task = uand(m)
        best, n = None, start
        r = _solve(task, act, n, time_limit, tries, log, reflection, **kw)
        if r is None:
            while r is None and n < min(top, m - 1):
                n += 1
                r = _solve(task, act, n, time_limit, tries, log, reflection, **kw)
            best = r
        else:
            best = r
            while n > 2:
                n -= 1
                r = _solve(task, act, n, time_limit, tries, log, reflection, **kw)
                if r is None:
                    break
                best = r
        if best is not None:
            _save(best, act, out_dir)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", nargs="+", required=True,
                    help="ACT:M:START[:MAX[:d]] ... (e.g. step:12:8 step:16:10:12; "
                         ":d adds the reflection: dihedral groups)")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--tries", type=int, default=2)
    ap.add_argument("--out", default="out/midrange")
    ap.add_argument("--log", default="out/midrange_sym.jsonl")
    ap.add_argument("--groups", choices=("rotations", "faithful"), default="rotations",
                    help="candidate groups: full neuron cycles (the first campaign) or "
                         "every faithful cycle structure (faithful_candidates)")
    ap.add_argument("--min-rotate", type=int, default=None,
                    help="faithful: rotate at least this many features (default m - 1)")
    ap.add_argument("--max-fixed", type=int, default=1,
                    help="faithful: at most this many neurons fixed by the group")
    ap.add_argument("--sums", choices=("auto", "tree", "binary"), default="auto")
    a = ap.parse_args(argv)
    for spec in a.plan:
        act, m, start, *rest = spec.split(":")
        top = int(rest[0]) if rest else int(m) - 1
        refl = rest[1:] == ["d"]
        run(act, [(int(m), int(start), top)], a.time_limit, a.tries, a.out, a.log, refl,
            groups=a.groups, min_rotate=a.min_rotate, max_fixed=a.max_fixed, sums=a.sums)


if __name__ == "__main__":
    main()
