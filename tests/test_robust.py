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
from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.cli import main
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.schema import write_json
from superpos_formal.shape import Shape
from superpos_formal.solve import search
from superpos_formal.solve.runner import Child, run, solve_cnf
from superpos_formal.options import SolveOptions
from superpos_formal.solve.cell import proof_label

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
    # a cap below what the process inherits: memory, not a crash
    out = run(hog, memory_mb=50)
    assert not out.done and out.limit == "memory" and "50 MB" in out.reason


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
    assert "SAT" not in r["out"] and "UNKNOWN" not in r["out"]  # no row: nothing solved
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
    from superpos_formal.certify.proofcheck import drat
    monkeypatch.setattr(drat, "check_drat", slow_check)
    task = T.uand(3)
    t0 = time.monotonic()
    with Budget(4) as b:
        cell = search.decide(task, Shape("explicit", "step", n=1, B=1), checker=check_unsat)
    assert time.monotonic() - t0 < 4 + 3
    assert cell.status == "UNSAT" and not cell.certified
    assert "budget" in cell.check_note and b.hit == "proof checking"
    assert proof_label(cell) == "unchecked"


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


# ------------------------------------------------------------------ shortcuts

def test_degenerate_code_shortcut_respects_tolerance(tmp_path):
    # the cell: E merges x0 and x1; two wrong bits are forced, and
    # tolerance 2 allows them, so the question is SAT (a verified network)
    from superpos_formal.codes import check_codes, forced_errors
    E, R = [[1, 1, 0], [0, 0, 1]], [[1, 0], [1, 0], [0, 1]]
    task = T.identity(3)
    assert forced_errors(E, task) == 2
    check_codes(E, R, task, tolerance=2)
    with pytest.raises(InputError, match="at least 2 output bits wrong"):
        check_codes(E, R, task, tolerance=1)
    cell = search.decide(task, Shape("superposed", "relu", n=2, codes="given", E=E, R=R,
                                     tolerance=2, B=1))
    assert cell.status == "SAT" and cell.network is not None
    (tmp_path / "C.json").write_text(json.dumps({"E": E, "R": R}))
    r = cli("decide", "--task", "identity", "--m", 3, "--n", 2, "--mode", "superposed",
            "--codes", "given", "--codes-file", tmp_path / "C.json", "--tolerance", 2)
    assert r["rc"] == 0 and "SAT" in r["out"], r["err"]


def _brute_forced_errors(E, task):
    # min over every output function that is constant on inputs sharing a
    # code (all a network can do) of its wrong bits: enumerated outright
    import itertools
    X = list(task.inputs)
    keys = sorted({tuple(sum(e * v for e, v in zip(row, x)) for row in E) for x in X})
    best = None
    for vals in itertools.product(itertools.product((0, 1), repeat=task.m_out),
                                  repeat=len(keys)):
        g = dict(zip(keys, vals))
        wrong = sum(a != b for x in X
                    for a, b in zip(g[tuple(sum(e * v for e, v in zip(row, x))
                                            for row in E)], task(x)))
        best = wrong if best is None else min(best, wrong)
    return best


def test_forced_errors_is_exact_on_random_codes():
    import random
    from superpos_formal.codes import forced_errors
    rng = random.Random(7)
    for _ in range(40):
        m = rng.choice((2, 3))
        E = [[rng.choice((0, 1)) for _ in range(m)] for _ in range(rng.choice((1, 2)))]
        task = T.table(m, 1, outputs=[[rng.choice((0, 1)) for _ in range(2)]
                                      for _ in range(m + 1)])
        assert forced_errors(E, task) == _brute_forced_errors(E, task)


