"""Make a correct network smaller: neuron removal with SAT repair, inside a
large-neighbourhood search (LNS).

Exact minimum search stops at about ``m = 5-6``; beyond it the best a
researcher can have is the best network *found* and verified. This module
takes a correct network (a construction, a campaign result, a file) and
shrinks it while keeping it exactly correct.

Moves
-----
*Removal with repair* (one hidden neuron less). Drop hidden neuron ``h``
(in superposed mode also one input-code and one output-code coordinate, so
``d = d' = n`` stays true), then free a *window* -- the incoming and outgoing
weights of ``w`` other neurons (the ones most related to ``h``: sharing
outputs and inputs with it; or a random subset), plus the output biases, and
in superposed mode the code rows/columns of ``w`` coordinates -- fix every
other parameter to its current value, and solve the small formula of the
existing encoder (:func:`~superpos_formal.encode.sat.encode_family_sat` with
``fixed=...``: fixed parameters are constants, so the formula only grows with
the window). This is the LNS scheme of Shaw, "Using constraint programming
and local search methods to solve vehicle routing problems" (CP 1998),
with the repair done by a complete SAT solver on the neighbourhood.

In explicit mode the window is solved on the *sub-question* of the outputs
the window's neurons feed (and the neurons that feed those outputs), then
spliced back: every other output sees only fixed weights, so it is
unchanged (argued at :func:`_repair_explicit_rows`), and the spliced network
is verified on the whole task all the same. When every window of the
largest size fails, the search asks the fresh exact question at ``n - 1``
(the encoder with its symmetry breaks, nothing fixed) under a conflict
budget that grows by 4x each time it is not enough; for a family, the exact
family question of :mod:`superpos_formal.solve.family` with the rest of the
budget. So the search is never weaker than restarting from scratch, only
(usually) faster.

*Sparsification* (same width, fewer nonzero parameters): free a window and
bound the total nonzero count by the current one minus one (the encoder's
``max_nonzero`` cardinality constraint).

Every repair is counterexample guided (start from the inputs the damaged
network gets wrong plus the inputs of weight <= 1, add the failures of each
candidate), and a candidate is accepted only when the exact verifier
(:func:`~superpos_formal.verify.verify`, Python integers, every input of
``X(m, s)``) accepts it. The objective is lexicographic: hidden neurons, then
nonzero parameters, then bits (as in the exact searches).

Families with shared codes (member-CEGIS, as in
:mod:`superpos_formal.solve.family`): a window is solved for a *core* of
members together (shared codes free in the window, each core member's
weights free in the window); the new codes are then fixed and every other
member is repaired alone (its own weights windowed, then fully free); a
member that cannot be repaired joins the core and the step is retried.

Determinism: every choice comes from ``random.Random(seed)`` and every SAT
call is CaDiCaL under a *conflict* budget (not a time limit; each window is
encoded and solved in a child process that is killed only when the overall
wall-clock budget runs out, which ends the run), so
the same seed and ``max_steps`` give the same trajectory and result on any
machine. The wall-clock ``budget`` only decides when to stop; a run that
stops on it reports what it has, and minimality is always UNKNOWN here (a
minimum needs the UNSAT side, :mod:`superpos_formal.solve.search`).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> task = uand(3)
>>> start = baseline([task], "explicit", "step", B=2)[0]
>>> start.counts()["hidden_neurons"]
3
>>> res = improve(task, start, seed=0, budget=20, max_steps=30)
>>> res.counts["hidden_neurons"]
2
>>> res.minimality
'UNKNOWN'
"""

import random
import time
from dataclasses import dataclass, field, replace

from pysat.solvers import Solver

from ..constructions import baseline as C_base
from ..constructions import family as C_family
from ..constructions import family_search as C_family_search
from ..constructions import search as C_search
from ..encode.sat import encode_family_sat
from ..errors import InputError, SoundnessError
from ..options import SolveOptions
from ..network import Network
from ..schema import network_from_dict, network_to_dict
from ..shape import Shape
from ..tasks import Family, Task, table
from ..verify import evaluate_all_numpy, verify
from .family import decide_family
from .runner import run_limited

__all__ = ["improve", "improve_family", "baseline", "Improvement", "objective",
           "drop_neuron", "SOLVER", "PORTFOLIO", "STARTS", "construction_start", "widen",
           "restart"]

#: solver for window instances; conflict budgets keep it deterministic
SOLVER = "cadical195"
#: windows whose |X| * m' * n is at most this are encoded on all of X; larger
#: ones counterexample-guided (the encoding's cost grows with that product)
FULL_X = 60_000


# ------------------------------------------------------------------ objective

def objective(nets):
    """``(hidden neurons, nonzero parameters, bits)`` of a network or of a
    family's networks (parameters and bits summed over members; the width is
    the shared one).

    >>> from superpos_formal.network import Network
    >>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> objective(net)
    (1, 4, 8)
    """
    if isinstance(nets, Network):
        nets = [nets]
    cs = [n.counts() for n in nets]
    return (cs[0]["hidden_neurons"], sum(c["params_nonzero"] for c in cs),
            sum(c["bits"] for c in cs))


def _counts(nets):
    n, nz, bits = objective(nets)
    d = {"hidden_neurons": n, "params_nonzero": nz, "bits": bits,
         "code_nonzeros": nets[0].counts()["code_nonzeros"]}
    return d


# ------------------------------------------------------------------ baselines

def _pattern_neurons(task):
    """One step/relu neuron per input pattern that some output needs.

    The neuron of pattern ``p`` (support ``S``) computes ``sum_{i in S} x_i -
    sum_{i not in S} x_i - (|S| - 1)``: 1 at ``x = p`` and <= 0 elsewhere on
    ``X(m, s)``, so both activations give the indicator ``[x = p]``.
    """
    pats = []
    for x in task.inputs:
        if any(task(x)):
            pats.append(x)
    rows, bias = [], []
    for p in pats:
        k = sum(p)
        rows.append([1 if v else -1 for v in p])
        bias.append(1 - k)
    V = [[int(task(p)[j]) for p in pats] for j in range(task.m_out)]
    return rows, bias, V


