"""Property tests of the order-encoded integers (superpos_formal.encode.ints).

Each construction is checked to have *exactly* its intended models: the CNF's
models, projected on the integers involved, are enumerated with pysat and
compared with the set computed by plain Python loops over the domains. On
every model the order literals of every integer are also checked against its
decoded value (``[x >= v]`` true iff ``value >= v``, for all ``v`` around the
domain), so a view whose ``ge`` disagrees with its ``value`` is caught too.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from superpos_formal.encode.ints import FALSE, TRUE, Builder, Const, Relu, Scaled

SET = settings(max_examples=60, deadline=None,
               suppress_health_check=[HealthCheck.too_slow])

doms = st.sets(st.integers(-4, 4), min_size=1, max_size=5).map(sorted)


# ---------------------------------------------------------------- helpers

def _truth(lit, model):
    if lit == TRUE:
        return True
    if lit == FALSE:
        return False
    return lit in model


def _full(model, nvars):
    """The model as the set of its true literals, negative ones included
    (``IntExpr.value`` takes exactly that), with TRUE = 1."""
    pos = set(l for l in model if l > 0)
    return {v if v in pos else -v for v in range(1, nvars + 1)} | {TRUE}


def _solver(name, b):
    """A solver over ``b.clauses`` that knows every variable (a tautology per
    variable registers it without constraining it, so unconstrained
    literals are enumerated too)."""
    return Solver(name=name, bootstrap_with=b.clauses
                  + [[v, -v] for v in range(2, b.nvars + 1)])


def _check_order_lits(x, model):
    """``x.ge(v)`` must hold in ``model`` iff ``x.value(model) >= v``."""
    val = x.value(model)
    assert val in x.dom
    for v in range(x.dom[0] - 2, x.dom[-1] + 3):
        assert _truth(x.ge(v), model) == (val >= v), (v, val, x.dom)


def _lits_of(ints):
    """The variables carrying the values of ``ints`` (for blocking clauses)."""
    out = set()
    for x in ints:
        for v in x.dom[1:]:
            lit = x.ge(v)
            if lit not in (TRUE, FALSE):
                out.add(abs(lit))
    return sorted(out)


def projected(b, ints, extra=(), assumptions=()):
    """All value tuples of ``ints`` (plus truth of the literals ``extra``)
    that extend to a model of ``b.clauses``: projected enumeration with
    blocking clauses on the integers' own literals."""
    keys = _lits_of(ints) + sorted({abs(l) for l in extra})
    out = set()
    with _solver("cadical195", b) as s:
        while s.solve(assumptions=list(assumptions)):
            model = _full(s.get_model(), b.nvars)
            for x in ints:
                _check_order_lits(x, model)
            vals = tuple(x.value(model) for x in ints) + tuple(
                _truth(l, model) for l in extra)
            assert vals not in out
            out.add(vals)
            block = [(-k if k in model else k) for k in keys]
            if not block:
                break
            s.add_clause(block)
    return out


def all_models(b, ints):
    """Full enumeration (``enum_models``): value tuples of ``ints`` and the
    number of models of the whole CNF (aux variables included)."""
    vals, count = set(), 0
    with _solver("glucose4", b) as s:
        for m in s.enum_models():
            count += 1
            model = _full(m, b.nvars)
            for x in ints:
                _check_order_lits(x, model)
            vals.add(tuple(x.value(model) for x in ints))
    return vals, count


def _clip(v, lo, hi):
    if lo is not None and v < lo:
        return lo
    if hi is not None and v > hi:
        return hi
    return v


# ---------------------------------------------------------------- basics

@SET
@given(doms)
def test_int_var_has_exactly_its_domain(d):
    b = Builder()
    x = b.int_var(d)
    vals, count = all_models(b, [x])
    assert vals == {(v,) for v in d}
    assert count == len(d)  # one model per value: the chain admits nothing else


def test_const_and_true_false():
    c = Const(3)
    assert c.ge(3) == TRUE and c.ge(4) == FALSE and c.ge(-10) == TRUE
    assert c.value(set()) == 3


# ---------------------------------------------------------------- add

