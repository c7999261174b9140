"""The ``slow`` and ``proofs`` markers: registered, applied to tests that
exist, and selecting the fast subset ``-m "not slow and not proofs"``.

The fast subset is collected in a subprocess the way a user runs it; the
bounds below are literals read off a collection on 2026-12-06 (not derived
from the code under test), so that marking nearly everything slow, or
losing the proof re-checks' mark, fails here.
"""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import PROOFS, SLOW

ROOT = Path(__file__).resolve().parent.parent

#: at least this many tests stay in the fast subset (1675 collected in all
#: on 2026-12-06, 89 of them committed-bundle re-checks counted twice)
FAST_AT_LEAST = 1300
#: at least this many are deselected: 89 bundles re-checked by
#: test_committed_proofs.py and again by test_bridge_export.py, plus the
#: registry and the bound scan
DESELECTED_AT_LEAST = 180


def test_markers_are_registered():
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    names = {m.split(":", 1)[0].strip() for m in ini["markers"]}
    assert {"slow", "proofs"} <= names


@pytest.mark.parametrize("name", sorted(PROOFS | SLOW))
def test_every_marked_name_is_a_test_that_exists(name):
    """A renamed or deleted test must leave the lists, or its mark is lost
    silently."""
    path, func = name.split("::", 1)
    tree = ast.parse((ROOT / path).read_text())
    defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                          ast.ClassDef))}
    # doctest items (``module.py::module.function``) name a function too
    assert func.rsplit(".", 1)[-1] in defined, f"{name}: no such test"


@pytest.mark.slow  # a whole collection in a subprocess: ~10 s of CPU
def test_fast_subset_deselects_the_slow_and_the_proof_rechecks():
    # addopts replaced so that one -q lists node ids; --doctest-modules kept
    # from pyproject.toml so that doctests are counted as a run counts them
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                        "--collect-only", "-q", "-o", "addopts=--doctest-modules",
                        "-m", "not slow and not proofs"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    ids = [line for line in p.stdout.splitlines() if "::" in line]
    summary = p.stdout.strip().splitlines()[-1]
    assert "deselected" in summary, summary
    deselected = int(summary.split("(", 1)[1].split()[0])
    assert len(ids) >= FAST_AT_LEAST, summary
    assert deselected >= DESELECTED_AT_LEAST, summary
    kept = {i.split("[", 1)[0] for i in ids}
    assert not kept & (PROOFS | SLOW), sorted(kept & (PROOFS | SLOW))
    assert "tests/test_committed_proofs.py::test_there_are_committed_claims" in kept
