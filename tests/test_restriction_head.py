"""The head variant of the pair-set restriction (bounds/restriction.py): a
member P of pair_sets(m, k) is T + (P moved onto the top m features) of
pair_sets(M, K), T the first K - k pairs touching a low feature; P is the
last k outputs. Checked by brute force on the tasks and on networks (the
indicator recipe's network for the big member, restricted, computes the
small member; the wrong outputs or the unmoved features do not)."""

import pytest

from superpos_formal.bounds.restriction import (check_restriction, family_subject,
                                                member_map, restrict_network, restriction_of)
from superpos_formal.constructions.family_indicator import indicator_code, indicator_member
from superpos_formal.tasks import pair_set_family
from superpos_formal.verify import verify


def _r(m, k, M, K):
    return restriction_of(family_subject(pair_set_family(m, k)),
                          family_subject(pair_set_family(M, K)))


@pytest.mark.parametrize("m,k,M,K", [(3, 3, 5, 10), (4, 3, 5, 7), (3, 1, 4, 4), (3, 2, 5, 9),
                                     (4, 1, 5, 5)])
def test_head_rule_by_brute_force(m, k, M, K):
    r = _r(m, k, M, K)
    assert r is not None and r.features == tuple(range(M - m, M))
    assert r.outputs == tuple(range(K - k, K))
    big_ids = {t.id for t in pair_set_family(M, K).members()}
    for t in pair_set_family(m, k).members():
        big_t = member_map(r, t)
        assert big_t.id in big_ids
        assert check_restriction(t, big_t, r.features, r.outputs) == []


def test_tail_rule_is_kept_where_it_applies():
    r = _r(4, 2, 5, 3)  # a committed claim states this one
    assert r.features == (0, 1, 2, 3) and r.outputs == (0, 1)


def test_too_many_added_pairs_is_no_restriction():
    assert _r(4, 1, 5, 6) is None  # only 4 pairs touch feature 0
    assert _r(5, 2, 5, 3) is None


def test_restricted_networks_compute_the_small_members():
    r = _r(3, 2, 5, 9)
    code = indicator_code(pair_set_family(5, 9))
    wrong_out = wrong_feat = 0
    for t in pair_set_family(3, 2).members():
        big = indicator_member(code, member_map(r, t))
        assert verify(restrict_network(big, r.features, r.outputs), t).ok
        wrong_out += not verify(restrict_network(big, r.features, (0, 1)), t).ok
        wrong_feat += not verify(restrict_network(big, (0, 1, 2), r.outputs), t).ok
    assert wrong_out > 0 and wrong_feat > 0
