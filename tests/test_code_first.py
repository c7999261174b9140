"""benchmarks/code_first.py: the code-first loop's answers and its code literals."""

import json
import random
from pathlib import Path

from conftest import search_script

from superpos_formal.tasks import pair_set_family
from superpos_formal.verify import verify


def _rows(M):
    return [list(r) for r in M]

CF = search_script("code_first", folder="benchmarks")
PROOFS = Path(__file__).resolve().parent.parent / "proofs"


def test_loop_answer_is_a_shared_code_every_member_verifies():
    fam = pair_set_family(3, 1)
    ans, E, R, nets, stats = CF.code_first(fam, 2, budget=120, seed=1)
    assert ans == "SAT"
    members = list(fam.members())
    assert len(nets) == len(members) == 3
    for net, task in zip(nets, members):
        assert _rows(net.E) == E and _rows(net.R) == R
        assert verify(net, task).ok


def test_loop_never_answers_sat_below_the_certified_minimum():
    # pair sets (3, 1): certified minimum 2 (proofs/families), so no code at n = 1
    ans, E, *_ = CF.code_first(pair_set_family(3, 1), 1, budget=60, seed=0)
    assert ans in ("no code left", "UNKNOWN") and E is None


def test_assumptions_fix_exactly_the_given_code():
    bundle = (PROOFS / "families" / "and-pair-sets-m4-mout2-s2-superposed-relu-L1-B1-bias1-"
              "code1-theta1" / "n3-sat" / "network.json")
    net0 = json.loads(bundle.read_text())["networks"][0]
    checks = CF.MemberChecks(pair_set_family(4, 2), 3)
    try:
        served, _ = checks.check(5, checks.assumptions(net0["E"], net0["R"]))
        assert served
        net = checks.network(5)
        assert _rows(net.E) == net0["E"] and _rows(net.R) == net0["R"]
        assert verify(net, checks.members[5]).ok
        # one entry changed: a served variant decodes to the variant, not the bundle
        variants = 0
        for r in range(3):
            for i in range(4):
                E2 = [row[:] for row in net0["E"]]
                E2[r][i] = -E2[r][i] if E2[r][i] else 1
                if checks.check(5, checks.assumptions(E2, net0["R"]))[0]:
                    variants += 1
                    assert _rows(checks.network(5).E) == E2
        assert variants > 0
    finally:
        checks.close()


def test_random_codes_have_distinct_nonzero_columns_and_rows():
    rng = random.Random(3)
    for _ in range(200):
        E, R = CF.random_code(6, 6, 3, rng)
        cols = {tuple(E[r][i] for r in range(3)) for i in range(6)}
        assert len(cols) == 6 and (0, 0, 0) not in cols
        assert len({tuple(v) for v in R}) == 6 and [0, 0, 0] not in R
        assert all(v in (-1, 0, 1) for row in E + R for v in row)
