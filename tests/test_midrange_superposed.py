"""Issue 24, the superposed uand rows of the best-known registry: the
width-m identity networks and the set-design network (search/) compute
their tasks and stop doing so when one weight is perturbed; the committed
refutations are read as exactly their registry rows' questions, and the
registry's lower bounds use them."""

import importlib.util
import json
from pathlib import Path

import pytest

from superpos_formal.certify import best_known as BK
from superpos_formal.network import Network
from superpos_formal.schema import network_from_dict
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

REPO = Path(__file__).resolve().parent.parent


def _script(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "search" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ID = _script("midrange_superposed_identity")


@pytest.mark.parametrize("act,B,bias,theta,v,c", [
    ("relu", 2, 2, 1, 2, -1), ("step", 2, 2, 1, 2, -1), ("relu", 2, 2, 2, 1, 0),
    ("relu", 1, 5, 8, 1, 3), ("relu", 2, 5, 12, 1, 5)])
def test_identity_network_computes_uand_and_a_perturbed_one_does_not(act, B, bias, theta, v, c):
    assert ID.scale(B, bias, theta) == (v, c)
    for m in (3, 4, 5):
        net = ID.identity_uand(m, act, B, bias, 1, theta)
        assert net.widths == (m,) and verify(net, uand(m)).ok
        # one output bias one step up: a lone feature then reaches theta
        bad = Network.superposed(net.E, net.R, act, net.layers, net.V,
                                    [c + 1] + [c] * (m - 1), B=B, B_bias=bias + 1,
                                    B_code=1, theta=theta)
        assert not verify(bad, uand(m)).ok


def test_identity_scale_refuses_impossible_bounds():
    assert ID.scale(1, 0, 8) is None  # 2v + 2c <= 2 < 8
    with pytest.raises(ValueError, match="no identity network"):
        ID.identity_uand(4, "relu", 1, 0, 1, 8)


def test_design_network_is_width_5_for_uand_6_and_fails_when_perturbed():
    p = (REPO / "search/results/midrange-superposed/design"
         / "uand_m6-superposed-relu-L1-B2-Bb2-Bc1-t2-n5.json")
    net = network_from_dict(json.loads(p.read_text()))
    assert net.widths == (5,) and net.theta == 2 and verify(net, uand(6)).ok
    R = [list(r) for r in net.R]
    R[0] = [0] * 5  # output (0, 1) can no longer fire
    bad = Network.superposed(net.E, R, net.activation, net.layers, net.V, net.c,
                               B=2, B_bias=2, B_code=1, theta=2)
    assert not verify(bad, uand(6)).ok


#: committed refutation -> (registry subject, bounds, the bound it gives)
REFUTATIONS = {
    "proofs/midrange/uand-m6-s2-superposed-relu-L1-B2-bias2-code1-theta2-n2-unsat":
        ("uand(m=6)", dict(mode="superposed", activation="relu", L=1, B=2, B_bias=2,
                           B_code=1, theta=2), 3),
}


@pytest.mark.parametrize("path", sorted(REFUTATIONS))
def test_refutation_is_its_rows_question_and_the_row_uses_it(path):
    subject, bounds, n = REFUTATIONS[path]
    key, got, why = BK.refutation_of(REPO / path)
    assert why is None and got == n
    rows = [e for e in json.loads((REPO / "search/best-known/registry.json").read_text())
            ["entries"] if e["subject"] == subject and e["bounds"] == bounds]
    assert len(rows) == 1
    assert BK.entry_key(rows[0]) == key
    lb = rows[0]["lower_bound"]
    assert lb["n"] == n and lb["source"].startswith("refutation") and lb["certificate"] == path
