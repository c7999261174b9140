"""The frontier benchmark's peer models agree with the SAT path on small cells.

The OR-Tools CP-SAT and z3 literal models (``benchmarks/peers``) are written
independently of the CNF encoder; on every cell here both are run and
their answers compared with ``decide`` / ``decide_family``, and every SAT
network they return is verified exactly. The expected answers are also
known by hand or from the committed, proof-checked campaign results
(the minima quoted beside each cell), so a peer and the SAT path being wrong
together would still fail. Skipped when OR-Tools (the ``bench`` extra) is
missing.
"""

import sys
from pathlib import Path

import pytest

from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.solve.search import decide
from superpos_formal.tasks import and_pairs, identity, permutation_family, uand
from superpos_formal.verify import verify

pytest.importorskip("ortools")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from peers.cpsat_model import solve_cpsat  # noqa: E402
from peers.z3_model import solve_z3  # noqa: E402

FREE = dict(mode="superposed", codes="free", B=1)

CELLS = [
    # AND of two features needs weights summing past the bias: B = 0 gives
    # only the zero network (UNSAT), B = 1 has h = step(x0 + x1 - 1) (SAT)
    ("and2/step/B0", [and_pairs(2, [(0, 1)])], Shape("explicit", "step", n=1, B=0), "UNSAT"),
    ("and2/step/B1", [and_pairs(2, [(0, 1)])], Shape("explicit", "step", n=1, B=1), "SAT"),
    # uand(3) explicit relu, B = 2: minimum width 2 (campaign uand-explicit)
    ("uand3/relu/n1", [uand(3)], Shape("explicit", "relu", n=1, B=2), "UNSAT"),
    ("uand3/relu/n2", [uand(3)], Shape("explicit", "relu", n=2, B=2), "SAT"),
    # representation, identity(5), codes in [-1, 1]: minimum 3 (campaign representation)
    ("id5/repr/n2", [identity(5)], Shape(activation="relu", n=2, L=0, **FREE), "UNSAT"),
    # permutations of 3 features share a code at n = 2, not at n = 1 (campaign families)
    ("perms3/n1", permutation_family(3), Shape(activation="relu", n=1, **FREE), "UNSAT"),
    ("perms3/n2", permutation_family(3), Shape(activation="relu", n=2, **FREE), "SAT"),
]



@pytest.mark.parametrize("name,tasks,shape,expected", CELLS, ids=[c[0] for c in CELLS])
def test_peers_agree_with_sat_path(name, tasks, shape, expected):
    family = None if isinstance(tasks, list) else tasks
    members = list(tasks.members()) if family is not None else tasks
    ours = (decide_family(family, shape).status if family is not None
            else decide(members[0], shape).status)
    assert ours == expected
    for tool, (status, sol, _) in (("cpsat", solve_cpsat(members, shape, workers=1)),
                                   ("z3", solve_z3(members, shape))):
        assert status == expected, f"{tool} says {status}"
        if status == "SAT":
            E, R, nets = sol
            assert len(nets) == len(members)
            for t, net in zip(members, nets):
                assert net.E == tuple(map(tuple, E)) and net.R == tuple(map(tuple, R))
                assert verify(net, t).ok, f"{tool} network fails {t.name}"
