"""A wall-clock budget for a whole command (or a whole library call).

``time_limit`` bounds one solve; a :class:`Budget` bounds everything a
command does: family enumeration, encoding, every solve, every proof check,
bundling. It is a plain object that code asks "how much is left?"; the
process runner (:mod:`superpos_formal.solve.runner`) clamps each child's
limit to what is left, so a solve, a proof check or a bundle cut by the
budget ends as UNKNOWN / unchecked, never as a guess. Loops in this process
(enumerating a family, encoding) call :meth:`Budget.check`, which raises
:class:`BudgetExceeded` naming the part that ran out.

Solve functions take the budget as an object (``budget: Budget | None``)
and pass it down unchanged; each solve's limit is ``budget.clamp(time_limit)``
(:func:`clamp` when there may be none), so seconds are never turned into a
deadline and back on the way. :func:`for_call` is how a call gets its budget
(an explicit one, else one of the call's own seconds, else the active one);
:meth:`Budget.share` is a part of a budget (the depth lift's attempt), which
also ends when its parent does.

Used as a context manager a budget becomes the *active* one
(:func:`active_budget`), so library calls made inside the ``with`` honour it
without passing it through every signature; an explicit ``budget=`` argument
(where a function takes one) wins. It lives here, at the bottom of the
layers, so that the model (``tasks``) can honour it as well as the solvers.

With ``hard=True`` (what the CLI uses) the budget also arms a SIGALRM
backstop ``grace`` seconds after it ends: code in this process that never
asks (a long encoding in a module that does not call :meth:`check`) is
stopped by :class:`BudgetExceeded` from the signal handler.

Examples
--------
>>> b = Budget(None)
>>> b.remaining() is None, b.clamp(5.0)
(True, (5.0, False))
>>> with Budget(100) as b:
...     active_budget() is b, b.clamp(500)[1], b.clamp(5)[1]
(True, True, False)
>>> active_budget() is None
True
>>> part = Budget(100).share(0.25)
>>> part.seconds <= 25, part.parent.seconds
(True, 100)
>>> clamp(None, 5), for_call(None) is None
((5, False), True)
"""

import math
import signal
import threading
import time
from contextlib import contextmanager

__all__ = ["Budget", "BudgetExceeded", "active_budget", "check_budget", "clamp", "for_call"]

_ACTIVE = []

#: seconds a hard budget leaves the command, once the budget has cut
#: something, to report and write what it has before the alarm stops it
WIND_DOWN = 30.0


class BudgetExceeded(Exception):
    """The whole-command budget ran out in ``part``; nothing was concluded there."""

    def __init__(self, budget, part):
        self.budget, self.part = budget, part
        super().__init__(f"budget of {budget.seconds:g} s reached during {part}")


def active_budget():
    """The innermost budget entered with ``with``, or None."""
    return _ACTIVE[-1] if _ACTIVE else None


class Budget:
    """``seconds`` of wall clock from creation (``None``: unbounded).

    Attributes
    ----------
    hit : str or None
        The first part that ran out of budget (``"solving"``, ``"proof
        checking"``, ``"family enumeration"``, ...), for the report.
    part : str
        What this process is doing now (set by :meth:`stage`).
    memory_mb : int or None
        Address-space cap for every child process started under this budget
        (None: the parent's, else the runner's default), so one flag reaches
        every solve.
    parent : Budget or None
        A budget this one is part of: what is left is the smaller of the two.
    """

    def __init__(self, seconds=None, *, memory_mb=None, hard=False, grace=2.0, parent=None):
        if seconds is not None and not (isinstance(seconds, (int, float))
                                        and math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"budget: expected a finite positive number of seconds, "
                             f"got {seconds!r}")
        if memory_mb is not None and not (isinstance(memory_mb, int) and memory_mb > 0):
            raise ValueError(f"memory_mb: expected a positive integer, got {memory_mb!r}")
        self.seconds = seconds
        self.parent = parent
        if memory_mb is None and parent is not None:
            memory_mb = parent.memory_mb
        self.memory_mb = memory_mb
        self.t0 = time.monotonic()
        self.hit = None
        self.part = "computation"
        self.hard, self.grace = hard, grace
        self._old = None

    def __repr__(self):
        if self.seconds is None:
            return "<Budget unbounded>"
        return f"<Budget {self.seconds:g} s, {self.remaining():.1f} s left>"

    def elapsed(self):
        return time.monotonic() - self.t0

    def remaining(self):
        """Seconds left (may be <= 0), or None when unbounded."""
        own = None if self.seconds is None else self.seconds - self.elapsed()
        up = None if self.parent is None else self.parent.remaining()
        if own is None or up is None:
            return own if up is None else up
        return min(own, up)

    def share(self, fraction):
        """A part of this budget: ``fraction`` of what is left now (all of
        it when unbounded), ending no later than this one."""
        r = self.remaining()
        return Budget(None if r is None else max(fraction * r, 1e-3), parent=self)

    def expired(self):
        r = self.remaining()
        return r is not None and r <= 0

    def clamp(self, limit):
        """``(effective_limit, budget_binds)``: ``limit`` (None = none) cut to
        what is left; ``budget_binds`` when the budget is the tighter one."""
        r = self.remaining()
        if r is None:
            return limit, False
        r = max(r, 0.0)
        if limit is None or r < limit:
            return r, True
        return limit, False

    def note(self, part):
        """Record that ``part`` ran out of budget (the first one is kept).

        With ``hard``, the backstop alarm is pushed back by
        :data:`WIND_DOWN` seconds: the command is now only reporting what it
        has (tables, files), and the alarm must not cut a file in half."""
        if self.parent is not None and self.parent.expired():
            self.parent.note(part)
        if self.hit is None:
            self.hit = part
            if self._old is not None and threading.current_thread() is threading.main_thread():
                signal.setitimer(signal.ITIMER_REAL, self.grace + WIND_DOWN)

    def check(self, part=None):
        """Raise :class:`BudgetExceeded` when the budget is used up."""
        if self.expired():
            part = part or self.part
            self.note(part)
            raise BudgetExceeded(self, part)

    @contextmanager
    def stage(self, part):
        """Label what this process is doing, for the report."""
        old, self.part = self.part, part
        try:
            yield self
        finally:
            self.part = old

    # ---------------------------------------------------------- active / hard

    def _alarm(self, signum, frame):
        self.note(self.part)
        raise BudgetExceeded(self, self.part)

    def __enter__(self):
        _ACTIVE.append(self)
        if (self.hard and self.seconds is not None
                and threading.current_thread() is threading.main_thread()):
            self._old = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, max(self.remaining(), 0) + self.grace)
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
            self._old = None
        _ACTIVE.remove(self)
        return False


def clamp(budget, limit):
    """:meth:`Budget.clamp` of ``budget``, or ``(limit, False)`` without one."""
    return (limit, False) if budget is None else budget.clamp(limit)


def for_call(budget=None, seconds=None, memory_mb=None):
    """The budget of one call: ``budget`` when given; else, with ``seconds``
    or ``memory_mb`` (a call's own limits, e.g. from
    :class:`~superpos_formal.options.SolveOptions`), a new one inside the
    active budget; else the active budget (None when there is none)."""
    if budget is not None:
        return budget
    if seconds is not None or memory_mb is not None:
        return Budget(seconds, memory_mb=memory_mb, parent=active_budget())
    return active_budget()


def check_budget(part):
    """:meth:`Budget.check` on the active budget, if any (cheap)."""
    b = active_budget()
    if b is not None:
        b.check(part)
