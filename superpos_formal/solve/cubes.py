"""Cube-and-conquer for one hard cell, every part with a checked proof.

Cube and conquer (Heule, Kullmann, Wieringa, Biere, "Cube and Conquer:
Guiding CDCL SAT Solvers by Lookaheads", HVC 2011) splits a formula ``F``
into cubes ``c_1 .. c_N`` (conjunctions of literals) and solves each
``F and c_i`` on its own. Here each cube is one Dask task (or one step of a
loop) that logs CaDiCaL's DRAT proof of ``F and c_i``; the proof is checked
(dratify's native engine) on the worker that made it.

Why the parts make a refutation of ``F``: the cover clauses ``{not c_i}``
are refuted by a DRAT proof of their own (:func:`cover_proof`), i.e.
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
>>> sh = Shape(mode="explicit", activation="step", n=1, B=1)
>>> r = cube_and_conquer(uand(3), sh, depth=2)
>>> r.status, len(r.cubes), all(c.status == "UNSAT" for c in r.answers)
('UNSAT', 9, True)
"""

import multiprocessing as mp
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from itertools import product
from types import SimpleNamespace

from ..certify.drat import check_drat, gzip_bytes, read_text, require_verified
from ..encode.ints import FALSE, TRUE
from ..encode.sat import encode_family_sat, encode_sat
from ..errors import InputError, SoundnessError
from ..verify import verify
from .runner import DEFAULT_SOLVER, solve_cnf

__all__ = ["split_cubes", "cover_proof", "solve_cube", "cube_and_conquer", "CubeAnswer",
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
    >>> len(cubes), all(len(c) >= 2 for c in cubes)
    (9, True)
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


def _solve_cover(cubes):
    from pysat.solvers import Solver

    with Solver(name=DEFAULT_SOLVER, bootstrap_with=[[-l for l in c] for c in cubes],
                with_proof=True) as s:
        if s.solve():
            return None
        return "\n".join(s.get_proof()) + "\n"


def cover_proof(cubes):
    """DRAT proof that the cubes cover every assignment (their negations are
    unsatisfiable), checked before it is returned; InputError if they do not.

    >>> cover_proof([[1], [-1, 2], [-1, -2]]).endswith("0\\n")
    True
    >>> cover_proof([[1], [-1, 2]])
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: cubes: they do not cover every assignment
    """
    if not cubes:
        raise InputError("cubes: an empty list covers nothing")
    text = _solve_cover(cubes)
    if text is None:
        raise InputError("cubes: they do not cover every assignment")
    require_verified(check_drat([[-l for l in c] for c in cubes], text=text,
                                checkers=("native",)), "cover proof")
    return text


@dataclass
class CubeAnswer:
    index: int
    status: str  # SAT | UNSAT | UNKNOWN
    seconds: float
    proof_gz: bytes = None
    proof_lines: int = 0
    check_seconds: float = 0.0
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
    """Solve ``F and cube`` with a DRAT proof, check the proof; a CubeAnswer.

    Runs on a Dask worker or in this process; the proof comes back gzipped.
    """
    import socket

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
            text = read_text(pp)
            t0 = time.perf_counter()
            require_verified(check_drat(SimpleNamespace(clauses=f, nvars=nvars), text=text,
                                        checkers=("native",)), f"proof of cube {index}")
            ans.check_seconds = time.perf_counter() - t0
            ans.proof_gz = gzip_bytes(text)
            ans.proof_lines = text.count("\n")
        return ans
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _encode(task, family, shape, symmetry, sums):
    if family is not None:
        return encode_family_sat(list(family.members()), shape, symmetry=symmetry, sums=sums)
    return encode_sat(task, shape, symmetry=symmetry, sums=sums)


def cube_and_conquer(task, shape, *, family=None, depth=2, time_limit=None, client=None,
                     symmetry=True, sums="tree", progress=None):
    """Decide one cell by cube and conquer; a :class:`CubeResult`.

    ``time_limit`` is per cube. With ``client`` (a dask.distributed Client)
    every cube is a task; without, the cubes run one after another here.
    UNSAT means every cube's DRAT proof was checked and the cover proof was
    checked; a SAT cube's network has been verified exhaustively; UNKNOWN
    when a cube reached its limit (and none was SAT).
    """
    t0 = time.perf_counter()
    enc = _encode(task, family, shape, symmetry, sums)
    cubes = split_cubes(enc, depth)
    cover = cover_proof(cubes)
    answers = []
    sat = None
    if client is None:
        for i, c in enumerate(cubes):
            a = solve_cube(enc.clauses, enc.nvars, i, c, time_limit)
            answers.append(a)
            if progress:
                progress(f"cube {i + 1}/{len(cubes)}: {a.status} in {a.seconds:.2f}s")
            if a.status == "SAT":
                sat = a
                break
    else:
        from dask.distributed import as_completed

        [F] = client.scatter([enc.clauses], broadcast=True)
        futs = [client.submit(solve_cube, F, enc.nvars, i, c, time_limit, pure=False,
                              key=f"cube-{i}-{os.getpid()}-{time.time_ns()}")
                for i, c in enumerate(cubes)]
        try:
            for f in as_completed(futs):
                a = f.result()
                answers.append(a)
                if progress:
                    progress(f"cube {a.index + 1}/{len(cubes)}: {a.status} in "
                             f"{a.seconds:.2f}s ({len(answers)}/{len(cubes)} done)")
                if a.status == "SAT":
                    sat = a
                    break
        finally:
            client.cancel([f for f in futs if not f.done()], force=True)
            client.cancel([F])
    answers.sort(key=lambda a: a.index)
    res = CubeResult("UNKNOWN", cubes, answers, time.perf_counter() - t0, cover, encoding=enc)
    if sat is not None:
        _, _, nets = enc.decode_all(sat.model)
        members = list(family.members()) if family is not None else [task]
        for net, t in zip(nets, members):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"SAT cube {sat.index} decodes to a network that fails "
                                     f"{v.errors} bit(s); encoder bug")
        res.status, res.network, res.networks = "SAT", nets[0], nets
    elif len(answers) == len(cubes) and all(a.status == "UNSAT" for a in answers):
        res.status = "UNSAT"
    return res
