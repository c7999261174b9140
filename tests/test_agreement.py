"""The SAT path and the SMT path agree on every cell both decide.

Two independent encodings (order-encoded CNF with symmetry breaks; the
literal z3 formula with Int and If, no breaks) of the same question. A
disagreement means one of them is wrong; the exact verifier already checks
every SAT network, so this catches a wrong UNSAT on either side.
"""

import pytest

from superpos_formal.codes import random_codes
from superpos_formal.solve.smt import solve_smt
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide
from superpos_formal.tasks import and_pairs, identity, or_pairs, permutation, uand, xor_pairs
from superpos_formal.options import SolveOptions


def _given(task, act, n, B, seed):
    E, R = random_codes(n, task.m, task.m_out, k=min(2, n), seed=seed)
    return Shape("superposed", act, n=n, B=B, codes="given", E=E, R=R)


CELLS = [
    ("uand3 expl step n1", uand(3), Shape("explicit", "step", n=1, B=2)),
    ("uand3 expl step n2", uand(3), Shape("explicit", "step", n=2, B=2)),
    ("uand4 expl step n2", uand(4), Shape("explicit", "step", n=2, B=2)),
    ("uand4 expl relu n2 B1", uand(4), Shape("explicit", "relu", n=2, B=1)),
    ("uand3 expl relu n1", uand(3), Shape("explicit", "relu", n=1, B=2)),
    ("xor2 expl step n1", xor_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=2)),
    ("xor2 expl step n2", xor_pairs(2, [(0, 1)]), Shape("explicit", "step", n=2, B=1)),
    ("xor3 expl relu L2 n1", xor_pairs(3, [(0, 1), (1, 2)]),
     Shape("explicit", "relu", n=1, L=2, B=1)),
    ("or3 expl step n1 tol1", or_pairs(3, [(0, 1), (0, 2)]),
     Shape("explicit", "step", n=1, B=1, tolerance=1)),
    ("perm4 given relu n3", permutation(4, [1, 2, 3, 0]), None),
    ("and4 given step n3", and_pairs(4, [(0, 1), (2, 3)]), None),
    ("id4 repr n2", identity(4), Shape("superposed", "relu", n=2, L=0, B=1, codes="free")),
    ("id5 repr n2", identity(5), Shape("superposed", "relu", n=2, L=0, B=1, codes="free")),
    ("id3 s2 repr n2", identity(3, s=2), Shape("superposed", "relu", n=2, L=0, B=1,
                                               codes="free")),
    ("perm3 free relu n2", permutation(3, [2, 0, 1]),
     Shape("superposed", "relu", n=2, B=1, codes="free")),
]


@pytest.mark.parametrize("name,task,shape", CELLS, ids=[c[0] for c in CELLS])
def test_sat_and_smt_agree(name, task, shape):
    if shape is None:
        act = "relu" if "relu" in name else "step"
        shape = _given(task, act, 3, 1, seed=5)
    sat = decide(task, shape, SolveOptions(time_limit=60))
    smt = solve_smt(task, shape, time_limit=60)
    decided = {"SAT", "UNSAT"}
    assert sat.status in decided, f"SAT path undecided on {name}"
    if smt.status in decided:
        assert sat.status == smt.status, f"{name}: SAT path {sat.status}, z3 {smt.status}"


def test_suite_has_both_answers():
    """The suite must exercise both SAT and UNSAT, or agreement means little."""
    answers = set()
    for name, task, shape in CELLS[:8]:
        answers.add(decide(task, shape, SolveOptions(time_limit=60)).status)
    assert answers == {"SAT", "UNSAT"}
