"""Forged claims: every way found to make ``superpos verify`` accept a false
claim, each built as an adversary would (real solver answers, consistent
manifests) and each asserted to be rejected with its one-line reason.

Keep this file growing whenever a new way in is found (issue 8).

The material is built once per module with the real encoder and solver
(all small: universal AND on 3 features, 2-AND pair sets on 4 features,
permutations of 2 and 3): true minima are uand(3) explicit relu B=2: 2;
pair_sets(4, 2) superposed relu B=1: 3; permutations(3): 2; permutations(4): 3.
"""

import gzip
import json
import os
import shutil
from types import SimpleNamespace

import pytest

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.cli import main
from superpos_formal.schema import family_to_dict, task_to_dict
from superpos_formal.options import SolveOptions
from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.solve.search import decide
from superpos_formal.tasks import (explicit_family, pair_set_family, permutation_family,
                                   sample_family, uand)

NATIVE = ("native",)
EXPL = Shape("explicit", "relu", n=3, B=2)
FREE = Shape("superposed", "relu", n=2, B=1, codes="free")


def _bundle(root, name, cell, **kw):
    return Bn.make_bundle(root / name, cell, checkers=NATIVE, **kw)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """Genuine bundles (each passes on its own) to forge from."""
    root = tmp_path_factory.mktemp("kit")
    work = root / "work"
    work.mkdir()
    u3 = uand(3)

    def unsat(task, shape, tag, **kw):
        c = decide(task, shape, proof_path=str(work / f"{tag}.drat"), **kw)
        assert c.status == "UNSAT"
        return c

    k = SimpleNamespace(root=root)
    k.sat3 = _bundle(root, "sat3", decide(u3, EXPL))
    k.sat2 = _bundle(root, "sat2", decide(u3, EXPL.with_n(2)))
    k.unsat1 = _bundle(root, "unsat1", unsat(u3, EXPL.with_n(1), "u1"))
    # a true refutation of a different question: no nonzero parameter at all
    k.unsat2_mn0 = _bundle(root, "unsat2_mn0", unsat(u3, EXPL.with_n(2), "mn0",
                                                     max_nonzero=0))
    k.unsat1_B1 = _bundle(root, "unsat1_B1",
                          unsat(u3, Shape("explicit", "relu", n=1, B=1), "b1"))
    fam = pair_set_family(4, 2)
    k.fam, k.m0 = fam, next(iter(fam.members()))
    one = decide_family(explicit_family([k.m0]), FREE)
    assert one.status == "SAT"
    k.fam_one_sat = _bundle(root, "fam_one_sat", one, family=explicit_family([k.m0]))
    fu = decide_family(fam, FREE.with_n(1), proof_path=str(work / "f1.drat"))
    assert fu.status == "UNSAT"
    k.fam_unsat1 = _bundle(root, "fam_unsat1", fu, family=fam, members=fu.core)
    p3 = permutation_family(3)
    ps = decide_family(p3, FREE)
    k.perm3_sat2 = _bundle(root, "perm3_sat2", ps, family=p3)
    pu = decide_family(p3, FREE.with_n(1), proof_path=str(work / "p1.drat"))
    k.perm3_unsat1 = _bundle(root, "perm3_unsat1", pu, family=p3, members=pu.core)
    return k


def copy(src, dst):
    shutil.copytree(src, dst)
    return dst


def edit_claim(b, fn, manifest=True):
    c = json.loads((b / "claim.json").read_text())
    fn(c)
    (b / "claim.json").write_text(json.dumps(c))
    if manifest:
        Bn.write_manifest(b)
    return b


