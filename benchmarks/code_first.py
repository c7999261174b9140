"""Code-first search on the family question, measured (issue 25).

The issue lists "code-first search (SAT over codes, with members as fast
checks)" among the directions to measure. This script measures its premise
and runs one such loop:

* **member checks**: one incremental CaDiCaL per member on the member's
  formula with the code left free (no symmetry breaks), asked under
  assumptions that fix the code. Timed under a code known to serve the
  family (from the committed bundle) and under random codes (E with
  distinct nonzero columns, R with distinct nonzero rows: the cheap
  necessary conditions). A check runs to its end (pysat's CaDiCaL has no
  limited solve), so the loop's budget is looked at between checks.
* **the loop**: a master CaDiCaL over the code's order literals proposes a
  code; members are checked in turn (the last failing member first); a
  failing member's failed-assumption core, negated, joins the master. A
  code that passes every member is re-checked member by member with
  :func:`~superpos_formal.verify.verify` over the whole domain.

Nothing here is a claim: a found code would still go through the
ordinary bundle path (``search/fixed_code_sweep.py``), and the master's
UNSAT (its clauses are member cores without proofs) is reported as
``no code left`` (UNKNOWN), never as UNSAT. Bounds of every cell:
superposed relu, L = 1, B = 1, bias 1, code 1, theta 1.

Run (seconds are wall clock on whatever load there is; ``uptime`` is
printed first and last)::

    /work/bin/bg python benchmarks/code_first.py --random 8 --budget 300
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pysat.solvers import Solver  # noqa: E402

from superpos_formal.encode.ints import TRUE  # noqa: E402
from superpos_formal.encode.sat import encode_family_sat  # noqa: E402
from superpos_formal.shape import Shape  # noqa: E402
from superpos_formal.tasks import pair_set_family, permutation_family  # noqa: E402
from superpos_formal.verify import verify  # noqa: E402

__all__ = ["MemberChecks", "code_first", "random_code", "main"]

PROOFS = HERE.parent / "proofs"
#: cell -> (family, width, the committed bundle whose networks share a serving code)
CELLS = {
    "perms5-n3": (lambda: permutation_family(5), 3,
                  "families-long/permutations-m5-mout5-s1-superposed-relu-L1-B1-bias1-code1-"
                  "theta1/n3-sat"),
    "perms4-n3": (lambda: permutation_family(4), 3,
                  "families/permutations-m4-mout4-s1-superposed-relu-L1-B1-bias1-code1-"
                  "theta1/n3-sat"),
    "pairs42-n3": (lambda: pair_set_family(4, 2), 3,
                   "families/and-pair-sets-m4-mout2-s2-superposed-relu-L1-B1-bias1-code1-"
                   "theta1/n3-sat"),
}


def _shape(n):
    return Shape(mode="superposed", activation="relu", n=n, L=1, B=1, B_bias=1, B_code=1,
                 theta=1, codes="free")


def _code_lits(enc):
    return [e.lits for row in enc._E for e in row] + [r.lits for row in enc._R for r in row]


class MemberChecks:
    """One incremental solver per member (made when first asked), the code as
    assumptions on its order literals.

    Every member formula is encoded with the same code variables: the
    encoder makes the shared code before any member's weights, so the code's
    literal numbers agree across members (checked at each encoding)."""

    def __init__(self, family, n):
        self.members = list(family.members())
        self.shape = _shape(n)
        first = encode_family_sat([self.members[0]], self.shape, symmetry=False)
        self.lits = _code_lits(first)
        self.E, self.R = first._E, first._R
        self._encodings = {0: first}  # member 0's formula, kept for its solver
        self._solvers = {}

    def assumptions(self, E, R):
        """Order literals fixing every code entry (values in -1..1)."""
        vals = [v for row in E for v in row] + [v for row in R for v in row]
        out = []
        for ls, v in zip(self.lits, vals):
            out += [ls[0] if v >= 0 else -ls[0], ls[1] if v >= 1 else -ls[1]]
        return out

    def solver(self, k):
        if k not in self._solvers:
            enc = (self._encodings.pop(k, None)
                   or encode_family_sat([self.members[k]], self.shape, symmetry=False))
            if _code_lits(enc) != self.lits:
                raise AssertionError("member formulas disagree on the code's literals")
            self._solvers[k] = (enc, Solver(name="cadical195", bootstrap_with=enc.clauses))
        return self._solvers[k]

    def check(self, k, assum):
        """``(served, seconds)``. Not interruptible: pysat's CaDiCaL has no
        limited solve, and CaDiCaL is the solver of the member loop."""
        _, s = self.solver(k)
        t0 = time.perf_counter()
        r = s.solve(assumptions=assum)
        return r, time.perf_counter() - t0

    def network(self, k):
        """The network of the member's last SAT check."""
        enc, s = self.solver(k)
        return enc.decode_all(s.get_model())[2][0]

    def close(self):
        for _, s in self._solvers.values():
            s.delete()


def random_code(m, m_out, n, rng):
    """E with distinct nonzero columns, R with distinct nonzero rows (each
    necessary: two features with one column, or a zero column, leave inputs
    apart that some member tells apart; likewise R's rows for outputs)."""
    def distinct(count):
        seen = set()
        while len(seen) < count:
            v = tuple(rng.choice((-1, 0, 1)) for _ in range(n))
            if any(v):
                seen.add(v)
        vs = list(seen)
        rng.shuffle(vs)
        return vs
    cols = distinct(m)
    E = [[cols[i][r] for i in range(m)] for r in range(n)]
    R = [list(v) for v in distinct(m_out)]
    return E, R


