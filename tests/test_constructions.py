"""Constructions (superpos_formal.constructions) and the batch verifier.

Every construction is checked at small m against the tests' own naive
evaluator (conftest.count_errors), not only against the library verifier.
"""

import random

import pytest
from hypothesis import given, settings

from conftest import count_errors, networks
from superpos_formal import tasks as T
from superpos_formal.constructions.baseline import explicit_per_output, superposed_trivial
from superpos_formal.constructions.channels import channel_network, star_layout, star_network
from superpos_formal.constructions.hmvc import condition, feature_subsets, hmvc_network, smallest_width
from superpos_formal.constructions.search import best_channels, best_hmvc, build
from superpos_formal.domain import domain
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.verify import verify, verify_batch


def _tasks():
    yield T.uand(5)
    yield T.and_pairs(6, [[0, 1], [1, 4], [2, 5], [3, 4]])
    yield T.permutation(5, [3, 0, 4, 1, 2])


@pytest.mark.parametrize("task", list(_tasks()), ids=lambda t: t.name)
def test_baselines_by_brute_force(task):
    for net in (explicit_per_output(task), superposed_trivial(task)):
        assert count_errors(net, task) == 0
    assert explicit_per_output(task).widths == (task.m_out,)
    assert superposed_trivial(task).widths == (max(task.m, task.m_out),)


def test_channels_by_brute_force():
    """The generator's result and the rebuilt network are correct under the
    naive evaluator; a much narrower channel network is not."""
    for task in _tasks():
        r = best_channels(task, grid=((2, 3), (2, 4)))
        assert r is not None and r.verified
        assert count_errors(r.network, task) == 0
        again = build("channels", task, r.params)
        assert again.network == r.network
    net = channel_network(T.uand(5), n=6, k_in=2, k_out=3, seed=0)
    assert count_errors(net, T.uand(5)) > 0
    assert not verify_batch(net, T.uand(5)).ok


def test_channel_codes_are_shared_by_family_members():
    """E, R and theta depend on (m, m', n, k_in, k_out, seed) only: two
    members of the permutation family get the same codes."""
    a = channel_network(T.permutation(6, [1, 0, 2, 3, 4, 5]), 9, 2, 3, 7)
    b = channel_network(T.permutation(6, [5, 4, 3, 2, 1, 0]), 9, 2, 3, 7)
    assert (a.E, a.R, a.theta) == (b.E, b.R, b.theta)
    assert a.layers != b.layers
    c = channel_network(T.and_pairs(5, [[0, 1], [2, 3]]), 9, 2, 3, 7)
    d = channel_network(T.and_pairs(5, [[1, 4], [0, 2]]), 9, 2, 3, 7)
    assert (c.E, c.R) == (d.E, d.R)


def test_star_layout_and_network():
    """uand(m) with t = m - 1: one neuron per feature (center c, every other
    feature a leaf), so n = m; by brute force it is exact with k_in = 1."""
    for m in (3, 4, 6):
        task = T.uand(m)
        assert len(star_layout(task, m - 1)) == m
        net = star_network(task, m - 1, 1, 0)
        assert net.widths == (m,) and count_errors(net, task) == 0
    # t = 1: one neuron per (pair, endpoint): n = 2 m'
    assert len(star_layout(T.uand(4), 1)) == 12
    with pytest.raises(InputError):
        star_layout(T.permutation(3, [0, 1, 2]), 2)


def test_hmvc_smallest_width_is_exact():
    """At the width the scan returns the network is correct (naive evaluator)
    and at every smaller width of the same draw it is wrong for every
    threshold in 1..n (so the scan's condition is not too strict)."""
    m, q, seed = 5, (1, 2), 0
    n, theta = smallest_width(m, q, seed)
    task = T.uand(m)
    assert count_errors(hmvc_network(task, n, q, seed, theta), task) == 0
    for k in range(1, n):
        for th in range(1, k + 2):
            assert count_errors(hmvc_network(task, k, q, seed, th), task) > 0
    pairs, triples = condition(m, feature_subsets(m, n, q, seed))
    assert pairs > triples and theta == triples + 1
    assert best_hmvc(task, qs=(q,), seeds=(seed,)).n == n
    with pytest.raises(InputError):
        hmvc_network(T.and_pairs(4, [[0, 1]]), 3, q, 0, 1)


@settings(max_examples=60, deadline=None)
@given(networks())
def test_verify_batch_agrees_with_verify(net):
    """Random networks against random tables: the same verdict and the same
    number of wrong bits."""
    rng = random.Random(net.id)
    s = rng.randint(0, 2)
    X = domain(net.m, s)
    task = T.table(net.m, s, outputs=[[rng.randint(0, 1) for _ in range(net.m_out)] for _ in X])
    a, b = verify(net, task), verify_batch(net, task)
    assert (a.ok, a.errors, a.counterexamples) == (b.ok, b.errors, b.counterexamples)
    good = T.table(net.m, s, outputs=[list(net.evaluate(x)) for x in X])
    assert verify_batch(net, good).ok


def test_verify_batch_python_fallback():
    """Weights too large for the int64 proof: Python integers, same answer."""
    big = 2 ** 70
    net = Network.explicit(2, 1, "relu", [([[big, big]], [-big])], [[1]], [0], B=big)
    task = T.and_pairs(2, [(0, 1)], s=2)
    assert net.value_bound(2) >= 2 ** 61
    assert verify_batch(net, task).ok
    bad = T.table(2, 2, outputs=[[0], [0], [0], [0]])
    assert verify_batch(net, bad).errors == 1
