"""Tests of the CNF encoder (superpos_formal.encode.sat) against brute force.

For tiny cells the SAT/UNSAT answer of ``encode_sat`` must equal the answer
of an exhaustive search over all weights written in this file with its own
evaluator (plain loops; nothing from ``superpos_formal.network``). The brute
force works layer by layer over the *columns* a neuron can produce on ``X``
(a neuron's column depends only on its own incoming weights and bias, so the
set of layer outputs is the product of the per-neuron column sets; hidden
neurons are interchangeable, so multisets of columns suffice). In explicit
mode output ``j`` depends only on ``(V_j, c_j)``; with ``L = 0`` only on
``R_j``; so those are searched per output.
"""

import hashlib
import os
import re
import subprocess
import sys
from itertools import combinations_with_replacement, product

import pytest
from pysat.solvers import Solver

from conftest import naive_eval
from superpos_formal.domain import domain
from superpos_formal.encode.sat import encode_family_sat, encode_sat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.tasks import (and_pairs, identity, or_pairs, permutation, table,
                                   uand, xor_pairs)
from superpos_formal.verify import verify


# ================================================================ brute force

def _act(name):
    if name == "relu":
        return lambda t: t if t > 0 else 0
    return lambda t: 1 if t > 0 else 0


def _neuron_columns(A, B, Bb, act):
    """Every column ``(act(w . a(x) + b))_x`` of one neuron over inputs ``A``."""
    d = len(A[0])
    out = set()
    for w in product(range(-B, B + 1), repeat=d):
        for b in range(-Bb, Bb + 1):
            out.add(tuple(act(sum(wi * ai for wi, ai in zip(w, a)) + b) for a in A))
    return out


def _layer_outputs(A, n, B, Bb, act):
    """Every layer output (per x, an n-vector) up to neuron order."""
    cols = sorted(_neuron_columns(A, B, Bb, act))
    outs = set()
    for combo in combinations_with_replacement(cols, n):
        outs.add(tuple(tuple(c[xi] for c in combo) for xi in range(len(A))))
    return outs


def _hidden(A, n, L, B, Bb, act):
    pats = {tuple(tuple(a) for a in A)}
    for _ in range(L):
        nxt = set()
        for P in pats:
            nxt |= _layer_outputs(list(P), n, B, Bb, act)
        pats = nxt
    return pats


def _affine_columns(H, B, Bb):
    """Every column ``(v . h(x) + c)_x`` of one output coordinate."""
    n = len(H[0])
    out = set()
    for v in product(range(-B, B + 1), repeat=n):
        for c in range(-Bb, Bb + 1):
            out.add(tuple(sum(vi * hi for vi, hi in zip(v, h)) + c for h in H))
    return out


def _ham(a, b):
    return sum(1 for u, v in zip(a, b) if u != v)


def brute_min_errors(task, *, mode, act="step", n=1, L=1, B=1, Bb=None, theta=1,
                     E=None, R=None, Bc=1):
    """Fewest wrong (x, j) bits over every network of the shape (0 = exact).

    ``mode``: "explicit", "given" (superposed, codes E/R), "free"
    (superposed, codes free in [-Bc, Bc]).
    """
    Bb = B if Bb is None else Bb
    X = list(domain(task.m, task.s))
    T = [tuple(task(x)[j] for x in X) for j in range(task.m_out)]  # target columns
    f = _act(act)
    m, mo = task.m, task.m_out
    if mode == "explicit":
        best = None
        for H in _hidden([list(x) for x in X], n, L, B, Bb, f):
            Z = _affine_columns(H, B, Bb)
            outs = {tuple(int(z >= theta) for z in col) for col in Z}
            err = sum(min(_ham(o, t) for o in outs) for t in T)
            best = err if best is None else min(best, err)
        return best
    codes = product(range(-Bc, Bc + 1), repeat=n * m) if mode == "free" else [None]
    best = None
    for flatE in codes:
        EE = E if flatE is None else [list(flatE[r * m:(r + 1) * m]) for r in range(n)]
        A = [[sum(EE[r][i] * x[i] for i in range(m)) for r in range(n)] for x in X]
        if L == 0:
            Zs = [tuple(tuple(a[r] for a in A) for r in range(n))]
        else:
            Zs = set()
            for H in _hidden(A, n, L, B, Bb, f):
                cols = sorted(_affine_columns(H, B, Bb))
                Zs |= set(product(cols, repeat=n))
        for Z in Zs:  # Z[r] = column of z_r
            if mode == "given":
                err = 0
                for j in range(mo):
                    y = tuple(int(sum(R[j][r] * Z[r][xi] for r in range(n)) >= theta)
                              for xi in range(len(X)))
                    err += _ham(y, T[j])
            else:  # free readout: each row R_j on its own
                err = 0
                for j in range(mo):
                    err += min(_ham(tuple(int(sum(rr[r] * Z[r][xi] for r in range(n)) >= theta)
                                          for xi in range(len(X))), T[j])
                               for rr in product(range(-Bc, Bc + 1), repeat=n))
            best = err if best is None else min(best, err)
    return best


