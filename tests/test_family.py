"""Tests of the family question (superpos_formal.solve.family).

Expected answers come from a brute force over every shared code and every
member's weights at n = 1 written here (plain loops, own evaluator), or from
hand derivations in the docstrings.
"""

from itertools import combinations, product

import pytest

from conftest import naive_eval
from superpos_formal.domain import domain
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.family import MemberChoice, decide_family, min_neurons_family
from superpos_formal.tasks import (explicit_family, pair_set_family, permutation,
                                   permutation_family)
from superpos_formal.verify import verify
from superpos_formal.options import SolveOptions


def _f(act):
    return (lambda t: t if t > 0 else 0) if act == "relu" else (lambda t: 1 if t > 0 else 0)


def _z_columns(A, act, B):
    """Every column (z(x))_x of a width-1 network: z = v act(w a + b) + c."""
    f = _f(act)
    hs = {tuple(f(w * a + b) for a in A) for w in range(-B, B + 1) for b in range(-B, B + 1)}
    return {tuple(v * h + c for h in H) for H in hs for v in range(-B, B + 1)
            for c in range(-B, B + 1)}


def brute_family_n1(members, act, B=1, Bc=1, theta=1):
    """Codes E (1 x m), R (m' x 1) in [-Bc, Bc] serving every member, each
    with its own weights in [-B, B]. Returns the list of serving codes."""
    t0 = members[0]
    X = list(domain(t0.m, t0.s))
    targets = [[tuple(t(x)[j] for x in X) for j in range(t.m_out)] for t in members]
    serving = []
    for E in product(range(-Bc, Bc + 1), repeat=t0.m):
        A = [sum(e * xi for e, xi in zip(E, x)) for x in X]
        Z = _z_columns(A, act, B)
        for R in product(range(-Bc, Bc + 1), repeat=t0.m_out):
            outs = {tuple(tuple(int(r * z >= theta) for z in col) for r in R) for col in Z}
            if all(tuple(T) in outs for T in targets):
                serving.append((E, R))
    return serving


def _check_sat_cell(cell, family, shape):
    """A SAT answer: shared codes, one network per member, each verified
    (by verify and by our evaluator) against its member."""
    members = list(family.members())
    assert cell.status == "SAT"
    assert len(cell.networks) == len(members)
    E, R = cell.codes
    assert len(E) == shape.n and len(E[0]) == family.m
    assert all(abs(v) <= shape.B_code for r in list(E) + list(R) for v in r)
    for t, net in zip(members, cell.networks):
        assert [list(r) for r in net.E] == [list(r) for r in E]
        assert [list(r) for r in net.R] == [list(r) for r in R]
        assert verify(net, t).ok
        for x in domain(t.m, t.s):
            assert naive_eval(net, x) == t(x)
    ids = {t.id for t in members}
    assert {t.id for t in cell.core} <= ids


def _check_unsat_cell(cell, family):
    members = list(family.members())
    assert cell.status == "UNSAT" and cell.networks is None
    assert cell.core and {t.id for t in cell.core} <= {t.id for t in members}
    assert len({t.id for t in cell.core}) == len(cell.core)


# ---------------------------------------------------------------- n = 1 against brute force

FAMS = [
    ("perm2-relu", permutation_family(2), "relu"),
    ("perm2-step", permutation_family(2), "step"),
    ("perm3-relu", permutation_family(3), "relu"),
    ("perm3-step", permutation_family(3), "step"),
    ("pairs3-relu", pair_set_family(3, 1), "relu"),
    ("pairs3-step", pair_set_family(3, 1), "step"),
    ("or-pairs3-relu", pair_set_family(3, 1, op="or"), "relu"),
]


@pytest.mark.parametrize("name,fam,act", FAMS, ids=[f[0] for f in FAMS])
def test_family_n1_matches_brute_force(name, fam, act):
    shape = Shape("superposed", act, n=1, B=1, B_code=1, codes="free")
    members = list(fam.members())
    serving = brute_family_n1(members, act)
    cell = decide_family(fam, shape)
    if serving:
        _check_sat_cell(cell, fam, shape)
        assert (tuple(cell.codes[0][0]), tuple(r[0] for r in cell.codes[1])) in set(serving)
    else:
        _check_unsat_cell(cell, fam)
        # the core alone is a certificate: no code serves it either
        assert brute_family_n1(cell.core, act) == []


def test_family_n1_hand_answers():
    """The brute force agrees with hand derivations.

    * permutations of 2, relu, n = 1: SAT. E = (1, -1), R = (1, -1); with
      W = 1, b = 1 the hidden value is a + 1 in {0, 1, 2} on a = -1, 0, 1;
      identity: V = 1, c = -1 gives z = a, y = [+-a >= 1] = x; swap: V = -1,
      c = 1 gives z = -a.
    * permutations of 2, step, n = 1: z = v h + c with h in {0, 1} takes
      two values, but identity needs three distinct outputs: UNSAT.
    * permutations of 3, n = 1: y_j = [R_j z >= 1] fires on an up- or
      down-ray of the scalar z, and on e_j alone: z(e_j) must be the unique
      max or min of four values for all three j: UNSAT (identity alone).
    * AND pair sets of 3 features, one pair, n = 1: y is monotone in
      a0 = E x (one unit, affine readout), so the pair's input must be the
      unique max or min of a0 over X(3, 2). Two members share a feature i:
      both maxima is impossible (unique); e_i + e_j max and e_i + e_k min
      give e_j > 0 and e_i > 0 (beating e_i, e_j alone) and e_i < 0
      (below e_k alone): UNSAT for every pair of members.
    """
    assert brute_family_n1(list(permutation_family(2).members()), "relu")
    assert ((1, -1), (1, -1)) in set(
        brute_family_n1(list(permutation_family(2).members()), "relu"))
    assert not brute_family_n1(list(permutation_family(2).members()), "step")
    assert not brute_family_n1([permutation(3, [0, 1, 2])], "relu", B=2)
    members = list(pair_set_family(3, 1).members())
    for a, b in combinations(members, 2):
        assert not brute_family_n1([a, b], "relu")
    for a in members:
        assert brute_family_n1([a], "relu")


