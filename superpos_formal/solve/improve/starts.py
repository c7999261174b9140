"""Where an improvement run begins: the baseline construction, the
constructions of :mod:`superpos_formal.constructions`, loosened bounds, and
the checks every start network passes."""

from dataclasses import replace

from ...constructions import baseline as C_base
from ...constructions import family as C_family
from ...constructions import family_search as C_family_search
from ...constructions import search as C_search
from ...errors import InputError, SoundnessError
from ...network import Network
from ...verify import verify

__all__ = ["baseline", "STARTS", "CONSTRUCTION_PARAMS", "check_construction_params",
           "construction_start", "widen", "check_start"]


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
        nets, label = _family_start(family, tasks)
    elif params is not None:
        nets, label = _built_start(name, tasks, params)
    elif name in ("explicit", "superposed-trivial"):
        make = C_base.explicit_per_output if name == "explicit" else C_base.superposed_trivial
        nets, label = [make(t, activation) for t in tasks], f"construction:{name}"
    else:
        nets, label = _searched_start(name, tasks)
    if activation != nets[0].activation:
        nets = [replace(x, activation=activation) for x in nets]
    _check_construction(name, tasks, nets, activation)
    return nets, label


def _family_start(family, tasks):
    """The shared-code family construction at the smallest width its scan
    certifies (checked on ``tasks``)."""
    b = C_family_search.smallest_family_width(family, members=(tasks, {"label": "start"}))
    nets = [C_family.member_network(b.code, t) for t in tasks]
    return nets, f"construction:family({_params_text(b.params)})"


def _built_start(name, tasks, params):
    """The construction ``name`` built from the user's ``params``, per task."""
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
    return [b.network for b in built], f"construction:{name}({_params_text(params)})"


def _searched_start(name, tasks):
    """The smallest instance the construction's own search finds (one task)."""
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
    return [b.network], f"construction:{name}({_params_text(b.params)})"


def _check_construction(name, tasks, nets, activation):
    """Every network correct for its task; one code for a family."""
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



def check_start(tasks, nets):
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

