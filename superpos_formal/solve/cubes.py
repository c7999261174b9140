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
Which cubes are chosen (the heuristics below) affects speed only; soundness
rests on the checked cover, so a wrong split fails closed.

Split heuristics
----------------
Both split on the *parameters* of the network (the order-encoding literals
``[w >= k]`` of weights and biases): every other variable of the formula is
a function of them (activations, sums), so fixing parameters is what makes a
cube easier.

``lookahead`` (the default; :class:`Lookahead`), in the manner of the march
cubers: a binary decision tree grown node by node. At a node with cube
``c``, for every candidate variable ``v`` not already fixed by unit
propagation of ``c``, a MiniSat 2.2 instance (python-sat's ``propagate``;
CaDiCaL's is ~1000x slower, measured: 72 propagations 1.7 s against 2 ms)
propagates ``c + [v]`` and ``c + [-v]`` and counts the literals each implies
beyond those of ``c`` (``l`` and ``r``). The variable with the largest
march score ``1024 l r + l + r`` is split on: the product prefers splits
that simplify *both* sides (a balanced tree). A *failed literal* (one
polarity propagates to a conflict) is split on first and does not use up
depth: its conflicting child is a leaf refuted by unit propagation, and the
other child carries the forced literal. A node whose cube itself propagates
to a conflict is a leaf. Candidates: a free code's entries (``E``, ``R``; what the
members of a family share) when the code is free; otherwise the first
layer's weights and biases (of every member), then the output layer's
(``V``, ``c``).

``sign``: the sign classes (``w < 0``, ``w = 0``, ``w > 0``) of the
first-layer weights of hidden neuron 0, then neuron 1, ..., taking
``depth`` weights (up to ``3**depth`` cubes; no lookahead). After the
lexicographic symmetry break neuron 0 is the first in the order. Kept as the
baseline: it gives unbalanced cubes (benchmarks/results/scale.md).

Re-splitting: a cube that reaches its time limit can be split again by
:meth:`Lookahead.tree` under that cube (its children extend it); the
leaves of the grown tree are the new cube list, and the cover proof is made
for that list, so the certificate covers the re-split tree too.

Cancelling: cubes running in this process are registered under their run's
``tag``; :func:`cancel_cubes` kills their solver process groups (a SAT cube
makes the driver call it on every worker) and makes cubes of that run that
start later return at once.

