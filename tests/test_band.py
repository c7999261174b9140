"""The band (band.py): rows per family from the registry and the certified
minima, the plot, the report section.

Expected values are written here by hand: the committed minima of explicit
universal AND, step, B = 2 (2, 3, 4 neurons at m = 3, 4, 5: their
minimum.json files) and hand-made registry rows.
"""

import json
from pathlib import Path

from superpos_formal.band import (band_markdown, band_rows, family_label, minimum_rows,
                                  write_band)
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
            # a restriction claim, or (m = 6 both, step m = 7) the certified
            # minimum; every one rests on a regenerable refutation (uand(6)
            # step at n = 4, uand(7) step at n = 4, uand(6) relu at n = 3 by
            # cubes), labelled wherever it is used
            base, _, label = r["source"].partition("; ")
            assert base in ("restriction", "certified minimum") and r["lower"] >= 4
            assert label == ("regenerable proof: re-checked by `superpos verify "
                             "--regenerate-proofs`, not by CI")
            assert Fraction(r["ratio"]) == Fraction(r["best"], r["lower"])
    relu6 = bands[LABEL.replace("step", "relu")][0]
    assert (relu6["m"], relu6["lower"], relu6["best"], relu6["certificate"]) == (
        6, 4, 4, "proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1")


def _certificates():
    """Every minimum directory and lone UNSAT bundle under proofs/ (the
    registry's networks left out) as ``(subject, shape, value, path)``: read
    here without the band's or the registry's code (the committed bundles
    are verified by tests/test_committed_proofs.py)."""
    from superpos_formal.certify.lower_bound import sub_question
    from superpos_formal.cli.midrange import question_shape
    out = []
    for f in sorted((REPO / "proofs").rglob("*.json")):
        d = f.parent
        if "best-known" in d.parts or f.name not in ("minimum.json", "claim.json"):
            continue
        if f.name == "claim.json" and ((d.parent / "minimum.json").exists() or json.loads(
                f.read_text()).get("answer") != "UNSAT"):
            continue
        try:
            subj, shape, value, _ = sub_question(d)
        except Exception:  # a question no restriction rule covers, or restricted
            continue
        out.append((subj, question_shape(shape), value, d.relative_to(REPO).as_posix()))
    return out


def test_band_lower_bounds_are_the_largest_certificate():
    """Issue 24: for every committed uand row, m = 6..16, the band's lower
    bound is the largest of counting and what ``superpos lower-bound`` lists
    for it (:func:`~superpos_formal.cli.midrange.lower_bound_rows`: every
    certified minimum or refutation under proofs/ that restricts to it, the
    question's own included), and the certificate it names gives exactly
    that value."""
    from superpos_formal.certify.best_known import load_registry
    from superpos_formal.cli.midrange import lower_bound_rows
    certs = _certificates()
    value = {p: v for _, _, v, p in certs}
    entries = [e for e in load_registry(REPO / "search" / "best-known")
               if e["subject"].startswith("uand(") and 6 <= e["task"]["m"] <= 16]
    assert len(entries) >= 30
    bands = band_rows(entries)
    for e in entries:
        b = e["bounds"]
        shape = dict(b, codes="identity" if b["mode"] == "explicit" else "free",
                     tolerance=0, B_code=b.get("B_code", max(b["B"], 1)))
        (listed,) = lower_bound_rows([("instance", e["task"], shape)], certs)
        best = listed["lower_bound"]
        want = max(e["lower_bound"]["counting"] or 1, best["n"] if best else 0)
        (row,) = [r for r in bands[family_label(e)] if r["m"] == e["task"]["m"]]
        assert row["lower"] == want, (e["subject"], b, row, best)
        cert = row["certificate"]
        if cert and cert.endswith(".json"):  # a restriction claim names its bundle
            claim = json.loads((REPO / cert).read_text())
            assert claim["n"] == want == value[claim["certificate"]["bundle"]]
        elif cert:
            assert value[cert] == want