# ================================================================ own evaluator


def own_errors(net, task):
    return sum(_ham(naive_eval(net, x), task(x)) for x in domain(task.m, task.s))


def _within(net, shape):
    ws = [v for W, _ in net.layers for r in W for v in r]
    bs = [v for _, b in net.layers for v in b]
    if net.layers:
        ws += [v for r in net.V for v in r]
        bs += list(net.c)
    return (all(abs(v) <= shape.B for v in ws) and all(abs(v) <= shape.B_bias for v in bs))


def _nonzero(net):
    vals = [v for W, b in net.layers for r in W for v in r] + \
           [v for _, b in net.layers for v in b]
    if net.layers:
        vals += [v for r in net.V for v in r] + list(net.c)
    return sum(1 for v in vals if v)


# ================================================================ solving

def solve(enc):
    with Solver(name="cadical195", bootstrap_with=enc.clauses) as s:
        ok = s.solve()
        return ok, (s.get_model() if ok else None)


def check_cell(task, shape, expect_sat, **kw):
    """encode_sat's answer equals ``expect_sat``; a model decodes to a network
    that is in bounds, right by our own evaluator and by verify."""
    enc = encode_sat(task, shape, **kw)
    ok, model = solve(enc)
    assert ok == expect_sat
    if ok:
        net = enc.decode(model)
        assert own_errors(net, task) <= shape.tolerance
        assert verify(net, task, shape.tolerance).ok
        assert _within(net, shape)
        if shape.mode == "superposed" and shape.codes == "given":
            assert [list(r) for r in net.E] == [list(r) for r in shape.E]
            assert [list(r) for r in net.R] == [list(r) for r in shape.R]
    return enc, ok


AND2 = and_pairs(2, [(0, 1)])
OR2 = or_pairs(2, [(0, 1)])
XOR2 = xor_pairs(2, [(0, 1)])
ID2S1 = identity(2)
ID2S2 = identity(2, s=2)


# ------------------------------------------------------------ explicit cells

EXPLICIT = [
    # (name, task, activation, n, L, B)
    ("and-step-1", AND2, "step", 1, 1, 1),
    ("and-step-1-B0", AND2, "step", 1, 1, 0),
    ("and-relu-1", AND2, "relu", 1, 1, 1),
    ("or-step-1", OR2, "step", 1, 1, 1),
    ("xor-step-1", XOR2, "step", 1, 1, 1),
    ("xor-relu-1", XOR2, "relu", 1, 1, 1),
    ("xor-step-2", XOR2, "step", 2, 1, 1),
    ("xor-relu-2", XOR2, "relu", 2, 1, 1),
    ("id2s1-step-1", ID2S1, "step", 1, 1, 1),
    ("id2s1-relu-1", ID2S1, "relu", 1, 1, 1),
    ("id2s2-step-1", ID2S2, "step", 1, 1, 1),
    ("id2s2-relu-1", ID2S2, "relu", 1, 1, 1),
    ("id2s2-step-2", ID2S2, "step", 2, 1, 1),
    ("or-relu-1-B2", OR2, "relu", 1, 1, 2),
    ("uand3-step-2", uand(3), "step", 2, 1, 1),
    ("uand3-relu-1", uand(3), "relu", 1, 1, 1),
    ("id3-step-2", identity(3), "step", 2, 1, 1),
    # two hidden layers
    ("xor-step-1-L2", XOR2, "step", 1, 2, 1),
    ("xor-step-2-L2", XOR2, "step", 2, 2, 1),
    ("id2s1-step-1-L2", ID2S1, "step", 1, 2, 1),
    ("id2s1-relu-1-L2", ID2S1, "relu", 1, 2, 1),
]


