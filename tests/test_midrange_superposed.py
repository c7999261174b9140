"""Issue 24, the superposed uand rows of the best-known registry: the
width-m identity networks and the set-design network (search/) compute
their tasks and stop doing so when one weight is perturbed; the committed
refutations are read as exactly their registry rows' questions, and the
registry's lower bounds use them."""

import json
from pathlib import Path

import pytest

from conftest import search_script

from superpos_formal.certify import best_known as BK
from superpos_formal.network import Network
from superpos_formal.schema import network_from_dict
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

REPO = Path(__file__).resolve().parent.parent


ID = search_script("midrange_superposed_identity")


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


@pytest.mark.parametrize("m,n", [(6, 5), (8, 7)])
def test_design_network_is_narrower_than_m_and_fails_when_perturbed(m, n):
    p = (REPO / "search/results/midrange-superposed/design"
         / f"uand_m{m}-superposed-relu-L1-B2-Bb2-Bc1-t2-n{n}.json")
    net = network_from_dict(json.loads(p.read_text()))
    assert net.widths == (n,) and net.theta == 2 and verify(net, uand(m)).ok
    R = [list(r) for r in net.R]
    R[0] = [0] * n  # output (0, 1) can no longer fire
    bad = Network.superposed(net.E, R, net.activation, net.layers, net.V, net.c,
                               B=2, B_bias=2, B_code=1, theta=2)
    assert not verify(bad, uand(m)).ok


def _b(act="relu", B=2, bias=2, theta=2):
    return dict(mode="superposed", activation=act, L=1, B=B, B_bias=bias, B_code=1,
                theta=theta)


M = "proofs/midrange/"
U6 = M + "uand-m6-s2-superposed-relu-L1-B2-bias2-code1-theta2-n2-unsat"
U4 = M + "uand-m4-s2-superposed-relu-L1-B2-bias2-code1-theta1-n2-unsat"
U4B = M + "uand-m4-s2-superposed-relu-L1-B2-bias5-code1-theta12-n2-unsat"
PERM6 = M + "perms-m6-sample24-seed0-superposed-relu-L1-B1-bias1-code1-theta1-n2-unsat"
PAIR7 = M + "pairsets-m7-k3-sample20-seed0-superposed-relu-L1-B1-bias1-code1-theta1-n2-unsat"
PERM7 = M + "perms-m7-sample12-seed0-superposed-relu-L1-B1-bias1-code1-theta2-n2-unsat"

#: committed refutation -> the width it refutes plus one
REFUTES = {U6: 3, U4: 3, U4B: 3, PERM6: 3, PAIR7: 3, PERM7: 3}

#: registry row (subject, bounds) -> (lower bound, its source, the refutation under it)
ROWS = [
    ("uand(m=6)", _b(), 3, "refutation", U6),
    ("uand(m=8)", _b(), 3, "restriction", U6),
    ("uand(m=10)", _b(), 3, "restriction", U6),
    ("uand(m=12)", _b(), 3, "restriction", U6),
    ("uand(m=16)", _b(), 3, "restriction", U6),
    ("uand(m=6)", _b(theta=1), 3, "restriction", U4),
    ("uand(m=7)", _b(theta=1), 3, "restriction", U4),
    ("uand(m=6)", _b(bias=5, theta=12), 3, "restriction", U4B),
    ("explicit(m=6,m'=6,s=1)[sample k=24 seed=0 of 720]", _b(B=1, bias=1, theta=1), 3,
     "refutation", PERM6),
    ("explicit(m=7,m'=3,s=2)[sample k=20 seed=0 of 1330]", _b(B=1, bias=1, theta=1), 3,
     "refutation", PAIR7),
    ("explicit(m=7,m'=7,s=1)[sample k=12 seed=0 of 5040]", _b(B=1, bias=1, theta=2), 3,
     "refutation", PERM7),
]


def _row(subject, bounds):
    rows = [e for e in json.loads((REPO / "search/best-known/registry.json").read_text())
            ["entries"] if e["subject"] == subject and e["bounds"] == bounds]
    assert len(rows) == 1, (subject, bounds)
    return rows[0]


@pytest.mark.parametrize("path", sorted(REFUTES))
def test_refutation_is_read_as_its_bound(path):
    key, got, why = BK.refutation_of(REPO / path)
    assert why is None and got == REFUTES[path] and key


@pytest.mark.parametrize("subject,bounds,n,source,refutation", ROWS,
                         ids=[f"{r[0][:24]}-t{r[1]['theta']}" for r in ROWS])
def test_registry_row_rests_on_the_refutation(subject, bounds, n, source, refutation):
    row = _row(subject, bounds)
    lb = row["lower_bound"]
    assert lb["n"] == n and lb["source"].startswith(source)
    if source == "refutation":
        # the row's own question: the bundle's key is the row's key
        assert lb["certificate"] == refutation
        assert BK.refutation_of(REPO / refutation)[0] == BK.entry_key(row)
    else:
        claim = json.loads((REPO / lb["certificate"]).read_text())
        assert claim["certificate"]["bundle"] == refutation and claim["n"] == n
