"""Claim bundles: a correct bundle passes; every tampering is caught by name."""

import json
import shutil
from types import SimpleNamespace

import pytest
from pysat.examples.genhard import PHP

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.cli import main
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import and_pairs, xor_pairs
from superpos_formal.options import SolveOptions

# --------------------------------------------------------------- stand-in
# A tiny deterministic "encoder" so these tests do not depend on the real one:
# the formula for width n is PHP(n + 2) (unsatisfiable), plus one clause that
# depends on the symmetry option, so options change the formula's hash.


class _Enc:
    def __init__(self, shape, symmetry, version):
        self.clauses = [list(c) for c in PHP(shape.n + 2).clauses]
        if symmetry:
            self.clauses.append([1, 2, 3])
        self.nvars = max(abs(l) for c in self.clauses for l in c)
        self.info = {"encoder": "standin", "version": version, "symmetry": symmetry}

    def to_dimacs(self):
        return D.clauses_to_dimacs(self.clauses, self.nvars)


STANDIN = SimpleNamespace(ENCODER_NAME="standin", ENCODER_VERSION="1")
STANDIN.encode_sat = lambda task, shape, symmetry=True, inputs=None, max_nonzero=None: \
    _Enc(shape, symmetry, STANDIN.ENCODER_VERSION)
STANDIN.encode_family_sat = lambda tasks, shape, symmetry=True, inputs=None, \
    max_nonzero=None: _Enc(shape, symmetry, STANDIN.ENCODER_VERSION)
Bn.register_encoder("standin", STANDIN)

XOR = xor_pairs(2, [(0, 1)])
AND = and_pairs(2, [(0, 1)])


def xor_net():
    """XOR with two step neurons: OR minus AND."""
    return Network.explicit(2, 1, "step", [([[1, 1], [1, 1]], [0, -1])], [[1, -1]], [0], B=1)


def unsat_cell(tmp_path, n, symmetry=True):
    enc = STANDIN.encode_sat(XOR, Shape("explicit", "step", n=n, B=1), symmetry=symmetry)
    proof = tmp_path / f"proof-{n}-{symmetry}.drat"
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(proof))
    assert r.status == "UNSAT"
    return r


def make_unsat(tmp_path, name="u", n=1, **kw):
    return Bn.make_bundle(tmp_path / name, unsat_cell(tmp_path, n), task=XOR,
                          shape=Shape("explicit", "step", n=n, B=1), encoder="standin", **kw)


def make_sat(tmp_path, name="s"):
    cell = SimpleNamespace(status="SAT", seconds=0.01, network=xor_net(), proof_path=None)
    return Bn.make_bundle(tmp_path / name, cell, task=XOR,
                          shape=Shape("explicit", "step", n=2, B=1), encoder="standin")


def fails(rep):
    return "\n".join(rep.all_failures())


def regz(path, fn):
    """Rewrite a gzipped text file through ``fn``."""
    D.write_gz(path, fn(D.read_text(path)))


# --------------------------------------------------------------- passing

def test_sat_bundle_passes(tmp_path):
    b = make_sat(tmp_path)
    assert sorted(p.name for p in b.iterdir()) == ["claim.json", "manifest.json", "network.json"]
    claim = json.loads((b / "claim.json").read_text())
    assert claim["format"] == "superpos-formal/claim" and claim["answer"] == "SAT"
    assert claim["question"] == "instance" and claim["shape"]["n"] == 2
    rep = Bn.verify_bundle(b)
    assert rep.ok, fails(rep)
    assert rep.checks == ["manifest", "certificate", "exhaustive"]


def test_unsat_bundle_passes_with_both_dratify_engines(tmp_path):
    b = make_unsat(tmp_path, headline=True)
    names = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert names == ["claim.json", "formula.cnf.gz", "logs/drup.log", "logs/native.log",
                     "logs/python.log", "manifest.json", "proof.drat.gz"]
    claim = json.loads((b / "claim.json").read_text())
    assert claim["encoder"] == {"name": "standin", "version": "1",
                                "info": {"symmetry": True}}
    assert claim["options"] == {"symmetry": True}
    assert {c["checker"]: c["verdict"] for c in claim["checks"]} == {
        "native": "VERIFIED", "python": "VERIFIED", "drup": "VERIFIED"}
    assert "cadical195" in claim["solver"]["version"]
    for checkers in (("native",), ("python",), ("native", "python", "drup")):
        rep = Bn.verify_bundle(b, checkers=checkers)
        assert rep.ok, fails(rep)
        assert all(f"{c}:verified" in rep.checks for c in checkers)
    assert "regenerate" in rep.checks


