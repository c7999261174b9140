"""Restriction lower bounds (bounds/restriction.py) against brute force.

A committed, verified network for the larger question is restricted with
``restrict_network`` and checked by the exact verifier against the smaller
question; a wrong feature or output map, or a wrong member, must make the
verifier reject it (so these tests fail if restriction were done wrong).
"""

import json
from itertools import combinations
from pathlib import Path

import pytest

from superpos_formal.bounds.restriction import (
    bounds_weaker_or_equal, check_restriction, family_subject, member_map,
    output_map, restrict_network, restriction_lower_bound, restriction_of,
    subject_from_dict, task_subject)
from superpos_formal.errors import InputError
from superpos_formal.schema import network_from_dict
from superpos_formal.tasks import (and_pairs, identity, pair_set_family, permutation,
                                   permutation_family, uand)
from superpos_formal.verify import verify

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
UAND5 = PROOFS / "uand-explicit/uand-m5-s2-explicit-step-L1-B2-bias2-theta1/n4-sat"
UAND5R = PROOFS / "uand-explicit/uand-m5-s2-explicit-relu-L1-B2-bias2-theta1/n3-sat"
PERMS4 = PROOFS / "families/permutations-m4-mout4-s1-superposed-relu-L1-B1-bias1-code1-theta1/n3-sat"
PS52 = PROOFS / "families/and-pair-sets-m5-mout2-s2-superposed-relu-L1-B1-bias1-code1-theta1/n3-sat"


def _net(path):
    return network_from_dict(json.loads((path / "network.json").read_text()))


def _nets(path):
    d = json.loads((path / "network.json").read_text())
    return [network_from_dict(n) for n in d["networks"]]


# ------------------------------------------------------------------ instances
@pytest.mark.parametrize("bundle", [UAND5, UAND5R])
def test_uand_restricts_to_every_smaller_m(bundle):
    big = _net(bundle)
    assert verify(big, uand(5)).ok
    for m in (2, 3, 4):
        r = restriction_of(task_subject(uand(m)), task_subject(uand(5)))
        small = restrict_network(big, r.features, r.outputs)
        assert small.widths == big.widths and small.B == big.B
        assert small.B_bias == big.B_bias and small.theta == big.theta
        assert verify(small, uand(m)).ok


def test_uand_restriction_to_any_feature_subset():
    big = _net(UAND5)
    for feats in combinations(range(5), 3):
        outs = output_map(uand(3), uand(5), feats)
        assert verify(restrict_network(big, feats, outs), uand(3)).ok


def test_wrong_feature_map_is_rejected_by_the_verifier():
    """Outputs of the pairs over (0, 1, 2) read through features (2, 3, 4):
    the restriction must match features and outputs, or it is wrong."""
    big = _net(UAND5)
    outs = output_map(uand(3), uand(5), (0, 1, 2))
    assert not verify(restrict_network(big, (2, 3, 4), outs), uand(3)).ok
    # and a shuffled output map
    good = output_map(uand(3), uand(5), (2, 3, 4))
    bad = (good[1], good[0], good[2])
    assert not verify(restrict_network(big, (2, 3, 4), bad), uand(3)).ok


def test_sub_task_fewer_outputs():
    big = _net(UAND5)
    small_task = and_pairs(4, [[0, 3], [1, 2]])
    r = restriction_of(task_subject(small_task), task_subject(uand(5)))
    assert r is not None
    outs = output_map(small_task, uand(5), r.features)
    assert verify(restrict_network(big, r.features, outs), small_task).ok
    assert check_restriction(small_task, uand(5), r.features, outs) == []


