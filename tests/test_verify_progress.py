"""`superpos verify` on a slow claim (issues 21, 22): one progress row per
claim as it is checked, a per-checker time limit that skips a checker with
the reason (and never turns a proof no checker completed into PASS), an
overall --budget, and SIGTERM acting at once while drup runs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.certify.bundles.check_claim import BundleReport
from superpos_formal.cli import main

ROOT = Path(__file__).resolve().parents[1]
UAND = ROOT / "proofs" / "uand-explicit"
#: drup takes minutes on this claim's proofs (base proof of F and the main one)
SLOW = UAND / "uand-m4-s2-explicit-step-L1-B2-bias2-theta1"
FAST = [UAND / "uand-m3-s2-explicit-step-L1-B2-bias2-theta1",
        ROOT / "proofs" / "representation"
        / "identity-m2-mout2-s1-superposed-relu-L0-B1-code1-theta1"]


def test_verify_prints_a_progress_row_per_claim(capsys):
    assert main(["verify", *map(str, FAST)]) == 0
    cap = capsys.readouterr()
    rows = [l for l in cap.err.splitlines() if l.startswith("[")]
    assert [r.split()[0] for r in rows] == ["[1/2]", "[2/2]"]
    assert all(r.split()[1] == "PASS" and str(p) in r for r, p in zip(rows, FAST))
    assert "at most 900 s native, 120 s python/drup per checker run" in cap.err
    assert "2/2 claims verified" in cap.out


def test_a_checker_cut_by_its_limit_is_skipped_and_the_claim_not_passed(capsys):
    t0 = time.time()
    rc = main(["verify", str(SLOW / "n2-unsat"), "--checkers", "drup",
               "--checker-seconds", "1"])
    took = time.time() - t0
    out = capsys.readouterr().out
    assert rc == 1 and took < 60, took
    assert "PASS" not in out.replace("NOT VERIFIED", "")
    assert "NOT VERIFIED" in out and "no checker completed" in out
    assert "per-checker time limit of 1 s reached" in out
    assert "drup:cut" in out


def test_a_cut_checker_does_not_block_the_others(capsys):
    rc = main(["verify", str(SLOW / "n2-unsat"), "--checkers", "native,drup",
               "--checker-seconds", "2"])
    out = capsys.readouterr().out
    assert rc == 0 and "native:verified" in out and "drup:cut" in out
    assert "drup skipped: cut by a limit: per-checker time limit of 2 s reached" in out


def test_verify_budget_returns_within_bounds_and_says_why(capsys):
    t0 = time.time()
    rc = main(["verify", str(SLOW), *map(str, FAST), "--budget", "2"])
    took = time.time() - t0
    cap = capsys.readouterr()
    assert rc == 1 and took < 15, took  # 2 s budget + process start and a loaded machine
    assert "NOT VERIFIED" in cap.out and "budget of 2 s reached" in cap.out
    assert "0/3 claims verified (0 failed, 3 not verified)" in cap.out
    assert "ran out before this claim" in cap.out
    assert cap.err.count("NOT VERIFIED") == 3


def _descendants(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    for c in fh.read().split():
                        seen.append(int(c))
                        todo.append(int(c))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return seen


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig, rc", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_drup_ends_verify_at_once(sig, rc):
    """drup in-process held SIGTERM off for minutes; in a child it is killed."""
    p = subprocess.Popen([sys.executable, "-m", "superpos_formal", "verify",
                          str(SLOW / "n2-unsat"), "--checkers", "drup"],
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         # a foreground job's SIGINT, even when this test run
                         # was started in the background (SIGINT ignored)
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        t0 = time.time()   # the claim's child and drup's child under it
        while len(_descendants(p.pid)) < 2 and time.time() - t0 < 60:
            time.sleep(0.2)
        time.sleep(1.0)
        kids = _descendants(p.pid)
        assert len(kids) >= 2
        t1 = time.time()
        p.send_signal(sig)
        out, err = p.communicate(timeout=20)
        assert time.time() - t1 < 5 and p.returncode == rc, (p.returncode, err)
        assert "Traceback" not in err
        t2 = time.time()
        while any(_alive(k) for k in kids) and time.time() - t2 < 5:
            time.sleep(0.1)
        assert not any(_alive(k) for k in kids)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


@pytest.mark.parametrize("death", [os.abort, lambda: os._exit(3)])
def test_a_checker_process_that_dies_is_skipped_not_a_verdict(monkeypatch, death):
    """A checker child that dies (e.g. drup's runtime aborting) gives no
    verdict: SKIPPED with the reason, and alone it verifies nothing."""
    def boom(name, nvars, clauses, text):
        death()
    monkeypatch.setattr(D, "_checker_call", boom)
    recs = D.check_drat([[1, 2], [-1, 2], [1, -2], [-1, -2]], text="1 0\n0\n",
                        checkers=("drup",))
    assert [r.verdict for r in recs] == ["SKIPPED"] and "died" in recs[0].reason
    rep = BundleReport("x")
    D.record_checks(rep, recs, "proof.drat.gz")
    assert rep.status != "PASS" and not rep.ok
