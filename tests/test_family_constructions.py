"""Shared-code family constructions (constructions/family.py): every member of
complete small families checked by the plain Python verifier, the certificate
against brute force, tampered members and codes rejected, samples labelled."""

from dataclasses import replace

import pytest

from superpos_formal.constructions.family import (
    certify_code, check_members, family_code, family_construction, layout_bound,
    member_network,
)
from superpos_formal.constructions.family_search import (
    sample_members, size_text, smallest_family_width,
)
from superpos_formal.constructions.packing import (
    max_intersection, polynomial_code, round_robin_pairs,
)
from superpos_formal.constructions.channels import star_layout
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.tasks import pair_set_family, permutation, permutation_family
from superpos_formal.verify import verify

# (family, params): certificate holds, the code is in superposition or has
# overlapping channels (lambda = 1), so the argument is exercised
CERTIFIED = [
    (permutation_family(6), {"n": 9, "k_in": 3, "q": 3, "degree": 1}),
    (permutation_family(5), {"n": 5, "k_in": 1, "q": None}),
    (pair_set_family(5, 4), {"n": 9, "t": 2, "k_out": 3, "q": 3, "degree": 1}),
    (pair_set_family(5, 3), {"n": 9, "t": 2, "k_out": 3, "q": 3, "degree": 1}),
    (pair_set_family(4, 6), {"n": 6, "t": 3, "k_out": 1, "q": None}),
]


@pytest.mark.parametrize("fam,params", CERTIFIED, ids=lambda v: getattr(v, "name", None))
@pytest.mark.parametrize("seed", [0, 1])
def test_every_member_of_a_complete_family_is_correct_with_one_code(fam, params, seed):
    code, built = family_construction(fam, params, seed)
    assert certify_code(code).ok
    assert len(built) == fam.size
    for task, net in built:
        # one code for all: the same E, R, theta in every member's network
        assert net.E == code.E and net.R == code.R and net.theta == code.theta
        assert verify(net, task).ok, task.name          # plain Python evaluator
    if fam.size > 1:
        assert len({net.layers for _, net in built}) > 1    # members do differ


def test_certificate_failing_codes_do_fail_members():
    """The certificate is not vacuous: where it fails, brute force finds wrong
    members (load * lambda = 2 = k_in; t * lambda = 2 = k_out)."""
    for fam, params in [(permutation_family(6), {"n": 9, "k_in": 2, "q": 3, "degree": 1}),
                        (pair_set_family(5, 4), {"n": 9, "t": 2, "k_out": 2, "q": 3,
                                                 "degree": 1})]:
        code = family_code(fam, params, 0)
        cert = certify_code(code)
        assert not cert.ok and "is not <" in cert.failures[0]
        bad = [t for t in fam.members() if not verify(member_network(code, t), t).ok]
        assert bad


def test_certificate_reads_the_matrices_not_the_recipe():
    fam = permutation_family(6)
    code = family_code(fam, {"n": 9, "k_in": 3, "q": 3, "degree": 1}, 0)
    # two output channels made equal: output positions no longer separable
    R = list(code.R)
    R[1] = R[0]
    assert not certify_code(replace(code, R=tuple(R))).ok
    # an input channel grown by one coordinate: sizes differ
    E = [list(r) for r in code.E]
    col = [v for v in range(9) if E[v][0] == 0][0]
    E[col][0] = 1
    bad = certify_code(replace(code, E=tuple(map(tuple, E))))
    assert not bad.ok and any("one size" in f for f in bad.failures)
    # theta changed
    assert not certify_code(replace(code, theta=1)).ok


def test_tampered_member_is_rejected():
    fam = permutation_family(6)
    code = family_code(fam, {"n": 9, "k_in": 3, "q": 3, "degree": 1}, 0)
    task = fam.member(100)
    good = member_network(code, task)
    (W, b), = good.layers
    W = [list(r) for r in W]
    u = next(u for u in range(9) if any(W[u]))
    v = W[u].index(1)
    W[u][v] = 0                                       # drop one listened coordinate
    bad = replace(good, layers=((tuple(map(tuple, W)), b),))
    [chk] = check_members(code, [task], [bad])
    assert not chk.ok and chk.shares_code and not chk.is_recipe and not chk.verified
    assert "recipe" in chk.reason and "not exactly correct" in chk.reason


def test_member_with_another_code_is_rejected_even_if_correct():
    """A network correct for its member but built on a different code is not a
    member of THIS family construction (the shared code is the point)."""
    fam = permutation_family(6)
    code = family_code(fam, {"n": 9, "k_in": 3, "q": 3, "degree": 1}, 0)
    other = family_code(fam, {"n": 9, "k_in": 3, "q": 3, "degree": 1}, 1)
    assert other.E != code.E
    task = fam.member(5)
    net = member_network(other, task)
    assert verify(net, task).ok
    [chk] = check_members(code, [task], [net])
    assert not chk.ok and not chk.shares_code and chk.verified
    assert chk.reason == "does not share the family's code"