def _task_neurons(task):
    """``(W, b, V)`` of the one-neuron-per-output construction (explicit)."""
    p = dict(task.params)
    if task.kind in ("and_pairs", "uand") and task.s >= 2:
        pairs = p.get("pairs") or [[i, j] for i in range(task.m) for j in range(i + 1, task.m)]
        W = [[int(f in pr) for f in range(task.m)] for pr in pairs]
        return W, [-1] * len(W), [[int(j == k) for k in range(len(W))]
                                  for j in range(task.m_out)]
    if task.kind in ("permutation", "identity"):
        m = task.m
        W = [[int(i == k) for i in range(m)] for k in range(m)]
        pi = p.get("pi", list(range(m)))
        # output j is x_{pi^-1(j)}: read it from the neuron of that feature
        V = [[0] * m for _ in range(m)]
        for i in range(m):
            probe = tuple(int(f == i) for f in range(m))
            j = task(probe).index(1) if any(task(probe)) else None
            if j is not None:
                V[j][i] = 1
        del pi
        return W, [0] * m, V
    return _pattern_neurons(task)


def baseline(tasks, mode, activation, B=1, B_bias=None, B_code=None, theta=1):
    """The explicit construction: one hidden neuron per output (pair tasks:
    ``[x_i + x_j - 1 > 0]``; permutations: one neuron per feature; any other
    task: one neuron per input pattern some output needs).

    ``mode="superposed"``: the same neurons with identity-like codes
    ``E = [I_m; 0]``, ``R = [I_m' | 0]`` at ``n = max(m, m', neurons)``;
    for several tasks (a family) the codes are shared and ``n`` is the largest
    member's. Returns one verified network per task.

    >>> from superpos_formal.tasks import and_pairs
    >>> net = baseline([and_pairs(3, [(0, 1), (1, 2)])], "superposed", "relu")[0]
    >>> net.widths, net.counts()["params_nonzero"]
    ((3,), 8)
    """
    tasks = list(tasks)
    if not tasks:
        raise InputError("baseline: no task given")
    if theta != 1:
        raise InputError("theta: the baseline construction is for theta = 1")
    parts = [_task_neurons(t) for t in tasks]
    need_B = max([1] + [abs(v) for W, _, _ in parts for r in W for v in r])
    need_bias = max([1] + [abs(v) for _, b, _ in parts for v in b])
    B_bias_eff = B if B_bias is None else B_bias
    if B < need_B or B_bias_eff < need_bias:
        raise InputError(f"B: the baseline construction needs B >= {need_B} and "
                         f"B_bias >= {need_bias}, got B={B}, B_bias={B_bias_eff}")
    m, m_out = tasks[0].m, tasks[0].m_out
    out = []
    if mode == "explicit":
        for W, b, V in parts:
            out.append(Network.explicit(m, m_out, activation, [(W, b)], V, [0] * m_out,
                                        B, B_bias))
    elif mode == "superposed":
        n = max([m, m_out] + [len(W) for W, _, _ in parts])
        E = [[int(r == i) for i in range(m)] for r in range(n)]
        R = [[int(j == r) for r in range(n)] for j in range(m_out)]
        for W, b, V in parts:
            k0 = len(W)
            Wn = [list(row) + [0] * (n - m) for row in W] + [[0] * n for _ in range(n - k0)]
            bn = list(b) + [0] * (n - k0)
            Vn = [list(V[j]) + [0] * (n - k0) if j < m_out else [0] * n for j in range(n)]
            out.append(Network.superposed(E, R, activation, [(Wn, bn)], Vn, [0] * n, B,
                                          B_bias, B_code, theta))
    else:
        raise InputError(f"mode: unknown mode {mode!r} (explicit, superposed)")
    for t, net in zip(tasks, out):
        v = verify(net, t)
        if not v.ok:  # pragma: no cover - a construction bug
            raise SoundnessError(f"baseline construction fails {t.name}: {v.counterexamples[0]}")
    return out


# ------------------------------------------------------------------ starts

#: starting networks from issue 11's constructions (superpos_formal.constructions)
STARTS = ("explicit", "superposed-trivial", "hmvc", "channels", "stars", "routed-stars",
          "family")


#: the parameters each construction takes (``construction:NAME:k=v,...``):
#: name -> {parameter: (lowest, highest)}; ``seed`` may be left out. Widths
#: and counts above 1000 are refused (a start network beyond that is larger
#: than any question here, and t = 10**20 would build forever).
_P_MAX = 1000
CONSTRUCTION_PARAMS = {
    "explicit": {}, "superposed-trivial": {}, "family": {},
    "channels": {"n": (1, _P_MAX), "k_in": (1, _P_MAX), "k_out": (1, _P_MAX),
                 "seed": (0, 2**31)},
    "routed-stars": {"n": (1, _P_MAX), "k_in": (1, _P_MAX), "k_out": (1, _P_MAX),
                     "seed": (0, 2**31)},
    "stars": {"t": (1, _P_MAX), "k_in": (1, _P_MAX), "seed": (0, 2**31)},
    "hmvc": {"n": (1, _P_MAX), "q": None, "theta": (1, _P_MAX), "seed": (0, 2**31)},
}


def check_construction_params(name, params):
    """Refuse parameters a construction does not take, misses, or cannot
    use (before anything is built); InputError naming the parameter.

    >>> check_construction_params("stars", {"t": 3, "k_in": 2})
    >>> check_construction_params("stars", {"t": 3})
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: --start: construction:stars needs k_in (it takes t, k_in[, seed])
    """
    if name not in CONSTRUCTION_PARAMS:
        raise InputError(f"--start: unknown construction {name!r} (one of {', '.join(STARTS)})")
    spec = CONSTRUCTION_PARAMS[name]
    takes = ", ".join(k for k in spec if k != "seed") + ("[, seed]" if "seed" in spec else "")
    if not spec:
        raise InputError(f"--start: construction:{name} takes no parameters, got "
                         f"{', '.join(sorted(params))}")
    for k in params:
        if k not in spec:
            raise InputError(f"--start: construction:{name} has no parameter {k!r} "
                             f"(it takes {takes})")
    for k, rng in spec.items():
        if k == "seed" and k not in params:
            continue
        if k not in params:
            raise InputError(f"--start: construction:{name} needs {k} (it takes {takes})")
        v = params[k]
        if rng is None:  # hmvc's q: a probability a/b
            if not (isinstance(v, (list, tuple)) and len(v) == 2
                    and all(isinstance(x, int) for x in v) and 1 <= v[0] <= v[1] <= _P_MAX):
                raise InputError(f"--start: construction:{name}: q={v!r} is not a "
                                 f"probability a/b with 1 <= a <= b <= {_P_MAX} (e.g. q=1/3)")
            continue
        lo, hi = rng
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise InputError(f"--start: construction:{name}: {k}={v!r} is not an integer in "
                             f"{lo}..{hi}")