def assemble(d, sat_src, unsat_src, value, **doc):
    """A minimum directory as a forger writes it: consistent manifest."""
    d.mkdir()
    names = {}
    for role, src in (("sat", sat_src), ("unsat", unsat_src)):
        if src is not None:
            n = json.loads((src / "claim.json").read_text())["shape"]["n"]
            names[role] = f"n{n}-{role}" if f"n{n}-{role}" not in names.values() \
                else f"n{n}-{role}-b"
            shutil.copytree(src, d / names[role])
    body = {"format": "superpos-formal/minimum", "version": 2, "quantity": "n",
            "value": value, "sat": names.get("sat"), "unsat": names.get("unsat"),
            "monotonicity": "zero-padding", "symmetry": True, "symmetry_breaks": []}
    if unsat_src is not None:
        info = json.loads((unsat_src / "claim.json").read_text())["encoder"].get("info", {})
        body["symmetry_breaks"] = info.get("breaks", [])
    body.update(doc)
    (d / "minimum.json").write_text(json.dumps(body))
    Bn.write_minimum_manifest(d)
    return d


def rejected(path, **kw):
    """The reasons a forged bundle is rejected (asserts it is, one line each)."""
    rep = Bn.verify_bundle(path, checkers=NATIVE, **kw)
    assert not rep.ok
    msgs = rep.all_failures() + rep.all_unverified()
    assert msgs and all("\n" not in m for m in msgs)
    return "\n".join(msgs)


def passes(path):
    rep = Bn.verify_bundle(path, checkers=NATIVE)
    assert rep.ok, "\n".join(rep.all_failures())
    return rep


# ------------------------------------------------------------ the controls

def test_genuine_material_passes(kit, tmp_path):
    for b in (kit.sat3, kit.sat2, kit.unsat1, kit.unsat2_mn0, kit.unsat1_B1,
              kit.fam_one_sat, kit.fam_unsat1, kit.perm3_sat2, kit.perm3_unsat1):
        passes(b)
    rep = passes(assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2))
    assert rep.answer == "min n=2"
    passes(assemble(tmp_path / "p", kit.perm3_sat2, kit.perm3_unsat1, 2))


def test_halves_may_differ_in_how_sums_are_written(kit, tmp_path):
    """sums="auto" resolves per width (tree at a narrow width, binary adders at
    a wider one): a genuine minimum whose SAT half was encoded with binary
    sums and whose UNSAT half with the tree passes; the sums option says how
    clauses are written, not which networks satisfy them."""
    sat = decide(uand(3), EXPL.with_n(2), SolveOptions(sums="binary"))
    assert sat.status == "SAT" and sat.options["sums"] == "binary"
    m = assemble(tmp_path / "m", _bundle(tmp_path, "sat2b", sat), kit.unsat1, 2)
    rep = passes(m)
    assert rep.answer == "min n=2"


# ------------------------------------------------------------ issue 8, as filed

def test_restrictive_option_in_the_unsat_half(kit, tmp_path):
    """1. min n=3 for uand(3) from SAT at 3 and a refutation with max_nonzero=0."""
    m = assemble(tmp_path / "m", kit.sat3, kit.unsat2_mn0, 3)
    f = rejected(m)
    assert ("the halves pose different questions: option max_nonzero is 0 in n2-unsat, "
            "absent in n3-sat") in f
    rep = Bn.verify_bundle(m, checkers=NATIVE)
    assert "max_nonzero=0" in rep.children[1].label  # the option is shown in the row


def test_family_sat_half_covering_one_member(kit, tmp_path):
    """2. pair_sets(4, 2) 'min n=2': a network for one member only."""
    s = edit_claim(copy(kit.fam_one_sat, tmp_path / "s"), lambda c: c.update(
        family=family_to_dict(kit.fam), options={**c["options"],
                                                 "members": [task_to_dict(kit.m0)]}))
    assert ("options.members: a SAT family claim covers every member of the family"
            in rejected(s))
    m = assemble(tmp_path / "m", s, kit.fam_unsat1, 2)
    assert "a SAT family claim covers every member" in rejected(m)
    # the same without the member list: one network for 15 members
    s2 = edit_claim(copy(kit.fam_one_sat, tmp_path / "s2"),
                    lambda c: c.update(family=family_to_dict(kit.fam)))
    assert ("network.json: 1 networks for the 15 members of and_pair_sets(m=4,m'=2,s=2)"
            in rejected(s2))
    assert "1 networks for the 15 members" in rejected(
        assemble(tmp_path / "m2", s2, kit.fam_unsat1, 2))


