"""Proofs of F recorded as regenerable (certify/proofcheck/regenerable_proof.py).

The tiny explicit uand(3), n = 1 claim of tests/test_certificate.py: its
proof of F is recorded (not stored), verify notes it, ``regenerate_proofs``
re-solves and checks it, and altered records are rejected.
"""

import json

import pytest

from conftest import copy_bundle, edit_claim

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.certify.bundles.certificate_kind import KIND_ARGUMENT, base_options
from superpos_formal.certify.proofcheck.regenerable_proof import record_regenerable_proof
from superpos_formal.encode.sat import encode_sat
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import uand

TASK = uand(3)
SHAPE = Shape("explicit", "step", n=1, B=2)


@pytest.fixture(scope="module")
def rb(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("regen")
    enc = encode_sat(TASK, SHAPE)
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(tmp / "sb.drat"))
    b = Bn.make_bundle(tmp / "b", r, task=TASK, shape=SHAPE, encoding=enc,
                       checkers=("native",))
    opts = base_options(json.loads((b / "claim.json").read_text())["options"])
    base = encode_sat(TASK, SHAPE, symmetry=False)
    rf = solve_cnf(base.clauses, base.nvars, proof_path=str(tmp / "f.drat"))
    assert rf.status == "UNSAT"
    record_regenerable_proof(b, base, tmp / "f.drat", options=opts,
                             solve_seconds=rf.seconds, solver={"name": "cadical195"})
    return b




def test_recorded_proof_is_noted_and_not_run_by_default(rb):
    rep = Bn.verify_bundle(rb, checkers=("native",))
    assert rep.ok, rep.all_failures()
    assert rep.certificate == KIND_ARGUMENT
    assert any("recorded as regenerable" in n for n in rep.notes)
    assert "regenerate-proof-of-F" not in rep.checks


def test_regenerate_proofs_resolves_and_checks(rb):
    rep = Bn.verify_bundle(rb, checkers=("native",),
                           budget=D.CheckerPolicy(regenerate_proofs=True))
    assert rep.ok, rep.all_failures()
    assert "F(regenerated):native:verified" in rep.checks
    assert any("needs no side argument" in n for n in rep.notes)
    assert not any("differs from the recorded sha256" in n for n in rep.notes)


def test_record_for_another_formula_is_rejected(rb, tmp_path):
    b = copy_bundle(rb, tmp_path)
    edit_claim(b, lambda c: c["regenerable_proof"]["formula"].update(sha256="0" * 64))
    rep = Bn.verify_bundle(b, checkers=("native",), budget=D.CheckerPolicy(regenerate_proofs=True))
    assert "formula differs from regenerable_proof.formula.sha256" in "\n".join(
        rep.all_failures())


@pytest.mark.parametrize("edit,expect", [
    (lambda c: c["regenerable_proof"]["options"].update(symmetry=True), "options are not"),
    (lambda c: c["regenerable_proof"].pop("solver"), "fields"),
    (lambda c: c.update(certificate_kind="proof of F"), "is for a claim whose committed"),
])
def test_altered_records_are_rejected(rb, tmp_path, edit, expect):
    b = copy_bundle(rb, tmp_path)
    edit_claim(b, edit)
    assert expect in "\n".join(Bn.verify_bundle(b, checkers=("native",)).all_failures())
