"""The one ascending search (solve/ascend.py): a minimum only after an UNSAT below."""

from types import SimpleNamespace as Ns

from superpos_formal.budget import Budget
from superpos_formal.solve.ascend import ascend, is_minimum


def _decider(answers, limits=None):
    """``k -> cell`` from a table of hand-written answers; records the calls."""
    asked = []

    def decide_one(k):
        asked.append(k)
        return Ns(status=answers[k], limit=(limits or {}).get(k), reason=f"why {k}",
                  shape=Ns(n=k))
    return decide_one, asked


def test_first_sat_after_unsat_is_the_minimum():
    d, asked = _decider({1: "UNSAT", 2: "UNSAT", 3: "SAT", 4: "SAT"})
    s = ascend("neurons", range(1, 6), d)
    assert s.minimum == 3 and s.best.shape.n == 3 and asked == [1, 2, 3]
    assert s.note == "" and s.status == "SAT"


def test_sat_at_the_smallest_size_is_the_minimum():
    d, _ = _decider({0: "SAT"})
    assert ascend("B", range(0, 3), d, name="B", lowest=0).minimum == 0
    d, _ = _decider({2: "SAT"})
    # starting above the smallest size: n=1 was never asked
    s = ascend("neurons", range(2, 4), d)
    assert s.minimum is None and s.note == ("SAT at n=2 but n=1 is not asked: "
                                            "the minimum is in 1..2")


def test_never_a_minimum_after_an_unknown_below():
    d, asked = _decider({1: "UNSAT", 2: "UNKNOWN", 3: "UNKNOWN", 4: "SAT"})
    s = ascend("neurons", range(1, 8), d)
    assert s.minimum is None and s.best.shape.n == 4 and asked == [1, 2, 3, 4]
    assert s.note == "SAT at n=4 but n=3 is UNKNOWN: the minimum is in 2..4"
    d, _ = _decider({1: "UNKNOWN", 2: "SAT"})
    s = ascend("B", range(1, 4), d, name="B", lowest=0)
    assert s.minimum is None
    assert s.note == "SAT at B=2 but B=1 is UNKNOWN: the minimum is in 0..2"


def test_not_monotone_reports_the_first_sat_only():
    d, _ = _decider({1: "UNSAT", 2: "SAT"})
    s = ascend("neurons", range(1, 4), d, monotone=False)
    assert s.minimum is None and s.best.shape.n == 2


def test_a_budget_stop_is_unknown():
    d, asked = _decider({1: "UNSAT", 2: "UNKNOWN", 3: "SAT"}, limits={2: "budget"})
    s = ascend("neurons", range(1, 4), d)
    assert asked == [1, 2] and s.minimum is None and s.best is None
    assert s.status == "UNKNOWN" and s.limit == "budget" and s.note == "why 2"
    # the budget object itself: used up after an UNSAT, the search is still UNKNOWN
    b = Budget(0.001)
    while not b.expired():
        pass
    d, asked = _decider({1: "UNSAT", 2: "SAT"})
    s = ascend("neurons", range(1, 3), d, budget=b)
    assert asked == [1] and s.status == "UNKNOWN" and s.minimum is None
    assert b.hit == "solving" and "budget" in s.note


def test_an_unknown_stops_a_session_that_cannot_go_on():
    d, asked = _decider({1: "UNKNOWN", 2: "SAT"})
    s = ascend("neurons", range(1, 3), d, stop_on_unknown=True)
    assert asked == [1] and s.status == "UNKNOWN"


def test_rule():
    assert is_minimum(1, None) and is_minimum(5, "UNSAT")
    assert not is_minimum(5, "UNKNOWN") and not is_minimum(5, None)


def test_searches_pass_the_budget_object_down():
    """A used-up Budget given to a real search: no solve runs, the first
    width is UNKNOWN(budget), the search is UNKNOWN and says why."""
    from superpos_formal.shape import Shape
    from superpos_formal.solve.search import min_bits, min_neurons
    from superpos_formal.tasks import uand
    b = Budget(0.001)
    while not b.expired():
        pass
    for s in (min_neurons(uand(3), Shape("explicit", "step", n=1, B=1), budget=b, n_max=4),
              min_bits(uand(3), Shape("explicit", "step", n=2, B=1), budget=b, B_max=3)):
        assert len(s.cells) == 1 and s.cells[0].limit == "budget"
        assert s.status == "UNKNOWN" and s.minimum is None and "budget" in s.note
    assert b.hit == "solving"