def test_family_sat_half_with_no_networks(kit, tmp_path):
    """3. permutations(4) 'min n=1' with an empty network set and no UNSAT half."""
    s = edit_claim(copy(kit.perm3_sat2, tmp_path / "s"), lambda c: (
        c.update(family=family_to_dict(permutation_family(4))),
        c["shape"].update(n=1)), manifest=False)
    (s / "network.json").write_text(json.dumps(
        {"format": "superpos-formal/network-set", "networks": []}))
    Bn.write_manifest(s)
    m = assemble(tmp_path / "m", s, None, 1)
    f = rejected(m)
    assert "network.json: unknown network-set version or fields" in f
    (m / "n1-sat" / "network.json").write_text(json.dumps(
        {"format": "superpos-formal/network-set", "version": 1, "networks": []}))
    Bn.write_manifest(m / "n1-sat")
    Bn.write_minimum_manifest(m)
    assert "network.json: 0 networks for the 24 members of permutations" in rejected(m)


def test_changed_quantity(kit, tmp_path):
    for q in ("L", "B", "max_nonzero", None):
        m = assemble(tmp_path / f"m{q}", kit.sat2, kit.unsat1, 2, quantity=q)
        assert f"quantity {q!r} is not one the toolkit defines (n)" in rejected(m)
    m = assemble(tmp_path / "arg", kit.sat2, kit.unsat1, 2, monotonicity="trust me")
    assert "monotonicity 'trust me': the argument for n is 'zero-padding'" in rejected(m)


@pytest.mark.parametrize("name", ["./claim.json", "../claim.json", "/claim.json",
                                  "logs//native.log", "a/../claim.json"])
def test_manifest_names_must_be_plain(kit, tmp_path, name):
    b = copy(kit.sat2, tmp_path / "b")
    man = json.loads((b / "manifest.json").read_text())
    man["files"][name] = man["files"].pop("claim.json")
    (b / "manifest.json").write_text(json.dumps(man))
    f = rejected(b)
    assert f"manifest.json: {name!r} is not a plain relative file name" in f
    assert "extra file: claim.json (not in manifest.json)" in f


def test_minimum_directory_without_minimum_json(kit, tmp_path, capsys):
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2)
    (m / "minimum.json").unlink()
    (m / "manifest.json").unlink()
    assert "minimum.json: missing: no minimum was checked" in rejected(m)
    assert Bn.find_bundles([tmp_path]) == [m]
    assert main(["verify", str(tmp_path), "--checkers", "native"]) == 1
    out = capsys.readouterr().out
    assert "no minimum was checked" in out and "0/1 claims verified (1 failed" in out
    shutil.rmtree(m / "n1-unsat")  # the SAT half alone, as the issue found it
    assert "no minimum was checked" in rejected(m)


def test_no_regenerate_is_not_verified(kit, tmp_path, capsys):
    """An UNSAT claim whose task was edited (other m and n) keeps its proof."""
    b = edit_claim(copy(kit.unsat1, tmp_path / "b"), lambda c: (
        c.update(task=task_to_dict(uand(4))), c["shape"].update(n=2)))
    assert main(["verify", str(b), "--no-regenerate", "--checkers", "native"]) == 1
    out = capsys.readouterr().out
    assert "NOT VERIFIED" in out and "0/1 claims verified (0 failed, 1 not verified)" in out
    assert "formula not regenerated (--no-regenerate)" in out
    assert "formula.cnf.gz: differs from the formula regenerated from claim.json" in \
        rejected(b)
    # a genuine UNSAT claim is not verified without regeneration either
    rep = Bn.verify_bundle(kit.unsat1, checkers=NATIVE, regenerate=False)
    assert not rep.ok and rep.status == "NOT VERIFIED" and not rep.failures
    # a SAT claim needs no regeneration
    assert Bn.verify_bundle(kit.sat2, checkers=NATIVE, regenerate=False).ok


