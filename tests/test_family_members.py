"""The member step of the family loop on one formula under assumptions
(solve/family._test_members_assumed) against hand facts and against the
per-member ``decide`` path it replaces by default.
"""

import random

import pytest

from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.family import _test_members
from superpos_formal.tasks import pair_set_family, permutation_family
from superpos_formal.verify import verify

I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def _run(members, E, R, shape, options):
    # member 0 plays the subfamily (its network stands in as a marker)
    return _test_members(members, [0], ["core"], (E, R), shape,
                         SolveOptions(time_limit=60, solver="cadical195", symmetry=True), None,
                         options)


def test_identity_codes_serve_every_permutation():
    # E = R = I (3 x 3): W = the permutation matrix, b = 0, V = I, c = 0
    # gives y = pi(x) exactly (relu leaves 0/1 alone), B = 1
    members = list(permutation_family(3).members())
    shape = Shape("superposed", "relu", n=3, B=1, codes="free")
    networks, failed, stop = _run(members, I3, I3, shape, None)
    assert failed is None and stop is None
    for t, net in zip(members[1:], networks[1:]):
        assert net is not None and verify(net, t).ok
        assert [list(r) for r in net.E] == I3 and [list(r) for r in net.R] == I3


def test_a_readout_that_cannot_tell_outputs_apart_fails_the_first_member():
    # R = [[1], [1]]: both outputs read the one coordinate, so y0 = y1 on
    # every input; each permutation of 2 features wants y0 != y1 at e0, so
    # the first member tested (index 1) is UNSAT and fails
    members = list(permutation_family(2).members())
    shape = Shape("superposed", "relu", n=1, B=2, codes="free")
    networks, failed, stop = _run(members, [[1, -1]], [[1], [1]], shape, None)
    assert (failed, stop) == (1, None) and networks[1] is None


def test_an_input_code_conflict_fails_without_a_solve():
    # features 0 and 1 share a code column; every permutation of 3 maps
    # e0 and e1 to different outputs: the first member outside the core fails
    members = list(permutation_family(3).members())
    E = [[1, 1, 0], [0, 0, 1], [0, 0, 0]]
    shape = Shape("superposed", "relu", n=3, B=1, codes="free")
    networks, failed, stop = _run(members, E, I3, shape, None)
    assert (failed, stop) == (1, None)


@pytest.mark.parametrize("seed,n", [(s, 2) for s in range(6)] + [(0, 3), (2, 3), (3, 3)])
def test_assumptions_and_per_member_solves_agree(seed, n):
    # random codes: failures by solve (n = 2, seeds 0, 3, 5), by input-code
    # conflict (seeds 1, 2, 4 at n = 2), every member served (n = 3, seeds 2, 3)
    rnd = random.Random(seed)
    fam = permutation_family(3) if seed % 2 or n == 3 else pair_set_family(4, 1)
    members = list(fam.members())
    t0 = members[0]
    E = [[rnd.randint(-1, 1) for _ in range(t0.m)] for _ in range(n)]
    R = [[rnd.randint(-1, 1) for _ in range(n)] for _ in range(t0.m_out)]
    shape = Shape("superposed", "relu", n=n, B=1, codes="free")
    a = _run(members, E, R, shape, None)
    b = _run(members, E, R, shape, {"portfolio": None})
    assert a[1:] == b[1:]
    for i, (x, y) in enumerate(zip(a[0], b[0])):
        assert (x is None) == (y is None)
        if i and x is not None:
            assert verify(x, members[i]).ok