def code_first(family, n, budget, seed=0, log=None):
    """The core-guided loop. Returns ``(answer, E, R, networks, stats)``;
    ``answer`` is ``"SAT"`` (every member's network verified), ``"no code
    left"`` or ``"UNKNOWN"`` (budget)."""
    checks = MemberChecks(family, n)
    rng = random.Random(seed)
    flat = [l for ls in checks.lits for l in ls]
    top = max(abs(l) for l in flat)
    master = Solver(name="cadical195")
    for ls in checks.lits:
        master.add_clause([-ls[1], ls[0]])  # x >= 1 implies x >= 0
    order = list(range(len(checks.members)))
    rng.shuffle(order)
    stats = {"proposals": 0, "checks": 0, "cores": [], "best_run": 0}
    t0 = time.perf_counter()
    try:
        while time.perf_counter() - t0 < budget:
            master.set_phases([l if rng.random() < 0.5 else -l for l in flat])
            if not master.solve():
                return "no code left", None, None, None, stats
            model = {l for l in master.get_model() if abs(l) <= top}
            assum = [l if l in model else -l for l in flat]
            stats["proposals"] += 1
            failed = None
            for pos, k in enumerate(order):
                r, _ = checks.check(k, assum)
                stats["checks"] += 1
                if not r:
                    core = list(checks.solver(k)[1].get_core() or assum)
                    master.add_clause([-l for l in core])
                    stats["cores"].append(len(core))
                    order.insert(0, order.pop(pos))
                    failed = k
                    stats["best_run"] = max(stats["best_run"], pos)
                    break
            if failed is None:
                full = model | {TRUE}
                E = [[e.value(full) for e in row] for row in checks.E]
                R = [[v.value(full) for v in row] for row in checks.R]
                # every member's last solve was SAT under this code: its model is
                # still the solver's, so the networks are decoded, not re-solved
                nets = []
                for k, t in enumerate(checks.members):
                    net = checks.network(k)
                    if [list(r) for r in net.E] != E or [list(r) for r in net.R] != R:
                        raise AssertionError(f"member {k}: its network has another code")
                    if not verify(net, t).ok:
                        raise AssertionError(f"member {k}: the network does not verify")
                    nets.append(net)
                return "SAT", E, R, nets, stats
            if log and stats["proposals"] % 50 == 0:
                log(f"  {stats['proposals']} proposals, {time.perf_counter() - t0:.0f} s, "
                    f"longest run of served members {stats['best_run']}")
        return "UNKNOWN", None, None, None, stats
    finally:
        master.delete()
        checks.close()


def _known_code(bundle):
    nets = json.loads((PROOFS / bundle / "network.json").read_text())["networks"]
    return nets[0]["E"], nets[0]["R"]


def _uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", default=",".join(CELLS), help="comma-separated cells")
    ap.add_argument("--members", type=int, default=8, help="members sampled per cell")
    ap.add_argument("--random", type=int, default=8, help="random codes per cell")
    ap.add_argument("--budget", type=float, default=300.0, help="seconds for the loop per cell")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    print(f"load at start: {_uptime()}", flush=True)
    rows = []
    for name in a.cells.split(","):
        if name not in CELLS:
            raise SystemExit(f"unknown cell {name!r} ({', '.join(CELLS)})")
        make, n, bundle = CELLS[name]
        fam = make()
        rng = random.Random(a.seed)
        checks = MemberChecks(fam, n)
        sample = rng.sample(range(len(checks.members)), min(a.members, len(checks.members)))
        good = checks.assumptions(*_known_code(bundle))
        t_good = []
        for k in sample:
            r, dt = checks.check(k, good)
            if r is not True:
                raise AssertionError(f"{name}: the committed code fails member {k}")
            t_good.append(dt)
        t_bad, served = [], 0
        for _ in range(a.random):
            E, R = random_code(fam.m, fam.m_out, n, rng)
            k = rng.choice(sample)
            r, dt = checks.check(k, checks.assumptions(E, R))
            served += r
            t_bad.append(dt)
        checks.close()
        print(f"{name}: member checks done; the loop ({a.budget:g} s)", flush=True)
        t0 = time.perf_counter()
        ans, *_, st = code_first(fam, n, a.budget, a.seed, log=print)
        dt = time.perf_counter() - t0
        cores = st["cores"]
        rows.append((name, n, len(checks.members), statistics.median(t_good), max(t_good),
                     statistics.median(t_bad), max(t_bad), served, ans, dt,
                     st["proposals"], st["checks"],
                     statistics.mean(cores) if cores else 0.0))
        print(rows[-1], flush=True)
    print(f"load at end: {_uptime()}")
    print("\n| cell | n | members | check, serving code: median / max s | check, random "
          "code: median / max s (served) | loop | loop s | proposals | checks | "
          "mean core literals |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, n, mem, gm, gx, bm, bx, srv, ans, dt, pr, ch, core) in rows:
        print(f"| {name} | {n} | {mem} | {gm:.3f} / {gx:.3f} | {bm:.2f} / {bx:.2f} "
              f"({srv}) | {ans} | {dt:.0f} | {pr} | {ch} | {core:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
