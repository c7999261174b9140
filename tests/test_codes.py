"""Feature codes: degenerate readouts and input-code conflicts on hand examples."""

import pytest

from superpos_formal import tasks as T
from superpos_formal.codes import (check_codes, degenerate_readout_rows, identity_code,
                                   input_code_conflicts, random_codes, random_sparse_code)
from superpos_formal.errors import InputError


@pytest.mark.parametrize("R,bad", [
    ([[1, 0], [2, 0], [0, 1]], [0, 1]),      # rows 0 and 1 are multiples of each other
    ([[1, 0], [0, 1], [1, 1]], [2]),         # r2 = r0 + r1; r0 = r2 - r1 needs -1
    ([[1, -1], [-1, 1]], []),                # opposite rays: neither in the other's cone
    ([[1, 0], [0, 1], [-1, -1]], []),        # the 3-in-2D simplex code is fine
    ([[0, 0], [1, 0]], [0]),                 # a zero row never exceeds theta >= 1
    ([[1, 2]], []),
    ([[2, 1, 0], [1, 0, 0], [0, 1, 0]], [0]),  # r0 = 2 r1 + r2
    ([[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]], [3]),  # r3 = (r0 + r1 + r2) / 2
])
def test_degenerate_readout_rows_hand(R, bad):
    assert degenerate_readout_rows(R) == bad


def test_input_code_conflicts_hand():
    # E = [1 1]: 10 and 01 both code to 1, identity needs them apart
    assert input_code_conflicts([[1, 1]], T.identity(2, s=1)) == [((1, 0), (0, 1))]
    # ... but OR maps both to 1: no conflict; AND on s = 2: codes 0, 1, 1, 2, fine
    assert input_code_conflicts([[1, 1]], T.or_pairs(2, [(0, 1)], s=1)) == []
    assert input_code_conflicts([[1, 1]], T.and_pairs(2, [(0, 1)], s=2)) == []
    # E = [1 -1]: 00 and 11 both code to 0; XOR agrees (0, 0), identity does not
    assert input_code_conflicts([[1, -1]], T.xor_pairs(2, [(0, 1)], s=2)) == []
    assert input_code_conflicts([[1, -1]], T.identity(2, s=2)) == [((0, 0), (1, 1))]
    assert input_code_conflicts(identity_code(3), T.uand(3)) == []


def test_check_codes():
    # the superposed identity of the network tests, 3 features in 2 units
    E = [[1, 0, 1], [0, 1, 1]]
    assert check_codes(E, [[2, -2], [-2, 2], [1, 1]], T.identity(3, s=1)) is None
    with pytest.raises(InputError, match="^E: degenerate input code"):
        check_codes([[1, 1]], [[1], [-1]], T.identity(2, s=1))
    # R row 2 = row 0 + row 1 cannot fire alone, and identity needs y2 alone on x2
    with pytest.raises(InputError, match="^R: degenerate readout: row 2"):
        check_codes(E, [[1, 0], [0, 1], [1, 1]], T.identity(3, s=1))
    # the same degenerate row is harmless if y2 never has to fire alone:
    # y2 = x0 OR x1 with y0 = x0, y1 = x1 as a table (s = 1: 000, 100, 010, 001)
    t = T.table(3, 1, outputs=[[0, 0, 0], [1, 0, 1], [0, 1, 1], [0, 0, 0]])
    assert check_codes(E, [[1, 0], [0, 1], [1, 1]], t) is None
    with pytest.raises(InputError, match="^E: has 2 columns"):
        check_codes([[1, 0]], [[1]], T.identity(3))
    with pytest.raises(InputError, match="^R: has 1 rows"):
        check_codes(E, [[1, 0]], T.identity(3))
    with pytest.raises(InputError, match="^R: has 3 columns"):
        check_codes(E, [[1, 0, 0]] * 3, T.identity(3))


def test_random_sparse_code_properties():
    C = random_sparse_code(5, 8, 2, seed=4)
    assert len(C) == 5 and all(len(r) == 8 for r in C)
    cols = [tuple(C[i][j] for i in range(5)) for j in range(8)]
    assert all(sum(1 for v in col if v) == 2 for col in cols)
    assert all(v in (-1, 0, 1) for col in cols for v in col)
    assert len(set(cols)) == 8
    assert random_sparse_code(5, 8, 2, seed=4) == C
    with pytest.raises(InputError, match="^k"):
        random_sparse_code(3, 2, 4, seed=0)
    with pytest.raises(InputError, match="distinct columns"):
        random_sparse_code(2, 5, 1, seed=0)  # only 4 distinct +-1 unit columns exist


def test_random_codes_shapes_and_seed():
    E, R = random_codes(4, 6, 5, k=2, seed=3)
    assert (len(E), len(E[0]), len(R), len(R[0])) == (4, 6, 5, 4)
    assert all(sum(1 for v in r if v) == 2 for r in R)  # R rows are code columns
    assert random_codes(4, 6, 5, k=2, seed=3) == (E, R)
