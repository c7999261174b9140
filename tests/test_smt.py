"""Tests of the literal z3 encoding (superpos_formal.encode.smt).

Every expected answer here is derived by hand (in the test's docstring) or
by a brute-force enumeration of all weights written in this file, never by
the code under test.
"""

import itertools

import pytest
import z3

from superpos_formal.domain import domain
from superpos_formal.encode import smt as smt_mod
from superpos_formal.encode.smt import encode_smt
from superpos_formal.solve.smt import solve_smt
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.network import Network
from superpos_formal.shape import Shape
from superpos_formal.tasks import and_pairs, identity, table, uand, xor_pairs
from superpos_formal.verify import verify

TACTICS = ["default", "qffd"]


# ---------------------------------------------------------------- helpers

def _relu(t):
    return t if t > 0 else 0


def _step(t):
    return 1 if t > 0 else 0


def _decide_in_process(task, shape, tactic="default", symmetry=False):
    """encode_smt + z3 in this process (no fork): for the many small
    brute-force comparisons. Returns (status, network or None)."""
    enc = encode_smt(task, shape, symmetry=symmetry)
    s = z3.SolverFor("QF_FD") if tactic == "qffd" else z3.Solver()
    s.add(enc.assertions)
    r = s.check()
    if r == z3.sat:
        return "SAT", enc.decode(s.model())
    assert r == z3.unsat
    return "UNSAT", None


# ------------------------------------------------------- hand-derived cells

@pytest.mark.parametrize("tactic", TACTICS)
def test_and_one_step_neuron(tactic):
    """x0 AND x1 on X(2, 2), explicit, step, n = 1.

    B = 1: SAT, e.g. h = [x0 + x1 - 1 > 0], y = [h >= 1] (V = 1, c = 0).
    B = 0: every weight and bias is 0, so z = 0 < 1 and y = 0 on (1, 1),
    where AND is 1: UNSAT.
    """
    task = and_pairs(2, [(0, 1)], s=2)
    r = solve_smt(task, Shape("explicit", "step", n=1, B=1), tactic=tactic)
    assert r.status == "SAT" and r.certified
    assert r.network.widths == (1,)
    # the expected truth table, written out
    assert [r.network.evaluate(x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]] == \
        [(0,), (0,), (0,), (1,)]
    r0 = solve_smt(task, Shape("explicit", "step", n=1, B=0), tactic=tactic)
    assert r0.status == "UNSAT"
    assert r0.certified is False and r0.network is None


@pytest.mark.parametrize("tactic", TACTICS)
@pytest.mark.parametrize("symmetry", [False, True])
def test_xor_needs_two_step_neurons(tactic, symmetry):
    """x0 XOR x1 on X(2, 2) = {00, 10, 01, 11}, explicit, step.

    n = 1: UNSAT for every B. The one hidden unit h is a threshold function
    of x; the output y = [V h + c >= 1] of one Boolean h is h, NOT h or a
    constant. XOR is not linearly separable (the four points' XOR labels
    are the diagonal pattern), nor is its complement, nor is it constant.
    n = 2, B = 1: SAT, e.g. h1 = [x0 + x1 > 0] (OR), h2 = [x0 + x1 - 1 > 0]
    (AND), y = [h1 - h2 >= 1].
    """
    task = xor_pairs(2, [(0, 1)], s=2)
    assert solve_smt(task, Shape("explicit", "step", n=1, B=2), tactic=tactic,
                     symmetry=symmetry).status == "UNSAT"
    r = solve_smt(task, Shape("explicit", "step", n=2, B=1), tactic=tactic,
                  symmetry=symmetry)
    assert r.status == "SAT"
    assert [r.network.evaluate(x)[0] for x in [(0, 0), (1, 0), (0, 1), (1, 1)]] == [0, 1, 1, 0]
    if symmetry:  # the rows (W1 row, b1) come out lexicographically sorted
        W, b = r.network.layers[0]
        rows = [list(W[k]) + [b[k]] for k in range(2)]
        assert rows[0] <= rows[1]


@pytest.mark.parametrize("tactic", TACTICS)
def test_xor_two_hidden_layers(tactic):
    """XOR on X(2, 2), explicit, step, L = 2.

    n = 1: UNSAT: the second layer's unit is a function of the first layer's
    single Boolean h1, so the output is again a function of one threshold
    function (h1, NOT h1, constant); XOR is none of these.
    n = 2, B = 1: SAT: layer 1 = (OR, AND) as in the L = 1 case, layer 2
    unit 1 = [h1 - h2 > 0] = XOR, unit 2 anything, V = (1, 0), c = 0.
    """
    task = xor_pairs(2, [(0, 1)], s=2)
    assert solve_smt(task, Shape("explicit", "step", n=1, L=2, B=2),
                     tactic=tactic).status == "UNSAT"
    r = solve_smt(task, Shape("explicit", "step", n=2, L=2, B=1), tactic=tactic)
    assert r.status == "SAT" and r.network.depth == 2


