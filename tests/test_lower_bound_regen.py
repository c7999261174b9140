"""Regenerable refutations (certify/proofcheck/regenerable_unsat.py,
regenerable_cubes.py) and the lower-bound claims that cite them.

Small instances (each solved in well under a second): explicit uand(3),
step, n = 1, B = 2 (UNSAT) as a regenerable record; explicit uand(3), step,
n = 1, B = 1 by cube and conquer (9 sign cubes) as a regenerable cube
record. Every record fails closed: a missing or unknown field, a wrong
hash, cubes that do not cover, options of another formula. Without
``--regenerate-proofs`` nothing that rests on such a record is reported as
a bare PASS; with it the proofs are re-made and a tampered hash fails.
"""

import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_bundle, edit_claim

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.bundles.check_claim import PASS_NOT_RECHECKED
from superpos_formal.certify.cubes import cube_and_conquer
from superpos_formal.certify.lower_bound import make_claim, verify_lower_bounds
from superpos_formal.certify.proofcheck.drat import CheckerPolicy
from superpos_formal.certify.proofcheck.regenerable_cubes import (make_regenerable_cubes,
                                                                  run_of)
from superpos_formal.certify.proofcheck.regenerable_unsat import regenerable_from_bundle
from superpos_formal.cli import main
from superpos_formal.encode.sat import encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

TASK = uand(3)
SHAPE = Shape("explicit", "step", n=1, B=2)
CUBE_SHAPE = Shape("explicit", "step", n=1, B=1)
AGAIN = CheckerPolicy(regenerate_proofs=True)
BOUNDS = {"mode": "explicit", "activation": "step", "L": 1, "B": 2, "B_bias": 2, "theta": 1}


@pytest.fixture(scope="module")
def regen(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("regen")
    enc = encode_sat(TASK, SHAPE)
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(tmp / "p.drat"))
    assert r.status == "UNSAT"
    full = Bn.make_bundle(tmp / "full", r, task=TASK, shape=SHAPE, encoding=enc,
                          checkers=("native",))
    return regenerable_from_bundle(full, tmp / "regen", load_average=(1.0, 1.0, 1.0))


@pytest.fixture(scope="module")
def cubes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cubes")
    r = cube_and_conquer(TASK, CUBE_SHAPE, depth=2, split="sign")
    assert r.status == "UNSAT" and len(r.cubes) == 9
    run = run_of(r)
    return make_regenerable_cubes(tmp / "c", run, shape=CUBE_SHAPE, task=TASK,
                                  options={"symmetry": True, "sums": run["sums"]})




def _why(rep):
    return "\n".join(rep.all_failures())


# ---------------------------------------------------------------- one proof

def test_regenerable_bundle_holds_no_proof_and_is_not_a_bare_pass(regen):
    assert sorted(p.name for p in regen.iterdir()) == ["claim.json", "manifest.json"]
    rep = Bn.verify_bundle(regen, checkers=("native",))
    assert rep.ok, _why(rep)
    assert rep.status == PASS_NOT_RECHECKED != "PASS"
    assert "regenerate" in rep.checks and "regenerate-proof" not in rep.checks
    assert "--regenerate-proofs" in rep.all_unrechecked()[0]


def test_regenerate_proofs_remakes_and_checks(regen):
    rep = Bn.verify_bundle(regen, checkers=("native",), budget=AGAIN)
    assert rep.status == "PASS", _why(rep)
    assert "regenerated:native:verified" in rep.checks
    assert not rep.all_unrechecked()