def _bomb(path, gigabytes=3):
    """A gzip file of ~3 MB whose text is ``gigabytes`` GB (repeated members)."""
    member = gzip.compress(b"1 0\n" * (16 << 20), 9)  # 64 MiB of text
    with open(path, "wb") as fh:
        for _ in range(gigabytes * 16):
            fh.write(member)


def test_decompression_bomb(kit, tmp_path, capsys):
    b = copy(kit.unsat1, tmp_path / "b")
    _bomb(b / "proof.drat.gz")
    assert (b / "proof.drat.gz").stat().st_size < 8_000_000
    Bn.write_manifest(b)
    f = rejected(b, max_unzipped=32 << 20)
    assert f"proof.drat.gz: decompresses to more than {32 << 20} bytes" in f
    assert main(["verify", str(b), "--checkers", "native", "--max-unzipped-mb", "16"]) == 1
    assert "decompresses to more than 16777216 bytes" in capsys.readouterr().out


# ------------------------------------------------------------ variants

def test_swapped_halves(kit, tmp_path):
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2)
    doc = json.loads((m / "minimum.json").read_text())
    doc["sat"], doc["unsat"] = doc["unsat"], doc["sat"]
    (m / "minimum.json").write_text(json.dumps(doc))
    Bn.write_minimum_manifest(m)
    f = rejected(m)
    assert "minimum.json: n1-unsat must be a SAT claim at n=2 (it is UNSAT at n=1)" in f
    assert "minimum.json: n2-sat must be an UNSAT claim at n=1 (it is SAT at n=2)" in f


def test_shapes_differing_in_one_bound(kit, tmp_path):
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1_B1, 2)
    assert ("the halves pose different questions: shape field B is 1 in n1-unsat, "
            "2 in n2-sat") in rejected(m)
    for field, val in (("theta", 2), ("tolerance", 1), ("B_bias", 1)):
        u = edit_claim(copy(kit.unsat1, tmp_path / f"u{field}"),
                       lambda c: c["shape"].update({field: val}))
        assert f"shape field {field} is {val} in n1-unsat" in rejected(
            assemble(tmp_path / f"m{field}", kit.sat2, u, 2))


def test_different_task(kit, tmp_path):
    u = edit_claim(copy(kit.unsat1, tmp_path / "u"),
                   lambda c: c.update(task=task_to_dict(uand(3, s=3))))
    assert "the halves pose different questions: subject is" in rejected(
        assemble(tmp_path / "m", kit.sat2, u, 2))


def test_member_list_with_a_duplicate(kit, tmp_path):
    u = edit_claim(copy(kit.fam_unsat1, tmp_path / "u"), lambda c: c["options"].update(
        members=c["options"]["members"] * 2))
    assert "options.members[1] duplicates options.members[0]" in rejected(u)
    s = edit_claim(copy(kit.fam_one_sat, tmp_path / "s"), lambda c: c["family"].update(
        members=c["family"]["members"] * 2), manifest=False)
    doc = json.loads((s / "network.json").read_text())
    doc["networks"] *= 2
    (s / "network.json").write_text(json.dumps(doc))
    Bn.write_manifest(s)
    assert "family: member 1 duplicates member 0" in rejected(s)


def test_networks_in_a_different_member_order(kit, tmp_path):
    s = copy(kit.perm3_sat2, tmp_path / "s")
    doc = json.loads((s / "network.json").read_text())
    doc["networks"][0], doc["networks"][1] = doc["networks"][1], doc["networks"][0]
    (s / "network.json").write_text(json.dumps(doc))
    Bn.write_manifest(s)
    assert "network.json[0]: exhaustive verification failed against permutation" in \
        rejected(s)


