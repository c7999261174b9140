"""The representation question with one-hot inputs, as a choice of code vectors.

The representation question (docs/MODEL.md, 4.1) with ``s = 1`` asks for
codes ``E`` (``n x m``) and ``R`` (``m x n``), entries in
``[-B_code, B_code]``, with ``[R E x >= theta] = x`` on ``X(m, 1)`` (the
zero input and the ``m`` unit vectors). On ``e_i`` the ``j``-th output is
``[r_j . p_i >= theta]``, ``p_i`` the ``i``-th column of ``E`` and ``r_j``
the ``j``-th row of ``R``; on ``0`` every output is ``[0 >= theta]``. So the
question is: are there ``m`` vectors ``p_i`` of the grid ``G = [-B_code,
B_code]^n``, each with a *private readout* ``r_i`` in ``G`` (``r_i . p_i >=
theta`` and ``r_i . p_k <= theta - 1`` for ``k != i``), and ``theta >= 1``?

The order-encoded formula of :mod:`superpos_formal.encode.sat` multiplies
unknown integers; this encoder instead *chooses* vectors of ``G``, whose dot
products are constants computed here, so no arithmetic is left in the CNF.
It also leaves out which feature gets which vector, because the identity
task treats all features alike. The variables:

* ``s_p`` for every vector ``p`` of ``G``: ``p`` is a column of ``E``;
* ``y_(k,p)`` for ``k < m``: slot ``k`` holds ``p`` (the slots count the
  chosen vectors);
* ``t_(p,r)`` for ``r . p >= theta``: ``r`` is the private readout of ``p``.

The clauses (``F``):

* every slot holds some vector, ``OR_p y_(k,p)``; a vector is in a slot
  only if chosen, ``~y_(k,p) | s_p``; two slots never hold one vector,
  ``~y_(k,p) | ~y_(k',p)`` -- so at least ``m`` vectors are chosen;
* a chosen vector has a private readout, ``~s_p | OR_r t_(p,r)``;
* that readout fires on no other chosen vector, ``~t_(p,r) | ~s_q`` for every
  ``q != p`` with ``r . q >= theta``;
* ``theta <= 0``: the empty clause (the zero input would fire every output).

Why ``F`` is satisfiable exactly when the question is (the encoder's
correctness argument; ``tests/test_code_choice.py`` holds it against the
order encoding and against brute force on small grids):

* A network gives a model. Its columns are distinct (``p_i = p_k`` would
  give ``r_i . p_k = r_i . p_i >= theta``). Set ``s`` on the columns, slot
  ``k`` to column ``k``, and ``t_(p_i, r_i)``; a clause ``~t_(p_i,r_i) |
  ~s_q`` with ``s_q`` true has ``q = p_k``, ``k != i``, and then
  ``r_i . q <= theta - 1``, so the clause is not emitted.
* A model gives a network. The slots name ``m`` distinct chosen vectors;
  column ``i`` is slot ``i``'s vector (the first true ``y`` when a slot has
  several), row ``i`` of ``R`` a true ``t`` of it; ``r_i . p_i >= theta``
  because ``t`` exists only then, and ``r_i . p_k <= theta - 1`` because
  ``p_k`` is chosen and the clause ``~t | ~s_(p_k)`` would be violated
  otherwise. :meth:`CodeChoiceEncoding.decode` builds it, and every network
  is verified exhaustively before it is an answer.

Symmetry breaks (``symmetry=True``): the lex-leader clauses (Crawford,
Ginsberg, Luks, Roy, KR 1996; :func:`~superpos_formal.encode.lexleader.lex_leader_clauses`)
of :func:`generators`: every signed permutation of the ``n`` coordinates but
the identity (it maps ``G`` onto ``G`` and keeps every dot product, so it
permutes ``s``, ``y`` and ``t`` and maps the clauses of ``F`` onto
themselves), and the transpositions of neighbouring slots. Each is a
syntactic automorphism of ``F``, checked by the test suite and, in a
bundle's ``gen/``, by ``superpos verify``
(:mod:`superpos_formal.certify.proofcheck.generators`): so ``F`` and its
breaks are equisatisfiable with no argument outside the check. The
variables are numbered ``s`` first (grid order), then ``y``, then ``t``,
so the comparisons start on the set of chosen vectors.

Examples
--------
>>> from superpos_formal.shape import Shape
>>> from superpos_formal.tasks import identity
>>> enc = encode_sat(identity(4), Shape("superposed", "relu", n=2, L=0, B_code=1,
...                                     codes="free"), symmetry=False)
>>> enc.info["vectors"], enc.nvars, len(enc.clauses)
(8, 64, 140)
"""

import itertools
import math
from dataclasses import dataclass, field

