"""Tests of superpos_formal.solve.count: counting realized functions.

Expected numbers come from the threshold-logic literature (typed in below
with their source) or are derived by hand in each test's docstring, never
from the code under test.

Measured on the development machine (2 shared cores), for the record:
``count_threshold_functions(4, 4, method=...)``: sat 0.42 s, cuts 0.07 s,
orbit 0.01 s; ``k = 5, B = 8``: orbit 0.12 s, cuts 6.5 s, sat 145.6 s
(94572, the same set as orbit) -- so the k = 5 literature test uses the
orbit method and SAT is compared as sets for k <= 4.
"""

import pytest

from superpos_formal.cli import main
from superpos_formal.encode import sat as sat_mod
from superpos_formal.solve import count as count_mod
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.network import Network
from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.count import (
    SUFFICIENT_B, count_functions, count_threshold_functions,
)

# OEIS A000609, "Number of threshold functions of n or fewer variables",
# n = 0..5. Sources: S. Muroga, Threshold Logic and Its Applications,
# Wiley 1971, p. 38, Table 2.3.2 (row 3); S.-T. Hu, Threshold Logic, 1965,
# p. 57; D. E. Knuth, TAOCP 4A, 7.1.1, p. 79.
A000609 = [2, 4, 14, 104, 1882, 94572]

