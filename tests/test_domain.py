"""X(m, s): order and sizes against hand-listed values."""

from math import comb

import pytest

from superpos_formal.domain import domain, domain_size, input_index, support
from superpos_formal.errors import InputError


def test_order_m3_s2_hand_listed():
    # weight 0, then weight 1 by position, then weight-2 supports
    # (0,1), (0,2), (1,2) in lexicographic order
    assert domain(3, 2) == (
        (0, 0, 0),
        (1, 0, 0), (0, 1, 0), (0, 0, 1),
        (1, 1, 0), (1, 0, 1), (0, 1, 1),
    )


def test_order_small_cases_hand_listed():
    assert domain(2, 2) == ((0, 0), (1, 0), (0, 1), (1, 1))
    assert domain(3, 1) == ((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1))
    assert domain(4, 0) == ((0, 0, 0, 0),)
    assert domain(1, 3) == ((0,), (1,))


@pytest.mark.parametrize("m,s,size", [
    (3, 2, 7), (4, 2, 11), (5, 1, 6), (5, 3, 26), (3, 5, 8), (6, 2, 22), (1, 0, 1),
])
def test_sizes_hand(m, s, size):
    assert domain_size(m, s) == size
    assert len(domain(m, s)) == size


@pytest.mark.parametrize("m", range(1, 8))
@pytest.mark.parametrize("s", range(0, 4))
def test_size_is_binomial_sum_and_order_invariants(m, s):
    X = domain(m, s)
    assert len(X) == sum(comb(m, k) for k in range(min(s, m) + 1))
    assert len(set(X)) == len(X)
    weights = [sum(x) for x in X]
    assert weights == sorted(weights) and max(weights) == min(s, m)
    # within one weight, supports are in lexicographic order
    for k in range(min(s, m) + 1):
        sups = [support(x) for x in X if sum(x) == k]
        assert sups == sorted(sups)


def test_input_index_round_trip_and_outside():
    X = domain(4, 2)
    assert [input_index(x, 2) for x in X] == list(range(len(X)))
    assert input_index((0, 1, 1), 2) == 6
    with pytest.raises(InputError, match="not in X"):
        input_index((1, 1, 1), 2)


@pytest.mark.parametrize("m,s,field", [(0, 1, "m"), (2, -1, "s"), (True, 1, "m"),
                                       (2.0, 1, "m"), (2, "1", "s")])
def test_bad_m_s(m, s, field):
    with pytest.raises(InputError, match=f"^{field} "):
        domain_size(m, s)
