"""The fit code on synthetic data with known constants, and `superpos
report --quick` writing every promised file."""

import json
import math
import random

import pytest

from superpos_formal.cli import main
from superpos_formal.errors import InputError
from superpos_formal.fit import FORMS, fit_constant, ratio_range


@pytest.mark.parametrize("form", sorted(FORMS))
def test_fit_recovers_a_known_constant(form):
    f = FORMS[form]
    xs = [3, 10, 30, 100, 300, 1000]
    fit = fit_constant(xs, [1.75 * f(x) for x in xs], f, form)
    assert fit.c == pytest.approx(1.75, rel=1e-12)
    assert max(abs(r) for r in fit.residuals) < 1e-12 and fit.form == form


def test_fit_with_symmetric_noise():
    """Multiplicative noise exp(+-0.1) in alternating signs over an even number
    of points cancels in log space: c is exact, every residual is +-0.1."""
    f = FORMS["sqrt(m') log m'"]
    xs = [4, 8, 16, 32, 64, 128]
    ys = [3.0 * f(x) * math.exp(0.1 if k % 2 else -0.1) for k, x in enumerate(xs)]
    fit = fit_constant(xs, ys, f)
    assert fit.c == pytest.approx(3.0, rel=1e-12)
    assert all(abs(abs(r) - 0.1) < 1e-12 for r in fit.residuals)
    assert fit.rms == pytest.approx(0.1, rel=1e-9)
    lo, hi = ratio_range(xs, ys, f)
    assert lo == pytest.approx(3.0 * math.exp(-0.1)) and hi == pytest.approx(3.0 * math.exp(0.1))


def test_fit_rejects_bad_points():
    with pytest.raises(InputError):
        fit_constant([], [], FORMS["log m'"])
    with pytest.raises(InputError):
        fit_constant([1], [3], FORMS["log m'"])
    with pytest.raises(InputError):
        fit_constant([4], [0], FORMS["log m'"])


