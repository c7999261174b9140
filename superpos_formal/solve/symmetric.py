"""Exact search under an imposed symmetry (an *ansatz*): invariant networks only.

A group ``G`` acts on the features (``sigma``), on the hidden neurons
(``tau``) and, through the task, on the outputs (``rho``: for a pair task,
pair ``(a, b)`` goes to the pair ``(sigma a, sigma b)``). A network is
*invariant* when

    W[tau k][sigma i] = W[k][i],  b[tau k] = b[k],
    V[rho j][tau k]   = V[j][k],  c[rho j] = c[j]      for every g in G.

Then ``h_{tau k}(sigma x) = h_k(x)`` and ``z_{rho j}(sigma x) = z_j(x)``
(substitute), and the task is equivariant (``f(sigma x)_{rho j} = f(x)_j``;
checked, :func:`ansatz_for`), so an invariant network that is right on
``x`` is right on every ``sigma x``. The formula therefore

* has one order-encoded variable per orbit of ``G`` on the parameter
  indices (:class:`Ansatz.canon`; every parameter in an orbit *is* that
  variable: "encode only orbit representatives", no equality clauses), and
* constrains the outputs at one input per orbit of ``G`` on ``X(m, s)``
  (``inputs=`` of the encoder: the other inputs follow by equivariance).

It is much smaller than the full formula, and it is *not* the question:
an UNSAT here says only that no invariant network exists (never reported as
UNSAT for the question, and never bundled as a refutation). A SAT answer is
decoded to an ordinary :class:`~superpos_formal.network.Network` and
accepted only after :func:`~superpos_formal.verify.verify` over all of
``X(m, s)``; a verifier rejection is a SoundnessError.

Groups (:func:`ansatz_for`): the features ``0..m-1`` are rotated by ``d``
(``sigma(i) = i + d mod m``, order ``r = m / gcd(m, d)``), optionally with
the reflection ``i -> -i mod m`` (dihedral). The ``n`` hidden neurons are
split into cycles of the given lengths (each dividing ``r``): the rotation
moves ``k_t`` to ``k_{t+1}`` within its cycle, the reflection sends ``k_t``
to ``k_{-t}`` (these satisfy the dihedral relations, so ``G`` is a group
acting on neurons). Only explicit mode, one hidden layer, pair tasks.

*Block-diagonal* ansatz (``blocks=True``): with ``shift = d`` dividing
``m`` (all features rotated) the features split into ``r = m / d`` blocks
of ``d`` consecutive features, which the rotation permutes cyclically
(block ``t`` to ``t + 1``); every neuron cycle has length ``r`` and its
``t``-th neuron reads only block ``t`` (first-layer weights 0 on every
other feature). The zero pattern is a union of orbits (the rotation maps
``(k_t, block u)`` to ``(k_{t+1}, block u+1)``), so it fixes whole orbit
variables to the constant 0 and the invariance argument is unchanged: the
formula is the invariant formula with some variables set, a restriction of
the search, and a SAT answer is still decoded and verified exhaustively.
Such a network is ``r`` copies of one block network side by side (cross
pairs read from two blocks), the input of
:func:`~superpos_formal.constructions.compose.replicate`.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> a = ansatz_for(uand(4), n=2, shift=2, cycles=(2,))
>>> a.order, a.canon(("W", 0, 0, 1, 2)) == a.canon(("W", 0, 0, 0, 0))
(2, True)
"""

import time
from dataclasses import dataclass, field
from math import gcd

from ..domain import domain
# _Enc and _code_vars are the encoder's own per-run state and code builder:
# the ansatz only replaces _Enc.param (how a parameter becomes a variable), so
# every clause about sums, activations and outputs is the encoder's, unchanged
from ..encode.sat import ENCODER_NAME, ENCODER_VERSION, SatEncoding, _code_vars, _Enc
from ..encode.ints import Const
from ..errors import InputError, SoundnessError
from ..budget import Budget
from ..options import SolveOptions
from ..results import Mode
from ..shape import Shape
from ..verify import verify
from .runner import solve_cnf

__all__ = ["Ansatz", "ansatz_for", "encode_symmetric", "solve_symmetric",
           "SymmetricResult", "pair_output_perm", "is_invariant", "neuron_perms"]