A SAT cube decodes to a network, verified exhaustively like any SAT answer.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.shape import Shape
>>> enc = encode_sat(uand(3), Shape(mode="explicit", activation="step", n=1, B=1))
>>> cubes = split_cubes(enc, 2, split="sign")
>>> len(cubes), solve_cover(cubes) is not None
(9, True)
>>> solve_cube(enc.clauses, enc.nvars, 0, cubes[0]).status
'UNSAT'
>>> solve_cover(split_cubes(enc, 2)) is not None  # a binary tree's leaves cover
True
"""

import gzip
import multiprocessing as mp
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from array import array
from dataclasses import dataclass, field, fields, replace
from itertools import product
from typing import Callable, Optional

import numpy as np

from ..budget import Budget
from ..encode.ints import FALSE, TRUE
from ..encode.sat import encode_family_sat, encode_sat
from ..errors import InputError
from .runner import DEFAULT_SOLVER, Child

__all__ = ["split_cubes", "solve_cover", "solve_cube", "encode_cell", "CubeAnswer",
           "CubeResult", "Lookahead", "allow_children", "cancel_cubes", "split_candidates",
           "deadline_of", "PackedClauses", "unpacked", "SPLITS", "SPLIT_HEURISTIC",
           "LOOKAHEAD_SOLVER", "CubeOptions"]

SPLITS = {
    "lookahead": ("lookahead binary tree on the parameters' order literals (first layer's "
                  "weights and biases, then the output layer's): march score "
                  "1024*l*r+l+r of the literals unit propagation implies under each "
                  "polarity (MiniSat 2.2 propagate); failed literals first; a free "
                  "code's entries instead, when the code is free"),
    "sign": ("sign classes (w<0, w=0, w>0) of the first-layer weights of hidden "
             "neuron 0, then 1, ...; code entries of E when L=0"),
}
#: the sign split's description (older bundles name it)
SPLIT_HEURISTIC = SPLITS["sign"]
#: solver whose ``propagate`` the lookahead uses (fast; the cubes are then
#: solved, with proofs, by CaDiCaL)
LOOKAHEAD_SOLVER = "m22"


@dataclass(frozen=True)
class CubeOptions:
    """How a cell is split and its cubes solved (never what is asked).

    Parameters
    ----------
    depth : int
        Split levels (default 2).
    split : str
        The heuristic, one of :data:`SPLITS` (default ``"lookahead"``).
    time_limit : float, optional
        Seconds per cube; a cube at its limit is UNKNOWN (or split again).
    resplit : int
        Times a cube at its time limit is split again by lookahead, along
        one branch (default 0).
    resplit_depth : int
        Levels of each re-split (default 2).
    symmetry : bool
        The encoder's symmetry breaks in ``F`` (default True).
    sums : str
        Output-sum encoding of ``F`` (default ``"tree"``).
    memory_mb : int, optional
        Each cube solver's address-space cap (default: the budget's).
    budget : Budget, optional
        The whole run, on every worker (default: the active budget).
    progress : callable, optional
        Receives one line per cube answered.

    Examples
    --------
    >>> CubeOptions.of(None, {"depth": 3})
    CubeOptions(depth=3)
    >>> CubeOptions(split="random")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: cube split: unknown heuristic 'random' (one of lookahead, sign)
    """

    depth: int = 2
    split: str = "lookahead"
    time_limit: Optional[float] = None
    resplit: int = 0
    resplit_depth: int = 2
    symmetry: bool = True
    sums: str = "tree"
    memory_mb: Optional[int] = None
    budget: Optional[Budget] = None
    progress: Optional[Callable[[str], None]] = None

    def __post_init__(self):
        if isinstance(self.depth, bool) or not isinstance(self.depth, int) or self.depth < 0:
            raise InputError("cube depth: expected 0 or more")
        if self.split not in SPLITS:
            raise InputError(f"cube split: unknown heuristic {self.split!r} "
                             f"(one of {', '.join(sorted(SPLITS))})")

    def __repr__(self):
        # short: only what differs from the defaults (as SolveOptions)
        diff = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                if getattr(self, f.name) != f.default]
        return f"CubeOptions({', '.join(diff)})"

    @classmethod
    def of(cls, options, kw):
        """``options`` (None: the defaults) with the keyword arguments ``kw``
        set by name; a name that is not an option is an InputError."""
        unknown = sorted(set(kw) - {f.name for f in fields(cls)})
        if unknown:
            raise InputError(f"cube options: unknown option(s) {', '.join(unknown)} (known: "
                             f"{', '.join(f.name for f in fields(cls))})")
        return replace(options or cls(), **kw)


class PackedClauses:
    """A formula's clauses as one flat int32 array (each clause ended by 0):
    how cube and conquer ships ``F`` to Dask workers.

    Why: Dask serializes a Python list item by item, one frame per clause.
    For the 4.06 M clauses of universal AND m=10, explicit ReLU, n=2, B=3
    that took 81 s of CPU and 3.3 GB on the driver (and as much again on a
    worker to take it apart), against 1.7 s and 72 MB for one pickle of this
    array. On a worker the clause lists are made once (:meth:`lists`, kept
    on the object Dask holds for every cube of the run), not per cube.

    >>> p = PackedClauses([[1, -2], [3]])
    >>> import pickle; q = pickle.loads(pickle.dumps(p))
    >>> q.lists(), len(q), list(q.fresh(per_chunk=1))
    ([[1, -2], [3]], 2, [[1, -2], [3]])
    """

    def __init__(self, clauses):
        flat = array("i")
        n = 0
        for c in clauses:
            if 0 in c:
                raise InputError(f"clause {n}: 0 is not a literal")
            flat.extend(c)  # OverflowError beyond int32: no formula here is near that
            flat.append(0)
            n += 1
        self._flat, self._n, self._lists = flat, n, None

    def __reduce__(self):
        return (_unpack_flat, (self._flat.tobytes(), self._n))

    def __len__(self):
        return self._n

    def lists(self):
        """The clauses as lists of ints (made on first use, then kept)."""
        if self._lists is None:
            out = list(self.fresh())
            if len(out) != self._n:
                raise ValueError(f"packed formula: {len(out)} clauses, expected {self._n}")
            self._lists = out
        return self._lists

    def fresh(self, per_chunk=65536):
        """The clauses as new lists, made from the flat array a chunk at a
        time: what a forked solver child reads. Reading :meth:`lists` there
        would write every list's and int's reference count, so the child
        would copy the pages of the worker's whole formula (measured: a
        child's memory ~1.8 GB larger on uand m=12 relu n=2 B=3)."""
        a = np.frombuffer(self._flat, dtype=np.int32)
        ends = np.flatnonzero(a == 0)
        start = 0
        for i in range(0, len(ends), per_chunk):
            part = ends[i:i + per_chunk].tolist()
            base = start
            seg = a[base:part[-1] + 1].tolist()
            for e in part:
                yield seg[start - base:e - base]
                start = e + 1