from ..errors import InputError
from ..network import Network
from ..results import CodeKind, Mode
from .lexleader import lex_leader_clauses
from .sat import dimacs_text

__all__ = ["encode_sat", "encode_family_sat", "applies", "generators", "grid", "vectors",
           "CodeChoiceEncoding", "ENCODER_NAME", "ENCODER_VERSION", "MAX_GRID"]

ENCODER_NAME = "code-choice"
#: bump on any change of the CNF produced for some input (bundles record it)
ENCODER_VERSION = "1"
#: the largest grid (vectors of ``[-B_code, B_code]^n`` but 0) encoded: the
#: readout clauses grow as the cube of the grid (``n = 3, B_code = 2``: 124
#: vectors, about 0.5 M clauses at ``m = 9``)
MAX_GRID = 400


def grid(n, B_code):
    """The nonzero vectors of ``[-B_code, B_code]^n``, in lexicographic order.

    >>> grid(1, 2)
    [(-2,), (-1,), (1,), (2,)]
    """
    return [p for p in itertools.product(range(-B_code, B_code + 1), repeat=n) if any(p)]


def vectors(n, B_code, theta):
    """The vectors the encoder chooses from: :func:`grid`, and for
    ``theta = 1`` only its *primitive* vectors (entries with gcd 1).

    With ``theta = 1`` only signs matter: for integers ``r . p >= 1`` iff
    ``r . p > 0``, and ``r . p <= 0`` keeps its truth when ``p`` (or ``r``)
    is divided by the gcd of its entries, which stays in the grid. So a
    network's columns and rows can be replaced by their primitive vectors
    and it stays correct: the question is the same over primitive vectors.

    >>> len(grid(3, 2)), len(vectors(3, 2, 1)), len(vectors(3, 2, 2))
    (124, 98, 124)
    """
    out = grid(n, B_code)
    if theta == 1:
        out = [p for p in out if math.gcd(*p) == 1]
    return out


def applies(task, shape):
    """``None`` when this encoder answers the question of ``task`` at
    ``shape``, else the reason it does not (one line).

    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.tasks import identity, uand
    >>> sh = Shape("superposed", "relu", n=3, L=0, B_code=2, codes="free")
    >>> applies(identity(9), sh) is None
    True
    >>> applies(identity(4, s=2), sh)
    'needs one-hot inputs (s = 1), got s = 2'
    """
    if shape.mode != Mode.SUPERPOSED or shape.L != 0 or shape.codes != CodeKind.FREE:
        return "needs the representation question (superposed, L = 0, free codes)"
    if task.s != 1:
        return f"needs one-hot inputs (s = 1), got s = {task.s}"
    if shape.tolerance:
        return "needs exact correctness (tolerance 0)"
    if task.m != task.m_out or any(tuple(task(x)) != tuple(x) for x in task.inputs):
        return f"needs the identity task, got {task.name}"
    size = (2 * shape.B_code + 1) ** shape.n - 1
    if size > MAX_GRID:
        return f"the code grid has {size} vectors (more than {MAX_GRID})"
    return None


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


class _Vars:
    """The variable numbering: ``s`` (grid order), ``y`` (slot-major), ``t``."""

    def __init__(self, P, m, theta):
        self.P, self.m = P, m
        self.index = {p: k for k, p in enumerate(P)}
        N = len(P)
        self.s = {p: 1 + k for k, p in enumerate(P)}
        self.y = {(k, p): 1 + N + k * N + i for k in range(m) for i, p in enumerate(P)}
        top = N + m * N
        self.t = {}
        for p in P:
            for r in P:
                if _dot(r, p) >= theta:
                    top += 1
                    self.t[(p, r)] = top
        self.nvars = top


def _base_clauses(v, theta):
    P, m = v.P, v.m
    if theta <= 0:
        return [[]]
    out = []
    for k in range(m):
        out.append([v.y[(k, p)] for p in P])
    for k in range(m):
        for p in P:
            out.append([-v.y[(k, p)], v.s[p]])
    for p in P:
        for k in range(m):
            for k2 in range(k + 1, m):
                out.append([-v.y[(k, p)], -v.y[(k2, p)]])
    fires = {r: [q for q in P if _dot(r, q) >= theta] for r in P}
    for p in P:
        out.append([-v.s[p]] + [v.t[(p, r)] for r in P if (p, r) in v.t])
        for r in P:
            if (p, r) in v.t:
                out += [[-v.t[(p, r)], -v.s[q]] for q in fires[r] if q != p]
    return out


def _signed_permutations(n):
    for perm in itertools.permutations(range(n)):
        for signs in itertools.product((1, -1), repeat=n):
            yield perm, signs


