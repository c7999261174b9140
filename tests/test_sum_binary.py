"""The binary output-sum encoding (``sums="binary"``) and its automatic choice.

Expected values come from Python integer arithmetic over every assignment,
never from the encoder.
"""

import itertools
from dataclasses import replace
import random

import pytest
from pysat.solvers import Solver

from superpos_formal.encode.ints import FALSE, TRUE, WIDE_NODE, Builder, Relu, scaled
from superpos_formal.encode.sat import encode_sat, resolved_sums
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.search import decide
from superpos_formal.tasks import uand
from superpos_formal.options import SolveOptions


def _fix(t, v):
    """Unit literals that make order-encoded ``t`` equal ``v``."""
    lits = [t.ge(v), -t.ge(v + 1)]
    return [l for l in lits if l != TRUE]


def _terms(b, rng, k):
    """``k`` terms over random domains, some of them views."""
    out = []
    for _ in range(k):
        lo = rng.randint(-4, 2)
        dom = sorted(rng.sample(range(lo, lo + 9), rng.randint(2, 5)))
        x = b.int_var(dom)
        kind = rng.randrange(3)
        out.append(x if kind == 0 else scaled(x, rng.choice([-3, -1, 2])) if kind == 1
                   else Relu(x))
    return out


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("wide", [0, 12])
def test_binary_sum_agrees_with_integer_arithmetic(seed, wide):
    """For every assignment of the terms, ``guard OR sum op K`` is satisfiable
    exactly when the integer sum satisfies it (wide=0: everything binary;
    wide=12: a mixed tree and binary)."""
    rng = random.Random(seed)
    for op in (">=", "<="):
        b = Builder()
        terms = _terms(b, rng, rng.randint(2, 4))
        lo = sum(t.lo for t in terms)
        hi = sum(t.hi for t in terms)
        K = rng.randint(lo - 1, hi + 1)
        g = b.new_var()
        b.assert_sum_binary(terms, op, K, guard=g, wide=wide)
        with Solver(name="cadical195", bootstrap_with=b.clauses) as s:
            for vals in itertools.product(*[t.dom for t in terms]):
                fix = [l for t, v in zip(terms, vals) for l in _fix(t, v)]
                if FALSE in fix or any(-l in fix for l in fix):
                    continue  # a view's values are not independent of its variable
                want = sum(vals) >= K if op == ">=" else sum(vals) <= K
                assert s.solve(assumptions=fix + [-g]) == want, (op, K, vals)
                assert s.solve(assumptions=fix + [g])


def test_offset_bits_are_the_binary_digits():
    b = Builder()
    x = b.int_var([-3, -1, 0, 4, 5, 11])
    bits = b.offset_bits(x)
    with Solver(name="cadical195", bootstrap_with=b.clauses) as s:
        for v in x.dom:
            assert s.solve(assumptions=_fix(x, v))
            model = set(s.get_model()) | {TRUE}
            got = sum(1 << i for i, d in enumerate(bits) if d in model)
            assert got == v - x.lo


def test_narrow_sums_give_the_tree_clause_for_clause():
    """No merge wider than WIDE_NODE: the same CNF as the tree, so "auto"
    may record "tree" for it."""
    for shape in (Shape("explicit", "relu", n=2, B=1), Shape("explicit", "step", n=3, B=2),
                  Shape("explicit", "relu", n=2, L=2, B=1)):
        tree = encode_sat(uand(3), shape, sums="tree")
        binary = encode_sat(uand(3), shape, sums="binary")
        auto = encode_sat(uand(3), shape, sums="auto")
        assert binary.clauses == tree.clauses == auto.clauses
        assert auto.info["sums"] == "tree"


def test_wide_sums_go_binary_and_auto_records_it():
    shape = Shape("explicit", "relu", n=3, L=2, B=2)
    task = uand(3)
    tree = encode_sat(task, shape, sums="tree")
    auto = encode_sat(task, shape, sums="auto")
    binary = encode_sat(task, shape, sums="binary")
    assert auto.info["sums"] == "binary"
    assert auto.clauses == binary.clauses
    assert len(binary.clauses) < len(tree.clauses) / 2
    # the recorded value regenerates the same CNF
    again = encode_sat(task, shape, sums=auto.info["sums"])
    assert again.clauses == auto.clauses


def test_resolved_sums_passes_explicit_values_through():
    b = Builder()
    assert resolved_sums("tree", b) == "tree"
    assert resolved_sums("auto", b) == "tree"
    b.binary_sums = 1
    assert resolved_sums("auto", b) == "binary"
    assert resolved_sums("pb", b) == "pb"


def test_unknown_sums_value_is_refused():
    with pytest.raises(InputError, match="sums"):
        encode_sat(uand(2), Shape("explicit", "step", n=1, B=1), sums="log")


@pytest.mark.parametrize("B,n", [(2, 3), (1, 1)])
def test_decide_default_records_the_resolved_encoding_and_agrees(B, n):
    """decide's default ("auto") answers as the tree does and records the
    concrete encoding of the formula it solved in the cell's options (the
    claim's options); a depth-lifted answer solved the ``L - 1`` formula."""
    task, shape = uand(3), Shape("explicit", "relu", n=n, L=2, B=B)
    for lift in (False, True):
        auto = decide(task, shape, SolveOptions(time_limit=120, lift=lift))
        tree = decide(task, shape, SolveOptions(sums="tree", time_limit=120, lift=lift))
        assert auto.status == tree.status != "UNKNOWN"
        assert auto.options["sums"] in ("tree", "binary")
        solved = replace(shape, L=auto.info.get("lifted_from_L", shape.L))
        assert auto.options["sums"] == encode_sat(task, solved, sums="auto").info["sums"]
    assert WIDE_NODE > 0


def test_full_adder_with_constant_inputs():
    """Every mix of constant and free inputs: sum and carry are the binary
    digits of the number of true inputs."""
    for kinds in itertools.product(("T", "F", "x"), repeat=3):
        b = Builder()
        ins = [TRUE if k == "T" else FALSE if k == "F" else b.new_var() for k in kinds]
        s_lit, c_lit = b.full_add(*ins)
        free = [l for l in ins if l not in (TRUE, FALSE)]
        with Solver(name="cadical195", bootstrap_with=b.clauses) as s:
            for vals in itertools.product((0, 1), repeat=len(free)):
                assume = [l if v else -l for l, v in zip(free, vals)]
                assert s.solve(assumptions=assume)
                model = set(s.get_model()) | {TRUE}
                count = kinds.count("T") + sum(vals)
                assert (s_lit in model, c_lit in model) == (bool(count & 1), count >= 2), kinds
