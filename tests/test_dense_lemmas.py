"""Separation lemmas and the lemma-chained DRAT proof (issue 25, parity of dense bits).

The soundness argument of encode/lemmas.py (with step units and one hidden
layer, two inputs with different required outputs get different hidden
vectors) is held against the clauses actually emitted: on satisfiable
instances every emitted lemma survives the solver's "is it implied" test;
the chained proof of an unsatisfiable instance checks against the unchanged
formula; and a false lemma is rejected, by the builder and by the checkers.
"""

import json
import os
from pathlib import Path

import pytest
from pysat.solvers import Solver

from conftest import search_script

from superpos_formal.certify.bundles.verify import verify_bundle
from superpos_formal.certify.proofcheck.drat import REJECTED, VERIFIED, check_drat
from superpos_formal.domain import domain
from superpos_formal.encode.lemmas import separation_lemmas, separation_pairs
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve import lemma_proof
from superpos_formal.solve.lemma_proof import decode_binary_drat, refute_with_lemmas
from superpos_formal.tasks import majority, parity


def _enc(task, n, m, **kw):
    return encode_sat(task, Shape("explicit", "step", n=n, B=m, B_bias=m, **kw),
                      symmetry=False)


def test_pairs_are_the_cube_edges_for_parity():
    # the 3-cube has 12 edges (3 directions x 4), and parity flips on each
    pairs = separation_pairs(parity(3), domain(3, 3))
    assert len(pairs) == 12
    assert all(sum(a != b for a, b in zip(u, v)) == 1 for u, v in pairs)


def test_lemma_count_and_width():
    enc = _enc(parity(3), 2, 3)
    lem = separation_lemmas(enc, parity(3))
    # 12 edges x 2^2 hidden patterns, each clause 2 literals per unit
    assert len(lem) == 48
    assert {len(c) for c in lem} == {4}


def test_majority_pairs_only_where_the_output_changes():
    # majority(3) changes between weight 1 and weight 2: 3 x 2 = 6 edges
    assert len(separation_pairs(majority(3), domain(3, 3))) == 6


def test_emitted_lemmas_are_implied_on_satisfiable_instances(tmp_path):
    # a lemma that is not implied makes the builder stop with NOT_IMPLIED;
    # SAT at the end means every emitted lemma held in the solver's test
    for task, n, m in ((parity(3), 3, 3), (majority(3), 1, 3), (parity(2), 2, 2)):
        enc = _enc(task, n, m)
        res, info = refute_with_lemmas(enc.clauses, separation_lemmas(enc, task),
                                       str(tmp_path / "p.drat"))
        assert res.status == "SAT", (task, res.reason)
        assert "not_implied" not in info


def test_chained_proof_checks_against_F(tmp_path):
    enc = _enc(parity(3), 2, 3)
    lem = separation_lemmas(enc, parity(3))
    path = str(tmp_path / "p.drat")
    res, info = refute_with_lemmas(enc.clauses, lem, path)
    assert res.status == "UNSAT"
    text = open(path).read()
    steps = text.splitlines()
    # every lemma is a line of the proof, in order
    lines = [" ".join(map(str, c)) + " 0" for c in lem]
    pos = [steps.index(l) for l in lines]
    assert pos == sorted(pos)
    recs = check_drat(enc, path, checkers=("native", "python"))
    assert [r.verdict for r in recs] == [VERIFIED, VERIFIED]


def _hidden(enc, k):
    act = enc._members[0]["act1"]
    return [act[x][k].ge(1) for x in act]


def test_false_lemma_is_refused_by_the_builder(tmp_path):
    # parity(3) needs 3 units (n = 2 is UNSAT: the committed minimum), so in
    # every model of the n = 3 formula unit 2 is not constant 0: the units
    # "h_2(x) = 0" are not all implied
    enc = _enc(parity(3), 3, 3)
    wrong = [[-h] for h in _hidden(enc, 2)]
    res, info = refute_with_lemmas(enc.clauses, wrong, str(tmp_path / "p.drat"))
    assert res.status == "UNKNOWN" and "not implied" in res.reason
    assert "not_implied" in info
    assert not os.path.exists(tmp_path / "p.drat")


def test_false_lemma_is_rejected_by_the_checkers(tmp_path):
    # a proof that asserts the false lemmas, then refutes F plus them
    # (F with unit 2 switched off is the n = 2 question, UNSAT), is not a
    # proof of F: F is satisfiable
    enc = _enc(parity(3), 3, 3)
    with Solver(name="cadical195", bootstrap_with=enc.clauses) as s:
        assert s.solve()
    wrong = [[-h] for h in _hidden(enc, 2)]
    with Solver(name="cadical195", bootstrap_with=enc.clauses + wrong,
                with_proof=True) as s:
        assert not s.solve()
        proof = s.get_proof()
    text = "".join(f"{c[0]} 0\n" for c in wrong) + "\n".join(proof) + "\n"
    recs = check_drat(enc, text=text, checkers=("native", "python"))
    assert [r.verdict for r in recs] == [REJECTED, REJECTED]


