"""The front door (superpos_formal.api), the CLI over it, and campaigns.

Expected values are facts established outside the code under test: the
universal AND of 3 features needs 2 step neurons with weights in [-2, 2]
(README table; the UNSAT side is re-checked here as a DRAT proof), XOR of
two bits is not linearly separable (so parity(2) needs 2 step neurons and 1
is UNSAT), a family answer has one network per member. Every network an
answer returns is re-verified here with the model's exact verifier.
"""

import json
import pydoc

import pytest

import superpos_formal as sf
from superpos_formal.cli import main
from superpos_formal.domain import domain
from superpos_formal.errors import InputError
from superpos_formal.results import Answer, ResultTable, Status
from superpos_formal.schema import load
from superpos_formal.store import Store
from superpos_formal.tasks import task_from_dict
from superpos_formal.verify import verify as exact_verify

VERBS = ["uand", "permutations", "pair_sets", "identity", "parity", "majority",
         "truth_table", "decide", "min_neurons", "min_params", "min_bits", "count",
         "capacity", "certify", "verify", "campaign"]


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


# ------------------------------------------------------------------ front door

def test_help_lists_the_verbs():
    text = pydoc.render_doc(sf, renderer=pydoc.plaintext)
    for v in VERBS:
        assert v in sf.__all__
        assert callable(getattr(sf, v))
        assert v in text


def test_min_neurons_uand3_step():
    res = sf.min_neurons(sf.uand(3), activation="step", B=2)
    assert isinstance(res, Answer)
    assert res.minimum == 2 and res.status == Status.SAT and res.certified
    assert [r["status"] for r in res.table] == ["UNSAT", "SAT"]
    assert res.table[0]["proof"] == "checked"
    assert exact_verify(res.network, sf.uand(3)).ok
    assert res.networks == [res.network] and res.network.widths == (2,)
    r = repr(res)
    assert len(r) < 160, r
    assert r.startswith("<Minimum uand(m=3) explicit step") and "B=2 bias=2" in r
    assert "n=2 certified (UNSAT n=1 checked)" in r
    assert "<table>" in res._repr_html_() and "<td>UNSAT</td>" in res._repr_html_()


def test_parity_needs_two_step_neurons():
    res = sf.min_neurons(sf.parity(2), activation="step", B=2)
    assert res.minimum == 2
    assert exact_verify(res.network, sf.parity(2)).ok
    # the table says why: one step neuron is a linear threshold, XOR is not
    assert res.table[0]["status"] == "UNSAT" and res.table[0]["n"] == 1


def test_truth_table_task_equals_hand_table():
    # majority of 3 bits on X(3, 3), inputs by weight: 000 | 100 010 001 | 110 101 011 | 111
    t = sf.truth_table(3, 3, [[0], [0], [0], [0], [1], [1], [1], [1]])
    assert t.outputs == sf.majority(3).outputs
    assert [x for x in domain(3, 3)][4] == (1, 1, 0)


def test_family_answer_has_one_network_per_member():
    fam = sf.permutations(2)
    res = sf.min_neurons(fam, mode="superposed", codes="free", B=1)
    assert res.minimum == 1 and res.is_family and len(res.networks) == fam.size == 2
    E, R = res.codes
    for net, t in zip(res.networks, fam.members()):
        assert exact_verify(net, t).ok
        assert [list(r) for r in net.E] == [list(r) for r in E]
    with pytest.raises(ValueError, match="use .networks"):
        res.network
    d = sf.decide(fam, 1, mode="superposed", codes="free", B=1)
    assert d.status == Status.SAT and len(d.networks) == 2


def test_min_bits_table_shows_the_bias_bound():
    res = sf.min_bits(sf.uand(3), 2, activation="step", B_max=3)
    assert res.minimum == 2
    assert [(r["B"], r["bias"]) for r in res.table] == [(0, 0), (1, 1), (2, 2)]
    fixed = sf.min_bits(sf.uand(3), 2, activation="step", B_max=3, B_bias=2)
    assert {r["bias"] for r in fixed.table} == {2}


def test_budget_and_time_limit_are_different_things():
    # an exhausted budget stops the whole search before any solve: UNKNOWN
    res = sf.min_neurons(sf.uand(3), activation="step", budget=1e-9)
    assert res.minimum is None and res.status == Status.UNKNOWN
    assert all(r["status"] == "UNKNOWN" for r in res.table)
    # a per-solve limit does not cut the search short when each solve fits
    res = sf.min_neurons(sf.uand(3), activation="step", time_limit=60)
    assert res.minimum == 2