@pytest.mark.parametrize("tactic", TACTICS)
def test_representation_identity3(tactic):
    """Representation of identity(3) on X(3, 1): superposed, L = 0, free codes
    in [-1, 1]. y = [R E x >= 1] = x on {0, e0, e1, e2} means M = R E has
    diagonal >= 1 and off-diagonal <= 0 (x = 0 gives 0 < 1 for free).

    n = 1: M = r e^T. M_ii >= 1 forces r_i, e_i nonzero with equal signs;
    M_ij <= 0 (i != j) then forces sign(e_i) != sign(e_j) for all i != j:
    three pairwise different signs out of two, impossible: UNSAT.
    n = 2: SAT, e.g. columns of E: (1,0), (0,1), (-1,-1) and R = E^T, so
    M = [[1,0,-1],[0,1,-1],[-1,-1,2]].
    And identity(2) at n = 1 is SAT: e = (1,-1), r = (1,-1).
    """
    sh = dict(mode="superposed", activation="relu", L=0, codes="free", B=1)
    assert solve_smt(identity(3), Shape(n=1, **sh), tactic=tactic).status == "UNSAT"
    r = solve_smt(identity(3), Shape(n=2, **sh), tactic=tactic)
    assert r.status == "SAT"
    assert len(r.network.E) == 2 and r.network.layers == ()
    for i, x in enumerate(domain(3, 1)):
        assert r.network.evaluate(x) == x, i
    assert solve_smt(identity(2), Shape(n=1, **sh), tactic=tactic).status == "SAT"


@pytest.mark.parametrize("tactic", TACTICS)
def test_given_codes_relu_vs_step(tactic):
    """identity(2) on X(2, 1), superposed, n = 1, given E = [[1, -1]],
    R = [[1], [-1]]. a0 = x0 - x1 is -1, 0, 1 at e1, 0, e0. Need (Rz) =
    (z, -z): z(0) = 0 (both off), z(e0) >= 1, z(e1) <= -1: z takes three
    distinct values, z = v h + c is affine in the one hidden value h.

    step: h has two values, so z has at most two: UNSAT at every B.
    relu, B = 1: SAT with h = relu(a0 + 1) = (0, 1, 2), z = h - 1 = (-1, 0, 1).
    """
    E, R = [[1, -1]], [[1], [-1]]
    task = identity(2)
    for act, want in (("step", "UNSAT"), ("relu", "SAT")):
        sh = Shape("superposed", act, n=1, B=1, codes="given", E=E, R=R)
        r = solve_smt(task, sh, tactic=tactic)
        assert r.status == want, act
        if want == "SAT":
            assert r.network.E == ((1, -1),) and r.network.R == ((1,), (-1,))


@pytest.mark.parametrize("tactic", TACTICS)
def test_tolerance_relaxes(tactic):
    """XOR on X(2, 2), explicit step n = 1 (UNSAT exactly, see above).
    tolerant(1): SAT: h = OR(x0, x1), y = h differs from XOR only at (1, 1),
    one wrong bit. The returned network must have exactly 1 wrong bit
    (0 is impossible since exact is UNSAT)."""
    task = xor_pairs(2, [(0, 1)], s=2)
    r = solve_smt(task, Shape("explicit", "step", n=1, B=1, tolerance=1), tactic=tactic)
    assert r.status == "SAT"
    assert verify(r.network, task).errors == 1
    assert solve_smt(task, Shape("explicit", "step", n=1, B=1, tolerance=0),
                     tactic=tactic).status == "UNSAT"


def test_time_limit_gives_unknown():
    """uand(6), explicit step n = 4, B = 2: a naive SAT encoding
    (offset binary + pysat.pb) left this UNSAT cell undecided for 25 minutes; z3 cannot decide it in 0.5 s.
    The limit is hard: the answer comes back well within a second after it."""
    r = solve_smt(uand(6), Shape("explicit", "step", n=4, B=2), time_limit=0.5)
    assert r.status == "UNKNOWN"
    assert r.network is None and not r.certified
    assert r.seconds < 2.0


def test_partial_inputs_encode_only_those():
    """XOR restricted to inputs {00, 10, 01} is OR there: one step neuron does
    it (the encoding of a subset is satisfiable although XOR is not)."""
    task = xor_pairs(2, [(0, 1)], s=2)
    sub = [(0, 0), (1, 0), (0, 1)]
    enc = encode_smt(task, Shape("explicit", "step", n=1, B=1), inputs=sub)
    s = z3.Solver()
    s.add(enc.assertions)
    assert s.check() == z3.sat
    net = enc.decode(s.model())
    assert [net.evaluate(x)[0] for x in sub] == [0, 1, 1]
    assert net.evaluate((1, 1))[0] == 1  # cannot be XOR on all of X


