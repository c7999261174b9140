"""Core commands: make tasks and families, check, draw and show networks.

``superpos task``, ``superpos family``, ``superpos check``, ``superpos draw``,
``superpos show``. Every user mistake is raised as :class:`InputError` naming
the field or option, so the dispatcher prints one line and exits 2.
"""

import argparse
import json
import sys

from .. import tasks
from ..errors import InputError
from ..graph import EXPORT_SUFFIXES, export
from ..results import Mode
from ..schema import dump, load, write_json
from ..verify import verify
from .args import flag_names, task_from_text

__all__ = ["register"]

TASK_KINDS = tasks.TASK_KINDS
FAMILY_KINDS = tasks.FAMILY_KINDS
MAX_COUNTEREXAMPLES = 10


def _emit(obj, out, what):
    if out is None:
        json.dump(dump(obj), sys.stdout, indent=1)
        print()
        return
    try:
        write_json(obj, out)
    except OSError as e:
        raise InputError(f"-o: cannot write {out} ({e.strerror or e})") from None
    print(f"wrote {what} to {out}")


# ------------------------------------------------------------------ task

def cmd_task(a):
    task = task_from_text(a.kind, a.m, s=a.s, pairs=a.pairs, pi=a.pi, m_out=a.m_out,
                          seed=a.seed, outputs=a.outputs, kind_flag="KIND")
    _emit(task, a.output, f"task {task.name} (m={task.m}, m'={task.m_out}, "
                          f"s={task.s}, |X|={len(task.outputs)})")


# ------------------------------------------------------------------ family

def cmd_family(a):
    with flag_names(kind="KIND"):
        fam = tasks.build_family(a.kind, a.m, a.m_out, a.s, a.op, a.sample, a.seed)
    size = f"{fam.size} members" + (" (a SAMPLE, not the whole family)" if fam.is_sample else "")
    _emit(fam, a.output, f"family {fam.name}, {size}")


# ------------------------------------------------------------------ networks

def _load_net(path):
    return load(path, "network")


def _counts_lines(net):
    c = net.counts()
    widths = "x".join(map(str, net.widths)) or "none"
    return [
        f"hidden neurons:   {c['hidden_neurons']} (layers {c['layers']}, widths {widths})",
        f"parameters:       {c['params_dense']} dense, {c['params_nonzero']} nonzero",
        f"bits:             {c['bits']}",
        f"code nonzeros:    {c['code_nonzeros']}"
        + (" (identity codes)" if net.mode == Mode.EXPLICIT else ""),
    ]


def cmd_check(a):
    net = _load_net(a.network)
    task = load(a.task, "task")
    r = verify(net, task, tolerance=a.tolerance)
    print(f"network {a.network}: {net.mode} {net.activation}, m={net.m}, m'={net.m_out}")
    print(f"task    {a.task}: {task.name}, s={task.s}")
    for line in _counts_lines(net):
        print(line)
    bits = r.checked * task.m_out
    if r.ok:
        extra = f" ({r.errors} wrong, within tolerance {r.tolerance})" if r.errors else ""
        print(f"PASS: all {r.checked} inputs of X(m={task.m}, s={task.s}), "
              f"{bits} output bits checked{extra}")
        return 0
    print(f"FAIL: {r.errors} wrong output bits of {bits} (tolerance {r.tolerance})")
    print("first counterexamples (x, output j, expected, got):")
    for cx in r.counterexamples[:MAX_COUNTEREXAMPLES]:
        xs = "".join(map(str, cx.x))
        print(f"  x={xs}  j={cx.j}  expected={cx.expected}  got={cx.got}")
    if r.errors > MAX_COUNTEREXAMPLES:
        print(f"  ... and {r.errors - MAX_COUNTEREXAMPLES} more")
    return 1


def cmd_draw(a):
    net = _load_net(a.network)
    try:
        export(net, a.output)
    except OSError as e:
        raise InputError(f"-o: cannot write {a.output} ({e.strerror or e})") from None
    print(f"wrote {a.output}")


def format_matrix(name, M, indent="  "):
    """Right-aligned integer matrix under a ``name (rows x cols)`` header."""
    M = [list(r) for r in M]
    w = max((len(str(v)) for r in M for v in r), default=1)
    head = f"{name} ({len(M)}x{len(M[0]) if M else 0}):"
    return "\n".join([head] + [indent + " ".join(str(v).rjust(w) for v in r) for r in M])


def cmd_show(a):
    net = _load_net(a.network)
    print(f"{net.mode} network, activation {net.activation}, m={net.m}, m'={net.m_out}, "
          f"theta={net.theta}")
    print(f"bounds: weights [-{net.B}, {net.B}], biases [-{net.B_bias}, {net.B_bias}], "
          f"codes [-{net.B_code}, {net.B_code}]")
    if net.meta:
        print("meta: " + json.dumps(dict(net.meta), sort_keys=True))
    print()
    if net.mode == Mode.EXPLICIT:
        print(f"E = I ({net.m}x{net.m})")
    else:
        print(format_matrix("E", net.E))
    for l, (W, b) in enumerate(net.layers, start=1):
        print(format_matrix(f"W{l}", W))
        print(format_matrix(f"b{l}", [b]))
    if net.layers:
        print(format_matrix("V", net.V))
        print(format_matrix("c", [net.c]))
    else:
        print("no hidden layer: z = E x")
    if net.mode == Mode.EXPLICIT:
        print(f"R = I ({net.m_out}x{net.m_out})")
    else:
        print(format_matrix("R", net.R))
    print(f"y_j = [(R z)_j >= {net.theta}]")
    print()
    for line in _counts_lines(net):
        print(line)