def test_rules_refuse_what_is_not_a_restriction():
    assert restriction_of(task_subject(uand(5)), task_subject(uand(4))) is None
    # a pair the big task does not compute
    assert restriction_of(task_subject(uand(4)),
                          task_subject(and_pairs(5, [[0, 1], [2, 3]]))) is None
    # another sparsity
    assert restriction_of(task_subject(uand(3, s=3)), task_subject(uand(5))) is None
    # instance vs family
    assert restriction_of(task_subject(identity(3)), family_subject(
        permutation_family(3))) is None
    # pair sets: no room for the extra outputs after P
    assert restriction_of(family_subject(pair_set_family(4, 1)),
                          family_subject(pair_set_family(4, 2))) is None
    # tail: C(2,2) = 1 < 5 added pairs; head: only 4 pairs touch feature 0
    assert restriction_of(family_subject(pair_set_family(4, 1)),
                          family_subject(pair_set_family(5, 6))) is None
    assert restriction_of(family_subject(pair_set_family(4, 1, op="or")),
                          family_subject(pair_set_family(5, 1))) is None


def test_restrict_network_refuses_bad_maps():
    big = _net(UAND5)
    with pytest.raises(InputError):
        restrict_network(big, (0, 0, 1), (0,))
    with pytest.raises(InputError):
        restrict_network(big, (0, 5), (0,))
    with pytest.raises(InputError):
        restrict_network(big, (0, 1), (99,))


# ------------------------------------------------------------------ families
def test_permutation_family_restricts_with_shared_code():
    nets = _nets(PERMS4)
    fam4 = permutation_family(4)
    members4 = list(fam4.members())
    index = {t.id: i for i, t in enumerate(members4)}
    r = restriction_of(family_subject(permutation_family(3)), family_subject(fam4))
    codes = set()
    for t in permutation_family(3).members():
        big_t = member_map(r, t)
        small = restrict_network(nets[index[big_t.id]], r.features, r.outputs)
        assert verify(small, t).ok
        codes.add((small.E, small.R))
    assert len(codes) == 1  # one shared code for the whole subfamily


def test_permutation_family_wrong_member_is_rejected():
    nets = _nets(PERMS4)
    members4 = list(permutation_family(4).members())
    index = {t.id: i for i, t in enumerate(members4)}
    t = permutation(3, [1, 2, 0])
    wrong = permutation(4, [2, 0, 1, 3])  # the inverse's extension, not pi + id
    small = restrict_network(nets[index[wrong.id]], (0, 1, 2), (0, 1, 2))
    assert not verify(small, t).ok


def test_pair_set_family_restricts_fewer_features_and_outputs():
    nets = _nets(PS52)
    fam = pair_set_family(5, 2)
    index = {t.id: i for i, t in enumerate(fam.members())}
    r = restriction_of(family_subject(pair_set_family(4, 1)), family_subject(fam))
    assert r.outputs == (0,)
    for t in pair_set_family(4, 1).members():
        big_t = member_map(r, t)
        assert verify(restrict_network(nets[index[big_t.id]], r.features, r.outputs), t).ok
    # the added pair read instead of P's output: rejected for some member
    fails = 0
    for t in pair_set_family(4, 1).members():
        big_t = member_map(r, t)
        fails += not verify(restrict_network(nets[index[big_t.id]], r.features, (1,)), t).ok
    assert fails > 0


@pytest.mark.parametrize("m,k,M,K", [(3, 1, 4, 2), (3, 2, 5, 3), (4, 2, 5, 3),
                                     (3, 1, 5, 4), (4, 1, 6, 4)])
def test_pair_set_rule_by_brute_force(m, k, M, K):
    """Every member of the small family is output 0..k-1 of its big member."""
    r = restriction_of(family_subject(pair_set_family(m, k)),
                       family_subject(pair_set_family(M, K)))
    assert r is not None
    big_ids = {t.id for t in pair_set_family(M, K).members()}
    for t in pair_set_family(m, k).members():
        big_t = member_map(r, t)
        assert big_t.id in big_ids
        assert check_restriction(t, big_t, r.features, r.outputs) == []


# ------------------------------------------------------------------ bounds
STEP = {"mode": "explicit", "activation": "step", "L": 1, "B": 2, "B_bias": 2,
        "B_code": 2, "theta": 1, "codes": "identity", "tolerance": 0}


