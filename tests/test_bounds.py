"""Tests of superpos_formal.bounds: exact family sizes, architecture bits,
the counting bound, the asymptotic expressions, and their CLI commands.

Sizes are compared with ``math.factorial`` / ``math.comb`` integers and
with brute-force enumeration of the family members; parameter counts are
derived by hand in the docstrings.
"""

import math

import pytest
import sympy as sp

from superpos_formal import tasks as T
from superpos_formal.bounds import (
    M_OUT, N_SYM, architecture_bits, architecture_settings, asymptotics,
    counting_bound_check, counting_min_width, distinct_members, log2_bracket,
    log2_family_size, parameter_counts, tabulate,
)
from superpos_formal.cli import main
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.shape import Shape
from superpos_formal.options import SolveOptions


def _check_log(r, N):
    """floor/ceil/bracket of log2 N by integer comparisons only."""
    assert r.size == N
    assert 2 ** r.floor <= N < 2 ** (r.floor + 1)
    assert 2 ** (r.ceil - 1) < N <= 2 ** r.ceil if N > 1 else r.ceil == 0
    lo, hi = r.lower, r.upper
    # 2^(p/q) <= N  <=>  2^p <= N^q  (p, q integers)
    assert 2 ** lo.p <= N ** lo.q
    assert N ** hi.q < 2 ** hi.p
    assert sp.simplify(2 ** r.expr - N) == 0


@pytest.mark.parametrize("m", range(1, 9))
def test_log2_permutations_exact(m):
    _check_log(log2_family_size(T.permutation_family(m)), math.factorial(m))


@pytest.mark.parametrize("m,k", [(3, 1), (3, 2), (3, 3), (4, 1), (4, 3), (4, 6), (6, 5)])
def test_log2_pair_sets_exact(m, k):
    _check_log(log2_family_size(T.pair_set_family(m, k)), math.comb(math.comb(m, 2), k))


def test_log2_bracket_and_power_of_two():
    assert log2_bracket(24, 4) == (sp.Rational(9, 2), sp.Rational(19, 4))
    r = log2_family_size(T.permutation_family(2))      # 2! = 2
    assert (r.floor, r.ceil, r.lower) == (1, 1, 1)
    assert r.bits_suffice(1) and not r.bits_suffice(0)
    with pytest.raises(InputError):
        log2_bracket(0)


@pytest.mark.parametrize("fam", [
    T.permutation_family(3, 0), T.permutation_family(3, 1), T.permutation_family(4, 2),
    T.pair_set_family(4, 2, 1, "and"), T.pair_set_family(4, 2, 2, "and"),
    T.pair_set_family(4, 3, 1, "or"), T.pair_set_family(4, 2, 1, "xor"),
    T.pair_set_family(4, 2, 0, "or"),
])
def test_distinct_members_by_brute_force(fam):
    """The closed forms against deduplicating the members' truth tables."""
    assert distinct_members(fam) == len({t.outputs for t in fam.members()})


def test_parameter_counts_by_hand():
    """Explicit relu, m = m' = 3, n = 3: W 3x3 + V 3x3 = 18 weights,
    b (3) + c (3) = 6 biases. Superposed n = 2, L = 2: W1, W2, V each 2x2 =
    12 weights, b1, b2, c = 6 biases. L = 0: no per-member parameters."""
    assert parameter_counts(Shape("explicit", "relu", n=3, B=1), 3, 3) == (18, 6)
    sh = Shape("superposed", "relu", n=2, L=2, codes="free", B=1)
    assert parameter_counts(sh, 5, 7) == (12, 6)
    assert parameter_counts(Shape("superposed", "relu", n=2, L=0, codes="free", B=1), 4, 4) == (0, 0)
    # bits: B = 1 -> 2 bits per weight, B_bias = 3 -> 3 bits per bias
    sh = Shape("explicit", "relu", n=3, B=1, B_bias=3)
    assert architecture_bits(sh, 3, 3) == 18 * 2 + 6 * 3
    assert architecture_settings(sh, 3, 3) == 3 ** 18 * 7 ** 6
    assert architecture_settings(sh, 3, 3) <= 2 ** architecture_bits(sh, 3, 3)


SMALL = Shape("superposed", "relu", n=1, B=1, B_bias=0, codes="free")
# n = 1: W (1x1), V (1x1): 2 weights in [-1, 1]; b, c in [0, 0]: 9 settings, 4 bits


def test_counting_check_raises_on_a_fabricated_overclaim():
    """All 24 permutations of 4 features are 24 different functions on
    X(4, 1); SMALL has 3^2 = 9 weight settings, so claiming the family is
    computable is a contradiction."""
    assert architecture_settings(SMALL, 4, 4) == 9 and architecture_bits(SMALL, 4, 4) == 4
    fam = T.permutation_family(4)
    with pytest.raises(SoundnessError):
        counting_bound_check(fam, SMALL, 4, 4)
    chk = counting_bound_check(fam, SMALL, claimed_computable=False)
    assert chk.rules_out and chk.distinct == 24 and chk.settings == 9
    # 3! = 6 <= 9: not ruled out, no error
    assert not counting_bound_check(T.permutation_family(3), SMALL).rules_out


