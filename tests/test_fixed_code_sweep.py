"""search/fixed_code_sweep.py: one shared code checked against every member.

The code of the committed pair sets (4, 2) minimum at n = 3 serves all 15
members (so the sweep must bundle a family claim that ``superpos verify``
passes); the zero code serves none (two inputs collapse), so the sweep must
list unserved members and write nothing."""

import json
from pathlib import Path

from conftest import search_script

from superpos_formal.api import verify

REPO = Path(__file__).resolve().parents[1]
MIN42 = REPO / "proofs/families/and-pair-sets-m4-mout2-s2-superposed-relu-L1-B1-bias1-code1-theta1"


def _code(tmp_path, E, R):
    p = tmp_path / "code.json"
    p.write_text(json.dumps({"E": E, "R": R}))
    return str(p)


def test_the_minimum_code_serves_every_member_and_the_bundle_verifies(tmp_path):
    net = json.loads((MIN42 / "n3-sat" / "network.json").read_text())["networks"][0]
    out = tmp_path / "sweep"
    args = ["--m", "4", "--m-out", "2", "--n", "3", "--code", _code(tmp_path, net["E"], net["R"]),
            "-o", str(out)]
    assert search_script("fixed_code_sweep").main(args) == 0
    assert verify(out).ok


def test_a_code_serving_no_member_writes_nothing(tmp_path, capsys):
    out = tmp_path / "sweep"
    zero_e, zero_r = [[0] * 4 for _ in range(3)], [[0] * 3 for _ in range(2)]
    args = ["--m", "4", "--m-out", "2", "--n", "3", "--code", _code(tmp_path, zero_e, zero_r),
            "-o", str(out), "--limit", "30"]
    assert search_script("fixed_code_sweep").main(args) == 1
    assert "unserved" in capsys.readouterr().out
    assert not out.exists()