def construction_start(name, tasks, activation="relu", params=None, family=None):
    """Start networks from a construction of :mod:`superpos_formal.constructions`,
    one per task, with a provenance label ``construction:NAME(params)``.

    ``explicit`` / ``superposed-trivial``: the one-neuron-per-output
    embeddings; ``hmvc``, ``channels``, ``stars``, ``routed-stars``: the
    smallest instance the construction's own search finds for the task
    (:mod:`superpos_formal.constructions.search`), or, with ``params``, the
    instance :func:`~superpos_formal.constructions.search.build` makes from
    them; ``family`` (a :class:`~superpos_formal.tasks.Family`, its members
    ``tasks``): the shared-code family construction at the smallest width
    its scan certifies (:func:`~superpos_formal.constructions.family_search.smallest_family_width`,
    checked on ``tasks``), one network per member. Otherwise a family
    (several tasks) needs shared codes: only ``params`` (the same for every
    member) and codes that come out equal are accepted.
    Every network is verified by the construction module; the bounds
    (``B``, ``B_bias``, ``theta``) are the construction's.
    """
    tasks = list(tasks)
    if name not in STARTS:
        raise InputError(f"--start: unknown construction {name!r} (one of {', '.join(STARTS)})")
    if name in ("hmvc",) and activation != "relu":
        raise InputError("activation: the hmvc construction is a relu network")
    if name == "family":
        if family is None or params is not None:
            raise InputError("--start: construction:family is for a family (--family), "
                             "without parameters")
        b = C_family_search.smallest_family_width(family, members=(tasks, {"label": "start"}))
        nets = [C_family.member_network(b.code, t) for t in tasks]
        label = f"construction:family({_params_text(b.params)})"
    elif params is not None:
        check_construction_params(name, params)
        built = []
        for t in tasks:
            try:
                built.append(C_search.build(name, t, params))
            except SoundnessError as e:
                # the construction with the user's parameters is not correct
                # for this task: a bad parameter choice, not a search bug
                cex = str(e).rpartition(f"{t.name}: ")[2]
                raise InputError(f"--start: construction:{name}({_params_text(params)}) does "
                                 f"not give a correct network for {t.name} (counterexample "
                                 f"{cex}); choose other parameters, or leave them out to let "
                                 f"its search pick") from None
        nets = [b.network for b in built]
        label = f"construction:{name}({_params_text(params)})"
    elif name == "explicit":
        nets = [C_base.explicit_per_output(t, activation) for t in tasks]
        label = "construction:explicit"
    elif name == "superposed-trivial":
        nets = [C_base.superposed_trivial(t, activation) for t in tasks]
        label = "construction:superposed-trivial"
    else:
        if len(tasks) != 1:
            raise InputError(f"--start: construction:{name} for a family needs its "
                             f"parameters (construction:{name}:n=..,k_in=..,...) so that "
                             f"every member shares the codes")
        t = tasks[0]
        b = (C_search.best_hmvc(t) if name == "hmvc" else
             C_search.best_stars(t) if name == "stars" else
             C_search.best_channels(t, name=name))
        if b is None:
            raise InputError(f"--start: construction:{name} finds no correct width for {t.name}")
        nets = [b.network]
        label = f"construction:{name}({_params_text(b.params)})"
    if activation != nets[0].activation:
        nets = [replace(x, activation=activation) for x in nets]
    for t, net in zip(tasks, nets):
        v = verify(net, t)
        if not v.ok:
            raise InputError(f"--start: construction:{name} is not correct for {t.name} "
                             f"(with activation {activation})")
    n0 = nets[0]
    for x in nets[1:]:
        if x.mode == "superposed" and (x.E, x.R) != (n0.E, n0.R):
            raise InputError(f"--start: construction:{name} gives the members different "
                             f"codes; a family with shared codes needs one code")
    return nets, label


def _params_text(params):
    return ",".join(f"{k}={v}" for k, v in sorted(params.items()))


def widen(nets, B=None, B_bias=None, B_code=None):
    """The same networks under looser bounds (a network within ``B`` is within
    any larger bound, so it stays correct); a tighter bound than the
    network's is refused (that would be another question the network may
    not fit)."""
    out = []
    for x in nets:
        kw = {}
        for nm, v, have in (("B", B, x.B), ("B_bias", B_bias, x.B_bias),
                            ("B_code", B_code, x.B_code)):
            if v is None or (nm == "B_code" and x.mode != "superposed"):
                continue
            if v < have:
                raise InputError(f"--{nm.replace('_', '-')}: {v} is below the start "
                                 f"network's {have}; only looser bounds can be given")
            kw[nm] = v
        out.append(replace(x, **kw) if kw else x)
    return out


# ------------------------------------------------------------------ surgery

def _del(seq, i):
    return [x for k, x in enumerate(seq) if k != i]


def drop_neuron(net, h, r=None, q=None):
    """``net`` without hidden neuron ``h`` (one hidden layer).

    Superposed mode also drops input-code coordinate ``r`` (row ``r`` of
    ``E``, column ``r`` of ``W``) and output-code coordinate ``q`` (row ``q``
    of ``V`` and ``c``, column ``q`` of ``R``), so every width stays ``n - 1``.

    >>> net = baseline([__import__("superpos_formal.tasks").tasks.uand(3)],
    ...                "explicit", "step")[0]
    >>> drop_neuron(net, 0).widths
    (2,)
    """
    if net.depth != 1:
        raise InputError("L: neuron removal supports one hidden layer")
    (W, b), = net.layers
    n = len(W)
    if n < 2:
        raise InputError("n: cannot drop the only hidden neuron")
    W = _del(W, h)
    b = _del(b, h)
    V = [_del(row, h) for row in net.V]
    c = list(net.c)
    if net.mode == "explicit":
        return Network.explicit(net.m, net.m_out, net.activation, [(W, b)], V, c,
                                net.B, net.B_bias, net.theta)
    W = [_del(row, r) for row in W]
    E = _del(net.E, r)
    V = _del(V, q)
    c = _del(c, q)
    R = [_del(row, q) for row in net.R]
    return Network.superposed(E, R, net.activation, [(W, b)], V, c, net.B, net.B_bias,
                              net.B_code, net.theta)


def _member_params(net, mi):
    (W, b), = net.layers
    d = {}
    for k, row in enumerate(W):
        for i, v in enumerate(row):
            d[("W", mi, 0, k, i)] = v
        d[("b", mi, 0, k)] = b[k]
    for j, row in enumerate(net.V):
        for k, v in enumerate(row):
            d[("V", mi, j, k)] = v
        d[("c", mi, j)] = net.c[j]
    return d


def _code_params(net):
    d = {}
    if net.mode == "superposed":
        for r, row in enumerate(net.E):
            for i, v in enumerate(row):
                d[("E", r, i)] = v
        for j, row in enumerate(net.R):
            for r, v in enumerate(row):
                d[("R", j, r)] = v
    return d


