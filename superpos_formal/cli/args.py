"""Shared argparse ``type=`` validators: every flag value checked at the door.

Each validator turns a command-line string into a value or raises
``argparse.ArgumentTypeError`` with what was expected; the dispatcher
(:mod:`superpos_formal.cli`) prints it as one line ``superpos: error:
argument --x: ...`` with exit status 2, never a traceback.

Examples
--------
>>> seconds("2.5")
2.5
>>> seconds("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 'nan' is not a finite number of seconds
>>> bounded_int(0, 10)("11")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be in 0..10, got 11
"""

import argparse
import math
import os
from contextlib import contextmanager

from .. import tasks
from ..errors import InputError
from ..solve.runner import DEFAULT_MEMORY_MB, solver_names

__all__ = ["parse_pairs", "parse_ints", "parse_range", "parse_table", "task_from_text", "seconds", "bounded_int", "memory_mb", "workers", "cap_workers",
           "solver_name", "out_dir", "out_file",
           "add_budget_args", "flag_names", "FLAGS", "MAX_SECONDS", "MAX_WEIGHT_BOUND", "MAX_WIDTH", "MAX_M"]

#: longest time limit or budget accepted (a year): larger values are typos,
#: and 1e308 would overflow the timers
MAX_SECONDS = 365 * 24 * 3600.0
#: weights, biases and code entries: the order encoding needs ~2B literals
#: per integer, so bounds beyond this cannot be encoded anyway
MAX_WEIGHT_BOUND = 1000
#: hidden widths and counts of features / outputs
MAX_WIDTH = 1000
MAX_M = 100_000


def seconds(text):
    """A finite, positive number of seconds, at most :data:`MAX_SECONDS`."""
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of seconds")
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    if v > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"at most {MAX_SECONDS:g} seconds (a year), "
                                         f"got {text}")
    return v


def bounded_int(lo=None, hi=None):
    """A validator for integers in ``lo..hi`` (either end may be None)."""

    def parse(text):
        try:
            v = int(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            if hi is None:
                raise argparse.ArgumentTypeError(f"must be >= {lo}, got {v}")
            if lo is None:
                raise argparse.ArgumentTypeError(f"must be <= {hi}, got {v}")
            raise argparse.ArgumentTypeError(f"must be in {lo}..{hi}, got {v}")
        return v

    parse.__name__ = "integer"
    return parse


def memory_mb(text):
    """A memory limit in MB: an integer, at least 256 (a solver process
    starts as a copy of this one, a few hundred MB of address space)."""
    return bounded_int(256, 2 ** 30)(text)


#: largest worker count accepted at all; what a run gets is capped by the
#: machine (:func:`cap_workers`)
MAX_WORKERS = 4096


def workers(text):
    """A worker count, ``0..MAX_WORKERS`` (0: in this process)."""
    return bounded_int(0, MAX_WORKERS)(text)


def cap_workers(n, stream=None):
    """``n`` workers, at most ``os.cpu_count()`` of them: more worker
    processes than CPUs only add memory and start-up time. Says so on
    ``stream`` (stderr) when it caps."""
    import sys

    cpus = os.cpu_count() or 1
    if n > cpus:
        print(f"superpos: note: --workers {n} capped at {cpus} (the CPUs of this machine)",
              file=stream or sys.stderr, flush=True)
        return cpus
    return n


def out_file(text):
    """An output file: not an existing directory, and its folder must exist
    (checked before any work is done)."""
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} is a directory, not a file")
    parent = os.path.dirname(text) or "."
    if not os.path.isdir(parent):
        raise argparse.ArgumentTypeError(f"{parent}: no such directory")
    return text


def solver_name(text):
    """A solver python-sat knows; the error lists them all."""
    if text not in solver_names(aliases=True):
        raise argparse.ArgumentTypeError(f"unknown solver {text!r}; python-sat has: "
                                         + ", ".join(solver_names()))
    return text


def out_dir(text):
    """An output directory: it may exist as a directory, not as a file
    (checked here, before any work is done)."""
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} exists and is not a directory")
    return text


def add_budget_args(p, memory=True, budget=True):
    """``--budget SECONDS`` and (with ``memory``) ``--memory-limit MB``
    (stored as ``memory_mb``); the dispatcher turns them into the command's
    :class:`~superpos_formal.budget.Budget`."""
    g = p.add_argument_group("limits")
    if budget:
        g.add_argument("--budget", type=seconds, default=None, metavar="SECONDS",
                       help="wall-clock budget for the whole command (enumeration, "
                            "encoding, every solve, proof checks, bundling); what it cuts is "
                            "reported UNKNOWN or unchecked, and the part it cut is named")
    if not memory:
        return g
    g.add_argument("--memory-limit", type=memory_mb, default=None, metavar="MB",
                   dest="memory_mb",
                   help=f"address-space cap of each solver / checker process, MB (default "
                        f"{DEFAULT_MEMORY_MB}); reaching it gives UNKNOWN(memory)")
    return g


