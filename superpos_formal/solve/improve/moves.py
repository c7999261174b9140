"""The neighbourhoods: which neuron to drop, which neurons and code
coordinates to free with it (the *window*), and the network surgery."""

from dataclasses import dataclass, field
from typing import Optional

from ...errors import InputError
from ...network import Network

__all__ = ["drop_neuron", "Window", "Removal", "free_keys", "removal", "sparsify_window",
           "member_params", "code_params"]


def _del(seq, i):
    return [x for k, x in enumerate(seq) if k != i]


def drop_neuron(net, h, r=None, q=None):
    """``net`` without hidden neuron ``h`` (one hidden layer).

    Superposed mode also drops input-code coordinate ``r`` (row ``r`` of
    ``E``, column ``r`` of ``W``) and output-code coordinate ``q`` (row ``q``
    of ``V`` and ``c``, column ``q`` of ``R``), so every width stays ``n - 1``.

    >>> from superpos_formal.solve.improve import baseline
    >>> from superpos_formal.tasks import uand
    >>> net = baseline([uand(3)], "explicit", "step")[0]
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


def member_params(net, mi):
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


def code_params(net):
    d = {}
    if net.mode == "superposed":
        for r, row in enumerate(net.E):
            for i, v in enumerate(row):
                d[("E", r, i)] = v
        for j, row in enumerate(net.R):
            for r, v in enumerate(row):
                d[("R", j, r)] = v
    return d


@dataclass
class Window:
    """The parameters one repair frees: the window's hidden neurons, its
    input- and output-code coordinates (superposed mode), and the output
    rows (of ``V``) a window neuron may feed (``None``: all)."""

    hidden: list
    coords_in: list = field(default_factory=list)
    coords_out: list = field(default_factory=list)
    rows: Optional[list] = None


def free_keys(net, mi, window, codes=True):
    """Keys of member ``mi``'s window (and the code window when ``codes``);
    every output bias ``c`` is free.

    Rows outside ``window.rows`` keep their fixed weights, so their output
    sums see a window neuron only through a constant factor (a view, no
    product table): the formula stays small.

    >>> from superpos_formal.network import Network
    >>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> sorted(free_keys(net, 0, Window([0])))
    [('V', 0, 0, 0), ('W', 0, 0, 0, 0), ('W', 0, 0, 0, 1), ('b', 0, 0, 0), ('c', 0, 0)]
    """
    (W, _), = net.layers
    d_in, d_out = len(W[0]), len(net.V)
    rows = range(d_out) if window.rows is None else window.rows
    free = set()
    for k in window.hidden:
        free |= {("W", mi, 0, k, i) for i in range(d_in)}
        free.add(("b", mi, 0, k))
        free |= {("V", mi, j, k) for j in rows}
    if net.mode == "superposed":
        # a code coordinate's weights are freed only towards the window's
        # neurons (freeing a whole W column / V row makes every neuron's
        # effective weights unknown: the full problem again)
        for r in window.coords_in:
            if codes:
                free |= {("E", r, i) for i in range(net.m)}
        for q in window.coords_out:
            free.add(("c", mi, q))
            if codes:
                free |= {("R", j, q) for j in range(net.m_out)}
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



# ------------------------------------------------------------------ moves

@dataclass
class Removal:
    """One removal move: ``networks`` without neuron ``h`` (and, superposed,
    one code coordinate each way), and the ``window`` a repair frees."""

    h: int
    networks: list
    window: Window
    random_window: bool

    @property
    def label(self):
        return (f"drop neuron {self.h}, window {len(self.window.hidden)}"
                f"{' random' if self.random_window else ''}")


def removal(nets, h, w, rng):
    """The move that drops hidden neuron ``h`` of every member and frees the
    ``w`` neurons most related to it (a random ``w`` with probability 0.3).

    Superposed mode also drops the input and output code coordinates least
    used by the rest of the network, and frees ``max(1, w // 2)`` code
    coordinates each way: code windows are costlier than neuron windows
    (free codes make the effective weights products of two unknowns).
    """
    n = nets[0].widths[0]
    random_window = rng.random() < 0.3
    rel = _related(nets, h, min(w, n - 1), rng, random_window)
    hidden = _shift(rel, h)
    if nets[0].mode != "superposed":
        window = Window(hidden, rows=_fed_rows(nets, [h] + rel))
        return Removal(h, [drop_neuron(x, h) for x in nets], window, random_window)
    cin, cout = _coord_use(nets, h)
    r = _least_used(cin[:n], rng)
    q = _least_used(cout[:n], rng)
    coords_in, coords_out = _related_coords(nets, [h] + rel, r, q, max(1, w // 2), rng)
    rows = sorted(set(_fed_rows(nets, [h] + rel, q)) | set(coords_out))
    return Removal(h, [drop_neuron(x, h, r, q) for x in nets],
                   Window(hidden, coords_in, coords_out, rows), random_window)


def _least_used(use, rng):
    """The index of the smallest ``use``; ties broken by one ``rng`` draw
    per index, drawn in index order."""
    jitter = [rng.random() for _ in use]
    return min(range(len(use)), key=lambda i: (use[i], jitter[i]))


def sparsify_window(nets, w, rng):
    """The window of a sparsification move at the current width: a random
    neuron and the ``w`` neurons most related to it (random ones half of
    the time); superposed, the same code coordinates each way."""
    n = nets[0].widths[0]
    k = rng.randrange(n)
    rel = _related(nets, k, min(w, n - 1), rng, rng.random() < 0.5)
    hidden = sorted(set(rel) | {k})
    coords = hidden if nets[0].mode == "superposed" else []
    return Window(hidden, coords, coords, _fed_rows(nets, hidden))
