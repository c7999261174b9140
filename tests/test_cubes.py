"""Cube and conquer: checked cube proofs, checked cover, tamper-evident bundles."""

import importlib
import json
import os
import shutil
from pathlib import Path

import pytest

from superpos_formal.certify.bundles.verify import verify_bundle, write_manifest
from superpos_formal.certify.cubes import cover_proof, cube_and_conquer, make_cube_bundle
from superpos_formal.certify.proofcheck.drat import read_text, write_gz
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
    res = cube_and_conquer(uand(3), UNSAT_SHAPE, depth=2, split="sign")
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
    cubes = split_cubes(enc, 2, split="sign")
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


def _rewrite(b, claim):
    (b / "claim.json").write_text(json.dumps(claim))
    write_manifest(b)
    return b


def test_claim_without_certificate_needs_a_proof(unsat_bundle, tmp_path):
    b = copy(unsat_bundle, tmp_path)
    claim = json.loads((b / "claim.json").read_text())
    del claim["certificate"]
    assert "cubes: unknown field" in failures(_rewrite(b, claim))[1]
    del claim["cubes"]  # a plain UNSAT claim now: it needs its one proof
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
            "step", "--n", "2", "--B", "1", "--quiet", "--split", "sign"]
    assert main(args + ["--depth", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: --depth")
    assert main(args + ["--resplit", "-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: --resplit")
    out = tmp_path / "b"
    assert main(args + ["--depth", "1", "-o", str(out)]) == 0
    assert "UNSAT: 3 cubes" in capsys.readouterr().out
    rep = verify_bundle(out, checkers=NATIVE)
    assert rep.ok and "cube proofs verified: 3/3" in rep.checks
    assert main(args + ["--depth", "1", "-o", str(out)]) == 2  # never overwritten silently


def test_lookahead_split_is_a_covering_tree_on_the_parameters():
    from superpos_formal.solve.cubes import split_candidates

    enc = encode_sat(uand(3), UNSAT_SHAPE)
    cubes = split_cubes(enc, 3)
    params = set(split_candidates(enc))
    W = enc._members[0]["layers"][0][0]
    assert {abs(l) for w in W[0] for l in w.lits} <= params  # first layer's order literals
    assert {abs(l) for c in cubes for l in c} <= params
    assert len(cubes) >= 8 and len({tuple(c) for c in cubes}) == len(cubes)
    assert cover_proof(cubes)
    for k in range(len(cubes)):  # every leaf is needed
        with pytest.raises(InputError, match="do not cover"):
            cover_proof(cubes[:k] + cubes[k + 1:])


def test_family_split_is_on_the_shared_code_and_decides_both_ways():
    # a free code is what a family's members share: the lookahead splits on
    # its entries only (not on the members' weights); perms3 at n = 1 is
    # UNSAT (three features in one dimension), at n = 2 SAT
    from superpos_formal.encode.sat import encode_family_sat
    from superpos_formal.solve.cubes import split_candidates
    from superpos_formal.tasks import permutation_family

    fam = permutation_family(3)
    sh1 = Shape(mode="superposed", activation="relu", n=1, B=1, B_code=1, codes="free")
    enc = encode_family_sat(list(fam.members()), sh1)
    code = {abs(l) for M in (enc._E, enc._R) for row in M for e in row
            for l in getattr(e, "lits", ()) if abs(l) != 1}
    weights = {abs(l) for mem in enc._members for row in mem["layers"][0][0] for w in row
               for l in getattr(w, "lits", ())}
    assert code and set(split_candidates(enc)) == code and not code & weights
    res = cube_and_conquer(None, sh1, family=fam, depth=2)
    assert res.status == "UNSAT" and all(a.checked for a in res.answers)
    assert {abs(l) for c in res.cubes for l in c} <= code
    sh2 = Shape(mode="superposed", activation="relu", n=2, B=1, B_code=1, codes="free")
    res = cube_and_conquer(None, sh2, family=fam, depth=2)
    assert res.status == "SAT" and len(res.networks) == 6
    for net, t in zip(res.networks, fam.members()):  # verified again here
        assert verify(net, t, 0).ok


def test_cube_cpu_is_process_cpu_not_elapsed(monkeypatch):
    # the check's CPU is the checking thread's, measured apart from its
    # elapsed seconds: a check that sleeps (as under load) adds elapsed
    # seconds, never CPU seconds
    import time as _time

    C = importlib.import_module("superpos_formal.certify.cubes")
    real = C.drat.check_drat

    def slow_check(*a, **k):
        _time.sleep(0.5)
        return real(*a, **k)

    monkeypatch.setattr(C.drat, "check_drat", slow_check)
    res = cube_and_conquer(uand(3), UNSAT_SHAPE, depth=1)
    assert res.status == "UNSAT"
    for a in res.answers:
        assert a.checked and a.check_seconds >= 0.5 and a.check_cpu_seconds < 0.4
    assert res.cpu_seconds == pytest.approx(res.solver_cpu_seconds + res.check_cpu_seconds
                                            + res.handling_cpu_seconds)
    assert res.cpu_seconds < sum(a.check_seconds for a in res.answers)


def test_resplit_cube_tree_certifies_and_a_missing_leaf_is_rejected(monkeypatch, tmp_path):
    C = importlib.import_module("superpos_formal.certify.cubes")
    from superpos_formal.solve.cubes import CubeAnswer

    from pysat.solvers import Solver

    real, calls = C.check_cube, []

    def first_cube_times_out(clauses, nvars, index, cube, *a, **k):
        # the first cube that unit propagation does not refute (a failed-literal
        # leaf cannot be split further) acts as if it had reached its time limit
        if not calls:
            with Solver(name="m22", bootstrap_with=clauses) as s:
                if s.propagate(assumptions=cube)[0]:
                    calls.append(list(cube))
                    return CubeAnswer(index, "UNKNOWN", 1.0, limit="time",
                                      reason="time limit")
        return real(clauses, nvars, index, cube, *a, **k)

    monkeypatch.setattr(C, "check_cube", first_cube_times_out)
    task = uand(4)
    res = C.cube_and_conquer(task, UNSAT_SHAPE, depth=1, resplit=1, resplit_depth=2)
    first = calls[0]
    kids = [c for c in res.cubes if c[:len(first)] == first and len(c) > len(first)]
    assert res.status == "UNSAT" and res.resplit == 1 and len(kids) >= 2
    assert first not in res.cubes  # replaced by its children
    out = tmp_path / "b"
    C.make_cube_bundle(out, res, shape=UNSAT_SHAPE, task=task, checkers=NATIVE)
    rep = verify_bundle(out, checkers=NATIVE)
    assert rep.ok, rep.all_failures()
    assert f"cube proofs verified: {len(res.cubes)}/{len(res.cubes)}" in rep.checks
    # drop one leaf of the re-split subtree (its proof renumbered away)
    doc = json.loads((out / "cubes.json").read_text())
    k = doc["cubes"].index(kids[-1])
    doc["cubes"].pop(k)
    last = doc["proofs"].pop()
    for j in range(k, len(doc["cubes"])):
        (out / f"cubes/{j:04d}.drat.gz").write_bytes((out / f"cubes/{j + 1:04d}.drat.gz")
                                                     .read_bytes())
    (out / last).unlink()
    (out / "cubes.json").write_text(json.dumps(doc))
    claim = json.loads((out / "claim.json").read_text())
    claim["cubes"]["count"] -= 1
    (out / "claim.json").write_text(json.dumps(claim))
    write_manifest(out)
    ok, why = failures(out)
    assert not ok and "cover.drat.gz: rejected" in why


def test_memory_capped_cube_is_unknown_with_a_reason():
    from superpos_formal.distributed import _mapped_bytes
    from superpos_formal.solve.cubes import solve_cube

    # easy, but CaDiCaL's own copy of 1.2 M clauses takes well over the
    # 48 MB the cap leaves above what the forked child starts with (300 k
    # clauses and a 64 MB margin fitted on one machine and not on another)
    top = 1_200_000
    f = [[i, i + 1, i + 2] for i in range(2, top)]
    free = solve_cube(f, top + 2, 0, [2])
    assert free.status == "SAT"
    capped = solve_cube(f, top + 2, 0, [2], memory_mb=_mapped_bytes() // 2**20 + 48)
    assert (capped.status, capped.limit) == ("UNKNOWN", "memory")
    assert "memory" in capped.reason and "MB" in capped.reason


def _loader_fatal():
    os._exit(127)  # what glibc's loader does when it cannot allocate TLS


def test_a_child_ended_by_the_dynamic_loader_under_a_cap_is_out_of_memory():
    """Under a memory cap a cube's solver can die with exit 127 ("cannot
    allocate memory for thread-local data": glibc's loader, when C++ code
    first throws bad_alloc); that is the memory limit, not an error."""
    from superpos_formal.solve.runner import Child

    with Child(_loader_fatal, memory_mb=4096, part="solving a cube") as ch:
        kind, out = ch.recv(60)
    assert (kind, out.limit) == ("limit", "memory")
    assert "exit 127" in out.reason and "4096 MB" in out.reason
    with Child(_loader_fatal, memory_mb=0, part="solving a cube") as ch:
        with pytest.raises(RuntimeError, match="exit 127"):
            ch.recv(60)


def test_bundle_proofs_read_with_the_bound(unsat_bundle):
    rep = verify_bundle(unsat_bundle, checkers=NATIVE, max_unzipped=200)
    assert not rep.ok
    assert "decompresses to more than 200 bytes" in " | ".join(rep.all_failures())


def test_work_folder_resumes_without_solving_again(monkeypatch, tmp_path):
    C = importlib.import_module("superpos_formal.certify.cubes")
    work = tmp_path / "w"
    first = C.cube_and_conquer(uand(3), UNSAT_SHAPE, depth=2, work_dir=work)
    assert first.status == "UNSAT" and first.reused == 0
    assert len(list((work / "refuted").glob("*.drat.gz"))) == len(first.cubes)

    def never(*a, **k):
        raise AssertionError("a cube was solved again")

    monkeypatch.setattr(C, "check_cube", never)
    again = C.cube_and_conquer(uand(3), UNSAT_SHAPE, depth=2, work_dir=work)
    assert again.status == "UNSAT" and again.reused == len(first.cubes)
    assert again.cover_text and again.cubes == first.cubes
    # an altered stored proof is not taken: that cube is solved again
    p = sorted((work / "refuted").glob("*.drat.gz"))[0]
    p.write_bytes(write_gz(tmp_path / "x.gz", "0\n").read_bytes())
    with pytest.raises(AssertionError, match="solved again"):
        C.cube_and_conquer(uand(3), UNSAT_SHAPE, depth=2, work_dir=work)
    with pytest.raises(InputError, match="another formula"):
        C.cube_and_conquer(uand(4), UNSAT_SHAPE, depth=2, work_dir=work)


def test_subfamily_cube_bundle_with_family_symmetry_verifies_and_names_its_members(tmp_path):
    # permutations of 3 features at n = 1 are UNSAT already for two members
    # (the committed minimum bundle refutes n = 1 with members 1/6); a cube
    # bundle of a subfamily is a refutation of the family, as its claim says
    from superpos_formal.schema import task_to_dict
    from superpos_formal.tasks import permutation_family

    fam = permutation_family(3)
    sub = list(fam.members())[:2]
    sh = Shape(mode="superposed", activation="relu", n=1, B=1, B_code=1, codes="free")
    res = cube_and_conquer(None, sh, family=fam, members=sub, depth=2)
    assert res.status == "UNSAT" and res.family_symmetry == "features+outputs"
    assert len(res.encoding._members) == 2
    out = tmp_path / "sub"
    make_cube_bundle(out, res, shape=sh, family=fam, checkers=NATIVE)
    claim = json.loads((out / "claim.json").read_text())
    assert claim["options"]["members"] == [task_to_dict(t) for t in sub]
    assert claim["options"]["family_symmetry"] == "features+outputs"
    ok, why = failures(out)
    assert ok, why
    # the claim may not say "one member" for a two-member formula
    b = copy(out, tmp_path)
    claim["options"]["members"] = claim["options"]["members"][:1]
    (b / "claim.json").write_text(json.dumps(claim))
    write_manifest(b)
    ok, why = failures(b)
    assert not ok and "regenerated" in why
    # nor drop the relabelling order its formula carries
    b2 = tmp_path / "b2"
    shutil.copytree(out, b2)
    claim = json.loads((out / "claim.json").read_text())
    del claim["options"]["family_symmetry"]
    (b2 / "claim.json").write_text(json.dumps(claim))
    write_manifest(b2)
    ok, why = failures(b2)
    assert not ok and "regenerated" in why


def test_subfamily_sat_cube_is_not_a_family_answer():
    # permutations of 3 at n = 2 are SAT: a one-member subfamily's SAT cube
    # gives verified networks for that member and UNKNOWN for the family
    from superpos_formal.tasks import permutation_family

    fam = permutation_family(3)
    sh = Shape(mode="superposed", activation="relu", n=2, B=1, B_code=1, codes="free")
    res = cube_and_conquer(None, sh, family=fam, members=list(fam.members())[:1], depth=1)
    assert res.status == "UNKNOWN" and "subfamily" in res.note and len(res.networks) == 1


def test_bad_subfamilies_are_refused():
    from superpos_formal.certify.cubes import family_question
    from superpos_formal.tasks import permutation_family

    fam = permutation_family(3)
    with pytest.raises(InputError, match="empty"):
        family_question(fam, [])
    with pytest.raises(InputError, match="not a member"):
        family_question(fam, [uand(3)])
    m = list(fam.members())
    with pytest.raises(InputError, match="repeated|duplicates"):
        family_question(fam, [m[0], m[1], m[0]])
    with pytest.raises(InputError, match="not justified"):
        family_question(fam, m[:2], family_symmetry="features", symmetry=True)
    with pytest.raises(InputError, match="not justified"):
        family_question(fam, m[:2], family_symmetry="features+outputs", symmetry=False)
    with pytest.raises(InputError, match="only for a family"):
        cube_and_conquer(uand(3), UNSAT_SHAPE, members=m[:1])


def test_cli_cubes_subfamily_and_bad_members_file(tmp_path, capsys):
    from superpos_formal.cli import main

    good = tmp_path / "sub.json"
    good.write_text(json.dumps(["permutation(m=3,pi=[0, 1, 2])", "permutation(m=3,pi=[0, 2, 1])"]))
    out = tmp_path / "b"
    base = ["cubes", "--family", "permutations", "--m", "3", "--mode", "superposed",
            "--codes", "free", "--activation", "relu", "--n", "1", "--B", "1", "--B-code", "1"]
    assert main(base + ["--members", str(good), "-o", str(out)]) == 0
    ok, why = failures(out)
    assert ok, why
    claim = json.loads((out / "claim.json").read_text())
    assert len(claim["options"]["members"]) == 2
    capsys.readouterr()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(["permutation(m=3,pi=[0, 1, 2])", "uand(m=3)"]))
    assert main(base + ["--members", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "--members" in err and "is not a member" in err and "Traceback" not in err
    assert main(["cubes", "--task", "uand", "--m", "3", "--members", str(good)]) != 0
    assert "only with --family" in capsys.readouterr().err


def test_a_memory_capped_solver_abort_does_not_spill_a_python_stack():
    """issue 21: the capped child's C++ abort printed "Fatal Python error:
    Aborted" and a 50-line stack into the test run (faulthandler, which
    pytest enables, is inherited by the forked child). Run the capped cube
    under `python -X faulthandler` and look at what reaches stderr."""
    import subprocess
    import sys
    code = ("from superpos_formal.distributed import _mapped_bytes\n"
            "from superpos_formal.solve.cubes import solve_cube\n"
            "top = 1_200_000\n"
            "f = [[i, i + 1, i + 2] for i in range(2, top)]\n"
            "r = solve_cube(f, top + 2, 0, [2], memory_mb=_mapped_bytes() // 2**20 + 48)\n"
            "print(r.status, r.limit)\n")
    p = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], cwd=Path(__file__).resolve().parents[1],
                       capture_output=True, text=True, timeout=300)
    assert p.stdout.split() == ["UNKNOWN", "memory"], (p.stdout, p.stderr[-2000:])
    assert "Fatal Python error" not in p.stderr and "Current thread" not in p.stderr, \
        p.stderr[-2000:]