def test_formula_and_proof_files_are_deterministic(tmp_path):
    a, b = make_unsat(tmp_path, "a"), make_unsat(tmp_path, "b")
    for f in ("formula.cnf.gz", "proof.drat.gz"):
        assert D.sha256_file(a / f) == D.sha256_file(b / f)


# --------------------------------------------------------------- refusals

def test_unsat_without_proof_is_refused(tmp_path):
    cell = SimpleNamespace(status="UNSAT", seconds=1.0, network=None, proof_path=None)
    with pytest.raises(InputError, match="needs its DRAT proof"):
        Bn.make_bundle(tmp_path / "x", cell, task=XOR, encoder="standin",
                       shape=Shape("explicit", "step", n=1, B=1))
    assert not (tmp_path / "x").exists()


def test_unknown_and_wrong_network_refused(tmp_path):
    with pytest.raises(InputError, match="only SAT and UNSAT"):
        Bn.make_bundle(tmp_path / "x", SimpleNamespace(status="UNKNOWN"), task=XOR,
                       shape=Shape("explicit", "step", n=1, B=1))
    from superpos_formal.errors import SoundnessError
    cell = SimpleNamespace(status="SAT", seconds=0.0, network=xor_net(), proof_path=None)
    with pytest.raises(SoundnessError, match="exhaustive verification failed"):
        Bn.make_bundle(tmp_path / "y", cell, task=AND, encoder="standin",
                       shape=Shape("explicit", "step", n=2, B=1))
    assert not (tmp_path / "y").exists()


def test_proof_for_another_formula_is_refused_at_make_time(tmp_path):
    from superpos_formal.errors import SoundnessError
    cell = unsat_cell(tmp_path, 1)  # proof of PHP(3); the claim at n=2 is PHP(4)
    with pytest.raises(SoundnessError, match="rejected by"):
        Bn.make_bundle(tmp_path / "z", cell, task=XOR, encoder="standin",
                       shape=Shape("explicit", "step", n=2, B=1))


# --------------------------------------------------------------- tampering

def test_changed_weight_in_network(tmp_path):
    b = make_sat(tmp_path)
    d = json.loads((b / "network.json").read_text())
    d["layers"][0]["b"] = [0, 0]  # second neuron becomes OR: OR - OR = 0, wrong on (1, 0)
    (b / "network.json").write_text(json.dumps(d))
    f = fails(Bn.verify_bundle(b))
    assert "changed file: network.json" in f
    Bn.write_manifest(b)
    f = fails(Bn.verify_bundle(b))
    assert "changed file" not in f
    assert "network.json: exhaustive verification failed" in f and "x=[1, 0]" in f


def test_network_of_a_different_shape(tmp_path):
    b = make_sat(tmp_path)
    claim = json.loads((b / "claim.json").read_text())
    claim["shape"]["n"] = 1  # claims width 1 with a width-2 network
    (b / "claim.json").write_text(json.dumps(claim))
    Bn.write_manifest(b)
    assert "hidden widths [2] but the shape has n=1" in fails(Bn.verify_bundle(b))


def test_edited_cnf(tmp_path):
    b = make_unsat(tmp_path)
    # drop the last clause and fix the header: still a well-formed CNF
    def edit(t):
        lines = t.splitlines()
        nv, nc = lines[0].split()[2:]
        return "\n".join([f"p cnf {nv} {int(nc) - 1}"] + lines[1:-1]) + "\n"
    regz(b / "formula.cnf.gz", edit)
    f = fails(Bn.verify_bundle(b))
    assert "changed file: formula.cnf.gz" in f
    Bn.write_manifest(b)
    f = fails(Bn.verify_bundle(b))
    assert "changed file" not in f
    assert "formula.cnf.gz: differs from the formula regenerated from claim.json" in f
    # without regeneration the stored formula is only compared with claim.json
    rep = Bn.verify_bundle(b, regenerate=False)
    assert "regenerate" not in rep.checks
    assert "sha256 differs from claim.json's formula.sha256" in fails(rep)
    assert not rep.ok and "formula not regenerated" in rep.unverified[0]


