"""Signals (issue 9): every solver child dies with its parent, and an
interrupt ends the command promptly with one line and no traceback.

Each test starts ``superpos min-neurons`` on a question that keeps CaDiCaL
busy far longer than the test, waits until the solver child exists (read
from ``/proc/<pid>/task/*/children``), signals the parent, and then checks
that the parent's whole process tree is gone (``/proc/<pid>`` absent or a
zombie). Linux only (``/proc``, ``PR_SET_PDEATHSIG``).
"""

import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc; parent-death signal is Linux-only")

# uand(6) step at n = 4: minutes of CaDiCaL, far beyond these tests
LONG = ["min-neurons", "--task", "uand", "--m", "6", "--activation", "step",
        "--n-min", "4", "--n-max", "4", "--time-limit", "300"]


def _children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def _descendants(pid):
    todo, seen = [pid], []
    while todo:
        for c in _children(todo.pop()):
            seen.append(c)
            todo.append(c)
    return seen


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _default_sigint():
    # a terminal's foreground job has SIGINT at its default; a test run
    # started in the background by a non-interactive shell inherits it
    # ignored (and Python then installs no KeyboardInterrupt handler), so
    # the child is given the foreground's disposition explicitly
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(new_session=False):
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.Popen([sys.executable, "-m", "superpos_formal", *LONG], env=env,
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=new_session,
                         preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kids = _descendants(p.pid)
        if kids:
            time.sleep(0.5)  # let the child set itself up and start solving
            return p, _descendants(p.pid)
        if p.poll() is not None:
            pytest.fail(f"command ended early: {p.communicate()}")
        time.sleep(0.1)
    p.kill()
    pytest.fail("no solver child appeared within 60 s")


def _gone(pids, within=5.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(c) for c in pids):
            return True
        time.sleep(0.1)
    return False


def _reap(pids):
    for c in pids:  # never leave a stray solver behind, even when a test fails
        try:
            os.kill(c, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_sigterm_to_parent_leaves_no_child():
    p, kids = _start()
    try:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        assert p.returncode == 143
        assert err.strip().splitlines()[-1] == "superpos: terminated"
        assert "Traceback" not in err
        assert _gone(kids), [c for c in kids if _alive(c)]
    finally:
        _reap(kids)


def test_sigkill_to_parent_leaves_no_child():
    # the parent cannot clean up after SIGKILL: the parent-death signal does
    p, kids = _start()
    try:
        p.kill()
        p.communicate(timeout=10)
        assert _gone(kids), [c for c in kids if _alive(c)]
    finally:
        _reap(kids)


def test_ctrl_c_to_the_process_group_is_one_line():
    # what a terminal does on Ctrl-C: SIGINT to the whole foreground group
    p, kids = _start(new_session=True)
    try:
        t0 = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=10)
        assert time.monotonic() - t0 < 5
        assert p.returncode == 130
        lines = [ln for ln in err.splitlines() if ln.startswith("superpos:")]
        assert lines == ["superpos: interrupted"], err
        assert "Traceback" not in err and "Caught keyboard interrupt" not in err
        assert _gone(kids)
    finally:
        _reap(kids)