def _unpack_flat(data, n):
    p = PackedClauses(())
    p._flat.frombytes(data)
    p._n = n
    return p


def unpacked(clauses):
    """``clauses`` as a list of clauses (a :class:`PackedClauses` unpacked,
    once per object)."""
    return clauses.lists() if isinstance(clauses, PackedClauses) else clauses


def allow_children():
    """Let this process fork solver children even when it is a daemon.

    Dask starts worker processes as multiprocessing daemons, which may not
    start children; a cube's (or cell's) solver runs in its own killable
    child, supervised by the task that started it, so the flag is lifted.
    """
    mp.current_process()._config["daemon"] = False


def encode_cell(task, family, shape, symmetry=True, sums="tree", members=None,
                family_symmetry=None):
    """The formula of one cell (a task, or the members of a family).

    ``members``: a subfamily (tasks of ``family``) to encode instead of every
    member; ``family_symmetry``: the relabelling order of
    :func:`~superpos_formal.encode.sat.encode_family_sat`, which the caller
    has justified for the whole family (see
    :mod:`superpos_formal.encode.symmetry`)."""
    if family is not None:
        tasks = list(family.members()) if members is None else list(members)
        return encode_family_sat(tasks, shape, symmetry=symmetry, sums=sums,
                                 family_symmetry=family_symmetry)
    return encode_sat(task, shape, symmetry=symmetry, sums=sums)


def _split_exprs(enc):
    mem = enc._members[0]
    if mem["layers"]:
        W = mem["layers"][0][0]
        return [w for row in W for w in row]
    return [e for row in enc._E for e in row]


def split_candidates(enc):
    """Variables the lookahead may split on, in priority order (ties go to
    the earlier).

    A free (solver-chosen) code: the order literals of its entries (``E``,
    then ``R``) and nothing else. The code is what the members of a family
    share; once it is fixed the members' weight problems are independent of
    each other, and a family's weights (one set per member: thousands of
    variables for 120 permutations) would make every lookahead node cost
    thousands of propagations over a formula of millions of clauses.
    Otherwise (explicit or given codes, which are constants): the first
    layer's weights and biases of every member, then the output layer's.
    """
    code = [e for M in (enc._E, enc._R) if M for row in M for e in row]
    exprs = []
    for mem in enc._members:
        if mem["layers"]:
            W, bb = mem["layers"][0]
            exprs += [w for row in W for w in row] + list(bb)
    for mem in enc._members:
        if mem["V"] is not None:
            exprs += [v for row in mem["V"] for v in row] + list(mem["c"])
    return _variables(code) or _variables(exprs)


def _variables(exprs):
    """The variables of the order literals of ``exprs`` (constants have
    none), first occurrence first."""
    out = []
    for x in exprs:
        out += [abs(l) for l in getattr(x, "lits", ()) if abs(l) != TRUE]
    return list(dict.fromkeys(out))


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


def _sign_cubes(enc, depth):
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


