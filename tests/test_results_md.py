"""docs/RESULTS.md's generated part is what search/results_md.py renders
from the committed proofs/ and best-known registry, and the renderer states
a claim as written here by hand."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import search_script

ROOT = Path(__file__).resolve().parent.parent
RM = search_script("results_md")

U3 = "uand-m3-s2-explicit-step-L1-B2-bias2-theta1"


def test_committed_results_md_is_up_to_date():
    doc = (ROOT / "docs" / "RESULTS.md").read_text()
    i, j = doc.index(RM.BEGIN), doc.index(RM.END) + len(RM.END)
    assert doc[i:j] == RM.render(ROOT), (
        "docs/RESULTS.md is out of date: run `python search/results_md.py --write`")


def test_a_minimum_and_a_registry_row_render_as_stated(tmp_path):
    shutil.copytree(ROOT / "proofs" / "uand-explicit" / U3, tmp_path / "proofs" / "demo" / U3)
    reg = tmp_path / "search" / "best-known"
    reg.mkdir(parents=True)
    (reg / "registry.json").write_text(json.dumps({"entries": [{
        "subject": "uand(m=3)", "minimality": "CERTIFIED",
        "bounds": {"mode": "explicit", "activation": "step", "L": 1, "B": 2, "B_bias": 2,
                   "theta": 1},
        "best": {"hidden_neurons": 2}, "lower_bound": {"n": 1},
        "certified_minimum": {"n": 2, "bundle": f"proofs/demo/{U3}"}}]}))
    text = RM.render(tmp_path)
    assert ("| demo | instance uand(m=3) s=2 explicit/step L=1 B=2 bias=2 theta=1 | n = 2 "
            f"| F | `proofs/demo/{U3}` |") in text.splitlines()
    assert ("| uand(m=3) | explicit/step L=1 B=2 B_bias=2 theta=1 | 2 | 1 | 2 | CERTIFIED |"
            in text.splitlines())
    assert "(1 claims)" in text and "1 rows" in text


def test_splice_refuses_a_document_without_markers():
    with pytest.raises(ValueError, match="markers"):
        RM.splice("no markers here", RM.render(ROOT))
    with pytest.raises(ValueError, match="markers"):
        RM.splice(f"{RM.END}\n{RM.BEGIN}", "x")
