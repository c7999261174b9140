"""A wall-clock budget for a whole command (or a whole library call).

``time_limit`` bounds one solve; a :class:`Budget` bounds everything a
command does: family enumeration, encoding, every solve, every proof check,
bundling. It is a plain object that code asks "how much is left?"; the
process runner (:mod:`superpos_formal.solve.runner`) clamps each child's
limit to what is left, so a solve, a proof check or a bundle cut by the
budget ends as UNKNOWN / unchecked, never as a guess. Loops in this process
(enumerating a family, encoding) call :meth:`Budget.check`, which raises
:class:`BudgetExceeded` naming the part that ran out.

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
"""

import math
import signal
import threading
import time
from contextlib import contextmanager

__all__ = ["Budget", "BudgetExceeded", "active_budget", "check_budget"]

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
        (None: the runner's default), so one flag reaches every solve.
    """

    def __init__(self, seconds=None, *, memory_mb=None, hard=False, grace=2.0):
        if seconds is not None and not (isinstance(seconds, (int, float))
                                        and math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"budget: expected a finite positive number of seconds, "
                             f"got {seconds!r}")
        if memory_mb is not None and not (isinstance(memory_mb, int) and memory_mb > 0):
            raise ValueError(f"memory_mb: expected a positive integer, got {memory_mb!r}")
        self.seconds = seconds
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
        if self.seconds is None:
            return None
        return self.seconds - self.elapsed()

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


def check_budget(part):
    """:meth:`Budget.check` on the active budget, if any (cheap)."""
    b = active_budget()
    if b is not None:
        b.check(part)
