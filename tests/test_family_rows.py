"""Recipe-backed family band rows (certify/family_rows.py): each refusal the
check promises (tampered code, wrong bound, unknown field, a certificate that
does not hold, a tampered lower-bound claim, an inconsistent row) and the
band hook showing the label. The sub-question bundle is verified by a stub
here (the restriction itself is regenerated and brute-forced for real);
tests/test_family_rows_committed.py verifies the committed rows in full."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from superpos_formal.band import band_markdown, band_rows
from superpos_formal.certify.bundles.check_claim import BundleReport
from superpos_formal.certify.family_rows import (band_entries, check_row, make_row,
                                                 recipe_failures, verify_rows, write_rows)
from superpos_formal.errors import InputError
from superpos_formal.tasks import pair_set_family, permutation_family

ROOT = Path(__file__).resolve().parent.parent
PERM5 = "proofs/families-long/permutations-m5-mout5-s1-superposed-relu-L1-B1-bias1-code1-theta1"
PERM4_T2 = "proofs/midrange/permutations-m4-mout4-s1-superposed-relu-L1-B1-bias1-code1-theta2"
T1 = {"mode": "superposed", "activation": "relu", "L": 1, "B": 1, "B_bias": 1, "B_code": 1,
      "theta": 1}
T2 = dict(T1, theta=2)


def _ok(path):
    return BundleReport(str(path))  # stands in for a PASS of the sub-question's bundle


@pytest.fixture(scope="module")
def perm7():
    return make_row(permutation_family(7), "indicator", {}, 0, T1, sample=6,
                    lower=(ROOT / PERM5, PERM5))


def test_a_row_holds_and_carries_its_label_and_lower_bound(perm7):
    assert recipe_failures(perm7) == []
    assert check_row(perm7, ROOT, _ok) == ([], [])
    assert perm7["best"]["label"] == ("construction: code certificate + argument; 6 of 5040 "
                                      "members checked exhaustively")
    assert perm7["lower_bound"]["n"] == 3 and perm7["lower_bound"]["source"] == "restriction"
    assert perm7["ratio"] == {"exact": "7/3", "decimal": "2.33"}


def test_tampered_code_is_refused(perm7):
    row = copy.deepcopy(perm7)
    row["best"]["recipe"]["code"]["E"][0][0] = 0
    assert any("best.recipe.code.E" in f for f in recipe_failures(row))
    row = copy.deepcopy(perm7)
    row["best"]["recipe"]["code"]["theta"] = 2
    assert any("best.recipe.code.theta" in f for f in recipe_failures(row))


@pytest.mark.parametrize("key, value, why", [
    ("theta", 2, "not the recipe's"), ("B", 0, "bounds.B"), ("L", 2, "not the recipe's"),
])
def test_wrong_bound_is_refused(perm7, key, value, why):
    row = copy.deepcopy(perm7)
    row["bounds"][key] = value
    assert any(why in f for f in recipe_failures(row))


def test_pair_set_recipe_at_bias_zero_is_refused():
    with pytest.raises(InputError, match="B_bias"):
        make_row(pair_set_family(5, 4), "indicator", {}, 0, dict(T1, B_bias=0), sample=2)


@pytest.mark.parametrize("where", ["row", "best", "recipe", "code", "checked", "lower"])
def test_unknown_field_is_refused(perm7, where):
    row = copy.deepcopy(perm7)
    target = {"row": row, "best": row["best"], "recipe": row["best"]["recipe"],
              "code": row["best"]["recipe"]["code"], "checked": row["best"]["recipe"]["checked"],
              "lower": row["lower_bound"]}[where]
    target["extra"] = 1
    fails, _ = check_row(row, ROOT, _ok)
    assert any("unknown field 'extra'" in f for f in fails)


def test_a_certificate_that_does_not_hold_is_refused():
    # perm(7) on a degree-1 code over F_3 (lambda_in 1, k_in 2) with the output
    # pairs on 6 neurons (load 3): load * lambda = 3 is not < k_in = 2
    row = make_row(permutation_family(7), "family", {"n": 7, "k_in": 1, "q": None}, 0, T2,
                   sample=2)
    row["best"]["recipe"]["params"] = {"n": 6, "k_in": 2, "q": 3, "degree": 1}
    fails = recipe_failures(row)
    assert any("certificate FAILS" in f for f in fails), fails


def test_recorded_certificate_facts_must_match(perm7):
    row = copy.deepcopy(perm7)
    row["best"]["recipe"]["certificate"]["n"] = 6
    assert any("best.recipe.certificate" in f for f in recipe_failures(row))


def test_wrong_width_label_or_sample_is_refused(perm7):
    for path, value, why in [(("hidden_neurons",), 6, "hidden_neurons"),
                             (("label",), "construction", "best.label"),
                             (("recipe", "checked", "members"), "720", "checked.members")]:
        row = copy.deepcopy(perm7)
        d = row["best"]
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
        assert any(why in f for f in recipe_failures(row)), why


def test_theta2_recipe_row_is_a_bias1_network():
    row = make_row(permutation_family(7), "family", {"n": 7, "k_in": 1, "q": None}, 0, T2,
                   sample=3, lower=(ROOT / PERM4_T2, PERM4_T2))
    assert row["best"]["recipe"]["code"]["B_bias"] == 0 and row["bounds"]["B_bias"] == 1
    assert "B_bias=0" in row["best"]["recipe"]["note"]
    assert check_row(row, ROOT, _ok) == ([], [])


def test_tampered_lower_bound_claim_fails(perm7):
    row = copy.deepcopy(perm7)
    row["lower_bound"]["claim"]["certificate"]["outputs"] = [1, 0, 2, 3, 4]
    fails, _ = check_row(row, ROOT, _ok)
    assert any("certificate.outputs" in f for f in fails)
    row = copy.deepcopy(perm7)
    row["lower_bound"]["n"] = row["lower_bound"]["claim"]["n"] = 4
    row["ratio"] = {"exact": "7/4", "decimal": "1.75"}
    fails, _ = check_row(row, ROOT, _ok)
    assert any("exceeds the sub-question's certified value" in f for f in fails)
    row = copy.deepcopy(perm7)
    row["ratio"] = {"exact": "7/4", "decimal": "1.75"}
    assert any(f.startswith("ratio") for f in check_row(row, ROOT, _ok)[0])


def test_counting_source_must_be_counting(perm7):
    row = copy.deepcopy(perm7)
    row["lower_bound"].update(n=3, source="counting", certificate=None, claim=None)
    fails, _ = check_row(row, ROOT, _ok)
    assert any("source counting" in f for f in fails)


def test_rows_are_checked_against_the_registry(tmp_path, perm7):
    # a counting-only perm(8) row sits below the registry's perm(5) minimum (3):
    # the restriction consistency rule refuses the pair
    low = make_row(permutation_family(8), "indicator", {}, 0, T1, sample=2)
    assert low["lower_bound"]["n"] < 3
    write_rows(tmp_path / "rows", [perm7, low])
    rep = verify_rows(tmp_path / "rows", root=ROOT, verified=_ok)
    assert rep.status == "FAIL"
    assert any("permutations(m=8,m'=8,s=1): lower bound" in f and "restriction" in f
               for f in rep.failures), rep.failures
    write_rows(tmp_path / "dup", [perm7, perm7])
    rep = verify_rows(tmp_path / "dup", root=ROOT, verified=_ok)
    assert any("the same question as row 0" in f for c in rep.children for f in c.failures)


def test_empty_or_foreign_rows_fail_closed(tmp_path):
    write_rows(tmp_path / "e", [])
    assert verify_rows(tmp_path / "e", root=ROOT, verified=_ok).status == "FAIL"
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "rows.json").write_text(json.dumps({"format": "other"}))
    assert verify_rows(tmp_path / "x", root=ROOT, verified=_ok).status == "FAIL"


def test_band_hook_shows_the_recipe_label(tmp_path, perm7):
    write_rows(tmp_path / "search" / "midrange-families", [perm7])
    bands = band_rows(band_entries(tmp_path))
    (label, rows), = bands.items()
    assert label.startswith("permutations superposed/relu") and rows[0]["best"] == 7
    md = "\n".join(band_markdown(bands, {}))
    assert "7 (construction: code certificate + argument; 6 of 5040 members checked" in md


def test_cli_bad_input_is_one_line():
    r = subprocess.run([sys.executable, "-m", "superpos_formal", "family-rows", "--family",
                        "permutations", "--m-out", "7", "--recipe", "family", "--params",
                        "n"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("superpos: error:") \
        and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_cli_writes_checked_rows_and_refuses_a_registry_question(tmp_path, capsys):
    from superpos_formal.cli import main
    args = ["family-rows", "--family", "permutations", "--recipe", "indicator",
            "--lower-from", PERM5, "--rows", str(tmp_path / "r"), "--root", str(ROOT),
            "--sample", "3"]
    assert main(args + ["--m-out", "7..8"]) == 0
    rows = json.loads((tmp_path / "r" / "rows.json").read_text())["rows"]
    assert [r["family"]["m_out"] for r in rows] == [7, 8]
    assert all(check_row(r, ROOT, _ok) == ([], []) for r in rows)
    # permutations(5) at these bounds is a registry row (its certified minimum)
    assert main(args + ["--m-out", "5"]) == 2
    assert "best-known registry row" in capsys.readouterr().err


def test_band_says_recipe_rows_are_not_reverified_by_the_report(tmp_path, perm7):
    write_rows(tmp_path / "search" / "midrange-families", [perm7])
    md = "\n".join(band_markdown(band_rows(band_entries(tmp_path)), {}))
    assert "not re-verified by this report" in md
    assert "not re-verified by this report" not in "\n".join(band_markdown({}, {}))
