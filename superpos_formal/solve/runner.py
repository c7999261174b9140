"""The one process runner: every solve, enumeration and proof check runs here.

CaDiCaL through python-sat cannot be interrupted (``solve_limited`` raises
NotImplementedError; a timer calling ``Solver.interrupt`` never gets the GIL
back during a solve, measured), so a limit is enforced the only sound way:
the work runs in a forked child which is killed when the limit passes. The
answer is then UNKNOWN, never a guess.

Every child

* runs in its own process group (killed as a group, so nothing it started
  survives), ignores SIGINT (Ctrl-C is the parent's to handle: no
  ``Caught keyboard interrupt`` traceback from pysolvers in a child) and, on
  Linux, gets SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so
  a parent killed by any signal leaves no solver running;
* has its address space capped (``RLIMIT_AS``, :data:`DEFAULT_MEMORY_MB`
  unless ``memory_mb`` says otherwise); running out is reported as
  ``limit="memory"`` with the reason, never as an answer;
* gets ``min(time_limit, what the active Budget has left)`` seconds
  (:mod:`superpos_formal.budget`); when the budget is the tighter bound and
  runs out the outcome says ``limit="budget"`` and names the part
  (``solving``, ``proof checking``, ``bundling`` ...).

:func:`run` returns one value; :class:`Child` streams messages (the
function gets an ``emit`` callable first), which is what the incremental
search and the counting enumeration use. :func:`solve_cnf` is the plain
CNF solve on top of :func:`run`. :func:`kill_children` kills every live
child (the CLI's SIGTERM handler calls it).

With ``proof=True`` the child asks the solver for a DRAT proof (CaDiCaL's
``with_proof``) and writes it, one step per line, to ``proof_path``.

Examples
--------
>>> r = solve_cnf([[1, 2], [-1], [-2]], nvars=2)
>>> r.status
'UNSAT'
>>> solve_cnf([[1, 2], [-1]], nvars=2).model[:2]
[-1, 2]
>>> run(sum, [1, 2, 3]).value
6
"""

import ctypes
import faulthandler
import os
import pickle
import resource
import signal
import sys
import time
from dataclasses import dataclass, field

import multiprocessing as mp

from ..budget import Budget, BudgetExceeded, active_budget

__all__ = ["solve_cnf", "run", "run_streamed", "run_limited", "race", "race_limited", "Child", "Outcome", "SolveResult",
           "DEFAULT_SOLVER", "DEFAULT_MEMORY_MB", "solver_version", "solver_names",
           "kill_children", "Budget", "BudgetExceeded", "active_budget"]

DEFAULT_SOLVER = "cadical195"


def _physical_mb():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 ** 20
    except (ValueError, OSError, AttributeError):
        return 16384