def test_refusing_shortcuts_agree_with_the_solver_on_random_cells():
    # whatever check_codes refuses must be UNSAT for the solver (at every
    # bound; tried at B = 2); and the refusals and the passes both occur
    import random
    from superpos_formal.codes import check_codes
    rng = random.Random(11)
    refused = passed = 0
    for i in range(14):
        # half with random input codes, half with one that separates X(3, 1)
        # (so that the readout shortcut is the one tried)
        E = ([[rng.choice((0, 1)) for _ in range(3)] for _ in range(2)] if i % 2
             else [[1, 0, 1], [0, 1, 1]])
        R = [[rng.choice((-1, 0, 1)) for _ in range(2)] for _ in range(3)]
        task = rng.choice((T.identity(3), T.permutation(3, [2, 0, 1])))
        tol = rng.choice((0, 1, 2))
        try:
            check_codes(E, R, task, tolerance=tol)
            passed += 1
            continue
        except InputError:
            refused += 1
        try:
            sh = Shape("superposed", "relu", n=2, B=2, codes="given", E=E, R=R,
                       tolerance=tol)
        except InputError:
            continue
        cell = search.decide(task, sh, SolveOptions(time_limit=60), checker=False)
        assert cell.status == "UNSAT", (E, R, task.name, tol)
    assert refused and passed


# ------------------------------------------------------------------ campaigns

def _camp(tmp_path, cells, name="tiny", **extra):
    d = dict({"format": "superpos-formal/campaign", "version": 1, "name": name,
              "time_limit": 30, "cells": cells}, **extra)
    p = tmp_path / "c.json"
    p.write_text(json.dumps(d))
    return p


CELL_1 = {"task": {"kind": "uand", "m": 2}, "shape": {"mode": "explicit",
                                                     "activation": "step", "B": 1},
          "n_max": 2}
CELL_2 = {"task": {"kind": "uand", "m": 3}, "shape": {"mode": "explicit",
                                                     "activation": "step", "B": 1},
          "n_max": 3}


@pytest.mark.parametrize("mutate, words", [
    (lambda c: c["cells"][0].update(shape=[1]), "cells[0].shape: expected an object"),
    (lambda c: c["cells"][0].update(task="uand"), "cells[0].task: expected an object"),
    (lambda c: c.update(time_limit="600"), "time_limit: '600'"),
    (lambda c: c["cells"][0].update(n_max="8"), "cells[0].n_max: '8'"),
    (lambda c: c.update(name="../../x"), "name: '../../x'"),
    (lambda c: c.update(name="a/b"), "name: 'a/b'"),
    (lambda c: c["cells"].append(dict(CELL_1)), "the same cell as cells[0]"),
])
def test_campaign_files_validated(tmp_path, mutate, words):
    from superpos_formal.campaign import load_campaign
    d = {"format": "superpos-formal/campaign", "version": 1, "name": "tiny",
         "time_limit": 30, "cells": [json.loads(json.dumps(CELL_1))]}
    mutate(d)
    p = tmp_path / "c.json"
    p.write_text(json.dumps(d))
    with pytest.raises(InputError, match=__import__("re").escape(words)):
        load_campaign(p)


def test_campaign_name_cannot_escape_results(tmp_path, capsys):
    p = _camp(tmp_path, [CELL_1], name="../../escaped")
    (tmp_path / "res").mkdir()
    rc, _, err = run_main(capsys, "campaign", "run", p, "--results", tmp_path / "res",
                          "--quiet")
    assert rc == 2 and "name" in one_error_line(err)
    assert not list(tmp_path.parent.parent.glob("escaped*"))


def test_campaign_results_path_that_is_a_file(tmp_path, capsys):
    from superpos_formal.campaign import run_campaign
    p = _camp(tmp_path, [CELL_1])
    f = tmp_path / "res"
    f.write_text("not a folder")
    with pytest.raises(InputError, match="not a directory"):
        run_campaign(p, results_dir=f)
    assert f.read_text() == "not a folder"