@pytest.mark.parametrize("name,task,act,n,L,B", EXPLICIT, ids=[c[0] for c in EXPLICIT])
def test_explicit_matches_brute_force(name, task, act, n, L, B):
    exp = brute_min_errors(task, mode="explicit", act=act, n=n, L=L, B=B) == 0
    check_cell(task, Shape("explicit", act, n=n, L=L, B=B), exp)


def test_explicit_hand_answers_agree_with_brute_force():
    """A few brute-force answers also derived by hand, so the brute force is
    itself checked:

    * AND, one step unit, B = 1: SAT (h = step(x0 + x1 - 1), y = h).
    * AND with B = 0: every parameter is 0, z = 0 < 1: UNSAT.
    * XOR, one unit (step or relu): y is a monotone function of the unit's
      pre-activation, an affine function of x, so y would be a threshold
      function; XOR is not: UNSAT.
    * identity(2), s = 1, one relu unit, B = 1: SAT with h = relu(x0 - x1 + 1)
      (values 1, 2, 0 on 00, 10, 01), y0 = [h - 1 >= 1], y1 = [-h + 1 >= 1].
    * identity(2), s = 1, one step unit: 3 inputs with distinct outputs but
      only 2 hidden states: UNSAT.
    """
    assert brute_min_errors(AND2, mode="explicit", act="step") == 0
    assert brute_min_errors(AND2, mode="explicit", act="step", B=0) == 1
    assert brute_min_errors(XOR2, mode="explicit", act="step") > 0
    assert brute_min_errors(XOR2, mode="explicit", act="relu", B=2) > 0
    assert brute_min_errors(ID2S1, mode="explicit", act="relu") == 0
    assert brute_min_errors(ID2S1, mode="explicit", act="step") > 0


# ------------------------------------------------------------ tolerance

@pytest.mark.parametrize("task,act,n", [(XOR2, "step", 1), (ID2S2, "step", 1),
                                        (ID2S2, "relu", 1)],
                         ids=["xor-step", "id2s2-step", "id2s2-relu"])
def test_tolerant_matches_brute_force(task, act, n):
    """tolerant(k) is SAT exactly for k >= the brute-force minimum of wrong
    bits. (XOR with one step unit: OR is wrong only at 11, so min = 1.)"""
    best = brute_min_errors(task, mode="explicit", act=act, n=n)
    if task is XOR2:
        assert best == 1
    assert best > 0
    for k in range(0, best + 2):
        check_cell(task, Shape("explicit", act, n=n, B=1, tolerance=k), k >= best)


# ------------------------------------------------------------ superposed, given codes

SUP_E = [[1, 0, 1], [0, 1, 1]]
GIVEN = [
    # (name, task, act, E, R, theta, B_code)
    ("and-n1", AND2, "relu", [[1, 1]], [[1]], 1, 1),
    ("and-n1-step", AND2, "step", [[1, 1]], [[1]], 1, 1),
    ("xor-n1", XOR2, "relu", [[1, -1]], [[1]], 1, 1),
    ("xor-n2", XOR2, "relu", [[1, 0], [0, 1]], [[1, 1]], 1, 1),
    ("id2-n1", ID2S1, "relu", [[1, -1]], [[1], [-1]], 1, 1),
    ("id2-n1-step", ID2S1, "step", [[1, -1]], [[1], [-1]], 1, 1),
    ("perm3-n2", permutation(3, [2, 0, 1]), "relu", SUP_E, [[1, 1], [2, -2], [-2, 2]], 2, 2),
    ("id3-degenerate", identity(3), "relu", SUP_E, [[1, 0], [0, 1], [1, 1]], 1, 1),
]