def test_counting_check_with_tolerance_does_not_apply():
    sh = Shape("superposed", "relu", n=1, B=1, B_bias=0, codes="free", tolerance=1)
    chk = counting_bound_check(T.permutation_family(4), sh)
    assert not chk.applies and not chk.rules_out


def test_counting_check_bad_sizes():
    with pytest.raises(InputError):
        counting_bound_check(T.permutation_family(4), SMALL, 3, 3)


def test_counting_min_width():
    """Permutations of 5: 120 members. Superposed n, L = 1, B = 1, B_bias = 0:
    2 n^2 weights -> 3^(2n^2) settings: n = 1 gives 9 < 120, n = 2 gives
    3^8 = 6561 >= 120."""
    sh = Shape("superposed", "relu", n=1, B=1, B_bias=0, codes="free")
    assert counting_min_width(T.permutation_family(5), sh) == 2


def test_counting_agrees_with_the_family_solver():
    """Where counting rules a family out, the SAT family solver must not find
    it computable (permutations of 4 at SMALL: counting says impossible)."""
    family = pytest.importorskip("superpos_formal.solve.family")
    cell = family.decide_family(T.permutation_family(4), SMALL, SolveOptions(time_limit=60))
    assert cell.status in ("UNSAT", "UNKNOWN")


def test_asymptotic_expressions():
    e = asymptotics()
    x, n = M_OUT, N_SYM
    assert sp.simplify(e["neurons_lower"] ** 2 - x * sp.log(x)) == 0
    assert sp.simplify(e["params_lower"] - x * sp.log(x)) == 0
    assert sp.simplify(e["and_upper_neurons"] - sp.sqrt(x) * sp.log(x)) == 0
    assert sp.simplify(e["and_upper_params"] - x * sp.log(x) ** 2) == 0
    assert sp.simplify(e["capacity"] - n ** 2 / sp.log(n)) == 0
    assert sp.simplify(e["representation"] - sp.log(x)) == 0
    # the lower bound sits below the AND upper bound for m' >= 3 (log m' > 1)
    rows = tabulate([4, 8, 16], minima={4: 2})
    for r in rows:
        assert r["value"]["neurons_lower"] <= r["value"]["and_upper_neurons"]
        assert sp.simplify(r["exact"]["params_lower"] - r["m_out"] * sp.log(r["m_out"])) == 0
        assert r["log2_perm_family_floor"] == math.factorial(r["m_out"]).bit_length() - 1
    assert rows[0]["minimum"] == 2 and "ratio" in rows[0] and rows[1]["minimum"] is None
    with pytest.raises(InputError):
        tabulate([1])


# ------------------------------------------------------------------ CLI

def test_cli_bounds_table(capsys):
    assert main(["bounds", "--m-out", "4,8"]) == 0
    out = capsys.readouterr().out
    assert "neurons_lower" in out and "and_upper_params" in out
    row4 = [l for l in out.splitlines() if l.split() and l.split()[0] == "4"]
    assert row4 and row4[0].split()[1] == "4"          # floor(log2 4!) = 4


def test_cli_capacity_counting_only(capsys):
    assert main(["capacity", "--family", "permutations", "--n", "1", "--B", "1",
                 "--B-bias", "0", "--m-out-max", "4", "--counting-only"]) == 0
    out = capsys.readouterr().out
    lines = {l.split()[1]: l for l in out.splitlines() if l.split() and l.split()[0].isdigit()}
    assert "not ruled out" in lines["3"] and "UNSAT(counting)" in lines["4"]


@pytest.mark.parametrize("argv", [
    ["bounds", "--m-out", "4,x"],
    ["bounds", "--m-out", "1"],
    ["bounds", "--minima", "4=3"],
    ["capacity", "--family", "trees", "--n", "1"],
    ["capacity", "--family", "pair-sets", "--n", "1"],
    ["capacity", "--family", "permutations"],
    ["capacity", "--family", "pair-sets", "--m", "3", "--n", "1", "--m-out-max", "9"],
])
def test_cli_bad_input_is_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: ")


def test_cli_help_everywhere(capsys):
    for cmd in ("count", "capacity", "bounds"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert "--" in out


@pytest.mark.parametrize("argv, want", [
    (["--family", "permutations", "--n", "2", "--m-out-max", "2"],
     "computable for every m' in 1..2 (2 is the --m-out-max cap: larger m' were not tried)"),
    (["--family", "pair-sets", "--m", "3", "--n", "3"],
     "computable for every m' in 1..3 (3 = C(m,2): there is no larger m')"),
])
def test_cli_capacity_says_when_the_range_end_is_a_cap(capsys, argv, want):
    """issue 21: "computable for every m' in 1..4" read as a result; 4 was the cap."""
    assert main(["capacity", "--B", "1"] + argv) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == want + (
        " at n=2" if "permutations" in argv else " at n=3")