def test_lower_bound_uses_the_largest_applicable_minimum():
    cert = [(task_subject(uand(4)), STEP, 3, "m4"), (task_subject(uand(5)), STEP, 4, "m5"),
            (task_subject(uand(5)), {**STEP, "theta": 2}, 9, "theta2"),
            (task_subject(uand(9)), STEP, 9, "m9")]
    lb = restriction_lower_bound(task_subject(uand(8)), STEP, cert)
    assert (lb.value, lb.certificate) == (4, "m5")
    assert restriction_lower_bound(task_subject(uand(3)), STEP, cert) is None


def test_bounds_may_only_be_wider_in_the_certificate():
    narrow = {**STEP, "B": 1, "B_bias": 1}
    assert bounds_weaker_or_equal(STEP, narrow)
    assert not bounds_weaker_or_equal(narrow, STEP)
    assert not bounds_weaker_or_equal({**STEP, "activation": "relu"}, STEP)
    lb = restriction_lower_bound(task_subject(uand(6)), narrow,
                                 [(task_subject(uand(5)), STEP, 4, "m5")])
    assert lb.value == 4 and "wider bounds" in lb.argument


def test_subject_from_claim_dicts():
    s = subject_from_dict("instance", uand(4).to_dict() | {"format": "superpos-formal/task",
                                                            "version": 1})
    assert s == task_subject(uand(4)) and s.name == "uand(m=4)"


# ------------------------------------------------------------------ verified minima
def test_only_minima_that_verify_give_lower_bounds(tmp_path):
    """A copied minimum verifies and bounds uand(6); the same minimum with a
    tampered claim (value raised) is refused and bounds nothing."""
    import shutil

    from superpos_formal.cli.midrange import lower_bound_rows, verified_minima

    src = PROOFS / "uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1"
    good = tmp_path / "good" / src.name
    shutil.copytree(src, good)
    used, skipped = verified_minima(tmp_path / "good")
    assert [(u[0].name, u[2]) for u in used] == [("uand(m=3)", 2)] and not skipped
    q = [("instance", uand(6).to_dict(), dict(STEP))]
    assert lower_bound_rows(q, used)[0]["lower_bound"]["n"] == 2
    bad = tmp_path / "bad" / src.name
    shutil.copytree(src, bad)
    doc = json.loads((bad / "minimum.json").read_text())
    doc["value"] = 9
    (bad / "minimum.json").write_text(json.dumps(doc))
    used, skipped = verified_minima(tmp_path / "bad")
    assert used == [] and len(skipped) == 1 and "does not verify" in skipped[0][1]
    assert lower_bound_rows(q, used)[0]["lower_bound"] is None


def _row(m, lower, best, shape=STEP):
    return {"subject": task_subject(uand(m)), "shape": dict(shape), "lower": lower,
            "best": best}


def test_registry_rows_consistency():
    from superpos_formal.bounds.restriction import consistency_failures

    ok = [_row(7, 4, 5), _row(8, 4, 6), _row(9, 4, 6)]
    assert consistency_failures(ok) == []
    # the example: m = 9 wider than m = 8 plus a neuron per new pair
    bad = consistency_failures([_row(8, 4, 18), _row(9, 1, 31)])
    assert any("indicator" in f for f in bad)
    assert any("lower bound 1 is below" in f for f in bad)
    assert any("plus a neuron per new pair" in f
               for f in consistency_failures([_row(5, 4, 4), _row(6, 4, 30)]))
    # a smaller question with a wider best network than a larger one
    assert any("restriction gives" in f
               for f in consistency_failures([_row(8, 4, 7), _row(9, 4, 6)]))
    assert any("exceeds the best" in f for f in consistency_failures([_row(8, 7, 6)]))
    # other shapes are not compared
    assert consistency_failures([_row(8, 4, 6), _row(9, 1, 6, {**STEP, "theta": 2})]) == []