@pytest.mark.parametrize("name,task,act,E,R,theta,Bc", GIVEN, ids=[g[0] for g in GIVEN])
def test_given_codes_match_brute_force(name, task, act, E, R, theta, Bc):
    n = len(E)
    exp = brute_min_errors(task, mode="given", act=act, n=n, E=E, R=R, theta=theta) == 0
    sh = Shape("superposed", act, n=n, B=1, B_code=Bc, theta=theta, codes="given", E=E, R=R)
    check_cell(task, sh, exp)


def test_given_codes_hand_answers():
    """* perm3 with the conftest codes: SAT (W = I, V = I, see
      conftest.superposed_perm).
    * identity(3) with readout row 3 = row 1 + row 2 and theta = 1: x2
      alone must give z0 + z1 >= 1 while z0 <= 0 and z1 <= 0: UNSAT.
    * XOR through one code coordinate: y is monotone in a0 = x0 - x1 (one
      relu, affine readout), but must be 1 at a0 = +-1 and 0 at a0 = 0: UNSAT.
    """
    g = {c[0]: c for c in GIVEN}
    for name, want in (("perm3-n2", 0), ("id3-degenerate", None), ("xor-n1", None)):
        _, task, act, E, R, theta, Bc = g[name]
        best = brute_min_errors(task, mode="given", act=act, n=len(E), E=E, R=R, theta=theta)
        assert (best == 0) == (want == 0)


# ------------------------------------------------------------ free codes

def test_free_codes_one_task_match_brute_force():
    """Superposed, free codes, L = 1, n = 1, B = B_code = 1."""
    for task, act in ((AND2, "relu"), (XOR2, "relu"), (ID2S1, "step"), (ID2S1, "relu"),
                      (permutation(2, [1, 0]), "relu")):
        exp = brute_min_errors(task, mode="free", act=act, n=1, Bc=1) == 0
        check_cell(task, Shape("superposed", act, n=1, B=1, B_code=1, codes="free"), exp)


REPR = [(identity(2), 1), (identity(2), 2), (identity(3), 1), (identity(3), 2),
        (identity(2, s=2), 1), (identity(2, s=2), 2)]


@pytest.mark.parametrize("task,n", REPR, ids=[f"id{t.m}s{t.s}-n{n}" for t, n in REPR])
def test_representation_matches_brute_force(task, n):
    """L = 0, codes free, B_code = 1: brute force over every E and R."""
    exp = brute_min_errors(task, mode="free", n=n, L=0, Bc=1) == 0
    enc, ok = check_cell(task, Shape("superposed", "relu", n=n, L=0, B_code=1, codes="free", B=1),
                         exp)
    assert "code-sign" in enc.info["breaks"]
    if n > 1:
        assert "code-coordinate-lex" in enc.info["breaks"]


def test_representation_hand_answers():
    """identity(m), s = 1, theta = 1, L = 0: y_j(e_i) = [(RE)_ji >= 1], so
    RE needs a positive diagonal and non-positive off-diagonal entries.

    * n = 1: RE = r e^T; r_i e_i > 0 forces sign r_i = sign e_i != 0, and
      r_i e_j <= 0 forces sign e_i != sign e_j for i != j. Two features:
      e = r = (1, -1) works. Three: three pairwise different signs out of
      two: UNSAT.
    * identity(3), n = 2: e = r = (1,0), (0,1), (-1,-1) columns:
      r_i . e_i in {1, 1, 2}, off-diagonal in {0, -1}: SAT.
    """
    assert brute_min_errors(identity(2), mode="free", n=1, L=0) == 0
    assert brute_min_errors(identity(3), mode="free", n=1, L=0) > 0
    assert brute_min_errors(identity(3), mode="free", n=2, L=0) == 0


# ------------------------------------------------------------ max_nonzero

def _brute_min_nonzero_explicit(task, act, n, B):
    """Plain loops over every parameter vector of an explicit one-layer net."""
    f = _act(act)
    X = list(domain(task.m, task.s))
    m, mo = task.m, task.m_out
    k = n * m + n + mo * n + mo
    best = None
    for p in product(range(-B, B + 1), repeat=k):
        W = [p[i * m:(i + 1) * m] for i in range(n)]
        b = p[n * m:n * m + n]
        off = n * m + n
        V = [p[off + j * n:off + (j + 1) * n] for j in range(mo)]
        c = p[off + mo * n:]
        good = True
        for x in X:
            h = [f(sum(w * xi for w, xi in zip(W[i], x)) + b[i]) for i in range(n)]
            y = tuple(int(sum(v * hh for v, hh in zip(V[j], h)) + c[j] >= 1)
                      for j in range(mo))
            if y != task(x):
                good = False
                break
        if good:
            nz = sum(1 for v in p if v)
            best = nz if best is None else min(best, nz)
    return best