@SET
@given(doms, doms)
def test_add_exact(da, db):
    b = Builder()
    x, y = b.int_var(da), b.int_var(db)
    z = b.add(x, y)
    vals, count = all_models(b, [x, y, z])
    assert vals == {(u, v, u + v) for u in da for v in db}
    assert count == len(da) * len(db)  # z is functionally determined


@SET
@given(doms, doms, st.one_of(st.none(), st.integers(-9, 9)),
       st.one_of(st.none(), st.integers(-9, 9)))
def test_add_clipped(da, db, lo, hi):
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    b = Builder()
    x, y = b.int_var(da), b.int_var(db)
    z = b.add(x, y, lo, hi)
    vals, count = all_models(b, [x, y, z])
    assert vals == {(u, v, _clip(u + v, lo, hi)) for u in da for v in db}
    assert count == len(da) * len(db)


@SET
@given(doms, st.integers(-4, 4), st.one_of(st.none(), st.integers(-6, 6)))
def test_add_with_constant(da, k, lo):
    b = Builder()
    x = b.int_var(da)
    z = b.add(Const(k), x, lo, None)
    vals = projected(b, [x, z])
    assert vals == {(u, _clip(u + k, lo, None)) for u in da}


# ---------------------------------------------------------------- mul

@SET
@given(doms, doms)
def test_mul(da, db):
    b = Builder()
    x, y = b.int_var(da), b.int_var(db)
    z = b.mul(x, y)
    vals, count = all_models(b, [x, y, z])
    assert vals == {(u, v, u * v) for u in da for v in db}
    assert count == len(da) * len(db)


@SET
@given(doms, st.integers(-3, 3))
def test_mul_by_constant(da, k):
    b = Builder()
    x = b.int_var(da)
    z = b.mul(x, Const(k))
    z2 = b.mul(Const(k), x)
    vals = projected(b, [x, z, z2])
    assert vals == {(u, k * u, k * u) for u in da}


# ---------------------------------------------------------------- bool_times

@SET
@given(doms, st.booleans())
def test_bool_times(da, negate):
    """``z = h * a`` for a fresh literal ``h`` (or its negation)."""
    b = Builder()
    x = b.int_var(da)
    hv = b.new_var()
    h = -hv if negate else hv
    z = b.bool_times(h, x)
    vals, count = all_models(b, [x, z, b.bool_int(hv)])
    exp = set()
    for u in da:
        for t in (0, 1):
            hval = 1 - t if negate else t
            exp.add((u, hval * u, t))
    assert vals == exp
    assert count == 2 * len(da)


@pytest.mark.parametrize("h,expect", [(TRUE, "a"), (FALSE, "zero")])
def test_bool_times_constants(h, expect):
    b = Builder()
    x = b.int_var([-2, 1, 3])
    z = b.bool_times(h, x)
    vals = projected(b, [x, z])
    if expect == "a":
        assert vals == {(u, u) for u in (-2, 1, 3)}
    else:
        assert vals == {(u, 0) for u in (-2, 1, 3)}


# ---------------------------------------------------------------- views

@SET
@given(doms, st.integers(-3, 3).filter(lambda c: c != 0), st.integers(-4, 4))
def test_scaled_view(da, c, k):
    b = Builder()
    x = b.int_var(da)
    y = Scaled(x, c, k)
    assert y.dom == sorted(c * u + k for u in da)
    vals = projected(b, [x, y])  # also checks every y.ge(v) literal
    assert vals == {(u, c * u + k) for u in da}


def test_scaled_rejects_zero():
    b = Builder()
    with pytest.raises(ValueError):
        Scaled(b.int_var([0, 1]), 0)


@SET
@given(doms, st.integers(-3, 3).filter(lambda c: c != 0), st.integers(-4, 4))
def test_relu_view(da, c, k):
    """``relu`` of a variable and of a scaled view (negative factors make the
    view's literals negations of the variable's)."""
    b = Builder()
    x = b.int_var(da)
    r1, r2 = Relu(x), Relu(Scaled(x, c, k))
    vals = projected(b, [x, r1, r2])
    assert vals == {(u, max(0, u), max(0, c * u + k)) for u in da}


