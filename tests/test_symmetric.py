"""Exact search under an imposed symmetry (solve/symmetric.py).

The answer is an ordinary network checked by the exact verifier; one
perturbed weight makes the verifier reject it; the tying is checked against
the variables the encoder actually emitted (orbit-mates are one variable,
non-mates are not) and against the group action on a decoded network.
"""

import pytest

from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.symmetric import (Ansatz, ansatz_for, encode_symmetric, is_invariant,
                                             neuron_perms, pair_output_perm,
                                             solve_symmetric)
from superpos_formal.tasks import and_pairs, uand
from superpos_formal.verify import verify


def _step(n):
    return Shape("explicit", "step", n=n, B=2, B_bias=2)


@pytest.fixture(scope="module")
def found():
    task = uand(6)
    a = ansatz_for(task, 6, shift=1, cycles=(6,))
    r = solve_symmetric(task, _step(6), a, SolveOptions(time_limit=60))
    assert r.status == "SAT"
    return task, a, r.network


def test_answer_is_verified_and_invariant(found):
    task, a, net = found
    assert verify(net, task).ok
    assert is_invariant(net, a)


def test_one_perturbed_weight_is_rejected(found):
    """Every single-weight change of the output layer that the verifier
    rejects shows the check is exhaustive; at least one must be rejected,
    and the rejected network is no longer invariant."""
    task, a, net = found
    W, b = net.layers[0]
    rejected = 0
    for j in range(len(net.V)):
        for k in range(len(net.V[0])):
            V = [list(r) for r in net.V]
            V[j][k] = V[j][k] - 1 if V[j][k] > -net.B else V[j][k] + 1
            bad = Network.explicit(task.m, task.m_out, net.activation, [(W, b)], V, net.c,
                                   net.B, net.B_bias, net.theta)
            if not verify(bad, task).ok:
                rejected += 1
                assert not is_invariant(bad, a)
    assert rejected > 0
    # a first-layer weight too
    W2 = [list(r) for r in W]
    W2[0][0] = -W2[0][0] if W2[0][0] else net.B
    bad = Network.explicit(task.m, task.m_out, net.activation, [(W2, b)], net.V, net.c,
                           net.B, net.B_bias, net.theta)
    assert not is_invariant(bad, a)


def test_tying_matches_the_group_action_on_emitted_variables():
    task = uand(6)
    a = ansatz_for(task, 4, shift=3, cycles=(2, 2), reflection=False)
    enc = encode_symmetric(task, _step(4), a, all_inputs=True)
    (W, b), V, c = enc._members[0]["layers"][0], enc._members[0]["V"], enc._members[0]["c"]
    var = {}
    for k in range(4):
        for i in range(6):
            var[("W", 0, 0, k, i)] = W[k][i]
        var[("b", 0, 0, k)] = b[k]
    for j in range(task.m_out):
        for k in range(4):
            var[("V", 0, j, k)] = V[j][k]
        var[("c", 0, j)] = c[j]
    for key, v in var.items():
        for g in a.elements:
            assert var[a.image(g, key)] is v  # one variable per orbit
    # and distinct orbits are distinct variables
    reps = {}
    for key, v in var.items():
        reps.setdefault(id(v), set()).add(a.canon(key))
    assert all(len(s) == 1 for s in reps.values())
    assert len(reps) == a.free_parameters
    # the group: sigma = rotation by 3 on 6 features, tau swaps within cycles
    sigma, tau, rho = [g for g in a.elements if g[0] != tuple(range(6))][0]
    assert sigma == (3, 4, 5, 0, 1, 2) and tau == (1, 0, 3, 2)


def test_orbit_inputs_give_the_same_answers_as_all_inputs():
    """The reduction to orbit representatives is sound: a network found with
    the reduced formula satisfies the formula over every input (it verifies),
    and the reduced formula has fewer inputs."""
    task = uand(6)
    a = ansatz_for(task, 6, shift=2, cycles=(3, 3))
    red = encode_symmetric(task, _step(6), a)
    full = encode_symmetric(task, _step(6), a, all_inputs=True)
    assert red.info["inputs"] < full.info["inputs"] == len(task.inputs)
    assert red.info["free_parameters"] < 6 * 6 + 6 + 15 * 6 + 15


def test_no_invariant_network_is_not_unsat():
    task = uand(7)
    a = ansatz_for(task, 5, shift=1, cycles=(1,) * 5)  # neurons fixed by Z7
    r = solve_symmetric(task, _step(5), a, SolveOptions(time_limit=60))
    assert r.status == "NO_INVARIANT" and r.network is None