@pytest.mark.parametrize("task,act,expect", [(AND2, "step", 4), (ID2S1, "relu", None),
                                             (OR2, "step", 3)],
                         ids=["and-step", "id2-relu", "or-step"])
def test_max_nonzero_respected_and_tight(task, act, expect):
    """Minimum nonzero parameters by brute force; ``max_nonzero = P`` is SAT
    iff ``P >= min`` (with and without symmetry breaking), and a decoded
    network has at most ``P`` nonzero parameters.

    Hand values: AND needs w0, w1, V != 0 (y depends on both inputs and on h)
    and b != 0 (with b = 0, h(00) = 0 and h is a function with h(11) = 1,
    h(10) = h(01) = 0 that needs w0, w1 <= 0 < w0 + w1): 4. OR: w0, w1, V:
    h = step(x0 + x1), y = h: 3.
    """
    best = _brute_min_nonzero_explicit(task, act, 1, 1)
    if expect is not None:
        assert best == expect
    sh = Shape("explicit", act, n=1, B=1)
    for P in range(0, best + 3):
        for sym in (True, False):
            enc = encode_sat(task, sh, max_nonzero=P, symmetry=sym)
            ok, model = solve(enc)
            assert ok == (P >= best), (P, sym)
            if ok:
                net = enc.decode(model)
                assert _nonzero(net) <= P
                assert own_errors(net, task) == 0


# ------------------------------------------------------------ symmetry / pb suite

SUITE = [
    ("and-step-1", AND2, Shape("explicit", "step", n=1, B=1)),
    ("xor-step-1", XOR2, Shape("explicit", "step", n=1, B=1)),
    ("xor-step-2", XOR2, Shape("explicit", "step", n=2, B=1)),
    ("xor-relu-1", XOR2, Shape("explicit", "relu", n=1, B=1)),
    ("id3-step-1", identity(3), Shape("explicit", "step", n=1, B=1)),
    ("id3-step-2", identity(3), Shape("explicit", "step", n=2, B=1)),
    ("uand3-step-1", uand(3), Shape("explicit", "step", n=1, B=1)),
    ("uand3-step-2", uand(3), Shape("explicit", "step", n=2, B=1)),
    ("uand3-relu-1", uand(3), Shape("explicit", "relu", n=1, B=1)),
    ("uand4-step-2", uand(4), Shape("explicit", "step", n=2, B=1)),
    ("uand4-step-3", uand(4), Shape("explicit", "step", n=3, B=1)),
    ("rep-id3-1", identity(3), Shape("superposed", "relu", n=1, L=0, codes="free", B=1)),
    ("rep-id3-2", identity(3), Shape("superposed", "relu", n=2, L=0, codes="free", B=1)),
    ("rep-id4-2", identity(4), Shape("superposed", "relu", n=2, L=0, codes="free", B=1)),
    ("perm3-free-1", permutation(3, [2, 0, 1]), Shape("superposed", "relu", n=1, codes="free", B=1)),
    ("perm3-free-2", permutation(3, [2, 0, 1]), Shape("superposed", "relu", n=2, codes="free", B=1)),
    ("and3-free-2", and_pairs(3, [(0, 1), (1, 2)]), Shape("superposed", "step", n=2,
                                                         codes="free", B=1)),
    ("xor-L2-2", XOR2, Shape("explicit", "step", n=2, L=2, B=1)),
    ("xor-tol1", XOR2, Shape("explicit", "step", n=1, tolerance=1, B=1)),
]