class Lookahead:
    """Lookahead splitter over ``clauses`` (see the module docstring).

    Holds one MiniSat instance with ``F``; :meth:`tree` may be called again
    and again (re-splitting a cube that timed out). Use as a context manager.

    >>> la = Lookahead([[1, 2], [-1, 3], [-2, 3], [-3, 4, 5]], [1, 2, 3])
    >>> la.score(2, 3)
    6149
    >>> la.tree([], 1)  # -3 is a failed literal: a leaf, and 3 holds below
    [[-3], [3, 1], [3, -1]]
    >>> la.close()
    """

    def __init__(self, clauses, candidates, solver=LOOKAHEAD_SOLVER):
        from pysat.solvers import Solver

        self.solver = Solver(name=solver, bootstrap_with=clauses)
        self.candidates = list(candidates)
        self.propagations = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.solver is not None:
            self.solver.delete()
            self.solver = None

    @staticmethod
    def score(l, r):
        """march's product score of two propagation counts."""
        return 1024 * l * r + l + r

    def _prop(self, cube):
        self.propagations += 1
        ok, lits = self.solver.propagate(assumptions=list(cube))
        return ok, lits

    def pick(self, cube):
        """``("conflict", None)`` when ``cube`` propagates to a conflict (or
        both polarities of some candidate do); ``("failed", lit)`` for a
        failed literal ``lit`` (``cube + [lit]`` conflicts); ``("split",
        var)`` for the best-scoring variable; ``("none", None)`` when every
        candidate is fixed."""
        ok, base = self._prop(cube)
        if not ok:
            return "conflict", None
        fixed = {abs(l) for l in base} | {abs(l) for l in cube}
        nb = len(base)
        best, best_var = -1, None
        for v in self.candidates:
            if v in fixed:
                continue
            ok1, p1 = self._prop(cube + [v])
            ok2, p2 = self._prop(cube + [-v])
            if not ok1 and not ok2:
                return "conflict", None
            if not ok1 or not ok2:
                return "failed", v if not ok1 else -v
            s = self.score(len(p1) - nb, len(p2) - nb)
            if s > best:
                best, best_var = s, v
        if best_var is None:
            return "none", None
        return "split", best_var

    def tree(self, cube, depth, max_leaves=4096):
        """The leaves (cubes extending ``cube``) of a lookahead tree of
        ``depth`` binary splits below ``cube``; they cover ``cube``."""
        leaves = []
        self._grow(list(cube), depth, leaves, max_leaves)
        return leaves

    def _grow(self, c, d, leaves, max_leaves):
        """Append the leaves below cube ``c`` (``d`` more splits) to ``leaves``."""
        while True:
            if d == 0 or len(leaves) >= max_leaves:
                leaves.append(c)
                return
            kind, x = self.pick(c)
            if kind in ("conflict", "none"):
                leaves.append(c)
                return
            if kind == "failed":
                leaves.append(c + [x])  # refuted by unit propagation
                c = c + [-x]  # no depth used: one side is closed already
                continue
            self._grow(c + [x], d - 1, leaves, max_leaves)
            self._grow(c + [-x], d - 1, leaves, max_leaves)
            return