def test_check_members_fails_closed():
    fam = permutation_family(5)
    code = family_code(fam, {"n": 5, "k_in": 1, "q": None}, 0)
    with pytest.raises(InputError):
        check_members(code, [])
    with pytest.raises(InputError):
        check_members(code, [fam.member(0)], [])
    with pytest.raises(InputError):          # not a member of the code's family
        member_network(code, permutation(4, [1, 0, 2, 3]))


def test_layout_bound_holds_for_every_member():
    """layout_bound is an upper bound on every member's star layout,
    by enumeration of complete small families; and it is reached."""
    for m, mo in [(5, 3), (5, 4), (6, 5), (4, 6)]:
        fam = pair_set_family(m, mo)
        for t in range(1, m):
            sizes = [len(star_layout(task, t)) for task in fam.members()]
            assert max(sizes) <= layout_bound(m, mo, t)
    assert max(len(star_layout(t, 1)) for t in pair_set_family(5, 3).members()) == \
        layout_bound(5, 3, 1) == 6


def test_codes_meet_their_proved_overlaps():
    for q, k, d in [(5, 4, 1), (7, 3, 2), (3, 3, 0)]:
        code = polynomial_code(min(q ** (d + 1), 40), k, q, d, seed=3)
        assert len(set(code)) == len(code) and {len(c) for c in code} == {k}
        assert max_intersection(code, k * q) <= d
    pairs = round_robin_pairs(20, 9)
    assert len(set(pairs)) == 20 and all(a < b < 9 for a, b in pairs)
    with pytest.raises(InputError):
        polynomial_code(5, 2, 4, 1)               # 4 is not prime


def test_sample_is_labelled_as_a_sample():
    fam = permutation_family(30)
    members, label = sample_members(fam, size=3, seed=7)
    assert len(members) == 3 and label["complete"] is False
    assert label["seed"] == 7 and label["members"] == 3
    assert label["family_size"] == str(fam.size)
    assert "sample" in label["label"] and "seed 7" in label["label"]
    assert "not the family" in label["label"] and size_text(fam.size) in label["label"]
    assert members == sample_members(fam, size=3, seed=7)[0]
    small, lab = sample_members(permutation_family(4))
    assert lab["complete"] is True and len(small) == 24


def test_scan_finds_a_superposed_certified_width():
    """m = 32: the scan's width is below m (superposition) and below the
    trivial embedding; the result records the sample it checked."""
    r = smallest_family_width(permutation_family(32), sample_size=4, sample_seed=1)
    assert r.n < 32 and r.certificate.ok
    assert r.checked["complete"] is False and r.checked["members"] == 4
    row = r.row()
    assert row["checked"]["seed"] == 1 and row["certificate"]["ok"] is True
    assert isinstance(row["bounds"]["theta"], int)
    r2 = smallest_family_width(pair_set_family(5, 4))
    assert r2.checked == {"complete": True, "members": 210, "family_size": "210",
                          "label": "complete family: all 210 members", "all_correct": True}


def test_network_type():
    fam = pair_set_family(5, 4)
    code = family_code(fam, {"n": 9, "t": 2, "k_out": 3, "q": 3, "degree": 1}, 0)
    net = member_network(code, fam.member(0))
    assert isinstance(net, Network) and net.mode == "superposed" and net.widths == (9,)


def test_report_rejects_a_recorded_point_that_is_not_certified(tmp_path):
    """The report re-certifies every recorded family point: a record whose
    code fails its certificate is a SoundnessError, a record claiming a check
    other than the one rerun is an InputError."""
    import json

    from superpos_formal.errors import SoundnessError
    from superpos_formal.report import FAMILY_DATA, collect_family_constructions

    doc = json.loads(FAMILY_DATA.read_text())
    pt = next(p for p in doc["points"] if p["spec"] == {"kind": "permutations", "m": 32})
    good = tmp_path / "good.json"
    good.write_text(json.dumps(dict(doc, points=[pt])))
    [row] = collect_family_constructions(data=good)
    assert row["n"] == pt["n"] and row["checked"]["label"] == pt["checked"]["label"]
    bad = dict(pt, params=dict(pt["params"], k_in=pt["certificate"]["load"]))  # r*lam = k
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(dict(doc, points=[bad])))
    with pytest.raises(SoundnessError, match="fails its certificate"):
        collect_family_constructions(data=f)
    lie = dict(pt, checked=dict(pt["checked"], complete=True))
    f.write_text(json.dumps(dict(doc, points=[lie])))
    with pytest.raises(InputError, match="is not what is rechecked"):
        collect_family_constructions(data=f)


def test_scan_raises_when_a_certified_code_has_a_wrong_member(monkeypatch):
    """A certified code with a failing member is a soundness bug, never a
    width: the scan raises instead of moving on."""
    from superpos_formal.constructions import family_search
    from superpos_formal.constructions.family import MemberCheck
    from superpos_formal.errors import SoundnessError

    monkeypatch.setattr(family_search, "check_members", lambda code, members: [
        MemberCheck(members[0].name, True, True, False, "not exactly correct")])
    with pytest.raises(SoundnessError, match="certificate holds"):
        smallest_family_width(permutation_family(5))
