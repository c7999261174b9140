"""The ``superpos`` command: thin dispatch to the library.

Each command group lives in its own module with a ``register(subparsers)``
function; this file only wires them up and turns :class:`InputError` into a
one-line ``superpos: error: ...`` with exit status 2 (never a traceback).
A failed verification exits 1.
"""

import argparse
import sys

from ..version import __version__
from ..errors import InputError, SoundnessError
from . import campaign, core, cubes, family, proofs, report, search

__all__ = ["main", "build_parser"]

#: command-group modules, in help order
GROUPS = (core, search, campaign, cubes, proofs, family, report)


def build_parser():
    p = argparse.ArgumentParser(
        prog="superpos",
        description="Exact, checked facts about neural computation in superposition.",
    )
    p.add_argument("--version", action="version", version=f"superpos-formal {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in GROUPS:
        mod.register(sub)
    return p


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except InputError as e:
        print(f"superpos: error: {e}", file=sys.stderr)
        return 2
    except SoundnessError as e:
        print(f"superpos: SOUNDNESS ERROR (a bug, not a result): {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("superpos: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
