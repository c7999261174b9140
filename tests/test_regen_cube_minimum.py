"""A minimum whose UNSAT half is a regenerable cube record, and a question's
own refutation as its registry lower bound (issue 24).

Small instance (each part solved in well under a second): explicit uand(3),
step, ``B = 1``: UNSAT at ``n = 2`` by cube and conquer (sign cubes),
recorded as a regenerable cube record; SAT at ``n = 3``. So the minimum is
3 and the refutation alone bounds the question by 3. Both fail closed: a
tampered record, a SAT half of other bounds, a refutation of another
question.
"""

import json
import shutil

import pytest

from conftest import edit_claim

from superpos_formal.certify import best_known as BK
from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.bundles.check_claim import PASS_NOT_RECHECKED
from superpos_formal.certify.bundles.minimum_claim import write_minimum_manifest
from superpos_formal.certify.bundles.verify import cached_verifier
from superpos_formal.certify.cubes import cube_and_conquer
from superpos_formal.certify.proofcheck.drat import CheckerPolicy
from superpos_formal.certify.proofcheck.regenerable_cubes import (make_regenerable_cubes,
                                                                  run_of)
from superpos_formal.certify.proofcheck.regenerable_unsat import regenerable_minimum
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import SoundnessError
from superpos_formal.schema import network_from_dict
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

TASK = uand(3)
OPTIONS = {"symmetry": True, "sums": "tree"}
AGAIN = CheckerPolicy(regenerate_proofs=True)
LABEL = "regenerable proof: re-checked by `superpos verify --regenerate-proofs`, not by CI"


def _sat(out, B):
    shape = Shape("explicit", "step", n=3, B=B)
    enc = encode_sat(TASK, shape, **OPTIONS)
    r = solve_cnf(enc.clauses, enc.nvars)
    assert r.status == "SAT"

    class Cell:
        status, seconds, network = "SAT", r.seconds, enc.decode(r.model)
    return Bn.make_bundle(out, Cell(), task=TASK, shape=shape, encoding=enc, options=OPTIONS,
                          checkers=("native",))


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cubemin")
    shape = Shape("explicit", "step", n=2, B=1)
    r = cube_and_conquer(TASK, shape, depth=2, split="sign")
    assert r.status == "UNSAT"
    run = run_of(r)
    assert run["sums"] == "tree"
    cubes = make_regenerable_cubes(tmp / "u3-n2-unsat", run, shape=shape, task=TASK,
                                   options=OPTIONS)
    return {"cubes": cubes, "sat": _sat(tmp / "sat-B1", 1), "sat_B2": _sat(tmp / "sat-B2", 2),
            "min": regenerable_minimum(tmp / "min", tmp / "sat-B1", cubes)}


def _why(rep):
    return "\n".join(rep.all_failures() + rep.all_unverified())


# ---------------------------------------------------------------- the minimum

def test_cube_minimum_verifies_labelled_not_a_bare_pass(parts):
    m = parts["min"]
    doc = json.loads((m / "minimum.json").read_text())
    assert (doc["value"], doc["sat"], doc["unsat"]) == (3, "n3-sat", "n2-unsat")
    # the cube claim records no encoder info: the breaks come from its formula
    assert doc["symmetry_breaks"] == ["feature-double-lex", "hidden-neuron-lex"]
    assert sorted(p.name for p in (m / "n2-unsat").iterdir()) == ["claim.json",
                                                                  "manifest.json"]
    rep = Bn.verify_bundle(m, checkers=("native",))
    assert rep.ok, _why(rep)
    assert rep.status == PASS_NOT_RECHECKED != "PASS"
    assert "regenerable proof (not committed)" in rep.certificate
    assert any("--regenerate-proofs" in u for u in rep.all_unrechecked())
    again = Bn.verify_bundle(m, checkers=("native",), budget=AGAIN)
    assert again.status == "PASS", _why(again)


def _copy(m, tmp_path):
    dst = tmp_path / "m"
    shutil.copytree(m, dst)
    return dst


