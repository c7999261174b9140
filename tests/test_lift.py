"""The depth lift (``decide(lift=True)``, solve/search.lift_depth).

An ``L - 1`` network followed by the identity layer ``(I, 0)`` computes the
same function (relu leaves its own non-negative outputs alone; step leaves
its own 0/1 outputs alone): checked here on random networks with the
test-side evaluator ``naive_eval`` (shares no code with network.py), and
the answers of ``decide`` against hand facts.
"""

import itertools

import pytest
from hypothesis import given, settings

from conftest import SUP_E, SUP_R_PERM, naive_eval, networks
from superpos_formal.errors import InputError
from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide, lift_depth, liftable
from superpos_formal.tasks import and_pairs, permutation, uand, xor_pairs
from superpos_formal.verify import verify
from superpos_formal.options import SolveOptions


@settings(max_examples=150, deadline=None)
@given(networks(max_depth=3))
def test_lifted_network_computes_the_same_function(net):
    if net.depth == 0 or net.B < 1:
        return  # nothing to lift onto / no room for the identity's weight 1
    if len({len(W) for W, _ in net.layers}) != 1:
        return  # the lift needs one hidden width (every shape has one)
    deep = lift_depth(net)
    assert deep.depth == net.depth + 1
    W, b = deep.layers[-1]
    n = len(W)
    assert [list(r) for r in W] == [[int(i == j) for j in range(n)] for i in range(n)]
    assert list(b) == [0] * n
    assert (deep.B, deep.B_bias, deep.B_code) == (net.B, net.B_bias, net.B_code)
    for x in itertools.product((0, 1), repeat=net.m):
        assert naive_eval(deep, x) == naive_eval(net, x)


def test_liftable_needs_two_layers_and_room_for_weight_one():
    assert liftable(Shape("explicit", "relu", n=2, L=2, B=1))
    assert not liftable(Shape("explicit", "relu", n=2, L=1, B=1))
    assert not liftable(Shape("explicit", "relu", n=2, L=2, B=0))


def test_sat_two_layer_question_is_answered_by_the_lift():
    # uand(3), relu, B = 2 is SAT at n = 2 with one layer (test_portfolio's
    # hand fact), so its 2-layer question is SAT through the lift
    task, shape = uand(3), Shape("explicit", "relu", n=2, L=2, B=2)
    cell = decide(task, shape, SolveOptions(time_limit=60))
    assert cell.status == "SAT" and cell.info["lifted_from_L"] == 1
    assert cell.network.depth == 2 and verify(cell.network, task).ok
    plain = decide(task, shape, SolveOptions(time_limit=60, lift=False))
    assert plain.status == "SAT" and "lifted_from_L" not in plain.info


def test_superposed_given_codes_lift_with_the_codes_kept():
    # conftest.superposed_perm: one relu layer computes permutation(3,
    # [2, 0, 1]) with these codes, B = 1, B_code = 2, theta = 2
    task = permutation(3, [2, 0, 1], s=1)
    shape = Shape("superposed", "relu", n=2, L=2, B=1, B_code=2, theta=2, codes="given",
                  E=SUP_E, R=SUP_R_PERM)
    cell = decide(task, shape, SolveOptions(time_limit=60))
    assert cell.status == "SAT" and cell.info["lifted_from_L"] == 1
    net = cell.network
    assert net.depth == 2 and verify(net, task).ok
    assert [list(r) for r in net.E] == SUP_E and [list(r) for r in net.R] == SUP_R_PERM


def test_three_layers_are_refused_before_any_lift():
    # the encoder poses L <= 2; a lift from L = 2 must not answer L = 3
    with pytest.raises(InputError, match="L <= 2"):
        decide(and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, L=3, B=1))


def test_unsat_after_a_failed_lift_keeps_its_checked_proof_of_the_asked_formula():
    # XOR at width 1 is UNSAT at any depth (test_smt: the output is a
    # function of one threshold bit); the 1-layer attempt fails, the 2-layer
    # formula is solved and its own proof checked
    task, shape = xor_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, L=2, B=1)
    cell = decide(task, shape, SolveOptions(time_limit=60), checker=check_unsat)
    assert cell.status == "UNSAT" and cell.certified
    assert "lift_seconds" in cell.info
    # the checked formula is the 2-layer one: it has the second layer's
    # variables, which the 1-layer formula of the same question lacks
    one = decide(task, Shape("explicit", "step", n=1, L=1, B=1), SolveOptions(time_limit=60), checker=check_unsat)
    assert one.status == "UNSAT"
    assert cell.info["vars"] > one.info["vars"]


@pytest.mark.parametrize("kw", [{"inputs": [(0, 0, 0), (1, 1, 0)]}, {"max_nonzero": 50},
                                {"lift": False}, {"cnf_path": True}])
def test_no_lift_where_it_is_off_or_could_change_the_question(kw, tmp_path):
    task, shape = uand(3), Shape("explicit", "relu", n=2, L=2, B=2)
    if "cnf_path" in kw:
        kw = {"cnf_path": str(tmp_path / "f.cnf")}
    rest, opts = SolveOptions.split(kw)
    cell = decide(task, shape, SolveOptions(time_limit=60, **opts), **rest)
    if "cnf_path" in kw:  # the asked (2-layer) formula was written
        assert (tmp_path / "f.cnf").exists()
    assert cell.status == "SAT" and "lifted_from_L" not in cell.info
    assert "lift_seconds" not in cell.info