def test_pair_family_core_is_two_members():
    """By the derivation above every member alone is SAT and every two are
    UNSAT, so the member loop stops with a core of exactly two."""
    cell = decide_family(pair_set_family(3, 1), Shape("superposed", "relu", n=1,
                                                     codes="free", B=1))
    _check_unsat_cell(cell, pair_set_family(3, 1))
    assert len(cell.core) == 2 and cell.rounds == 2


# ---------------------------------------------------------------- wider

@pytest.mark.parametrize("fam,act", [(permutation_family(3), "relu"),
                                     (pair_set_family(3, 1), "relu"),
                                     (pair_set_family(3, 1), "step"),
                                     (permutation_family(2), "step")],
                         ids=["perm3-relu", "pairs3-relu", "pairs3-step", "perm2-step"])
def test_family_n2_sat_is_verified(fam, act):
    """At n = 2 these families are served (found by the solver; the
    networks are checked member by member here)."""
    shape = Shape("superposed", act, n=2, codes="free", B=1)
    cell = decide_family(fam, shape)
    _check_sat_cell(cell, fam, shape)


def test_symmetry_does_not_change_family_answers():
    for fam, act, n in ((permutation_family(3), "step", 2), (pair_set_family(3, 1), "relu", 2),
                        (permutation_family(3), "relu", 2), (pair_set_family(3, 1), "step", 1)):
        sh = Shape("superposed", act, n=n, codes="free", B=1)
        a = decide_family(fam, sh, SolveOptions(symmetry=True)).status
        b = decide_family(fam, sh, SolveOptions(symmetry=False)).status
        assert a == b


def test_explicit_family_and_start():
    """The same family given as an explicit list, and started from the whole
    family at once (start = size), gives the same answers."""
    fam = explicit_family([permutation(2, [0, 1]), permutation(2, [1, 0])])
    for act, want in (("relu", "SAT"), ("step", "UNSAT")):
        sh = Shape("superposed", act, n=1, codes="free", B=1)
        c1 = decide_family(fam, sh)
        c2 = decide_family(fam, sh, choice=MemberChoice(start=2))
        assert c1.status == c2.status == want
        if want == "SAT":
            _check_sat_cell(c2, fam, sh)
            assert len(c2.core) == 2 and c2.rounds == 1


# ---------------------------------------------------------------- min_neurons_family

@pytest.mark.parametrize("fam,act,expect", [(permutation_family(2), "relu", 1),
                                            (permutation_family(2), "step", 2),
                                            (permutation_family(3), "relu", 2),
                                            (pair_set_family(3, 1), "relu", 2)],
                         ids=["perm2-relu", "perm2-step", "perm3-relu", "pairs3-relu"])
def test_min_neurons_family_table(fam, act, expect):
    """Minima: n = 1 answers are derived in test_family_n1_hand_answers;
    n = 2 is SAT by test_family_n2_sat_is_verified. The table is UNSAT up
    to the minimum, then SAT, and the search stops there."""
    sh = Shape("superposed", act, n=1, codes="free", B=1)
    s = min_neurons_family(fam, sh, n_max=4)
    assert [c.status for c in s.cells] == ["UNSAT"] * (expect - 1) + ["SAT"]
    assert s.minimum == expect
    _check_sat_cell(s.best, fam, Shape("superposed", act, n=expect, codes="free", B=1))


def test_min_neurons_family_from_two_is_not_a_minimum():
    s = min_neurons_family(permutation_family(2), Shape("superposed", "relu", n=1,
                                                        codes="free", B=1), n_min=2, n_max=3)
    assert [c.status for c in s.cells] == ["SAT"]
    assert s.minimum is None and s.note


# ---------------------------------------------------------------- errors, limits

def test_family_input_errors():
    fam = permutation_family(2)
    with pytest.raises(InputError):
        decide_family(fam, Shape("explicit", "relu", n=1, B=1))
    with pytest.raises(InputError):
        decide_family(fam, Shape("superposed", "relu", n=1, codes="given",
                                 E=[[1, -1]], R=[[1], [-1]], B=1))
    with pytest.raises(InputError):
        decide_family(fam, Shape("superposed", "relu", n=1, L=3, codes="free", B=1))


def test_family_time_limit_unknown():
    """A limit of 1 ms cannot even cover the first encoding: UNKNOWN."""
    cell = decide_family(pair_set_family(4, 2), Shape("superposed", "relu", n=3,
                                                     codes="free", B=1), SolveOptions(time_limit=1e-3))
    assert cell.status == "UNKNOWN" and cell.networks is None