# OEIS A003217, "Maximum of minimum total weight for threshold functions of
# n Boolean variables" (as a majority of N literals and constants),
# n = 0..5. Source: S. Muroga, Threshold Logic and Its Applications, 1971,
# p. 268. A minimum majority of N things uses each literal at most (N-1)/2
# times unless it is a single literal, so B = max(1, (N-1)//2) realizes
# every threshold function of n variables.
A003217 = [0, 1, 3, 5, 9, 17]
B_ENOUGH = [max(1, (N - 1) // 2) for N in A003217]   # 1, 1, 1, 2, 4, 8

# Functions of (x0, x1) as truth tables over domain(2, 2) = 00, 10, 01, 11.
XOR, XNOR = (0, 1, 1, 0), (1, 0, 0, 1)
ALL2 = {tuple((v >> i) & 1 for i in range(4)) for v in range(16)}
THRESHOLD2 = ALL2 - {XOR, XNOR}


def test_sufficient_b_matches_the_cited_bound():
    assert B_ENOUGH == [1, 1, 1, 2, 4, 8]
    assert list(SUFFICIENT_B[:6]) == B_ENOUGH


@pytest.mark.parametrize("k", range(6))
def test_threshold_counts_reproduce_the_literature(k):
    """A000609(k) for k = 0..5 with weights in [-B_k, B_k], B_k from A003217
    (bias unrestricted). k = 5 runs in about 0.1 s with the orbit method."""
    r = count_threshold_functions(k, B_ENOUGH[k], method="orbit")
    assert r.exact and r.count == A000609[k]
    assert r.certified is False


@pytest.mark.parametrize("k", range(5))
def test_threshold_counts_default_method(k):
    """``method="auto"`` (SAT for 1 <= k <= 4) and the default B give A000609 too."""
    r = count_threshold_functions(k)
    assert r.count == A000609[k] and r.exact


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_threshold_methods_agree_as_sets(k):
    """SAT enumeration, brute-force cuts and orbits give the same *set* of
    truth tables, not only the same number."""
    B = B_ENOUGH[k]
    sat = count_threshold_functions(k, B, method="sat", functions=True)
    cuts = count_threshold_functions(k, B, method="cuts", functions=True)
    orbit = count_threshold_functions(k, B, method="orbit", functions=True)
    assert sat.exact and sat.method == "sat-enumeration"
    assert set(sat.functions) == set(cuts.functions) == set(orbit.functions)
    assert sat.count == A000609[k]


@pytest.mark.parametrize("k,B", [(3, 1), (4, 2), (4, 3)])
def test_threshold_methods_agree_at_small_weights(k, B):
    """Below the sufficient bound the count is smaller; the three methods
    still compute the same set T_B."""
    sat = count_threshold_functions(k, B, method="sat", functions=True)
    orbit = count_threshold_functions(k, B, method="orbit", functions=True)
    cuts = count_threshold_functions(k, B, method="cuts", functions=True)
    assert set(sat.functions) == set(orbit.functions) == set(cuts.functions)


def test_threshold_count_stops_growing():
    """Supporting evidence for the weight bound (not the argument): the count
    is at the literature value from B = 3 (k = 4) and B = 5 (k = 5) on, and
    strictly below it one step earlier, so the bound is not vacuous."""
    k4 = [count_threshold_functions(4, B, method="orbit").count for B in (2, 3, 4, 5)]
    k5 = [count_threshold_functions(5, B, method="orbit").count for B in (4, 5, 6, 8)]
    assert k4 == [986, 1882, 1882, 1882]
    assert k5 == [62572, 94572, 94572, 94572]


def test_numpy_witnesses_check_with_the_exact_evaluator():
    """Every k <= 3 function (and a sample for k = 4) has a witness (w, b)
    that Network.evaluate confirms."""
    for k in range(4):
        count_threshold_functions(k, B_ENOUGH[k], method="orbit", verify_sample=1)
    count_threshold_functions(4, 3, method="cuts", verify_sample=37)


def test_one_step_neuron_on_x22_is_the_14_threshold_functions():
    """One step neuron ``[w0 x0 + w1 x1 + b > 0]`` over X(2, 2) = {0,1}^2.

    All 16 functions but XOR and XNOR: the 2 constants, the 4 literals, and
    for each of the 4 sign patterns of the literals an AND and an OR
    (``x0 AND ~x1 = [x0 - x1 > 0]``, ``x0 OR ~x1 = [x0 - x1 + 1 > 0]``, ...)
    = 2 + 4 + 8 = 14. XOR is not a threshold function: 10 and 01 on,
    00 and 11 off would need ``w0 + b > 0``, ``w1 + b > 0``, ``b <= 0``,
    ``w0 + w1 + b <= 0``; adding the first two and the last two gives
    ``w0 + w1 + 2b > 0 >= w0 + w1 + 2b``. XNOR likewise."""
    r = count_threshold_functions(2, 1, method="sat", functions=True)
    assert r.count == 14 and r.exact
    assert set(r.functions) == THRESHOLD2


def test_explicit_step_n1_over_x22_counts_14():
    """Explicit mode, one step neuron ``h = [w . x + b > 0]``, output
    ``y = [V h + c >= 1]``, all of w, b, V, c in [-1, 1], over X(2, 2).

    ``y`` is a function of the single bit ``h``: one of 0, 1, h, ~h (V=0,c=0;
    V=0,c=1; V=1,c=0; V=-1,c=1). ``h`` ranges over the threshold functions
    with ``|w_i|, |b| <= 1``: of the 14 (previous test) only NAND needs
    ``b = 2`` (``[2 - x0 - x1 > 0]``; with ``|w_i| <= 1`` NAND needs
    ``b > 0``, ``w_i >= 0`` and ``w0 + w1 + b <= 0``, impossible), and its
    complement AND = ``[x0 + x1 - 1 > 0]`` is in range, so with ``y = ~h``
    every one of the 14 threshold functions appears. Nothing else can: 0, 1, h, ~h of a
    threshold h is a threshold function (the class is closed under
    complement). So 14 = 16 - {XOR, XNOR}."""
    r = count_functions(2, 1, 2, Shape("explicit", "step", n=1, B=1), functions=True)
    assert r.exact and r.count == 14
    assert {tuple(y[0] for y in f) for f in r.functions} == THRESHOLD2


def test_explicit_step_n1_two_outputs_counts_76():
    """Same neuron, two outputs ``y_j = [V_j h + c_j >= 1]`` over X(2, 2).

    Each ``y_j`` is 0, 1, h or ~h for the one shared ``h``, and (previous
    test) ``{h, ~h}`` can be any pair {f, ~f} with f one of the 12
    non-constant threshold functions. Pairs (y0, y1): both constant: 4;
    y0 non-constant (12 ways) and y1 in {0, 1, y0, ~y0}: 48; y0 constant
    (2) and y1 non-constant (12): 24. Total 4 + 48 + 24 = 76."""
    r = count_functions(2, 2, 2, Shape("explicit", "step", n=1, B=1), functions=True)
    assert r.exact and r.count == 76
    # and the structure, not only the number: y1 in {0, 1, y0, ~y0} or y0 constant
    for f in r.functions:
        y0 = tuple(y[0] for y in f)
        y1 = tuple(y[1] for y in f)
        const = {(0,) * 4, (1,) * 4}
        assert y0 in THRESHOLD2 and y1 in THRESHOLD2
        assert y0 in const or y1 in const | {y0, tuple(1 - v for v in y0)}


def test_explicit_relu_n1_on_x11_counts_all_4():
    """m = 1, s = 1: X = {0, 1}. ``y = [V relu(w x + b) + c >= 1]`` gives 0
    (all zero), 1 (c = 1), x (w=1, b=0, V=1) and ~x (w=-1, b=1, V=1): all
    4 functions {0,1} -> {0,1}."""
    r = count_functions(1, 1, 1, Shape("explicit", "relu", n=1, B=1))
    assert r.exact and r.count == 4


def test_limit_and_time_limit_give_lower_bounds():
    sh = Shape("explicit", "step", n=1, B=1)
    r = count_functions(2, 1, 2, sh, limit=3)
    assert r.count == 3 and not r.exact
    assert str(r) == "at least 3" and r.text.startswith("at least 3")
    r = count_threshold_functions(5, 8, SolveOptions(time_limit=1.0), method="sat")
    assert not r.exact and str(r).startswith("at least ")
    assert r.count < 94572 and r.seconds < 10


def test_lying_decoder_is_a_soundness_error(monkeypatch):
    """If a decoded network does not compute the function the output
    literals claim, counting must stop with SoundnessError."""
    real = sat_mod.encode_architecture
    const0 = Network.explicit(2, 1, "step", [([[0, 0]], [0])], [[0]], [0], B=1)

    def fake(*a, **kw):
        enc = real(*a, **kw)
        enc.decode = lambda model: const0
        return enc

    monkeypatch.setattr(sat_mod, "encode_architecture", fake)
    # count.py imports the encoder at its top: patch the name it calls
    monkeypatch.setattr(count_mod, "encode_architecture", fake)
    with pytest.raises(SoundnessError):
        count_functions(2, 1, 2, Shape("explicit", "step", n=1, B=1))


def test_bad_input():
    with pytest.raises(InputError):
        count_threshold_functions(3, 1, method="nope")
    with pytest.raises(InputError):
        count_threshold_functions(0, 1, method="sat")
    with pytest.raises(InputError):
        count_functions(0, 1, 1, Shape("explicit", "step", n=1, B=1))


# ------------------------------------------------------------------ CLI

def test_cli_count_threshold(capsys):
    assert main(["count", "--threshold", "4"]) == 0
    out = capsys.readouterr().out
    assert "count: 1882 (exact" in out


def test_cli_count_architecture_and_at_least(capsys):
    assert main(["count", "--m", "2", "--m-out", "1", "--s", "2",
                 "--activation", "step", "--n", "1", "--B", "1"]) == 0
    assert "count: 14 (exact" in capsys.readouterr().out
    assert main(["count", "--m", "2", "--m-out", "1", "--s", "2",
                 "--activation", "step", "--limit", "2"]) == 0
    assert "count: at least 2" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["count", "--m", "x", "--m-out", "1", "--s", "1"],
    ["count", "--m", "2", "--s", "1"],
    ["count", "--threshold", "3", "--m", "2"],
    ["count", "--threshold", "3", "--method", "magic"],
    ["count", "--m", "2", "--m-out", "1", "--s", "1", "--mode", "dense"],
    ["count", "--m", "2", "--m-out", "1", "--s", "1", "--time-limit", "-1"],
])
def test_cli_count_bad_input_is_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: ")


