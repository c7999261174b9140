"""The front door's ``sf.improve`` and ``sf.cubes`` (issue 23).

Expected sizes are the committed, proof-checked minima (hand copied, not
computed by the code under test): uand(m=3) explicit step B=2 needs 2
hidden neurons (proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1),
permutations(m=3) superposed relu B=B_bias=B_code=1 with shared codes
needs 2 (proofs/families/permutations-m3-...); uand(m=3) explicit step with
weights in [-1, 1] needs 3, so n = 2 is UNSAT (tests/test_cubes.py). Every
network is re-checked with the tests' own evaluator (``conftest.naive_eval``).
"""

import json

import pytest

import superpos_formal as sf
from conftest import naive_eval
from superpos_formal.certify.bundles.verify import verify_bundle
from superpos_formal.shape import Shape

UNSAT_SHAPE = Shape(mode="explicit", activation="step", n=2, B=1)


def _correct(net, task):
    return all(naive_eval(net, x) == task(x) for x in task.inputs)


def _one_line(excinfo):
    msg = str(excinfo.value)
    assert msg and "\n" not in msg
    return msg


# ------------------------------------------------------------------ improve

def test_improve_a_task_from_the_baseline_reaches_the_known_minimum():
    task = sf.uand(3)
    res = sf.improve(task, activation="step", seed=0, max_steps=20, budget=60)
    assert res.start_counts["hidden_neurons"] == 3  # one neuron per pair
    assert res.counts["hidden_neurons"] == 2
    assert res.network.widths == (2,) and res.network.B == 2
    assert _correct(res.network, task)
    assert res.minimality == "UNKNOWN"
    text = repr(res)
    assert text.startswith("<Improvement uand(m=3): n 3 -> 2") and "\n" not in text
    assert len(text) < 160


def test_improve_a_family_keeps_one_code():
    fam = sf.permutations(3)
    res = sf.improve(fam, activation="relu", B=1, seed=0, budget=60, target=2,
                     sparsify=False)
    assert res.counts["hidden_neurons"] == 2 and res.stopped == "target"
    nets = res.networks
    assert len(nets) == 6 and all(n.E == nets[0].E and n.R == nets[0].R for n in nets)
    assert all(_correct(n, t) for n, t in zip(nets, fam.members()))


def test_improve_from_given_networks_never_grows():
    task = sf.uand(3)
    start, name = sf.api.improve_start(task, activation="relu")
    assert name == "baseline" and start[0].widths == (3,)
    res = sf.improve(task, start[0], seed=1, max_steps=3, sparsify=False)
    assert res.counts["hidden_neurons"] <= 3 and _correct(res.network, task)
    assert res.start == start


@pytest.mark.parametrize("call,needle", [
    (lambda: sf.improve("uand"), "subject"),
    (lambda: sf.improve(sf.uand(3), sed=1), "unknown option(s) sed"),
    (lambda: sf.improve(sf.uand(3), budget=0), "budget"),
    (lambda: sf.improve(sf.uand(3), window=0), "window"),
    (lambda: sf.improve(sf.uand(3), core=2), "only for a family"),
    (lambda: sf.improve(sf.permutations(3), mode="explicit"), "superposed"),
    (lambda: sf.improve(sf.uand(3), "nope"), "unknown construction"),
    (lambda: sf.improve(sf.uand(3), sf.api.improve_start(sf.uand(3))[0], B=3),
     "B: 3 differs"),
    (lambda: sf.improve(sf.uand(4), sf.api.improve_start(sf.uand(3))[0]), "m'"),
])
def test_improve_bad_input_is_one_line(call, needle):
    with pytest.raises(sf.InputError) as e:
        call()
    assert needle in _one_line(e)


# ------------------------------------------------------------------ cubes

def test_cubes_refutes_an_unsat_cell_with_every_proof_checked(tmp_path):
    out = tmp_path / "b"
    res = sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=1, split="sign", out=out)
    assert res.status == "UNSAT" and len(res.cubes) == 3
    assert len(res.answers) == 3 and all(a.status == "UNSAT" and a.checked
                                         for a in res.answers)
    assert res.cover_text
    rep = verify_bundle(out, checkers=("native",))
    assert rep.ok and "cube proofs verified: 3/3" in rep.checks
    assert repr(res).startswith("<CubeResult UNSAT: 3 cubes, 3 proofs checked")
    with pytest.raises(sf.InputError) as e:  # never overwritten silently
        sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=1, out=out)
    assert "already exists" in _one_line(e)


def test_cubes_sat_cell_gives_a_verified_network(tmp_path):
    task = sf.uand(3)
    res = sf.cubes(task, Shape(mode="explicit", activation="step", n=3, B=1), depth=1,
                   out=tmp_path / "sat")
    assert res.status == "SAT" and _correct(res.network, task)
    doc = json.loads((tmp_path / "sat" / "network.json").read_text())
    assert _correct(sf.schema.network_from_dict(doc), task)


def test_cubes_refuses_a_tampered_work_folder(tmp_path):
    work = tmp_path / "w"
    first = sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=1, split="sign", work_dir=work)
    assert first.status == "UNSAT" and first.reused == 0
    again = sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=1, split="sign", work_dir=work)
    assert again.status == "UNSAT" and again.reused == 3
    state = work / "state.json"
    doc = json.loads(state.read_text())
    doc["formula_sha256"] = "0" * 64
    state.write_text(json.dumps(doc))
    with pytest.raises(sf.InputError) as e:
        sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=1, split="sign", work_dir=work)
    assert "another formula" in _one_line(e)


@pytest.mark.parametrize("call,needle", [
    (lambda: sf.cubes(sf.uand(3), 2), "shape: expected a Shape"),
    (lambda: sf.cubes("uand", UNSAT_SHAPE), "subject"),
    (lambda: sf.cubes(sf.uand(3), UNSAT_SHAPE, dpth=1), "unknown option(s) dpth"),
    (lambda: sf.cubes(sf.uand(3), UNSAT_SHAPE, depth=-1), "cube depth"),
    (lambda: sf.cubes(sf.uand(3), UNSAT_SHAPE, split="random"), "unknown heuristic"),
    (lambda: sf.cubes(sf.uand(3), UNSAT_SHAPE, members=[sf.uand(3)]), "only for a family"),
    (lambda: sf.cubes(sf.permutations(3),
                      Shape(mode="superposed", activation="relu", n=1, B=1, B_code=1,
                            codes="free"), members=["nobody"]), "is not a member"),
])
def test_cubes_bad_input_is_one_line(call, needle):
    with pytest.raises(sf.InputError) as e:
        call()
    assert needle in _one_line(e)
