"""The installed package, not the source tree (issue 21).

pytest imports ``superpos_formal`` from this checkout (the repository root
is on ``sys.path``), so the rest of the suite cannot see what a user gets
after ``pip install .``. Here the installed ``superpos`` command (beside
the interpreter running the tests: CI's ``.venv/bin/superpos``) is run as a
user runs it; a console script does not put the current directory on
``sys.path``, so it imports the installed copy. Skipped, with the reason,
when the package is not installed or installed editable (the copy would
be this source tree)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("superpos")


def _installed_location(tmp_path):
    if not EXE.is_file():
        return None
    # the interpreter of the console script, from a directory that holds no
    # package, imports what pip installed
    p = subprocess.run([sys.executable, "-c", "import superpos_formal; "
                        "print(superpos_formal.__file__)"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None
    loc = Path(p.stdout.strip()).resolve()
    return None if ROOT in loc.parents else loc


def test_installed_report_shows_the_checkouts_certified_results(tmp_path):
    loc = _installed_location(tmp_path)
    if loc is None:
        pytest.skip("superpos_formal is not installed non-editable beside this interpreter "
                    "(CI installs it: .ci/run)")
    out = tmp_path / "rep"
    p = subprocess.run([str(EXE), "report", "-o", str(out), "--quick"], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "read certified minima from proofs/" in p.stderr
    data = json.loads((out / "report.json").read_text())
    assert data["inputs"]["proofs"] == ["proofs/"]
    assert len([c for c in data["certified"] if c["kind"] == "minimum"]) >= 10
    assert any(r["minimality"] == "CERTIFIED" for r in data["best_known"])
    # and from a directory without proofs/, one clear line, exit 2
    p = subprocess.run([str(EXE), "report", "-o", str(tmp_path / "r2"), "--quick"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    err = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(err) == 1 and "no proof root" in err[0]


def test_installed_verify_checks_a_committed_claim(tmp_path):
    loc = _installed_location(tmp_path)
    if loc is None:
        pytest.skip("superpos_formal is not installed non-editable beside this interpreter")
    b = ROOT / "proofs" / "uand-explicit" / "uand-m3-s2-explicit-step-L1-B2-bias2-theta1"
    p = subprocess.run([str(EXE), "verify", str(b)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0 and "1/1 claims verified" in p.stdout, p.stdout + p.stderr