def split_cubes(enc, depth, split="lookahead"):
    """The cubes of ``enc`` by the ``split`` heuristic (:data:`SPLITS`).

    ``sign``: ``depth`` split expressions -> the product of their sign
    classes (expressions with a fixed sign are passed over). ``lookahead``:
    the leaves of a lookahead tree of ``depth`` binary splits.

    >>> from superpos_formal.tasks import uand
    >>> from superpos_formal.shape import Shape
    >>> enc = encode_sat(uand(3), Shape(mode="explicit", activation="relu", n=1, B=1))
    >>> cubes = split_cubes(enc, 2, split="sign")
    >>> sorted(len(c) for c in cubes)  # classes of 1, 2, 1 literals, squared
    [2, 2, 2, 2, 3, 3, 3, 3, 4]
    """
    if depth < 0:
        raise InputError("cube depth: expected 0 or more")
    if split == "sign":
        return _sign_cubes(enc, depth)
    if split != "lookahead":
        raise InputError(f"cube split: unknown heuristic {split!r} "
                         f"(one of {', '.join(sorted(SPLITS))})")
    with Lookahead(enc.clauses, split_candidates(enc)) as la:
        return la.tree([], depth)


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
    """One cube's answer; ``proof_gz``: its DRAT proof, gzipped (UNSAT).

    ``limit`` (UNKNOWN only): ``time``, ``budget``, ``memory`` or
    ``cancelled`` (another cube was SAT); ``reason`` says it in words.

    Time: ``seconds`` and ``check_seconds`` are elapsed (wall) seconds;
    ``cpu_seconds`` is the solver child's own CPU (user + system, read in
    the child), ``check_cpu_seconds`` the CPU of the thread that checked the
    proof (decompressing it and dratify native, which runs on that thread),
    ``handling_cpu_seconds`` the rest of the task thread's CPU on the worker
    (handing the formula to the child, reading and gzipping the proof).
    Under load elapsed seconds can be several times CPU seconds, so the
    two are never added together.
    """

    index: int
    status: str  # SAT | UNSAT | UNKNOWN
    seconds: float
    proof_gz: bytes = None
    proof_lines: int = 0
    check_seconds: float = 0.0
    checked: bool = False
    model: list = None
    host: str = ""
    limit: str = None
    reason: str = ""
    cpu_seconds: float = 0.0
    check_cpu_seconds: float = 0.0
    handling_cpu_seconds: float = 0.0


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
    split: str = SPLITS["lookahead"]
    #: cubes split again after reaching their time limit
    resplit: int = 0
    #: solver pids killed when a SAT cube cancelled the rest
    killed: list = field(default_factory=list)
    #: UNKNOWN: the cubes still open (limit reached), as cubes
    open_cubes: list = field(default_factory=list)
    #: seconds spent making the cubes (lookahead)
    split_seconds: float = 0.0
    #: answers of cubes that reached their limit and were split again
    superseded: list = field(default_factory=list)
    #: refuted cubes taken from a work folder (solved in an earlier run)
    reused: int = 0
    #: why an UNKNOWN is not an answer, when it is not a limit (a SAT cube of
    #: a subfamily: its code serves those members only)
    note: str = ""
    #: a family cell: the subfamily encoded (None: every member) and the
    #: relabelling order used, which the bundle's options must repeat
    members: list = None
    family_symmetry: str = None

    def __repr__(self):
        # short: a result holds the encoding and every cube's proof
        checked = sum(1 for a in self.answers if a.checked)
        return (f"<CubeResult {self.status}: {len(self.cubes)} cubes, {checked} proofs "
                f"checked, {self.seconds:.1f}s>")

    def _all(self):
        return self.answers + self.superseded

    @property
    def solver_cpu_seconds(self):
        """CPU seconds of the cube solver processes, summed (the cubes later
        split again included)."""
        return sum(a.cpu_seconds for a in self._all())

    @property
    def check_cpu_seconds(self):
        """CPU seconds of the per-cube proof checks on the workers, summed."""
        return sum(a.check_cpu_seconds for a in self._all())

    @property
    def handling_cpu_seconds(self):
        """Worker-thread CPU seconds besides solving and checking (proof
        reading and gzip, formula hand-over), summed."""
        return sum(a.handling_cpu_seconds for a in self._all())

    @property
    def cpu_seconds(self):
        """Solver plus check plus handling CPU seconds of every cube (all
        process CPU; no elapsed seconds mixed in). Not included: the
        driver's lookahead and cover proof (``split_seconds`` etc.)."""
        return self.solver_cpu_seconds + self.check_cpu_seconds + self.handling_cpu_seconds


# ------------------------------------------------------------------ cancelling

_LOCK = threading.Lock()
#: run tag -> pids (= process groups) of the cube solvers running here
_RUNNING = {}
#: run tags cancelled in this process (a cube of such a run does not start)
_CANCELLED = set()


def cancel_cubes(tag):
    """Kill the solvers of run ``tag``'s cubes running in this process (their
    process groups) and refuse the run's cubes that start later; returns the
    pids killed. The driver calls it on every worker (``client.run``)."""
    with _LOCK:
        _CANCELLED.add(tag)
        pids = sorted(_RUNNING.get(tag, ()))
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return pids


def deadline_of(budget):
    """Wall-clock (epoch) deadline of ``budget``, or None: what a task on
    another process or machine needs to honour the command's budget."""
    if budget is None or budget.remaining() is None:
        return None
    return time.time() + budget.remaining()