def test_report_quick_writes_every_file(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "-o", str(out), "--quick"]) == 0
    printed = set(capsys.readouterr().out.split())
    want = ["report.md", "report.json", "certified.tex"]
    for fam in ("permutations", "pair-sets", "uand"):
        for q in ("neurons", "params"):
            want += [f"{q}_{fam}.png", f"{q}_{fam}.pdf"]
    for name in want:
        p = out / name
        assert p.exists() and p.stat().st_size > 0, name
        assert str(p) in printed
    pngs = list((out / "networks").glob("*.png"))
    assert {p.stem for p in pngs} >= {"explicit", "superposed-trivial", "stars", "hmvc",
                                       "channels"}
    md = (out / "report.md").read_text()
    assert "ranges over" in md and "least squares in log space" in md
    assert "VIOLATION" not in md
    tex = (out / "certified.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex
    data = json.loads((out / "report.json").read_text())
    assert data["certified"] and data["constructions"]
    assert all(f["consistent"] for f in data["families"].values())
    # family constructions are re-checked on two more members (verdicts recorded)
    others = [c["other_members"] for c in data["constructions"] if c["other_members"]]
    assert others and all(set(o) == {"1", "2"} for o in others)
    assert "member seed 1" in md
    # shared-code family constructions: certificate holds, members checked and
    # labelled (complete family or a seeded sample named as a sample), each
    # against the family bound argument by argument
    fams = data["family_constructions"]
    assert {f["family"] for f in fams} == {"permutations", "pair-sets"}
    assert all(f["certificate"]["ok"] and f["checked"]["all_correct"] for f in fams)
    assert any(f["checked"]["complete"] for f in fams)
    sampled = [f for f in fams if not f["checked"]["complete"]]
    assert sampled and all("sample" in f["checked"]["label"] and "seed" in f["checked"]
                           for f in sampled)
    for f in sampled:
        assert f["checked"]["label"] in md
    assert all(f["n"] >= max(f["n_lb_family_by_argument"].values()) for f in fams)
    assert any(f["n"] < f["m_out"] for f in fams)          # in superposition
    for fam in ("permutations", "pair-sets"):
        per = data["families"][fam]["family_constructions_vs_bound"]
        assert set(per) == {"weights", "separation", "readout"}
        assert all(a == b > 0 for a, b in per.values())
    assert "## Family constructions: one shared code for every member" in md
    assert "a sample, not the family" in md
    # every certified cell carries the sha256 of its SAT bundle manifest
    assert all(len(c["sha256_sat_manifest"]) == 64 for c in data["certified"])
    assert all(c["sha256_sat_manifest"][:16] in tex for c in data["certified"])
    # the best-known registry is rendered, every row with its bundle's manifest hash
    bk = data["best_known"]
    assert len(bk) >= 30 and all(r["sha256"] and len(r["sha256"]) == 64 for r in bk)
    assert "## Best known networks" in md
    certified = [r for r in bk if r["minimality"] == "CERTIFIED"]
    assert certified and all(r["n"] == r["certified_minimum"] for r in certified)


def test_report_bad_output(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["report", "-o", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: ")


def _entry(n, lb=None, cm=None):
    return {"subject": "uand(m=6)", "question": "instance", "bounds": {},
            "start": {"name": "baseline", "hidden_neurons": 15},
            "best": {"hidden_neurons": n, "bundle": "nowhere"},
            "lower_bound": None if lb is None else {"n": lb},
            "certified_minimum": None if cm is None else {"n": cm}}


def test_best_known_below_a_bound_is_a_soundness_error():
    from superpos_formal.errors import SoundnessError
    from superpos_formal.report import best_known_rows
    assert best_known_rows([_entry(5, lb=5, cm=5)], ".")[0]["n"] == 5
    with pytest.raises(SoundnessError, match="explicit lower bound 6"):
        best_known_rows([_entry(5, lb=6)], ".")
    with pytest.raises(SoundnessError, match="certified minimum 6"):
        best_known_rows([_entry(5, lb=1, cm=6)], ".")


# -- where the report reads certified results from (issue 21) ---------------

import shutil
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_report_reads_proofs_and_registry_of_the_current_directory(tmp_path, monkeypatch,
                                                                   capsys):
    """After `pip install .` the package lives in site-packages: the report
    must read proofs/ and search/best-known/ of the current directory (a
    checkout elsewhere than the source tree here), name them, and show the
    certified rows."""
    shutil.copytree(REPO / "proofs", tmp_path / "proofs")
    shutil.copytree(REPO / "search" / "best-known", tmp_path / "search" / "best-known")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "-o", "out/rep", "--quick"]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path.resolve()}/proofs/" not in err          # shown relative to the cwd
    assert "read certified minima from proofs/" in err and "search/best-known/" in err
    data = json.loads((tmp_path / "out/rep/report.json").read_text())
    assert data["inputs"] == {"proofs": ["proofs/"], "registry": "search/best-known/"}
    subjects = {c["subject"] for c in data["certified"] if c["kind"] == "minimum"}
    assert len(subjects) >= 10 and any("uand" in s for s in subjects)
    assert any(r["minimality"] == "CERTIFIED" for r in data["best_known"])
    md = (tmp_path / "out/rep/report.md").read_text()
    assert "Inputs read: certified minima from `proofs/`" in md
    assert "(no registry found)" not in md


@pytest.mark.parametrize("argv, what", [
    ([], "no proof root"),
    (["--proofs", "nowhere"], "no proof root"),
    (["--proofs", "."], "holds no claim bundle"),
])
def test_report_without_certified_inputs_is_a_clear_error(tmp_path, monkeypatch, capsys,
                                                          argv, what):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "-o", "out", "--quick"] + argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("superpos: error: report: ") and what in err[0]
    assert "--no-certified" in err[0]
    assert not (tmp_path / "out").exists()          # refused before any work


def test_report_missing_registry_is_a_clear_error(tmp_path, monkeypatch, capsys):
    shutil.copytree(REPO / "proofs" / "families-long", tmp_path / "proofs" / "families-long")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "-o", "out", "--quick"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no best-known registry" in err[0]


def test_report_budget_cuts_with_exit_124(tmp_path, capsys):
    t0 = time.time()
    rc = main(["report", "-o", str(tmp_path / "r"), "--no-certified", "--budget", "0.5"])
    assert rc == 124 and time.time() - t0 < 10
    err = capsys.readouterr().err
    assert "budget of 0.5 s reached during" in err


def test_certified_table_renders_a_row_literally():
    """The rendering half of the report on a hand-written row (no collection)."""
    from superpos_formal.reporting.render import certified_table
    row = {"campaign": "c", "subject": "uand(m=3)", "mode": "explicit", "activation": "relu",
           "L": 1, "B": 2, "B_bias": 1, "B_code": None, "s": 2, "n": 3, "n_lb": 2,
           "kind": "minimum", "sha256_sat_manifest": "ab", "sha256_unsat_manifest": None}
    upper = dict(row, kind="sat-only", n=4, sha256_unsat_manifest="cd")
    assert certified_table([row, upper]).splitlines()[2:] == [
        "| c | uand(m=3) | explicit/relu L=1 B=2 B_bias=1 B_code=None s=2 | 3 | 2 | `ab` | - |",
        "| c | uand(m=3) | explicit/relu L=1 B=2 B_bias=1 B_code=None s=2 | <= 4 | 2 | `ab` "
        "| `cd` |"]


def test_best_known_section_without_a_registry_says_so():
    from superpos_formal.reporting.render import best_known_section
    assert best_known_section([])[-1].splitlines()[-1].startswith("| (no registry found) |")