# ------------------------------------------------------------------ register

def _nonneg(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def register(sub):
    p = sub.add_parser(
        "task", help="write a built-in task as JSON",
        description="Write a built-in task f: X(m, s) -> {0,1}^m' as JSON. "
                    "Pair tasks take explicit --pairs, or --m-out K with --seed N to "
                    "draw K distinct pairs at random (seeded, reproducible); with "
                    "neither they take all C(m, 2) pairs. parity and majority are "
                    "dense (s = m by default); table takes any truth table: "
                    "--s S --outputs ROWS, one bit string per input of X(m, s) in "
                    "domain order (superpos_formal.domain).")
    p.add_argument("kind", metavar="KIND", choices=TASK_KINDS,
                   help="one of: " + ", ".join(TASK_KINDS))
    p.add_argument("--m", type=int, required=True, help="number of input features m")
    p.add_argument("--s", type=int, default=None,
                   help="sparsity: inputs have at most s ones (default 1 for "
                        "permutation/identity, 2 for pair tasks and uand, m for "
                        "parity/majority; required for table)")
    p.add_argument("--pairs", default=None,
                   help="pairs for and/or/xor_pairs, as I-J items with I<J, e.g. 0-1,1-2")
    p.add_argument("--pi", default=None,
                   help="permutation for the permutation task (y_j = x_pi(j)), e.g. 2,0,1")
    p.add_argument("--m-out", "--k", dest="m_out", type=int, default=None,
                   help="pair tasks without --pairs: draw this many distinct pairs at "
                        "random (seeded by --seed)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed for random pairs (--m-out) or a random permutation "
                        "(permutation without --pi); default 0")
    p.add_argument("--outputs", default=None, metavar="ROWS",
                   help="table: output rows, one bit string per input of X(m, s) in "
                        "domain order, e.g. 0,1,1,0 (m'=1) or 00,10,01,11 (m'=2)")
    p.add_argument("-o", "--output", default=None, metavar="FILE.json",
                   help="output file (default: print the JSON to stdout)")
    p.set_defaults(func=cmd_task)

    p = sub.add_parser(
        "family", help="write a task family (or a seeded sample of one) as JSON",
        description="Write a task family as JSON: all m! permutations, or all "
                    "m'-sets of pairs (2-AND/OR/XOR). With --sample K --seed N, a "
                    "seeded random sample of K members, labelled as a sample in the file.")
    p.add_argument("kind", metavar="KIND", choices=FAMILY_KINDS,
                   help="one of: " + ", ".join(FAMILY_KINDS))
    p.add_argument("--m", type=int, required=True, help="number of input features m")
    p.add_argument("--m-out", dest="m_out", type=int, default=None,
                   help="pair-sets: pairs per member m' (required)")
    p.add_argument("--s", type=int, default=None,
                   help="sparsity (default 1 for permutations, 2 for pair-sets)")
    p.add_argument("--op", choices=("and", "or", "xor"), default=None,
                   help="pair-sets: operation on each pair (default and)")
    p.add_argument("--sample", type=int, default=None, metavar="K",
                   help="keep only a seeded random sample of K members")
    p.add_argument("--seed", type=int, default=None,
                   help="seed for --sample (default 0)")
    p.add_argument("-o", "--output", default=None, metavar="FILE.json",
                   help="output file (default: print the JSON to stdout)")
    p.set_defaults(func=cmd_family)

    p = sub.add_parser(
        "check", help="verify a network against a task exhaustively",
        description="Evaluate the network on every input of X(m, s) in exact integer "
                    "arithmetic. Prints counts and PASS; on failure prints FAIL and "
                    "the first counterexamples and exits 1.")
    p.add_argument("network", metavar="NET.json", help="network file")
    p.add_argument("task", metavar="TASK.json", help="task file")
    p.add_argument("--tolerance", type=_nonneg, default=0, metavar="K",
                   help="accept at most K wrong (x, j) output bits (default 0: exact)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "draw", help="draw or export a network (png, svg, graphml, dot)",
        description="Export a network by the output suffix: .png/.svg (matplotlib "
                    "drawing), .graphml (networkx), .dot (Graphviz source).")
    p.add_argument("network", metavar="NET.json", help="network file")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="output file; suffix one of " + ", ".join(EXPORT_SUFFIXES))
    p.set_defaults(func=cmd_draw)

    p = sub.add_parser(
        "show", help="print a network's matrices and counts",
        description="Print mode, bounds, every matrix (E, W_l, b_l, V, c, R) and "
                    "the counts of a network file.")
    p.add_argument("network", metavar="NET.json", help="network file")
    p.set_defaults(func=cmd_show)
