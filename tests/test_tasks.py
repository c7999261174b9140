"""Tasks and families against truth tables and sizes worked out by hand.

Domain order for m = 3, s = 2: 000, 100, 010, 001, 110, 101, 011.
"""

from math import comb, factorial

import pytest

from superpos_formal import tasks as T
from superpos_formal.errors import InputError


def col(task, j):
    return [y[j] for y in task.outputs]


def test_and_pairs_truth_table():
    t = T.and_pairs(3, [(0, 1), (1, 2)], s=2)
    assert (t.m, t.m_out, t.s) == (3, 2, 2)
    assert col(t, 0) == [0, 0, 0, 0, 1, 0, 0]  # x0 & x1: only 110
    assert col(t, 1) == [0, 0, 0, 0, 0, 0, 1]  # x1 & x2: only 011


def test_or_and_xor_truth_tables():
    assert col(T.or_pairs(3, [(0, 2)]), 0) == [0, 1, 0, 1, 1, 1, 1]
    assert col(T.xor_pairs(3, [(0, 1)]), 0) == [0, 1, 1, 0, 0, 1, 1]
    assert col(T.xor_pairs(2, [(0, 1)], s=2), 0) == [0, 1, 1, 0]  # 00 10 01 11


def test_permutation_truth_table():
    # y0 = x2, y1 = x0, y2 = x1
    t = T.permutation(3, [2, 0, 1], s=1)
    assert t.outputs == ((0, 0, 0), (0, 1, 0), (0, 0, 1), (1, 0, 0))
    assert t((0, 0, 1)) == (1, 0, 0)


def test_uand_and_identity():
    u = T.uand(3)
    assert u.kind == "and_pairs" and dict(u.params)["pairs"] == [[0, 1], [0, 2], [1, 2]]
    assert u.outputs[4:] == ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    assert all(y == (0, 0, 0) for y in u.outputs[:4])
    i = T.identity(2, s=2)
    assert i.outputs == ((0, 0), (1, 0), (0, 1), (1, 1))


def test_table_and_id_depend_on_truth_table_only():
    t = T.table(3, 2, outputs=[[0], [0], [0], [0], [1], [0], [0]])
    assert t.id == T.and_pairs(3, [(0, 1)]).id
    assert t.id != T.and_pairs(3, [(0, 2)]).id
    f = T.table(2, 2, fn=lambda x: [x[0] ^ x[1]])
    assert f.outputs == ((0,), (1,), (1,), (0,))


@pytest.mark.parametrize("call,field", [
    (lambda: T.and_pairs(3, [(0, 3)]), "pairs"),
    (lambda: T.and_pairs(3, [(1, 0)]), "pairs"),
    (lambda: T.and_pairs(3, [(0, 1), (0, 1)]), "pairs"),
    (lambda: T.and_pairs(3, []), "pairs"),
    (lambda: T.and_pairs(3, [1, 2]), "pairs"),
    (lambda: T.and_pairs(3, [(0, 1, 2)]), "pairs"),
    (lambda: T.permutation(3, [0, 0, 1]), "pi"),
    (lambda: T.permutation(3, ["a", 1, 2]), "pi"),
    (lambda: T.permutation(3, [0.0, 1.0, 2.0]), "pi"),
    (lambda: T.uand(1), "m"),
    (lambda: T.table(2, 1, outputs=[[0], [1]]), "outputs"),
    (lambda: T.table(2, 1, outputs=[[0], [1], [2]]), "outputs"),
    (lambda: T.table(2, 1, outputs=[0, 1, 1]), "outputs"),
    (lambda: T.table(2, 1, outputs=[[0], [1, 0], [1]]), "outputs"),
    (lambda: T.table(2, 1), "table"),
])
def test_task_errors_name_the_field(call, field):
    with pytest.raises(InputError, match=f"^{field}"):
        call()


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_permutation_family_size_and_members(m):
    fam = T.permutation_family(m)
    assert fam.size == factorial(m)
    members = list(fam)
    assert len(members) == factorial(m)
    assert len({t.id for t in members}) == factorial(m)
    assert not fam.is_sample


@pytest.mark.parametrize("m,k", [(3, 1), (4, 2), (4, 6), (5, 3)])
def test_pair_set_family_size(m, k):
    fam = T.pair_set_family(m, k)
    assert fam.size == comb(comb(m, 2), k)
    members = list(fam)
    assert len(members) == fam.size
    assert len({t.id for t in members}) == fam.size
    assert all((t.m, t.m_out, t.s) == (m, k, 2) for t in members)


def test_pair_set_family_hand_sizes_and_op():
    assert T.pair_set_family(4, 2).size == 15   # C(6, 2)
    assert T.pair_set_family(5, 3).size == 120  # C(10, 3)
    assert {t.kind for t in T.pair_set_family(3, 2, op="xor")} == {"xor_pairs"}


@pytest.mark.parametrize("call,field", [
    (lambda: T.pair_set_family(3, 4), "m_out"),
    (lambda: T.pair_set_family(3, 0), "m_out"),
    (lambda: T.pair_set_family(3, 1, op="nand"), "op"),
    (lambda: T.pair_set_family(3, 1, op=["and"]), "op"),
    (lambda: T.explicit_family([]), "members"),
    (lambda: T.explicit_family([T.identity(2), T.identity(3)]), "members"),
    (lambda: T.sample_family(T.permutation_family(3), 0, 1), "k"),
])
def test_family_errors(call, field):
    with pytest.raises(InputError, match=f"^{field}"):
        call()


def test_sample_family_labelled_and_reproducible():
    full = T.pair_set_family(5, 2)  # 45 members
    a = T.sample_family(full, 7, seed=3)
    b = T.sample_family(full, 7, seed=3)
    assert a.is_sample and "sample" in a.name and "seed=3" in a.name
    sp = dict(a.sample)
    assert sp["k"] == 7 and sp["seed"] == 3 and sp["size_of"] == 45
    assert sp["of"] == full.to_dict()
    ids = [t.id for t in a]
    assert ids == [t.id for t in b]
    assert len(set(ids)) == 7 and a.size == 7
    full_ids = [t.id for t in full]
    assert set(ids) <= set(full_ids)
    # members keep the family order
    assert sorted(ids, key=full_ids.index) == ids
    # ten different seeds cannot all pick the same 7 of 45 unless seeding is ignored
    assert len({tuple(t.id for t in T.sample_family(full, 7, seed=s)) for s in range(10)}) > 1


def test_sample_of_whole_family_is_everything():
    full = T.permutation_family(3)
    s = T.sample_family(full, 100, seed=0)
    assert s.is_sample and s.size == 6
    assert [t.id for t in s] == [t.id for t in full]