def test_cube_minimum_with_cubes_that_do_not_cover_is_refused(parts, tmp_path):
    m = _copy(parts["min"], tmp_path)

    def drop(c):
        rec = c["regenerable_cubes"]
        rec["cubes"], rec["proofs"] = rec["cubes"][1:], rec["proofs"][1:]
        rec["checks"]["cubes_verified"] -= 1
    edit_claim(m / "n2-unsat", drop)
    write_minimum_manifest(m)
    rep = Bn.verify_bundle(m, checkers=("native",))
    assert rep.status == "FAIL" and "cover:" in _why(rep)


def test_cube_minimum_with_a_tampered_cube_hash_fails_when_regenerated(parts, tmp_path):
    m = _copy(parts["min"], tmp_path)
    edit_claim(m / "n2-unsat", lambda c: c["regenerable_cubes"]["proofs"][0].update(
        sha256="ab" * 32))
    write_minimum_manifest(m)
    assert Bn.verify_bundle(m, checkers=("native",)).status == PASS_NOT_RECHECKED
    rep = Bn.verify_bundle(m, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL" and "is not the recorded" in _why(rep)


def test_cube_minimum_with_a_sat_half_of_other_bounds_is_refused(parts, tmp_path):
    with pytest.raises(SoundnessError, match="the halves pose different questions"):
        regenerable_minimum(tmp_path / "bad", parts["sat_B2"], parts["cubes"])
    assert not (tmp_path / "bad").exists()
    m = _copy(parts["min"], tmp_path)  # swapped by hand, manifests re-sealed
    shutil.rmtree(m / "n3-sat")
    shutil.copytree(parts["sat_B2"], m / "n3-sat")
    write_minimum_manifest(m)
    rep = Bn.verify_bundle(m, checkers=("native",))
    assert rep.status == "FAIL" and "the halves pose different questions" in _why(rep)


# ---------------------------------------------------------------- own refutation

@pytest.fixture()
def repo(parts, tmp_path):
    shutil.copytree(parts["cubes"], tmp_path / "proofs/u/u3-n2-unsat")
    net = json.loads((parts["sat"] / "network.json").read_text())
    return tmp_path, network_from_dict(net)


def test_own_refutation_is_the_lower_bound(repo):
    root, net = repo
    key = BK._key(TASK, BK.bounds_of(net))
    rel = "proofs/u/u3-n2-unsat"
    assert BK.refutations(root / "proofs") == {key: (3, rel)}
    assert BK.lower_bound_claims(root / "proofs")[key] == (3, rel)
    lb = BK.band_lower_bound(1, claim=(3, rel), root=root)
    assert (lb["n"], lb["source"], lb["certificate"]) == (3, "refutation; " + LABEL, rel)
    e = {"lower_bound": lb, "certified_minimum": None}
    unver, unre = [], []
    assert BK._check_lower(e, key, TASK, net, root, cached_verifier(checkers=("native",)),
                           unver, unre) == []
    assert unver == [] and unre and "--regenerate-proofs" in unre[0]
    # a certified minimum of the same value wins the tie
    assert BK.band_lower_bound(1, (3, "proofs/m"), (3, rel), root=root)["source"] \
        == "certified minimum"


def _check(root, net, lb, key=None):
    key = key or BK._key(TASK, BK.bounds_of(net))
    return BK._check_lower({"lower_bound": lb, "certified_minimum": None}, key, TASK, net,
                           root, cached_verifier(checkers=("native",)), [], [])


def test_own_refutation_fails_closed(repo):
    root, net = repo
    rel = "proofs/u/u3-n2-unsat"
    good = BK.band_lower_bound(1, claim=(3, rel), root=root)
    # the row records another value
    assert any("refutes n=2, so n >= 3; the row records 4" in f
               for f in _check(root, net, dict(good, n=4)))
    # the label dropped
    assert any("the source must say" in f for f in _check(root, net, dict(
        good, source="refutation")))
    # another question's row (B = 2) may not cite it
    other = BK._key(TASK, dict(BK.bounds_of(net), B=2, B_bias=2))
    assert any("a refutation of another question" in f
               for f in _check(root, net, good, key=other))
    # cubes that no longer cover: refused with the reason
    edit_claim(root / rel, lambda c: c["regenerable_cubes"]["cover"].update(
        sha256="cd" * 32))
    assert any("cover:" in f for f in _check(root, net, good))


def test_a_restricted_or_sat_bundle_is_no_refutation(repo):
    root, net = repo
    rel = root / "proofs/u/u3-n2-unsat"
    edit_claim(rel, lambda c: c["options"].update(max_nonzero=5))
    key, n, why = BK.refutation_of(rel)
    assert key is None and "restricted by max_nonzero=5" in why
    assert BK.refutations(root / "proofs") == {}
    assert BK.refutation_of(root / "nothing")[2] == "no claim.json there"


# ---------------------------------------------------------------- committed

def test_committed_relu6_row_is_certified_and_labelled_wherever_shown():
    """uand(6) explicit relu B = 2: minimum 4 on the cube record at n = 3;
    the stored value stays CERTIFIED, every table shows the label."""
    from pathlib import Path
    repo = Path(__file__).resolve().parent.parent
    mdir = "proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1"
    (e,) = [e for e in BK.load_registry(repo / "search/best-known")
            if e["subject"] == "uand(m=6)" and e["bounds"]["activation"] == "relu"
            and e["bounds"]["mode"] == "explicit" and e["bounds"]["B"] == 2]
    assert e["minimality"] == "CERTIFIED"
    assert e["certified_minimum"] == {"n": 4, "bundle": mdir}
    assert e["lower_bound"]["source"] == "certified minimum; " + LABEL
    readme = (repo / "search/best-known/README.md").read_text()
    assert f"| 4 | CERTIFIED ({LABEL}) |" in readme
    results = (repo / "docs/RESULTS.md").read_text()
    assert (f"| uand(m=6) | explicit/relu L=1 B=2 B_bias=2 theta=1 | 4 | 4 ({LABEL}) | 4 | "
            f"CERTIFIED ({LABEL}) |") in results
    claims = (repo / "proofs/README.md").read_text()
    assert (f"| minimum n = 4 | `{mdir}` | verified network at n = 4; DRAT refutation at "
            f"n = 3 recorded as regenerable, not committed (cube and conquer) |") in claims
    # the bundle stays small: no proof file in either half
    assert not any(p.name.endswith(".drat.gz") for p in (repo / mdir).rglob("*"))


def test_committed_relu6_refutation_alone_is_its_lower_bound():
    """Without its minimum, the committed cube record of uand(6) relu at
    n = 3 is the row's own lower bound 4: the row (source ``refutation``,
    labelled) passes every registry check against the real record."""
    from pathlib import Path
    repo = Path(__file__).resolve().parent.parent
    lone = "proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1-n3-unsat"
    (e,) = [e for e in BK.load_registry(repo / "search/best-known", with_networks=True,
                                        root=repo)
            if e["subject"] == "uand(m=6)" and e["bounds"]["activation"] == "relu"
            and e["bounds"]["mode"] == "explicit" and e["bounds"]["B"] == 2]
    key = BK.entry_key(e)
    assert BK.refutations(repo / "proofs")[key] == (4, lone)
    lb = BK.band_lower_bound(1, claim=(4, lone), root=repo)
    assert lb == {"n": 4, "source": "refutation; " + LABEL, "certificate": lone,
                  "counting": 1}
    row = dict(e, lower_bound=lb, certified_minimum=None, minimality="UNKNOWN",
               ratio={"exact": "1/1", "decimal": "1.00"})
    BK.check_entry(row)
    unver, unre = [], []
    fails = BK._check_row(row, repo, cached_verifier(checkers=("native",)), unver, unre)
    assert fails == [] and unver == [], fails + unver
    assert any("33 cube proofs" in u for u in unre)