def test_refusals():
    with pytest.raises(InputError):
        neuron_perms((3,), 4)  # 3 does not divide 4
    with pytest.raises(InputError):
        ansatz_for(uand(6), 5, shift=1, cycles=(6,))  # cycles do not add up to n
    with pytest.raises(InputError):
        pair_output_perm(and_pairs(4, [[0, 1]]), (1, 2, 3, 0))  # not closed
    with pytest.raises(InputError):
        encode_symmetric(uand(6), Shape("explicit", "step", n=4, B=2), ansatz_for(
            uand(6), 6, shift=1, cycles=(6,)))


def test_dihedral_ansatz_answer_verifies():
    task = uand(6)
    a = ansatz_for(task, 6, shift=1, cycles=(6,), reflection=True)
    assert a.order == 12
    r = solve_symmetric(task, _step(6), a, SolveOptions(time_limit=60))
    assert r.status == "SAT" and verify(r.network, task).ok and is_invariant(r.network, a)


def test_partial_rotation_fixes_the_last_features():
    a = ansatz_for(uand(7), 6, shift=1, cycles=(6,), rotate=6)
    sigmas = {g[0] for g in a.elements}
    assert all(s[6] == 6 for s in sigmas) and len(sigmas) == 6


def test_block_diagonal_answer_holds_its_zeros_and_is_verified():
    """Z3 permuting three blocks of two features, two 3-cycles of neurons:
    neuron ``k`` (position ``k % 3`` in its cycle) may read only features
    ``2 (k % 3)`` and ``2 (k % 3) + 1``. The pattern is written out here,
    not taken from the ansatz; the emitted first-layer parameters outside it
    are the constant 0; the answer verifies, a weight moved into the zero
    pattern is not invariant, and some single readout change is rejected."""
    task = uand(6)
    a = ansatz_for(task, 6, shift=2, cycles=(3, 3), blocks=True)
    outside = {(k, i) for k in range(6) for i in range(6) if i // 2 != k % 3}
    enc = encode_symmetric(task, _step(6), a)
    W = enc._members[0]["layers"][0][0]
    for k in range(6):
        for i in range(6):
            assert (list(W[k][i].dom) == [0]) == ((k, i) in outside)
    r = solve_symmetric(task, _step(6), a, SolveOptions(time_limit=60))
    assert r.status == "SAT" and verify(r.network, task).ok and is_invariant(r.network, a)
    (W, b), = r.network.layers
    assert all(W[k][i] == 0 for k, i in outside)
    W2 = [list(row) for row in W]
    W2[0][5] = 1  # neuron 0 reading block 2
    moved = Network.explicit(6, 15, "step", [(W2, b)], r.network.V, r.network.c, 2, 2, 1)
    assert not is_invariant(moved, a)
    rejected = 0
    for j in range(15):
        V = [list(row) for row in r.network.V]
        V[j][j % 6] = V[j][j % 6] - 1 if V[j][j % 6] > -2 else 1
        bad = Network.explicit(6, 15, "step", [(W, b)], V, r.network.c, 2, 2, 1)
        rejected += not verify(bad, task).ok
    assert rejected > 0


def test_block_diagonal_refusals():
    with pytest.raises(InputError):  # shift 4 does not divide 6
        ansatz_for(uand(6), 3, shift=4, cycles=(3,), blocks=True)
    with pytest.raises(InputError):  # a fixed neuron has no block
        ansatz_for(uand(6), 4, shift=2, cycles=(3, 1), blocks=True)
    with pytest.raises(InputError):
        ansatz_for(uand(6), 6, shift=2, cycles=(3, 3), blocks=True, reflection=True)
    with pytest.raises(InputError):  # features 5.. not rotated
        ansatz_for(uand(6), 2, shift=1, cycles=(2,), rotate=2, blocks=True)


def test_binary_sums_answer_verifies():
    task = uand(5)
    a = ansatz_for(task, 5, shift=1, cycles=(5,))
    r = solve_symmetric(task, Shape("explicit", "relu", n=5, B=2, B_bias=2), a,
                        SolveOptions(time_limit=60, sums="binary"))
    assert r.info["sums"] == "binary"
    assert r.status == "SAT" and verify(r.network, task).ok and is_invariant(r.network, a)


def test_a_zero_pattern_that_is_not_a_union_of_orbits_is_refused():
    g = ansatz_for(uand(4), 2, shift=2, cycles=(2,)).generators
    with pytest.raises(InputError, match="union of orbits"):
        Ansatz(4, 2, 6, g, "half an orbit", frozenset({("W", 0, 0, 0, 1)}))
    with pytest.raises(InputError, match="outside"):
        Ansatz(4, 2, 6, g, "no such neuron", frozenset({("W", 0, 0, 5, 1)}))
