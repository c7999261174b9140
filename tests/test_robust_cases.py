"""A fast subset of ``benchmarks/robustness.py`` (issue 22), run as tests.

Each case is one ``superpos`` command in a subprocess (own session, stdin
closed, wall timeout, memory watched) that must end in a clean
``superpos: error:`` (or its expected exit) with no traceback, no hang, no
SOUNDNESS ERROR, no orphan process and, where the case says so, the store
unchanged. The whole list (Dask clusters, budgets of seconds) takes a few
minutes: ``python benchmarks/robustness.py``, or the same cases as tests
with ``SUPERPOS_ROBUST_ALL=1``.
"""

import os

import pytest
from conftest import search_script

R = search_script("robustness", folder="benchmarks")

#: one or two of each kind, all well under a few seconds each
FAST = [
    "store-record-not-json/table", "store-record-no-table/run",
    "store-record-best-counts-list/table", "store-record-subject-null/run",
    "table-o-directory", "run-results-unwritable",
    "import-invalid-utf8", "import-int-too-large", "import-all-or-nothing",
    "import-no-minimum", "import-decided-wins-over-open",
    "run-memory-limit-nan", "improve-budget-1e308",
    "run-scheduler-tcp://HOST:PORT", "run-scheduler-ssh-banner",
    "improve-from-stars:t=3,k_in=2", "improve-from-explicit:x=1",
    "improve-registry-a-file", "improve-start-dev-zero",
    "cubes-o-regular-file-overwrite", "cubes-work-tampered-garbage-gzip",
    "cubes-work-tampered-list",
    "store-one-byte-file", "store-fifo/table", "campaign-duplicate-after-normalisation",
    "campaign-file-/dev/zero", "network-fifo",
]
CASES = {c.name: c for c in R.cases()}


def test_the_fast_subset_names_real_cases():
    assert set(FAST) <= set(CASES), sorted(set(FAST) - set(CASES))


@pytest.mark.parametrize("name", FAST)
def test_robustness_case(name):
    case = CASES[name]
    case.timeout = min(case.timeout, 45)
    r = R.run_case(case)
    assert r["class"] == "clean" and r["orphans"] == 0, r


#: every other case of the script, as tests too; a few minutes (Dask
#: clusters, budgets of seconds), so only when asked:
#: SUPERPOS_ROBUST_ALL=1 python -m pytest tests/test_robust_cases.py
ALL = os.environ.get("SUPERPOS_ROBUST_ALL") == "1"


@pytest.mark.skipif(not ALL, reason="the whole list: set SUPERPOS_ROBUST_ALL=1")
@pytest.mark.parametrize("name", [n for n in CASES if n not in FAST])
def test_robustness_case_all(name):
    r = R.run_case(CASES[name])
    assert r["class"] == "clean" and r["orphans"] == 0, r
