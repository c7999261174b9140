"""Cube and conquer: checked cube proofs, checked cover, tamper-evident bundles."""

import json
import shutil

import pytest

from superpos_formal.certify.bundle import verify_bundle, write_manifest
from superpos_formal.certify.cubes import cover_proof, cube_and_conquer, make_cube_bundle
from superpos_formal.certify.drat import read_text, write_gz
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.cubes import split_cubes
from superpos_formal.encode.sat import encode_sat
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

NATIVE = ("native",)
# universal AND m=3, explicit step, weights in [-1, 1]: minimum width 3, so
# n = 2 is UNSAT (and n = 3 SAT) -- the committed campaign tables say so too
UNSAT_SHAPE = Shape(mode="explicit", activation="step", n=2, B=1)
SAT_SHAPE = Shape(mode="explicit", activation="step", n=3, B=1)


@pytest.fixture(scope="module")
def unsat_bundle(tmp_path_factory):
    res = cube_and_conquer(uand(3), UNSAT_SHAPE, depth=2)
    assert res.status == "UNSAT" and len(res.cubes) == 9
    out = tmp_path_factory.mktemp("cubes") / "b"
    make_cube_bundle(out, res, shape=UNSAT_SHAPE, task=uand(3), checkers=NATIVE)
    return out


def copy(src, tmp_path):
    dst = tmp_path / "b"
    shutil.copytree(src, dst)
    return dst


def failures(path):
    rep = verify_bundle(path, checkers=NATIVE)
    return rep.ok, " | ".join(rep.all_failures())


def test_bundle_verifies(unsat_bundle):
    rep = verify_bundle(unsat_bundle, checkers=NATIVE)
    assert rep.ok, rep.all_failures()
    assert "cube proofs verified: 9/9" in rep.checks
    assert "cover:native:verified" in rep.checks
    assert not list(unsat_bundle.parent.glob(".cubes-*"))  # no temporary left over


def test_cubes_cover_and_split_on_first_layer():
    enc = encode_sat(uand(3), UNSAT_SHAPE)
    cubes = split_cubes(enc, 2)
    W = enc._members[0]["layers"][0][0]
    w0, w1 = W[0][0], W[0][1]
    want = {w0.ge(0), w0.ge(1), w1.ge(0), w1.ge(1)}
    assert {abs(l) for c in cubes for l in c} == {abs(l) for l in want}
    assert cover_proof(cubes).strip().endswith("0")
    with pytest.raises(InputError, match="do not cover"):
        cover_proof(cubes[1:])


def test_missing_proof_rejected(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    (b / "cubes" / "0004.drat.gz").unlink()
    write_manifest(b)  # even with a consistent manifest
    ok, why = failures(b)
    assert not ok and "cubes/0004.drat.gz: missing" in why


def test_dropped_cube_rejected_by_the_cover(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    doc = json.loads((b / "cubes.json").read_text())
    doc["cubes"].pop()
    doc["proofs"].pop()
    (b / "cubes.json").write_text(json.dumps(doc))
    (b / "cubes" / "0008.drat.gz").unlink()
    claim = json.loads((b / "claim.json").read_text())
    claim["cubes"]["count"] = 8
    (b / "claim.json").write_text(json.dumps(claim))
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and "cover.drat.gz: rejected" in why


def test_altered_cube_rejected(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    doc = json.loads((b / "cubes.json").read_text())
    # flip one literal: the assignments of the old cube are covered by no cube
    # (dropping a literal instead would be sound -- a weaker cube whose proof
    # still checks refutes more -- and is rightly accepted)
    doc["cubes"][0][0] = -doc["cubes"][0][0]
    (b / "cubes.json").write_text(json.dumps(doc))
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and "cover.drat.gz: rejected" in why


def test_altered_proof_rejected(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    proofs = sorted((b / "cubes").glob("*.drat.gz"), key=lambda p: len(read_text(p)))
    longest = proofs[-1]
    assert read_text(longest).count("\n") > 10  # not a unit-propagation refutation
    write_gz(longest, "0\n")  # "the empty clause follows at once": it does not
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and f"cubes/{longest.name}: rejected" in why


def test_extra_proof_and_tampered_files(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    shutil.copy(b / "cubes" / "0000.drat.gz", b / "cubes" / "0009.drat.gz")
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and "0009.drat.gz: a proof file without its cube" in why
    b2 = tmp_path / "b2"
    shutil.copytree(unsat_bundle, b2)
    (b2 / "cubes.json").write_text((b2 / "cubes.json").read_text() + " ")
    ok, why = failures(b2)  # manifest not rewritten: caught there
    assert not ok and "changed file: cubes.json" in why


def test_claim_without_certificate_needs_a_proof(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    claim = json.loads((b / "claim.json").read_text())
    del claim["certificate"]
    (b / "claim.json").write_text(json.dumps(claim))
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and "proof.drat.gz: missing" in why


def test_sat_cube_gives_a_verified_network():
    res = cube_and_conquer(uand(3), SAT_SHAPE, depth=2)
    assert res.status == "SAT"
    assert verify(res.network, uand(3)).ok  # independent of the decoder's own check
    assert res.network.widths == (3,)
    with pytest.raises(InputError, match="only an UNSAT"):
        make_cube_bundle("/nonexistent/never", res, shape=SAT_SHAPE, task=uand(3))


def test_cli_cubes_bundle_and_bad_depth(tmp_path, capsys):
    from superpos_formal.cli import main

    args = ["cubes", "--task", "uand", "--m", "3", "--mode", "explicit", "--activation",
            "step", "--n", "2", "--B", "1", "--quiet"]
    assert main(args + ["--depth", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: --depth")
    out = tmp_path / "b"
    assert main(args + ["--depth", "1", "-o", str(out)]) == 0
    assert "UNSAT: 3 cubes" in capsys.readouterr().out
    rep = verify_bundle(out, checkers=NATIVE)
    assert rep.ok and "cube proofs verified: 3/3" in rep.checks
    assert main(args + ["--depth", "1", "-o", str(out)]) == 2  # never overwritten silently
