"""Refutations made by the cut-lemma route, recorded as regenerable
(certify/proofcheck/regenerable_lemmas.py): the minimum of parity of 3 bits
(width 3; width 2 refuted through the lemmas with the cut problem's
symmetries broken in DRAT) made by search/dense_lemmas.py. The record fails
closed, is never a bare PASS without the re-made proof, and a re-made proof
must have the recorded hash: a route run another way (breaks off) fails."""

import pytest

from conftest import copy_bundle, edit_claim, search_script

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.bundles.check_claim import PASS_NOT_RECHECKED
from superpos_formal.certify.proofcheck.drat import CheckerPolicy

AGAIN = CheckerPolicy(regenerate_proofs=True)
FIELD = "regenerable_lemmas"


@pytest.fixture(scope="module")
def minimum(tmp_path_factory):
    dl = search_script("dense_lemmas")
    tmp = tmp_path_factory.mktemp("dl")
    rec = dl.run(3, 2, tmp, breaks=True)
    assert rec["status"] == "UNSAT" and rec["breaks"] is True
    return dl.bundle(3, 2, tmp, tmp / "min", regenerable=True, headline=False)


def _unsat(minimum):
    return minimum / "n2-unsat"


def _why(rep):
    return "\n".join(rep.all_failures())


def test_the_unsat_half_is_a_record_and_not_a_bare_pass(minimum):
    u = _unsat(minimum)
    assert sorted(p.name for p in u.iterdir()) == ["claim.json", "manifest.json"]
    rep = Bn.verify_bundle(minimum, checkers=("native",))
    assert rep.ok, _why(rep)
    assert rep.status == PASS_NOT_RECHECKED
    rep = Bn.verify_bundle(u, checkers=("native",))
    assert "regenerate-proof" not in rep.checks
    assert "--regenerate-proofs" in rep.all_unrechecked()[0]


def test_regenerate_proofs_remakes_the_route_and_checks(minimum):
    rep = Bn.verify_bundle(minimum, checkers=("native",), budget=AGAIN)
    assert rep.status == "PASS", _why(rep)
    rep = Bn.verify_bundle(_unsat(minimum), checkers=("native",), budget=AGAIN)
    assert "regenerated:native:verified" in rep.checks


def test_the_route_run_another_way_gives_another_hash(minimum, tmp_path):
    # breaks off: the lemmas alone are refuted too, but by another proof
    b = edit_claim(copy_bundle(_unsat(minimum), tmp_path),
                   lambda c: c[FIELD]["route"].update(breaks=False))
    assert Bn.verify_bundle(b, checkers=("native",)).status == PASS_NOT_RECHECKED
    rep = Bn.verify_bundle(b, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL" and "is not the recorded" in _why(rep), _why(rep)


def test_a_tampered_proof_hash_fails_when_regenerated(minimum, tmp_path):
    b = edit_claim(copy_bundle(_unsat(minimum), tmp_path),
                   lambda c: c[FIELD]["proof"].update(sha256="cd" * 32))
    rep = Bn.verify_bundle(b, checkers=("native",), budget=AGAIN)
    assert rep.status == "FAIL" and "is not the recorded cdcdcdcdcdcd" in _why(rep)


@pytest.mark.parametrize("edit,needle", [
    (lambda c: c[FIELD].pop("route"), "regenerable_lemmas: fields"),
    (lambda c: c[FIELD].update(extra=1), "regenerable_lemmas: fields"),
    (lambda c: c[FIELD]["route"].update(name="plain"), "is not a known route"),
    (lambda c: c[FIELD]["route"].update(breaks="yes"), "expected true or false"),
    (lambda c: c[FIELD]["route"].update(order=[1]), "regenerable_lemmas.route: fields"),
    (lambda c: c[FIELD].update(checks=[]), "non-empty list"),
    (lambda c: c[FIELD]["checks"][0].update(verdict="REJECTED"), "rejected the proof"),
    (lambda c: c[FIELD]["options"].update(symmetry=True), "another formula"),
    (lambda c: c[FIELD]["formula"].update(clauses=1), "differs from the claim's"),
    (lambda c: c.pop(FIELD), "regenerable_lemmas: expected an object"),
    (lambda c: c.update(answer="SAT"), ""),
])
def test_altered_records_are_rejected(minimum, tmp_path, edit, needle):
    rep = Bn.verify_bundle(edit_claim(copy_bundle(_unsat(minimum), tmp_path), edit),
                           checkers=("native",))
    assert rep.status == "FAIL" and needle in _why(rep), _why(rep)


def test_a_family_claim_cannot_use_the_route(minimum, tmp_path):
    from superpos_formal.certify.proofcheck.regenerable_lemmas import verify_regenerable_lemmas
    from superpos_formal.certify.bundles.check_claim import BundleReport
    import json
    claim = json.loads((_unsat(minimum) / "claim.json").read_text())
    rep = BundleReport(path=str(_unsat(minimum)), answer="UNSAT", certificate="proof of F")
    verify_regenerable_lemmas(_unsat(minimum), claim, rep, None, [1, 2], claim["options"],
                              ("native",), False, AGAIN)
    assert any("refutes one task, the claim has 2" in f for f in rep.failures), rep.failures


def test_regenerable_without_a_bundle_is_refused(capsys):
    dl = search_script("dense_lemmas")
    assert dl.main(["--m", "3", "--n", "2", "--regenerable"]) == 2
    assert "give --bundle" in capsys.readouterr().err
