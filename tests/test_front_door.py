"""The api's front door (issue 23): one way to ask every question.

Keywords are routed by name to the Shape or to SolveOptions; an unknown
name or one that repeats an explicit ``shape`` / ``options`` is refused by
name; the weight bound has one default everywhere; the model's errors name
fields (the CLI names flags); and every question still gives the answers it
gave before the signatures changed (expected values written out by hand).
"""

import pytest

import superpos_formal as sf
from superpos_formal import api
from superpos_formal import tasks as T
from superpos_formal.cli import main
from superpos_formal.cli.search import build_shape
from superpos_formal.errors import InputError
from superpos_formal.options import SolveOptions
from superpos_formal.request import RandomCodes
from superpos_formal.results import CampaignResult
from superpos_formal.shape import Shape
from superpos_formal.solve.capacity import Capacity
from superpos_formal.solve.count import CountResult

#: the one default weight bound (docs/MODEL.md 9.3), written out: a test
#: comparing the code with itself could not fail
B_DEFAULT = 2


# ------------------------------------------------------------------ routing

def test_a_shape_field_goes_to_the_shape():
    a = sf.decide(sf.uand(3), 2, activation="step", B=1, B_bias=2)
    assert (a.shape.activation, a.shape.B, a.shape.B_bias, a.shape.n) == ("step", 1, 2, 2)


def test_an_option_goes_to_the_solve_options():
    # check=False: the UNSAT is not proof-checked, so it is labelled unchecked
    a = sf.decide(sf.uand(3), 1, activation="step", check=False)
    assert a.status == "UNSAT" and not a.certified
    assert a.table[0]["proof"] == "unchecked"


def test_a_shape_and_options_passed_whole():
    sh = Shape("explicit", "step", n=1, B=2)
    a = sf.decide(sf.uand(3), sh, options=SolveOptions(check=False))
    assert a.status == "UNSAT" and a.table[0]["proof"] == "unchecked"
    assert a.shape == sh


@pytest.mark.parametrize("call, name", [
    (lambda: sf.decide(sf.uand(3), 2, bound=3), "bound"),
    (lambda: sf.min_neurons(sf.uand(3), n_limit=3), "n_limit"),
    (lambda: sf.min_params(sf.uand(3), 2, weights=1), "weights"),
    (lambda: sf.count(2, 1, 2, width=1), "width"),
    (lambda: sf.capacity("permutations", 1, sparsity=1), "sparsity"),
])
def test_an_unknown_name_is_refused_by_name(call, name):
    with pytest.raises(InputError, match=f"^{name}: unknown argument"):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: sf.decide(sf.uand(3), Shape("explicit", "step", n=2), B=1), "B"),
    (lambda: sf.decide(sf.uand(3), Shape("explicit", "step", n=2), n=3), "n"),
    (lambda: sf.decide(sf.uand(3), 2, n=3), "n"),
    (lambda: sf.decide(sf.uand(3), 2, options=SolveOptions(), check=False), "check"),
    (lambda: sf.min_neurons(sf.uand(3), options=SolveOptions(), time_limit=5), "time_limit"),
])
def test_a_keyword_conflicting_with_shape_or_options_is_refused(call, name):
    with pytest.raises(InputError, match=f"^{name}: "):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: sf.count(2, 1, 2, sums="tree"), "sums"),
    (lambda: sf.capacity("permutations", 1, cegis=True), "cegis"),
    (lambda: sf.decide(sf.uand(3), 2, family_method="orbits"), "family_method"),
    (lambda: sf.decide(sf.uand(3), 2, code_k=3), "code_k"),
    (lambda: sf.min_bits(sf.uand(3), 2, B=1), "B"),
])
def test_an_argument_the_question_would_not_use_is_refused(call, name):
    with pytest.raises(InputError, match=f"^{name}: "):
        call()


def test_random_codes_by_keywords_or_by_value():
    kw = sf.shape(sf.identity(4), 3, mode="superposed", code_k=2, code_seed=1)
    rc = sf.shape(sf.identity(4), 3, mode="superposed", random_codes=RandomCodes(2, 1))
    assert kw == rc and kw.codes == "given" and len(kw.E) == 3
    other = sf.shape(sf.identity(4), 3, mode="superposed", random_codes=RandomCodes(2, 2))
    with pytest.raises(InputError, match="^random_codes: "):
        sf.min_neurons(sf.identity(4), other, random_codes=RandomCodes(2, 1))


# ------------------------------------------------------------------ defaults

def test_one_default_weight_bound_everywhere():
    assert Shape("explicit", "relu", n=1).B == B_DEFAULT
    assert sf.shape(sf.uand(3)).B == B_DEFAULT
    assert sf.decide(sf.uand(3), 2, activation="step").shape.B == B_DEFAULT
    r = sf.count(2, 1, 2, activation="step", limit=1)
    assert r.question["shape"]["B"] == B_DEFAULT
    cap = sf.capacity("permutations", 1, m_out_max=2, counting_only=True)
    assert cap.shape.B == B_DEFAULT