def test_tampered_proof_hash_fails_only_when_regenerated(regen, tmp_path):
    b = edit_claim(copy_bundle(regen, tmp_path),
              lambda c: c["regenerable"]["proof"].update(sha256="ab" * 32))
    # without the solve the hash cannot be compared: labelled, not passed bare
    assert Bn.verify_bundle(b, checkers=("native",)).status == PASS_NOT_RECHECKED
    rep = Bn.verify_bundle(b, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL"
    assert "is not the recorded abababababab" in _why(rep)


@pytest.mark.parametrize("edit,needle", [
    (lambda c: c["regenerable"].pop("solver"), "regenerable: fields"),
    (lambda c: c["regenerable"].update(extra=1), "regenerable: fields"),
    (lambda c: c["regenerable"]["proof"].pop("gz_bytes"), "regenerable.proof: fields"),
    (lambda c: c["regenerable"]["timings"].pop("solve_seconds"), "regenerable.timings"),
    (lambda c: c["regenerable"]["timings"].update(when="now"), "regenerable.timings"),
    (lambda c: c.pop("regenerable"), "regenerable: expected an object"),
    (lambda c: c["regenerable"].update(checks=[]), "non-empty list"),
    (lambda c: c["regenerable"]["checks"][0].update(verdict="REJECTED"), "rejected the proof"),
    (lambda c: c["regenerable"]["options"].update(symmetry=False), "another formula"),
    (lambda c: (c["regenerable"]["formula"].update(sha256="0" * 64),
                c["formula"].update(sha256="0" * 64)), "formula built from claim.json"),
    (lambda c: c["regenerable"]["formula"].update(clauses=1), "differs from the claim's"),
    (lambda c: c.update(certificate="regenerable-x"), "not one this toolkit checks"),
])
def test_altered_records_are_rejected(regen, tmp_path, edit, needle):
    rep = Bn.verify_bundle(edit_claim(copy_bundle(regen, tmp_path), edit), checkers=("native",))
    assert rep.status == "FAIL" and needle in _why(rep), _why(rep)


def test_a_proof_file_beside_the_record_is_rejected(regen, tmp_path):
    b = copy_bundle(regen, tmp_path)
    (b / "proof.drat.gz").write_bytes(b"")
    Bn.write_manifest(b)
    assert "unexpected file: proof.drat.gz" in _why(Bn.verify_bundle(b, checkers=("native",)))


def test_no_regenerate_leaves_it_not_verified(regen):
    rep = Bn.verify_bundle(regen, checkers=("native",), regenerate=False)
    assert rep.status == "NOT VERIFIED"


# ---------------------------------------------------------------- cubes

def test_cube_record_not_rechecked_then_rechecked(cubes):
    assert sorted(p.name for p in cubes.iterdir()) == ["claim.json", "manifest.json"]
    rep = Bn.verify_bundle(cubes, checkers=("native",))
    assert rep.status == PASS_NOT_RECHECKED, _why(rep)
    assert "cover:native:verified" in rep.checks
    rep = Bn.verify_bundle(cubes, checkers=("native",), budget=AGAIN)
    assert rep.status == "PASS", _why(rep)
    assert "cube proofs re-made and verified: 9/9" in rep.checks


def _drop_cube(c, i=4):
    r = c["regenerable_cubes"]
    del r["cubes"][i], r["proofs"][i]
    r["checks"]["cubes_verified"] -= 1


@pytest.mark.parametrize("edit,needle", [
    (_drop_cube, "do not cover every assignment"),
    (lambda c: c["regenerable_cubes"].pop("split"), "regenerable_cubes: fields"),
    (lambda c: c["regenerable_cubes"].update(order="x"), "regenerable_cubes: fields"),
    (lambda c: c["regenerable_cubes"]["proofs"].pop(), "one proof record per cube"),
    (lambda c: c["regenerable_cubes"]["proofs"][0].update(seconds=1), "proofs[0]: fields"),
    (lambda c: c["regenerable_cubes"]["cubes"][0].append(-c["regenerable_cubes"]["cubes"][0][0]),
     "contradictory"),
    (lambda c: c["regenerable_cubes"]["cubes"][0].append(10 ** 6), "non-zero literals"),
    (lambda c: c["regenerable_cubes"]["cover"].update(sha256="cd" * 32), "cover proof re-made"),
    (lambda c: c["regenerable_cubes"]["checks"].update(cubes_verified=8), "verified every"),
    (lambda c: c["regenerable_cubes"]["options"].update(symmetry=False), "another formula"),
])
def test_altered_cube_records_are_rejected(cubes, tmp_path, edit, needle):
    rep = Bn.verify_bundle(edit_claim(copy_bundle(cubes, tmp_path), edit), checkers=("native",))
    assert rep.status == "FAIL" and needle in _why(rep), _why(rep)


def test_tampered_cube_proof_hash_fails_when_regenerated(cubes, tmp_path):
    b = edit_claim(copy_bundle(cubes, tmp_path),
              lambda c: c["regenerable_cubes"]["proofs"][3].update(sha256="ef" * 32))
    assert Bn.verify_bundle(b, checkers=("native",)).status == PASS_NOT_RECHECKED
    rep = Bn.verify_bundle(b, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL" and "cube 3: proof sha256" in _why(rep), _why(rep)
    assert "cube proofs re-made and verified: 8/9" in rep.checks


# ---------------------------------------------------------------- lower bounds

@pytest.fixture()
def claim_repo(regen, tmp_path):
    """A repository-shaped folder: the regenerable uand(3) refutation at
    n = 1 and a claim "uand(5) needs >= 2" resting on it."""
    shutil.copytree(regen, tmp_path / "proofs/u3")
    doc = make_claim(uand(5), BOUNDS, 2, "proofs/u3", uand(3), 2)
    (tmp_path / "proofs/lower-bounds").mkdir(parents=True)
    (tmp_path / "proofs/lower-bounds/uand_m5.json").write_text(json.dumps(doc))
    return tmp_path


def test_lower_bound_on_a_regenerable_record_is_labelled(claim_repo, capsys):
    rep = verify_lower_bounds(claim_repo / "proofs/lower-bounds", checkers=("native",))
    child = rep.children[0]
    assert child.ok and child.status == PASS_NOT_RECHECKED, _why(rep)
    assert "regenerable proof" in child.certificate and "not by CI" in child.certificate
    assert main(["verify", str(claim_repo / "proofs/lower-bounds"), "--checkers",
                 "native"]) == 0
    out = capsys.readouterr().out
    assert "PASS (not re-checked)" in out and "NOT RE-CHECKED" in out
    assert "\nPASS " not in out and " PASS  " not in out.replace("PASS (not", "")
    assert main(["verify", str(claim_repo / "proofs/lower-bounds"), "--checkers", "native",
                 "--regenerate-proofs"]) == 0
    out = capsys.readouterr().out
    assert "NOT RE-CHECKED" not in out and "(not re-checked)" not in out


def test_lower_bound_on_a_tampered_record_fails_regenerate_proofs(claim_repo):
    edit_claim(claim_repo / "proofs/u3", lambda c: c["regenerable"]["proof"].update(
        sha256="ab" * 32))
    lb = claim_repo / "proofs/lower-bounds"
    assert verify_lower_bounds(lb, checkers=("native",)).children[0].status \
        == PASS_NOT_RECHECKED
    rep = verify_lower_bounds(lb, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL"
    assert "is not the recorded" in "\n".join(rep.all_failures())


# ---------------------------------------------------------------- registry rows

def test_registry_lower_bound_source_is_labelled_and_checked(claim_repo):
    from superpos_formal.certify import best_known as BK
    from superpos_formal.certify.bundles.verify import cached_verifier
    from superpos_formal.schema import network_from_dict
    rel = "proofs/lower-bounds/uand_m5.json"
    assert BK.regenerable_certificate(rel, claim_repo)
    lb = BK.band_lower_bound(1, claim=(2, rel), root=claim_repo)
    assert lb["source"] == "restriction; regenerable proof: re-checked by `superpos verify " \
                           "--regenerate-proofs`, not by CI"
    net = network_from_dict(json.loads((Path(__file__).resolve().parent.parent / "proofs" /
                                        "uand-explicit/uand-m5-s2-explicit-step-L1-B2-bias2-"
                                        "theta1/n4-sat/network.json").read_text()))
    verified = cached_verifier(checkers=("native",))
    key = BK._key(uand(5), BK.bounds_of(net))

    def check(source):
        unver, unre = [], []
        e = {"lower_bound": dict(lb, source=source), "certified_minimum": None}
        return BK._check_lower(e, key, uand(5), net, claim_repo, verified, unver, unre), unre
    fails, unre = check(lb["source"])
    assert fails == [] and unre and "--regenerate-proofs" in unre[0]
    fails, _ = check("restriction")  # the label dropped: refused
    assert any("rests on a regenerable refutation; the source must say" in f for f in fails)
