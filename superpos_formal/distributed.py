"""Run a campaign on Dask: many cells at once, one writer of the store.

``superpos campaign run FILE --workers N`` starts a
:class:`dask.distributed.LocalCluster` of ``N`` worker processes with one
thread each (on the loopback interface; its HTTP server on a free loopback port);
``--scheduler tcp://HOST:PORT`` attaches to a running cluster instead
(workers then need this package importable and, for bundles, a folder
shared with the driver). ``--workers 0`` runs the cells one after another
in this process: the plain loop, same store, same records.

What runs where
---------------
- The driver (this process) reads the campaign, asks the store which cells
  still need work (:meth:`~superpos_formal.store.Store.plan`), submits
  them, and writes every record that comes back, one transaction each.
  Workers never open the store, so there is exactly one writer.
- A worker runs :func:`cell_task`: the cell goes to a forked child that
  (a) leads its own process group, (b) has an address-space limit
  (``RLIMIT_AS``: what the worker maps plus the per-cell memory limit,
  inherited by the solver processes it forks) and (c) kills its whole group when its parent dies
  (a watchdog thread polls the parent pid), so a worker killed mid-solve
  leaves no orphan solver running. Every solve keeps its own hard
  wall-clock limit (the campaign's ``time_limit``, enforced by
  :mod:`superpos_formal.solve.runner`).
- ``--budget SECONDS`` bounds the whole run, on every worker: each task
  gets the run's deadline (epoch seconds; workers on other machines need
  synchronised clocks) and runs its cell under a
  :class:`~superpos_formal.budget.Budget` of what is left, so its solves
  end as UNKNOWN(budget). Such a record is marked ``cut`` and the store
  reruns the cell next time at the same limit; a task that starts after the
  deadline does not run the cell at all.
- Dask reruns the task of a killed worker on another worker (at most
  ``allowed-failures`` times); a cell that still fails is stored with
  outcome ``error`` and is rerun by the next ``campaign run``.

Nothing recorded is lost: a row is committed only when its record is
complete, and bundles are built in a temporary folder and renamed when
verified (:func:`superpos_formal.campaign.run_cell`).
"""

import os
import resource
import signal
import sys
import threading
import time
from pathlib import Path

from .budget import Budget, BudgetExceeded, active_budget
from .campaign import load_campaign, run_cell, scratch_paths, subject_label
from .errors import InputError
from .solve.cubes import allow_children, deadline_of
from .solve.runner import DEFAULT_SOLVER, run, solver_version
from .store import Store, cell_id, host_name, import_jsonl, render_markdown, utc_now
from .version import __version__

__all__ = ["run_campaign_store", "cell_task", "Progress", "start_client", "close_client",
           "DEFAULT_MEMORY_LIMIT"]

#: bytes of address space a cell (and each solver process it forks) may add
#: to what the worker already maps
DEFAULT_MEMORY_LIMIT = 6 * 2**30


def _watch_parent(ppid):
    # the child's parent is the worker; if it disappears (SIGKILL, nanny
    # restart) the whole group -- this child and its solver processes -- goes
    while True:
        time.sleep(0.2)
        if os.getppid() != ppid:
            os.killpg(0, signal.SIGKILL)