def _free_keys(net, mi, hidden, coords_in, coords_out, free_c, codes, rows=None):
    """Keys of member ``mi``'s window (and the code window when ``codes``).

    ``rows``: the output rows (of ``V``) a window neuron may feed; ``None``
    for all. Rows outside it keep their fixed weights, so their output sums
    see a window neuron only through a constant factor (a view, no product
    table): the formula stays small.
    """
    (W, _), = net.layers
    n, d_in, d_out = len(W), len(W[0]), len(net.V)
    rows = range(d_out) if rows is None else rows
    free = set()
    for k in hidden:
        free |= {("W", mi, 0, k, i) for i in range(d_in)}
        free.add(("b", mi, 0, k))
        free |= {("V", mi, j, k) for j in rows}
    if net.mode == "superposed":
        # a code coordinate's weights are freed only towards the window's
        # neurons (freeing a whole W column / V row makes every neuron's
        # effective weights unknown: the full problem again)
        for r in coords_in:
            if codes:
                free |= {("E", r, i) for i in range(net.m)}
        for q in coords_out:
            free.add(("c", mi, q))
            if codes:
                free |= {("R", j, q) for j in range(net.m_out)}
    if free_c:
        free |= {("c", mi, j) for j in range(d_out)}
    return free


# ------------------------------------------------------------------ relatedness

def _usage(net):
    """Per hidden neuron: the features it reads and the outputs it feeds
    (through the codes in superposed mode), as sets."""
    (W, _), = net.layers
    n = len(W)
    E, R, V = net.E, net.R, net.V
    ins, outs = [], []
    for k in range(n):
        q = [sum(W[k][r] * E[r][i] for r in range(len(E))) for i in range(net.m)]
        u = [sum(R[j][r] * V[r][k] for r in range(len(V))) for j in range(net.m_out)]
        ins.append({i for i, v in enumerate(q) if v})
        outs.append({j for j, v in enumerate(u) if v})
    return ins, outs


def _related(nets, h, w, rng, random_window):
    """``w`` neurons (indices of the network *before* dropping ``h``) most
    related to ``h``: sharing outputs (weight 2) and inputs (weight 1) over
    every member; ties and the random window come from ``rng``."""
    n = nets[0].widths[0]
    others = [k for k in range(n) if k != h]
    if random_window:
        return sorted(rng.sample(others, min(w, len(others))))
    score = {k: 0 for k in others}
    for net in nets:
        ins, outs = _usage(net)
        for k in others:
            score[k] += 2 * len(outs[h] & outs[k]) + len(ins[h] & ins[k])
    jitter = {k: rng.random() for k in others}
    ranked = sorted(others, key=lambda k: (-score[k], jitter[k]))
    return sorted(ranked[:w])


def _coord_use(nets, h):
    """Per code coordinate: nonzeros touching input coordinate ``r`` (row of
    ``E``, column of every ``W``) and output coordinate ``q`` (column of
    ``R``, row of every ``V`` and ``c``), not counting the dropped neuron
    ``h``'s own weights (a coordinate only ``h`` used is the cheapest to
    drop with it)."""
    net = nets[0]
    n = len(net.E)
    cin = [sum(1 for v in net.E[r] if v) for r in range(n)]
    cout = [sum(1 for j in range(net.m_out) if net.R[j][r]) for r in range(n)]
    for x in nets:
        (W, _), = x.layers
        for r in range(n):
            cin[r] += sum(1 for k in range(len(W)) if W[k][r] and k != h)
            cout[r] += (sum(1 for k, v in enumerate(x.V[r]) if v and k != h)
                        + (1 if x.c[r] else 0))
    return cin, cout


def _related_coords(nets, neurons, r, q, w, rng):
    """The ``w`` input coordinates read most by ``neurons`` (nonzero ``W``
    entries) and the ``w`` output coordinates they feed most (nonzero ``V``
    entries), excluding the dropped ``r``/``q``; indices after the drop."""
    n = len(nets[0].E)
    sin, sout = [0] * n, [0] * n
    for x in nets:
        (W, _), = x.layers
        for k in neurons:
            for i in range(n):
                sin[i] += W[k][i] != 0
                sout[i] += x.V[i][k] != 0
    jit = [rng.random() for _ in range(n)]
    cin = sorted((i for i in range(n) if i != r), key=lambda i: (-sin[i], jit[i]))[:w]
    cout = sorted((i for i in range(n) if i != q), key=lambda i: (-sout[i], jit[i]))[:w]
    return _shift(sorted(cin), r), _shift(sorted(cout), q)


def _shift(idx, dropped):
    return [k - (k > dropped) for k in idx if k != dropped]


# ------------------------------------------------------------------ one repair

@dataclass
class _Budget:
    deadline: float
    conflicts: int

    def left(self):
        return self.deadline - time.perf_counter()


def _wrong_inputs(net, task):
    """Inputs on which ``net`` is wrong (numpy int64 when proved safe)."""
    X = task.inputs
    try:
        Y = evaluate_all_numpy(net, task.s, X)
        return [x for x, y in zip(X, Y) if tuple(int(v) for v in y) != task(x)]
    except OverflowError:
        return [x for x in X if net.evaluate(x) != task(x)]


#: the fresh question at ``n - 1``: CaDiCaL configurations raced (round
#: robin, one solver each, in one child) on it. ``(symmetry breaks, CaDiCaL
#: options, phase hints from the network with one neuron dropped)``. Measured
#: (conflicts to the answer, benchmarks/results/improve.md) on the questions
#: where the search stalled: which racer answers first differs by question --
#: uand(5) relu n=3: no breaks + defaults 54k, no breaks + CaDiCaL's ``--sat``
#: option set (stabilising mode only) 101k, breaks + ``--sat`` 95k, breaks +
#: defaults (the plain solve) 191k; uand(6) step n=5: 2.2k, 15k, 11k and 35k.
#: Phase hints from the current network minus a neuron helped on uand(6)
#: step (1.6k-11k instead of 2.2k-35k) and hurt on uand(5) relu (203k
#: instead of 54k, and no answer in 300k with the ``--sat`` options), so no
#: racer uses them (the hook stays: ``phases=True``). The racer with breaks
#: is also the one that refutes a width quickly.
SAT_OPTIONS = {"elimreleff": 10, "stabilizeonly": 1, "subsumereleff": 60}
PORTFOLIO = ((False, "sat", False), (False, "default", False), (True, "sat", False))
#: conflicts of each racer's first slice; a slice doubles every round
SLICE = 1000