@pytest.mark.parametrize("name,task,shape", SUITE, ids=[c[0] for c in SUITE])
def test_symmetry_and_pb_agree(name, task, shape):
    """SAT/UNSAT is the same with and without the symmetry breaks and with
    the tree or pseudo-Boolean sums: empirical soundness of the breaks."""
    answers = {}
    for sym in (True, False):
        for sums in ("tree", "pb"):
            enc = encode_sat(task, shape, symmetry=sym, sums=sums)
            ok, model = solve(enc)
            answers[(sym, sums)] = ok
            if ok:
                net = enc.decode(model)
                assert own_errors(net, task) <= shape.tolerance
                assert verify(net, task, shape.tolerance).ok
            if sym and name.startswith("uand"):
                assert "feature-double-lex" in enc.info["breaks"]
            if sym and shape.codes == "free" and shape.n > 1:
                assert "code-coordinate-lex" in enc.info["breaks"]
    assert len(set(answers.values())) == 1, answers


OPTIMA = [
    ("tolerance", uand(4), Shape("explicit", "step", n=2, B=1)),
    ("tolerance", identity(5), Shape("superposed", "relu", n=2, L=0, codes="free", B=1)),
    ("nonzero", uand(3), Shape("explicit", "step", n=3, B=1)),
    ("nonzero", identity(3), Shape("explicit", "relu", n=2, B=1)),
]


@pytest.mark.parametrize("what,task,shape", OPTIMA,
                         ids=[f"{o[0]}-{o[1].kind}{o[1].m}" for o in OPTIMA])
def test_symmetry_keeps_optima(what, task, shape):
    """The fewest wrong bits (tolerant(k)) and the fewest nonzero parameters
    are the same with and without symmetry breaking: the breaks keep an
    optimal network of every orbit (sorting changes neither count)."""
    from dataclasses import replace

    def first(sym):
        for k in range(0, 40):
            if what == "tolerance":
                enc = encode_sat(task, replace(shape, tolerance=k), symmetry=sym)
            else:
                enc = encode_sat(task, shape, symmetry=sym, max_nonzero=k)
            if solve(enc)[0]:
                return k
        raise AssertionError("no bound up to 40")

    with_breaks, without = first(True), first(False)
    assert with_breaks == without
    assert with_breaks > 0


def test_suite_hand_answers():
    """A few suite answers derived by hand (so the suite is not vacuous):
    XOR with one step unit UNSAT, with two SAT (OR - AND); identity(3) with
    one step unit UNSAT (4 inputs need 4 distinct hidden states), with two
    SAT (h = (x0 or x2, x1 or x2), readouts h0 - h1, h1 - h0, h0 + h1 - 1);
    representation identity(3) UNSAT at n = 1 and SAT at n = 2 (see
    test_representation_hand_answers)."""
    want = {"xor-step-1": False, "xor-step-2": True, "id3-step-1": False,
            "id3-step-2": True, "rep-id3-1": False, "rep-id3-2": True,
            "perm3-free-1": False}
    suite = {c[0]: c for c in SUITE}
    for name, exp in want.items():
        _, task, shape = suite[name]
        assert solve(encode_sat(task, shape))[0] == exp, name


# ------------------------------------------------------------ DIMACS, decode

def test_dimacs_deterministic_and_header():
    for task, sh in ((uand(3), Shape("explicit", "step", n=2, B=1)),
                     (identity(3), Shape("superposed", "relu", n=2, L=0, codes="free", B=1)),
                     (XOR2, Shape("explicit", "relu", n=2, tolerance=1, B=1))):
        t1 = encode_sat(task, sh).to_dimacs()
        t2 = encode_sat(task, sh).to_dimacs()
        assert t1 == t2
        lines = t1.splitlines()
        assert lines[0].startswith("c ")
        m = re.fullmatch(r"p cnf (\d+) (\d+)", lines[1])
        assert m
        body = lines[2:]
        assert int(m.group(2)) == len(body)
        maxvar = 0
        for ln in body:
            lits = [int(t) for t in ln.split()]
            assert lits[-1] == 0 and 0 not in lits[:-1]
            maxvar = max([maxvar] + [abs(l) for l in lits[:-1]])
        assert maxvar <= int(m.group(1))


def test_dimacs_same_across_processes():
    """The CNF text does not depend on the interpreter's hash seed."""
    code = ("import hashlib;from superpos_formal.encode.sat import encode_sat;"
            "from superpos_formal.shape import Shape;from superpos_formal.tasks import uand;"
            "print(hashlib.sha256(encode_sat(uand(3),Shape('explicit','step',n=2,B=1))"
            ".to_dimacs().encode()).hexdigest())")
    here = hashlib.sha256(encode_sat(uand(3), Shape("explicit", "step", n=2, B=1))
                          .to_dimacs().encode()).hexdigest()
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == here