def _mapped_bytes():
    """This process's current address-space size (VmSize), 0 if unknown."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _guarded(ppid, memory_limit, fn, *args):
    os.setpgid(0, 0)
    threading.Thread(target=_watch_parent, args=(ppid,), daemon=True).start()
    if memory_limit:
        # the limit is on growth: a forked worker already maps its libraries
        # and thread stacks, which no solve can give back
        cap = _mapped_bytes() + memory_limit
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return fn(*args)


#: seconds a cell past the run's deadline gets to report what it has (its
#: solves are already cut by the budget; this bounds the rest)
CUT_GRACE = 20.0


def cell_task(camp, cell, cid, proofs_dir=None, memory_limit=DEFAULT_MEMORY_LIMIT,
              deadline=None, progress=None):
    """Decide one campaign cell in a guarded child; return its record.

    The record carries host, start and finish (UTC), solver and versions.
    Runs on a Dask worker or in the driver; never touches the store.
    ``deadline`` (epoch seconds): the whole run's ``--budget``, honoured on
    whatever worker runs the cell; a cell whose deadline has passed before
    it starts returns None (not run), and a cell the budget cut is marked
    ``cut`` (rerun later at the same limit, not skipped as "open at its limit").
    ``progress`` receives the search's lines (each width, each member round).
    """
    allow_children()  # the cell's child is supervised here (group leader, killed with us)
    try:
        return _cell_task(camp, cell, cid, proofs_dir, memory_limit, deadline, progress)
    finally:
        if proofs_dir:
            # a cell cut before it finished leaves its proof work folder and
            # bundle build folders: one path for both runs, so both clean here
            import shutil

            for p in scratch_paths(proofs_dir, camp["name"], cid):
                shutil.rmtree(p, ignore_errors=True)


def _hold_alarm(seconds):
    """Push the command's budget backstop (SIGALRM, in this process's main
    thread) to ``seconds`` from now: the cell's child is cut by its own
    budget at the deadline and gets CUT_GRACE to report, and the alarm
    must not kill the wait for that report (a cut cell is stored as open,
    never as a failed attempt)."""
    b = active_budget()
    if (b is not None and getattr(b, "_old", None) is not None
            and threading.current_thread() is threading.main_thread()):
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0) + b.grace)


def _cell_task(camp, cell, cid, proofs_dir, memory_limit, deadline, progress=None):
    started = utc_now()
    t0 = time.perf_counter()
    if deadline is None:
        out = run(_guarded, os.getpid(), memory_limit, run_cell, camp, cell, cid, proofs_dir,
                  progress, budget=Budget(None))
    else:
        left = deadline - time.time()
        if left <= 0:
            return None
        # the child's solves see this budget (inherited by fork) and end as
        # UNKNOWN(budget); the wait here allows CUT_GRACE more for the record
        _hold_alarm(left + CUT_GRACE)
        with Budget(left):
            out = run(_guarded, os.getpid(), memory_limit, run_cell, camp, cell, cid,
                      proofs_dir, progress, budget=Budget(left + CUT_GRACE))
    if not out.done and out.limit == "memory":
        # the cell's own process (encoding, search bookkeeping) ran out: no
        # answer; stored as a failed attempt with the reason, rerun next time
        rec = _error_record(camp, cell, cid, MemoryError(out.reason))
    elif not out.done:
        return None  # cut by the run's budget before it could report
    else:
        rec = out.value
        if deadline is not None and time.time() >= deadline and any(
                r["status"] == "UNKNOWN" for r in rec.get("table", [])):
            rec["cut"] = "budget"
    rec.update(host=host_name(), started=started, finished=utc_now(),
               wall_seconds=round(time.perf_counter() - t0, 3),
               solver=DEFAULT_SOLVER,
               versions={"solver": solver_version(DEFAULT_SOLVER),
                         "superpos-formal": __version__})
    return rec


class Progress:
    """One status line on stderr: done / running / queued, answer counts,
    elapsed and ETA (from the mean time per finished cell and the workers).

    >>> import io
    >>> buf = io.StringIO()
    >>> p = Progress(3, stream=buf, every=0)
    >>> p.finished({"table": [{"status": "UNSAT"}, {"status": "SAT"}]}, running=1, queued=1)
    >>> "1/3 done, 1 running, 1 queued" in buf.getvalue(), "SAT 1 UNSAT 1 UNKNOWN 0" in buf.getvalue()
    (True, True)
    """

    def __init__(self, total, *, quiet=False, stream=None, every=2.0, label=""):
        self.total, self.quiet, self.every, self.label = total, quiet, every, label
        self.stream = stream if stream is not None else sys.stderr
        self.t0 = time.perf_counter()
        self.done = 0
        self.counts = {"SAT": 0, "UNSAT": 0, "UNKNOWN": 0}
        self.errors = 0
        self._last = -1e9

    def finished(self, rec, running, queued):
        self.done += 1
        if rec.get("error"):
            self.errors += 1
        for r in rec.get("table", []):
            if r["status"] in self.counts:
                self.counts[r["status"]] += 1
        self.show(running, queued, force=True)

    def show(self, running, queued, force=False):
        now = time.perf_counter()
        if self.quiet or (not force and now - self._last < self.every):
            return
        self._last = now
        el = now - self.t0
        left = self.total - self.done
        eta = "?" if not self.done else f"{el / self.done * left:.0f}s"
        c = self.counts
        err = f", {self.errors} failed" if self.errors else ""
        print(f"{self.label}{self.done}/{self.total} done, {running} running, {queued} queued"
              f"{err} | SAT {c['SAT']} UNSAT {c['UNSAT']} UNKNOWN {c['UNKNOWN']} | "
              f"{el:.1f}s elapsed, ETA {eta}", file=self.stream, flush=True)


#: seconds to connect to a scheduler and receive its handshake
CONNECT_TIMEOUT = 10.0
#: a Dask handshake is a few hundred bytes; a first frame claiming more is
#: not Dask (an SSH banner read as a length asks for exabytes)
_MAX_HANDSHAKE = 1 << 20
_SCHEMES = ("tcp", "tls")


def parse_address(address):
    """``(scheme, host, port)`` of a scheduler address ``tcp://HOST:PORT``
    (or ``tls://``); InputError for anything else, before any connection.

    >>> parse_address("tcp://127.0.0.1:8786")
    ('tcp', '127.0.0.1', 8786)
    >>> parse_address("tcp://HOST:PORT")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: --scheduler tcp://HOST:PORT: 'PORT' is not a port number (expected tcp://HOST:PORT with a real host and port, e.g. tcp://127.0.0.1:8786)
    """
    where = f"--scheduler {address}"
    hint = "expected tcp://HOST:PORT with a real host and port, e.g. tcp://127.0.0.1:8786"
    scheme, sep, rest = address.partition("://")
    if not sep:  # distributed's default scheme
        scheme, rest = "tcp", address
    if scheme not in _SCHEMES:
        raise InputError(f"{where}: scheme {scheme!r} is not one of {', '.join(_SCHEMES)} "
                         f"({hint})")
    host, colon, port = rest.rpartition(":")
    if not colon or not host or "/" in rest:
        raise InputError(f"{where}: no port ({hint})")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise InputError(f"{where}: {port!r} is not a port number ({hint})")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    return scheme, host, int(port)


def probe_scheduler(address, timeout=CONNECT_TIMEOUT):
    """Connect to a ``tcp://`` scheduler and read the first frame header of
    its handshake, within ``timeout`` seconds; InputError when nothing
    listens, nothing answers, or what answers is not Dask. (distributed
    itself waits without a bound for a silent listener, and reads an SSH
    banner as a frame length of exabytes.)"""
    import socket
    import struct

    scheme, host, port = parse_address(address)
    if scheme != "tcp":
        return  # TLS: the handshake comes after the TLS one; left to distributed
    where = f"--scheduler {address}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sk:
            sk.settimeout(timeout)
            head = b""
            while len(head) < 8:
                b = sk.recv(8 - len(head))
                if not b:
                    break
                head += b
    except socket.timeout:
        raise InputError(f"{where}: connected, but no Dask handshake within {timeout:g} s "
                         f"(is it a Dask scheduler?)") from None
    except OSError as e:
        raise InputError(f"{where}: cannot connect ({e.strerror or e})") from None
    if len(head) < 8:
        raise InputError(f"{where}: the peer closed the connection before a Dask handshake")
    (n,) = struct.unpack("<Q", head)
    if not 0 < n <= _MAX_HANDSHAKE:
        shown = head.decode("ascii", "replace").strip()
        raise InputError(f"{where}: not a Dask scheduler (it sent {shown!r}...)")


def start_client(workers=None, scheduler=None, memory_limit=DEFAULT_MEMORY_LIMIT):
    """A Dask client: attached to ``scheduler`` (address checked and probed
    first: :func:`probe_scheduler`) or to a new LocalCluster of ``workers``
    processes (one thread each, loopback only)."""
    if scheduler:
        parse_address(scheduler)
    # dask only when a cluster is asked for: optional and slow to import
    from dask.distributed import Client, LocalCluster

    if scheduler:
        probe_scheduler(scheduler)
        # distributed logs its reconnect attempts with tracebacks on stderr
        # when a scheduler goes away; the run reports that in one line itself
        import logging

        for nm in ["distributed", *[n for n in logging.root.manager.loggerDict
                                    if n.startswith("distributed.")]]:
            logging.getLogger(nm).setLevel(logging.CRITICAL + 1)
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as e:
            raise InputError(f"--scheduler {scheduler}: cannot connect ({e})") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0",
                           memory_limit=memory_limit, silence_logs=50)
    return Client(cluster)


def close_client(client):
    """Close the client (and its LocalCluster); a scheduler that is already
    gone is not waited for (bounded by :data:`CONNECT_TIMEOUT`)."""
    cluster = client.cluster
    try:
        client.close(timeout=CONNECT_TIMEOUT)
    except Exception:  # the scheduler is gone: nothing left to close there
        pass
    if cluster is not None:
        cluster.close()


def run_campaign_store(path, store_path, *, workers=0, scheduler=None, proofs_dir=None,
                       results_dir=None, quiet=False, memory_limit=DEFAULT_MEMORY_LIMIT,
                       client=None, stream=None):
    """Run (or resume) the campaign at ``path`` into the store at ``store_path``.

    ``workers=0`` and no ``scheduler`` / ``client``: in this process, one
    cell after another. Otherwise on Dask. With ``results_dir`` the
    campaign's Markdown table is rendered there from the store at the end.
    Returns a summary dict (cells run, skipped, failed; seconds).

    The campaign file is read and checked, and the store opened and
    checked, before anything is written: bad input changes nothing.
    """
    camp = load_campaign(path)
    name = camp["name"]
    limit = camp.get("time_limit")
    if results_dir:
        _writable_dir(results_dir, "--results")
    store = Store(store_path)
    try:
        store.put_campaign(camp, source=path)
        committed = Path(results_dir) / f"{name}.jsonl" if results_dir else None
        if committed is not None and committed.exists():
            # the campaign's committed records (the store is not committed):
            # their decided cells are skipped and stay decided in the table,
            # so a short run never shows UNKNOWN where an answer exists
            import_jsonl(store, [committed], only_decided=True,
                         only_cells={cell_id(c) for c in camp["cells"]})
        todo, skipped = [], []
        for cell in camp["cells"]:
            cid = cell_id(cell)
            verdict, why = store.plan(name, cid, limit)
            (todo if verdict == "run" else skipped).append((cell, cid, why))
        prog = Progress(len(todo), quiet=quiet, stream=stream, label=f"[{name}] ")
        t0 = time.perf_counter()
        if todo and not quiet:
            print(f"[{name}] {len(todo)} cell(s) to run, {len(skipped)} skipped "
                  f"(decided, or open at a limit not below {limit})",
                  file=prog.stream, flush=True)
        failed = 0
        budget = active_budget()
        deadline = deadline_of(budget)
        if client is None and not scheduler and not workers:
            for k, (cell, cid, _) in enumerate(todo):
                # in this process the search's own lines (per width, per member
                # round) go to stderr: a cell can run for an hour
                rec = _safe(cell_task, camp, cell, cid, proofs_dir, memory_limit, deadline,
                            None if quiet else _trace)
                if rec is None:  # the budget ran out before this cell
                    break
                failed += _store(store, name, rec, cell, cid, limit)
                prog.finished(rec, running=0, queued=len(todo) - k - 1)
        elif todo:
            own = client is None
            if own:
                client = start_client(workers, scheduler, memory_limit)
            try:
                failed = _run_dask(client, store, camp, todo, proofs_dir, memory_limit,
                                   prog, deadline, budget)
            finally:
                if own:
                    close_client(client)
        if budget is not None and budget.expired():
            budget.note("campaign cells")
        if results_dir:
            md = Path(results_dir) / f"{name}.md"
            try:
                md.write_text(render_markdown(store, name))
            except OSError as e:
                raise InputError(f"--results: cannot write {md} ({e.strerror or e}); the "
                                 f"records are in the store {store_path}") from None
        return {"campaign": name, "run": len(todo), "skipped": len(skipped),
                "failed": failed, "seconds": round(time.perf_counter() - t0, 3)}
    finally:
        store.close()


def _trace(line):
    """One line of a cell's search, indented under the campaign's own lines."""
    print(f"    {line}", file=sys.stderr, flush=True)


def _writable_dir(path, opt):
    """Create ``path`` (a folder) if needed; InputError when that fails or
    it is not a folder, before any work is done."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{opt}: {p} exists and is not a directory")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{opt}: cannot create {p} ({e.strerror or e})") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise InputError(f"{opt}: {p} is not writable")