def _phases(enc, nets):
    """Phase hints: the order literals of every free parameter set to its
    value in ``nets`` (one network per member, the encoding's width)."""
    out = []

    def add(e, v):
        lits = getattr(e, "lits", None)
        if lits is None:  # a constant (fixed) parameter
            return
        for d, lit in zip(e.dom[1:], lits):
            out.append(lit if v >= d else -lit)

    if enc._E:
        for erow, vrow in zip(enc._E, nets[0].E):
            for e, v in zip(erow, vrow):
                add(e, v)
        for erow, vrow in zip(enc._R, nets[0].R):
            for e, v in zip(erow, vrow):
                add(e, v)
    for mem, net in zip(enc._members, nets):
        for (W, b), (Wv, bv) in zip(mem["layers"], net.layers):
            for erow, vrow in zip(W, Wv):
                for e, v in zip(erow, vrow):
                    add(e, v)
            for e, v in zip(b, bv):
                add(e, v)
        if mem["V"] is not None:
            for erow, vrow in zip(mem["V"], net.V):
                for e, v in zip(erow, vrow):
                    add(e, v)
            for e, v in zip(mem["c"], net.c):
                add(e, v)
    return out


def _encode_solve(tasks, shape, inputs, max_nonzero, fixed, conflicts, symmetry=False,
                  portfolio=None, hint=None):
    """Child-process half of a window solve: encode, solve under a conflict
    budget, decode. Returns ``(True|False|None, [network dicts] or None)``.

    ``portfolio``: race these ``(symmetry, options, phases)`` racers round
    robin, each solver kept between its slices (``SLICE`` conflicts, doubling
    per round) until one answers or ``conflicts`` are spent in all (checked
    after each full round, so a round may pass the budget by its slices);
    ``hint``: network dicts giving the phases of racers that ask for them.
    Conflict counts only, so the answer does not depend on the machine.
    """
    if not portfolio:
        enc = encode_family_sat(tasks, shape, inputs=inputs, symmetry=symmetry,
                                max_nonzero=max_nonzero, fixed=fixed)
        with Solver(name=SOLVER, bootstrap_with=enc.clauses) as s:
            s.conf_budget(conflicts)
            ok = s.solve_limited()
            if not ok:
                return ok, None
            return ok, [network_to_dict(n) for n in enc.decode_all(s.get_model())[2]]
    encs, racers = {}, []
    try:
        for sym, opts, phased in portfolio:
            if sym not in encs:
                encs[sym] = encode_family_sat(tasks, shape, inputs=inputs, symmetry=sym,
                                              max_nonzero=max_nonzero, fixed=fixed)
            s = Solver(name=SOLVER)
            if opts == "sat":
                # options must be set before the first clause is added
                s.solver.configure(SAT_OPTIONS)
            s.append_formula(encs[sym].clauses)
            if phased and hint:
                s.set_phases(_phases(encs[sym], [network_from_dict(d) for d in hint]))
            racers.append((s, encs[sym]))
        spent, sl = 0, SLICE
        while spent < conflicts:
            for s, enc in racers:
                s.conf_budget(sl)
                ok = s.solve_limited()
                spent += sl
                if ok is None:
                    continue
                if not ok:
                    return ok, None
                return ok, [network_to_dict(n) for n in enc.decode_all(s.get_model())[2]]
            sl *= 2
        return None, None
    finally:
        for s, _ in racers:
            s.delete()


def _repair(tasks, nets, shape, free, budget, max_nonzero=None, rounds=12, portfolio=None,
            hint=None):
    """Solve the window: ``nets`` (one per task, width ``shape.n``) with every
    parameter outside ``free`` fixed. Returns ``("SAT", nets)`` with
    exhaustively verified networks, ``("UNSAT", None)`` when the window has
    no solution, or ``("UNKNOWN", None)`` (conflict budget, rounds, time).

    ``free=None`` is the full window: the fresh exact question at
    ``shape.n`` with the encoder's symmetry breaks (sound there: nothing is
    fixed); ``nets`` then only seed the counterexample loop."""
    full = free is None
    if portfolio and not full:
        raise InputError("portfolio: only for the full question (free=None)")
    fixed = {}
    if not full:
        fixed = dict(_code_params(nets[0]))
        for mi, net in enumerate(nets):
            fixed.update(_member_params(net, mi))
        for k in free:
            fixed.pop(k, None)
    X = tasks[0].inputs
    if len(X) * tasks[0].m_out * shape.n <= FULL_X:
        # small formulas: the counterexamples of the first candidate are most
        # of X anyway, so one round on all of X is cheaper than the loop
        subset = set(X)
    else:
        subset = {x for x in X if sum(x) <= 1}
        for t, net in zip(tasks, nets):
            subset |= set(_wrong_inputs(net, t))
    for _ in range(rounds):
        if budget.left() <= 0:
            return "UNKNOWN", None
        inputs = sorted(subset, key=lambda x: (sum(x), x[::-1]))
        # encode and solve in a child killed at the deadline: the wall-clock
        # budget holds even when one window's formula is large
        done, out = run_limited(_encode_solve, tasks, shape, inputs, max_nonzero, fixed,
                                budget.conflicts, full, portfolio,
                                None if hint is None else [network_to_dict(x) for x in hint],
                                time_limit=max(budget.left(), 0.01))
        if not done:
            return "UNKNOWN", None
        ok, dicts = out
        if ok is None:
            return "UNKNOWN", None
        if not ok:
            # UNSAT on a subset of the inputs: UNSAT on X (fewer constraints)
            return "UNSAT", None
        cand = [network_from_dict(d) for d in dicts]
        new = set()
        for t, net in zip(tasks, cand):
            new |= set(_wrong_inputs(net, t))
        if not new:
            for t, net in zip(tasks, cand):
                v = verify(net, t)
                if not v.ok:
                    raise SoundnessError(f"window repair: candidate fails {t.name} "
                                         f"at {v.counterexamples[0]}")
            return "SAT", cand
        if new <= subset:
            raise SoundnessError("window repair: candidate wrong on encoded inputs; encoder bug")
        subset |= new
    return "UNKNOWN", None


# ------------------------------------------------------------------ result

@dataclass
class Improvement:
    """What :func:`improve` found.

    ``networks`` are exhaustively verified (one per member for a family);
    ``minimality`` is always ``"UNKNOWN"``: this search never proves a lower
    side. ``history`` lists ``(step, seconds, hidden, nonzero, bits, move)``
    of every accepted improvement.
    """

    subject: object
    start: list
    networks: list
    seed: int
    steps: int
    seconds: float
    stopped: str
    history: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    minimality: str = "UNKNOWN"

    @property
    def network(self):
        return self.networks[0]

    @property
    def counts(self):
        return _counts(self.networks)

    @property
    def start_counts(self):
        return _counts(self.start)

    @property
    def first_improvement_seconds(self):
        return self.history[0][1] if self.history else None

    def summary(self):
        a, b = self.start_counts, self.counts
        return (f"{a['hidden_neurons']} -> {b['hidden_neurons']} hidden neurons, "
                f"{a['params_nonzero']} -> {b['params_nonzero']} nonzero parameters, "
                f"{a['bits']} -> {b['bits']} bits in {self.steps} steps, "
                f"{self.seconds:.1f}s (stopped: {self.stopped}; minimality {self.minimality})")