def _compose(p, q):
    """``p after q`` as a tuple."""
    return tuple(p[v] for v in q)


def pair_output_perm(task, sigma):
    """``rho`` for a pair task: output of pair ``(a, b)`` -> output of the
    pair ``sorted(sigma a, sigma b)``; InputError when that pair is not an
    output (the task is not closed under ``sigma``)."""
    if task.kind not in ("and_pairs", "or_pairs", "xor_pairs"):
        raise InputError(f"symmetric: only pair tasks, got {task.kind!r}")
    pairs = [tuple(p) for p in dict(task.params)["pairs"]]
    index = {p: j for j, p in enumerate(pairs)}
    rho = []
    for a, b in pairs:
        q = tuple(sorted((sigma[a], sigma[b])))
        if q not in index:
            raise InputError(f"symmetric: the task is not closed under the feature map "
                             f"(pair {q} is not an output)")
        rho.append(index[q])
    return tuple(rho)


def neuron_perms(cycles, shift_order):
    """``(rotation, reflection)`` on neurons split into ``cycles``."""
    rot, ref, base = [], [], 0
    for e in cycles:
        if e < 1 or shift_order % e:
            raise InputError(f"symmetric: neuron cycle length {e} does not divide the "
                             f"group's rotation order {shift_order}")
        rot += [base + (t + 1) % e for t in range(e)]
        ref += [base + (-t) % e for t in range(e)]
        base += e
    return tuple(rot), tuple(ref)


@dataclass
class Ansatz:
    """A group of ``(sigma, tau, rho)`` triples (closed; ``elements``) and the
    union-find canonical map of parameter keys it induces."""

    m: int
    n: int
    m_out: int
    generators: list
    description: str
    zeros: frozenset = frozenset()
    elements: list = field(default_factory=list)
    _rep: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        ident = (tuple(range(self.m)), tuple(range(self.n)), tuple(range(self.m_out)))
        seen, todo = {ident}, [ident]
        while todo:
            g = todo.pop()
            for h in self.generators:
                gh = tuple(_compose(a, b) for a, b in zip(h, g))
                if gh not in seen:
                    seen.add(gh)
                    todo.append(gh)
        self.elements = sorted(seen)
        self._build()
        # a fixed zero must hold on whole orbits (one variable per orbit)
        if any(k not in self._rep for k in self.zeros):
            raise InputError("symmetric: a held-zero parameter is outside the ansatz")
        self.zero_reps = frozenset(self._rep[k] for k in self.zeros)
        if any(rep in self.zero_reps and k not in self.zeros for k, rep in self._rep.items()):
            raise InputError("symmetric: the zero pattern is not a union of orbits")

    @property
    def order(self):
        return len(self.elements)

    def image(self, g, key):
        sigma, tau, rho = g
        kind = key[0]
        if kind == "W":
            return ("W", key[1], key[2], tau[key[3]], sigma[key[4]])
        if kind == "b":
            return ("b", key[1], key[2], tau[key[3]])
        if kind == "V":
            return ("V", key[1], rho[key[2]], tau[key[3]])
        if kind == "c":
            return ("c", key[1], rho[key[2]])
        raise InputError(f"symmetric: no group action on parameter {key!r}")

    def keys(self):
        n, m, mo = self.n, self.m, self.m_out
        return ([("W", 0, 0, k, i) for k in range(n) for i in range(m)]
                + [("b", 0, 0, k) for k in range(n)]
                + [("V", 0, j, k) for j in range(mo) for k in range(n)]
                + [("c", 0, j) for j in range(mo)])

    def _build(self):
        # orbits: the smallest key of each orbit is its representative
        for key in self.keys():
            if key in self._rep:
                continue
            orbit = {self.image(g, key) for g in self.elements}
            rep = min(orbit)
            for k in orbit:
                self._rep[k] = rep

    def canon(self, key):
        """The representative of ``key``'s orbit (the variable it is)."""
        if key not in self._rep:
            raise InputError(f"symmetric: parameter {key!r} is outside the ansatz")
        return self._rep[key]

    def fixed_zero(self, key):
        """True when ``key``'s orbit is held at 0 (block-diagonal ansatz)."""
        return self.canon(key) in self.zero_reps

    @property
    def free_parameters(self):
        return len(set(self._rep.values()) - self.zero_reps)

    def input_representatives(self, s):
        """One input per orbit of ``G`` on ``X(m, s)`` (the smallest in domain order)."""
        X = list(domain(self.m, s))
        pos = {x: r for r, x in enumerate(X)}
        reps, done = [], set()
        for x in X:
            if x in done:
                continue
            orbit = set()
            for sigma, _, _ in self.elements:
                y = [0] * self.m
                for i, v in enumerate(x):
                    y[sigma[i]] = v
                orbit.add(tuple(y))
            done |= orbit
            reps.append(min(orbit, key=pos.__getitem__))
        return reps