def test_codes_not_shared(kit, tmp_path):
    s = copy(kit.perm3_sat2, tmp_path / "s")
    doc = json.loads((s / "network.json").read_text())
    E = doc["networks"][0]["E"]
    doc["networks"][0]["E"] = [[-v for v in row] for row in E]
    (s / "network.json").write_text(json.dumps(doc))
    Bn.write_manifest(s)
    assert "members do not share the codes E and R" in rejected(s)


def test_sample_must_match_its_seed(kit, tmp_path):
    fam = sample_family(permutation_family(3), 2, seed=5)
    ok = Bn.make_bundle(tmp_path / "ok", SimpleNamespace(
        status="SAT", seconds=0.0, networks=[
            n for n, t in zip(_nets(kit.perm3_sat2), permutation_family(3).members())
            if t.id in {u.id for u in fam.members()}]), family=fam, shape=FREE,
        checkers=NATIVE)
    passes(ok)
    other = sample_family(permutation_family(3), 2, seed=6)
    assert [t.id for t in other.members()] != [t.id for t in fam.members()]
    s = edit_claim(copy(ok, tmp_path / "s"), lambda c: c["family"]["sample"].update(seed=6))
    assert "family: the member list is not the sample its seed 6 regenerates" in rejected(s)


def _nets(b):
    from superpos_formal.schema import network_from_dict
    return [network_from_dict(d) for d in
            json.loads((b / "network.json").read_text())["networks"]]


def test_wrong_value(kit, tmp_path):
    for v, msg in ((3, "n2-sat must be a SAT claim at n=3"),
                   (1, "unsat: n=0 is not a question"),
                   (0, "value 0 is not an integer >= 1"),
                   (True, "value True is not an integer >= 1")):
        m = assemble(tmp_path / f"m{v}", kit.sat2, kit.unsat1, v)
        assert msg in rejected(m)
    m = assemble(tmp_path / "nounsat", kit.sat2, None, 2)
    assert "unsat: a minimum at n=2 needs the UNSAT bundle at n=1" in rejected(m)


def test_symlinks_in_a_bundle(kit, tmp_path):
    b = copy(kit.sat2, tmp_path / "b")
    real = tmp_path / "elsewhere.json"
    shutil.move(b / "network.json", real)
    os.symlink(real, b / "network.json")  # same bytes, same hash
    assert "symlink: network.json (a bundle holds regular files only)" in rejected(b)
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2)
    shutil.move(m / "n1-unsat", tmp_path / "away")
    os.symlink(tmp_path / "away", m / "n1-unsat")
    assert "symlink: n1-unsat" in rejected(m)


def test_symlinked_bundle_directory_is_not_followed(kit, tmp_path):
    tree = tmp_path / "proofs"
    tree.mkdir()
    os.symlink(kit.sat2, tree / "linked")
    assert Bn.find_bundles([tree]) == [tree / "linked"]
    assert "a symlink (bundles are verified where they are)" in rejected(tree / "linked")


def test_extra_unlisted_files(kit, tmp_path):
    b = copy(kit.sat2, tmp_path / "b")
    (b / "README").write_text("trust me")
    assert "extra file: README (not in manifest.json)" in rejected(b)
    Bn.write_manifest(b)  # listed now, but a SAT bundle holds no such file
    assert "unexpected file: README" in rejected(b)
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2)
    (m / "notes.txt").write_text("x")
    f = rejected(m)
    assert "extra entry: notes.txt" in f and "extra file: notes.txt" in f
    m2 = assemble(tmp_path / "m2", kit.sat2, kit.unsat1, 2)
    (m2 / "minimum.json").write_text((m2 / "minimum.json").read_text() + " ")
    assert "changed file: minimum.json" in rejected(m2)


