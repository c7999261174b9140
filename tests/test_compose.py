"""Composition (constructions/compose.py): every composed network is checked
by the exact verifier over all of X(m, 2); wrong compositions are rejected."""

import json
from pathlib import Path

import pytest

from itertools import product

from superpos_formal.constructions.compose import (_cross, add_features, add_pairs,
                                                   best_composition, block_profiles,
                                                   indicators, join_blocks, separator)
from superpos_formal.domain import domain
from superpos_formal.network import activate
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.schema import network_from_dict
from superpos_formal.tasks import all_pairs, uand
from superpos_formal.verify import verify

PROOFS = Path(__file__).resolve().parent.parent / "proofs/uand-explicit"
STEP5 = PROOFS / "uand-m5-s2-explicit-step-L1-B2-bias2-theta1/n4-sat/network.json"
STEP7 = PROOFS / "uand-m7-s2-explicit-step-L1-B2-bias2-theta1/n5-sat/network.json"
RELU5 = PROOFS / "uand-m5-s2-explicit-relu-L1-B2-bias2-theta1/n3-sat/network.json"


def _load(p):
    return network_from_dict(json.loads(p.read_text()))


@pytest.mark.parametrize("act", ["step", "relu"])
@pytest.mark.parametrize("m", [2, 5, 9])
def test_indicators(act, m):
    net = indicators(m, act, B=2, B_bias=2)
    assert net.widths == (m,) and verify(net, uand(m)).ok


def test_indicators_theta2_and_refusal():
    assert verify(indicators(4, "step", B=2, B_bias=2, theta=2), uand(4)).ok
    with pytest.raises(InputError):
        indicators(4, "step", B=1, B_bias=1, theta=2)