@SET
@given(doms, doms, st.integers(-3, 3).filter(lambda c: c != 0), st.integers(-3, 3))
def test_add_of_views(da, db, c, k):
    """``add`` consumes views as well as variables."""
    b = Builder()
    x, y = b.int_var(da), b.int_var(db)
    z = b.add(Scaled(x, c, k), Relu(y), -3, 5)
    vals = projected(b, [x, y, z])
    assert vals == {(u, v, _clip(c * u + k + max(0, v), -3, 5)) for u in da for v in db}


# ---------------------------------------------------------------- sum_full

term_doms = st.lists(doms, min_size=1, max_size=4)


@SET
@given(term_doms, st.one_of(st.none(), st.integers(-10, 10)),
       st.one_of(st.none(), st.integers(-10, 10)))
def test_sum_full(ds, lo, hi):
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    b = Builder()
    xs = [b.int_var(d) for d in ds]
    z = b.sum_full(xs, lo, hi)
    vals = projected(b, xs + [z])
    exp = {combo + (_clip(sum(combo), lo, hi),) for combo in itertools.product(*ds)}
    assert vals == exp


def test_sum_full_constants_only():
    b = Builder()
    z = b.sum_full([Const(2), Const(-5)], -1, None)
    assert z.dom == [-1]


# ---------------------------------------------------------------- assert_sum

def _check_assert_sum(ds, op, K, use_guard, scale=None):
    b = Builder()
    xs = [b.int_var(d) for d in ds]
    terms = list(xs)
    coef = [1] * len(xs)
    if scale is not None:
        # wrap some terms in views to exercise Scaled/Relu/Const leaves
        c, k, i = scale
        i %= len(terms)
        terms[i] = Scaled(xs[i], c, k)
        coef[i] = (c, k)
        terms.append(Const(1))

    def val(combo):
        s = 0
        for u, cf in zip(combo, coef):
            s += u if cf == 1 else cf[0] * u + cf[1]
        return s + (1 if scale is not None else 0)

    ok = (lambda t: t >= K) if op == ">=" else (lambda t: t <= K)
    g = b.new_var() if use_guard else None
    b.assert_sum(terms, op, K, guard=g)
    combos = list(itertools.product(*ds))
    if use_guard:
        vals = projected(b, xs, extra=[g])
        exp = {c + (True,) for c in combos} | {c + (False,) for c in combos if ok(val(c))}
    else:
        vals = projected(b, xs)
        exp = {c for c in combos if ok(val(c))}
    assert vals == exp, (ds, op, K, use_guard, scale)


@SET
@given(term_doms, st.sampled_from([">=", "<="]), st.integers(-20, 20), st.booleans())
def test_assert_sum(ds, op, K, use_guard):
    _check_assert_sum(ds, op, K, use_guard)


@SET
@given(term_doms, st.sampled_from([">=", "<="]), st.integers(-20, 20), st.booleans(),
       st.integers(-3, 3).filter(lambda c: c != 0), st.integers(-3, 3),
       st.integers(0, 3))
def test_assert_sum_with_views(ds, op, K, use_guard, c, k, i):
    _check_assert_sum(ds, op, K, use_guard, scale=(c, k, i))


@pytest.mark.parametrize("op", [">=", "<="])
def test_assert_sum_every_threshold(op):
    """Deterministic sweep: every ``K`` from below the smallest sum to above
    the largest, guarded and not, on three fixed term sets."""
    for ds in ([[-2, 0, 3]], [[0, 1], [-1, 2], [-4, 4]], [[-3, -1, 0, 2], [1], [0, 1, 2], [-2, 2]]):
        lo = sum(min(d) for d in ds)
        hi = sum(max(d) for d in ds)
        for K in range(lo - 2, hi + 3):
            for use_guard in (False, True):
                _check_assert_sum(ds, op, K, use_guard)


def test_assert_sum_guard_assumptions():
    """Guard true frees the constraint; guard false enforces it (checked by
    solving under the guard as an assumption)."""
    b = Builder()
    xs = [b.int_var([0, 1, 2]), b.int_var([-1, 0, 1])]
    g = b.new_var()
    b.assert_sum(xs, ">=", 3, guard=g)
    free = projected(b, xs, assumptions=[g])
    enforced = projected(b, xs, assumptions=[-g])
    assert free == set(itertools.product([0, 1, 2], [-1, 0, 1]))
    assert enforced == {(2, 1)}


