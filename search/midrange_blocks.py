"""Campaign: a block that joins a hub network (explicit universal AND).

``join_blocks(hub, block)`` (constructions/compose.py) puts two uand networks
side by side and reads every cross pair ``(i, j)`` from both hidden layers;
it applies when every pair of a hub feature and a block feature has such a
readout. Blocks taken from elsewhere rarely qualify (the relu uand(5)
minimum joins only the relu uand(8) network; search/results/midrange.md), so
this searches for one: a first layer of ``nb`` neurons on ``mb`` features
maximising (uand(mb) outputs readable from it) + (hub-block cross pairs with
a readout), by seeded random-restart hill climbing (change one or two first-
layer entries, keep if not worse). Both counts are exhaustive over the
bounded readouts (numpy; the cross pairs through compose's own ``_cross`` on
the undominated profiles). A full score is only a candidate: the block's
readouts are then taken, the join is built by ``join_blocks`` and verified
over all of ``X(mb + m_hub, 2)`` before anything is written.

    cd <repo> && /work/bin/bg /work/venv/bin/python search/midrange_blocks.py \\
        --hub search/midrange/uand_m8-explicit-relu-L1-B2-Bb2-t1.json \\
        --mb 6 --nb 4 --seed 1 --seconds 300 -o out/uand_m14-relu.json

Bounds: B = 2, bias 2, theta 1 (the registry's rows); the hub's activation.
"""

import argparse
import json
import os
import random
import sys
import time
from itertools import combinations, product
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from superpos_formal.constructions.compose import (_cross, _undominated,  # noqa: E402
                                                   block_profiles, join_blocks)
from superpos_formal.network import Network  # noqa: E402
from superpos_formal.schema import dump, network_from_dict  # noqa: E402
from superpos_formal.tasks import uand  # noqa: E402
from superpos_formal.verify import verify  # noqa: E402

B = B_BIAS = 2


class Block:
    """Scores first layers of ``nb`` neurons on ``mb`` features."""

    def __init__(self, hub, mb, nb, act=None):
        # hub None: the block joins a copy of itself (join_blocks(block, block))
        self.hub, self.mb, self.nb = hub, mb, nb
        self.act = str(hub.activation) if hub is not None else act
        self.hub_profiles = ([block_profiles(hub, j) for j in range(hub.m)]
                             if hub is not None else None)
        xs = [tuple([0] * mb)] + [tuple(int(k == i) for k in range(mb)) for i in range(mb)]
        self.pairs = list(combinations(range(mb), 2))
        xs += [tuple(int(k in p) for k in range(mb)) for p in self.pairs]
        self.X = np.array(xs, dtype=np.int64)
        self.LC = np.array(list(product(range(-B, B + 1), repeat=nb)), dtype=np.int64)
        self.LCc = np.array([list(r) + [c] for r in self.LC for c in range(-B_BIAS, B_BIAS + 1)],
                            dtype=np.int64)
        self.full = len(self.pairs) + mb * (hub.m if hub is not None else mb)

    def hidden(self, W, b):
        T = self.X @ W.T + b
        return np.maximum(T, 0) if self.act == "relu" else (T > 0).astype(np.int64)

    def readouts(self, W, b):
        """Per output ``(a, b)``: the first ``(V_j, c_j)`` reading it, or None."""
        H = self.hidden(W, b)
        S = self.LCc @ np.hstack([H, np.ones((len(self.X), 1), dtype=np.int64)]).T
        out = []
        for q in range(len(self.pairs)):
            t = 1 + self.mb + q
            ok = np.flatnonzero((S[:, t] >= 1) & (np.delete(S, t, axis=1).max(axis=1) <= 0))
            out.append(None if not len(ok) else self.LCc[ok[0]])
        return out

    def score(self, W, b):
        good = sum(r is not None for r in self.readouts(W, b))
        SL = self.LC @ self.hidden(W, b).T
        mine = []
        for i in range(self.mb):
            oth = [0] + [1 + k for k in range(self.mb) if k != i]
            pr = np.unique(np.stack([SL[:, 1 + i], SL[:, oth].max(axis=1), SL.max(axis=1),
                                     SL[:, 0]], axis=1), axis=0)
            pr = pr[_undominated(pr)]
            mine.append((pr, pr))  # the readouts are not needed to score
        other = self.hub_profiles if self.hub is not None else mine
        cross = sum(_cross(pa, la, pb, lb, 1, B_BIAS) is not None
                    for pa, la in mine for pb, lb in other)
        return good + cross

    def network(self, W, b):
        rows = self.readouts(W, b)
        V = [[int(v) for v in r[:self.nb]] for r in rows]
        c = [int(r[self.nb]) for r in rows]
        return Network.explicit(self.mb, len(V), self.act, [(W.tolist(), b.tolist())], V, c,
                                B, B_BIAS, 1)


