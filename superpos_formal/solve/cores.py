"""Is a CPU core free right now? (When to start a second portfolio racer.)

A raced portfolio (:func:`superpos_formal.solve.runner.race`) only pays
when its racers get a core each: on a saturated machine a second racer
takes half of the first one's CPU, and a question the first racer would
have answered (every unsatisfiable frontier cell, where both option sets
need about the same work) takes up to twice as long
(benchmarks/README.md, "Frontier findings"). So the default portfolio
starts its second racer only if, over the stagger window in which the
first racer ran alone, the machine had about a core to spare.

:class:`IdleProbe` measures that directly: the idle time of all CPUs over
the window (``/proc/stat``), in cores, plus the CPU time of the processes
that would *yield* their core to this one (:func:`yields_to`): a process
niced above this one, except when the kernel groups processes by session
(``/proc/sys/kernel/sched_autogroup_enabled`` = 1). Under autogroup, nice
orders processes only within one session and a nice-19 process of another
session takes an equal share of a core -- unless its session's group is
niced too (``/proc/<pid>/autogroup``, which is what a background-job
wrapper such as ``setsid`` plus ``echo 19 > /proc/self/autogroup`` sets):
then it takes a few percent of a core against a nice-0 one and its time is
free for us. Counting all niced time as busy under autogroup (the rule
before 2026-11-26) kept the second racer from ever starting while such a
background job ran, although the job would have given its core up.

Per-process times come from ``/proc/<pid>/stat`` (``utime + stime``, in the
same clock ticks as ``/proc/stat``), read at the start and the end of the
window for the processes niced above this one. Where ``/proc/stat`` cannot
be read the 1-minute load average stands in. This decides only how fast an
answer comes, never which answer: every racer solves its own formula and
every answer is checked as always.
"""

import os

__all__ = ["IdleProbe", "FREE_CORE", "nice_yields", "usable_cores", "yields_to",
           "yielding_ticks"]

#: idle cores over the window needed to count a core as free
FREE_CORE = 0.6


def usable_cores():
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _free_and_total(path="/proc/stat", count_nice=True):
    """``(free jiffies, total jiffies, cpus)`` summed over all CPUs, or None.

    ``/proc/stat`` ``cpu`` line: user nice system idle iowait irq softirq
    steal ...; free = idle + iowait (+ nice with ``count_nice``).
    """
    try:
        with open(path) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    head = lines[0].split() if lines else []
    if not head or head[0] != "cpu" or len(head) < 6:
        return None
    try:
        v = [int(x) for x in head[1:]]
    except ValueError:
        return None
    cpus = sum(1 for ln in lines if ln.startswith("cpu") and ln[3:4].isdigit())
    free = v[3] + v[4] + (v[1] if count_nice else 0)
    return free, sum(v[:8]), max(cpus, 1)


def nice_yields(path="/proc/sys/kernel/sched_autogroup_enabled"):
    """True when niced processes of other sessions yield to a nice-0 one:
    the scheduler's autogroup feature is off (or this is not Linux).

    >>> nice_yields("/nonexistent")
    True
    """
    try:
        with open(path) as fh:
            return fh.read().strip() == "0"
    except OSError:
        return True


#: above this many processes the per-process scan is skipped (its cost would
#: eat into the window) and niced time counts as busy
MAX_SCAN = 4000


def _autogroup(pid, proc="/proc"):
    """``(group name, group nice)`` of a process, or None (no autogroup)."""
    try:
        with open(f"{proc}/{pid}/autogroup") as fh:
            name, _, nice = fh.read().split()
        return name, int(nice)
    except (OSError, ValueError):
        return None


def _stat_fields(pid, proc="/proc"):
    """``(nice, utime + stime)`` of a process from ``/proc/<pid>/stat``, or None."""
    try:
        with open(f"{proc}/{pid}/stat") as fh:
            text = fh.read()
        # the command name (field 2) is in parentheses and may hold spaces
        f = text[text.rindex(")") + 2:].split()
        # f[0] is field 3 (state): utime, stime, nice are fields 14, 15, 19
        return int(f[16]), int(f[11]) + int(f[12])
    except (OSError, ValueError, IndexError):
        return None


