"""Symmetry breaks tested against the clauses actually emitted.

For random admissible networks (and random family solutions) of every mode:

* the canonical form (encode/canonical.py) computes the same function with
  the same bounds, and its parameter assignment satisfies every clause the
  encoder labelled as a symmetry break *and* the whole formula (so the break
  removed no function: the soundness argument, checked);
* the break clauses accept a network exactly when an independent Python
  statement of the orders (``_orders_hold`` below, written from the
  arguments in encode/sat.py, not from the clauses) holds: the clauses are
  neither stronger nor weaker than argued.

CI runs a few dozen examples per mode; ``benchmarks/soak_canonical.py`` runs
thousands (``SUPERPOS_CANONICAL_EXAMPLES``).
"""

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from symmetry_check import (check_full, check_sb,
                            primary_assignment, sb_clauses)
from superpos_formal.encode.canonical import (canonicalise, canonicalise_family,
                                              function_of)
from superpos_formal.encode.sat import encode_family_sat, encode_sat
from superpos_formal.encode.symmetry import family_symmetry_of
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.shape import Shape
from superpos_formal.tasks import pair_set_family, permutation_family, table, uand

N_EX = int(os.environ.get("SUPERPOS_CANONICAL_EXAMPLES", "0")) or None


def _settings(ci):
    return settings(max_examples=N_EX or ci, deadline=None, derandomize=N_EX is None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


# ------------------------------------------------------------ the orders, stated


def _nonincreasing(vecs):
    return all(list(a) >= list(b) for a, b in zip(vecs, vecs[1:]))


def _ge_neg(vec):
    return list(vec) >= [-v for v in vec]


def _orders_hold(nets, breaks):
    """Do ``nets`` (one per member, shared codes) satisfy the named orders?"""
    net = nets[0]
    E, R, n = net.E, net.R, len(net.E)
    ok = True
    if "hidden-neuron-lex" in breaks:
        for nt in nets:
            for W, b in nt.layers:
                ok &= _nonincreasing([list(W[k]) + [b[k]] for k in range(len(W))])
    if "feature-double-lex" in breaks:
        W = net.layers[0][0]
        ok &= _nonincreasing([[W[k][i] for k in range(len(W))] for i in range(len(W[0]))])
    if "code-sign" in breaks or "code-coordinate-lex" in breaks:
        if net.depth == 0:
            rows = [list(E[r]) + [R[j][r] for j in range(len(R))] for r in range(n)]
            ok &= all(_ge_neg(r) for r in rows) and _nonincreasing(rows)
        else:
            cols = [[R[j][r] for j in range(len(R))] for r in range(n)]
            ok &= all(_ge_neg(r) for r in E) and _nonincreasing(list(E))
            ok &= all(_ge_neg(c) for c in cols) and _nonincreasing(cols)
    if "family-features" in breaks:
        ok &= _nonincreasing([[E[r][i] for r in range(n)] for i in range(len(E[0]))])
    if "family-outputs" in breaks:
        ok &= _nonincreasing(list(R))
    return ok


# ------------------------------------------------------------ random networks

M, M_OUT, S = 3, 2, 2

MODES = {
    # name: (mode, activation, L, codes, n, largest bound drawn); the bound
    # is 1 where a larger one makes the formula slow to build in CI
    "explicit-relu-L1": ("explicit", "relu", 1, None, 3, 2),
    "explicit-step-L1": ("explicit", "step", 1, None, 3, 2),
    "explicit-relu-L2": ("explicit", "relu", 2, None, 2, 2),
    "explicit-step-L2": ("explicit", "step", 2, None, 2, 2),
    "given-relu-L1": ("superposed", "relu", 1, "given", 2, 2),
    "given-step-L2": ("superposed", "step", 2, "given", 2, 2),
    "free-relu-L0": ("superposed", "relu", 0, "free", 3, 2),
    "free-relu-L1": ("superposed", "relu", 1, "free", 2, 1),
    "free-step-L1": ("superposed", "step", 1, "free", 2, 2),
    "free-relu-L2": ("superposed", "relu", 2, "free", 2, 1),
    "free-step-L2": ("superposed", "step", 2, "free", 2, 1),
}


@st.composite
def admissible(draw, mode_name):
    """A random network of the mode, its shape, and the task it computes."""
    mode, act, L, codes, n, top = MODES[mode_name]
    B = draw(st.integers(1, top))
    Bc = draw(st.integers(1, top))
    theta = draw(st.integers(1, 2))
    ints = lambda b: st.integers(-b, b)
    mat = lambda r, c, b: [[draw(ints(b)) for _ in range(c)] for _ in range(r)]
    if mode == "explicit":
        E = [[int(i == j) for j in range(M)] for i in range(M)]
        R = [[int(i == j) for j in range(M_OUT)] for i in range(M_OUT)]
        d_out = M_OUT
    else:
        # small entries make ties (equal rows) frequent: the hard case
        E, R, d_out = mat(n, M, Bc), mat(M_OUT, n, Bc), n
    layers, prev = [], len(E)
    for _ in range(L):
        layers.append((mat(n, prev, B), mat(1, n, B)[0]))
        prev = n
    V = mat(d_out, prev, B) if L else None
    c = mat(1, d_out, B)[0] if L else None
    net = Network(mode, act, E, tuple(layers), V, c, R, theta, B, B, Bc)
    if mode == "explicit":
        shape = Shape("explicit", act, n=n, L=L, B=B, theta=theta)
    elif codes == "given":
        shape = Shape("superposed", act, n=n, L=L, B=B, B_code=Bc, theta=theta,
                      codes="given", E=E, R=R)
    else:
        shape = Shape("superposed", act, n=n, L=L, B=B, B_code=Bc, theta=theta,
                      codes="free")
    task = table(M, S, outputs=function_of(net, S))
    return net, shape, task


def _same_bounds(a, b):
    return (a.B, a.B_bias, a.B_code, a.theta, a.mode, a.activation, a.widths) == \
        (b.B, b.B_bias, b.B_code, b.theta, b.mode, b.activation, b.widths)


@pytest.mark.parametrize("mode_name", sorted(MODES))
def test_canonical_form_satisfies_emitted_breaks(mode_name):
    @_settings(20)
    @given(admissible(mode_name))
    def run(case):
        net, shape, task = case
        enc = encode_sat(task, shape)
        breaks = set(enc.info["breaks"])
        # the orders the mode must have (so a silently dropped break fails here)
        if shape.L >= 1:
            assert "hidden-neuron-lex" in breaks
        if shape.codes == "free":
            assert {"code-sign", "code-coordinate-lex"} <= breaks
        can = canonicalise(net, breaks, task)
        assert function_of(can, S) == task.outputs
        assert _same_bounds(can, net)
        assert _orders_hold([can], breaks)
        assert check_sb(enc, [can]) == []
        assert check_full(enc, [can]) == []
        # the clauses say exactly what the orders say, on the raw network too
        assert (check_sb(enc, [net]) == []) == _orders_hold([net], breaks)

    run()


def test_break_clauses_are_labelled_and_nonempty():
    net_shape = Shape("superposed", "relu", n=2, L=1, B=1, codes="free")
    enc = encode_sat(uand(3), net_shape)
    names = {nm for nm, a, e in enc.sb_ranges}
    assert names == {"hidden-neuron-lex", "code-sign", "code-coordinate-lex"}
    assert all(e > a for _, a, e in enc.sb_ranges)
    # without symmetry breaking nothing is labelled, and the formula is
    # exactly the SB formula minus the labelled clauses (up to the variables
    # the breaks introduce)
    base = encode_sat(uand(3), net_shape, symmetry=False)
    assert base.sb_ranges == []
    assert len(base.clauses) == len(enc.clauses) - len(sb_clauses(enc))


def test_unsorted_network_is_rejected_with_the_break_named():
    # two hidden neurons in increasing order: (0,0,0|0) < (1,1,0|-1)
    net = Network.explicit(3, 1, "step", [([[0, 0, 0], [1, 1, 0]], [0, -1])],
                           [[0, 1]], [0], B=1)
    task = table(3, 2, outputs=function_of(net, 2))
    enc = encode_sat(task, Shape("explicit", "step", n=2, B=1))
    fails = check_sb(enc, [net])
    assert fails and fails[0].startswith("hidden-neuron-lex:")
    assert check_sb(enc, [canonicalise(net, enc.info["breaks"], task)]) == []


def test_code_sign_violation_is_rejected():
    # E's first row starts negative: the sign break must reject it
    net = Network.superposed([[-1, 0, 0], [0, 1, 0]], [[1, 0], [0, 1]], "relu",
                             [([[1, 0], [0, 1]], [0, 0])], [[1, 0], [0, 1]], [0, 0], B=1)
    shape = Shape("superposed", "relu", n=2, L=1, B=1, codes="free")
    task = table(3, 1, outputs=function_of(net, 1))
    enc = encode_sat(task, shape)
    names = {f.split(":")[0] for f in check_sb(enc, [net])}
    assert "code-sign" in names


def test_out_of_bounds_parameter_is_reported():
    net = Network.explicit(2, 1, "step", [([[2, 0]], [0])], [[1]], [0], B=2)
    enc = encode_sat(table(2, 1, outputs=function_of(net, 1)),
                     Shape("explicit", "step", n=1, B=1))
    assert check_sb(enc, [net])[0].startswith("parameters: member 0 W_1[0][0]: 2 is outside")


# ------------------------------------------------------------ solver samples
# Feature-symmetric tasks and families: random networks almost never compute
# one, so sample solutions of the formula *without* breaks instead (a random
# half of a random network's parameters as assumptions, fewer until SAT).


def _sample(enc0, nets_guess, seed):
    rng = random.Random(seed)
    lits = primary_assignment(enc0, nets_guess)
    rng.shuffle(lits)
    k = len(lits) // 2
    with Solver(name="cd15", bootstrap_with=enc0.clauses) as s:
        while not s.solve(assumptions=lits[:k]):
            k //= 2
        return enc0.decode_all(s.get_model())[2]


def _guess(shape, m, m_out, members, seed):
    rng = random.Random(seed)
    n, B, Bc = shape.n, shape.B, shape.B_code
    mat = lambda r, c, b: [[rng.randint(-b, b) for _ in range(c)] for _ in range(r)]
    if shape.mode == "explicit":
        E = [[int(i == j) for j in range(m)] for i in range(m)]
        R = [[int(i == j) for j in range(m_out)] for i in range(m_out)]
    else:
        E, R = mat(n, m, Bc), mat(m_out, n, Bc)
    nets = []
    for _ in range(members):
        layers, prev = [], len(E)
        for _ in range(shape.L):
            layers.append((mat(n, prev, B), mat(1, n, B)[0]))
            prev = n
        d_out = len(R[0])
        nets.append(Network(shape.mode, shape.activation, E, tuple(layers),
                            mat(d_out, prev, B), mat(1, d_out, B)[0], R, shape.theta,
                            B, shape.B_bias, Bc))
    return nets


@pytest.mark.parametrize("act,n,L", [("step", 3, 1), ("relu", 2, 1), ("step", 2, 2)])
def test_feature_double_lex_on_sampled_solutions(act, n, L):
    task = uand(3)
    shape = Shape("explicit", act, n=n, L=L, B=2)
    enc0 = encode_sat(task, shape, symmetry=False)
    enc = encode_sat(task, shape)
    breaks = set(enc.info["breaks"])
    assert "feature-double-lex" in breaks

    @_settings(8)
    @given(st.integers(0, 2**32))
    def run(seed):
        net = _sample(enc0, _guess(shape, 3, 3, 1, seed), seed)[0]
        assert function_of(net, 2) == task.outputs
        can = canonicalise(net, breaks, task)
        assert function_of(can, 2) == task.outputs
        assert _orders_hold([can], breaks)
        assert check_sb(enc, [can]) == []
        assert check_full(enc, [can]) == []

    run()


FAMILIES = {
    "permutations-3": (lambda: permutation_family(3), 2),
    "pair-sets-3-1": (lambda: pair_set_family(3, 1), 2),
}


@pytest.mark.parametrize("fam_name", sorted(FAMILIES))
def test_family_orders_on_sampled_solutions(fam_name):
    make, n = FAMILIES[fam_name]
    fam = make()
    members = list(fam.members())
    fsym = family_symmetry_of(fam)
    shape = Shape("superposed", "relu", n=n, L=1, B=1, B_code=1, codes="free")
    enc0 = encode_family_sat(members, shape, symmetry=False)
    enc = encode_family_sat(members, shape, family_symmetry=fsym)
    breaks = set(enc.info["breaks"])
    assert {"family-features", "code-sign"} <= breaks

    @_settings(5)
    @given(st.integers(0, 2**32))
    def run(seed):
        nets = _sample(enc0, _guess(shape, fam.m, fam.m_out, len(members), seed), seed)
        can = canonicalise_family(nets, members, breaks)
        for net, t in zip(can, members):
            assert function_of(net, fam.s) == t.outputs
            assert _same_bounds(net, nets[0])
        assert _orders_hold(can, breaks)
        assert check_sb(enc, can) == []
        assert check_full(enc, can) == []

    run()


def test_family_canonicalisation_refuses_an_unclosed_member_set():
    fam = permutation_family(3)
    members = list(fam.members())
    shape = Shape("superposed", "relu", n=2, L=1, B=1, B_code=1, codes="free")
    enc0 = encode_family_sat(members[:2], shape, symmetry=False)
    nets = _sample(enc0, _guess(shape, 3, 3, 2, 1), 1)
    # two permutations are not closed under relabelling the features: unless
    # the sorted code happens to serve both again, the map must say so
    try:
        out = canonicalise_family(nets, members[:2], {"family-features"})
    except InputError as e:
        assert "not closed" in str(e)
    else:
        assert [function_of(x, 1) for x in out] == [t.outputs for t in members[:2]]