def test_bias_bound_without_hidden_layer_is_an_error():
    with pytest.raises(InputError, match="B_bias"):
        sf.decide(sf.identity(3), 2, mode="superposed", codes="free", L=0, B_bias=1)


def test_family_question_needs_free_codes():
    with pytest.raises(InputError, match="family"):
        sf.min_neurons(sf.permutations(2))


# ------------------------------------------------------------------ evidence

def test_certify_and_verify_roundtrip(tmp_path):
    res = sf.min_neurons(sf.parity(2), activation="step")
    rep = sf.certify(res, tmp_path / "b")
    assert rep.ok
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == \
        ["manifest.json", "minimum.json", "n1-unsat", "n2-sat"]
    assert sf.verify(tmp_path / "b").ok
    # the bundle is re-checked by the bundle checker: a changed proof fails
    proof = tmp_path / "b" / "n1-unsat" / "proof.drat.gz"
    proof.write_bytes(proof.read_bytes()[:-3] + b"xyz")
    assert not sf.verify(tmp_path / "b").ok


def test_certify_uses_kept_proofs(tmp_path):
    res = sf.min_neurons(sf.parity(2), activation="step", proof_dir=tmp_path / "work")
    below = res.search.cells[0]
    assert below.proof_path and (tmp_path / "work" / "n1.drat").exists()
    assert sf.certify(res, tmp_path / "b").ok


def test_certify_refuses_what_is_not_a_claim(tmp_path):
    with pytest.raises(InputError, match="bundles exist"):
        sf.certify(sf.min_params(sf.uand(3), 2, activation="step"), tmp_path / "x")
    with pytest.raises(InputError, match="no minimum"):
        sf.certify(sf.min_neurons(sf.uand(3), activation="step", n_max=1), tmp_path / "y")
    with pytest.raises(InputError, match="expected an Answer"):
        sf.certify("uand", tmp_path / "z")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_network_draws_on_given_axes():
    from matplotlib.figure import Figure

    net = sf.decide(sf.uand(3), 2, activation="step").network
    ax = Figure().add_subplot()
    assert net.draw(ax=ax) is ax
    assert "explicit step network" in ax.get_title()
    assert "<table>" in net._repr_html_() and "W1" in net._repr_html_()
    assert len(repr(net)) < 160


def test_result_table_renders():
    t = ResultTable([{"n": 1, "status": Status.UNSAT}])
    assert t.rows == [{"n": 1, "status": "UNSAT"}] and type(t[0]["status"]) is str
    assert "<th>status</th>" in t._repr_html_()


# ------------------------------------------------------------------ CLI over the api

def test_cli_min_neurons_banner_states_every_bound(capsys, tmp_path):
    rc, out, _ = run(capsys, "min-neurons", "--task", "uand", "--m", 3, "--activation",
                     "step", "--B", 2, "--B-bias", 1, "-o", tmp_path)
    assert rc == 0
    assert "shape: explicit step L=1 B=2 bias=1 theta=1" in out
    head = out.splitlines()[2].split()
    assert head[:3] == ["n", "B", "bias"]
    net = load(tmp_path / "network.json")
    assert net.B_bias == 1 and exact_verify(net, sf.uand(3)).ok
    assert json.loads((tmp_path / "table.json").read_text())[-1]["bias"] == 1


def test_cli_superposed_banner_states_code_bound(capsys):
    rc, out, _ = run(capsys, "decide", "--task", "identity", "--m", 3, "--mode",
                     "superposed", "--codes", "free", "--L", 0, "--n", 2, "--B", 1)
    assert rc == 0
    assert "shape: superposed relu L=0 B=1 code=1 (free) theta=1 n=2" in out


def test_cli_bias_with_L0_is_an_error(capsys):
    rc, _, err = run(capsys, "min-neurons", "--task", "identity", "--m", 3, "--mode",
                     "superposed", "--codes", "free", "--L", 0, "--B-bias", 1)
    assert rc == 2 and err.startswith("superpos: error: --B-bias") and len(err.splitlines()) == 1
    rc, _, err = run(capsys, "count", "--m", 2, "--m-out", 1, "--s", 2, "--L", 0,
                     "--B-bias", 1, "--mode", "superposed")
    assert rc == 2 and "--B-bias" in err