def test_assert_sum_impossible_unguarded_is_unsat():
    """0..1 + 0..1 >= 3 has no model."""
    b = Builder()
    xs = [b.int_var([0, 1]), b.int_var([0, 1])]
    b.assert_sum(xs, ">=", 3)
    assert projected(b, xs) == set()


def test_assert_sum_bad_op():
    b = Builder()
    with pytest.raises(ValueError):
        b.assert_sum([b.int_var([0, 1]), b.int_var([0, 1])], "==", 1)


# ---------------------------------------------------------------- lex_geq

@SET
@given(st.integers(1, 3).flatmap(lambda k: st.tuples(st.lists(doms, min_size=k, max_size=k),
                                                    st.lists(doms, min_size=k, max_size=k))))
def test_lex_geq(pair):
    dx, dy = pair
    b = Builder()
    xs = [b.int_var(d) for d in dx]
    ys = [b.int_var(d) for d in dy]
    b.lex_geq(xs, ys)
    vals = projected(b, xs + ys)
    k = len(dx)
    exp = set()
    for cx in itertools.product(*dx):
        for cy in itertools.product(*dy):
            if cx >= cy:  # Python tuple order is lexicographic
                exp.add(cx + cy)
    assert vals == exp


def test_lex_geq_same_vector_and_chain():
    """``x >= x`` always holds; a chain ``a >= b >= c`` of length-2 vectors
    over {0, 1} admits exactly the non-increasing triples."""
    b = Builder()
    x = [b.int_var([0, 1, 2]), b.int_var([-1, 1])]
    b.lex_geq(x, x)
    assert projected(b, x) == set(itertools.product([0, 1, 2], [-1, 1]))

    b = Builder()
    vs = [[b.int_var([0, 1]) for _ in range(2)] for _ in range(3)]
    b.lex_geq(vs[0], vs[1])
    b.lex_geq(vs[1], vs[2])
    got = projected(b, [v for row in vs for v in row])
    exp = set()
    for a, bb, c in itertools.product(itertools.product([0, 1], repeat=2), repeat=3):
        if a >= bb >= c:
            exp.add(a + bb + c)
    assert got == exp and len(exp) == 20  # C(4 + 2, 3) multisets of 4 values


@SET
@given(st.lists(doms, min_size=1, max_size=3))
def test_lex_geq_against_own_negation(ds):
    """``x >=_lex -x`` (the code-sign break): exactly the vectors whose first
    nonzero entry is positive, and the zero vector."""
    b = Builder()
    xs = [b.int_var(d) for d in ds]
    b.lex_geq(xs, [Scaled(x, -1) if len(x.dom) > 1 else Const(-x.dom[0]) for x in xs])
    vals = projected(b, xs)
    exp = set()
    for combo in itertools.product(*ds):
        nz = [v for v in combo if v != 0]
        if not nz or nz[0] > 0:
            exp.add(combo)
    assert vals == exp


@SET
@given(st.integers(1, 3).flatmap(lambda k: st.tuples(
    st.lists(doms, min_size=k, max_size=k), st.lists(doms, min_size=k, max_size=k),
    st.lists(st.sampled_from([-2, -1, 1, 2]), min_size=k, max_size=k))))
def test_lex_geq_of_views(args):
    """``lex_geq`` over scaled views of variables (negative factors flip the
    literals)."""
    dx, dy, cs = args
    b = Builder()
    xs = [b.int_var(d) for d in dx]
    ys = [b.int_var(d) for d in dy]
    vx = [Scaled(x, c, 1) if len(x.dom) > 1 else Const(c * x.dom[0] + 1)
          for x, c in zip(xs, cs)]
    b.lex_geq(vx, ys)
    vals = projected(b, xs + ys)
    exp = set()
    for cx in itertools.product(*dx):
        for cy in itertools.product(*dy):
            if tuple(c * u + 1 for c, u in zip(cs, cx)) >= cy:
                exp.add(cx + cy)
    assert vals == exp