# ------------------------------------------------------------------ search

def _shape_of(net, n):
    if net.mode == "explicit":
        return Shape("explicit", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                     theta=net.theta)
    return Shape("superposed", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                 B_code=net.B_code, theta=net.theta, codes="free")


def _check_start(tasks, nets):
    if not nets or len(nets) != len(tasks):
        raise InputError(f"start: {len(nets)} network(s) for {len(tasks)} member(s)")
    for t, net in zip(tasks, nets):
        if not isinstance(net, Network):
            raise InputError("start: expected a Network")
        if net.depth != 1:
            raise InputError(f"L: improve supports networks with one hidden layer, "
                             f"got {net.depth}")
        if (net.m, net.m_out) != (t.m, t.m_out):
            raise InputError(f"start: the network has (m, m')=({net.m}, {net.m_out}), "
                             f"the task {t.name} has ({t.m}, {t.m_out})")
        v = verify(net, t)
        if not v.ok:
            c = v.counterexamples[0]
            raise InputError(f"start: the network does not compute {t.name} ({v.errors} "
                             f"wrong bits; first at x={list(c.x)}, j={c.j})")
    n0 = nets[0]
    for net in nets[1:]:
        if (net.mode, net.activation, net.B, net.B_bias, net.B_code, net.theta,
                net.widths) != (n0.mode, n0.activation, n0.B, n0.B_bias, n0.B_code,
                                n0.theta, n0.widths):
            raise InputError("start: the members' networks differ in shape or bounds")
        if n0.mode == "superposed" and (net.E, net.R) != (n0.E, n0.R):
            raise InputError("start: the members' networks do not share the codes E, R")