@pytest.mark.parametrize("path", [STEP5, RELU5])
@pytest.mark.parametrize("m", [6, 7])
def test_add_pairs_and_add_features_verify(path, m):
    base = _load(path)
    a = add_pairs(base, m)
    assert a.widths == (base.widths[0] + 5 * (m - 5) + (m - 5) * (m - 6) // 2,)
    assert verify(a, uand(m)).ok
    f = add_features(base, m)
    assert verify(f, uand(m)).ok
    assert f.widths[0] <= base.widths[0] + (m - 5) + 5


def test_separators_are_checked_by_the_verifier():
    """Drop the indicator's weight from one cross output that uses a
    separator: it can no longer tell e_i from e_i + e_7, and verify rejects."""
    base = _load(STEP7)
    good = add_features(base, 8)
    assert verify(good, uand(8)).ok
    seps = [i for i in range(7) if separator(base, i) is not None]
    assert seps, "the m=7 step base has separable features"
    r = all_pairs(8).index([seps[0], 7])
    V = [list(row) for row in good.V]
    u = base.widths[0]  # the new feature's indicator comes right after the base
    assert V[r][u] != 0
    V[r][u] = 0
    bad = Network.explicit(8, len(V), good.activation, list(good.layers), V, good.c,
                           good.B, good.B_bias, good.theta)
    assert not verify(bad, uand(8)).ok


def test_best_composition_is_never_wider_than_indicators():
    base = _load(STEP5)
    net, how = best_composition([("m5", base)], 6, "step", 2, 2)
    assert verify(net, uand(6)).ok and net.widths[0] <= 6
    net, how = best_composition([("m5", base)], 9, "step", 2, 2)
    assert net.widths == (9,) and how == "indicators(m=9)"


def test_bad_bases_refused():
    base = _load(STEP5)
    with pytest.raises(InputError):
        add_pairs(base, 4)  # target below the base
    one_output = Network.explicit(3, 1, "relu", [([[1, 1, 0]], [-1])], [[1]], [0], B=1)
    with pytest.raises(InputError):
        add_pairs(one_output, 4)  # not a uand network


def test_join_blocks():
    from superpos_formal.constructions.compose import join_blocks

    net = join_blocks(indicators(3, "step", B=2, B_bias=2), indicators(2, "step", B=2, B_bias=2))
    assert net.widths == (5,) and verify(net, uand(5)).ok
    # a block whose single features all look like 0 to its hidden layer has
    # no cross readout: refused (None), never a wrong network
    assert join_blocks(_load(STEP5), _load(STEP5)) is None
    with pytest.raises(InputError):
        join_blocks(indicators(3, "step", B=2, B_bias=2), indicators(3, "relu", B=2, B_bias=2))


def test_cli_compose(capsys, tmp_path):
    from superpos_formal.cli import main

    assert main(["compose", "--m", "6..7", "--activation", "relu", "--base", str(RELU5),
                 "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "m=  7  width    6  verified=yes  add_features" in out
    net = network_from_dict({k: v for k, v in json.loads(
        (tmp_path / "uand_m7-explicit-relu-L1-B2-Bb2-t1.json").read_text()).items()
        if k != "meta"})
    assert verify(net, uand(7)).ok
    for argv in (["compose", "--m", "9..3", "--activation", "step"],
                 ["compose", "--m", "6", "--activation", "step", "--theta", "3"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("superpos: error: ")


def test_a_wide_base_is_not_enumerated():
    """(2B+1)^n past MAX_READOUTS: no separator search (it would need
    gigabytes); add_features then gives each old feature an indicator."""
    from superpos_formal.constructions.compose import MAX_READOUTS
    wide = add_pairs(indicators(5, "step", B=2, B_bias=2), 5)  # 5 neurons: searched
    assert 5 ** 5 <= MAX_READOUTS < 5 ** 10
    ten = add_pairs(indicators(3, "step", B=2, B_bias=2), 5)   # 3 + 7 = 10 neurons
    assert ten.widths == (10,) and wide.widths == (5,)
    assert separator(ten, 0) is None
    grown = add_features(ten, 6)
    assert grown.widths == (10 + 1 + 5,) and verify(grown, uand(6)).ok


RELU3 = PROOFS / "uand-m3-s2-explicit-relu-L1-B2-bias2-theta1/n2-sat/network.json"
STEP3 = PROOFS / "uand-m3-s2-explicit-step-L1-B2-bias2-theta1/n2-sat/network.json"
RELU4 = PROOFS / "uand-m4-s2-explicit-relu-L1-B2-bias2-theta1/n3-sat/network.json"


def _hidden_of(net, x):
    (W, b), = net.layers
    return [activate(net.activation, sum(w * v for w, v in zip(row, x)) + bk)
            for row, bk in zip(W, b)]


def _cross_exists(na, nb, i, j):
    """Brute force, independent of the profiles: some ``(l_A, l_B, c)`` in
    the bounds reads ``x_i AND x_j`` (``i`` in block A, ``j`` in block B) on
    every input of ``X(mA + mB, 2)``."""
    ma, B, Bb, th = na.m, na.B, na.B_bias, na.theta
    rows = []
    for x in domain(ma + nb.m, 2):
        rows.append((_hidden_of(na, x[:ma]), _hidden_of(nb, x[ma:]),
                     int(x[i] == 1 and x[ma + j] == 1)))
    for la in product(range(-B, B + 1), repeat=len(na.layers[0][0])):
        fa = [sum(l * h for l, h in zip(la, ha)) for ha, _, _ in rows]
        for lb in product(range(-B, B + 1), repeat=len(nb.layers[0][0])):
            s = [f + sum(l * h for l, h in zip(lb, hb)) for f, (_, hb, _) in zip(fa, rows)]
            for c in range(-Bb, Bb + 1):
                if all((v + c >= th) == bool(t) for v, (_, _, t) in zip(s, rows)):
                    return True
    return False


@pytest.mark.parametrize("pa,pb", [(RELU3, RELU3), (RELU3, RELU4), (STEP3, STEP3)])
def test_cross_readouts_from_undominated_profiles_match_brute_force(pa, pb):
    """Dropping dominated profiles (compose._undominated) never loses a
    cross readout: _cross on the kept profiles says "exists" exactly when
    the brute force over every readout of both hidden layers does."""
    na, nb = _load(pa), _load(pb)
    for i in range(na.m):
        for j in range(nb.m):
            qa, qb = block_profiles(na, i), block_profiles(nb, j)
            got = _cross(qa[0], qa[1], qb[0], qb[1], na.theta, na.B_bias) is not None
            assert got == _cross_exists(na, nb, i, j), (i, j)


def test_join_of_two_relu_blocks_verifies():
    """relu uand(4) minimum (3 neurons) beside relu uand(3) (2 neurons):
    join_blocks either refuses or gives a network the verifier accepts."""
    net = join_blocks(_load(RELU4), _load(RELU3))
    assert net is None or (net.widths == (5,) and verify(net, uand(7)).ok)


BEST = Path(__file__).resolve().parent.parent / "search/midrange/best"


def test_join_of_three_blocks_and_singles_verifies():
    """More than two blocks and one-feature indicator blocks: every network
    join_blocks returns is checked by the verifier here; a block that cannot
    be read beside another makes the whole join None."""
    net = join_blocks(indicators(2, "relu", B=2, B_bias=2), indicators(3, "relu", B=2, B_bias=2),
                      indicators(2, "relu", B=2, B_bias=2), singles=2)
    assert net.widths == (9,) and verify(net, uand(9)).ok
    six = _load(BEST / "uand_m6-explicit-relu-L1-B2-Bb2-t1.json")  # 4 neurons
    net = join_blocks(six, six, singles=1)
    assert net.widths == (9,) and verify(net, uand(13)).ok
    assert join_blocks(six, _load(RELU5)) is None  # uand(5)'s features are not readable
    with pytest.raises(InputError):
        join_blocks(six)  # one block is not a join
    with pytest.raises(InputError):
        join_blocks(six, singles=-1)