def test_cli_family_out_writes_what_help_promises(capsys, tmp_path):
    rc, out, _ = run(capsys, "min-neurons", "--family", "permutations", "--m", 2, "--mode",
                     "superposed", "--codes", "free", "--B", 1, "-o", tmp_path)
    assert rc == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["codes.json", "member0.json", "member1.json", "table.json"]
    codes = json.loads((tmp_path / "codes.json").read_text())
    assert codes["family"]["kind"] == "permutations"
    seen = set()
    for i in range(2):
        net = load(tmp_path / f"member{i}.json")
        meta = dict(net.meta)
        assert meta["member"] == i
        t = task_from_dict(meta["task"])
        assert exact_verify(net, t).ok and t.kind == "permutation"
        assert [list(r) for r in net.E] == codes["E"]
        seen.add(tuple(meta["task"]["pi"]))
    assert seen == {(0, 1), (1, 0)}
    with pytest.raises(SystemExit):
        main(["min-neurons", "--help"])
    out = capsys.readouterr().out
    assert "member<i>.json" in out and "codes.json" in out


def test_cli_proof_writes_checked_bundle(capsys, tmp_path):
    rc, out, _ = run(capsys, "min-neurons", "--task", "parity", "--m", 2, "--activation",
                     "step", "--proof", "-o", tmp_path)
    assert rc == 0 and "PASS" in out
    assert not (tmp_path / "work").exists()
    assert sf.verify(tmp_path / "minimum").ok


def test_cli_task_and_table(capsys, tmp_path):
    rc, out, _ = run(capsys, "min-neurons", "--task", "table", "--m", 2, "--s", 2,
                     "--outputs", "0,1,1,0", "--activation", "step")
    assert rc == 0 and "minimum n = 2" in out


# ------------------------------------------------------------------ campaigns

def test_campaign_through_the_api(tmp_path, capsys):
    camp = {"format": "superpos-formal/campaign", "version": 1, "name": "tiny",
            "time_limit": 60, "proof": True,
            "cells": [
                {"task": {"kind": "parity", "m": 2},
                 "shape": {"mode": "explicit", "activation": "step", "B": 2, "B_bias": 1},
                 "n_max": 3},
                {"family": {"kind": "permutations", "m": 2},
                 "shape": {"mode": "superposed", "activation": "relu", "codes": "free",
                           "B": 1},
                 "n_max": 2}]}
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(camp))
    summary = sf.campaign(path, results_dir=tmp_path / "res", proofs_dir=tmp_path / "proofs")
    assert (summary["run"], summary["failed"]) == (2, 0)
    with Store(tmp_path / "res" / "results.sqlite", readonly=True) as st:
        recs = st.records("tiny")
    # XOR needs 2 step neurons (not linearly separable); 2 permutations of 2
    # features share one code coordinate (x0 - x1 read out with signs)
    assert [r["minimum"] for r in recs] == [2, 1]
    assert recs[0]["certified"] and sf.verify(recs[0]["bundle"]).ok
    md = (tmp_path / "res" / "tiny.md").read_text()
    # every bound of every question is in the table, including the bias
    assert "B=2 bias=1 theta=1" in md and "B=1 bias=1 code=1 theta=1" in md
    assert [r["bounds"] for r in recs] == ["B=2 bias=1 theta=1", "B=1 bias=1 code=1 theta=1"]
    for r in recs:
        name = r["bundle"].rsplit("/", 1)[-1]
        assert not set(name) & set("=,'\" "), name
    assert recs[0]["bundle"].endswith("parity-m2-mout1-s2-explicit-step-L1-B2-bias1-theta1")
    # resuming does not re-run decided cells
    again = sf.campaign(path, results_dir=tmp_path / "res")
    assert (again["run"], again["skipped"]) == (0, 2)


def test_cli_min_bits_and_min_params(capsys, tmp_path):
    rc, out, _ = run(capsys, "min-bits", "--task", "uand", "--m", 3, "--activation", "step",
                     "--n", 2, "--B-max", 3)
    assert rc == 0
    assert "shape: explicit step L=1 B=0..3 bias=0..3 theta=1 n=2" in out
    assert "minimum B = 2 (biases in [-2, 2]) at n=2" in out
    rc, out, _ = run(capsys, "min-bits", "--task", "uand", "--m", 3, "--activation", "step",
                     "--n", 2, "--B-max", 3, "--B-bias", 2)
    rows = [l.split() for l in out.splitlines() if l.split()[:1] in (["0"], ["1"], ["2"])]
    assert [r[1] for r in rows] == ["2", "2", "2"]  # the bias bound stays fixed
    rc, out, _ = run(capsys, "min-params", "--task", "uand", "--m", 3, "--activation", "step",
                     "--n", 2, "-o", tmp_path)
    assert rc == 0 and "shape: explicit step L=1 B=2 bias=2 theta=1 n=2" in out
    net = load(tmp_path / "network.json")
    k = int(out.split("minimum nonzero parameters = ")[1].split()[0])
    assert net.counts()["params_nonzero"] == k and exact_verify(net, sf.uand(3)).ok
