"""The ``superpos`` command: thin dispatch to the library.

Each command group lives in its own module with a ``register(subparsers)``
function; this file only wires them up and turns :class:`InputError` (and
every argparse complaint) into a one-line ``superpos: error: ...`` with exit
status 2 (never a traceback). A failed verification exits 1.

Limits and signals. A command with ``--budget`` / ``--memory-limit`` runs
inside a :class:`~superpos_formal.budget.Budget` (active for everything the
command calls, with a SIGALRM backstop); when the budget cut something the
part is named on stderr, and when it cut the command before any answer the
exit status is 124. SIGTERM and SIGINT kill every solver child (their
process groups) and end the command with one line (``superpos:
terminated`` / ``superpos: interrupted``), exit 143 / 130.
"""

import argparse
import signal
import sys

from ..budget import Budget, BudgetExceeded
from ..errors import InputError, SoundnessError
from ..solve.runner import kill_children
from ..version import __version__
from . import (bridge, campaign, core, cubes, family, family_rows, improve, midrange, proofs,
               report, search)

__all__ = ["main", "build_parser"]

#: command-group modules, in help order
GROUPS = (core, search, campaign, cubes, proofs, family, report, improve, midrange, family_rows,
          bridge)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line ``superpos: error: ...``."""

    def error(self, message):
        cmd = self.prog.split(" ", 1)[1] + " " if " " in self.prog else ""
        print(f"superpos: error: {cmd}{message} (see: {self.prog} --help)".replace("\n", " "),
              file=sys.stderr)
        sys.exit(2)


class _Terminated(BaseException):
    """SIGTERM arrived (a BaseException, so cleanup code runs on the way out)."""


def _on_term(signum, frame):
    kill_children()
    raise _Terminated()


def build_parser():
    p = _Parser(
        prog="superpos",
        description="Exact, checked facts about neural computation in superposition.",
    )
    p.add_argument("--version", action="version", version=f"superpos-formal {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in GROUPS:
        mod.register(sub)
    return p


def _interrupted(e):
    # pysolvers turns a SIGINT during an in-process solve into its own error
    return "keyboard interrupt" in str(e).lower()


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    budget = Budget(getattr(args, "budget", None), memory_mb=getattr(args, "memory_mb", None),
                    hard=True)
    old_term = None
    try:
        old_term = signal.signal(signal.SIGTERM, _on_term)
    except ValueError:  # not the main thread (e.g. called from a worker)
        pass
    try:
        with budget:
            rc = args.func(args) or 0
        if budget.hit:
            print(f"superpos: budget of {budget.seconds:g} s reached during {budget.hit}; "
                  f"what it cut is reported UNKNOWN (a cut proof check: unchecked)",
                  file=sys.stderr)
        return rc
    except BudgetExceeded as e:
        kill_children()
        print(f"superpos: {e}; no answer", file=sys.stderr)
        return 124
    except InputError as e:
        print(f"superpos: error: {e}", file=sys.stderr)
        return 2
    except SoundnessError as e:
        print(f"superpos: SOUNDNESS ERROR (a bug, not a result): {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        kill_children()
        print("superpos: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print("superpos: terminated", file=sys.stderr)
        return 143
    except RecursionError:
        print("superpos: error: input nested too deeply", file=sys.stderr)
        return 2
    except MemoryError:
        kill_children()
        print(f"superpos: error: out of memory during {budget.part} (this process; "
              f"solver processes are capped by --memory-limit)", file=sys.stderr)
        return 2
    except Exception as e:
        if _interrupted(e):
            kill_children()
            print("superpos: interrupted", file=sys.stderr)
            return 130
        raise
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
