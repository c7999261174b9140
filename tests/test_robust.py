"""Limits that hold for the whole command (issue 9): tiny limits, huge m,
huge families, huge B, budgets, memory caps, bad flags.

Commands that must *return* within a bound run as a real CLI in a
subprocess, through a small wrapper that reports the wall time and the peak
resident memory of the command and everything it started
(``resource.getrusage(RUSAGE_CHILDREN)``). The stated overhead of a budget
is :data:`OVERHEAD` seconds (interpreter start and imports, ~2.5 s on an
idle machine, plus the 2 s SIGALRM grace, plus load on a shared machine).
"""

import json
import os
import subprocess
import sys
import time

import pytest

from superpos_formal import tasks as T
from superpos_formal.budget import Budget, BudgetExceeded
from superpos_formal.cli import main
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.schema import write_json
from superpos_formal.shape import Shape
from superpos_formal.solve import search
from superpos_formal.solve.runner import Child, run, solve_cnf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: seconds a budgeted command may run past its budget (see module docstring)
OVERHEAD = 12.0
#: peak resident memory any of these commands may reach, bytes
MAX_RSS = 1_500_000_000

_WRAP = ("import json, resource, subprocess, sys, time\n"
         "t = time.monotonic()\n"
         "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
         "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr,\n"
         "  'seconds': time.monotonic() - t,\n"
         "  'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))\n")