def test_lower_bound_file_is_rederived_and_tampering_fails(tmp_path):
    import copy
    import shutil

    from superpos_formal.cli.midrange import (check_lower_bounds, lower_bound_rows,
                                              verified_minima)

    for name in ("uand-m3-s2-explicit-step-L1-B2-bias2-theta1",
                 "uand-m3-s2-explicit-relu-L1-B2-bias2-theta1"):
        shutil.copytree(PROOFS / "uand-explicit" / name, tmp_path / "p" / name)
    used, _ = verified_minima(tmp_path / "p")
    used = [(s, b, v, str(Path(p).relative_to(tmp_path))) for s, b, v, p in used]
    q = [("instance", uand(6).to_dict(), dict(STEP))]
    doc = {"format": "superpos-formal/lower-bounds", "version": 1,
           "rows": lower_bound_rows(q, used)}
    assert doc["rows"][0]["lower_bound"]["n"] == 2
    assert check_lower_bounds(doc, tmp_path) == []

    def tampered(fn):
        d = copy.deepcopy(doc)
        fn(d["rows"][0])
        return check_lower_bounds(d, tmp_path)

    assert "n:" in tampered(lambda r: r["lower_bound"].update(n=3))[0][1]
    assert "argument" in tampered(lambda r: r["lower_bound"].update(
        argument="uand(m=3) is anything"))[0][1]
    relu = "p/uand-m3-s2-explicit-relu-L1-B2-bias2-theta1"
    assert "does not restrict" in tampered(lambda r: r["lower_bound"].update(
        certificate=relu))[0][1]
    assert "not the spec" in tampered(lambda r: r.update(spec=uand(5).to_dict()))[0][1]
    assert tampered(lambda r: r.update(extra=1))
    assert tampered(lambda r: r["lower_bound"].update(source="counting"))
    # the restriction stated in the file must still hold at the row's bounds
    assert tampered(lambda r: r["bounds"].update(B=3))
    assert check_lower_bounds({"format": "x"}, tmp_path)


# ------------------------------------------------------------------ lower-bound claims
# (certify/lower_bound.py: what `superpos verify proofs/lower-bounds` checks)

UAND3_MIN = "proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1"
STEP_B2 = {"mode": "explicit", "activation": "step", "L": 1, "B": 2, "B_bias": 2, "theta": 1}


@pytest.fixture()
def claim_repo(tmp_path):
    """A repository-shaped folder holding the committed uand(3) step minimum
    (2 neurons) and a claim "uand(6) needs >= 2" resting on it."""
    import shutil
    from superpos_formal.certify.lower_bound import make_claim
    shutil.copytree(PROOFS.parent / UAND3_MIN, tmp_path / UAND3_MIN)
    doc = make_claim(uand(6), STEP_B2, 2, UAND3_MIN, uand(3), 2)
    (tmp_path / "proofs/lower-bounds").mkdir(parents=True)
    return tmp_path, doc


def _verify_claim(root, doc):
    from superpos_formal.certify.lower_bound import verify_lower_bounds
    f = root / "proofs/lower-bounds/uand_m6.json"
    f.write_text(json.dumps(doc))
    rep = verify_lower_bounds(root / "proofs/lower-bounds", checkers=("native",))
    return rep, "\n".join(rep.all_failures() + rep.all_unverified())


def test_lower_bound_claim_verifies(claim_repo, capsys):
    from superpos_formal.cli import main
    root, doc = claim_repo
    # the map is stated in the claim: features 0..2, pairs (0,1) (0,2) (1,2) of uand(6)
    assert doc["certificate"]["features"] == [0, 1, 2]
    assert doc["certificate"]["outputs"] == [0, 1, 5]
    rep, why = _verify_claim(root, doc)
    assert rep.ok, why
    assert main(["verify", str(root / "proofs/lower-bounds"), "--checkers", "native"]) == 0
    assert "uand(m=6) n >= 2" in capsys.readouterr().out


def _tamper(doc, how):
    bad = json.loads(json.dumps(doc))
    how(bad)
    return bad


