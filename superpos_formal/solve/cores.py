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
the window (``/proc/stat``), in cores. Time spent by niced processes
counts as free when this process runs at nice 0, since they yield to it
(a nice-19 job gets about 1.5 % of a core against a nice-0 one) -- but only
when the kernel does not group processes by session
(``/proc/sys/kernel/sched_autogroup_enabled`` is 0 or absent): with
autogroup on, nice orders processes only within one session, and a nice-19
job started from another session takes an equal share of a core, so its
time is not free. Where
``/proc/stat`` cannot be read the 1-minute load average stands in. This
decides only how fast an answer comes, never which answer: every racer
solves the same formula and every answer is checked as always.
"""

import os

__all__ = ["IdleProbe", "FREE_CORE", "nice_yields", "usable_cores"]

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


class IdleProbe:
    """Idle cores between construction and :meth:`free_cores`.

    >>> p = IdleProbe()
    >>> p.free_cores() >= 0
    True
    """

    def __init__(self, path="/proc/stat", count_nice=None):
        if count_nice is None:
            # niced processes yield to a nice-0 one, not to a niced one, and
            # not at all across sessions under autogroup (:func:`nice_yields`)
            count_nice = os.getpriority(os.PRIO_PROCESS, 0) <= 0 and nice_yields()
        self._path, self._nice = path, count_nice
        self._start = _free_and_total(path, count_nice)

    def free_cores(self):
        """Average idle cores over the window (a float, 0 when none)."""
        now = _free_and_total(self._path, self._nice)
        if self._start is None or now is None or now[1] <= self._start[1]:
            # no reading (or no tick yet): the load average stands in
            return max(0.0, usable_cores() - os.getloadavg()[0])
        free = now[0] - self._start[0]
        total = now[1] - self._start[1]
        return max(0.0, free / total * now[2])

    def core_free(self):
        """True when at least :data:`FREE_CORE` cores were idle."""
        return self.free_cores() >= FREE_CORE
