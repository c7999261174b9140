"""Exhaustive verification: hand-built correct networks pass, and broken
copies report exactly the counterexamples derived by hand.

Domain order for m = 3, s = 2: 000, 100, 010, 001, 110, 101, 011.
"""

import pytest
from conftest import (SUP_E, and2_step, superposed_identity_L0, superposed_perm,
                      uand3_relu, xor_two_layers)

from superpos_formal import tasks as T
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.verify import Counterexample, evaluate_all, verify


@pytest.mark.parametrize("net,task,checked", [
    (and2_step, lambda: T.and_pairs(2, [(0, 1)], s=2), 4),
    (uand3_relu, lambda: T.uand(3, s=2), 7),
    (superposed_perm, lambda: T.permutation(3, [2, 0, 1], s=1), 4),
    (superposed_identity_L0, lambda: T.identity(3, s=1), 4),
    (xor_two_layers, lambda: T.xor_pairs(2, [(0, 1)], s=2), 4),
])
def test_hand_built_networks_pass(net, task, checked):
    r = verify(net(), task())
    assert r.ok and bool(r)
    assert (r.errors, r.checked, r.counterexamples) == (0, checked, ())


def test_and_with_bias_zero_is_or():
    """Bias 0 instead of -1: h = step(x0 + x1) is OR, wrong on 10 and 01."""
    bad = Network.explicit(2, 1, "step", [([[1, 1]], [0])], [[1]], [0], B=1)
    r = verify(bad, T.and_pairs(2, [(0, 1)], s=2))
    assert not r.ok and not bool(r)
    assert r.counterexamples == (Counterexample((1, 0), 0, 0, 1),
                                 Counterexample((0, 1), 0, 0, 1))


def test_uand_with_one_bias_dropped():
    """Third unit relu(x1 + x2) (bias 0): it is >= 1 whenever x1 or x2 is on,
    so y2 = 1 on 010, 001, 110, 101 (all should be 0); on 011 it is right."""
    good = uand3_relu()
    W, _ = good.layers[0]
    bad = Network.explicit(3, 3, "relu", [(W, [-1, -1, 0])], good.V, good.c, B=1)
    r = verify(bad, T.uand(3))
    want = ((0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1))
    assert r.counterexamples == tuple(Counterexample(x, 2, 0, 1) for x in want)
    assert r.errors == 4 and r.checked == 7
    assert verify(bad, T.uand(3), tolerance=4).ok
    assert not verify(bad, T.uand(3), tolerance=3).ok


def test_superposed_perm_with_readout_rows_swapped():
    """Rows 1 and 2 of R swapped: y1 now fires on x1 and y2 on x0."""
    bad = Network.superposed(SUP_E, [[1, 1], [-2, 2], [2, -2]], "relu",
                             [([[1, 0], [0, 1]], [0, 0])], [[1, 0], [0, 1]], [0, 0],
                             B=1, B_code=2, theta=2)
    r = verify(bad, T.permutation(3, [2, 0, 1], s=1))
    assert r.counterexamples == (
        Counterexample((1, 0, 0), 1, 1, 0), Counterexample((1, 0, 0), 2, 0, 1),
        Counterexample((0, 1, 0), 1, 0, 1), Counterexample((0, 1, 0), 2, 1, 0),
    )


def test_xor_second_layer_broken():
    """Layer 2 weights (1, 1): step(OR + AND) = OR, wrong only on 11."""
    bad = Network.explicit(2, 1, "step", [([[1, 1], [1, 1]], [0, -1]), ([[1, 1]], [0])],
                           [[1]], [0], B=1)
    r = verify(bad, T.xor_pairs(2, [(0, 1)], s=2))
    assert r.counterexamples == (Counterexample((1, 1), 0, 0, 1),)


def test_theta_matters():
    """The L = 0 identity needs theta = 2: with theta = 1 row (1, 1) fires on
    x0 and x1 too (value 1), so y2 is wrong there."""
    net = superposed_identity_L0()
    lowered = Network.superposed(net.E, net.R, "relu", [], None, None, B=1, B_code=2, theta=1)
    r = verify(lowered, T.identity(3, s=1))
    assert r.counterexamples == (Counterexample((1, 0, 0), 2, 0, 1),
                                 Counterexample((0, 1, 0), 2, 0, 1))


def test_explicit_inputs_and_evaluate_all():
    net = and2_step()
    task = T.and_pairs(2, [(0, 1)], s=2)
    r = verify(net, task, inputs=[(1, 1)])
    assert r.ok and r.checked == 1
    assert evaluate_all(net, [(1, 1), (0, 0)]) == [(1,), (0,)]


def test_incompatible_shapes_and_tolerance():
    with pytest.raises(InputError, match="^m: the network takes 2"):
        verify(and2_step(), T.and_pairs(3, [(0, 1)]))
    with pytest.raises(InputError, match="^m_out: the network has 1 outputs, the task has 2"):
        verify(and2_step(), T.identity(2, s=2))
    with pytest.raises(InputError, match="^tolerance"):
        verify(and2_step(), T.and_pairs(2, [(0, 1)]), tolerance=-1)