@pytest.mark.parametrize("how,needle", [
    (lambda d: d["certificate"].update(features=[0, 2, 1]), "certificate.features"),
    (lambda d: d["certificate"].update(outputs=[0, 1, 2]), "certificate.outputs"),
    (lambda d: d["certificate"].update(argument="trust me"), "certificate.argument"),
    (lambda d: d.update(n=3), "n: 3 exceeds the sub-question's certified value 2"),
    (lambda d: d["certificate"].update(sub_value=3), "the bundle certifies 2"),
    (lambda d: d["certificate"].update(bundle="proofs/uand-explicit/none"), "missing"),
    (lambda d: d["certificate"].update(bundle="../x"), "not a plain relative path"),
    (lambda d: d["bounds"].update(B=3), "bounds are narrower"),
    (lambda d: d["bounds"].update(theta=2), "shape differs"),
    (lambda d: d.update(extra=1), "extra: unknown field"),
    (lambda d: d["certificate"].update(kind="counting"), "not 'restriction'"),
    (lambda d: d.update(version=2), "version"),
    # the question is not one the sub-question restricts: uand(2) has fewer features
    (lambda d: d.update(task=uand(2).to_dict()), "not a restriction"),
    # a sub-task with fewer pairs than the sub-question: nothing restricts
    (lambda d: d.update(task=and_pairs(6, [[0, 1]]).to_dict()), "not a restriction"),
])
def test_tampered_lower_bound_claim_fails_verify(claim_repo, how, needle):
    root, doc = claim_repo
    rep, why = _verify_claim(root, _tamper(doc, how))
    assert rep.status == "FAIL", why
    assert needle in why


def test_lower_bound_claim_on_a_spoiled_minimum(claim_repo):
    root, doc = claim_repo
    claim = root / UAND3_MIN / "n1-unsat" / "claim.json"
    text = json.loads(claim.read_text())
    claim.write_text(json.dumps(dict(text, note="edited")))
    rep, why = _verify_claim(root, doc)
    assert rep.status == "FAIL" and "certificate.bundle" in why and "changed file" in why
    claim.write_text(json.dumps(dict(text, shape=dict(text["shape"], n=0))))
    rep, why = _verify_claim(root, doc)
    assert rep.status == "FAIL" and f"certificate.bundle {UAND3_MIN}: claim.json" in why


def test_cli_writes_claims_that_verify(tmp_path):
    """`superpos lower-bound --claims` on the committed uand(3) minimum
    writes a claim for uand(5) (counting says 1) that verifies."""
    import shutil
    from superpos_formal.cli import main
    from superpos_formal.certify.lower_bound import verify_lower_bounds
    shutil.copytree(PROOFS.parent / UAND3_MIN, tmp_path / UAND3_MIN)
    import os
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["lower-bound", "--proofs", "proofs/uand-explicit", "--question",
                     "uand:5:explicit:step:2:2:1", "--claims", "proofs/lower-bounds",
                     "--checkers", "native"]) == 0
    finally:
        os.chdir(cwd)
    [f] = sorted((tmp_path / "proofs/lower-bounds").glob("*.json"))
    assert f.name == "uand_m5-explicit-step-L1-B2-Bb2-t1.json"
    doc = json.loads(f.read_text())
    assert (doc["n"], doc["certificate"]["bundle"]) == (2, UAND3_MIN)
    assert verify_lower_bounds(f, root=tmp_path, checkers=("native",)).ok


def test_committed_lower_bound_claims_verify():
    """Every claim under proofs/lower-bounds/ (native checker): what the
    registry's lower bounds rest on."""
    from superpos_formal.certify.lower_bound import verify_lower_bounds
    rep = verify_lower_bounds(PROOFS / "lower-bounds", checkers=("native",))
    assert rep.ok, "\n".join(rep.all_failures() + rep.all_unverified())
    assert len(rep.children) == len(list((PROOFS / "lower-bounds").glob("*.json"))) > 20