def test_lemmas_refuse_questions_they_do_not_hold_for():
    relu = encode_sat(parity(2), Shape("explicit", "relu", n=2, B=2, B_bias=2),
                      symmetry=False)
    with pytest.raises(InputError, match="step units"):
        separation_lemmas(relu, parity(2))
    tol = _enc(parity(2), 2, 2, tolerance=1)
    with pytest.raises(InputError, match="tolerance"):
        separation_lemmas(tol, parity(2))
    enc = _enc(parity(2), 2, 2)
    with pytest.raises(InputError, match="same required output"):
        separation_lemmas(enc, parity(2), pairs=[((0, 0), (1, 1))])
    sub = encode_sat(parity(2), Shape("explicit", "step", n=2, B=2, B_bias=2),
                     symmetry=False, inputs=[(0, 0), (1, 0)])
    with pytest.raises(InputError, match="not constrained"):
        separation_lemmas(sub, parity(2), pairs=[((0, 0), (0, 1))])


def test_binary_drat_decoding_rejects_a_cut_trace():
    with pytest.raises(ValueError, match="inside a step"):
        decode_binary_drat(bytes([0x61, 2]))
    with pytest.raises(ValueError, match="starts with"):
        decode_binary_drat(bytes([0x62, 0]))


def test_script_refutes_the_committed_base_formula(tmp_path, capsys):
    # the formula it refutes is the committed bundle's F (its base/ proof's
    # formula, hashed when that bundle was made)
    bundle = (Path(__file__).resolve().parent.parent / "proofs" / "dense"
              / "parity-m3-mout1-s3-explicit-step-L1-B3-bias3-theta1" / "n2-unsat")
    base = json.loads((bundle / "claim.json").read_text())["base_proof"]
    assert search_script("dense_lemmas").main(["--m", "3", "--n", "2", "-o", str(tmp_path)]) == 0
    rec = json.loads((tmp_path / "parity-m3-n2" / "record.json").read_text())
    assert rec["status"] == "UNSAT"
    assert rec["formula"]["sha256"] == base["formula"]["sha256"]
    assert rec["options"] == base["options"]
    assert [c["verdict"] for c in rec["checks"]] == [VERIFIED]
    assert (tmp_path / "parity-m3-n2" / "proof.drat.gz").is_file()
    recs = check_drat(tmp_path / "parity-m3-n2" / "formula.cnf.gz",
                      tmp_path / "parity-m3-n2" / "proof.drat.gz", checkers=("python",))
    assert [r.verdict for r in recs] == [VERIFIED]


def test_script_bad_input_is_one_line(capsys):
    assert search_script("dense_lemmas").main(["--m", "1", "--n", "3", "-o", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("superpos: error:") and err.count("\n") == 1


def test_script_bundle_verifies(tmp_path):
    out = tmp_path / "b" / "parity-m3"
    assert search_script("dense_lemmas").main(["--m", "3", "--n", "2", "-o", str(tmp_path),
                                               "--bundle", str(out)]) == 0
    rep = verify_bundle(out)
    assert rep.ok, str(rep)
    claim = json.loads((out / "n2-unsat" / "claim.json").read_text())
    assert claim["certificate_kind"] == "proof of F"
    assert claim["options"] == {"sums": "tree", "symmetry": False}
    assert json.loads((out / "minimum.json").read_text())["value"] == 3


def test_trace_read_in_small_blocks_gives_the_same_proof(tmp_path, monkeypatch):
    # blocks cut mid-step must carry over: the proof is the same text
    enc = _enc(parity(3), 2, 3)
    lem = separation_lemmas(enc, parity(3))
    res, _ = refute_with_lemmas(enc.clauses, lem, str(tmp_path / "a.drat"))
    monkeypatch.setattr(lemma_proof, "BLOCK", 7)
    res2, _ = refute_with_lemmas(enc.clauses, lem, str(tmp_path / "b.drat"))
    assert res.status == res2.status == "UNSAT"
    assert (tmp_path / "a.drat").read_text() == (tmp_path / "b.drat").read_text()


def test_refute_with_lemmas_refuses_bad_input(tmp_path):
    with pytest.raises(InputError, match="CaDiCaL"):
        refute_with_lemmas([[1]], [], str(tmp_path / "p"), solver="glucose4")
    with pytest.raises(InputError, match="neither in the formula nor a lemma"):
        refute_with_lemmas([[1, 2]], [[1]], str(tmp_path / "p"), final=[[2]])
