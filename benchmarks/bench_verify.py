"""Exact verification throughput: the batch verifier against the plain one.

For each construction instance (rebuilt from its parameters) the run times

* ``batch``:  :func:`superpos_formal.verify.verify_batch` (sparse int64 rows
  under the overflow proof of ``Network.value_bound``), every input of
  ``X(m, s)``;
* ``plain``:  :func:`superpos_formal.verify.verify` (Python integers, one
  input at a time) on the first ``--plain-inputs`` inputs only (it is a
  rate, and the whole domain would take minutes at the large sizes).

Throughput is ``inputs x dense parameters / second`` (dense parameters: every
entry of ``E``, ``W_l``, ``b_l``, ``V``, ``c``, ``R``); both verdicts must
agree on the inputs both saw. Timings on a shared machine are noisy: compare
the two columns of one run only.

Run:  PYTHONPATH=. python benchmarks/bench_verify.py [--quick] [--plain-inputs N]
"""

import argparse
import time

from superpos_formal.constructions.grid import make_task
from superpos_formal.constructions.search import build
from superpos_formal.verify import verify, verify_batch

CASES = [
    ("hmvc", {"kind": "uand", "m": 16}),
    ("stars", {"kind": "uand", "m": 46}),
    ("hmvc", {"kind": "uand", "m": 46}),
    ("channels", {"kind": "permutation", "m": 256, "seed": 0}),
    ("channels", {"kind": "permutation", "m": 1000, "seed": 0}),
    ("routed-stars", {"kind": "pair_set", "m_out": 1000, "seed": 0}),
]


def dense_params(net):
    n = sum(len(r) for r in net.E) + sum(len(r) for r in net.R)
    for W, b in net.layers:
        n += sum(len(r) for r in W) + len(b)
    if net.layers:
        n += sum(len(r) for r in net.V) + len(net.c)
    return n


def main(argv=None):
    import json
    from superpos_formal.report import DATA

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="the first two cases only")
    ap.add_argument("--plain-inputs", type=int, default=200)
    a = ap.parse_args(argv)
    points = json.loads(DATA.read_text())["points"]
    rows = []
    for name, spec in CASES[:2] if a.quick else CASES:
        pt = next((p for p in points if p["construction"] == name and p["task_spec"] == spec),
                  None)
        if pt is None:
            print(f"skip {name} {spec}: not in the construction grid")
            continue
        task = make_task(spec)
        net = build(name, task, pt["params"]).network
        P = dense_params(net)
        X = task.inputs
        t0 = time.perf_counter()
        vb = verify_batch(net, task)
        tb = time.perf_counter() - t0
        k = min(a.plain_inputs, len(X))
        t0 = time.perf_counter()
        vp = verify(net, task, inputs=X[:k])
        tp = time.perf_counter() - t0
        if not vb.ok or not vp.ok:
            raise SystemExit(f"verdicts: batch {vb.ok}, plain {vp.ok} on {task.name}")
        rows.append((name, task.name[:28], task.m_out, len(X), P, tb, len(X) * P / tb,
                     k, tp, k * P / tp))
    head = ("construction", "task", "m'", "inputs", "params", "batch s", "batch in*p/s",
            "plain inputs", "plain s", "plain in*p/s", "speed-up")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for r in rows:
        print(f"{r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.2f} | {r[6]:.3g} | "
              f"{r[7]} | {r[8]:.2f} | {r[9]:.3g} | {r[6] / r[9]:.0f}x")


if __name__ == "__main__":
    main()