def test_one_default_weight_bound_in_the_cli(capsys):
    from superpos_formal.cli import build_parser
    a = build_parser().parse_args(["decide", "--task", "uand", "--m", "3"])
    assert a.B == B_DEFAULT
    assert build_shape(a, sf.uand(3), 1)[0].B == B_DEFAULT
    assert main(["count", "--m", "2", "--m-out", "1", "--s", "2", "--limit", "1"]) == 0
    assert f"B={B_DEFAULT} " in capsys.readouterr().out
    assert main(["capacity", "--family", "permutations", "--n", "1", "--m-out-max", "2",
                 "--counting-only"]) == 0
    assert f"B={B_DEFAULT} " in capsys.readouterr().out


def test_a_campaign_cell_must_state_its_weight_bound(tmp_path):
    import json
    f = tmp_path / "c.json"
    f.write_text(json.dumps({"format": "superpos-formal/campaign", "version": 1, "name": "c",
                             "cells": [{"task": {"kind": "parity", "m": 2},
                                        "shape": {"mode": "explicit", "activation": "step"}}]}))
    with pytest.raises(InputError, match=r"cells\[0\]\.shape\.B: missing"):
        sf.campaign(f, results_dir=tmp_path)


# ------------------------------------------------------------------ errors name fields

@pytest.mark.parametrize("call", [
    lambda: T.build_task("uand", 3, pi=[0, 1, 2]),
    lambda: T.build_task("and_pairs", 3, pairs=[[0, 1]], m_out=1),
    lambda: T.build_task("permutation", 3),
    lambda: T.build_task("and_pairs", 3, pairs="0-1"),
    lambda: T.build_task("table", 2, s=1),
    lambda: T.build_family("pair-sets", 4),
    lambda: T.build_family("permutations", 3, seed=1),
    lambda: T.permutation_family(12).member_list(),
])
def test_model_errors_name_fields_not_flags(call):
    with pytest.raises(InputError) as e:
        call()
    assert "--" not in str(e.value)


def test_the_cli_still_names_the_flag(capsys):
    assert main(["task", "uand", "--m", "3", "--pi", "0,1,2"]) == 2
    assert "superpos: error: --pi: only for the permutation task" in capsys.readouterr().err
    assert main(["min-neurons", "--task", "and_pairs", "--m", "3", "--pairs", "0-1",
                 "--m-out", "1"]) == 2
    assert "error: --m-out: " in capsys.readouterr().err


# ------------------------------------------------------------------ same answers

def test_questions_give_the_answers_they_gave():
    t = sf.uand(3)
    assert sf.min_neurons(t, activation="step").minimum == 2
    assert sf.decide(t, 2, activation="step").status == "SAT"
    assert sf.decide(t, 1, activation="step").status == "UNSAT"
    assert sf.min_params(t, 2, activation="step").minimum == 15
    assert sf.min_bits(t, 2, activation="step").minimum == 2
    # XOR of 2 inputs (dense) needs 2 step neurons
    assert sf.min_neurons(sf.parity(2), activation="step").minimum == 2


def test_typed_results():
    c = sf.count(2, 1, 2, activation="step", B=1)
    assert isinstance(c, CountResult) and (c.count, c.exact) == (14, True)
    assert repr(c) == "<CountResult 14 (exact; solver claim, no proof logged)>"
    assert sf.count(threshold=2).count == 14
    cap = sf.capacity("permutations", 1, m_out_max=2, B=1)
    assert isinstance(cap, Capacity)
    assert [r["status"] for r in cap.rows] == ["SAT", "SAT"] and cap.ok_upto == 2
    r = CampaignResult("c", run=1, skipped=0, failed=0, seconds=0.5)
    assert (r["run"], r.skipped) == (1, 0) and len(repr(r)) < 80


def test_front_door_signatures_are_short():
    import inspect
    for name in ("decide", "min_neurons", "min_params", "min_bits", "count", "capacity",
                 "shape", "campaign"):
        assert len(inspect.signature(getattr(api, name)).parameters) <= 10, name


def test_the_model_takes_structured_values_and_the_cli_parses_text(capsys):
    """Text such as "0-1" is the CLI's form: the model refuses it naming the
    field; the CLI parses it and names the flag when it is malformed."""
    with pytest.raises(InputError, match=r"^pairs: expected a list of \[i, j\] pairs, "
                                         r"got the text '0-1'$"):
        T.build_task("and_pairs", 3, pairs="0-1")
    with pytest.raises(InputError, match=r"^pi: expected a list of integers"):
        T.build_task("permutation", 3, pi="2,0,1")
    assert T.build_task("permutation", 3, pi=[2, 0, 1]).outputs[1] == (0, 1, 0)
    assert main(["task", "and_pairs", "--m", "3", "--pairs", "0-1"]) == 0
    assert main(["task", "and_pairs", "--m", "3", "--pairs", "0_1"]) == 2
    assert "--pairs: '0_1' is not a pair I-J" in capsys.readouterr().err


def test_random_codes_search_redraws_codes_per_width():
    """Random codes are redrawn per width: a width with no usable code is
    NOCODE (not a solver answer), the first SAT is not a minimum. The
    expected table is main's before the refactor (a0a6a44, same command)."""
    t = sf.task("and_pairs", 6, m_out=4)
    a = sf.min_neurons(t, mode="superposed", codes="random", code_seed=1)
    assert [r["status"] for r in a.table] == ["NOCODE", "NOCODE", "NOCODE", "SAT"]
    assert a.shape.n == 4 and a.minimum is None and "not a minimum" in a.note