def yields_to(nice, group, my_nice, my_group, autogroup):
    """Whether a process (``nice``, autogroup ``group`` = (name, nice) or
    None) gives its core up to ours (``my_nice``, ``my_group``).

    Without autogroup the nice values decide. With it, two processes of one
    session (one group) are ordered by their nice values, and a process of
    another session yields only when its group is niced above ours.

    >>> yields_to(19, None, 0, None, autogroup=False)
    True
    >>> yields_to(19, ("/autogroup-7", 0), 0, ("/autogroup-3", 0), autogroup=True)
    False
    >>> yields_to(19, ("/autogroup-7", 19), 0, ("/autogroup-3", 0), autogroup=True)
    True
    >>> yields_to(19, ("/autogroup-3", 0), 0, ("/autogroup-3", 0), autogroup=True)
    True
    """
    if nice <= my_nice:
        return False
    if not autogroup or group is None or my_group is None:
        return not autogroup
    if group[0] == my_group[0]:
        return True
    return group[1] > my_group[1]


def yielding_ticks(proc="/proc", autogroup=None):
    """``{pid: CPU ticks}`` of the processes that yield to this one
    (:func:`yields_to`), or None when ``proc`` cannot be scanned."""
    if autogroup is None:
        autogroup = not nice_yields(f"{proc}/sys/kernel/sched_autogroup_enabled")
    try:
        pids = [e.name for e in os.scandir(proc) if e.name.isdigit()]
    except OSError:
        return None
    if len(pids) > MAX_SCAN:
        return None
    me = str(os.getpid())
    mine = _stat_fields(me, proc)
    if mine is None:
        return None
    my_nice, my_group = mine[0], _autogroup(me, proc) if autogroup else None
    out = {}
    for pid in pids:
        f = _stat_fields(pid, proc)
        if f is None or f[0] <= my_nice:
            continue
        group = _autogroup(pid, proc) if autogroup else None
        if yields_to(f[0], group, my_nice, my_group, autogroup):
            out[pid] = f[1]
    return out


class IdleProbe:
    """Free cores between construction and :meth:`free_cores`.

    Free = idle + iowait time of all CPUs, plus the CPU time of the
    processes that yield to this one (:func:`yielding_ticks`). With
    ``count_nice`` True (False) all niced time counts as free (busy)
    instead, without the per-process scan; by default the scan decides,
    and where it cannot be made the old rule stands in: niced time is free
    for a nice-0 caller when autogroup is off (:func:`nice_yields`).

    >>> p = IdleProbe()
    >>> p.free_cores() >= 0
    True
    """

    def __init__(self, path="/proc/stat", count_nice=None, proc="/proc"):
        self._proc, self._ticks = proc, None
        if count_nice is None:
            self._ticks = yielding_ticks(proc)
            if self._ticks is None:
                count_nice = os.getpriority(os.PRIO_PROCESS, 0) <= 0 and nice_yields()
            else:
                count_nice = False
        self._path, self._nice = path, count_nice
        self._start = _free_and_total(path, count_nice)

    def _yielded(self):
        """CPU ticks the yielding processes used over the window."""
        if self._ticks is None:
            return 0
        now = yielding_ticks(self._proc)
        if now is None:
            return 0
        # a process that appeared in the window counts from 0; one that
        # left it is lost (counted busy: the safe side)
        return sum(max(0, t - self._ticks.get(pid, 0)) for pid, t in now.items())

    def free_cores(self):
        """Average free cores over the window (a float, 0 when none)."""
        now = _free_and_total(self._path, self._nice)
        if self._start is None or now is None or now[1] <= self._start[1]:
            # no reading (or no tick yet): the load average stands in
            return max(0.0, usable_cores() - os.getloadavg()[0])
        total = now[1] - self._start[1]
        free = min(total, now[0] - self._start[0] + self._yielded())
        return max(0.0, free / total * now[2])

    def core_free(self):
        """True when at least :data:`FREE_CORE` cores were free."""
        return self.free_cores() >= FREE_CORE