def _validate_opts(budget, max_steps, seed, window, conflicts):
    for nm, v in (("seed", seed), ("window", window), ("conflicts", conflicts)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise InputError(f"{nm}: {v!r} is not an integer")
    if not isinstance(budget, (int, float)) or isinstance(budget, bool) or budget <= 0:
        raise InputError(f"budget: must be a positive number of seconds, got {budget!r}")
    if max_steps is not None and (not isinstance(max_steps, int) or max_steps < 1):
        raise InputError(f"max_steps: must be a positive integer, got {max_steps!r}")
    if window < 1:
        raise InputError(f"window: must be >= 1, got {window}")
    if conflicts < 1:
        raise InputError(f"conflicts: must be >= 1, got {conflicts}")


def improve(task, start, *, seed=0, budget=60.0, max_steps=None, window=2,
            conflicts=5000, sparsify=True, progress=None, target=None):
    """Shrink ``start`` (a verified network for ``task``) by LNS.

    Parameters
    ----------
    budget : float
        Wall-clock seconds; checked between SAT calls and inside repairs.
    max_steps : int, optional
        Stop after this many moves (with ``seed``, the run is deterministic).
    window : int
        Initial window (neurons freed besides the dropped one); doubles
        after every neuron has been tried at the current size, up to all.
    conflicts : int
        CaDiCaL conflict budget per SAT call (deterministic limit).
    sparsify : bool
        After removals stall, minimise nonzero parameters at the final width.
    progress : callable, optional
        Receives one line per accepted move and per window growth.
    target : int, optional
        Stop as soon as the width is ``<= target`` (e.g. a known minimum:
        the benchmark's "time to reach the minimum").
    """
    if not isinstance(task, Task):
        raise InputError("task: expected a Task")
    return _run([task], [start], task, seed, budget, max_steps, window, conflicts,
                sparsify, progress, target=target)


def improve_family(family, start, *, seed=0, budget=60.0, max_steps=None, window=2,
                   conflicts=5000, sparsify=True, progress=None, core=2, target=None):
    """:func:`improve` for a family with shared codes: ``start`` is one network
    per member (in ``family.members()`` order) sharing ``E, R``. Member-CEGIS:
    see the module docstring; ``core`` is the number of members solved
    together at first."""
    if not isinstance(family, Family):
        raise InputError("family: expected a Family")
    tasks = list(family.members())
    start = list(start)
    if start and start[0].mode != "superposed":
        raise InputError("mode: a family with shared codes needs superposed networks")
    if not isinstance(core, int) or isinstance(core, bool) or core < 1:
        raise InputError(f"core: must be a positive integer, got {core!r}")
    return _run(tasks, start, family, seed, budget, max_steps, window, conflicts,
                sparsify, progress, core=core, target=target)


def _run(tasks, start, subject, seed, budget, max_steps, window, conflicts, sparsify,
         progress, core=None, target=None):
    _validate_opts(budget, max_steps, seed, window, conflicts)
    if target is not None and (not isinstance(target, int) or target < 1):
        raise InputError(f"target: must be a positive integer, got {target!r}")
    _check_start(tasks, start)
    t0 = time.perf_counter()
    bud = _Budget(t0 + budget, conflicts)
    rng = random.Random(seed)
    say = progress or (lambda msg: None)
    best = list(start)
    history = []
    steps = 0
    stopped = "exhausted"
    superposed = best[0].mode == "superposed"

    def accept(nets, move):
        nonlocal best
        assert objective(nets) < objective(best)
        best = nets
        n, nz, bits = objective(best)
        history.append((steps, round(time.perf_counter() - t0, 3), n, nz, bits, move))
        say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: n={n} nonzero={nz} "
            f"bits={bits} ({move})")

    def reached():
        return target is not None and best[0].widths[0] <= target

    def out_of_budget():
        return (bud.left() <= 0 or (max_steps is not None and steps >= max_steps)
                or reached())

    # ---- phase 1: remove neurons
    w = window
    # the fresh question's first budget: 16 window budgets per racer (a
    # first try of 4 was too small for uand(5) relu at n=3, which needs about
    # 54k conflicts of its fastest racer; a too-small try is repeated from
    # scratch after a window round, so it costs more than it saves)
    full_conflicts = 16 * conflicts * len(PORTFOLIO)
    while best[0].widths[0] > 1 and not out_of_budget():
        n = best[0].widths[0]
        order = list(range(n))
        rng.shuffle(order)
        improved = False
        exhausted = True  # every window of this size answered UNSAT
        for h in order:
            if out_of_budget():
                break
            steps += 1
            random_window = rng.random() < 0.3
            rel = _related(best, h, min(w, n - 1), rng, random_window)
            if superposed:
                cin, cout = _coord_use(best, h)
                r = min(range(n), key=lambda i: (cin[i], rng.random()))
                q = min(range(n), key=lambda i: (cout[i], rng.random()))
                hidden = _shift(rel, h)
                # code windows are costlier than neuron windows (free codes
                # make the effective weights products of two unknowns)
                coords_in, coords_out = _related_coords(best, [h] + rel, r, q,
                                                        max(1, w // 2), rng)
                dropped = [drop_neuron(x, h, r, q) for x in best]
                rows = sorted(set(_fed_rows(best, [h] + rel, q)) | set(coords_out))
            else:
                hidden, coords_in, coords_out = _shift(rel, h), [], []
                dropped = [drop_neuron(x, h) for x in best]
                rows = _fed_rows(best, [h] + rel)
            status, cand = _repair_members(tasks, dropped, hidden, coords_in, coords_out,
                                           bud, core, rng, rows=rows)
            if status == "SAT":
                accept(cand, f"drop neuron {h}, window {len(hidden)}"
                              f"{' random' if random_window else ''}")
                improved = True
                break
            if status != "UNSAT":
                exhausted = False
        if improved:
            continue
        if out_of_budget():
            break
        # (a family's fresh question takes the rest of the budget: only after
        # every window size, as before)
        if (4 * w >= n - 1 if len(tasks) == 1 else w >= n - 1):
            # every window failed and the next size would free more than
            # half of the network: ask the fresh exact question at n - 1
            # instead (a window of nearly n neurons is that question without
            # its symmetry breaks, asked once per neuron: on uand(6) step at
            # n=7 the windows of 4 and 6 neurons and then the fresh solve
            # took 34 s, benchmarks/results/improve.md), under a conflict
            # budget that grows each time it is not enough
            steps += 1
            say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: every window up to "
                f"{w} failed at n={n}; fresh solve at n={n - 1}"
                + (f" ({len(PORTFOLIO)} racers, {full_conflicts} conflicts)"
                   if len(tasks) == 1 else " (family search, rest of the budget)"))
            if len(tasks) == 1:
                # racers (PORTFOLIO); a racer with phases=True would take its
                # hints from the network minus its least-missed neuron
                # (superposed: code coordinate h dropped with neuron h)
                hint = min((drop_neuron(best[0], h, h, h) for h in range(n)),
                           key=lambda x: len(_wrong_inputs(x, tasks[0])))
                st, cand = _repair(tasks, best, _shape_of(best[0], n - 1), None,
                                   _Budget(bud.deadline, full_conflicts),
                                   portfolio=PORTFOLIO, hint=[hint])
            else:
                # the exact family question at n - 1 (member CEGIS of
                # solve/family.py) with the rest of the budget: its answer is
                # the same on every machine; only whether it arrives before the
                # budget ends depends on the machine, and then the run ends
                st, cand = _fresh_family(subject, _shape_of(best[0], n - 1), bud)
            if st == "SAT":
                accept(cand, f"fresh solve at n={n - 1}")
                w = window
                continue
            if st == "UNSAT":
                say(f"[{time.perf_counter() - t0:7.1f}s] the solver finds no network at "
                    f"n={n - 1} (UNSAT, not proof-checked here); removal stops")
                break
            say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: fresh solve at "
                f"n={n - 1}: no answer in {full_conflicts} conflicts; budgets grow")
            full_conflicts *= 4
            # a restart: reshuffle and try again from the smallest window,
            # each window solve with twice the conflicts
            bud.conflicts *= 2
            w = window
            continue
        # geometric growth: a window that is too small fails on every neuron,
        # so reaching a working size fast matters more than its exact value
        w = min(n - 1, 2 * w)
        say(f"[{time.perf_counter() - t0:7.1f}s] step {steps}: window grows to {w}")

    # ---- phase 2: fewer nonzero parameters at the final width
    if sparsify:
        fails = 0
        while not out_of_budget() and fails < 2 * best[0].widths[0] + 4:
            n = best[0].widths[0]
            steps += 1
            k = rng.randrange(n)
            rel = _related(best, k, min(window, n - 1), rng, rng.random() < 0.5)
            hidden = sorted(set(rel) | {k})
            coords = hidden if superposed else []
            nz = objective(best)[1]
            status, cand = _repair_members(tasks, best, hidden, coords, coords, bud, core,
                                           rng, max_nonzero=nz - 1,
                                           rows=_fed_rows(best, hidden))
            if status == "SAT" and objective(cand) < objective(best):
                accept(cand, f"sparsify window {len(hidden)}")
                fails = 0
            else:
                fails += 1
    if reached():
        stopped = "target"
    elif bud.left() <= 0:
        stopped = "budget"
    elif max_steps is not None and steps >= max_steps:
        stopped = "max_steps"
    for t, net in zip(tasks, best):
        v = verify(net, t)
        if not v.ok:
            raise SoundnessError(f"improve: result fails {t.name}; a bug")
    return Improvement(subject, list(start), best, seed, steps,
                       time.perf_counter() - t0, stopped, history,
                       {"window": window, "conflicts": conflicts, "budget": budget,
                        "max_steps": max_steps, "sparsify": sparsify, "solver": SOLVER,
                        "target": target})


def restart(task, start, *, budget=60.0, portfolio=True, target=None, progress=None):
    """The restart strategy the benchmark sets against :func:`improve`: from
    ``start``, ask the fresh exact question at ``n - 1`` from scratch (no
    window, nothing fixed), again at ``n - 2`` after each SAT answer, until
    UNSAT, ``target`` or the wall-clock ``budget``. With ``portfolio`` each
    question is raced by :data:`PORTFOLIO`, the same racers
    :func:`improve` falls back on;
    without, it is one CaDiCaL run with the symmetry breaks. Returns
    ``(best network, [(seconds, width), ...])``; every network is verified.
    """
    if not isinstance(task, Task):
        raise InputError("task: expected a Task")
    _validate_opts(budget, None, 0, 1, 1)
    _check_start([task], [start])
    t0 = time.perf_counter()
    bud = _Budget(t0 + budget, 2 ** 62)
    best, hist = start, []
    say = progress or (lambda msg: None)
    while best.widths[0] > 1 and bud.left() > 0:
        if target is not None and best.widths[0] <= target:
            break
        n = best.widths[0]
        hint = min((drop_neuron(best, h, h, h) for h in range(n)),
                   key=lambda x: len(_wrong_inputs(x, task)))
        st, cand = _repair([task], [best], _shape_of(best, n - 1), None, bud,
                           portfolio=PORTFOLIO if portfolio else None,
                           hint=[hint] if portfolio else None)
        if st != "SAT":
            break
        best = cand[0]
        hist.append((round(time.perf_counter() - t0, 3), n - 1))
        say(f"[{time.perf_counter() - t0:7.1f}s] restart: n={n - 1}")
    return best, hist