def test_unknown_fields_and_options(kit, tmp_path):
    cases = [
        (lambda c: c["options"].update(selectors=True), "options.selectors: unknown option"),
        (lambda c: c.update(extra=1), "claim.json: extra: unknown field for a SAT claim"),
        (lambda c: c.update(question="frobnicate"), "question: unknown question"),
        (lambda c: c["shape"].update(colour="red"), "shape: unknown field 'colour'"),
        (lambda c: c["options"].update(max_nonzero=-1), "options.max_nonzero: -1 is not"),
        (lambda c: c["options"].update(inputs=[[1, 1, 1]]),
         "options.inputs[0]: [1, 1, 1] is not an input of X(m, s)"),
        (lambda c: c["options"].update(family_symmetry="features"),
         "options.family_symmetry 'features' is not justified"),
    ]
    for i, (fn, msg) in enumerate(cases):
        assert msg in rejected(edit_claim(copy(kit.sat2, tmp_path / f"b{i}"), fn))
    m = assemble(tmp_path / "m", kit.sat2, kit.unsat1, 2, note="x")
    assert "minimum.json: note: unknown field" in rejected(m)
    m1 = assemble(tmp_path / "m1", kit.sat2, kit.unsat1, 2, version=1)
    assert "minimum.json: version 1 unsupported" in rejected(m1)
    m3 = assemble(tmp_path / "m3", kit.sat2, kit.unsat1, 2)
    doc = json.loads((m3 / "minimum.json").read_text())
    (m3 / "minimum.json").write_text(json.dumps(dict(doc, unsat="../unsat1")))
    assert "unsat: '../unsat1' is not a plain directory name" in rejected(m3)


def test_max_nonzero_is_checked_on_a_sat_network(kit, tmp_path):
    s = edit_claim(copy(kit.sat2, tmp_path / "s"),
                   lambda c: c["options"].update(max_nonzero=1))
    assert "nonzero parameters but the claim has max_nonzero=1" in rejected(s)


def test_network_summary_must_match(kit, tmp_path):
    s = edit_claim(copy(kit.sat2, tmp_path / "s"),
                   lambda c: c["network"]["counts"].update(hidden_neurons=1))
    assert "claim.json: network: id/counts do not describe network.json" in rejected(s)


def test_relaxations_are_shown(kit):
    rep = Bn.verify_bundle(kit.fam_unsat1, checkers=NATIVE)
    assert rep.ok and "members 1/15" in rep.label
    rep = Bn.verify_bundle(kit.unsat2_mn0, checkers=NATIVE)
    assert rep.ok and "max_nonzero=0" in rep.label and "B=2 bias=2" in rep.label


# ------------------------------------------------------------ issue 21: false family minima

def _summed_encoding(tasks, shape, **kw):
    """The family formula as the encoder of e148d23 built it: ``tolerance``
    and ``max_nonzero`` bounded once, over all members together (a stronger
    formula than the per-member question the SAT check and the claim text
    state). Rebuilt here by letting only the last member emit its bound,
    over the errors and nonzeros every member accumulated."""
    from superpos_formal.encode import sat as S
    if not hasattr(S._Enc, "bound_member"):
        return S.encode_family_sat(tasks, shape, **kw)  # e148d23: the encoder itself
    orig = S._Enc.bound_member

    def last_only(self, max_nonzero):
        if self.n_members == len(tasks):
            orig(self, max_nonzero)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(S._Enc, "bound_member", last_only)
        enc = S.encode_family_sat(tasks, shape, **kw)
    assert enc.to_dimacs() != S.encode_family_sat(tasks, shape, **kw).to_dimacs()
    return enc


def _forged_unsat(root, name, enc, family, shape, options, members=None):
    """An UNSAT family bundle of the formula ``enc`` (real solver, real DRAT
    proof, every hash recomputed) claiming ``options`` of ``family``."""
    from superpos_formal.solve.runner import solve_cnf
    proof = root / f"{name}.drat"
    res = solve_cnf(enc.clauses, enc.nvars, proof_path=str(proof))
    assert res.status == "UNSAT"
    return Bn.make_bundle(root / name, SimpleNamespace(status="UNSAT", seconds=0.0,
                                                       proof_path=str(proof)),
                          family=family, members=members, shape=shape, options=options,
                          encoding=enc, checkers=NATIVE)


