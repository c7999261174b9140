"""Solver option sets and the raced portfolio give the same, checked answers.

Expected answers are hand facts (see each cell), not the code's own output.
"""

import pytest

from superpos_formal.certify.check import check_unsat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.search import CADICAL_CONFIGS, decide
from superpos_formal.tasks import and_pairs, uand
from superpos_formal.verify import verify

CELLS = [
    # B = 0 admits only the zero network, which outputs 0 on (1, 1): UNSAT
    (and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=0), "UNSAT"),
    # h = step(x0 + x1 - 1), y = h: SAT
    (and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=1), "SAT"),
    # uand(3), relu, B = 2 needs 2 hidden units (proof-checked campaign minimum)
    (uand(3), Shape("explicit", "relu", n=1, B=2), "UNSAT"),
    (uand(3), Shape("explicit", "relu", n=2, B=2), "SAT"),
]


@pytest.mark.parametrize("task,shape,expected", CELLS)
@pytest.mark.parametrize("how", [{"config": "sat"}, {"portfolio": ("default", "sat")}])
def test_configs_and_portfolio_answer_with_checked_certificates(task, shape, expected, how,
                                                                 tmp_path):
    proof, cnf = tmp_path / "p.drat", tmp_path / "f.cnf"
    cell = decide(task, shape, check=check_unsat, proof_path=str(proof), cnf_path=str(cnf), **how)
    assert cell.status == expected
    assert cell.info["config"] in how.get("portfolio", (how.get("config"),))
    if expected == "SAT":
        assert verify(cell.network, task).ok
    else:
        # the winner's proof was moved into place and checked against its CNF
        assert cell.certified and proof.exists() and cnf.exists()
    assert not list(tmp_path.glob("*.racer*")), "racers' files left behind"


def test_unknown_config_and_empty_portfolio_are_rejected():
    task, shape = CELLS[0][:2]
    with pytest.raises(InputError, match="config"):
        decide(task, shape, config="fast")
    with pytest.raises(InputError, match="portfolio"):
        decide(task, shape, portfolio=())
    with pytest.raises(InputError, match="CaDiCaL"):
        decide(task, shape, solver="glucose4", config="sat")


def test_sat_preset_is_cadicals_documented_one():
    # CaDiCaL 1.9.5 src/config.cpp, "sat" configuration
    assert CADICAL_CONFIGS["sat"] == {"elimreleff": 10, "stabilizeonly": 1,
                                      "subsumereleff": 60}


def _touch(path):
    open(path, "w").close()
    return "touched"


def test_staggered_racer_starts_only_when_nobody_has_answered(tmp_path):
    from superpos_formal.solve.runner import race_limited
    late = tmp_path / "late"
    # the first racer answers at once: the one due after 60 s never starts
    assert race_limited([(sum, ([2, 3],), {}), (_touch, (str(late),), {})],
                        delays=[0, 60]) == (0, 5)
    assert not late.exists()
    # the first racer is slow: the late one starts after its delay and wins
    import time
    assert race_limited([(time.sleep, (30,), {}), (_touch, (str(late),), {})],
                        delays=[0, 0.2], time_limit=20) == (1, "touched")
    assert late.exists()


def test_default_portfolio_names_its_winner_and_answers_as_one_config():
    from superpos_formal.solve.search import AUTO_PORTFOLIO, resolve_portfolio, usable_cores
    task, shape, expected = CELLS[3]
    cell = decide(task, shape)
    assert cell.status == expected
    configs, delays = resolve_portfolio("auto", "default", cell.solver)
    assert cell.info["config"] in configs
    if usable_cores() >= 2:
        assert configs == AUTO_PORTFOLIO and delays[0] == 0 < delays[1]
    with pytest.raises(InputError, match="portfolio"):
        decide(task, shape, portfolio="fast")


def _hog():
    return len([bytearray(2 ** 20) for _ in range(4000)])


def _answer_late(value):
    import time
    time.sleep(0.5)
    return value


def test_a_racer_out_of_memory_drops_out_and_is_never_called_a_time_limit():
    from superpos_formal.budget import Budget
    from superpos_formal.solve.runner import _size_bytes, race
    # a forked racer starts with this process's address space: cap above it
    cap = _size_bytes() // 2 ** 20 + 300
    with Budget(120, memory_mb=cap):
        # the hog drops out; the other racer still answers
        i, out = race([(_hog, (), {}), (_answer_late, ("ok",), {})])
        assert (i, out.done, out.value) == (1, True, "ok")
        # every racer out of memory: the race says memory, with the cap
        i, out = race([(_hog, (), {}), (_hog, (), {})], time_limit=60)
    assert i is None and out.limit == "memory" and f"{cap} MB" in out.reason