def generators(enc):
    """``[(name, map, K)]``: the automorphisms whose lex-leader clauses are
    the breaks (module docstring), each a ``var -> literal`` map over the
    variables it moves, and ``K``: its lex-leader constraint compares variables
    ``1..K`` (a truncation, sound as well: ``lexleader`` module docstring) --
    the ``s`` block for the coordinate maps, ``s`` and ``y`` for the slots."""
    v, P = enc._vars, enc._vars.P
    out = []
    for perm, signs in _signed_permutations(len(P[0]) if P else 0):
        if perm == tuple(range(len(perm))) and all(s == 1 for s in signs):
            continue

        def g(p):
            return tuple(signs[k] * p[perm[k]] for k in range(len(p)))
        mp = {}
        for p in P:
            q = g(p)
            if q == p:
                continue
            mp[v.s[p]] = v.s[q]
            for k in range(v.m):
                mp[v.y[(k, p)]] = v.y[(k, q)]
        for (p, r), var in v.t.items():
            img = (g(p), g(r))
            if img != (p, r):
                mp[var] = v.t[img]
        if mp:
            name = "coords " + ",".join(f"{'-' if s < 0 else '+'}{k}"
                                        for k, s in zip(perm, signs))
            # truncated to the choice s: the order on chosen sets is what
            # prunes; comparing y and t as well costs a fresh variable per
            # moved variable and slowed the m = 9 refutation 13x
            out.append((name, mp, len(P)))
    for k in range(v.m - 1):
        mp = {}
        for p in P:
            mp[v.y[(k, p)]] = v.y[(k + 1, p)]
            mp[v.y[(k + 1, p)]] = v.y[(k, p)]
        out.append((f"slots {k},{k + 1}", mp, len(P) * (1 + v.m)))
    return out


@dataclass
class CodeChoiceEncoding:
    """The CNF of :func:`encode_sat` and what reads a network back out of a model."""

    clauses: list
    nvars: int
    info: dict
    shape: object
    _vars: object = field(repr=False, default=None)
    sb_ranges: list = field(repr=False, default_factory=list)

    def to_dimacs(self):
        """Deterministic DIMACS text (a comment header names the encoder)."""
        return dimacs_text(self.clauses, self.nvars, ENCODER_NAME, ENCODER_VERSION)

    def decode_all(self, model):
        """``(E, R, [network])`` from a SAT model (module docstring)."""
        truth = {lit for lit in model if lit > 0}
        v, P, sh = self._vars, self._vars.P, self.shape
        cols, rows = [], []
        for k in range(v.m):
            p = next(p for p in P if v.y[(k, p)] in truth)
            r = next(r for r in P if (p, r) in v.t and v.t[(p, r)] in truth)
            cols.append(p)
            rows.append(list(r))
        E = [[col[d] for col in cols] for d in range(sh.n)]
        net = Network(sh.mode, sh.activation, E, (), None, None, rows, sh.theta, sh.B,
                      sh.B_bias, sh.B_code)
        return E, rows, [net]

    def decode(self, model):
        return self.decode_all(model)[2][0]


def encode_sat(task, shape, *, symmetry=True, **options):
    """The CNF of the representation question of ``task`` at ``shape``
    (module docstring). ``symmetry`` adds the lex-leader clauses of
    :func:`generators`. Any other option is refused: none applies here, and
    one that changes the question must not be ignored."""
    if options:
        raise InputError(f"{ENCODER_NAME}: option {sorted(options)[0]!r} does not apply "
                         f"(only 'symmetry')")
    if not isinstance(symmetry, bool):
        raise InputError(f"{ENCODER_NAME}: symmetry must be true or false")
    why = applies(task, shape)
    if why:
        raise InputError(f"{ENCODER_NAME}: {why}")
    P = vectors(shape.n, shape.B_code, shape.theta)
    v = _Vars(P, task.m, shape.theta)
    clauses = _base_clauses(v, shape.theta)
    info = {"encoder": ENCODER_NAME, "version": ENCODER_VERSION, "vectors": len(P),
            "symmetry": symmetry, "breaks": []}
    enc = CodeChoiceEncoding(clauses, v.nvars, info, shape, v)
    if symmetry:
        gens = generators(enc)
        sb, top = lex_leader_clauses([g for _, g, _ in gens], [K for _, _, K in gens],
                                     v.nvars)
        enc.sb_ranges = [("lex-leader of the generators", len(clauses), len(clauses) + len(sb))]
        enc.clauses = clauses + sb
        enc.nvars = top
        info["breaks"] = ["coordinate signed permutations", "slot order"]
    info.update(vars=enc.nvars, clauses=len(enc.clauses))
    return enc


def encode_family_sat(tasks, shape, **options):
    raise InputError(f"{ENCODER_NAME}: encodes the representation question of one task "
                     f"only, not a family")
