"""The band (band.py): rows per family from the registry and the certified
minima, the plot, the report section.

Expected values are written here by hand: the committed minima of explicit
universal AND, step, B = 2 (2, 3, 4 neurons at m = 3, 4, 5: their
minimum.json files) and hand-made registry rows.
"""

import json
from pathlib import Path

from superpos_formal.band import band_markdown, band_rows, minimum_rows, write_band
from superpos_formal.tasks import uand

REPO = Path(__file__).resolve().parent.parent
STEP_B2 = {"mode": "explicit", "activation": "step", "L": 1, "B": 2, "B_bias": 2, "theta": 1}
LABEL = "uand explicit/step L=1 B=2 B_bias=2 theta=1"


def _entry(m, lower, source, best, ratio, decimal, sample=False):
    return {"question": "instance", "subject": uand(m).name, "task": uand(m).to_dict(),
            "bounds": dict(STEP_B2), "sample": sample,
            "lower_bound": {"n": lower, "source": source, "certificate": None,
                            "counting": 1},
            "best": {"hidden_neurons": best, "bundle": f"proofs/best-known/u{m}"},
            "ratio": {"exact": ratio, "decimal": decimal}}


def test_rows_per_family_sorted_by_outputs():
    rows = band_rows([_entry(9, 4, "restriction", 6, "3/2", "1.50"),
                      _entry(8, 4, "restriction", 6, "3/2", "1.50")])
    assert list(rows) == [LABEL]
    assert [(r["m"], r["m_out"], r["lower"], r["best"], r["ratio"]) for r in rows[LABEL]] == [
        (8, 28, 4, 6, "3/2"), (9, 36, 4, 6, "3/2")]


def test_certified_minima_join_their_family():
    mins = minimum_rows(REPO / "proofs", {LABEL})
    got = [(r["m"], r["lower"], r["best"], r["ratio"]) for r in mins[LABEL]]
    assert got == [(3, 2, 2, "1/1"), (4, 3, 3, "1/1"), (5, 4, 4, "1/1"), (6, 5, 5, "1/1"),
                   (7, 5, 5, "1/1")]
    assert [r["source"] for r in mins[LABEL]][:3] == ["certified minimum"] * 3
    # uand(6) and uand(7)'s refutations are regenerable records (issue 24): labelled
    assert [r["source"] for r in mins[LABEL]][3:] == [
        "certified minimum; regenerable proof: re-checked by `superpos verify "
        "--regenerate-proofs`, not by CI"] * 2


def test_markdown_states_the_ratio():
    md = "\n".join(band_markdown(band_rows([_entry(10, 4, "restriction", 7, "7/4", "1.75")]),
                                 {}))
    assert "| 10 | 45 | 4 | restriction | 7 | 7/4 = 1.75 |" in md


def test_write_band_plots_and_reports(tmp_path):
    reg = tmp_path / "repo" / "search" / "best-known"
    reg.mkdir(parents=True)
    entries = [dict(_entry(m, 4, "restriction", b, r, d), format="superpos-formal/best-known")
               for m, b, r, d in ((8, 6, "3/2", "1.50"), (10, 7, "7/4", "1.75"))]
    (reg / "registry.json").write_text(json.dumps(
        {"format": "superpos-formal/best-known-registry", "version": 1, "entries": entries}))
    written = []
    md = write_band(tmp_path / "out", reg, written)
    assert sorted(p.suffix for p in written) == [".pdf", ".png"]
    assert all(p.stat().st_size > 1000 for p in written)
    text = "\n".join(md)
    assert "7/4 = 1.75" in text and f"### {LABEL}" in text
    assert write_band(tmp_path / "out2", None, []) == []


def test_samples_are_not_in_the_band():
    assert band_rows([_entry(8, 4, "restriction", 6, "3/2", "1.50", sample=True)]) == {}


def test_committed_registry_band():
    """Every committed explicit uand row from m = 6 has a certified lower
    bound above counting's 1 (a restriction claim), and its ratio is the
    exact best / lower."""
    from fractions import Fraction
    from superpos_formal.certify.best_known import load_registry
    bands = band_rows(load_registry(REPO / "search" / "best-known"))
    for act in ("step", "relu"):
        rows = bands[LABEL.replace("step", act)]
        assert [r["m"] for r in rows] == sorted(r["m"] for r in rows)
        assert rows and all(r["m"] >= 6 for r in rows)
        for r in rows:
            # a restriction claim, or (step m = 6) the certified minimum; the
            # regenerable refutations (uand(6) step at n = 4, uand(6) relu at
            # n = 3 by cubes) are labelled wherever they are used; the relu
            # m = 6 row itself still rests on the committed uand(4) minimum
            base, _, label = r["source"].partition("; ")
            assert base in ("restriction", "certified minimum") and r["lower"] >= 3
            assert label in ("", "regenerable proof: re-checked by `superpos verify "
                                 "--regenerate-proofs`, not by CI")
            assert bool(label) == (act == "step" or r["m"] >= 7)
            assert Fraction(r["ratio"]) == Fraction(r["best"], r["lower"])