def test_decode_every_model_verifies():
    """Enumerate many models of small SAT cells; each decodes to a network
    that verify accepts and our evaluator agrees with."""
    cells = [(AND2, Shape("explicit", "step", n=1, B=1)),
             (ID2S1, Shape("explicit", "relu", n=1, B=1)),
             (identity(2), Shape("superposed", "relu", n=1, L=0, codes="free", B=1)),
             (AND2, Shape("superposed", "relu", n=1, codes="free", B=1))]
    for task, sh in cells:
        enc = encode_sat(task, sh, symmetry=False)
        seen = 0
        with Solver(name="glucose4", bootstrap_with=enc.clauses) as s:
            for model in s.enum_models():
                net = enc.decode(model)
                assert verify(net, task).ok
                assert own_errors(net, task) == 0
                seen += 1
                if seen >= 40:
                    break
        assert seen > 0


def test_family_encoding_shares_codes():
    """encode_family_sat: one E, R for all members, each member's network
    right for that member (permutations of 2 features, n = 1, relu: SAT,
    derived in test_family.py)."""
    tasks = [permutation(2, [0, 1]), permutation(2, [1, 0])]
    sh = Shape("superposed", "relu", n=1, codes="free", B=1)
    enc = encode_family_sat(tasks, sh)
    ok, model = solve(enc)
    assert ok
    E, R, nets = enc.decode_all(model)
    assert len(nets) == 2
    for t, net in zip(tasks, nets):
        assert [list(r) for r in net.E] == [list(r) for r in E]
        assert [list(r) for r in net.R] == [list(r) for r in R]
        assert own_errors(net, t) == 0


# ------------------------------------------------------------ input errors

def test_encoder_input_errors():
    with pytest.raises(InputError):
        encode_sat(AND2, Shape("explicit", "step", n=1, L=3, B=1))
    with pytest.raises(InputError):  # given E with 3 columns for m = 2
        encode_sat(AND2, Shape("superposed", "relu", n=1, codes="given",
                               E=[[1, 1, 1]], R=[[1]], B=1))
    with pytest.raises(InputError):  # readout with 2 rows for m' = 1
        encode_sat(AND2, Shape("superposed", "relu", n=1, codes="given",
                               E=[[1, 1]], R=[[1], [1]], B=1))
    with pytest.raises(InputError):
        encode_sat(AND2, Shape("explicit", "step", n=1, B=1), sums="bdd")
    with pytest.raises(InputError):  # an input outside X(2, 1)
        encode_sat(ID2S1, Shape("explicit", "step", n=1, B=1), inputs=[(1, 1)])
    with pytest.raises(InputError):
        encode_family_sat([], Shape("explicit", "step", n=1, B=1))
    with pytest.raises(InputError):
        encode_family_sat([AND2, uand(3)], Shape("explicit", "step", n=1, B=1))


def test_inputs_subset_relaxes():
    """Restricted to inputs 00, 10, 01 (dropping 11), XOR with one step unit
    is SAT (h = step(x0 + x1) agrees with XOR there)."""
    enc = encode_sat(XOR2, Shape("explicit", "step", n=1, B=1), inputs=[(0, 0), (1, 0), (0, 1)])
    ok, model = solve(enc)
    assert ok
    net = enc.decode(model)
    for x in [(0, 0), (1, 0), (0, 1)]:
        assert naive_eval(net, x) == XOR2(x)


def test_table_task_min_bits_cell():
    """x0 OR (x1 AND x2) on X(3, 2), one step unit: UNSAT at B = 1, SAT at
    B = 2 (derivation in test_search.test_min_bits)."""
    t = table(3, 2, fn=lambda x: [int(x[0] or (x[1] and x[2]))])
    for B in (1, 2):
        exp = brute_min_errors(t, mode="explicit", act="step", n=1, B=B) == 0
        assert exp == (B == 2)
        check_cell(t, Shape("explicit", "step", n=1, B=B), exp)