def _cube_child(clauses, cube, solver, proof_path):
    from pysat.solvers import Solver

    if isinstance(clauses, PackedClauses):
        clauses = clauses.fresh()  # not the parent's lists: no copy of their pages
    with Solver(name=solver, bootstrap_with=clauses, with_proof=True) as s:
        for l in cube:  # F and the cube: its literals as unit clauses, in order
            s.add_clause([l])
        ok = s.solve()
        out = {"status": "SAT" if ok else "UNSAT"}
        if ok:
            out["model"] = s.get_model()
        else:
            proof = s.get_proof()
            with open(proof_path, "w") as fh:
                for line in proof:
                    fh.write(line)
                    fh.write("\n")
            out["proof_lines"] = len(proof)
    t = os.times()
    out["cpu"] = t.user + t.system
    return out


def solve_cube(clauses, nvars, index, cube, time_limit=None, solver=DEFAULT_SOLVER, *,
               tag=None, deadline=None, memory_mb=None):
    """Solve ``F and cube`` (the cube's literals as unit clauses) with a DRAT
    proof in a killable child; a :class:`CubeAnswer` (proof gzipped).

    ``deadline`` (epoch seconds): the whole run's budget, honoured here as a
    :class:`~superpos_formal.budget.Budget` (the limit is clamped to it).
    ``memory_mb``: the solver's address-space cap (UNKNOWN(memory) past it).
    ``tag``: the run, for :func:`cancel_cubes`.
    """
    allow_children()
    t = _CubeTimer(index)
    budget = None
    if deadline is not None:
        left = deadline - time.time()
        if left <= 0:
            return t.unknown("budget", "the run's budget was used up before this cube")
        budget = Budget(left)
    with _LOCK:
        if tag is not None and tag in _CANCELLED:
            return t.unknown("cancelled", "another cube was SAT")
    tmp = tempfile.mkdtemp(prefix="superpos-cube-")
    try:
        pp = os.path.join(tmp, "proof.drat")
        with Child(_cube_child, clauses, list(cube), solver, pp, memory_mb=memory_mb,
                   part="solving a cube", budget=budget) as ch:
            msg, cancelled = _receive(ch, tag, time_limit)
        if msg is None:
            return t.unknown("cancelled", "another cube was SAT")
        if cancelled and msg[0] != "return":
            return t.unknown("cancelled", "another cube was SAT; its solver was killed")
        if msg[0] == "limit":
            return t.unknown(msg[1].limit, msg[1].reason)
        if msg[0] == "error":
            raise RuntimeError(f"cube {index}: {msg[1]}")
        return t.answer(msg[1], pp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _CubeTimer:
    """One cube's clocks and host, from the start of :func:`solve_cube`."""

    def __init__(self, index):
        self.index = index
        self.host = socket.gethostname()
        self.t0 = time.perf_counter()
        self.c0 = time.thread_time()

    def unknown(self, limit, reason):
        return CubeAnswer(self.index, "UNKNOWN", time.perf_counter() - self.t0,
                          host=self.host, limit=limit, reason=reason)

    def answer(self, v, proof_path):
        """The answer of a child that returned ``v`` (its proof at ``proof_path``)."""
        ans = CubeAnswer(self.index, v["status"], time.perf_counter() - self.t0,
                         host=self.host, cpu_seconds=v["cpu"])
        if v["status"] == "SAT":
            ans.model = v["model"]
        else:
            with open(proof_path, "rb") as fh:
                raw = fh.read()
            ans.proof_gz = gzip.compress(raw, compresslevel=6, mtime=0)
            ans.proof_lines = raw.count(b"\n")
        ans.handling_cpu_seconds = time.thread_time() - self.c0
        return ans


def _receive(ch, tag, time_limit):
    """The child's message, registered as running under ``tag`` meanwhile
    (so :func:`cancel_cubes` can kill it); ``(message, cancelled)``, the
    message None when the run was cancelled before the child was
    registered (it is killed unheard). F and
    the cube went to the forked child as they are (no copy of F here:
    hundreds of MB per cube on a large cell)."""
    pid = ch._p.pid
    with _LOCK:
        _RUNNING.setdefault(tag, set()).add(pid)
        late = tag is not None and tag in _CANCELLED
    try:
        if late:  # cancelled between the caller's check and the registration
            ch.kill()
            return None, True
        try:
            msg = ch.recv(time_limit)
        except RuntimeError as e:
            msg = ("error", str(e))
    finally:
        with _LOCK:
            _RUNNING.get(tag, set()).discard(pid)
            cancelled = tag is not None and tag in _CANCELLED
    return msg, cancelled