def test_truncated_proof(tmp_path):
    b = make_unsat(tmp_path)
    regz(b / "proof.drat.gz", lambda t: t[: len(t) // 2])
    assert "changed file: proof.drat.gz" in fails(Bn.verify_bundle(b))
    Bn.write_manifest(b)
    f = fails(Bn.verify_bundle(b, checkers=("native", "python", "drup")))
    for c in ("native", "python", "drup"):
        assert f"proof.drat.gz: rejected by {c}" in f


def test_edited_proof(tmp_path):
    b = make_unsat(tmp_path)
    # a step that does not follow: the unit clause (1) is neither RUP nor RAT
    regz(b / "proof.drat.gz", lambda t: "1 0\n" + t)
    assert "changed file: proof.drat.gz" in fails(Bn.verify_bundle(b))
    Bn.write_manifest(b)
    f = fails(Bn.verify_bundle(b, checkers=("native", "python")))
    assert "proof.drat.gz: rejected by native" in f
    assert "proof.drat.gz: rejected by python" in f


def test_proof_from_another_bundle(tmp_path):
    b1, b2 = make_unsat(tmp_path, "b1", n=1), make_unsat(tmp_path, "b2", n=2)
    shutil.copy(b1 / "proof.drat.gz", b2 / "proof.drat.gz")
    Bn.write_manifest(b2)
    f = fails(Bn.verify_bundle(b2, checkers=("native", "python", "drup")))
    assert all(f"rejected by {c}" in f for c in ("native", "python", "drup"))


def test_claim_swapped_between_bundles(tmp_path):
    b1, b2 = make_unsat(tmp_path, "b1", n=1), make_unsat(tmp_path, "b2", n=2)
    c1, c2 = (b1 / "claim.json").read_bytes(), (b2 / "claim.json").read_bytes()
    (b1 / "claim.json").write_bytes(c2)
    (b2 / "claim.json").write_bytes(c1)
    for b in (b1, b2):
        assert "changed file: claim.json" in fails(Bn.verify_bundle(b))
        Bn.write_manifest(b)
        f = fails(Bn.verify_bundle(b))
        assert "differs from the formula regenerated" in f


def test_missing_and_extra_files(tmp_path):
    b = make_unsat(tmp_path)
    (b / "proof.drat.gz").unlink()
    (b / "notes.txt").write_text("hi")
    f = fails(Bn.verify_bundle(b))
    assert "missing file: proof.drat.gz (listed in manifest.json)" in f
    assert "extra file: notes.txt (not in manifest.json)" in f
    assert "proof.drat.gz: missing" in f
    s = make_sat(tmp_path)
    (s / "network.json").unlink()
    assert "missing file: network.json" in fails(Bn.verify_bundle(s))
    (s / "manifest.json").unlink()
    assert "manifest.json: missing" in fails(Bn.verify_bundle(s))


def test_encoder_version_change_is_reported(tmp_path):
    b = make_unsat(tmp_path)
    old = STANDIN.ENCODER_VERSION
    try:
        STANDIN.ENCODER_VERSION = "2"  # same formula, new version: a note
        rep = Bn.verify_bundle(b, checkers=("native",))
        assert rep.ok and "encoder v1 in the bundle, v2 now; same formula" in rep.notes
        STANDIN.encode_sat, orig = (lambda task, shape, symmetry=True, **k:
                                    _Enc(shape.with_n(shape.n + 1), symmetry, "2")), \
            STANDIN.encode_sat
        try:
            f = fails(Bn.verify_bundle(b, checkers=("native",)))
            assert "made by encoder standin v1, the current encoder is v2" in f
        finally:
            STANDIN.encode_sat = orig
    finally:
        STANDIN.ENCODER_VERSION = old


def test_symmetry_option_is_part_of_the_claim(tmp_path):
    b = make_unsat(tmp_path)
    claim = json.loads((b / "claim.json").read_text())
    claim["options"]["symmetry"] = False  # claim it without symmetry breaks
    (b / "claim.json").write_text(json.dumps(claim))
    Bn.write_manifest(b)
    assert "differs from the formula regenerated" in fails(Bn.verify_bundle(b))


# --------------------------------------------------------------- minimum

def make_min(tmp_path):
    sat = SimpleNamespace(status="SAT", seconds=0.01, network=xor_net(), proof_path=None)
    return Bn.make_minimum(tmp_path / "xor-min", sat, unsat_cell(tmp_path, 1), task=XOR,
                           shape=Shape("explicit", "step", n=2, B=1), encoder="standin")


def test_minimum_claim(tmp_path):
    m = make_min(tmp_path)
    doc = json.loads((m / "minimum.json").read_text())
    assert doc == {"format": "superpos-formal/minimum", "version": 2, "quantity": "n",
                   "value": 2, "sat": "n2-sat", "unsat": "n1-unsat", "symmetry": True,
                   "symmetry_breaks": [], "monotonicity": "zero-padding"}
    assert sorted(p.name for p in m.iterdir()) == ["manifest.json", "minimum.json",
                                                    "n1-unsat", "n2-sat"]
    man = json.loads((m / "manifest.json").read_text())["files"]
    assert sorted(man) == ["minimum.json", "n1-unsat/manifest.json", "n2-sat/manifest.json"]
    rep = Bn.verify_bundle(m)
    assert rep.ok, fails(rep)
    assert rep.kind == "minimum" and len(rep.children) == 2
    assert Bn.find_bundles([tmp_path]) == [m]
    doc["value"] = 3
    (m / "minimum.json").write_text(json.dumps(doc))
    assert "changed file: minimum.json" in fails(Bn.verify_bundle(m))
    Bn.write_minimum_manifest(m)
    assert "must be a SAT claim at n=3" in fails(Bn.verify_bundle(m))
    doc.update(value=2, symmetry=False)
    (m / "minimum.json").write_text(json.dumps(doc))
    Bn.write_minimum_manifest(m)
    assert "symmetry does not match" in fails(Bn.verify_bundle(m))


def test_make_minimum_is_atomic(tmp_path):
    """A failure half-way (here: the UNSAT proof is for another formula)
    leaves neither the minimum directory nor a temporary one behind, and an
    existing minimum is kept."""
    from superpos_formal.errors import SoundnessError
    sat = SimpleNamespace(status="SAT", seconds=0.01, network=xor_net(), proof_path=None)
    wrong = unsat_cell(tmp_path, 2)  # PHP(4); the claim at n=1 is PHP(3)
    with pytest.raises(SoundnessError, match="rejected by"):
        Bn.make_minimum(tmp_path / "out" / "min", sat, wrong, task=XOR,
                        shape=Shape("explicit", "step", n=2, B=1), encoder="standin")
    assert list((tmp_path / "out").iterdir()) == []
    good = make_min(tmp_path)
    before = {p: p.read_bytes() for p in good.rglob("*") if p.is_file()}
    with pytest.raises(SoundnessError):
        Bn.make_minimum(good, sat, wrong, task=XOR, overwrite=True,
                        shape=Shape("explicit", "step", n=2, B=1), encoder="standin")
    assert {p: p.read_bytes() for p in good.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_minimum_child_failure_fails_the_minimum(tmp_path):
    m = make_min(tmp_path)
    (m / "n1-unsat" / "proof.drat.gz").unlink()
    rep = Bn.verify_bundle(m)
    assert not rep.ok and "n1-unsat: missing file: proof.drat.gz" in fails(rep)


# --------------------------------------------------------------- CLI

def test_cli_verify(tmp_path, capsys):
    make_min(tmp_path)
    make_sat(tmp_path, "other")
    assert main(["verify", str(tmp_path), "--checkers", "native"]) == 0
    out = capsys.readouterr().out
    assert "bundle" in out and "PASS" in out and "2/2 claims verified" in out
    # without regeneration an UNSAT claim is not verified: exit 1, said so
    assert main(["verify", str(tmp_path), "--no-regenerate", "--checkers", "native"]) == 1
    out = capsys.readouterr().out
    assert "(no regenerate)" in out and "NOT VERIFIED" in out
    assert "1/2 claims verified (0 failed, 1 not verified)" in out
    regz(tmp_path / "xor-min" / "n1-unsat" / "proof.drat.gz", lambda t: "1 0\n" + t)
    assert main(["verify", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "FAIL" in out.out and "changed file: proof.drat.gz" in out.out
    assert "Traceback" not in out.out + out.err
    assert main(["verify", str(tmp_path / "nope")]) == 1
    assert "not a directory" in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    assert main(["verify", str(tmp_path / "empty")]) == 1
    assert "not a bundle" in capsys.readouterr().out
    assert main(["verify", str(tmp_path), "--checkers", "bogus"]) == 2
    assert "unknown checker" in capsys.readouterr().err


# --------------------------------------------------------------- real encoder

def test_real_encoder_minimum(tmp_path):
    """End to end with the toolkit's encoder: XOR needs two step neurons."""
    sat_mod = pytest.importorskip("superpos_formal.encode.sat")
    sh = Shape("explicit", "step", n=2, B=1)
    enc2 = sat_mod.encode_sat(XOR, sh)
    r2 = solve_cnf(enc2.clauses, enc2.nvars)
    assert r2.status == "SAT"
    sat = SimpleNamespace(status="SAT", seconds=r2.seconds, network=enc2.decode(r2.model),
                          proof_path=None)
    enc1 = sat_mod.encode_sat(XOR, sh.with_n(1))
    r1 = solve_cnf(enc1.clauses, enc1.nvars, proof_path=str(tmp_path / "p1.drat"))
    assert r1.status == "UNSAT"
    m = Bn.make_minimum(tmp_path / "min", sat, r1, task=XOR, shape=sh, headline=True)
    claim = json.loads((m / "n1-unsat" / "claim.json").read_text())
    assert claim["encoder"]["name"] == sat_mod.ENCODER_NAME
    assert claim["encoder"]["version"] == sat_mod.ENCODER_VERSION
    rep = Bn.verify_bundle(m)
    assert rep.ok, fails(rep)


def test_family_subfamily_unsat(tmp_path):
    from superpos_formal.tasks import or_pairs, pair_set_family
    fam = pair_set_family(3, 1)
    sub = [and_pairs(3, [[0, 1]])]
    b = Bn.make_bundle(tmp_path / "f", unsat_cell(tmp_path, 1), family=fam, members=sub,
                       shape=Shape("explicit", "step", n=1, B=1), encoder="standin")
    claim = json.loads((b / "claim.json").read_text())
    assert claim["question"] == "family" and len(claim["options"]["members"]) == 1
    rep = Bn.verify_bundle(b, checkers=("native",))
    assert rep.ok, fails(rep)
    from superpos_formal.schema import task_to_dict
    claim["options"]["members"] = [task_to_dict(or_pairs(3, [[0, 1]]))]
    (b / "claim.json").write_text(json.dumps(claim))
    Bn.write_manifest(b)
    assert "is not a member of the family" in fails(Bn.verify_bundle(b))


def test_bundles_from_decide(tmp_path):
    """Cells from solve.search.decide carry task, shape and options."""
    search = pytest.importorskip("superpos_formal.solve.search")
    sh = Shape("explicit", "step", n=1, B=1)
    un = search.decide(XOR, sh, SolveOptions(symmetry=False), proof_path=str(tmp_path / "p.drat"))
    assert un.status == "UNSAT"
    b = Bn.make_bundle(tmp_path / "u", un)
    claim = json.loads((b / "claim.json").read_text())
    assert claim["options"]["symmetry"] is False
    sat = search.decide(AND, sh)
    s = Bn.make_bundle(tmp_path / "s", sat)
    for d in (b, s):
        rep = Bn.verify_bundle(d)
        assert rep.ok, fails(rep)