def search(blk, seed, seconds):
    rng = random.Random(seed)
    t0, best = time.perf_counter(), -1
    while time.perf_counter() - t0 < seconds:
        W = np.array([[rng.randint(-B, B) for _ in range(blk.mb)] for _ in range(blk.nb)])
        b = np.array([rng.randint(-B_BIAS, B_BIAS) for _ in range(blk.nb)])
        cur, stall = blk.score(W, b), 0
        while stall < 400 and cur < blk.full and time.perf_counter() - t0 < seconds:
            W2, b2 = W.copy(), b.copy()
            for _ in range(rng.choice((1, 1, 2))):
                k, i = rng.randrange(blk.nb), rng.randrange(blk.mb + 1)
                if i == blk.mb:
                    b2[k] = rng.randint(-B_BIAS, B_BIAS)
                else:
                    W2[k, i] = rng.randint(-B, B)
            s = blk.score(W2, b2)
            stall = 0 if s > cur else stall + 1
            if s >= cur:
                W, b, cur = W2, b2, s
        if cur > best:
            best = cur
            print(f"best {cur} of {blk.full} ({time.perf_counter() - t0:.1f} s)", flush=True)
        if cur == blk.full:
            return W, b, time.perf_counter() - t0
    return None


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", required=True, help="a network file, or 'self' (the block "
                                                  "joins a copy of itself)")
    ap.add_argument("--activation", default="relu", help="with --hub self")
    ap.add_argument("--mb", type=int, required=True)
    ap.add_argument("--nb", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--block-out", help="also write the block network itself")
    a = ap.parse_args(argv)
    hub = None
    if a.hub != "self":
        d = json.loads(Path(a.hub).read_text())
        d.pop("meta", None)
        hub = network_from_dict(d)
    blk = Block(hub, a.mb, a.nb, a.activation)
    got = search(blk, a.seed, a.seconds)
    if got is None:
        print("no block found")
        return 1
    W, b, secs = got
    block = blk.network(W, b)
    joined = join_blocks(hub if hub is not None else block, block)
    m = (hub.m if hub is not None else a.mb) + a.mb
    if not verify(block, uand(a.mb)).ok or joined is None or not verify(joined, uand(m)).ok:
        print("the candidate did not verify")  # never written
        return 1
    out = dump(joined)
    out["meta"] = {"how": f"join_blocks(`{a.hub}`, a {blk.act} uand({a.mb}) block of {a.nb} "
                          f"neurons found by search/midrange_blocks.py --seed {a.seed}: "
                          f"{secs:.0f} s, load {os.getloadavg()[0]:.1f})",
                   "verified": "exhaustively, X(m, 2)"}
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    if a.block_out:
        bd = dump(block)
        bd["meta"] = {"how": f"a {blk.act} uand({a.mb}) block of {a.nb} neurons joinable with "
                             f"`{a.hub}`: search/midrange_blocks.py --seed {a.seed}",
                      "verified": "exhaustively, X(m, 2)"}
        Path(a.block_out).write_text(json.dumps(bd, indent=1) + "\n")
    print(f"wrote {a.out}: uand({m}) width {joined.widths[0]}, verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