#: Address-space cap of every child, MB: 8 GB, or half the machine's memory
#: when that is less (a solve that needs more is UNKNOWN(memory), and the
#: machine stays usable). ``--memory-limit`` overrides it.
DEFAULT_MEMORY_MB = int(min(8192, max(1024, _physical_mb() // 2)))

#: exit status of a process that glibc's dynamic loader ended (``_dl_fatal_printf``)
_LOADER_FATAL = 127

#: pids (= process group ids) of live children
_LIVE = set()


def solver_names(aliases=False):
    """The solvers python-sat has, sorted (with ``aliases``: every accepted name)."""
    from pysat.solvers import SolverNames

    names = {k: v for k, v in vars(SolverNames).items() if not k.startswith("_")}
    if not aliases:
        return sorted(names)
    return sorted({n for k, v in names.items()
                   for n in (k,) + tuple(v if isinstance(v, (tuple, list)) else (v,))})


def solver_version(name):
    """A string naming the solver and the python-sat release that wraps it."""
    import pysat
    return f"{name} (python-sat {pysat.__version__})"


def kill_children():
    """SIGKILL every live child's process group (safe from a signal handler)."""
    for pid in list(_LIVE):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ------------------------------------------------------------------ child side

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid):
    """Own process group; SIGKILL on parent death (Linux); no SIGINT."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _peak_bytes(field="VmPeak"):
    """Peak address-space size of this process (Linux), else 0."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError, MemoryError):
        pass
    return 0


def _size_bytes():
    return _peak_bytes("VmSize")


def _child_main(conn, fn, args, kwargs, stream, memory_bytes, parent_pid):
    _die_with_parent(parent_pid)
    # a fatal signal here (a solver's C++ abort at the memory cap) is
    # classified by the parent and reported with its reason; an inherited
    # faulthandler (pytest, python -X faulthandler) would also dump this
    # process's Python stack onto the user's stderr as "Fatal Python error"
    faulthandler.disable()
    if memory_bytes:
        try:
            # the soft limit only: code in the child may set its own cap
            # (a campaign cell caps its growth itself)
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            if hard != resource.RLIM_INFINITY:
                memory_bytes = min(memory_bytes, hard)
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
        except (ValueError, OSError):
            pass
    try:
        # freed first thing on any failure: reporting needs a little memory
        reserve = bytearray(8 * 2 ** 20)
    except MemoryError:
        conn.send(("memory", f"the process already uses {_size_bytes() // 2 ** 20} MB "
                             f"of address space when it starts"))
        conn.close()
        return
    try:
        if stream:
            value = fn(lambda msg: conn.send(("msg", msg)), *args, **kwargs)
        else:
            value = fn(*args, **kwargs)
        conn.send(("return", value))
    except BaseException as e:  # reported to the parent, which raises
        del reserve
        try:
            _report(conn, e, memory_bytes)
        except BaseException:  # nothing more can be said; the parent sees EOF
            pass
    finally:
        conn.close()


def _report(conn, e, memory_bytes):
    if isinstance(e, MemoryError):
        conn.send(("memory", "MemoryError"))
        return
    text = f"{type(e).__name__}: {e}"
    peak = _peak_bytes()
    if memory_bytes and peak >= 0.9 * memory_bytes:
        # C extensions (pysat) do not always turn a failed allocation into
        # MemoryError; at the cap, that is what it was
        conn.send(("memory", f"{text}; the process had reached "
                             f"{peak // 2 ** 20} MB of address space"))
        return
    try:
        pickle.dumps(e)
    except Exception:
        e = None
    conn.send(("error", text, e))


# ------------------------------------------------------------------ parent side

@dataclass
class Outcome:
    """How a child ended: ``done`` with its ``value``, or stopped by a limit.

    ``limit`` is ``"time"`` (the per-call limit), ``"budget"`` (the
    whole-command budget) or ``"memory"``; ``reason`` says it in words.
    """

    done: bool
    value: object = None
    limit: str = None
    reason: str = ""
    seconds: float = 0.0


class Child:
    """A forked child running ``fn(emit, *args, **kwargs)`` (``stream=True``)
    or ``fn(*args, **kwargs)``; use as a context manager (the child is
    killed, with its process group, on exit).

    :meth:`recv` returns ``("msg", value)`` for each ``emit(value)``,
    ``("return", value)`` at the end, or ``("limit", Outcome)`` when the
    wait ran out (time, budget) or the child ran out of memory. A child
    that raised makes :meth:`recv` raise the same exception (or
    RuntimeError when it does not pickle).

    >>> def squares(emit, k):
    ...     for i in range(k):
    ...         emit(i * i)
    ...     return "end"
    >>> with Child(squares, 3, stream=True) as ch:
    ...     [ch.recv(5) for _ in range(4)]
    [('msg', 0), ('msg', 1), ('msg', 4), ('return', 'end')]
    """

    def __init__(self, fn, *args, stream=False, memory_mb=None, part="solving",
                 budget=None, **kwargs):
        self.part = part
        self.budget = budget if budget is not None else active_budget()
        if memory_mb is None and self.budget is not None:
            memory_mb = self.budget.memory_mb
        self.memory_mb = DEFAULT_MEMORY_MB if memory_mb is None else memory_mb
        # an address-space cap inherited from this process (a campaign cell's
        # child has one: the worker's mapping plus the cell's allowance) is
        # the child's real limit when it is lower; name that one in reasons
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            inherited = hard // 2 ** 20
            self.memory_mb = min(self.memory_mb, inherited) if self.memory_mb else inherited
        ctx = mp.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._p = ctx.Process(target=_child_main,
                              args=(child_conn, fn, args, kwargs, stream,
                                    int(self.memory_mb) * 2 ** 20 if self.memory_mb else 0,
                                    os.getpid()))
        # SIGINT / SIGTERM held back across the fork: a signal now would hit
        # the child before it has made itself deaf to them (the parent gets
        # it right after, and kills the child it has registered)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._p.start()
            _LIVE.add(self._p.pid)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        try:
            os.setpgid(self._p.pid, self._p.pid)  # also here: no race with killpg
        except OSError:
            pass
        child_conn.close()
        self.t0 = time.perf_counter()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def kill(self):
        pid = self._p.pid
        if self._p.is_alive():
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._p.kill()
        else:
            try:  # anything the child left in its group
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._p.join()
        _LIVE.discard(pid)
        self._conn.close()

    def _limit(self, kind, reason):
        return ("limit", Outcome(False, limit=kind, reason=reason,
                                 seconds=time.perf_counter() - self.t0))

    def recv(self, timeout=None):
        """Wait at most ``timeout`` seconds (clamped to the budget)."""
        b = self.budget
        wait, binds = (timeout, False) if b is None else b.clamp(timeout)
        if not self._conn.poll(wait):
            if binds:
                b.note(self.part)
                return self._limit("budget", f"budget of {b.seconds:g} s reached "
                                             f"during {self.part}")
            return self._limit("time", f"time limit {timeout:g} s reached")
        try:
            msg = self._conn.recv()
        except EOFError:
            self._p.join()
            code = self._p.exitcode
            if code is not None and code < 0 and self.memory_mb and \
                    -code in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL):
                return self._limit("memory", f"the {self.part} process died of "
                                   f"{signal.Signals(-code).name} under the memory limit "
                                   f"of {self.memory_mb} MB (out of memory)")
            if code == _LOADER_FATAL and self.memory_mb:
                # glibc's dynamic loader ends a process with 127 when it
                # cannot allocate (e.g. "cannot allocate memory for
                # thread-local data" when C++ code first throws bad_alloc)
                return self._limit("memory", f"the {self.part} process died (exit 127, the "
                                   f"dynamic loader could not allocate) under the memory "
                                   f"limit of {self.memory_mb} MB (out of memory)")
            raise RuntimeError(f"the {self.part} process died (exit {code})") from None
        if msg[0] == "memory":
            return self._limit("memory", f"memory limit of {self.memory_mb} MB reached "
                                         f"during {self.part} ({msg[1]})")
        if msg[0] == "error":
            if msg[2] is not None:
                raise msg[2]
            raise RuntimeError(msg[1])
        return msg


def _not_started(b, part):
    b.note(part)
    return Outcome(False, limit="budget", reason=f"budget of {b.seconds:g} s reached before {part}")


def run(fn, *args, time_limit=None, memory_mb=None, part="solving", budget=None, **kwargs):
    """Run ``fn(*args, **kwargs)`` in a child; an :class:`Outcome`.

    ``time_limit`` (seconds, None = none) is clamped to the active budget;
    when nothing is left the child is not even started.
    """
    b = budget if budget is not None else active_budget()
    if b is not None and b.expired():
        return _not_started(b, part)
    t0 = time.perf_counter()
    with Child(fn, *args, memory_mb=memory_mb, part=part, budget=b, **kwargs) as ch:
        msg = ch.recv(time_limit)
    if msg[0] == "limit":
        return msg[1]
    return Outcome(True, msg[1], seconds=time.perf_counter() - t0)


def run_streamed(fn, *args, on_message, time_limit=None, memory_mb=None, part="solving",
                 budget=None, **kwargs):
    """Run ``fn(emit, *args, **kwargs)`` in a child; an :class:`Outcome`.

    Each ``emit(value)`` reaches ``on_message(value)`` while the child
    runs, so a long child's progress lines are seen as they happen and
    those before a limit are not lost. ``time_limit`` bounds the whole
    child (not each wait) and is clamped to the active budget like
    :func:`run`'s.

    Examples
    --------
    >>> def count(emit, k):
    ...     for i in range(k):
    ...         emit(i)
    ...     return "done"
    >>> seen = []
    >>> out = run_streamed(count, 3, on_message=seen.append, time_limit=60)
    >>> seen, out.done, out.value
    ([0, 1, 2], True, 'done')
    """
    b = budget if budget is not None else active_budget()
    if b is not None and b.expired():
        return _not_started(b, part)
    t0 = time.perf_counter()
    with Child(fn, *args, stream=True, memory_mb=memory_mb, part=part, budget=b,
               **kwargs) as ch:
        while True:
            left = (None if time_limit is None
                    else max(0.0, time_limit - (time.perf_counter() - t0)))
            msg = ch.recv(left)
            if msg[0] != "msg":
                break
            on_message(msg[1])
    if msg[0] == "limit":
        out = msg[1]
        if out.limit == "time":
            # the wait that ran out was the rest of the limit: name the limit
            out.reason = f"time limit {time_limit:g} s reached"
        return out
    return Outcome(True, msg[1], seconds=time.perf_counter() - t0)


def race(calls, time_limit=None, delays=None, start_if=None, accept=None, budget=None):
    """Run each ``(fn, args, kwargs)`` of ``calls`` in its own :class:`Child`;
    the first to return wins and the others are killed (with their groups).

    ``delays[i]`` (seconds, default 0) starts call ``i`` only that long
    after the race began, and only if nobody has answered by then: a
    staggered portfolio costs nothing extra on questions the first racer
    answers quickly. ``start_if(i)``, when given, is asked when a delayed
    racer is due; if it says no, that racer never starts (the default
    portfolio starts its second racer only when a core is free:
    :mod:`superpos_formal.solve.cores`). ``accept(i, value)``, when given,
    is asked about each racer's returned value; a declined value does not
    win, and that racer drops out while the others go on (a racer that
    answers only SAT on a relaxed formula:
    :data:`superpos_formal.solve.search.NOSYM`).

    Returns ``(index, Outcome)``: the winner's index and its finished
    :class:`Outcome`, or ``(None, Outcome)`` saying which limit ended the
    race. ``budget`` (default: the active one) bounds it too. A racer that runs out of memory drops out and the others go on
    (they run other solver options, which may need less); when every racer
    has dropped out, the race ends with the first one's memory outcome, so
    a memory cap is never reported as a time limit. The time limit is
    clamped to the active budget and reported as ``"budget"`` when the
    budget is what ended it. An exception in a racer is re-raised here.

    >>> race([(sum, ([1, 2],), {})])[1].value
    3
    >>> race([(time.sleep, (5,), {})], time_limit=0.2)[1].limit
    'time'
    >>> race([(time.sleep, (5,), {}), (sum, ([4],), {})], delays=[0, 0.1])[0]
    1
    >>> race([(time.sleep, (0.3,), {}), (sum, ([4],), {})], delays=[0, 0.1],
    ...      start_if=lambda i: False)[0]
    0
    >>> race([(_late_sum, ([1],), {}), (sum, ([4],), {})],
    ...      accept=lambda i, v: v != 4)[1].value
    1
    """
    from multiprocessing.connection import wait

    delays = [0.0] * len(calls) if delays is None else [float(d) for d in delays]
    if len(delays) != len(calls):
        raise ValueError("race: one delay per call")
    pending = sorted(range(len(calls)), key=lambda k: delays[k])
    children, dropped = {}, []
    t0 = time.perf_counter()
    b = budget if budget is not None else active_budget()
    timeout, binds = (time_limit, False) if b is None else b.clamp(time_limit)
    end = None if timeout is None else t0 + timeout

    def stopped():
        if binds:
            b.note("solving")
            return Outcome(False, limit="budget", seconds=time.perf_counter() - t0,
                           reason=f"budget of {b.seconds:g} s reached during solving "
                                  f"(every racer stopped)")
        return Outcome(False, limit="time", seconds=time.perf_counter() - t0,
                       reason=f"time limit {timeout:g} s reached by every racer")

    try:
        while True:
            now = time.perf_counter()
            while pending and t0 + delays[pending[0]] <= now and (end is None or now < end):
                k = pending.pop(0)
                if delays[k] > 0 and start_if is not None and not start_if(k):
                    continue
                fn, args, kwargs = calls[k]
                children[k] = Child(fn, *args, budget=b, **kwargs)
            if not children and not pending:
                return None, dropped[0]
            marks = [x for x in (end, t0 + delays[pending[0]] if pending else None)
                     if x is not None]
            wait_for = None if not marks else max(0.0, min(marks) - now)
            ready = wait([c._conn for c in children.values()], timeout=wait_for)
            if ready:
                i = next(k for k, c in children.items() if c._conn is ready[0])
                msg = children[i].recv(0)
                if msg[0] == "return":
                    if accept is None or accept(i, msg[1]):
                        return i, Outcome(True, msg[1], seconds=time.perf_counter() - t0)
                    children.pop(i).kill()
                    if not children and not pending and not dropped:
                        raise RuntimeError("race: every racer's answer was declined")
                    continue
                # a limit inside one racer (its memory): it drops out
                dropped.append(msg[1])
                children.pop(i).kill()
                continue
            if end is not None and time.perf_counter() >= end:
                return None, stopped()
    finally:
        for c in children.values():
            c.kill()


def _late_sum(xs):
    """``sum(xs)`` after 0.3 s (a slow racer for the examples)."""
    time.sleep(0.3)
    return sum(xs)


def race_limited(calls, time_limit=None, delays=None, start_if=None):
    """``(index, value)`` of the winner of :func:`race`, or ``(None, None)``
    when a limit ended it.

    >>> race_limited([(sum, ([1, 2],), {})])
    (0, 3)
    >>> race_limited([(time.sleep, (5,), {})], time_limit=0.2)
    (None, None)
    >>> race_limited([(time.sleep, (5,), {}), (sum, ([4],), {})], delays=[0, 0.1])
    (1, 4)
    >>> race_limited([(sum, ([1],), {}), (time.sleep, (5,), {})], delays=[0, 60])
    (0, 1)
    """
    i, out = race(calls, time_limit=time_limit, delays=delays, start_if=start_if)
    return (None, None) if i is None else (i, out.value)


def run_limited(fn, *args, time_limit=None, **kwargs):
    """``(True, value)``, or ``(False, None)`` when a limit stopped it.

    The older two-value form of :func:`run` (same child, same limits).
    """
    out = run(fn, *args, time_limit=time_limit, **kwargs)
    return (True, out.value) if out.done else (False, None)


# ------------------------------------------------------------------ CNF

@dataclass
class SolveResult:
    status: str  # "SAT" | "UNSAT" | "UNKNOWN"
    seconds: float
    model: list = None
    proof_path: str = None
    proof_lines: int = 0
    solver: str = DEFAULT_SOLVER
    reason: str = ""
    stats: dict = field(default_factory=dict)
    #: UNKNOWN only: "time", "budget" or "memory"
    limit: str = None


def _solve_in_child(clauses, solver, proof_path, assumptions):
    from pysat.solvers import Solver

    with Solver(name=solver, bootstrap_with=clauses, with_proof=proof_path is not None) as s:
        ok = s.solve(assumptions=assumptions or [])
        out = {"status": "SAT" if ok else "UNSAT"}
        if ok:
            out["model"] = s.get_model()
        elif proof_path is not None:
            proof = s.get_proof()
            with open(proof_path, "w") as fh:
                for line in proof:
                    fh.write(line)
                    fh.write("\n")
            out["proof_lines"] = len(proof)
    return out


def solve_cnf(clauses, nvars=None, solver=DEFAULT_SOLVER, time_limit=None,
              proof_path=None, assumptions=None, memory_mb=None, budget=None):
    """Solve ``clauses`` in a child process; ``time_limit`` in seconds.

    Returns a :class:`SolveResult`; ``status`` is UNKNOWN when a limit was
    reached (``limit`` says which, ``reason`` in words). A solver error
    raises RuntimeError. Proofs are only meaningful without assumptions (a
    proof under assumptions does not end in the empty clause), so both
    together are refused. ``budget`` (default: the active one) clamps
    ``time_limit``.
    """
    if proof_path is not None and assumptions:
        raise ValueError("a DRAT proof of a solve under assumptions is not a "
                         "refutation of the formula; solve without assumptions")
    t0 = time.perf_counter()
    try:
        out = run(_solve_in_child, clauses, solver, proof_path, assumptions,
                  time_limit=time_limit, memory_mb=memory_mb, budget=budget)
    except Exception as e:
        if proof_path and os.path.exists(proof_path):
            os.unlink(proof_path)
        raise RuntimeError(f"solver {solver} failed: {type(e).__name__}: {e}") from None
    dt = time.perf_counter() - t0
    if not out.done:
        return SolveResult("UNKNOWN", dt, solver=solver, reason=out.reason, limit=out.limit)
    v = out.value
    return SolveResult(v["status"], dt, model=v.get("model"),
                       proof_path=proof_path if v["status"] == "UNSAT" else None,
                       proof_lines=v.get("proof_lines", 0), solver=solver)