def cli(*args, timeout=120):
    """Run ``superpos ARGS`` in a subprocess: rc, stdout, stderr, seconds, peak RSS."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", _WRAP, sys.executable, "-m",
                        "superpos_formal", *map(str, args)],
                       capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    return json.loads(p.stdout)


def one_error_line(err):
    """The single ``superpos: error:`` line of ``err`` (progress lines such as
    a banner may precede it; no traceback anywhere)."""
    lines = [ln for ln in err.splitlines() if ln.startswith("superpos: error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0]


def run_main(capsys, *args):
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


# ------------------------------------------------------------------ flags

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "0", "-5", "abc"])
@pytest.mark.parametrize("flag", ["--time-limit", "--budget"])
def test_time_flags_are_finite_and_positive(capsys, flag, value):
    with pytest.raises(SystemExit) as e:
        main(["decide", "--task", "uand", "--m", "3", flag, value])
    assert e.value.code == 2
    line = one_error_line(capsys.readouterr().err)
    assert flag in line


def test_count_and_capacity_reject_bad_time_limits(capsys):
    for cmd in (["count", "--m", "2", "--m-out", "1", "--s", "2"],
                ["capacity", "--family", "permutations", "--n", "2"]):
        rc, _, err = run_main(capsys, *cmd, "--time-limit", "nan")
        assert rc == 2 and "finite" in one_error_line(err)


def test_unknown_solver_lists_pysat_solvers(capsys):
    with pytest.raises(SystemExit):
        main(["decide", "--task", "uand", "--m", "3", "--solver", "nosuchsolver"])
    line = one_error_line(capsys.readouterr().err)
    assert "nosuchsolver" in line and "cadical195" in line and "glucose4" in line


def test_out_naming_an_existing_file_fails_before_solving(tmp_path, capsys):
    f = tmp_path / "taken"
    f.write_text("keep me")
    with pytest.raises(SystemExit) as e:
        main(["decide", "--task", "uand", "--m", "3", "-o", str(f)])
    assert e.value.code == 2
    assert "not a directory" in one_error_line(capsys.readouterr().err)
    assert f.read_text() == "keep me"


def test_bounded_ints(capsys):
    for flag, bad in (("--B", "100000"), ("--n", "0"), ("--L", "3"), ("--tolerance", "-1")):
        with pytest.raises(SystemExit):
            main(["decide", "--task", "uand", "--m", "3", flag, bad])
        assert flag in one_error_line(capsys.readouterr().err)


# ------------------------------------------------------------------ sizes

def test_huge_m_task_refused_before_allocation():
    r = cli("task", "uand", "--m", 300, timeout=60)
    assert r["rc"] == 2
    line = one_error_line(r["err"])
    assert "45151 inputs" in line and "GB" in line and "limit" in line
    assert r["seconds"] < 15 and r["rss"] < 400_000_000


def test_huge_m_task_file_to_check_refused(tmp_path):
    net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    write_json(net, tmp_path / "net.json")
    (tmp_path / "task.json").write_text(json.dumps(
        {"format": "superpos-formal/task", "kind": "identity", "m": 100000, "s": 1}))
    r = cli("check", tmp_path / "net.json", tmp_path / "task.json", timeout=60)
    assert r["rc"] == 2 and "exceeds the limit" in one_error_line(r["err"])
    assert r["seconds"] < 15 and r["rss"] < 400_000_000


def test_check_table_size_boundary():
    # X(m, s=1) has m + 1 inputs; identity has m' = m: (m+1) * 2m entries
    T.check_table_size(3000, 3000, 1)          # 3001 * 6000 = 1.8e7: fits
    with pytest.raises(InputError, match="exceeds the limit"):
        T.check_table_size(3200, 3200, 1)      # 3201 * 6400 = 2.05e7


def test_huge_B_refused_with_estimate():
    r = cli("decide", "--task", "uand", "--m", 4, "--n", 2, "--B", 1000, timeout=60)
    assert r["rc"] == 2
    line = one_error_line(r["err"])
    assert "clauses" in line and "GB" in line
    assert r["seconds"] < 15


def test_large_B_hits_the_memory_cap_as_unknown():
    r = cli("decide", "--task", "uand", "--m", 4, "--n", 2, "--B", 20,
            "--memory-limit", 300, "--budget", 60, timeout=120)
    assert r["rc"] == 0, r["err"]
    assert "UNKNOWN(memory)" in r["out"] and "300 MB" in r["out"]
    assert r["rss"] < 600_000_000


def test_memory_cap_in_the_runner():
    def hog():
        return len([bytearray(2 ** 20) for _ in range(4000)])
    out = run(hog, memory_mb=300)
    assert not out.done and out.limit == "memory" and "300 MB" in out.reason


# ------------------------------------------------------------------ families

def test_huge_family_refused_up_front():
    r = cli("min-neurons", "--family", "permutations", "--m", 11, "--mode", "superposed",
            "--codes", "free", "--time-limit", 5, timeout=60)
    assert r["rc"] == 2
    line = one_error_line(r["err"])
    assert "39916800 members" in line and str(T.MAX_FAMILY_MEMBERS) in line
    assert r["seconds"] < 15 and r["rss"] < 400_000_000


def test_capacity_huge_family_refused_before_any_solve():
    r = cli("capacity", "--family", "permutations", "--n", 3, "--m-out-max", 11,
            "--time-limit", 5, timeout=60)
    assert r["rc"] == 2
    assert "362880 members" in one_error_line(r["err"])
    assert "status" not in r["out"]  # no table: nothing was solved
    assert r["seconds"] < 20


def test_member_unranking_matches_enumeration():
    for fam in (T.permutation_family(4), T.pair_set_family(5, 3), T.pair_set_family(4, 2, op="xor")):
        assert [fam.member(i) for i in range(fam.size)] == list(fam.members())


def test_sample_of_a_huge_family_is_cheap():
    t0 = time.perf_counter()
    s = T.sample_family(T.permutation_family(11), 3, seed=1)
    assert time.perf_counter() - t0 < 5
    assert s.size == 3 and s.is_sample
    pis = [t.to_dict()["pi"] for t in s.members()]
    assert all(sorted(p) == list(range(11)) for p in pis) and len({tuple(p) for p in pis}) == 3


def test_family_enumeration_honours_the_budget():
    fam = T.permutation_family(8)
    with Budget(0.05) as b:
        time.sleep(0.1)
        with pytest.raises(BudgetExceeded, match="family enumeration"):
            list(fam.members())
    assert b.hit == "family enumeration"


# ------------------------------------------------------------------ budgets

def test_tiny_time_limit_is_unknown():
    r = cli("decide", "--task", "uand", "--m", 5, "--n", 3, "--time-limit", 0.01, timeout=60)
    assert r["rc"] == 0 and "UNKNOWN" in r["out"] and "time limit" in r["out"]


def test_min_bits_huge_B_max_within_budget():
    r = cli("min-bits", "--task", "uand", "--m", 4, "--n", 2, "--B-max", 1000,
            "--budget", 6, timeout=60)
    assert r["rc"] == 0, r["err"]
    assert r["seconds"] < 6 + OVERHEAD
    assert "budget of 6 s reached during" in r["err"]
    assert r["rss"] < MAX_RSS


def test_decide_budget_bounds_solve():
    r = cli("decide", "--task", "uand", "--m", 6, "--activation", "step", "--n", 4,
            "--time-limit", 100, "--budget", 5, timeout=60)
    assert r["rc"] == 0
    assert r["seconds"] < 5 + OVERHEAD
    assert "UNKNOWN(budget)" in r["out"]
    assert "budget of 5 s reached during solving" in r["err"]


def test_budget_cut_proof_check_is_unchecked(monkeypatch):
    # the check (run in a child) is made slow; the budget cuts it: the UNSAT
    # must come back unchecked, never checked
    def slow_check(*a, **k):
        time.sleep(60)
    from superpos_formal.certify import drat
    monkeypatch.setattr(drat, "check_drat", slow_check)
    task = T.uand(3)
    t0 = time.monotonic()
    with Budget(4) as b:
        cell = search.decide(task, Shape("explicit", "step", n=1, B=1))
    assert time.monotonic() - t0 < 4 + 3
    assert cell.status == "UNSAT" and not cell.certified
    assert "budget" in cell.check_note and b.hit == "proof checking"
    assert search.proof_label(cell) == "unchecked"


def test_runner_budget_before_start_does_not_fork():
    with Budget(0.01):
        time.sleep(0.05)
        out = run(time.sleep, 10, part="bundling")
    assert not out.done and out.limit == "budget" and "bundling" in out.reason


def test_solve_cnf_under_budget_is_unknown():
    import random
    r = random.Random(3)
    # PHP(9, 8): hard enough for CaDiCaL to take well over a second
    P, H = 10, 9
    v = lambda p, h: p * H + h + 1
    cls = [[v(p, h) for h in range(H)] for p in range(P)]
    cls += [[-v(p, h), -v(q, h)] for h in range(H) for p in range(P) for q in range(p)]
    r.shuffle(cls)
    t0 = time.monotonic()
    with Budget(1.0) as b:
        res = solve_cnf(cls)
    assert time.monotonic() - t0 < 3
    assert res.status == "UNKNOWN" and res.limit == "budget" and b.hit == "solving"


def test_streaming_child_reports_a_child_error():
    def bad(emit):
        emit(1)
        raise ValueError("boom")
    with Child(bad, stream=True) as ch:
        assert ch.recv(10) == ("msg", 1)
        with pytest.raises(ValueError, match="boom"):
            ch.recv(10)