def ansatz_for(task, n, shift=1, cycles=None, reflection=False, rotate=None, blocks=False):
    """The group generated by the rotation of the first ``rotate`` features
    (default all ``m``; the others are fixed) by ``shift`` (and the
    reflection ``i -> -i mod rotate`` when asked), acting on ``n`` neurons in
    ``cycles`` (lengths dividing the rotation's order; default: as many full
    cycles as fit, then fixed neurons). ``blocks``: the block-diagonal
    ansatz (module docstring)."""
    m = task.m
    rot = m if rotate is None else rotate
    if not isinstance(rot, int) or not 2 <= rot <= m:
        raise InputError(f"rotate: must be in 2..{m}, got {rotate!r}")
    if not isinstance(shift, int) or not 1 <= shift < rot:
        raise InputError(f"shift: must be in 1..{rot - 1}, got {shift!r}")
    r = rot // gcd(rot, shift)
    if cycles is None:
        cycles = (r,) * (n // r) + (1,) * (n % r)
    cycles = tuple(cycles)
    if sum(cycles) != n:
        raise InputError(f"cycles: lengths {cycles} do not add up to n={n}")
    sigma = tuple((i + shift) % rot if i < rot else i for i in range(m))
    tau, tau_ref = neuron_perms(cycles, r)
    gens = [(sigma, tau, pair_output_perm(task, sigma))]
    on = "" if rot == m else f" of features 0..{rot - 1}"
    desc = f"Z{r}(shift {shift}{on})"
    if reflection:
        mu = tuple((-i) % rot if i < rot else i for i in range(m))
        gens.append((mu, tau_ref, pair_output_perm(task, mu)))
        desc = f"D{r}(shift {shift}{on}, reflection)"
    zeros = frozenset()
    if blocks:
        if reflection or rot != m or m % shift or any(e != r for e in cycles):
            raise InputError("blocks: needs all features rotated, shift dividing m, no "
                             "reflection and every neuron cycle of the rotation's order")
        zeros = frozenset(("W", 0, 0, base + t, i) for base in range(0, n, r)
                          for t in range(r) for i in range(m) if i // shift != t)
        desc += f" block-diagonal {r}x{shift}"
    a = Ansatz(m, n, task.m_out, gens, f"{desc} neurons {'+'.join(map(str, cycles))}",
               zeros)
    # equivariance of the task under every element (the argument needs it)
    for sigma_g, _, rho_g in a.elements:
        for x in task.inputs:
            y = [0] * m
            for i, v in enumerate(x):
                y[sigma_g[i]] = v
            fx, fy = task(x), task(tuple(y))
            if any(fy[rho_g[j]] != fx[j] for j in range(task.m_out)):
                raise InputError("symmetric: the task is not equivariant under the group")
    return a


class _TiedEnc(_Enc):
    """The encoder with one variable per orbit of parameters."""

    def __init__(self, *args, ansatz, **kwargs):
        super().__init__(*args, **kwargs)
        self.ansatz = ansatz
        self.tied = {}

    def param(self, key, dom):
        rep = self.ansatz.canon(key)
        if rep in self.ansatz.zero_reps:
            if 0 not in dom:
                raise InputError(f"symmetric: {key!r} is held at 0 outside its domain")
            return Const(0)
        if rep not in self.tied:
            self.tied[rep] = self.b.int_var(dom)
        elif list(self.tied[rep].dom) != sorted(set(dom)):
            raise InputError(f"symmetric: {key!r} and {rep!r} have different domains")
        return self.tied[rep]


def encode_symmetric(task, shape, ansatz, *, sums="tree", all_inputs=False):
    """The CNF of "an invariant network of ``shape`` computes ``task``".

    ``all_inputs=True`` constrains every input (for testing the reduction);
    the default constrains one input per orbit."""
    if shape.mode != Mode.EXPLICIT or shape.L != 1 or shape.tolerance:
        raise InputError("symmetric: explicit mode, L = 1, exact correctness only")
    if (ansatz.m, ansatz.n, ansatz.m_out) != (task.m, shape.n, task.m_out):
        raise InputError("symmetric: the ansatz was made for another m, n or m'")
    inputs = None if all_inputs else ansatz.input_representatives(task.s)
    enc = _TiedEnc(shape, task.m, task.m_out, task.s, inputs, False, sums, None,
                   ansatz=ansatz)
    E, R = _code_vars(enc.b, shape, task.m, task.m_out, enc.param)
    mem, _ = enc.member(task, E, R)
    info = {"encoder": ENCODER_NAME, "version": ENCODER_VERSION, "sums": sums,
            "symmetry": False, "ansatz": ansatz.description, "group_order": ansatz.order,
            "free_parameters": ansatz.free_parameters, "vars": enc.b.nvars,
            "clauses": len(enc.b.clauses), "inputs": len(enc.X), "members": 1}
    return SatEncoding(enc.b.clauses, enc.b.nvars, info, shape, E, R, [mem])


def is_invariant(net, ansatz):
    """True when the network's parameters are constant on every orbit."""
    (W, b), V, c = net.layers[0], net.V, net.c
    val = {}
    for k, row in enumerate(W):
        for i, v in enumerate(row):
            val[("W", 0, 0, k, i)] = v
    for k, v in enumerate(b):
        val[("b", 0, 0, k)] = v
    for j, row in enumerate(V):
        for k, v in enumerate(row):
            val[("V", 0, j, k)] = v
    for j, v in enumerate(c):
        val[("c", 0, j)] = v
    return (all(val[ansatz.image(g, key)] == v for key, v in val.items()
                for g in ansatz.elements)
            and all(val[k] == 0 for k in ansatz.zeros))


@dataclass
class SymmetricResult:
    """``status``: SAT (``network`` verified), NO_INVARIANT (the ansatz
    formula is UNSAT: *not* an answer to the question) or UNKNOWN."""

    status: str
    seconds: float
    ansatz: str
    n: int
    info: dict
    network: object = None
    reason: str = ""


def solve_symmetric(task, shape, ansatz, options: SolveOptions | None = None, *,
                    budget: Budget | None = None):
    """Encode, solve (in a child, killed at ``options.time_limit`` or when
    ``budget`` runs out), decode, verify. ``options.solver`` solves,
    ``options.sums`` encodes the sums (``"auto"``: tree)."""
    opts = options or SolveOptions()
    t0 = time.perf_counter()
    # "auto" keeps the tree sums of the first campaign; "binary" is about a
    # third of the clauses for relu (same constraints, another CNF)
    enc = encode_symmetric(task, shape, ansatz,
                           sums="tree" if opts.sums == "auto" else opts.sums)
    r = solve_cnf(enc.clauses, enc.nvars, solver=opts.solver, time_limit=opts.time_limit,
                  budget=opts.call_budget(budget))
    dt = time.perf_counter() - t0
    if r.status == "UNKNOWN":
        return SymmetricResult("UNKNOWN", dt, ansatz.description, shape.n, enc.info,
                               reason=r.reason)
    if r.status == "UNSAT":
        return SymmetricResult("NO_INVARIANT", dt, ansatz.description, shape.n, enc.info)
    net = enc.decode(r.model)
    if not verify(net, task).ok:
        raise SoundnessError(f"symmetric: the decoded network fails the verifier "
                             f"({ansatz.description}, n={shape.n})")
    if not is_invariant(net, ansatz):
        raise SoundnessError("symmetric: the decoded network is not invariant")
    return SymmetricResult("SAT", time.perf_counter() - t0, ansatz.description, shape.n,
                           enc.info, network=net)
