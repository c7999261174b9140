"""The native DRAT check fed step by step (certify/proofcheck/native.py): the same
steps, formula and verdicts as dratify's own path, without holding the proof
as Python objects."""

import random
import tracemalloc

import dratify
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.certify.proofcheck import native as N

TOKENS = ["1", "-1", "2", "-2", "3", "0", "0", "0", "d", "d1", "d-2", "d0", "c", "x", "00",
          "+2", "-0", "1_0", "7", " ", " ", "\n", "\n", "\r\n", "\t"]


def dratify_steps(text):
    return [(k == "d", list(l)) for k, l in dratify.parse_proof(text)]


def ours(text, limit=None):
    return list(N.iter_proof_steps(text, limit))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from([4, 1 << 20]),
       st.booleans())
def test_parser_agrees_with_dratify_on_any_token_soup(toks, chunk, spaced):
    text = " ".join(toks) if spaced else "".join(
        t if t in (" ", "\n", "\r\n", "\t") else t + " " for t in toks)
    old = N.CHUNK_CHARS
    N.CHUNK_CHARS = chunk  # tiny chunks: lines cut across chunks must not change anything
    try:
        try:
            want = dratify_steps(text)
        except ValueError:
            with pytest.raises(ValueError):
                ours(text)
            return
        assert ours(text) == want
    finally:
        N.CHUNK_CHARS = old


def test_parser_hand_cases():
    # a clause across lines, two clauses on a line, a comment, a deletion
    assert ours("1\n-2 0 3 0\nc 5 0\nd 1 -2 0\n0\n") == [
        (False, [0, 3]), (False, [4]), (True, [0, 3]), (False, [])]
    for bad in ("1 2\n", "1 d 2 0\n", "1 x 0\n", "d\n"):
        with pytest.raises(ValueError):
            ours(bad)


def _random_cnf(rng, nvars, k):
    return [[rng.choice([-1, 1]) * rng.randint(1, nvars) for _ in range(rng.randint(1, 3))]
            for _ in range(k)]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10 ** 9))
def test_verdicts_agree_with_dratify(seed):
    """Random formulas (repeats, tautologies included) and random proofs,
    some refutations, some not: the same verdict and failing step."""
    rng = random.Random(seed)
    nvars = rng.randint(1, 5)
    F = _random_cnf(rng, nvars, rng.randint(1, 14))
    steps = []
    for _ in range(rng.randint(0, 8)):
        c = [rng.choice([-1, 1]) * rng.randint(1, nvars + 1) for _ in range(rng.randint(0, 2))]
        steps.append(("d " if rng.random() < 0.2 else "") + " ".join(map(str, c + [0])))
    if rng.random() < 0.5:
        steps.append("0")
    text = "\n".join(steps) + "\n"
    f = dratify.CNF(nvars)
    for c in F:
        f.add_dimacs(c)
    N.register_native()
    try:
        want = dratify.check_proof(f, text, engine="native")
    except ValueError:
        with pytest.raises(ValueError):
            N.check_native(nvars, F, text)
        return
    got = N.check_native(nvars, F, text)
    assert (got.ok, got.failed_step, got.failed_clause, got.steps, got.deletions) == (
        want.ok, want.failed_step, want.failed_clause, want.steps, want.deletions)


def test_formula_normalised_as_dratify_does():
    F = [[1, 1, -2], [3, -3], [2, -1, 2], [4]]
    f = dratify.CNF(1)
    for c in F:
        f.add_dimacs(c)
    assert [tuple(c) for c in N._Formula(F)] == f.clauses
    # the variable count grows as dratify's does (4 from [4]; 3 from the
    # tautology, seen before it is dropped)
    assert max(N._clause(c)[1] for c in F) == f.nvars == 4


def test_a_literal_beyond_the_bound_is_not_a_proof():
    # dratify's bound: the formula's variables plus the text's length
    text = "99999 0\n0\n"
    with pytest.raises(ValueError, match="beyond"):
        N.check_native(2, [[1], [-1]], text)
    with pytest.raises(ValueError):
        f = dratify.CNF(2)
        f.add_dimacs([1])
        f.add_dimacs([-1])
        N.register_native()
        dratify.check_proof(f, text, engine="native")
    recs = D.check_drat([[1], [-1]], text=text, checkers=("native",))
    assert recs[0].verdict == D.REJECTED and "does not parse" in recs[0].reason


def test_check_holds_no_python_copy_of_the_proof():
    """The memory bug of cube workers: dratify.check_proof(text) holds the
    parsed proof as Python objects (about 1 KB per line, measured 6.2 GB for
    a 4.7 M-line cube proof). Fed step by step, the Python objects alive at
    once are bounded by a chunk of lines, whatever the proof's length: here
    100,000 lines must not cost 10 MB of Python allocations beyond the text
    (the old path allocates over 50 MB on this proof)."""
    rng = random.Random(7)
    F = [[1], [-1]] + [[v, -v - 1] for v in range(300, 1300)]  # F is refuted by units
    lines = [" ".join(str(rng.choice([-1, 1]) * rng.randint(300, 1300)) for _ in range(5))
             + " 0" for _ in range(100_000)]
    text = "\n".join(lines + ["0"]) + "\n"
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        recs = D.check_drat(F, text=text, checkers=("native",))
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert recs[0].verdict == D.VERIFIED, recs[0].reason
    assert peak < 10 * 2 ** 20, f"{peak / 2 ** 20:.1f} MB of Python objects during the check"