# ------------------------------------------------------------------ brute force

def _brute_functions(m, m_out, s, shape):
    """Every network of ``shape`` with every parameter in its range, written
    out here (no encoder): the set of functions they compute on X(m, s)."""
    import itertools as it

    from superpos_formal.domain import domain

    X = domain(m, s)
    n, L = shape.n, shape.L
    rw, rb = range(-shape.B, shape.B + 1), range(-shape.B_bias, shape.B_bias + 1)
    rc = range(-shape.B_code, shape.B_code + 1)
    sup = shape.mode == "superposed"
    d, d_out = (n, n) if sup else (m, m_out)
    # slots: (range, count) in a fixed order
    slots = []
    if sup:
        slots += [rc] * (n * m) + [rc] * (m_out * n)
    prev = d
    for _ in range(L):
        slots += [rw] * (n * prev) + [rb] * n
        prev = n
    slots += [rw] * (d_out * n) + [rb] * d_out
    out = set()
    for vals in it.product(*slots):
        v = iter(vals)
        take = lambda r, c: [[next(v) for _ in range(c)] for _ in range(r)]
        if sup:
            E, R = take(n, m), take(m_out, n)
        prev_w, layers = d, []
        for _ in range(L):
            W = take(n, prev_w)
            layers.append((W, take(1, n)[0]))
            prev_w = n
        V, c = take(d_out, n), take(1, d_out)[0]
        if sup:
            net = Network.superposed(E, R, shape.activation, layers, V, c, B=shape.B,
                                     B_bias=shape.B_bias, B_code=shape.B_code)
        else:
            net = Network.explicit(m, m_out, shape.activation, layers, V, c, B=shape.B,
                                   B_bias=shape.B_bias)
        out.add(tuple(net.evaluate(x) for x in X))
    return out


@pytest.mark.parametrize("m,m_out,s,shape", [
    (2, 1, 2, Shape("explicit", "relu", n=1, B=1)),
    (2, 1, 2, Shape("explicit", "relu", n=2, B=1)),
    (3, 1, 1, Shape("explicit", "step", n=1, B=1, B_bias=2)),
    (2, 1, 2, Shape("explicit", "step", n=1, L=2, B=1)),
    (2, 2, 1, Shape("superposed", "relu", n=1, B=1, codes="free")),
    (3, 2, 1, Shape("superposed", "step", n=1, B=1, codes="free")),
    (2, 1, 2, Shape("explicit", "relu", n=1, B=2, theta=2)),
    (2, 1, 2, Shape("superposed", "relu", n=1, B=1, B_code=2, codes="free")),
])
def test_count_equals_brute_force_over_all_weights(m, m_out, s, shape):
    """The enumerated set is exactly the set reached by trying every weight
    setting (and, with free codes, every code): the encoder loses no function
    (symmetry breaking included) and invents none."""
    r = count_functions(m, m_out, s, shape, functions=True)
    assert r.exact
    assert set(r.functions) == _brute_functions(m, m_out, s, shape)
