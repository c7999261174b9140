"""Cube-and-conquer for one hard cell, every part with a checked proof.

Cube and conquer (Heule, Kullmann, Wieringa, Biere, "Cube and Conquer:
Guiding CDCL SAT Solvers by Lookaheads", HVC 2011) splits a formula ``F``
into cubes ``c_1 .. c_N`` (conjunctions of literals) and solves each
``F and c_i`` on its own. Here each cube is one Dask task (or one step of a
loop) that logs CaDiCaL's DRAT proof of ``F and c_i``. This module splits
and solves; checking every proof and the cover, running the cubes on Dask
and bundling are :mod:`superpos_formal.certify.cubes`' job.

Why the parts make a refutation of ``F``: the cover clauses ``{not c_i}``
are refuted by a DRAT proof of their own (:func:`solve_cover`), i.e.
``c_1 or .. or c_N`` holds in every assignment; a model of ``F`` would
satisfy some ``c_i`` and so ``F and c_i``, which its checked proof refutes.
Which cubes are chosen (the heuristic below) affects speed only; soundness
rests on the checked cover, so a wrong split fails closed.

Split heuristic (documented choice, no lookahead): the *sign classes* of
the first hidden layer's weights of hidden neuron 0 of the (first) member,
then neuron 1, ..., taking ``depth`` weights. A weight ``w`` in the order
encoding has literals ``[w >= 0]`` and ``[w >= 1]``; its classes are
``w < 0`` (``-[w>=0]``), ``w = 0`` (``[w>=0], -[w>=1]``) and ``w > 0``
(``[w>=1]``), so ``depth`` weights give up to ``3**depth`` cubes. After the
lexicographic symmetry break on hidden neurons, neuron 0 is the first in
the order, and these literals sit at the root of what CaDiCaL branches on;
with weights in ``[-1, 1]`` a class is a single value. A shape without a
hidden layer (representation, ``L = 0``) splits on the code entries of
``E`` instead.

A SAT cube decodes to a network, verified exhaustively like any SAT answer;
the other cube futures are cancelled (cubes already running finish within
their limit and are ignored).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.shape import Shape
>>> enc = encode_sat(uand(3), Shape(mode="explicit", activation="step", n=1, B=1))
>>> cubes = split_cubes(enc, 2)
>>> len(cubes), solve_cover(cubes) is not None
(9, True)
>>> solve_cube(enc.clauses, enc.nvars, 0, cubes[0]).status
'UNSAT'
"""

import gzip
import multiprocessing as mp
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from itertools import product

from ..encode.ints import FALSE, TRUE
from ..encode.sat import encode_family_sat, encode_sat
from ..errors import InputError
from .runner import DEFAULT_SOLVER, solve_cnf

__all__ = ["split_cubes", "solve_cover", "solve_cube", "encode_cell", "CubeAnswer",
           "CubeResult", "allow_children", "SPLIT_HEURISTIC"]

SPLIT_HEURISTIC = ("sign classes (w<0, w=0, w>0) of the first-layer weights of hidden "
                   "neuron 0, then 1, ...; code entries of E when L=0")


def allow_children():
    """Let this process fork solver children even when it is a daemon.

    Dask starts worker processes as multiprocessing daemons, which may not
    start children; a cube's (or cell's) solver runs in its own killable
    child, supervised by the task that started it, so the flag is lifted.
    """
    mp.current_process()._config["daemon"] = False


def encode_cell(task, family, shape, symmetry=True, sums="tree"):
    """The formula of one cell (a task, or every member of a family)."""
    if family is not None:
        return encode_family_sat(list(family.members()), shape, symmetry=symmetry, sums=sums)
    return encode_sat(task, shape, symmetry=symmetry, sums=sums)

def _split_exprs(enc):
    mem = enc._members[0]
    if mem["layers"]:
        W = mem["layers"][0][0]
        return [w for row in W for w in row]
    return [e for row in enc._E for e in row]


