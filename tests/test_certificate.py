"""Certificate kinds: stated in every claim, checked by ``superpos verify``.

One tiny real UNSAT question (uand on 3 features, explicit step, one neuron,
weights in [-2, 2]: its formula carries the hidden-neuron and feature breaks)
is bundled; the tests then give it a proof of the base formula F and tamper
with kinds, generators-claims and formulas.
"""

import json
import shutil
from types import SimpleNamespace

import pytest

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.certify.proofcheck.add_base_proof import attach_base_proof
from superpos_formal.certify.bundles.certificate_kind import (KIND_ARGUMENT, KIND_F, KIND_GENERATORS,
                                                              KIND_NETWORK)
from superpos_formal.cli.proofs import format_table
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import and_pairs, uand

TASK = uand(3)
SHAPE = Shape("explicit", "step", n=1, B=2)


def _unsat(tmp_path, symmetry):
    enc = encode_sat(TASK, SHAPE, symmetry=symmetry)
    proof = tmp_path / f"p-{symmetry}.drat"
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(proof))
    assert r.status == "UNSAT"
    return enc, r


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """``sb``: the symmetry-broken claim; ``f``: the same with a base proof."""
    tmp = tmp_path_factory.mktemp("cert")
    enc, r = _unsat(tmp, True)
    sb = Bn.make_bundle(tmp / "sb", r, task=TASK, shape=SHAPE, encoding=enc,
                        checkers=("native",))
    base_enc, rb = _unsat(tmp, False)
    f = tmp / "f"
    shutil.copytree(sb, f)
    attach_base_proof(f, rb.proof_path, base_enc, solve_seconds=rb.seconds,
                      solver={"name": "cadical195"}, checkers=("native",))
    return SimpleNamespace(tmp=tmp, sb=sb, f=f, base_enc=base_enc, sb_enc=enc)


def _claim(path):
    return json.loads((path / "claim.json").read_text())


def _edit_claim(path, fn):
    c = _claim(path)
    fn(c)
    (path / "claim.json").write_text(json.dumps(c, indent=1, sort_keys=True) + "\n")
    Bn.write_manifest(path)


def _copy(src, tmp_path, name="x"):
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def _fails(rep):
    return "\n".join(rep.all_failures())


def test_fresh_bundle_states_sb_by_argument(bundles):
    assert _claim(bundles.sb)["certificate_kind"] == KIND_ARGUMENT
    rep = Bn.verify_bundle(bundles.sb, checkers=("native",))
    assert rep.ok, _fails(rep)
    assert rep.certificate == KIND_ARGUMENT
    assert KIND_ARGUMENT in format_table([rep])


def test_base_proof_makes_it_a_proof_of_F(bundles):
    c = _claim(bundles.f)
    assert c["certificate_kind"] == KIND_F
    assert c["base_proof"]["formula"]["clauses"] < c["formula"]["clauses"]
    rep = Bn.verify_bundle(bundles.f, checkers=("native",))
    assert rep.ok, _fails(rep)
    assert rep.certificate == KIND_F
    assert "regenerate-F" in rep.checks and "F:native:verified" in rep.checks
    assert "proof of F " in format_table([rep]) + " "


def test_sat_claim_is_a_verified_network(tmp_path):
    net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    cell = SimpleNamespace(status="SAT", seconds=0.0, network=net, proof_path=None)
    b = Bn.make_bundle(tmp_path / "s", cell, task=and_pairs(2, [(0, 1)]),
                       shape=Shape("explicit", "step", n=1, B=1))
    rep = Bn.verify_bundle(b)
    assert rep.ok and rep.certificate == KIND_NETWORK
    _edit_claim(b, lambda c: c.update(certificate_kind=KIND_F))
    assert "a SAT claim's certificate is 'verified network'" in _fails(Bn.verify_bundle(b))


def test_proof_of_F_over_a_formula_with_extra_clauses_is_rejected(bundles, tmp_path):
    # the base/ formula is swapped for the symmetry-broken one (hashes made
    # consistent, as a careless or dishonest bundle maker would)
    b = _copy(bundles.f, tmp_path)
    text = bundles.sb_enc.to_dimacs()
    D.write_gz(b / "base" / "formula.cnf.gz", text)
    _edit_claim(b, lambda c: c["base_proof"]["formula"].update(
        sha256=D.sha256_text(text)))
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "'proof of F' claimed, but the formula has" in msg
    assert "not in the base formula F" in msg


def test_proof_of_F_claimed_without_base_proof_is_rejected(bundles, tmp_path):
    b = _copy(bundles.sb, tmp_path)
    _edit_claim(b, lambda c: c.update(certificate_kind=KIND_F))
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "carries symmetry breaks and the bundle has no base/ proof of F" in msg


def test_altered_base_proof_is_rejected(bundles, tmp_path):
    b = _copy(bundles.f, tmp_path)
    p = b / "base" / "proof.drat.gz"
    D.write_gz(p, "\n".join(D.read_text(p).splitlines()[:1]) + "\n")
    Bn.write_manifest(b)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "base/proof.drat.gz: rejected by native" in msg


def test_generator_kind_without_generators_is_rejected(bundles, tmp_path):
    b = _copy(bundles.sb, tmp_path)
    _edit_claim(b, lambda c: c.update(certificate_kind=KIND_GENERATORS))
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "has no gen/ directory and generator_proof" in msg


@pytest.mark.parametrize("edit,expect", [
    ({"certificate_kind": None}, "certificate_kind: missing"),
    ({"certificate_kind": "proof of everything"}, "is not one of"),
    ({"base_proof": 3}, "base_proof: expected an object"),
    ({"certificate": "proof of F"}, "certificate 'proof of F' is not one this toolkit checks"),
])
def test_missing_or_unknown_kind_is_rejected(bundles, tmp_path, edit, expect):
    b = _copy(bundles.sb, tmp_path)

    def apply(c):
        for k, v in edit.items():
            if v is None:
                del c[k]
            else:
                c[k] = v
    _edit_claim(b, apply)
    assert expect in _fails(Bn.verify_bundle(b, checkers=("native",)))


def test_argument_kind_without_breaks_is_rejected(tmp_path):
    enc, r = _unsat(tmp_path, False)
    b = Bn.make_bundle(tmp_path / "nosb", r, task=TASK, shape=SHAPE, encoding=enc,
                       options={"symmetry": False}, checkers=("native",))
    rep = Bn.verify_bundle(b, checkers=("native",))
    assert rep.ok and rep.certificate == KIND_F
    _edit_claim(b, lambda c: c.update(certificate_kind=KIND_ARGUMENT))
    assert "the formula has no symmetry break" in _fails(Bn.verify_bundle(b))


def test_attach_refuses_a_formula_with_breaks(bundles, tmp_path):
    b = _copy(bundles.sb, tmp_path)
    before = (b / "claim.json").read_text()
    with pytest.raises(InputError, match="not F"):
        attach_base_proof(b, bundles.tmp / "p-True.drat", bundles.sb_enc,
                          solve_seconds=0, solver={})
    assert (b / "claim.json").read_text() == before
    assert not Bn.check_manifest(b)


def test_base_options_other_than_F_are_rejected(bundles, tmp_path):
    b = _copy(bundles.f, tmp_path)
    _edit_claim(b, lambda c: c["base_proof"]["options"].update(symmetry=True))
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "base_proof.options are not the claim's options with the symmetry " \
           "breaks off" in msg