def test_campaign_recovers_a_torn_last_line(tmp_path):
    from superpos_formal.campaign import run_campaign
    res = tmp_path / "res"
    p = _camp(tmp_path, [CELL_1])
    first = run_campaign(p, results_dir=res)
    store = res / "tiny.jsonl"
    good = store.read_text()
    assert good.endswith("\n") and len(good.splitlines()) == 1
    # a second cell whose append was cut off in the middle
    p = _camp(tmp_path, [CELL_1, CELL_2])
    store.write_text(good + '{"id": "abc", "cell": {"task": {"ki')
    notes = []
    recs = run_campaign(p, results_dir=res, progress=notes.append)
    assert any("dropped a torn last line" in n for n in notes)
    lines = store.read_text().splitlines()
    assert lines[0] == good.rstrip("\n")           # the complete record is kept as is
    assert len(lines) == 2 and all(json.loads(ln)["id"] for ln in lines)
    assert recs[0] == first[0] and recs[1]["minimum"] == 3


def test_campaign_malformed_middle_line_is_an_error(tmp_path):
    from superpos_formal.campaign import run_campaign
    res = tmp_path / "res"
    res.mkdir()
    (res / "tiny.jsonl").write_text('not json\n{"id": "x"}\n')
    with pytest.raises(InputError, match="tiny.jsonl:1: malformed record"):
        run_campaign(_camp(tmp_path, [CELL_1]), results_dir=res)
    assert (res / "tiny.jsonl").read_text() == 'not json\n{"id": "x"}\n'


# ------------------------------------------------------------------ -o / --proof

def test_proof_keeps_a_users_work_folder(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "work").mkdir(parents=True)
    (out / "work" / "notes.txt").write_text("mine")
    # uand(2): minimum n = 1, a SAT-only bundle (cheap; the work folder is
    # made and removed all the same)
    rc, stdout, err = run_main(capsys, "min-neurons", "--task", "uand", "--m", 2,
                               "--activation", "step", "--B", 1, "--proof", "-o", out)
    assert rc == 0, err
    assert "proof bundle" in stdout and "PASS" in stdout
    assert (out / "work" / "notes.txt").read_text() == "mine"
    assert not list(out.glob(".work-*"))               # its own work folder is gone
    # a second run would overwrite the bundle: refused before solving
    rc, stdout, err = run_main(capsys, "min-neurons", "--task", "uand", "--m", 2,
                               "--activation", "step", "--B", 1, "--proof", "-o", out)
    assert rc == 2 and "already exists" in one_error_line(err)
    assert "n=" not in stdout and (out / "minimum" / "minimum.json").exists()


# ------------------------------------------------------------------ files

@pytest.mark.parametrize("codes, words", [
    ({"E": [[1, 1, 0], [0, 1]], "R": [[1, 0], [1, 0], [0, 1]]}, "E: row 1 has 2 entries"),
    ({"E": [[1, "1", 0], [0, 0, 1]], "R": [[1, 0], [1, 0], [0, 1]]}, "E[0][1]: '1'"),
    ({"E": [[1, 1, 0], [0, 0, 1]], "R": [[1, 0], [1], [0, 1]]}, "R: row 1 has 1 entries"),
    ({"E": [[1, 1, 0], [0, 0, 1]]}, "R: missing"),
])
def test_codes_files_validated(tmp_path, capsys, codes, words):
    (tmp_path / "C.json").write_text(json.dumps(codes))
    rc, _, err = run_main(capsys, "decide", "--task", "identity", "--m", 3, "--n", 2,
                          "--mode", "superposed", "--codes", "given",
                          "--codes-file", tmp_path / "C.json")
    assert rc == 2 and words in one_error_line(err)


def test_deeply_nested_json_to_show(tmp_path, capsys):
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000)
    rc, _, err = run_main(capsys, "show", tmp_path / "deep.json")
    assert rc == 2 and "nested 100000 levels" in one_error_line(err)


def test_import_of_jsonl_with_a_torn_last_line(tmp_path, capsys):
    from superpos_formal.campaign import run_campaign
    res = tmp_path / "res"
    run_campaign(_camp(tmp_path, [CELL_1]), results_dir=res)
    store = res / "tiny.jsonl"
    store.write_text(store.read_text() + '{"id": "abc", "cell": {"ta')
    rc, out, err = run_main(capsys, "campaign", "import", store, "--store",
                            tmp_path / "s.sqlite")
    assert rc == 0 and "imported 1 record" in out, err
    assert "dropped a torn last line" in err and "Traceback" not in err