def _sat_set(root, name, family, shape, options, members=None):
    """A genuine SAT family bundle: the per-member formula solved, every
    network verified by make_bundle."""
    from pysat.solvers import Solver
    from superpos_formal.encode.sat import encode_family_sat
    members = list(family.members())
    enc = encode_family_sat(members, shape, max_nonzero=options.get("max_nonzero"))
    with Solver(name="cadical153", bootstrap_with=enc.clauses) as s:
        assert s.solve()
        nets = enc.decode_all(s.get_model())[2]
    return Bn.make_bundle(root / name, SimpleNamespace(status="SAT", seconds=0.0,
                                                       networks=nets),
                          family=family, shape=shape, options=options, checkers=NATIVE)


def test_family_tolerance_summed_over_members(tmp_path):
    """21.1: permutations(3), tolerance 2, 'minimum n = 2' from a refutation
    of the summed bound at n = 1, beside a width-1 set with at most 2 wrong
    bits per member. Passed on e148d23."""
    p3 = permutation_family(3)
    shape = Shape("superposed", "relu", n=1, B=1, codes="free", tolerance=2)
    opts = {"symmetry": True, "family_symmetry": "features+outputs"}
    enc = _summed_encoding(list(p3.members()), shape, family_symmetry="features+outputs")
    forged = _forged_unsat(tmp_path, "u1", enc, p3, shape, opts)
    assert "formula.cnf.gz: differs from the formula regenerated from claim.json" in \
        rejected(forged)
    rep = passes(_sat_set(tmp_path, "s1", p3, shape, {"symmetry": True}))
    assert "tolerance=2 per member" in rep.label
    s2 = _sat_set(tmp_path, "s2", p3, shape.with_n(2), {"symmetry": True})
    assert "differs from the formula regenerated" in rejected(
        assemble(tmp_path / "m", s2, forged, 2))


def test_family_max_nonzero_summed_over_members(tmp_path):
    """21.2: permutations(3), max_nonzero 9, 'minimum n = 3' from a
    refutation of the summed cap at n = 2, beside a width-2 set whose
    members have at most 9 nonzero parameters each. Passed on e148d23."""
    p3 = permutation_family(3)
    shape = Shape("superposed", "relu", n=2, B=1, codes="free")
    opts = {"symmetry": True, "max_nonzero": 9}
    enc = _summed_encoding(list(p3.members()), shape, max_nonzero=9)
    forged = _forged_unsat(tmp_path, "u2", enc, p3, shape, opts)
    assert "formula.cnf.gz: differs from the formula regenerated from claim.json" in \
        rejected(forged)
    counter = passes(_sat_set(tmp_path, "s2", p3, shape, opts))
    assert "max_nonzero=9 per member" in counter.label
    s3 = _sat_set(tmp_path, "s3", p3, shape.with_n(3), opts)
    assert "differs from the formula regenerated" in rejected(
        assemble(tmp_path / "m", s3, forged, 3))


def test_non_member_as_the_refuted_subfamily(tmp_path):
    """21.3: and_pair_sets(3, 3) at L = 0, theta 2: the family's pairs in
    another output order are another task; with the member it needs two
    readouts from one shared code, which no width has. Refuting that
    'subfamily' at n = 3 claimed 'minimum 4' (members 2/1) on e148d23; the
    true minimum is 3."""
    from superpos_formal.encode.sat import encode_family_sat
    from superpos_formal.tasks import and_pairs
    fam = pair_set_family(3, 3)
    member = next(iter(fam.members()))
    other = and_pairs(3, [[0, 2], [0, 1], [1, 2]])
    assert other.id != member.id
    shape = Shape("superposed", "relu", n=3, L=0, B=1, theta=2, codes="free")
    opts = {"symmetry": True}
    # make_bundle refuses the non-member now, so the forger edits the claim
    forged = edit_claim(_forged_unsat(tmp_path, "u3", encode_family_sat([other, member], shape),
                                      fam, shape, opts, members=[member]),
                        lambda c: c["options"].update(members=[task_to_dict(other),
                                                               task_to_dict(member)]))
    f = rejected(forged)
    assert ("options.members[0]: and_pairs(m=3,pairs=0-2,0-1,1-2) is not a member of "
            "the family and_pair_sets(m=3,m'=3,s=2)") in f
    passes(_sat_set(tmp_path, "s3", fam, shape, opts))  # the true minimum's SAT half
    s4 = _sat_set(tmp_path, "s4", fam, shape.with_n(4), opts)
    assert "is not a member of the family" in rejected(assemble(tmp_path / "m", s4, forged, 4))