def _safe(fn, camp, cell, cid, *args):
    try:
        return fn(camp, cell, cid, *args)
    except InputError:
        raise
    except BudgetExceeded:
        return None  # cut before it could report: not stored, rerun next time
    except Exception as e:
        if type(e).__name__ == "SoundnessError":
            raise
        return _error_record(camp, cell, cid, e)


def _error_record(camp, cell, cid, e):
    return {"id": cid, "cell": cell, "subject": subject_label(cell), "minimum": None,
            "certified": False, "note": "", "table": [], "seconds": 0.0,
            "time_limit": camp.get("time_limit"),
            "error": f"{type(e).__name__}: {e}"[:500], "host": None,
            "finished": utc_now()}


def _store(store, name, rec, cell, cid, limit):
    store.put(name, rec)
    return int(bool(rec.get("error")))


def _run_dask(client, store, camp, todo, proofs_dir, memory_limit, prog, deadline=None,
              budget=None):
    from dask.distributed import wait

    name = camp["name"]
    nthreads = max(1, sum(client.nthreads().values()))
    futs = {}
    for cell, cid, _ in todo:
        f = client.submit(cell_task, camp, cell, cid, proofs_dir, memory_limit, deadline,
                          key=f"cell-{name}-{cid}", pure=False)
        futs[f] = (cell, cid)
    pending = set(futs)
    failed = stored = 0
    lost = False
    try:
        while pending:
            if deadline is not None and time.time() > deadline + CUT_GRACE + 5:
                break  # every task has had its deadline and grace: stop waiting
            if budget is not None and budget.expired():
                budget.note("campaign cells")  # pushes the CLI's alarm back
            try:
                done, _ = wait(list(pending), timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except Exception as e:
                if "cancel" not in type(e).__name__.lower():
                    raise
                # the client lost the scheduler (killed, network gone): every
                # pending future is cancelled; what is stored stays stored
                lost = True
                raise InputError(
                    f"the Dask scheduler connection was lost mid-run ({len(pending)} cell(s) "
                    f"unfinished, {stored} stored and kept; the next campaign run resumes "
                    f"them)") from None
            for f in done:
                pending.discard(f)
                cell, cid = futs[f]
                try:
                    rec = f.result()
                except InputError:
                    raise
                except Exception as e:
                    if type(e).__name__ == "SoundnessError":
                        raise
                    rec = _error_record(camp, cell, cid, e)
                f.release()  # the record is in hand; the cluster may forget it
                if rec is None:  # started after the deadline: not run
                    continue
                failed += _store(store, name, rec, cell, cid, camp.get("time_limit"))
                stored += 1
                run = min(nthreads, len(pending))
                prog.finished(rec, running=run, queued=len(pending) - run)
            run = min(nthreads, len(pending))
            prog.show(run, len(pending) - run)
    finally:
        if pending and not lost:
            client.cancel(list(pending), force=True)
    return failed
