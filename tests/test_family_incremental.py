"""Incremental family CEGIS: same answers as fresh solves, checked proofs,
and the clause-prefix property it relies on."""

import time

import pytest

from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.encode.sat import encode_family_sat
from superpos_formal.encode.symmetry import family_symmetry_of
from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.solve.runner import run_streamed
from superpos_formal.tasks import pair_set_family, permutation_family
from superpos_formal.verify import verify
from superpos_formal.options import SolveOptions


def _free(n):
    return Shape("superposed", "relu", n=n, B=1, codes="free")


# minima from the proof-checked families campaign: permutations of 3 features
# need n = 2; all 2-AND pair sets of 2 pairs over 3 features need n = 2
CASES = [(permutation_family(3), 1, "UNSAT"), (permutation_family(3), 2, "SAT"),
         (pair_set_family(3, 2), 1, "UNSAT"), (pair_set_family(3, 2), 2, "SAT")]


@pytest.mark.parametrize("family,n,expected", CASES)
def test_incremental_matches_fresh_with_checked_proof(family, n, expected, tmp_path):
    inc = decide_family(family, _free(n), SolveOptions(family_incremental=True), checker=check_unsat, proof_path=str(tmp_path / "p.drat"), cnf_path=str(tmp_path / "f.cnf"))
    fresh = decide_family(family, _free(n))
    assert inc.status == fresh.status == expected
    if expected == "UNSAT":
        assert inc.certified, inc.check_note
        # the checked CNF is the last round's formula: every core member's clauses
        enc = encode_family_sat(inc.core, _free(n), **{k: v for k, v in inc.options.items()})
        assert (tmp_path / "f.cnf").read_text() == enc.to_dimacs()
    else:
        members = list(family.members())
        assert len(inc.networks) == len(members)
        for t, net in zip(members, inc.networks):
            assert net.E == tuple(map(tuple, inc.codes[0])) and verify(net, t).ok


@pytest.mark.parametrize("family,n", [(permutation_family(3), 2), (pair_set_family(4, 1), 2)])
def test_subfamily_encoding_extends_its_prefix(family, n):
    # the incremental loop feeds the solver only the clauses past the previous
    # round's: sound only if a longer subfamily's CNF starts with the shorter one's
    members = list(family.members())[:4]
    fsym = family_symmetry_of(family)
    prev = []
    for k in range(1, len(members) + 1):
        enc = encode_family_sat(members[:k], _free(n), family_symmetry=fsym)
        assert enc.clauses[:len(prev)] == prev
        assert len(enc.clauses) > len(prev)
        prev = enc.clauses


def test_extend_formula_refuses_a_formula_that_drops_a_clause():
    from pysat.solvers import Solver

    from superpos_formal.errors import SoundnessError
    from superpos_formal.solve.family import extend_formula

    with Solver(name="cadical195") as s:
        added = extend_formula(s, [], [[1, 2], [-1]], "test")
        assert added == [[1, 2], [-1]]
        assert extend_formula(s, added, [[1, 2], [-1], [-2]], "test")[2] == [-2]
        assert not s.solve()  # the solver got the third clause
        with pytest.raises(SoundnessError, match="test does not extend"):
            extend_formula(s, [[1, 2], [-1], [-2]], [[1, 2], [-2]], "test")


def _say_then_wait(emit, seconds):
    emit("before the wait")
    time.sleep(seconds)
    return "never"


def _say_every(emit, k, pause):
    for i in range(k):
        emit(i)
        time.sleep(pause)
    return k


def test_streamed_child_keeps_the_lines_sent_before_its_limit():
    seen = []
    out = run_streamed(_say_then_wait, 60, on_message=seen.append, time_limit=1)
    assert seen == ["before the wait"]
    assert not out.done and out.limit == "time"
    assert out.reason == "time limit 1 s reached"


def test_streamed_time_limit_bounds_the_whole_child_not_each_wait():
    # ten lines 0.3 s apart: each wait is short, the whole child is 3 s
    seen = []
    out = run_streamed(_say_every, 10, 0.3, on_message=seen.append, time_limit=1.0)
    assert not out.done and out.limit == "time"
    assert 1 <= len(seen) < 10 and seen == list(range(len(seen)))


def test_a_loop_stopped_by_its_limit_has_reported_its_rounds():
    # pair sets (5, 3) at n = 3: the first round (one member) takes seconds,
    # the loop hours (search/results/families-next-notes.md); the rounds
    # used to reach the caller only when the loop ended, so a run stopped
    # by its limit said nothing about how far it got
    lines = []
    cell = decide_family(pair_set_family(5, 3), _free(3),
                         SolveOptions(family_incremental=True, time_limit=20,
                                      progress=lines.append))
    assert cell.status == "UNKNOWN"
    assert lines and lines[0].startswith("round 1: subfamily of 1: SAT")
    assert cell.rounds == len(lines)