# ------------------------------------------------------------ issue 21: smaller

def _uand3_n1_unsat(tmp_path, symmetry, shape=Shape("explicit", "step", n=1, B=2)):
    from superpos_formal.encode.sat import encode_sat
    from superpos_formal.solve.runner import solve_cnf
    enc = encode_sat(uand(3), shape, symmetry=symmetry)
    proof = tmp_path / f"{symmetry}-{shape.B}.drat"
    r = solve_cnf(enc.clauses, enc.nvars, proof_path=str(proof))
    assert r.status == "UNSAT"
    return enc, r


def test_max_unzipped_applies_to_the_base_proof(tmp_path, capsys):
    """A base/ proof padded past the bound passed under --max-unzipped-mb 1
    on e148d23 (only the claim's own formula and proof were bounded)."""
    from superpos_formal.certify.proofcheck.add_base_proof import attach_base_proof
    enc, r = _uand3_n1_unsat(tmp_path, True)
    b = Bn.make_bundle(tmp_path / "b", r, task=uand(3), shape=enc.shape, encoding=enc,
                       checkers=NATIVE)
    base, rb = _uand3_n1_unsat(tmp_path, False)
    attach_base_proof(b, rb.proof_path, base, solve_seconds=rb.seconds,
                      solver={"name": "cadical195"}, checkers=NATIVE)
    passes(b)
    # 2 MB of comment lines before the proof: the same proof to every checker
    text = gzip.decompress((b / "base" / "proof.drat.gz").read_bytes())
    (b / "base" / "proof.drat.gz").write_bytes(gzip.compress(b"c pad\n" * 350_000 + text))
    Bn.write_manifest(b)
    passes(b)  # within the default bound
    f = rejected(b, max_unzipped=1 << 20)
    assert "base/proof.drat.gz: decompresses to more than 1048576 bytes" in f
    assert main(["verify", str(b), "--checkers", "native", "--max-unzipped-mb", "1"]) == 1
    assert "base/proof.drat.gz: decompresses to more than" in capsys.readouterr().out


def test_regenerable_proof_of_another_formula(tmp_path):
    """A regenerable_proof record of a true proof of another formula (the
    same task at B = 1) with the claim's F options: on e148d23 verify noted
    'a proof of F is recorded' and passed without --regenerate-proofs."""
    from superpos_formal.certify.bundles.certificate_kind import base_options
    from superpos_formal.certify.proofcheck.regenerable_proof import record_regenerable_proof
    enc, r = _uand3_n1_unsat(tmp_path, True)
    b = Bn.make_bundle(tmp_path / "b", r, task=uand(3), shape=enc.shape, encoding=enc,
                       checkers=NATIVE)
    opts = base_options(json.loads((b / "claim.json").read_text())["options"])
    other, ro = _uand3_n1_unsat(tmp_path, False, Shape("explicit", "step", n=1, B=1))
    record_regenerable_proof(b, other, ro.proof_path, options=opts,
                             solve_seconds=ro.seconds, solver={"name": "cadical195"})
    f = rejected(b)
    assert ("regenerate F: the formula differs from regenerable_proof.formula.sha256 "
            "(the record is not of a proof of this claim's F)") in f