#: the flag that sets each field the model names in its errors (the library
#: speaks of fields: a notebook user never typed a flag)
FLAGS = {"m": "--m", "s": "--s", "m_out": "--m-out", "pairs": "--pairs", "pi": "--pi",
         "seed": "--seed", "outputs": "--outputs", "op": "--op", "sample": "--sample",
         "n": "--n", "L": "--L", "B": "--B", "B_bias": "--B-bias", "B_code": "--B-code",
         "theta": "--theta", "tolerance": "--tolerance", "mode": "--mode",
         "activation": "--activation", "codes": "--codes", "code_k": "--code-k",
         "code_seed": "--code-seed", "time_limit": "--time-limit", "budget": "--budget",
         "solver": "--solver", "sums": "--sums", "encoder": "--encoder", "m_out_min": "--m-out-min",
         "m_out_max": "--m-out-max", "limit": "--limit", "threshold": "--threshold",
         "method": "--method", "family_method": "--family-method"}


@contextmanager
def flag_names(**extra):
    """Re-raise an :class:`InputError` whose message starts with a field name
    (``pi: ...``) as one naming the flag (``--pi: ...``); ``extra`` maps
    more fields (``kind="--task"``).

    >>> with flag_names(kind="--task"):
    ...     raise InputError("m_out: must be in 1..3, got 4")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: --m-out: must be in 1..3, got 4
    """
    try:
        yield
    except InputError as e:
        name, sep, rest = str(e).partition(": ")
        flag = dict(FLAGS, **extra).get(name)
        if not sep or flag is None:
            raise
        raise InputError(f"{flag}: {rest}") from None


# ------------------------------------------------------------------ task text

def parse_pairs(text, option="pairs"):
    """``"0-1,1-2"`` -> ``[[0, 1], [1, 2]]`` (the ``--pairs`` text).

    >>> parse_pairs("0-1, 2-3")
    [[0, 1], [2, 3]]
    >>> parse_pairs("0_1")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: pairs: '0_1' is not a pair I-J (expected e.g. 0-1,1-2)
    """
    out = []
    for item in text.split(","):
        parts = item.strip().split("-")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise InputError(f"{option}: {item.strip()!r} is not a pair I-J "
                             f"(expected e.g. 0-1,1-2)")
        out.append([int(parts[0]), int(parts[1])])
    return out


def parse_ints(text, option):
    """``"2,0,1"`` -> ``[2, 0, 1]`` (the ``--pi`` text).

    >>> parse_ints("2,0,1", "pi")
    [2, 0, 1]
    """
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a comma-separated list of "
                         f"integers (e.g. 2,0,1)") from None


def parse_range(text, option, low=1):
    """``"K"`` or ``"LO..HI"`` -> ``range(LO, HI + 1)``, ``low <= LO <= HI``.

    >>> list(parse_range("3..5", "m"))
    [3, 4, 5]
    >>> parse_range("1", "m", low=2)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: --m: need 2 <= LO <= HI, got '1'
    """
    lo, _, hi = str(text).partition("..")
    try:
        lo, hi = int(lo), int(hi or lo)
    except ValueError:
        raise InputError(f"--{option}: expected K or LO..HI, got {text!r}") from None
    if not low <= lo <= hi:
        raise InputError(f"--{option}: need {low} <= LO <= HI, got {text!r}")
    return range(lo, hi + 1)


def parse_table(text, option="outputs"):
    """Truth-table rows from the ``--outputs`` text: ``"0,1,1,0"`` or
    ``"00,01,01,10"`` (one bit string per input of ``X(m, s)`` in domain
    order) -> list of 0/1 rows.

    >>> parse_table("01,10")
    [[0, 1], [1, 0]]
    """
    rows = []
    for item in text.split(","):
        item = item.strip()
        if not item or set(item) - {"0", "1"}:
            raise InputError(f"{option}: {item!r} is not a bit string (one row of "
                             f"0/1 per input, e.g. 0,1,1,0)")
        rows.append([int(c) for c in item])
    return rows


def task_from_text(kind, m, *, s=None, pairs=None, pi=None, m_out=None, seed=None,
                   outputs=None, kind_flag="--task"):
    """:func:`superpos_formal.tasks.build_task` from the CLI's text options
    (``--pairs 0-1,1-2``, ``--pi 2,0,1``, ``--outputs 0,1,1,0``), parsed
    here; errors name the flags.

    >>> task_from_text("and_pairs", 3, pairs="0-1").name
    'and_pairs(m=3,pairs=0-1)'
    """
    with flag_names(kind=kind_flag):
        return tasks.build_task(
            kind, m, s=s, m_out=m_out, seed=seed,
            pairs=None if pairs is None else parse_pairs(pairs),
            pi=None if pi is None else parse_ints(pi, "pi"),
            outputs=None if outputs is None else parse_table(outputs))
