"""The theta-1 indicator recipe (constructions/family_indicator.py): members
built by hand from the argument and checked by exhaustive evaluation written
here (not the package's verifier, not the recipe), the certificate refusing
codes the argument does not cover, and a perturbed weight caught."""

from dataclasses import replace
from itertools import combinations

import pytest

from superpos_formal.constructions.family import check_members
from superpos_formal.constructions.family_indicator import (
    certify_indicator, indicator_code, indicator_member)
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.tasks import pair_set_family, permutation, permutation_family
from superpos_formal.verify import verify


def _relu(v):
    return max(v, 0)


def _run(E, W, b, V, c, R, theta, x):
    """One-hidden-layer superposed relu network, evaluated by hand."""
    n = len(E)
    h0 = [sum(E[v][i] * x[i] for i in range(len(x))) for v in range(n)]
    h = [_relu(sum(W[u][v] * h0[v] for v in range(n)) + b[u]) for u in range(n)]
    z = [sum(V[u][v] * h[v] for v in range(n)) + c[u] for u in range(n)]
    return [int(sum(R[p][u] * z[u] for u in range(n)) >= theta) for p in range(len(R))]


def _inputs(m, s):
    out = [tuple(0 for _ in range(m))]
    for k in range(1, s + 1):
        for sup in combinations(range(m), k):
            out.append(tuple(int(i in sup) for i in range(m)))
    return out


def test_permutation_member_by_hand_is_correct_and_is_the_recipes():
    pi = [3, 0, 4, 1, 2]
    m = 5
    eye = [[int(i == j) for j in range(m)] for i in range(m)]
    W = [[int(v == pi[p]) for v in range(m)] for p in range(m)]
    for x in _inputs(m, 1):
        assert _run(eye, W, [0] * m, eye, [0] * m, eye, 1, x) == [x[pi[p]] for p in range(m)]
    net = indicator_member(indicator_code(permutation_family(m)), permutation(m, pi))
    assert [list(r) for r in net.layers[0][0]] == W and list(net.layers[0][1]) == [0] * m
    assert net.E == tuple(map(tuple, eye)) and net.theta == 1 and net.B_bias == 0


def test_pair_set_member_by_hand_is_correct_and_is_the_recipes():
    fam = pair_set_family(4, 3)
    code = indicator_code(fam)
    assert code.n == 4 and certify_indicator(code).ok
    for t in fam.members():
        pairs = [tuple(p) for p in dict(t.params)["pairs"]]
        n = 4
        E = [[int(v == i) for i in range(4)] for v in range(n)]
        W = [[0] * n for _ in range(n)]
        b = [0] * n
        for p, (i, j) in enumerate(pairs):
            W[p][i] = W[p][j] = 1
            b[p] = -1
        R = [[int(u == p) for u in range(n)] for p in range(3)]
        I = [[int(u == v) for v in range(n)] for u in range(n)]
        for x in _inputs(4, 2):
            assert _run(E, W, b, I, [0] * n, R, 1, x) == [x[i] * x[j] for i, j in pairs]
        net = indicator_member(code, t)
        assert [list(r) for r in net.layers[0][0]] == W and list(net.layers[0][1]) == b


def test_every_sampled_member_verifies_and_a_perturbed_weight_fails():
    fam = permutation_family(7)
    code = indicator_code(fam)
    members = [fam.member(i) for i in (0, 17, 4000, 5039)]
    assert all(c.ok for c in check_members(code, members, recipe=indicator_member))
    net = indicator_member(code, members[1])
    W, b = net.layers[0]
    W = [list(r) for r in W]
    W[0] = [0] * len(W[0])  # neuron 0 no longer reads its input
    bad = Network.superposed(net.E, net.R, "relu", [(W, b)], net.V, net.c, B=1, B_bias=0,
                             B_code=1, theta=1)
    assert not verify(bad, members[1]).ok
    checks = check_members(code, [members[1]], [bad], recipe=indicator_member)
    assert not checks[0].ok and "not the recipe's network" in checks[0].reason


@pytest.mark.parametrize("change, why", [
    (dict(theta=2), "theta"),
    (dict(n=8), "n:"),
    (dict(B_bias=-1), "bounds"),
    (dict(activation="step"), "activation"),
])
def test_certificate_refuses_what_the_argument_does_not_cover(change, why):
    code = replace(indicator_code(permutation_family(7)), **change)
    c = certify_indicator(code)
    assert not c.ok and any(why in f for f in c.failures)


def test_certificate_reads_the_codes():
    code = indicator_code(permutation_family(4))
    E = [list(r) for r in code.E]
    E[0], E[1] = E[1], E[0]  # still a permutation matrix, not the identity
    c = certify_indicator(replace(code, E=tuple(map(tuple, E))))
    assert not c.ok and any(f.startswith("E:") for f in c.failures)


def test_pair_sets_need_a_bias():
    with pytest.raises(InputError, match="B_bias >= 1"):
        indicator_code(pair_set_family(4, 2), B_bias=0)
