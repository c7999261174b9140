"""The ``slow`` and ``proofs`` markers: registered, applied to tests that
exist, and selecting the fast subset ``-m "not slow and not proofs"``.

Both selections are collected in a subprocess the way a user runs them;
the bounds below are literals read off a collection on 2026-12-06 (not
derived from the code under test), so that marking nearly everything slow,
or losing the proof re-checks' mark, fails here.
"""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import PROOFS, SLOW, marked

ROOT = Path(__file__).resolve().parent.parent

#: at least this many tests stay in the fast subset (1690 collected in all
#: on 2026-12-06, 1266 of them in the fast subset)
FAST_AT_LEAST = 1200
#: at least this many carry a mark: the 89 bundles re-checked by
#: test_committed_proofs.py and again by test_bridge_export.py, the
#: registry and the bound scan (180), and about 245 slow tests with their
#: parameter sets (424 in all)
MARKED_AT_LEAST = 380


def _collect(expr):
    """Node ids selected by ``-m expr`` and the summary line."""
    # addopts replaced so that one -q lists node ids; --doctest-modules kept
    # from pyproject.toml so that doctests are counted as a run counts them
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                        "--collect-only", "-q", "-o", "addopts=--doctest-modules",
                        "-m", expr],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    ids = [line for line in p.stdout.splitlines() if "::" in line]
    return ids, p.stdout.strip().splitlines()[-1]


def test_markers_are_registered():
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    names = {m.split(":", 1)[0].strip() for m in ini["markers"]}
    assert {"slow", "proofs"} <= names


def test_every_marked_function_exists():
    """A renamed or deleted test must leave the lists, or its mark is lost
    silently (parameter sets are checked against a collection below)."""
    trees, missing = {}, []
    for name in sorted(PROOFS | SLOW):
        path, func = name.split("[", 1)[0].split("::", 1)
        if path not in trees:
            tree = ast.parse((ROOT / path).read_text())
            trees[path] = {n.name for n in ast.walk(tree) if isinstance(
                n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        # doctest items: ``module.py::dotted.module`` (the module's docstring)
        # or ``module.py::dotted.module.function``
        module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        if func != module and func.rsplit(".", 1)[-1] not in trees[path]:
            missing.append(name)
    assert not missing, f"names in tests/conftest.py or tests/slow_tests.txt with no test: {missing}"


def test_marked_matches_whole_functions_and_single_parameter_sets():
    names = {"t.py::f", "t.py::g[1]"}
    assert marked("t.py::f", names) and marked("t.py::f[a-b]", names)
    assert marked("t.py::g[1]", names)
    assert not marked("t.py::g[2]", names) and not marked("t.py::g", names)
    assert not marked("t.py::ff", names)


@pytest.mark.slow  # two whole collections in subprocesses: ~20 s of CPU
def test_fast_subset_deselects_the_slow_and_the_proof_rechecks():
    fast, summary = _collect("not slow and not proofs")
    assert len(fast) >= FAST_AT_LEAST, summary
    leaked = [i for i in fast if marked(i, PROOFS | SLOW)]
    assert not leaked, leaked
    assert "tests/test_committed_proofs.py::test_there_are_committed_claims" in fast
    assert "tests/test_markers.py::test_fast_subset_deselects_the_slow_and_the_proof_rechecks" \
        not in fast

    rest, summary = _collect("slow or proofs")
    assert len(rest) >= MARKED_AT_LEAST, summary
    assert not set(rest) & set(fast)
    # a module skipped whole at collection (an optional peer such as
    # OR-Tools not installed) collects nothing here; its names are still
    # checked against the source by the test above
    files = {i.split("::")[0] for i in fast + rest}
    unmatched = [n for n in sorted(PROOFS | SLOW) if n.split("::")[0] in files
                 and not any(marked(i, {n}) for i in rest)]
    assert not unmatched, f"names in tests/conftest.py that match no test: {unmatched}"
