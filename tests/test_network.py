"""Network construction, exact evaluation and counts.

Expected values are derived by hand (see the docstrings in conftest.py) or by
a naive re-implementation written here with plain loops, independent of
network.py.
"""

import pytest
from conftest import (naive_eval, and2_step, networks, superposed_identity_L0, superposed_perm,
                      uand3_relu, xor_two_layers)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superpos_formal.domain import domain
from superpos_formal.errors import InputError
from superpos_formal.network import Network, bits_for_bound
from superpos_formal.verify import evaluate_all_numpy


def test_and2_step_outputs():
    net = and2_step()
    assert [net.evaluate(x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]] == \
        [(0,), (0,), (0,), (1,)]


def test_uand3_relu_forward_by_hand():
    net = uand3_relu()
    # x = 110: pre-activations (1+1-1, 1+0-1, 1+0-1) = (1, 0, 0)
    a0, hidden, z, rz = net.forward((1, 1, 0))
    assert a0 == [1, 1, 0] and hidden == [[1, 0, 0]] and z == [1, 0, 0] and rz == [1, 0, 0]
    # x = 001: (0+0-1, 0+1-1, 0+1-1) = (-1, 0, 0) -> relu (0, 0, 0)
    assert net.forward((0, 0, 1))[1] == [[0, 0, 0]]


def test_superposed_perm_forward_by_hand():
    net = superposed_perm()
    # x2 has code (1, 1); R z = (1+1, 2-2, -2+2) = (2, 0, 0); theta 2
    a0, hidden, z, rz = net.forward((0, 0, 1))
    assert (a0, hidden, z, rz) == ([1, 1], [[1, 1]], [1, 1], [2, 0, 0])
    assert net.evaluate((0, 0, 1)) == (1, 0, 0)
    assert net.evaluate((1, 0, 0)) == (0, 1, 0)
    assert net.evaluate((0, 1, 0)) == (0, 0, 1)
    assert net.evaluate((0, 0, 0)) == (0, 0, 0)


def test_superposed_L0_is_identity():
    net = superposed_identity_L0()
    assert net.depth == 0 and net.V is None
    assert [net.evaluate(x) for x in domain(3, 1)] == list(domain(3, 1))


def test_xor_two_layers_by_hand():
    net = xor_two_layers()
    assert net.widths == (2, 1)
    assert [net.evaluate(x)[0] for x in domain(2, 2)] == [0, 1, 1, 0]
    # x = 11: layer 1 (OR, AND) = (1, 1), layer 2 step(1 - 1) = 0
    assert net.forward((1, 1))[1] == [[1, 1], [0]]


def test_counts_by_hand():
    # uand3: W has 6 nonzeros, b 3, V 3, c none -> 12 nonzero; dense 9+3+9+3 = 24;
    # bits: B = 1 -> 2 bits each -> 24; codes E = I_3, R = I_3 -> 6 nonzeros
    assert uand3_relu().counts() == {"hidden_neurons": 3, "layers": 1, "params_dense": 24,
                                     "params_nonzero": 12, "bits": 24, "code_nonzeros": 6}
    # xor: W1 4 + b1 1 (0, -1) + W2 2 + b2 0 + V 1 + c 0 = 8 nonzero;
    # dense 4+2+2+1+1+1 = 11; codes E = I_2, R = I_1 -> 3
    c = xor_two_layers().counts()
    assert (c["hidden_neurons"], c["params_dense"], c["params_nonzero"], c["bits"],
            c["code_nonzeros"]) == (3, 11, 8, 16, 3)
    # superposed L = 0: no parameters at all; code nonzeros E 4 + R 6
    c = superposed_identity_L0().counts()
    assert (c["hidden_neurons"], c["params_dense"], c["params_nonzero"], c["bits"],
            c["code_nonzeros"]) == (0, 0, 0, 0, 10)


def test_bits_use_each_alphabet():
    # weights in [-2, 2] -> ceil(log2 5) = 3 bits; biases in [-4, 4] -> ceil(log2 9) = 4
    net = Network.explicit(2, 1, "step", [([[2, 0]], [-4])], [[1]], [0], B=2, B_bias=4)
    # nonzero: weights 2 and V's 1 (2 x 3 bits), bias -4 (4 bits)
    assert net.counts()["bits"] == 2 * 3 + 4


@pytest.mark.parametrize("B,bits", [(0, 0), (1, 2), (2, 3), (3, 3), (4, 4), (7, 4), (8, 5),
                                    (15, 5), (16, 6)])
def test_bits_for_bound_hand(B, bits):
    assert bits_for_bound(B) == bits


@pytest.mark.parametrize("kwargs,field", [
    (dict(mode="explicit", E=[[1, 0], [0, 2]]), "E"),
    (dict(R=[[2]]), "R"),
    (dict(activation="tanh"), "activation"),
    (dict(mode="dense"), "mode"),
    (dict(layers=(([[2, 1]], [-1]),)), r"layers\[0\]\.W\[0\]\[0\]"),
    (dict(layers=(([[1, 1]], [-2]),)), r"layers\[0\]\.b\[0\]\[0\]"),
    (dict(layers=(([[1, 1, 1]], [-1]),)), r"layers\[0\]\.W\[0\]"),
    (dict(layers=(([[1, 1]], [-1, 0]),)), r"layers\[0\]\.b"),
    (dict(layers=(([[1, 1.5]], [-1]),)), r"layers\[0\]\.W\[0\]\[1\]"),
    (dict(V=None), "V"),
    (dict(V=[[2]]), "V"),
    (dict(c=[0, 0]), "c"),
    (dict(theta=None), "theta"),
    (dict(theta=1.5), "theta"),
    (dict(B=-1), "B"),
])
def test_validation_names_the_field(kwargs, field):
    base = dict(mode="explicit", activation="step", E=[[1, 0], [0, 1]],
                layers=(([[1, 1]], [-1]),), V=[[1]], c=[0], R=[[1]], theta=1, B=1)
    base.update(kwargs)
    with pytest.raises(InputError, match=f"^{field}"):
        Network(**base)


def test_superposed_validation():
    with pytest.raises(InputError, match="^layers: superposed mode needs every layer"):
        Network.superposed([[1, 0], [0, 1]], [[1, 0]], "relu", [([[1, 0]], [0])],
                           [[1], [1]], [0, 0], B=1)
    with pytest.raises(InputError, match=r"^E\[0\]\[1\]: 3 is outside"):
        Network.superposed([[1, 3]], [[1]], "relu", [], None, None, B=1, B_code=2)
    with pytest.raises(InputError, match="^V: a network with no hidden layer"):
        Network.superposed([[1, 1]], [[1]], "relu", [], [[1]], [0], B=1)


def test_input_length_checked():
    with pytest.raises(InputError, match="3 features"):
        and2_step().evaluate((1, 0, 0))


# ---------------------------------------------------------------- property

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.integers(0, 4))
def test_evaluate_agrees_with_naive_and_numpy(net, s):
    X = domain(net.m, s)
    got = [net.evaluate(x) for x in X]
    assert got == [naive_eval(net, x) for x in X]
    assert [tuple(int(v) for v in row) for row in evaluate_all_numpy(net, s, X)] == got


def test_numpy_refuses_possible_overflow():
    big = 2 ** 31
    net = Network.explicit(1, 1, "relu", [([[big]], [0]), ([[big]], [0])], [[big]], [0], B=big)
    with pytest.raises(OverflowError):
        evaluate_all_numpy(net, 1, domain(1, 1))
    # the exact evaluator is fine: 2**93 for x = 1
    assert net.forward((1,))[2] == [2 ** 93]