def _fed_rows(nets, neurons, dropped_row=None):
    """Output rows of ``V`` fed (nonzero weight) by any of ``neurons`` in any
    member, indexed after dropping ``dropped_row`` (superposed mode)."""
    rows = set()
    for x in nets:
        for j, row in enumerate(x.V):
            if any(row[k] for k in neurons):
                rows.add(j)
    if dropped_row is not None:
        rows = set(_shift(sorted(rows), dropped_row))
    return sorted(rows)


def _fresh_family(family, shape, bud):
    left = bud.left()
    if left <= 0:
        return "UNKNOWN", None
    cell = decide_family(family, shape, SolveOptions(time_limit=left, check=False))
    if cell.status != "SAT":
        return cell.status, None
    for t, net in zip(family.members(), cell.networks):
        if not verify(net, t).ok:
            raise SoundnessError(f"family answer fails {t.name}; a bug")
    return "SAT", list(cell.networks)


def _repair_explicit_rows(task, net, hidden, rows, bud, max_nonzero):
    """Explicit mode: solve the window on the *sub-question* of the outputs
    ``rows`` and the neurons that feed them, then splice the answer back.

    Sound and complete for the window: ``rows`` holds every output a window
    neuron feeds (and may feed), so an output outside ``rows`` sees only
    fixed neurons and fixed weights and computes what it computed before;
    a neuron feeding no output of ``rows`` cannot affect them. The spliced
    network is verified exhaustively on the whole task all the same.
    """
    (W, b), = net.layers
    n = len(W)
    keep = sorted(set(hidden) | {k for k in range(n) if any(net.V[j][k] for j in rows)})
    if not rows:
        return "UNSAT", None
    sub_task = table(task.m, task.s, outputs=[[y[j] for j in rows] for y in task.outputs])
    sub = Network.explicit(net.m, len(rows), net.activation,
                           [([W[k] for k in keep], [b[k] for k in keep])],
                           [[net.V[j][k] for k in keep] for j in rows],
                           [net.c[j] for j in rows], net.B, net.B_bias, net.theta)
    pos = {k: i for i, k in enumerate(keep)}
    free = _free_keys(sub, 0, [pos[k] for k in hidden], [], [], True, True, None)
    cap = None
    if max_nonzero is not None:
        cap = max_nonzero - (objective(net)[1] - objective(sub)[1])
        if cap < 0:
            return "UNSAT", None
    st, cand = _repair([sub_task], [sub], _shape_of(sub, len(keep)), free, bud, cap)
    if st != "SAT":
        return st, None
    s2 = cand[0]
    (W2, b2), = s2.layers
    W, b = [list(r) for r in W], list(b)
    V, c = [list(r) for r in net.V], list(net.c)
    for i, k in enumerate(keep):
        W[k], b[k] = list(W2[i]), b2[i]
        for jj, j in enumerate(rows):
            V[j][k] = s2.V[jj][i]
    for jj, j in enumerate(rows):
        c[j] = s2.c[jj]
    out = Network.explicit(net.m, net.m_out, net.activation, [(W, b)], V, c, net.B,
                           net.B_bias, net.theta)
    v = verify(out, task)
    if not v.ok:
        raise SoundnessError(f"window splice: the network fails {task.name} at "
                             f"{v.counterexamples[0]}; a bug")
    return "SAT", [out]


def _repair_members(tasks, nets, hidden, coords_in, coords_out, bud, core, rng,
                    max_nonzero=None, rows=None):
    """Repair every member; single task: one window solve. Family: member-CEGIS."""
    shape = _shape_of(nets[0], nets[0].widths[0])
    if len(tasks) == 1 and nets[0].mode == "explicit" and rows is not None:
        return _repair_explicit_rows(tasks[0], nets[0], hidden, rows, bud, max_nonzero)
    if len(tasks) == 1:
        free = _free_keys(nets[0], 0, hidden, coords_in, coords_out, True, True, rows)
        return _repair(tasks, nets, shape, free, bud, max_nonzero)
    # family: members currently wrong first; the core is solved together
    wrong = [i for i, (t, x) in enumerate(zip(tasks, nets)) if _wrong_inputs(x, t)]
    if max_nonzero is not None:
        # sparsify one member at a time with the codes fixed
        i = rng.randrange(len(tasks))
        free = _free_keys(nets[i], 0, hidden, coords_in, coords_out, True, False, rows)
        others = sum(objective(x)[1] for k, x in enumerate(nets) if k != i)
        st, c = _repair([tasks[i]], [nets[i]], shape, free, bud, max_nonzero - others)
        if st != "SAT":
            return st, None
        out = list(nets)
        out[i] = c[0]
        return "SAT", out
    core_idx = (wrong or [0])[:core]
    for _ in range(len(tasks)):
        if bud.left() <= 0:
            return "UNKNOWN", None
        sub = [tasks[i] for i in core_idx]
        free = set()
        for mi, i in enumerate(core_idx):
            free |= {(k[0], mi) + k[2:] if k[0] in "WbVc" else k
                     for k in _free_keys(nets[i], 0, hidden, coords_in, coords_out,
                                         True, True, rows)}
        st, sol = _repair(sub, [nets[i] for i in core_idx], shape, free, bud)
        if st != "SAT":
            return st, None
        out = list(nets)
        E, R = sol[0].E, sol[0].R
        for mi, i in enumerate(core_idx):
            out[i] = sol[mi]
        failed = None
        for i, t in enumerate(tasks):
            if i in core_idx:
                continue
            x = replace(out[i], E=E, R=R)
            if not _wrong_inputs(x, t):
                out[i] = x
                continue
            # repair member i alone under the new codes: window, then all weights
            ok = False
            for fr in (_free_keys(x, 0, hidden, coords_in, coords_out, True, False, rows),
                       set(_member_params(x, 0))):
                st, c = _repair([t], [x], shape, fr, bud)
                if st == "SAT":
                    out[i] = c[0]
                    ok = True
                    break
                if bud.left() <= 0:
                    return "UNKNOWN", None
            if not ok:
                failed = i
                break
        if failed is None:
            return "SAT", out
        core_idx.append(failed)
    return "UNKNOWN", None