def _classes(x):
    """Cubes (tuples of literals) for the sign classes of order-encoded x."""
    a, b = x.ge(0), x.ge(1)
    out = []
    for cls in ((-a,), (a, -b), (b,)):
        lits = [l for l in cls if l != TRUE]
        if FALSE in lits or any(-l in lits for l in lits):
            continue  # an empty class (the domain has no such value)
        out.append(tuple(sorted(set(lits), key=abs)))
    return [c for c in dict.fromkeys(out)]


def split_cubes(enc, depth):
    """``depth`` split expressions -> the product of their sign classes.

    Expressions with fewer than two classes (a fixed sign) are passed over.

    >>> from superpos_formal.tasks import uand
    >>> from superpos_formal.shape import Shape
    >>> enc = encode_sat(uand(3), Shape(mode="explicit", activation="relu", n=1, B=1))
    >>> cubes = split_cubes(enc, 2)
    >>> sorted(len(c) for c in cubes)  # classes of 1, 2, 1 literals, squared
    [2, 2, 2, 2, 3, 3, 3, 3, 4]
    """
    if depth < 0:
        raise InputError("cube depth: expected 0 or more")
    parts = []
    for x in _split_exprs(enc):
        if len(parts) == depth:
            break
        cls = _classes(x)
        if len(cls) >= 2:
            parts.append(cls)
    if len(parts) < depth:
        raise InputError(f"cube depth {depth}: only {len(parts)} split variables in this "
                         f"formula")
    return [sorted({l for c in combo for l in c}, key=abs) for combo in product(*parts)]


def solve_cover(cubes):
    """A DRAT proof (text) that the clauses ``{not c_i}`` are unsatisfiable,
    i.e. that the cubes cover every assignment; None when they do not.
    Unchecked here (certify/cubes.py checks it)."""
    from pysat.solvers import Solver

    with Solver(name=DEFAULT_SOLVER, bootstrap_with=[[-l for l in c] for c in cubes],
                with_proof=True) as s:
        if s.solve():
            return None
        return "\n".join(s.get_proof()) + "\n"


@dataclass
class CubeAnswer:
    """One cube's answer; ``proof_gz``: its DRAT proof, gzipped (UNSAT)."""

    index: int
    status: str  # SAT | UNSAT | UNKNOWN
    seconds: float
    proof_gz: bytes = None
    proof_lines: int = 0
    check_seconds: float = 0.0
    checked: bool = False
    model: list = None
    host: str = ""


@dataclass
class CubeResult:
    status: str
    cubes: list
    answers: list
    seconds: float
    cover_text: str = ""
    network: object = None
    networks: list = None
    encoding: object = field(default=None, repr=False)
    split: str = SPLIT_HEURISTIC

    @property
    def cpu_seconds(self):
        """Solve plus check seconds summed over the cubes (the CPU spent)."""
        return sum(a.seconds + a.check_seconds for a in self.answers)


def solve_cube(clauses, nvars, index, cube, time_limit=None, solver=DEFAULT_SOLVER):
    """Solve ``F and cube`` (the cube's literals as unit clauses) with a DRAT
    proof in a killable child; a :class:`CubeAnswer` (proof gzipped)."""
    allow_children()
    tmp = tempfile.mkdtemp(prefix="superpos-cube-")
    try:
        f = [list(c) for c in clauses] + [[l] for l in cube]
        pp = os.path.join(tmp, "proof.drat")
        r = solve_cnf(f, nvars=nvars, solver=solver, time_limit=time_limit, proof_path=pp)
        ans = CubeAnswer(index, r.status, r.seconds, host=socket.gethostname())
        if r.status == "SAT":
            ans.model = r.model
        elif r.status == "UNSAT":
            with open(pp, "rb") as fh:
                raw = fh.read()
            ans.proof_gz = gzip.compress(raw, compresslevel=6, mtime=0)
            ans.proof_lines = raw.count(b"\n")
        return ans
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