def test_bad_model_is_soundness_error(monkeypatch):
    """A decoder returning a wrong network must raise, never be returned."""
    wrong = Network.explicit(2, 1, "step", [([[0, 0]], [0])], [[0]], [0], B=1)
    monkeypatch.setattr(smt_mod.SmtEncoding, "decode", lambda self, model: wrong)
    with pytest.raises(SoundnessError):
        solve_smt(and_pairs(2, [(0, 1)], s=2), Shape("explicit", "step", n=1, B=1))


def test_bad_tactic_is_input_error():
    with pytest.raises(InputError):
        solve_smt(and_pairs(2, [(0, 1)], s=2), Shape("explicit", "step", n=1, B=1), tactic="nope")


# ------------------------------------------------------------- brute force

def _brute_explicit(m, s, act, L, B):
    """All truth tables (one output) on X(m, s) realised by an explicit
    network with L hidden layers of width 1, weights and biases in [-B, B],
    found by enumerating every weight assignment."""
    sig = _relu if act == "relu" else _step
    X = domain(m, s)
    vals = range(-B, B + 1)
    n_params = (m + 1) + 2 * (L - 1) + 2  # W1,b1 ; (w,b) per extra layer ; V,c
    out = set()
    for p in itertools.product(vals, repeat=n_params):
        W1, b1 = p[:m], p[m]
        rest = p[m + 1:]
        row = []
        for x in X:
            h = sig(sum(w * xi for w, xi in zip(W1, x)) + b1)
            for l in range(L - 1):
                h = sig(rest[2 * l] * h + rest[2 * l + 1])
            z = rest[-2] * h + rest[-1]
            row.append(1 if z >= 1 else 0)
        out.add(tuple(row))
    return out


@pytest.mark.parametrize("act,L", [("relu", 1), ("step", 1), ("relu", 2)])
def test_agrees_with_brute_force_explicit(act, L):
    """Every one of the 16 one-output tables on X(2, 2): SMT SAT iff the
    enumeration of all weights in [-1, 1] realises it (n = 1)."""
    m, s, B = 2, 2, 1
    real = _brute_explicit(m, s, act, L, B)
    assert 0 < len(real) < 16  # XOR is never realised: the cell is not trivial
    for bits in itertools.product((0, 1), repeat=len(domain(m, s))):
        task = table(m, s, outputs=[[b] for b in bits])
        sh = Shape("explicit", act, n=1, L=L, B=B)
        for tactic, sym in (("default", False), ("qffd", True)):
            st, net = _decide_in_process(task, sh, tactic, sym)
            assert st == ("SAT" if bits in real else "UNSAT"), (bits, tactic)
            if net is not None:
                assert tuple(net.evaluate(x)[0] for x in domain(m, s)) == bits


def _brute_representation(m, s, n, Bc):
    """All 2-output... m-output tables on X(m, s) of [R E x >= 1] with E
    (n x m), R (m x n) entries in [-Bc, Bc], by enumeration."""
    X = domain(m, s)
    vals = range(-Bc, Bc + 1)
    out = set()
    for e in itertools.product(vals, repeat=n * m):
        E = [e[i * m:(i + 1) * m] for i in range(n)]
        codes = [[sum(E[i][k] * x[k] for k in range(m)) for i in range(n)] for x in X]
        for r in itertools.product(vals, repeat=m * n):
            R = [r[j * n:(j + 1) * n] for j in range(m)]
            out.add(tuple(tuple(1 if sum(R[j][i] * a[i] for i in range(n)) >= 1 else 0
                                for j in range(m)) for a in codes))
    return out


def test_agrees_with_brute_force_representation():
    """Representation cells (superposed, L = 0, free codes in [-1, 1]) on
    X(2, 2) with n = 1: every 2-output table, SAT iff enumeration finds it."""
    m, s, n = 2, 2, 1
    real = _brute_representation(m, s, n, 1)
    X = domain(m, s)
    tables = list(itertools.product(itertools.product((0, 1), repeat=m), repeat=len(X)))
    assert 0 < len(real) < len(tables)
    sh = Shape("superposed", "relu", n=n, L=0, codes="free", B=1)
    for rows in tables:
        task = table(m, s, outputs=[list(y) for y in rows])
        st, net = _decide_in_process(task, sh, "qffd")
        assert st == ("SAT" if rows in real else "UNSAT"), rows
        if net is not None:
            assert tuple(net.evaluate(x) for x in X) == rows
